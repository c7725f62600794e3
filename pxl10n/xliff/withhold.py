"""The bytes push may send: a document without the targets that are no translation yet.

Two kinds of target are never sent, and PX keeps what it holds for their units:

* an empty target of a non-empty source: CAT tools write ``<target/>`` (often
  ``state="new"`` / ``initial``) for units they did not translate, and validation
  lets that pass; whether PX would blank its text is not documented;
* a *draft*: a target with text whose file says it is not translated yet (1.2
  ``state="new"`` or ``"needs-translation"``, 2.0 ``<segment state="initial">``, or
  the CAT tool's own mark, as :func:`pxl10n.xliff.states.not_translated_yet` reads
  them). Tools write such targets for machine-translation proposals and for the
  source copied into the target (Weblate reads them as "needs editing"); sending one
  would show PX's users a proposal, or English, as the translation.

XLIFF 1.2 loses the ``<target>`` element, 2.0 the ``<target>`` of the segment
(whose ``state``, when set to anything else, becomes ``initial``: a segment without
a target is not translated). The file on disk is never changed here; the caller
sends :attr:`Withheld.data`.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from pxl10n.xliff.io import canonical_bytes, xliff_version
from pxl10n.xliff.states import not_translated_yet
from pxl10n.xliff.view import INLINE_CODES, build_view, text_of


@dataclass(frozen=True)
class Taken:
    """The unit id of each target taken out of a document (one per target), by why; an immutable record."""

    #: empty targets of non-empty sources
    empty: tuple[str, ...] = ()
    #: targets with text that the file says are not translated yet
    drafts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Withheld:
    """What may be sent, and the unit id of each empty target (``units``) and each draft taken out."""

    data: bytes
    units: tuple[str, ...] = ()
    drafts: tuple[str, ...] = ()

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


def withhold_targets(tree: etree._ElementTree, units: frozenset[str] = frozenset()) -> Taken:
    """Remove, in place, every empty target whose source is not empty, every draft, and every target of ``units``
    (ids whose targets PX is to keep, see :mod:`pxl10n.sync.unit_merge`); the unit ids of the empty targets and
    drafts removed."""
    version = xliff_version(tree)
    empty_units: list[str] = []
    drafts: list[str] = []
    for unit in build_view(tree, version).units:
        kept = unit.id in units
        for part in unit.parts:
            if part.target is None:
                continue
            empty = not _blank(part.source, version) and _blank(part.target, version)
            draft = not empty and not _blank(part.target, version) and not_translated_yet(part.target, version)
            if not (empty or draft or kept):
                continue
            holder = part.target.getparent()
            _remove(part.target)
            if version == "2.0" and holder is not None and holder.get("state") not in (None, "initial"):
                holder.set("state", "initial")
            if empty:
                empty_units.append(unit.id or "")
            elif draft:
                drafts.append(unit.id or "")
    return Taken(tuple(empty_units), tuple(drafts))


def withhold(tree: etree._ElementTree, data: bytes) -> Withheld:
    """What to send for ``data`` (parsed as ``tree``, which loses its empty targets and drafts in place).

    ``data`` itself when nothing is withheld, so an untouched file goes out byte for byte;
    else the canonical bytes of the document without them.
    """
    taken = withhold_targets(tree)
    changed = bool(taken.empty or taken.drafts)
    return Withheld(canonical_bytes(tree) if changed else data, taken.empty, taken.drafts)
