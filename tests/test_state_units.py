"""State format 3: each entry keeps the units of its pulled copy, and no pxl10n reads a state it would half lose."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.errors import StateError
from pxl10n.layout import STATE_NAME
from pxl10n.sync.state import FORMAT, FileState, State, UnitPrint, digest, dumps, merge_entries, parse, read_entries, unit_prints
from pxl10n.xliff.io import Unit, XliffInfo

from .helpers.cli import run
from .helpers.project import as_format_2, units_not_as_pulled
from .helpers.pulled import keys_of, l10n, translate


def entry(**changes: object) -> FileState:
    data: dict[str, object] = dict(kind="article", item_id="a", locale="fr-FR", px_language="fr-FR", xliff_version="2.0",
                                   strategy=None, unit_ids=("t",), pulled="h1",
                                   pulled_units={"t": UnitPrint(digest("Title"), digest(None))})
    data.update(changes)
    return FileState(**data)  # type: ignore[arg-type]


def test_the_units_as_pulled_round_trip_through_the_state_file(tmp_path: Path) -> None:
    state = State(tmp_path)
    state.put(entry())
    state.put(entry(item_id="old", pulled_units=None))
    state.save()
    text = state.path.read_text(encoding="utf-8")
    assert text.startswith(f'{{"format": {FORMAT}, ') and FORMAT == 3
    loaded = State.load(tmp_path)
    assert loaded.entries == state.entries
    assert loaded.entries["fr-FR/article/a.xlf"].pulled_units == {"t": (digest("Title"), "-")}
    assert "pulled_units" not in json.loads(text)["files"]["fr-FR/article/old.xlf"], "an entry without units says nothing"


def test_a_print_tells_no_target_from_an_empty_one_and_a_changed_text_from_its_old_self() -> None:
    info = XliffInfo("2.0", "en-US", "fr-FR", units=[Unit("a", "Save", None), Unit("b", "Save", ""), Unit("c", "Save", "Sauver"),
                                                     Unit(None, "no id", "x")])
    prints = unit_prints(info)
    assert set(prints) == {"a", "b", "c"}
    assert prints["a"].source == prints["b"].source == prints["c"].source
    assert len({prints["a"].target, prints["b"].target, prints["c"].target}) == 3
    assert digest("Sauver") != digest("Sauver ") and len(digest("Sauver")) == 12


@pytest.mark.parametrize("units", [[1, 2], {"t": "ab"}, {"t": ["ab"]}, {"t": ["ab", 3]}])
def test_malformed_units_are_a_bad_entry_with_the_lossless_fix(tmp_path: Path, units: object) -> None:
    data = {"format": FORMAT, "files": {"fr-FR/article/a.xlf": {**json.loads(dumps({"x": entry()}).splitlines()[2]),
                                                                "pulled_units": units}}}
    with pytest.raises(StateError, match="bad entry for fr-FR/article/a.xlf .*merge-state --repair"):
        parse(json.dumps(data), tmp_path / STATE_NAME)


def test_a_state_file_of_a_newer_pxl10n_is_refused_and_never_repaired_or_merged_into_less(tmp_path: Path) -> None:
    """An older pxl10n reads none of a newer entry's fields it does not know: repairing or merging would drop
    every such entry, so it stops at once, says to upgrade, and writes nothing."""
    newer = dumps({"fr-FR/article/a.xlf": entry()}).replace(f'"format": {FORMAT}', f'"format": {FORMAT + 1}', 1)
    state = tmp_path / STATE_NAME
    state.write_text(newer, encoding="utf-8")
    with pytest.raises(StateError, match=f"written by a newer pxl10n \\(format {FORMAT + 1}; this one reads up to {FORMAT}\\); "
                       "nothing was changed \\(upgrade pxl10n"):
        State.load(tmp_path)
    result = run("merge-state", "--repair", str(state))
    assert result.exit_code == 2 and "newer pxl10n" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert state.read_text(encoding="utf-8") == newer
    ours = tmp_path / "ours"
    ours.write_text(dumps({"fr-FR/article/a.xlf": entry(pushed="h2")}), encoding="utf-8")
    before = ours.read_bytes()
    result = run("merge-state", str(ours), str(ours), str(state))
    assert result.exit_code == 2 and "newer pxl10n" in result.stderr, result.stderr
    assert ours.read_bytes() == before


@pytest.mark.parametrize("damage", ["conflict", "torn"])
def test_a_damaged_state_file_of_a_newer_pxl10n_says_upgrade_not_repair(tmp_path: Path, damage: str) -> None:
    """Conflict-marked or cut short, a newer pxl10n's state file was sent to ``merge-state --repair``, which then
    refused it: the first message now says what the repair would have."""
    newer = dumps({"fr-FR/article/a.xlf": entry()}).replace(f'"format": {FORMAT}', f'"format": {FORMAT + 1}', 1)
    lines = newer.splitlines(keepends=True)
    text = ("".join(lines[:2]) + "<<<<<<< ours\n" + lines[2] + "=======\n" + lines[2] + ">>>>>>> theirs\n"
            + "".join(lines[3:])) if damage == "conflict" else newer[: len(newer) // 2]
    with pytest.raises(StateError, match=f"written by a newer pxl10n \\(format {FORMAT + 1}") as raised:
        parse(text, tmp_path / STATE_NAME)
    assert "merge-state --repair" not in str(raised.value)


def test_a_state_of_format_2_is_read_and_the_next_pull_keeps_every_units_as_pulled(pulled: Path, emulator: EmulatorServer) -> None:
    """Upgrading needs no step: the old entries merge from history as before, and a pull records their units."""
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    git.Repo(pulled).git.commit("-qam", "translated, not pushed")
    as_format_2(pulled)
    before = read_entries(l10n(pulled) / STATE_NAME)
    assert all(e.pulled_units is None for e in before.values())
    assert run("status").exit_code == 0
    result = run("pull")
    assert result.exit_code == 0, result.stderr
    after = read_entries(l10n(pulled) / STATE_NAME)
    assert json.loads((l10n(pulled) / STATE_NAME).read_text(encoding="utf-8"))["format"] == FORMAT
    assert after[key.relpath()].pulled_units is None, "a file kept with edits keeps the entry it was made from"
    assert all(e.pulled_units is not None for rel, e in after.items() if rel != key.relpath())
    assert units_not_as_pulled(pulled, older=[key.relpath()]) == []
    assert git.Repo(pulled).git.status("--porcelain", "--", "l10n") == ""


def test_a_merge_of_an_older_pxl10ns_entry_with_a_newer_one_keeps_the_units_of_the_same_pulled_copy() -> None:
    """During an upgrade one branch's state is written by an older pxl10n: the merge keeps the units its side lacks,
    never those of another pulled copy."""
    rel = "fr-FR/article/a.xlf"
    base, newer = entry(pushed=None, pulled_units=None), entry(pushed="h2")
    older = entry(pushed="h3", pulled_units=None)
    assert merge_entries({rel: base}, {rel: older}, {rel: newer})[rel].pulled_units == newer.pulled_units
    other = entry(pulled="h9", pushed="h2")
    assert merge_entries({rel: base}, {rel: older}, {rel: other})[rel].pulled_units is None
    assert merge_entries({rel: base}, {rel: newer}, {rel: older})[rel].pulled_units == newer.pulled_units
