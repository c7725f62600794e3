"""Pseudo-translation: fill targets with recognisable, still-valid copies of the source.

An admin pushes pseudo-translations to a test locale to see, in the product,
which strings are not localizable (they stay plain), which get cut off (the
closing bracket is missing) and which break when text grows (``expand``). Every
placeholder, inline code, HTML tag, entity, URL, e-mail address and the
whitespace at both ends is kept, so the result passes validation.

Styles build on each other: ``accents`` swaps letters for accented ones,
``brackets`` also wraps each segment in ``[...]``, ``expand`` also pads it by the
growth translations typically need (IBM's guideline: short strings grow most).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from enum import StrEnum

from lxml import etree

from pxl10n.validate import html, icu
from pxl10n.validate import qa_text as tx
from pxl10n.xliff.io import canonical_bytes, parse
from pxl10n.xliff.segments import Segment, iter_segments, write_target


class Style(StrEnum):
    """How loud the pseudo-translation is."""

    ACCENTS = "accents"
    BRACKETS = "brackets"
    EXPAND = "expand"


_ACCENTS = str.maketrans(
    "AaCcEeIiNnOoUuYy",
    "ÅåÇçÉéÎîÑñÖöÛûÝý",
)
#: An HTML entity written as text (``&nbsp;``), kept as it is.
_ENTITY_RE = re.compile(r"&#?\w+;")
#: Stands for an inline element between two pieces of a segment's text, so the pieces read as one text (an ICU
#: message may run across inline codes); a private-use character, which no grammar takes for code.
_JOIN = "\ue000"
#: (longest visible length, growth in percent): IBM's expansion guideline, lower bounds
_GROWTH = ((10, 100), (20, 80), (30, 60), (50, 40), (70, 30))
_PAD = "~"
#: A plural or select branch's key before its opening brace (``one {``, ``=0 {``, ``other {``, a select's own word);
#: not a word before a ``{{ mustache }}`` placeholder (``has {{ n }}``), though a branch may open with one (``{{{``).
_SELECTOR_RE = re.compile(r"(?:^|[\s,}])(=\d+|[A-Za-z_][\w-]*)\s*\{(?!\{(?!\{))")
# The closing bracket goes before final punctuation, so "Done." stays a sentence: "[Döñé]."
_END_PUNCTUATION = ".!?:;,…。！？、"


def _code(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are code, as validate reads them: placeholders (printf, ICU arguments, mustache...),
    URLs, e-mail addresses, HTML tags and entities."""
    spans = [m.span() for m in tx.placeholder_matches(text)] if "{" in text or "%" in text or "$" in text else []
    spans += [m.span() for m in tx.url_matches(text)]
    if "@" in text:
        spans += [m.span() for m in tx.EMAIL_RE.finditer(text)]
    if "<" in text:
        spans += [m.span() for m in html.TAG_RE.finditer(text)]
    if "&" in text:
        spans += [m.span() for m in _ENTITY_RE.finditer(text)]
    return spans


def _kept(text: str) -> tuple[list[bool], list[tuple[int, int]]]:
    """Per character of ``text``, whether it must survive untouched, and the stretches to bracket each alone. In an
    ICU plural or select message only the branch text is text (its argument names, keys, braces and ``#`` are
    syntax), and each run of it is bracketed alone, so every branch shows its own ``[...]``; elsewhere the code is
    :func:`_code`, and the whole text is one stretch."""
    message = icu.parse(text) if icu.looks_like_icu(text) else None
    strict = message is not None and message.valid and message.branching
    stretches = list(message.texts) if message is not None and strict else [(0, len(text))]
    kept = [True] * len(text)
    for start, end in stretches:
        kept[start:end] = [False] * (end - start)
        for a, b in _code(text[start:end]):
            kept[start + a : start + b] = [True] * (b - a)
    if not strict and "{" in text and tx.ICU_BRANCHING_HEAD_RE.search(text):  # a plural no strict ICU parser reads
        for match in _SELECTOR_RE.finditer(text):  # (ngx-translate's {{ user }} in a branch): its keys stay keys
            kept[match.start(1) : match.end(1)] = [True] * (match.end(1) - match.start(1))
    return kept, stretches


def _open(text: str, kept: list[bool]) -> list[int]:
    """The positions of ``text`` pseudo-translation may change: not kept, not a join."""
    return [at for at, (ch, keep) in enumerate(zip(text, kept, strict=True)) if not keep and ch != _JOIN]


def growth(length: int) -> int:
    """Characters to add to a segment of ``length`` visible characters for ``expand``."""
    if not length:
        return 0
    percent = next((pct for limit, pct in _GROWTH if length <= limit), 30)
    return max(1, -(-length * percent // 100))


def _bracketed(text: str, free: list[int], closing: str) -> str:
    """``text`` with ``[`` before its first visible character and ``closing`` after its last, final punctuation
    left outside (``[Döñé].``); as it is when nothing is visible."""
    visible = [at for at in free if not text[at].isspace()]
    if not visible:
        return text
    first, end = visible[0], visible[-1] + 1
    open_ = set(free)
    while end - 1 > first and text[end - 1] in _END_PUNCTUATION and end - 1 in open_:
        end -= 1
    return text[:first] + "[" + text[first:end] + closing + text[end:]


class _Slot:
    """One text or tail of an element, read and written in place."""

    def __init__(self, element: etree._Element, attr: str) -> None:
        self.element, self.attr = element, attr

    @property
    def value(self) -> str:
        return getattr(self.element, self.attr) or ""

    @value.setter
    def value(self, text: str) -> None:
        setattr(self.element, self.attr, text or None)


def _slots(element: etree._Element) -> Iterator[_Slot]:
    """The text pieces inside ``element`` in reading order (its own tail excluded)."""
    yield _Slot(element, "text")
    for child in element:
        if isinstance(child.tag, str):
            yield from _slots(child)
        yield _Slot(child, "tail")


def _decorate(slots: list[_Slot], style: Style) -> None:
    """Pseudo-translate the pieces of one segment's text (between its inline elements) as one text."""
    values = [slot.value for slot in slots]
    if any(_JOIN in value for value in values):
        joined_parts = [[value] for value in values]  # the join character is taken: each piece alone
    else:
        joined_parts = [values]
    out: list[str] = []
    for parts in joined_parts:
        text = _JOIN.join(parts)
        kept, stretches = _kept(text)
        free = _open(text, kept)
        chars = list(text)
        for at in free:
            chars[at] = chars[at].translate(_ACCENTS)
        text = "".join(chars)
        if style != Style.ACCENTS:
            for start, end in reversed(stretches):  # from the end, so the earlier positions hold
                inside = [at - start for at in free if start <= at < end]
                closing = "]"
                if style == Style.EXPAND:
                    closing = _PAD * growth(len("".join(text[start + at] for at in inside).strip())) + "]"
                text = text[:start] + _bracketed(text[start:end], inside, closing) + text[end:]
        out += text.split(_JOIN)
    for slot, value in zip(slots, out, strict=True):
        slot.value = value


def pseudo_text(text: str, style: Style = Style.ACCENTS) -> str:
    """Pseudo-translate one string; protected stretches and outer whitespace are kept."""
    holder = etree.Element("t")
    holder.text = text
    _decorate([_Slot(holder, "text")], style)
    return holder.text or ""


def pseudo_segment(segment: Segment, style: Style = Style.ACCENTS) -> etree._Element:
    """Write a pseudo-translated target into ``segment`` and return it."""
    content = copy.deepcopy(segment.source)
    content.tail = None
    _decorate(list(_slots(content)), style)
    return write_target(segment, content)


def pseudo_translate(data: bytes, *, source: str = "<document>", overwrite: bool = False, style: Style = Style.ACCENTS) -> bytes:
    """Canonical XLIFF bytes with every untranslated unit (every unit with ``overwrite``) pseudo-translated."""
    tree = parse(data, source=source)
    for segment in list(iter_segments(tree)):
        if segment.writable and (overwrite or not segment.has_target):
            pseudo_segment(segment, style)
    return canonical_bytes(tree)
