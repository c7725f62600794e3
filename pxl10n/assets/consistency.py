"""The same source translated differently in one locale across the repository.

A reviewer wants one finding per unit that departs from how the rest of the
repository translates the same source (same text and inline codes). The most
common translation is taken as the reference; when two are equally common,
every unit involved is reported, since neither is the house style yet.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pxl10n.assets.corpus import Entry


@dataclass(frozen=True)
class Inconsistency:
    """A translated entry whose translation differs from the others of the same source."""

    entry: Entry
    #: the most common other translation (plain text) and how many units use it
    reference: str
    reference_count: int
    #: an example of where the reference is used (path#unit)
    reference_at: str
    variants: int


def inconsistencies(entries: Iterable[Entry]) -> list[Inconsistency]:
    """Every translated entry that departs from its locale's most common translation of the same source."""
    groups: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.target is not None and entry.source_text.strip() and (entry.target_text or "").strip():
            groups[(entry.locale, entry.source)].append(entry)
    found = []
    for group in groups.values():
        counts = Counter(entry.target for entry in group)
        if len(counts) < 2:
            continue
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))
        tie = ranked[0][1] == ranked[1][1]
        for entry in group:
            if entry.target == ranked[0][0] and not tie:
                continue
            reference, count = next((t, n) for t, n in ranked if t != entry.target)
            example = next(e for e in group if e.target == reference)
            found.append(Inconsistency(entry, example.target_text or "", count, f"{example.path}#{example.unit_id}", len(counts)))
    return sorted(found, key=lambda inc: (inc.entry.path, inc.entry.index))
