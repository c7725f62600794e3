"""A three-way merge of one file's targets, unit by unit: the copy it was pulled as, the file, PX's copy now.

When PX changed a file after it was pulled, sending the file whole would put the
pulled values back over PX's newer ones. Most often the two sides changed
different units (someone fixed one string in PX while a vendor translated the
rest): then the file is sent without the targets of the units PX changed, and PX
keeps its own for those. A unit changed on both sides to different values, or
changed here while PX changed its source or dropped it, is a conflict: nothing is
sent and the units are named. Nothing here reads files or talks to PX.

The copy a file was pulled as is read as its units' prints (:class:`~pxl10n.sync.state.UnitPrint`, digests of
source and target): the state entry keeps them, so a merge needs no bytes from git history; a copy that is read
from history instead is printed the same way (:func:`~pxl10n.sync.state.unit_prints`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pxl10n.sync.state import UnitPrint, digest, unit_print
from pxl10n.xliff.io import Unit, XliffInfo

#: The copy a file was pulled as: its units' prints by id.
Base = Mapping[str, UnitPrint]


@dataclass(frozen=True)
class UnitMerge:
    """Unit ids by what becomes of them (each sorted); an immutable record."""

    #: changed here only: their targets go to PX
    send: tuple[str, ...] = ()
    #: changed in PX only: their targets are left out of what is sent, so PX keeps its own
    keep: tuple[str, ...] = ()
    #: changed here and in PX differently, or changed here while PX changed or dropped the unit's source
    conflicts: tuple[str, ...] = ()


def merge(base: Base, ours: XliffInfo, theirs: XliffInfo) -> UnitMerge:
    """What to send of ``ours`` (the file) given ``base`` (the copy it was made from) and ``theirs`` (PX now)."""
    now = units_by_id(theirs)
    send, keep, conflicts = [], [], []
    for unit in ours.units:
        if not unit.id:
            continue
        was, px = base.get(unit.id), now.get(unit.id)
        px_changed = was is None or px is None or unit_print(px) != was
        if was is not None and digest(unit.target) == was.target:  # not changed here
            if px_changed:
                keep.append(unit.id)
        elif not px_changed:
            send.append(unit.id)
        elif not (px is not None and px.target == unit.target and (was is None or digest(px.source) == was.source)):
            conflicts.append(unit.id)  # else both made the same change: nothing to send
    return UnitMerge(tuple(sorted(send)), tuple(sorted(keep)), tuple(sorted(conflicts)))


def conflict_causes(base: Base, theirs: XliffInfo, conflicts: tuple[str, ...]) -> list[str]:
    """Each of ``conflicts`` (a :func:`merge`'s) with what PX did to it, for a message: which way out fits
    depends on it (a removed unit needs no translation; a changed source needs a new one)."""
    now = units_by_id(theirs)
    named = []
    for unit_id in conflicts:
        was, px = base.get(unit_id), now.get(unit_id)
        if px is None:
            cause = "PX removed the unit"
        elif was is None:
            cause = "PX added it with another target"
        elif digest(px.source) != was.source:
            cause = "PX changed its source"
        else:
            cause = "PX changed its target"
        named.append(f"{unit_id} ({cause})")
    return named


def emptied(ours: XliffInfo, theirs: XliffInfo) -> tuple[str, ...]:
    """The units PX translated that the file leaves empty, when that is the file's only difference in targets
    (a reverted translation); () when the file holds any target PX lacks or differs from.

    Such a file can never be pushed: an import never removes a translation PX holds, and the empty
    targets are withheld anyway."""
    now = units_by_id(theirs)
    emptied = []
    for unit in ours.units:
        px = now.get(unit.id) if unit.id else None
        mine, held = (unit.target or "").strip(), (px.target or "").strip() if px is not None else ""
        if mine and mine != held:
            return ()
        if not mine and held and unit.id:
            emptied.append(unit.id)
    return tuple(sorted(emptied))


def drafted_only(ours: XliffInfo, theirs: XliffInfo) -> tuple[str, ...]:
    """The units whose target the file holds as a draft, when drafts are the file's only difference in targets
    from PX's copy (then push has nothing to send, the drafts never go); () otherwise."""
    now = units_by_id(theirs)
    drafts = []
    for unit in ours.units:
        px = now.get(unit.id) if unit.id else None
        held = px.target if px is not None else None
        if unit.draft and (unit.target or "").strip():
            drafts.append(unit.id or "")
        elif (unit.target or "").strip() and unit.target != held:
            return ()
    return tuple(sorted(drafts))


def own_drafts(ours: XliffInfo, pulled: Base | None) -> tuple[str, ...]:
    """The units of ``ours`` holding a draft of their own: one PX itself exported (its target as in ``pulled``, the
    copy last pulled) is PX's text, sent back as it came; without that copy (None) every draft counts. Push holds a
    file with one back: sending the rest would need PX's re-export written over the draft."""
    return tuple(unit.id or "" for unit in ours.units
                 if unit.draft and (pulled is None or (was := pulled.get(unit.id or "")) is None
                                    or digest(unit.target) != was.target))


def edited(base: Base, ours: XliffInfo) -> tuple[str, ...]:
    """The units of ``ours`` whose source or target is not as pulled, or which the pulled copy lacked (sorted): what
    a reviewer of the file looks at before it is pushed."""
    return tuple(sorted(unit.id for unit in ours.units if unit.id and base.get(unit.id) != unit_print(unit)))


def units_by_id(info: XliffInfo) -> dict[str, Unit]:
    """A file's units by id (units without one left out): the three copies a merge compares, read side by side."""
    return {unit.id: unit for unit in info.units if unit.id}
