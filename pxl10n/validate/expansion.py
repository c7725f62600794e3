"""How long a translation may reasonably be, per language, measured in characters.

A German UI string runs about a third longer than its English source; Japanese
about half as long, Chinese a third, Korean two thirds (ideographs and syllable
blocks carry more per character). A single "target is 3x the source" threshold
therefore misses real truncations in German and cries wolf on every Chinese
target. Each language gets a typical ratio to English (the figures localization
style guides publish for UI text, rounded); a pair's expected ratio is the
target's over the source's, and a length is suspicious only far outside it.
Short strings vary most ("OK" -> "Aceptar"), so they are not judged at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from pxl10n.validate.langtags import base_language

#: Typical characters of a translation per character of English UI text.
EXPANSION: dict[str, float] = {
    "en": 1.0,
    "de": 1.3, "nl": 1.25, "fr": 1.2, "es": 1.2, "pt": 1.2, "it": 1.15, "ca": 1.2, "ro": 1.2, "gl": 1.2,
    "ru": 1.15, "uk": 1.15, "pl": 1.2, "cs": 1.1, "sk": 1.1, "sl": 1.1, "hr": 1.1, "sr": 1.1, "bg": 1.15,
    "fi": 1.25, "et": 1.15, "hu": 1.2, "el": 1.2, "tr": 1.1, "lt": 1.15, "lv": 1.15,
    "sv": 1.1, "da": 1.1, "nb": 1.1, "nn": 1.1, "no": 1.1, "is": 1.15,
    "ar": 1.0, "he": 0.9, "fa": 1.0, "ur": 1.0, "hi": 1.1, "bn": 1.1, "ta": 1.3, "te": 1.2, "mr": 1.1,
    "th": 1.0, "vi": 1.1, "id": 1.15, "ms": 1.15, "fil": 1.2,
    "ja": 0.55, "zh": 0.35, "ko": 0.65,
}
#: Sources shorter than this (in characters) are never judged.
MIN_SOURCE_LENGTH = 20
#: How far from the expected ratio a length may go, by source length (shorter: more).
_SLACK = ((50, 3.0), (0, 3.5))


def factor(tag: str | None) -> float:
    """The language's expansion against English; 1.0 when unknown."""
    return EXPANSION.get(base_language(tag) or "", 1.0)


def expected_ratio(source_lang: str | None, target_lang: str | None) -> float:
    """Typical target length over source length for this pair."""
    return factor(target_lang) / factor(source_lang)


@dataclass(frozen=True)
class Bounds:
    """Target lengths (characters) that raise no suspicion."""

    low: float
    high: float

    def __contains__(self, length: object) -> bool:
        return isinstance(length, int | float) and self.low <= length <= self.high


def bounds(source_length: int, ratio: float) -> Bounds | None:
    """The unsuspicious range of target lengths for a pair whose :func:`expected_ratio` is ``ratio``
    (computed once per document), or None when the source is too short to judge."""
    if source_length < MIN_SOURCE_LENGTH:
        return None
    slack = _slack(source_length)
    expected = source_length * ratio
    return Bounds(expected / slack, expected * slack)


def _slack(source_length: int) -> float:
    for threshold, slack in _SLACK:
        if source_length >= threshold:
            return slack
    return _SLACK[-1][1]


def unsuspicious_ratios(ratio: float) -> tuple[float, float]:
    """Target/source length ratios unsuspicious at every judged source length, for a pair whose
    :func:`expected_ratio` is ``ratio``: inside the narrowest slack, with a margin for float rounding,
    so a ratio within them is never :func:`outside` (one comparison per document instead of per unit)."""
    slack = min(s for _, s in _SLACK)
    return ratio / slack * (1 + 1e-9), ratio * slack * (1 - 1e-9)


def outside(source_length: int, target_length: int, ratio: float) -> Bounds | None:
    """The :func:`bounds` a target length falls outside of, or None when it is unsuspicious (or the source too
    short to judge). Called for every translated unit, so the common answer is reached without building any."""
    if source_length < MIN_SOURCE_LENGTH:
        return None
    expected = source_length * ratio
    slack = _slack(source_length)
    if expected / slack <= target_length <= expected * slack:
        return None
    return Bounds(expected / slack, expected * slack)
