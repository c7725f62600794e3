"""One scan per document, in C, that proves most QA checks silent before any unit is read in Python.

QA compares source and target unit by unit; on a sound translation nearly every
comparison finds nothing, and doing that work unit by unit in Python is what
makes QA slow. Here a document's sources are joined into one string, its
targets into another, each unit's text between two :data:`SEPARATOR` characters
(NUL, which XML 1.0 text cannot hold, so it never occurs in a parsed text). One
``re`` call over a joined string then reads every unit at C speed:

* :func:`having` names the units with a match of a pattern (the units a check
  must look at; the others cannot trigger it);
* :func:`differing` names the units whose token lists (a token grammar's
  matches, in order) differ between source and target: where they are equal, a
  check that only compares those tokens is silent;
* :func:`differing_values` does the same for per-unit values already computed
  with ``map`` (final punctuation, stripped text).

A check's proof (in :mod:`pxl10n.validate.qa`, beside the check) combines these
into the set of units the proof cannot clear; only those go through the real
check. The proofs may over-ask (a unit sent to the check that finds nothing) but
never clear a unit the check would report: ``tests/test_qa_document_scan.py``
holds every proof to that on generated mutations.

A pattern read over a joined string finds what it finds in each text alone when
a match cannot run across a separator and its assertions read NUL like the end
of the text (``\\b``, ``(?!\\d)``, lookbehinds for letters); :func:`differing`
checks the first itself (a match that swallows a separator makes it give up).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate, compress, count, repeat
from operator import ne
from typing import NamedTuple

#: What separates two units' texts in a joined string: forbidden in XML 1.0, so no parsed text holds it.
SEPARATOR = "\x00"


class Side(NamedTuple):
    """One side (the sources, or the targets) of a document's units, joined for one scan."""

    texts: Sequence[str]
    #: SEPARATOR, then each text followed by SEPARATOR
    joined: str
    #: where each separator is: unit ``i`` lies between ``seps[i]`` and ``seps[i + 1]``
    seps: list[int]


def side(texts: Sequence[str]) -> Side:
    """The texts joined, with where each starts (two C calls and a C-level ``accumulate``)."""
    return Side(texts, SEPARATOR + SEPARATOR.join(texts) + SEPARATOR, separators(texts))


def separators(texts: Sequence[str]) -> list[int]:
    """:attr:`Side.seps` of ``texts``: where each separator of their joined string is."""
    return list(accumulate(map((1).__add__, map(len, texts)), initial=0))


def having(pattern: re.Pattern[str], *sides: Side) -> set[int]:
    """The units whose text on any of ``sides`` has a match of ``pattern``.

    One search per unit found, none per unit without a match. A match that runs across a separator is
    counted for the unit it starts in, which only ever adds a unit; the next search starts at the
    following unit, so nothing a text alone matches is missed."""
    found: set[int] = set()
    for s in sides:
        joined, seps, last = s.joined, s.seps, len(s.texts) - 1
        search = pattern.search
        m = search(joined)
        while m is not None:
            index = bisect_right(seps, m.start()) - 1
            if index > last:
                break
            found.add(index)
            m = search(joined, seps[index + 1])
    return found


def ending_with(pattern: re.Pattern[str], side: Side) -> set[int]:
    """The units whose text ends with a match of ``pattern`` read backwards from a separator.

    ``pattern`` (such as ``\\x00\\s``) runs over the joined string reversed (one C copy): a separator, then the
    last characters of the text before it, reversed. A literal separator first lets ``re`` skip to each."""
    backwards = side.joined[::-1]
    last = len(backwards) - 1
    seps = side.seps
    return {bisect_right(seps, last - m.start()) - 2 for m in pattern.finditer(backwards)}


def differing(pattern: re.Pattern[str], source: Side, target: Side,
              matches: Callable[[str], list[re.Match[str]]] | None = None) -> set[int]:
    """The units whose ``pattern.findall`` differs between source and target, for a pattern that starts with
    a literal character (``<``, ``%``) or is found by scans that do (``matches``).

    One ``finditer`` per side gives the matches and, through their starts, the unit of each. A match holding
    a separator (one that ran across two texts) makes it compare every text; else every match is its text's
    own, as the text alone gives it, provided the pattern's lookarounds read NUL as they read a text's edge
    (``\\b``, ``(?![A-Za-z])``, ``(?<![A-Za-z0-9])``). When both sides have the same matches in the same
    units, every unit's ``findall`` is then the same on both (the same string matched alike gives the same
    groups); else the units with a match on either side are compared text by text. ``matches``, when given,
    finds what ``list(pattern.finditer(text))`` finds, faster (such as
    :func:`pxl10n.validate.qa_text.placeholder_matches`)."""
    find = matches or (lambda text: list(pattern.finditer(text)))
    src, trg = find(source.joined), find(target.joined)
    if not src and not trg:
        return set()
    src_found, trg_found = list(map(re.Match.group, src)), list(map(re.Match.group, trg))
    if SEPARATOR in "".join(src_found) or SEPARATOR in "".join(trg_found):
        return differing_values(list(map(pattern.findall, source.texts)), list(map(pattern.findall, target.texts)))
    src_units = list(map(bisect_right, repeat(source.seps), map(re.Match.start, src)))
    trg_units = list(map(bisect_right, repeat(target.seps), map(re.Match.start, trg)))
    if src_found == trg_found and src_units == trg_units:
        return set()
    findall, src_texts, trg_texts = pattern.findall, source.texts, target.texts
    return {index - 1 for index in set(src_units) | set(trg_units)
            if findall(src_texts[index - 1]) != findall(trg_texts[index - 1])}


def differing_values(src: Sequence[object], trg: Sequence[object]) -> set[int]:
    """The indexes where two equally long per-unit lists differ (one C comparison when none does)."""
    if src == trg:
        return set()
    return set(compress(count(), map(ne, src, trg)))
