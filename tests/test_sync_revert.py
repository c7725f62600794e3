"""A translation reverted in git after it reached PX: the one edit push can never send.

An import never removes a translation PX holds (and empty targets are withheld), so
after `git revert` of a pushed translation the file differs from PX for good. Pull used
to call it "edited here and not pushed yet; kept (push it, or discard the edit with git
checkout)" on every run while push called it "no translated unit": neither way out
worked (the revert is committed, so git checkout restores it), and the file never took
PX's changes again. Both now say what happened and the way out that works.
Real repositories, real reverts, the emulator over loopback.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import git

from pxl10n.emulator.server import EmulatorServer
from pxl10n.xliff.io import parse, read_info

from .helpers.branches import install_driver
from .helpers.cli import run
from .helpers.pulled import keys_of, l10n, translate
from .helpers.pushed import import_requests, push_json, results
from .helpers.zygote import Zygote


def test_a_reverted_translation_is_named_and_deleting_the_file_takes_pxs_copy(pulled: Path, emulator: EmulatorServer) -> None:
    repo = git.Repo(pulled)
    key = keys_of(emulator, "article")[0]
    written = translate(pulled, key)
    repo.git.commit("-qam", "translate")
    translated = repo.head.commit.hexsha
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed"
    repo.git.checkout(f"{translated}^", "--", str(key.path(l10n(pulled))))  # the file as before the translation
    repo.git.commit("-qam", "Revert the translation")
    assert "<target" not in key.path(l10n(pulled)).read_text(encoding="utf-8")

    code, summary = push_json()
    assert code == 0
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert row["result"] == "skipped" and "an import never removes a translation PX holds" in row["reason"]
    assert emulator.store.translations(key.kind, key.item_id, "fr-FR") == written  # PX keeps them, as it must

    result = run("pull")
    assert result.exit_code == 0, result.stderr
    assert f"edited here only by emptying {len(written)} unit(s) PX has translated" in result.stderr
    assert "delete the file and pull to take PX's copy" in result.stderr and "git checkout" not in result.stderr
    assert "<target" not in key.path(l10n(pulled)).read_text(encoding="utf-8")  # the revert is kept

    key.path(l10n(pulled)).unlink()
    result = run("pull", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert key.relpath() in json.loads(result.stdout)["changed"]
    assert key.path(l10n(pulled)).read_text(encoding="utf-8").count("<target") == len(written)
    assert repo.git.status("--porcelain", "--", "l10n") == ""


def test_an_edit_push_can_send_still_says_push_it(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    result = run("pull")
    assert result.exit_code == 0
    assert "edited here and not pushed yet; kept (push it, or delete the file and pull to take PX's copy)" in result.stderr


def test_a_file_set_back_to_an_older_translation_is_a_persons_edit_and_pushed(pulled: Path, emulator: EmulatorServer) -> None:
    """`git checkout <old> -- file` of a pushed translation, committed: the bytes are a copy pxl10n once wrote
    (in ``seen``), yet the committed state names a newer one, so a person put them back. They used to be
    called "PX holds this content" by push (it held the newer one) and replaced by the next pull."""
    repo = git.Repo(pulled)
    key = keys_of(emulator, "article")[0]
    path = key.path(l10n(pulled))
    first = translate(pulled, key, lambda source: f"[v1] {source}")
    assert push_json()[0] == 0
    pushed_v1 = repo.head.commit.hexsha  # push committed the file as PX re-exported it
    translate(pulled, key, lambda source: f"[v2] {source}")
    assert push_json()[0] == 0
    assert all(t.startswith("[v2] ") for t in emulator.store.translations(key.kind, key.item_id, "fr-FR").values())
    repo.git.checkout(pushed_v1, "--", str(path))
    repo.git.commit("-qm", "Revert to v1")

    status = json.loads(run("status", "--format", "json").stdout)
    assert key.relpath() in status["changed_since_push"]
    result = run("pull")
    assert result.exit_code == 0 and "edited here and not pushed yet; kept" in result.stderr
    assert "[v1] " in path.read_text(encoding="utf-8")  # not replaced by PX's v2
    code, summary = push_json()
    assert code == 0, summary
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert row["result"] == "pushed" and "set back to an older copy" in row["reason"]
    assert emulator.store.translations(key.kind, key.item_id, "fr-FR") == first
    before = import_requests(emulator)
    code, summary = push_json()
    assert code == 0 and all(f["result"] != "pushed" for f in summary["files"])
    assert import_requests(emulator) == before  # once sent, the set-back copy is PX's: nothing goes twice


def test_a_copy_set_back_across_a_source_change_in_px_is_a_conflict_naming_the_units(pulled: Path, emulator: EmulatorServer) -> None:
    """Its targets translate the text PX had then: sent, they would stand beside PX's newer source."""
    repo = git.Repo(pulled)
    key = keys_of(emulator, "article")[0]
    path = key.path(l10n(pulled))
    translate(pulled, key, lambda source: f"[v1] {source}")
    assert push_json()[0] == 0
    pushed_v1 = repo.head.commit.hexsha
    translate(pulled, key, lambda source: f"[v2] {source}")
    assert push_json()[0] == 0
    item = emulator.store.get(key.kind, key.item_id)
    assert item is not None
    unit = sorted(item.units)[0]
    item.units[unit] = "A new source written in PX"
    assert run("pull").exit_code == 0
    assert "A new source written in PX" in path.read_text(encoding="utf-8")
    repo.git.checkout(pushed_v1, "--", str(path))
    repo.git.commit("-qm", "Back to v1")
    before = import_requests(emulator)
    code, summary = push_json()
    assert code == 1, summary
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert row["result"] == "conflict" and unit in row["reason"] and "translate the old text" in row["reason"]
    assert import_requests(emulator) == before


def test_an_older_copy_checked_out_never_undoes_a_fix_made_in_px_since(pulled: Path, emulator: EmulatorServer) -> None:
    """Checking out the first pulled copy undoes the translator's button (the point), but also puts the title back
    to what PX had before someone fixed it in PX's editor, which a later pull brought: push sent both. Now the file is
    a conflict naming the title; with PX's text put back there, the rest of the undo goes."""
    repo = git.Repo(pulled)
    key = next(k for k in keys_of(emulator, "engagement")
               if {"dialog.title", "dialog.button.dismiss"} <= {u.id for u in read_info(parse(k.path(l10n(pulled)).read_bytes())).units})
    path = key.path(l10n(pulled))
    first = repo.head.commit.hexsha
    before = {u.id: u.target for u in read_info(parse(path.read_bytes())).units}
    translate(pulled, key, lambda source: f"[fr] {source}", units=lambda uid: uid == "dialog.button.dismiss")
    repo.git.commit("-qam", "the dismiss button")
    assert push_json()[0] == 0
    fix = "Bienvenue, {{user.firstName}} (corrigé dans PX)"
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {"dialog.title": fix})
    assert run("pull").exit_code == 0
    repo.git.checkout(first, "--", str(path))
    repo.git.commit("-qm", "Undo the dismiss button")
    sent = import_requests(emulator)
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 1 and row["result"] == "conflict", row
    assert row["reason"].startswith("set back to an older copy") and "dialog.title (dialog.title: PX's target is now" in row["reason"]
    assert import_requests(emulator) == sent and emulator.store.translations(key.kind, key.item_id, key.locale)["dialog.title"] == fix
    translate(pulled, key, lambda source: fix, units=lambda uid: uid == "dialog.title")  # the way out it names
    repo.git.commit("-qam", "PX's title back")
    code, summary = push_json()  # no copy put back now: an edit whose button line an older copy wrote, as a merge
    assert code == 1 and "dialog.button.dismiss" in results_reason(summary, key.relpath())  # named for a person to confirm
    code, summary = push_json("--force", "--id", key.item_id, "--locale", key.locale)
    assert code == 0, summary
    held = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert held["dialog.title"] == fix and held["dialog.button.dismiss"] == before["dialog.button.dismiss"]


def results_reason(summary: dict[str, object], rel: str) -> str:
    files = summary["files"]
    assert isinstance(files, list)
    return str(next(f["reason"] for f in files if f["path"] == rel))


def test_a_merge_taking_another_branchs_older_copy_is_pxl10ns_and_never_reverts_px(pulled: Path, emulator: EmulatorServer,
                                                                                  zygote: Zygote) -> None:
    """A branch pulled PX's copy (a sync pull request); main then translated a unit over it and pushed. Merging the
    branch conflicts in the file, and the person resolving it takes the branch's copy. Those bytes are an older
    copy pxl10n wrote, while the merged state names main's newer one: they used to read as a copy put back on
    purpose, and push sent them, reverting the translation in PX to PX's older text. They are the copy pxl10n held
    on that branch: push sends nothing, and the next pull brings PX's copy, the translation with it."""
    repo = git.Repo(pulled)
    install_driver(repo, zygote)
    main = repo.active_branch.name
    key = keys_of(emulator, "article")[0]
    path = key.path(l10n(pulled))
    unit = sorted(emulator.store.get(key.kind, key.item_id).units)[0]
    older = f"[PX] {emulator.store.get(key.kind, key.item_id).units[unit]}"
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {unit: older})
    repo.git.switch("-q", "-c", "sync")
    (pulled / "README.md").write_text("the sync branch\n", encoding="utf-8")
    repo.git.commit("-qam", "sync branch")
    assert run("pull", "--id", key.item_id, "--locale", key.locale).exit_code == 0
    repo.git.switch("-q", main)
    assert run("pull", "--id", key.item_id, "--locale", key.locale).exit_code == 0
    written = translate(pulled, key, lambda source: f"[T] {source}", units=lambda uid: uid == unit)
    repo.git.commit("-qam", "translate")
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    assert emulator.store.translations(key.kind, key.item_id, key.locale)[unit] == written[unit]
    merged = subprocess.run(["git", "merge", "-q", "--no-edit", "sync"], cwd=pulled, capture_output=True, text=True, check=False)
    assert merged.returncode and key.relpath() in repo.git.diff("--name-only", "--diff-filter=U"), merged.stdout
    repo.git.checkout("--theirs", "--", str(path))
    repo.git.add("--", str(path))
    repo.git.commit("-q", "--no-edit")
    assert {u.id: u.target for u in read_info(parse(path.read_bytes())).units}[unit] == older
    before = import_requests(emulator)
    code, summary = push_json()
    assert code == 0 and results(summary).get(key.relpath(), "unchanged") == "unchanged", summary
    assert import_requests(emulator) == before
    assert emulator.store.translations(key.kind, key.item_id, key.locale)[unit] == written[unit]
    assert run("pull", "--id", key.item_id, "--locale", key.locale).exit_code == 0
    assert {u.id: u.target for u in read_info(parse(path.read_bytes())).units}[unit] == written[unit]
