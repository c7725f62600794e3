"""The same source translated differently in one locale across the repository.

A reviewer wants one finding per unit that departs from how the rest of the
repository translates the same source (same text and inline codes). The most
common translation is taken as the reference; when two are equally common,
every unit involved is reported, since neither is the house style yet.

:func:`translation_variants` is the repository-wide index (small: only sources
with two or more translations), :func:`departure` the per-unit verdict, so a
validate family can judge one file at a time against the whole repository.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only the type: validate imports this module and must not pull in the directory layout
    from pxl10n.assets.corpus import Entry


@dataclass(frozen=True)
class Variant:
    """One way a source is translated: the target markup, its plain text, how many units, one of them."""

    target: str
    text: str
    count: int
    example: str


@dataclass(frozen=True)
class Departure:
    """How a unit's translation departs from the others of the same source."""

    reference: Variant
    variants: int


#: (locale, source markup) -> its translations, most used first
Variants = Mapping[tuple[str, str], tuple[Variant, ...]]


def translation_variants(entries: Iterable[Entry]) -> dict[tuple[str, str], tuple[Variant, ...]]:
    """Per (locale, source markup) with more than one translation: the translations, most used first."""
    groups: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.reusable and entry.source_text.strip():  # a draft is no translation to hold others to
            groups[(entry.locale, entry.source)].append(entry)
    index = {}
    for key, group in groups.items():
        counts = Counter(entry.target for entry in group)
        if len(counts) < 2:
            continue
        first: dict[str | None, Entry] = {}
        for entry in group:
            first.setdefault(entry.target, entry)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))
        index[key] = tuple(
            Variant(target or "", first[target].target_text or "", count, f"{first[target].path}#{first[target].unit_id}") for target, count in ranked
        )
    return index


def departure(target: str, variants: tuple[Variant, ...]) -> Departure | None:
    """None when ``target`` is its source's reference translation, else the reference it departs from."""
    if len(variants) < 2:
        return None
    tie = variants[0].count == variants[1].count
    if target == variants[0].target and not tie:
        return None
    reference = next(v for v in variants if v.target != target)
    return Departure(reference, len(variants))


@dataclass(frozen=True)
class Inconsistency:
    """A translated entry whose translation differs from the others of the same source."""

    entry: Entry
    departure: Departure


def inconsistencies(entries: Iterable[Entry]) -> list[Inconsistency]:
    """Every translated entry that departs from its locale's most common translation of the same source."""
    entries = list(entries)
    index = translation_variants(entries)
    found = []
    for entry in entries:
        variants = index.get((entry.locale, entry.source))
        if variants and entry.target is not None:
            verdict = departure(entry.target, variants)
            if verdict is not None:
                found.append(Inconsistency(entry, verdict))
    return sorted(found, key=lambda inc: (inc.entry.path, inc.entry.index))
