"""Carry the targets of chosen units from one copy of a file into another, in place.

``pxl10n rebase`` puts a translator's targets on PX's newer copy of a file: PX's
copy gives the units, their sources and everything around them; the translator's
copy gives the targets of the units changed there. A unit carried *for review*
gets the standard "not translated yet" state (1.2 ``target state="needs-translation"``,
2.0 ``segment state="initial"``), so push holds it back until a person has
looked at it against PX's text. Nothing here reads files or talks to PX.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from lxml import etree

from pxl10n.xliff.io import local_name, xliff_version
from pxl10n.xliff.view import Part, UnitView, build_view

#: The state each version's standard "not translated yet" is written with (see :mod:`pxl10n.xliff.states`).
_FOR_REVIEW_12 = "needs-translation"
_FOR_REVIEW_20 = "initial"


def carry_targets(into: etree._ElementTree, source: etree._ElementTree, units: Mapping[str, bool]) -> tuple[str, ...]:
    """Replace, in ``into``, the targets of ``units`` (id -> for review) with ``source``'s; the ids that could not
    be carried (a unit either copy lacks, or whose segments differ in number), left as ``into`` has them."""
    version = xliff_version(into)
    theirs = _by_id(build_view(into, version).units)
    ours = _by_id(build_view(source, xliff_version(source)).units)
    missed = []
    for unit_id, review in units.items():
        there, here = theirs.get(unit_id), ours.get(unit_id)
        if there is None or here is None or len(there.parts) != len(here.parts):
            missed.append(unit_id)
            continue
        for into_part, from_part in zip(there.parts, here.parts, strict=True):
            _carry(into_part, from_part, version, review=review)
    return tuple(missed)


def _by_id(units: list[UnitView]) -> dict[str, UnitView]:
    found: dict[str, UnitView] = {}
    for unit in units:
        if unit.id and unit.id not in found:
            found[unit.id] = unit
    return found


def _carry(into: Part, source: Part, version: str, *, review: bool) -> None:
    if into.source is None:
        return
    holder = into.source.getparent()
    if holder is None:
        return
    tail = into.source.tail
    if into.target is not None:
        tail = into.target.tail
        holder.remove(into.target)
    if source.target is None:
        return
    target = copy.deepcopy(source.target)
    target.tail = tail
    anchor = into.source
    following = anchor.getnext()
    if version == "1.2" and following is not None and local_name(following) == "seg-source":
        anchor = following
    anchor.addnext(target)
    if version == "2.0":
        held = source.target.getparent()
        for name in ("state", "subState"):
            value = held.get(name) if held is not None else None
            _set(holder, name, _FOR_REVIEW_20 if review and name == "state" else None if review else value)
    elif review:
        target.set("state", _FOR_REVIEW_12)


def _set(element: etree._Element, name: str, value: str | None) -> None:
    """Set an attribute, or remove it for None."""
    if value is not None:
        element.set(name, value)
    elif name in element.attrib:
        del element.attrib[name]
