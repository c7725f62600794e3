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
from typing import NamedTuple

from lxml import etree

from pxl10n.xliff.io import xliff_version
from pxl10n.xliff.segments import Segment, write_target
from pxl10n.xliff.states import NOT_YET_12, NOT_YET_20
from pxl10n.xliff.view import Part, UnitView, build_view


class Carried(NamedTuple):
    """What :func:`carry_targets` could not do as asked; an immutable record."""

    #: units not carried (one copy lacks it, or their segments differ), left as ``into`` has them
    missed: tuple[str, ...] = ()
    #: units a CAT tool split into segments where ``into`` has one: carried as one target, for review
    joined: tuple[str, ...] = ()


def carry_targets(into: etree._ElementTree, source: etree._ElementTree, units: Mapping[str, bool]) -> Carried:
    """Replace, in ``into``, the targets of ``units`` (id -> for review) with ``source``'s."""
    version = xliff_version(into)
    theirs = _by_id(build_view(into, version).units)
    ours = _by_id(build_view(source, xliff_version(source)).units)
    missed, joined_ids = [], []
    for unit_id, review in units.items():
        there, here = theirs.get(unit_id), ours.get(unit_id)
        if there is not None and here is not None and len(there.parts) == 1 < len(here.parts):
            joined = _joined(here.parts)  # a CAT tool split PX's one segment: its targets go back as one, for review
            if joined is not None:
                _carry(there.parts[0], Part(False, here.parts[0].source, joined), version, review=True)
                joined_ids.append(unit_id)
                continue
        if there is None or here is None or len(there.parts) != len(here.parts):
            missed.append(unit_id)
            continue
        for into_part, from_part in zip(there.parts, here.parts, strict=True):
            _carry(into_part, from_part, version, review=review)
    return Carried(tuple(missed), tuple(joined_ids))


def _joined(parts: list[Part]) -> etree._Element | None:
    """One target holding the targets of ``parts`` in order (an ignorable without one gives its source's text, the
    space between segments); None when a segment has no target, or none has one."""
    first = next((part.target for part in parts if part.target is not None), None)
    if first is None or any(part.target is None and not part.ignorable for part in parts):
        return None
    joined = etree.Element(first.tag)
    for part in parts:
        held = part.target if part.target is not None else part.source
        if held is None:
            continue
        _append_text(joined, held.text or "")
        for child in held:
            joined.append(copy.deepcopy(child))
    return joined


def _append_text(element: etree._Element, text: str) -> None:
    """Add ``text`` after what ``element`` holds so far (its text, or its last child's tail)."""
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


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
    if source.target is None:
        if into.target is not None:
            holder.remove(into.target)
        return
    target = write_target(Segment(None, holder, into.source, into.target, version), copy.deepcopy(source.target),
                          attrs={str(name): str(value) for name, value in source.target.items()})
    if version == "2.0":
        held = source.target.getparent()
        for name in ("state", "subState"):
            value = held.get(name) if held is not None else None
            _set(holder, name, NOT_YET_20 if review and name == "state" else None if review else value)
    elif review:
        target.set("state", NOT_YET_12)


def _set(element: etree._Element, name: str, value: str | None) -> None:
    """Set an attribute, or remove it for None."""
    if value is not None:
        element.set(name, value)
    elif name in element.attrib:
        del element.attrib[name]
