"""The bytes push may send: a document with every empty target of a non-empty source taken out.

CAT tools write ``<target/>`` (often ``state="new"`` / ``initial``) for units they
did not translate, and validation lets that pass. Whether PX then blanks the text
it holds is not documented, so an empty target is never sent: XLIFF 1.2 loses the
``<target>`` element, 2.0 the ``<target>`` of the segment (whose ``state``, when
set to anything else, becomes ``initial``: a segment without a target is not
translated). PX keeps what it had for those units. The file on disk is never
changed here; the caller sends :attr:`Withheld.data`.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from pxl10n.xliff.io import canonical_bytes, xliff_version
from pxl10n.xliff.states import NOT_YET_20, not_translated_yet
from pxl10n.xliff.view import INLINE_CODES, build_view, text_of


@dataclass(frozen=True)
class Withheld:
    """What may be sent, and the unit id of each empty target taken out (one per target)."""

    data: bytes
    units: tuple[str, ...] = ()
    #: of ``units``, those whose empty target was declared not translated yet (1.2 ``state="new"``, 2.0 ``initial``):
    #: left to PX on purpose, as a rebase review empties a unit to keep PX's text
    left_to_px: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.units)


def _blank(element: etree._Element | None, version: str) -> bool:
    """No text but whitespace and no inline code (markers such as an empty ``<mrk>`` are not content)."""
    if element is None:
        return True
    if (text_of(element) or "").strip():
        return False
    codes = INLINE_CODES[version]
    return not any(isinstance(el.tag, str) and etree.QName(el).localname in codes for el in element.iterdescendants())


def _remove(element: etree._Element) -> None:
    """Take ``element`` out with the indentation before it, so the layout reads as if it never was there."""
    parent = element.getparent()
    assert parent is not None
    before = element.getprevious()
    tail = element.tail or ""
    if before is not None:
        before.tail = tail if not (before.tail or "").strip() else (before.tail or "") + tail
    else:
        parent.text = tail if not (parent.text or "").strip() else (parent.text or "") + tail
    parent.remove(element)


def withhold_targets(tree: etree._ElementTree, units: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Remove, in place, every empty target whose source is not empty, and every target of ``units`` (ids whose
    targets PX is to keep, see :mod:`pxl10n.sync.unit_merge`); the unit id of each empty target removed."""
    return withhold_units(tree, units)[0]


def withhold_units(tree: etree._ElementTree, units: frozenset[str] = frozenset()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """:func:`withhold_targets`, and of the empty targets removed, the unit id of each declared not translated yet
    (:attr:`Withheld.left_to_px`), for a caller that needs the units and not the bytes to send."""
    version = xliff_version(tree)
    removed: list[str] = []
    declared: list[str] = []
    for unit in build_view(tree, version).units:
        kept = unit.id in units
        for part in unit.parts:
            if part.target is None:
                continue
            empty = not _blank(part.source, version) and _blank(part.target, version)
            if not (empty or kept):
                continue
            holder = part.target.getparent()
            if empty and not_translated_yet(part.target, version):
                declared.append(unit.id or "")
            _remove(part.target)
            if version == "2.0" and holder is not None and holder.get("state") not in (None, NOT_YET_20):
                holder.set("state", NOT_YET_20)
            if empty:
                removed.append(unit.id or "")
    return tuple(removed), tuple(declared)


def withhold(tree: etree._ElementTree, data: bytes) -> Withheld:
    """What to send for ``data`` (parsed as ``tree``, which loses its empty targets in place).

    ``data`` itself when nothing is withheld, so an untouched file goes out byte for byte;
    else the canonical bytes of the document without them.
    """
    units, declared = withhold_units(tree)
    return Withheld(canonical_bytes(tree) if units else data, units, declared)
