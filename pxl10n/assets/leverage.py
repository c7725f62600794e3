"""``pxl10n leverage``: fill untranslated targets from exact matches, suggest fuzzy ones.

An exact match is the same source text with the same inline codes, in the same
locale, translated one way only across the repository and the imported TMX
files; a source translated two ways is left alone and reported, because picking
one would be a guess. Filled targets are marked for review the XLIFF way (2.0
``state="translated" subState="pxl10n:exact-match"``, 1.2
``state="needs-review-translation" state-qualifier="exact-match"``) so a reviewer
finds them. A match whose target would fail validation in its new place (a
placeholder, an ICU or printf argument, an HTML tag of the source lost or
changed: an error under the project's ``[validate]`` settings) is never written,
only reported: push would hold the file back for it. Fuzzy matches
(translate-toolkit's matcher) are only reported: they are never written into
files PX would import.

A unit that has a target is never touched. Files are read once, rewritten
canonically and atomically, and only when they still hold the bytes that were
read (a file edited meanwhile is skipped and reported). Works offline.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pxl10n.assets.corpus import Corpus, Entry, SourceFile
from pxl10n.assets.memory import Memory, pairs
from pxl10n.assets.rewrite import rewrite_if_unchanged
from pxl10n.config import Settings
from pxl10n.console import Console
from pxl10n.errors import XliffError
from pxl10n.validate import qa
from pxl10n.validate.engine import build_selection
from pxl10n.validate.rules import Severity
from pxl10n.xliff.io import canonical_bytes, parse, text_of
from pxl10n.xliff.segments import iter_segments, parse_markup, write_target

SUBSTATE = "pxl10n:exact-match"
STATE_12 = "needs-review-translation"
DEFAULT_MIN_SIMILARITY = 75
#: longest source (characters) the fuzzy matcher compares; longer ones get no suggestions
MAX_MATCH_LENGTH = 500
_TAG = re.compile(r"<[^>]+>")
_SCORE = re.compile(r"(\d+(?:\.\d+)?)%")


def inline_codes(markup: str) -> Counter[str]:
    """The inline codes of a markup string (text is escaped there, so every ``<`` opens one)."""
    return Counter(_TAG.findall(markup))


@dataclass(frozen=True)
class Fill:
    """An exact match written (or, in a dry run, to be written) into an empty target."""

    path: str
    unit_id: str | None
    line: int | None
    source: str
    target: str
    origins: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    """An untranslated unit whose source has more than one translation in its locale."""

    path: str
    unit_id: str | None
    source: str
    #: (translation, where it was found) for each variant
    variants: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Refused:
    """An untranslated unit whose only exact match would fail validation there: reported, never written."""

    path: str
    unit_id: str | None
    source: str
    target: str
    origins: tuple[str, ...]
    #: the errors validate would report, each as "CODE message"
    errors: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    """A fuzzy match for an untranslated unit: reported, never written."""

    path: str
    unit_id: str | None
    source: str
    match_source: str
    target: str
    similarity: float


@dataclass(frozen=True)
class LeverageResult:
    """What leverage filled, left alone and suggested; immutable."""

    fills: tuple[Fill, ...]
    conflicts: tuple[Conflict, ...]
    suggestions: tuple[Suggestion, ...]
    refused: tuple[Refused, ...]
    files_changed: tuple[str, ...]
    #: files edited by someone else while leverage ran (left as they are)
    skipped_changed: tuple[str, ...]
    unreadable: tuple[tuple[str, str], ...]
    untranslated: int
    dry_run: bool

    @property
    def exit_code(self) -> int:
        return 1 if self.unreadable or self.skipped_changed else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "command": "leverage",
            "dry_run": self.dry_run,
            "untranslated": self.untranslated,
            "filled": len(self.fills),
            "files_changed": list(self.files_changed),
            "fills": [{"path": f.path, "unit": f.unit_id, "line": f.line, "source": f.source, "target": f.target, "from": list(f.origins)} for f in self.fills],
            "conflicts": [
                {"path": c.path, "unit": c.unit_id, "source": c.source, "translations": [{"target": t, "from": list(o)} for t, o in c.variants]} for c in self.conflicts
            ],
            "suggestions": [
                {"path": s.path, "unit": s.unit_id, "source": s.source, "match_source": s.match_source, "target": s.target, "similarity": s.similarity}
                for s in self.suggestions
            ],
            "refused": [
                {"path": r.path, "unit": r.unit_id, "source": r.source, "target": r.target, "from": list(r.origins), "errors": list(r.errors)}
                for r in self.refused
            ],
            "skipped_changed": list(self.skipped_changed),
            "unreadable": [{"path": path, "reason": reason} for path, reason in self.unreadable],
        }


@dataclass
class _Index:
    """One locale's memory: source markup -> target markup -> where it was seen; plain pairs for fuzzy."""

    exact: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    plain: dict[str, str] = field(default_factory=dict)

    def add(self, source: str, target: str, origin: str, source_text: str, target_text: str) -> None:
        if inline_codes(source) != inline_codes(target):
            return
        self.exact[source][target].append(origin)
        self.plain.setdefault(source_text, target_text)


def _plain(markup: str) -> str:
    return text_of(parse_markup(markup, None)) or ""


def build_indexes(corpus: Corpus, memories: Iterable[Memory], settings: Settings, locales: Iterable[str]) -> dict[str, _Index]:
    """Per locale, every translation the repository and the imported memories hold."""
    indexes = {locale: _Index() for locale in locales}
    for entry in corpus.entries:
        index = indexes.get(entry.locale)
        if index is not None and entry.reusable and entry.source.strip():
            assert entry.target is not None and entry.target_text is not None
            index.add(entry.source, entry.target, f"{entry.path}#{entry.unit_id}", entry.source_text, entry.target_text)
    for memory in memories:
        for locale, index in indexes.items():
            for source, target in pairs(memory.units, settings.source_locale, locale):
                try:
                    index.add(source, target, memory.name, _plain(source), _plain(target))
                except XliffError:  # a vendor's native code that is not XLIFF markup cannot match anyway
                    continue
    return indexes


class _Errors:
    """What validate would report as errors for a match written into an entry, under the project's ``[validate]``
    settings (as push validates), each as "CODE message"; asked once per source and target."""

    def __init__(self, settings: Settings) -> None:
        self._selection = build_selection(settings)
        self._source_locale = settings.source_locale
        self._known: dict[tuple[str, str, str], tuple[str, ...]] = {}

    def __call__(self, entry: Entry, target: str) -> tuple[str, ...]:
        key = (entry.source, target, entry.locale)
        found = self._known.get(key)
        if found is None:
            issues = qa.compare(entry.source_text, _plain(target), self._source_locale, entry.locale)
            found = self._known[key] = tuple(f"{rule.code} {message}" for rule, message in issues
                                             if self._selection.level(rule.code, rule.severity) is Severity.ERROR)
        return found


def _matcher(index: _Index, min_similarity: int) -> Any:
    """translate-toolkit's matcher over one locale's plain-text pairs."""
    # RapidFuzz (the toolkit's "levenshtein" extra) is a dependency; should it be missing, the pure-Python
    # fallback still works, so the toolkit's import-time warning would only be noise.
    logging.getLogger("translate.search.lshtein").setLevel(logging.ERROR)
    from translate.search.match import matcher
    from translate.storage.base import TranslationStore, TranslationUnit

    store: TranslationStore[TranslationUnit] = TranslationStore()
    for source, target in index.plain.items():
        unit = TranslationUnit(source)
        unit.target = target
        store.addunit(unit)
    return matcher(store, max_candidates=3, min_similarity=min_similarity, max_length=MAX_MATCH_LENGTH)


def _suggest(entry: Entry, match: Any) -> list[Suggestion]:
    found = []
    for unit in match.matches(entry.source_text):
        score = _SCORE.search(unit.getnotes() or "")
        found.append(Suggestion(entry.path, entry.unit_id, entry.source_text, str(unit.source), str(unit.target), round(float(score.group(1)), 1) if score else 0.0))
    return found


def _apply(source_file: SourceFile, fills: dict[int, str]) -> bytes:
    """The file's bytes with each ``index -> target markup`` written and marked for review."""
    tree = parse(source_file.data, source=source_file.key.relpath())
    segments = list(iter_segments(tree))
    for index, target in fills.items():
        segment = segments[index]
        if segment.has_target:
            continue
        content = parse_markup(target, segment.namespace)
        if segment.version == "2.0":
            write_target(segment, content)
            segment.container.set("state", "translated")
            segment.container.set("subState", SUBSTATE)
        else:
            write_target(segment, content, attrs={"state": STATE_12, "state-qualifier": "exact-match"})
    return canonical_bytes(tree)


def leverage(
    settings: Settings,
    corpus: Corpus,
    memories: Iterable[Memory],
    *,
    targets: Iterable[SourceFile],
    locales: Iterable[str],
    min_similarity: int = DEFAULT_MIN_SIMILARITY,
    dry_run: bool = False,
    console: Console | None = None,
) -> LeverageResult:
    """Fill the untranslated entries of ``targets`` from exact matches in ``corpus`` and ``memories``."""
    indexes = build_indexes(corpus, memories, settings, locales)
    matchers: dict[str, Any] = {}
    fills: list[Fill] = []
    conflicts: list[Conflict] = []
    suggestions: list[Suggestion] = []
    refused: list[Refused] = []
    errors = _Errors(settings)
    changed: list[str] = []
    skipped: list[str] = []
    untranslated = 0
    targets = list(targets)
    for done, source_file in enumerate(targets, 1):
        if console is not None:
            console.progress(done, len(targets), "matching")
        index = indexes.get(source_file.key.locale)
        if index is None:
            continue
        planned: dict[int, str] = {}
        for entry in source_file.entries:
            if entry.translated or not entry.writable or not entry.source_text.strip():
                continue
            untranslated += 1
            found = index.exact.get(entry.source, {})
            variants = {target: origins for target, origins in found.items() if not errors(entry, target)}
            if len(variants) == 1:
                target, origins = next(iter(variants.items()))
                planned[entry.index] = target
                fills.append(Fill(entry.path, entry.unit_id, entry.line, entry.source_text, _plain(target), tuple(dict.fromkeys(origins))))
            elif found and not variants:
                refused += (Refused(entry.path, entry.unit_id, entry.source_text, _plain(target), tuple(dict.fromkeys(origins)),
                                    errors(entry, target)) for target, origins in sorted(found.items()))
            elif variants:
                conflicts.append(Conflict(entry.path, entry.unit_id, entry.source_text, tuple((_plain(t), tuple(dict.fromkeys(o))) for t, o in sorted(variants.items()))))
            else:
                if source_file.key.locale not in matchers:
                    matchers[source_file.key.locale] = _matcher(index, min_similarity)
                suggestions += _suggest(entry, matchers[source_file.key.locale])
        if not planned:
            continue
        after = _apply(source_file, planned)
        if after == source_file.data:
            continue
        if dry_run or rewrite_if_unchanged(source_file.key.path(settings.directory), source_file.data, after):
            changed.append(source_file.key.relpath())
        else:
            skipped.append(source_file.key.relpath())
            fills = [fill for fill in fills if fill.path != source_file.key.relpath()]
    return LeverageResult(tuple(fills), tuple(conflicts), tuple(suggestions), tuple(refused), tuple(changed), tuple(skipped), tuple(corpus.unreadable), untranslated, dry_run)


def render_text(result: LeverageResult) -> str:
    """What a person needs after a run: the summary, then conflicts and suggestions to act on."""
    verb = "would fill" if result.dry_run else "filled"
    origins = Counter("repository" if "#" in origin else origin for fill in result.fills for origin in fill.origins[:1])
    where = ", ".join(f"{count} from {name}" for name, count in sorted(origins.items()))
    lines = [
        f"{verb} {len(result.fills)} of {result.untranslated} untranslated unit(s) in {len(result.files_changed)} file(s)"
        + (f" ({where})" if where else "")
        + ("; marked for review" if result.fills else "")
    ]
    for conflict in result.conflicts:
        variants = "; ".join(f"{target!r} ({', '.join(origins[:2])}{', ...' if len(origins) > 2 else ''})" for target, origins in conflict.variants)
        lines.append(f"conflict: {conflict.path}#{conflict.unit_id}: {conflict.source!r} has {len(conflict.variants)} translations, left empty: {variants}")
    for suggestion in result.suggestions:
        lines.append(f"suggestion ({suggestion.similarity:g}%): {suggestion.path}#{suggestion.unit_id}: {suggestion.source!r} ~ {suggestion.match_source!r} -> {suggestion.target!r} (not written)")
    for refused in result.refused:
        lines.append(f"not filled: {refused.path}#{refused.unit_id}: the exact match {refused.target!r} ({', '.join(refused.origins[:2])}"
                     f"{', ...' if len(refused.origins) > 2 else ''}) would fail validation there: {'; '.join(refused.errors)}; translate it by hand")
    lines += [f"skipped: {path} changed while leverage ran; re-run to fill it" for path in result.skipped_changed]
    lines += [f"unreadable (not used): {path}: {reason}" for path, reason in result.unreadable]
    return "\n".join(lines) + "\n"
