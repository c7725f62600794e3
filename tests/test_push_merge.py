"""Push when PX changed the file since it was pulled: the units are merged, never reverted, never guessed.

Someone fixes one string in PX while a vendor translates the rest of the file.
Push used to refuse the whole file (``conflict``), leaving a choice between
throwing the translation away and reverting PX. Now the file goes out without
the targets of the units PX changed (PX keeps its own), from the copy it was
pulled as in git history. A unit changed on both sides, or whose source PX
changed under a translation, is still a conflict, named. Emulator over
loopback, real git.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.xliff.io import parse, read_info

from .helpers.children import KILLED, pxl10n
from .helpers.cli import run
from .helpers.project import API_KEY, as_format_2, squash_history
from .helpers.pulled import keys_of, l10n, translate
from .helpers.pushed import import_requests, landed, push_json, results
from .helpers.zygote import Zygote


def _with_units(emulator: EmulatorServer, kind: str, at_least: int = 2) -> FileKey:
    return next(key for key in keys_of(emulator, kind) if len(emulator.store.get(key.kind, key.item_id).units) >= at_least)


def _px(emulator: EmulatorServer, key: FileKey) -> dict[str, str]:
    return emulator.store.translations(key.kind, key.item_id, key.locale)


def test_px_and_the_file_changing_different_units_are_merged_and_neither_is_lost(pulled: Path, emulator: EmulatorServer) -> None:
    key = _with_units(emulator, "engagement")
    first, *rest = sorted(emulator.store.get(key.kind, key.item_id).units)
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {first: "fixed in PX meanwhile"})
    written = translate(pulled, key, lambda source: f"[vendor] {source}", units=lambda uid: uid != first)
    assert set(written) == set(rest)
    code, summary = push_json()
    assert code == 0, summary
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert row["result"] == "pushed"
    assert f"merged with PX's newer 1 unit(s), which PX keeps: {first}" in row["reason"]
    held = _px(emulator, key)
    assert held[first] == "fixed in PX meanwhile"
    assert all(held[uid] == text for uid, text in written.items())
    on_disk = key.path(l10n(pulled)).read_text(encoding="utf-8")
    assert "fixed in PX meanwhile" in on_disk and all(text in on_disk for text in written.values())
    assert git.Repo(pulled).git.status("--porcelain", "--", "l10n") == ""
    sent = import_requests(emulator)
    code, summary = push_json()
    assert code == 0 and key.relpath() not in results(summary) and import_requests(emulator) == sent


def test_a_unit_changed_in_px_and_here_is_a_conflict_naming_it(pulled: Path, emulator: EmulatorServer) -> None:
    key = _with_units(emulator, "engagement")
    first = sorted(emulator.store.get(key.kind, key.item_id).units)[0]
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {first: "fixed in PX meanwhile"})
    translate(pulled, key, lambda source: f"[vendor] {source}")
    before = import_requests(emulator)
    code, summary = push_json()
    assert code == 1
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert row["result"] == "conflict" and f"; 1 of its unit(s) also changed here: {first} (PX changed its target): not sent" in row["reason"]
    assert import_requests(emulator) == before and _px(emulator, key)[first] == "fixed in PX meanwhile"


def test_a_source_px_changed_under_a_translation_is_a_conflict(pulled: Path, emulator: EmulatorServer) -> None:
    """The vendor translated the old text: sending it would pair a stale target with PX's new source."""
    key = _with_units(emulator, "engagement")
    item = emulator.store.get(key.kind, key.item_id)
    first, second = sorted(item.units)[:2]
    item.units[first] = "A new source text, written in PX after the pull"
    translate(pulled, key, lambda source: f"[vendor] {source}", units=lambda uid: uid in (first, second))
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 1 and row["result"] == "conflict" and f"also changed here: {first} (PX changed its source):" in row["reason"]
    assert landed(emulator)[(key.kind, key.item_id, key.locale)] == 0


def test_with_history_squashed_the_state_entry_is_the_base_and_the_units_merge(pulled: Path, emulator: EmulatorServer) -> None:
    """History squashed away (a squash merge, a fresh repository of today's files): the state entry keeps the
    units as pulled, so PX's change stays PX's and the units changed here go, as with the whole history."""
    key = _with_units(emulator, "engagement")
    first = sorted(emulator.store.get(key.kind, key.item_id).units)[0]
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {first: "fixed in PX meanwhile"})
    written = translate(pulled, key, lambda source: f"[vendor] {source}", units=lambda uid: uid != first)
    squash_history(pulled)
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 0 and row["result"] == "pushed" and "merged with PX's newer 1 unit(s)" in row["reason"], row
    held = _px(emulator, key)
    assert held[first] == "fixed in PX meanwhile" and all(held[uid] == text for uid, text in written.items())


def test_without_the_pulled_copy_in_git_history_nothing_is_guessed(pulled: Path, emulator: EmulatorServer) -> None:
    """History squashed away under a state file of an older pxl10n (no units kept): the base of the merge is
    unknown, so conflict."""
    key = _with_units(emulator, "engagement")
    first = sorted(emulator.store.get(key.kind, key.item_id).units)[0]
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {first: "fixed in PX meanwhile"})
    translate(pulled, key, lambda source: f"[vendor] {source}", units=lambda uid: uid != first)
    as_format_2(pulled)
    squash_history(pulled)
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 1 and row["result"] == "conflict"
    assert "the copy it was pulled as is not in git history, so the units cannot be merged" in row["reason"]
    assert _px(emulator, key)[first] == "fixed in PX meanwhile"


@pytest.mark.parametrize("point", ["push-sent:1", "push-landed:1"])
def test_a_merged_push_killed_after_landing_is_confirmed_on_the_rerun_not_sent_twice(
        pulled: Path, emulator: EmulatorServer, zygote: Zygote, point: str) -> None:
    """Killed after PX took the merged file: the rerun finds PX holding every target it would send (confirmed)."""
    key = _with_units(emulator, "engagement")
    first = sorted(emulator.store.get(key.kind, key.item_id).units)[0]
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {first: "fixed in PX meanwhile"})
    written = translate(pulled, key, lambda source: f"[vendor] {source}", units=lambda uid: uid != first)
    env = {**os.environ, "PX_API_KEY": API_KEY, "PXL10N_CRASH_AT": f"{point}:KILL",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    died = subprocess.run([str(zygote.client), "push", "--id", key.item_id, "--locale", key.locale], cwd=pulled, env=env,
                          capture_output=True, text=True, timeout=120)
    assert died.returncode == -signal.SIGKILL, died.stderr
    assert landed(emulator)[(key.kind, key.item_id, key.locale)] == 1
    code, summary = push_json()
    assert code == 0, summary
    assert results(summary)[key.relpath()] == {"push-sent:1": "confirmed", "push-landed:1": "refreshed"}[point]
    assert landed(emulator)[(key.kind, key.item_id, key.locale)] == 1
    held = _px(emulator, key)
    assert held[first] == "fixed in PX meanwhile" and all(held[uid] == text for uid, text in written.items())


def test_px_text_newer_than_a_killed_push_is_taken_on_the_rerun_so_a_later_edit_never_reverts_it(
        pulled: Path, emulator: EmulatorServer, zygote: Zygote) -> None:
    """Killed after PX took the file, before it was re-exported; PX's editor then changes a unit. The rerun's
    re-export is PX's copy as any pull would take it: it is written, not just recorded, so the file on disk is the
    copy its entry says it was pulled as. Were the sent bytes left on disk, an edit made on them (or a branch cut
    from them) would carry the sent text of that unit back to PX as a change of its own, over PX's newer one."""
    key = _with_units(emulator, "engagement")
    first, second = sorted(emulator.store.get(key.kind, key.item_id).units)[:2]
    translate(pulled, key, lambda source: f"[vendor] {source}", units=lambda uid: uid in (first, second))
    died = pxl10n(zygote, pulled, "push", "--id", key.item_id, "--locale", key.locale, PXL10N_CRASH_AT="push-landed:1:KILL")
    assert died.returncode == KILLED["KILL"], died.stderr
    fixed = f"[fixed in PX after it landed] {emulator.store.get(key.kind, key.item_id).units[first]}"
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {first: fixed})
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "refreshed", summary
    on_disk = {u.id: u.target for u in read_info(parse(key.path(l10n(pulled)).read_bytes())).units}
    assert on_disk[first] == fixed
    assert git.Repo(pulled).git.status("--porcelain", "--", "l10n") == ""
    written = translate(pulled, key, lambda source: f"[reviewer] {source}", units=lambda uid: uid == second)
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    held = _px(emulator, key)
    assert held[first] == fixed and held[second] == written[second]


def test_two_translators_pushing_one_file_from_two_clones_both_land_and_their_branches_merge(
        pulled: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bare remote, two clones, each translating other units of the same file and pushing; then git merges (the
    XLIFF by text, the state file by its driver, as `pxl10n doctor` asks each clone to install)."""
    key = _with_units(emulator, "engagement", at_least=4)
    units = sorted(emulator.store.get(key.kind, key.item_id).units)
    half = len(units) // 2
    remote = tmp_path_factory.mktemp("remote") / "l10n.git"
    git.Repo(pulled).clone(str(remote), bare=True)
    clones = {}
    for name, mine in (("alice", units[:half]), ("bob", units[half:])):
        root = tmp_path_factory.mktemp(name)
        repo = git.Repo.clone_from(str(remote), str(root))
        repo.git.config("user.name", name)
        repo.git.config("user.email", f"{name}@example.com")
        monkeypatch.chdir(root)
        assert run("merge-state", "--install").exit_code == 0  # the state driver: in every clone (git config is not cloned)
        repo.git.add("-A")
        repo.git.commit("-qm", "merge driver", "--allow-empty")
        clones[name] = (root, repo, translate(root, key, lambda s, n=name: f"[{n}] {s}", units=lambda uid, mine=mine: uid in mine))
    for name, (root, _, _) in clones.items():
        monkeypatch.chdir(root)
        code, summary = push_json()
        assert code == 0 and results(summary)[key.relpath()] == "pushed", (name, summary)
    held = _px(emulator, key)
    for _, _, written in clones.values():
        assert all(held[uid] == text for uid, text in written.items())
    alice, bob = clones["alice"][1], clones["bob"][1]
    alice.git.push("-q", "origin", "HEAD")
    bob.git.pull("-q", "--no-rebase", "origin", bob.active_branch.name)  # a real merge of the two pushes' commits
    assert not bob.git.ls_files("--unmerged")
    monkeypatch.chdir(clones["bob"][0])
    sent = import_requests(emulator)
    code, summary = push_json()
    assert code == 0 and import_requests(emulator) == sent
    merged = {u.id: u.target for u in read_info(parse(key.path(l10n(clones["bob"][0])).read_bytes())).units}
    assert all(merged[uid] == text for _, _, written in clones.values() for uid, text in written.items())


def test_a_source_px_changed_in_a_unit_left_to_px_is_not_called_an_edit_here(pulled: Path, emulator: EmulatorServer) -> None:
    """PX rewrote one unit's source (and nobody translated it here): merged, and no 'edited here' warning."""
    key = _with_units(emulator, "engagement")
    item = emulator.store.get(key.kind, key.item_id)
    first = sorted(item.units)[0]
    item.units[first] = "A new source text, written in PX after the pull"
    translate(pulled, key, lambda source: f"[vendor] {source}", units=lambda uid: uid != first)
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 0 and row["result"] == "pushed" and f"which PX keeps: {first}" in row["reason"]
    assert "warnings" not in row, row


def test_pull_keeps_an_edited_file_and_says_when_px_changed_it_too(pulled: Path, emulator: EmulatorServer) -> None:
    """The warning tells a translator whether the next push merges (PX changed the file too) or just sends."""
    key = _with_units(emulator, "engagement")
    first = sorted(emulator.store.get(key.kind, key.item_id).units)[0]
    translate(pulled, key, lambda source: f"[vendor] {source}", units=lambda uid: uid != first)
    result = run("pull", "--id", key.item_id, "--locale", key.locale)
    assert result.exit_code == 0 and "edited here and not pushed yet; kept (push it" in result.stderr
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {first: "fixed in PX meanwhile"})
    result = run("pull", "--id", key.item_id, "--locale", key.locale)
    assert result.exit_code == 0
    assert (f"edited here and not pushed yet; kept; PX changed 1 other unit(s) ({first}): push sends the units changed "
            "here and leaves those to PX") in result.stderr, result.stderr


def test_pull_names_the_units_px_changed_under_an_edit_as_the_conflict_push_will_find(pulled: Path, emulator: EmulatorServer) -> None:
    """Told at pull time, not at the next push: which units PX changed that were edited here too, and the way out."""
    key = _with_units(emulator, "engagement")
    first, second = sorted(emulator.store.get(key.kind, key.item_id).units)[:2]
    translate(pulled, key, lambda source: f"[vendor] {source}")
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {first: "fixed in PX meanwhile"})
    emulator.store.get(key.kind, key.item_id).units[second] = "A source rewritten in PX"
    result = run("pull", "--id", key.item_id, "--locale", key.locale)
    assert result.exit_code == 0
    assert (f"PX changed 2 of the units edited here too ({first} (PX changed its target), {second} (PX changed its source)), "
            "so push will call it a conflict and send nothing: "
            f"`pxl10n rebase --id {key.item_id} --locale {key.locale}` puts the edits on PX's copy") in result.stderr, result.stderr
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 1 and row["result"] == "conflict" and f"{first} (PX changed its target)" in row["reason"], row


def test_pull_does_not_say_px_changed_a_file_whose_units_px_left_alone(pulled: Path, emulator: EmulatorServer) -> None:
    """The project switched to XLIFF 1.2 exports: every copy of PX's differs from the pulled one in form, none in its
    units, so a file edited here is kept without a claim that PX changed it, and push sends it."""
    key = _with_units(emulator, "engagement")
    translate(pulled, key, lambda source: f"[vendor] {source}")
    cfg = pulled / "pxl10n.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + '\n[export]\nversion = "1.2"\n', encoding="utf-8")
    result = run("pull", "--id", key.item_id, "--locale", key.locale)
    assert result.exit_code == 0 and "edited here and not pushed yet; kept (push it" in result.stderr, result.stderr
    assert "PX changed" not in result.stderr
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 0 and row["result"] == "pushed", row


def test_a_shallow_clone_says_so_when_the_pulled_copy_is_missing_and_a_full_one_merges(
        pulled: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """actions/checkout clones one commit deep: the translated file's pulled copy is in an earlier commit, so
    under a state file of an older pxl10n (no units kept) every file PX changed meanwhile was a conflict.
    push-to-px.yml fetches the history, and push names the cause."""
    key = _with_units(emulator, "engagement")
    first = sorted(emulator.store.get(key.kind, key.item_id).units)[0]
    written = translate(pulled, key, lambda source: f"[vendor] {source}", units=lambda uid: uid != first)
    repo = git.Repo(pulled)
    repo.git.commit("-qam", "translated (merged pull request)")
    as_format_2(pulled)
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {first: "fixed in PX meanwhile"})
    runner = tmp_path_factory.mktemp("runner") / "checkout"
    shallow = git.Repo.clone_from(f"file://{pulled}", str(runner), depth=1)
    monkeypatch.chdir(runner)
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 1 and row["result"] == "conflict", summary
    assert "this clone is shallow" in row["reason"] and "fetch-depth: 0" in row["reason"]
    shallow.git.fetch("-q", "--unshallow")
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 0 and row["result"] == "pushed" and "merged with PX's newer 1 unit(s)" in row["reason"], summary
    held = _px(emulator, key)
    assert held[first] == "fixed in PX meanwhile" and all(held[uid] == text for uid, text in written.items())


def test_a_shallow_clone_holds_back_committed_edits_and_sends_uncommitted_ones(
        pulled: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workflow left at actions/checkout's default depth of one commit. Which source each committed target was
    translated against, and whether one is PX's older text brought back by a merge, is read from history: a cut
    history cannot say, so such a file is not sent (it used to go unchecked when PX had not changed it). An edit not
    committed yet is written against the file's own source, and needs no history: it goes."""
    committed, uncommitted = _with_units(emulator, "engagement"), _with_units(emulator, "article")
    translate(pulled, committed, lambda source: f"[vendor] {source}")
    git.Repo(pulled).git.commit("-qam", "translated (merged pull request)")
    runner = tmp_path_factory.mktemp("runner") / "checkout"
    shallow = git.Repo.clone_from(f"file://{pulled}", str(runner), depth=1)
    monkeypatch.chdir(runner)
    written = translate(runner, uncommitted, lambda source: f"[here] {source}")
    code, summary = push_json()
    rows = {f["path"]: f for f in summary["files"]}
    assert code == 1 and rows[committed.relpath()]["result"] == "conflict", summary
    assert "this clone is shallow" in rows[committed.relpath()]["reason"] and "fetch-depth: 0" in rows[committed.relpath()]["reason"]
    assert rows[uncommitted.relpath()]["result"] == "pushed", rows[uncommitted.relpath()]
    assert all(_px(emulator, uncommitted)[uid] == text for uid, text in written.items())
    assert landed(emulator)[(committed.kind, committed.item_id, committed.locale)] == 0
    shallow.git.fetch("-q", "--unshallow")
    code, summary = push_json()
    assert code == 0 and results(summary)[committed.relpath()] == "pushed", summary


def test_a_shallow_clone_sends_an_edited_file_no_commit_holds(
        pulled: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file HEAD does not hold (pulled with --no-commit, say) has all its history in the work tree: its edits were
    written against its own source, so a cut history hides nothing about it."""
    key = _with_units(emulator, "article")
    runner = tmp_path_factory.mktemp("runner") / "checkout"
    shallow = git.Repo.clone_from(f"file://{pulled}", str(runner), depth=1)
    monkeypatch.chdir(runner)
    shallow.git.rm("-q", "--cached", f"l10n/{key.relpath()}")
    shallow.git.commit("-qm", "the file out of git, as a --no-commit pull leaves it")
    written = translate(runner, key, lambda source: f"[here] {source}")
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    assert all(_px(emulator, key)[uid] == text for uid, text in written.items())


def _another_push_lands_right_after(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, key: FileKey, unit: str,
                                    text: str) -> None:
    """Each import of ``key`` is followed at once by another clone's (a CI job's) push of ``text`` in ``unit``: two
    pushes of one file at the same moment, the other landing last (PX has no conditional import to stop it)."""
    real = emulator.store.apply_import

    def and_then_the_other(kind: str, item_id: str, locale: str, targets: dict[str, str]) -> int:
        count = real(kind, item_id, locale, targets)
        if (kind, item_id, locale) == (key.kind, key.item_id, key.locale):
            real(kind, item_id, locale, {unit: text})
        return count
    monkeypatch.setattr(emulator.store, "apply_import", and_then_the_other)


def test_a_push_another_push_overwrote_meanwhile_stays_an_edit_that_no_pull_replaces(
        pulled: Path, emulator: EmulatorServer) -> None:
    """The other push's text may be older or newer than this one's, and nothing says which: so the file stays an
    edit here (never taken for PX's copy, so no pull replaces it) and the next push names the unit a conflict, with
    PX's text, rather than sending it again over the other push's or leaving it behind. (A run killed once PX took
    the file re-exports it later, and cannot tell such a push from PX's editor changing the unit since: it takes
    PX's copy, as tests/test_sync_safety.py holds.)"""
    key = _with_units(emulator, "article")
    written = translate(pulled, key)
    unit = sorted(written)[0]
    git.Repo(pulled).git.commit("-qam", "translate")
    with pytest.MonkeyPatch.context() as patch:
        _another_push_lands_right_after(emulator, patch, key, unit, "[other clone] Bonjour")
        first = run("push")
    assert first.exit_code in (0, 1), first.output
    assert "differs from what was sent" in first.output and unit in first.output, first.output
    assert _px(emulator, key)[unit] == "[other clone] Bonjour"
    path = key.path(l10n(pulled))
    mine = path.read_bytes()

    pulled_again = run("pull")
    assert pulled_again.exit_code in (0, 1), pulled_again.output
    assert path.read_bytes() == mine, "the pull replaced the file with PX's copy: the translation PX lost is gone"

    code, summary = push_json()
    assert results(summary)[key.relpath()] == "conflict", summary
    assert unit in json.dumps(summary)
    assert _px(emulator, key)[unit] == "[other clone] Bonjour"
    assert path.read_bytes() == mine
