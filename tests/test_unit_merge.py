"""The three-way merge of targets push makes when PX changed a file since it was pulled, case by case."""

from __future__ import annotations

import pytest

from pxl10n.sync.state import unit_prints
from pxl10n.sync.unit_merge import Base, UnitMerge, conflict_causes, emptied, merge
from pxl10n.xliff.io import Unit, XliffInfo


def info(*units: tuple[str, str, str | None]) -> XliffInfo:
    return XliffInfo("2.0", "en-US", "fr-FR", units=[Unit(uid, source, target) for uid, source, target in units])


def pulled(*units: tuple[str, str, str | None]) -> Base:
    """The copy a file was pulled as, as the state entry keeps it: its units' prints."""
    return unit_prints(info(*units))


BASE = pulled(("u", "Save", None))


@pytest.mark.parametrize(("ours", "theirs", "expected"), [
    pytest.param(("u", "Save", None), ("u", "Save", None), UnitMerge(), id="nobody-changed"),
    pytest.param(("u", "Save", None), ("u", "Save", "Sauver"), UnitMerge(keep=("u",)), id="px-only: PX keeps it"),
    pytest.param(("u", "Save", "Enregistrer"), ("u", "Save", None), UnitMerge(send=("u",)), id="here-only: sent"),
    pytest.param(("u", "Save", "Enregistrer"), ("u", "Save", "Enregistrer"), UnitMerge(), id="same-change: nothing to send"),
    pytest.param(("u", "Save", "Enregistrer"), ("u", "Save", "Sauver"), UnitMerge(conflicts=("u",)), id="both-differently"),
    pytest.param(("u", "Save", "Enregistrer"), ("u", "Save all", None), UnitMerge(conflicts=("u",)), id="px-changed-the-source"),
    pytest.param(("u", "Save", "Enregistrer"), ("u", "Save all", "Enregistrer"), UnitMerge(conflicts=("u",)),
                 id="same-target-but-px-changed-the-source"),
])
def test_one_unit(ours: tuple[str, str, str | None], theirs: tuple[str, str, str | None], expected: UnitMerge) -> None:
    assert merge(BASE, info(ours), info(theirs)) == expected


def test_a_unit_px_dropped_is_kept_out_when_unchanged_here_and_a_conflict_when_translated() -> None:
    gone = info()
    assert merge(BASE, info(("u", "Save", None)), gone) == UnitMerge(keep=("u",))
    assert merge(BASE, info(("u", "Save", "Enregistrer")), gone) == UnitMerge(conflicts=("u",))


def test_a_unit_the_pulled_copy_lacked_is_sent_only_if_px_already_agrees() -> None:
    ours = info(("new", "Next", "Suivant"))
    assert merge(pulled(), ours, info(("new", "Next", "Suivant"))) == UnitMerge()
    assert merge(pulled(), ours, info(("new", "Next", None))) == UnitMerge(conflicts=("new",))


def test_a_conflict_names_what_px_did_to_each_unit() -> None:
    base = pulled(("s", "Save", None), ("r", "Remove", None), ("t", "Take", "Prendre"))
    ours = info(("s", "Save", "Enregistrer"), ("r", "Remove", "Retirer"), ("t", "Take", "Saisir"), ("n", "New", "Neuf"))
    theirs = info(("s", "Save all", None), ("t", "Take", "Emporter"), ("n", "New", "Nouveau"))
    merged = merge(base, ours, theirs)
    assert merged.conflicts == ("n", "r", "s", "t")
    assert conflict_causes(base, theirs, merged.conflicts) == [
        "n (PX added it with another target)", "r (PX removed the unit)", "s (PX changed its source)", "t (PX changed its target)"]


def test_many_units_are_sorted_by_what_becomes_of_them() -> None:
    base = pulled(("a", "A", None), ("b", "B", None), ("c", "C", "c0"), ("d", "D", None))
    ours = info(("a", "A", "a1"), ("b", "B", None), ("c", "C", "c1"), ("d", "D", "d1"), ("", "no id", "x"))
    theirs = info(("a", "A", None), ("b", "B", "b2"), ("c", "C", "c2"), ("d", "D", None), ("e", "E", "e2"))
    assert merge(base, ours, theirs) == UnitMerge(send=("a", "d"), keep=("b",), conflicts=("c",))


@pytest.mark.parametrize(("ours", "theirs", "expected"), [
    pytest.param([("a", "Save", None), ("b", "Close", "Fermer")], [("a", "Save", "Enregistrer"), ("b", "Close", "Fermer")], ("a",),
                 id="reverted-one: the only difference is a target left empty"),
    pytest.param([("a", "Save", " "), ("b", "Close", None)], [("a", "Save", "Enregistrer"), ("b", "Close", "Fermer")], ("a", "b"),
                 id="reverted-all (blank counts as empty)"),
    pytest.param([("a", "Save", None), ("b", "Close", "Clore")], [("a", "Save", "Enregistrer"), ("b", "Close", "Fermer")], (),
                 id="also-translated-here: pushable, not a revert"),
    pytest.param([("a", "Save", None), ("n", "New", "Nouveau")], [("a", "Save", "Enregistrer")], (),
                 id="a-target-px-lacks"),
    pytest.param([("a", "Save", None)], [("a", "Save", None)], (), id="nothing-emptied"),
])
def test_emptied(ours: list[tuple[str, str, str | None]], theirs: list[tuple[str, str, str | None]], expected: tuple[str, ...]) -> None:
    assert emptied(info(*ours), info(*theirs)) == expected
