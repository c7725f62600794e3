"""`pxl10n rebase`: a push conflict's way out that keeps both sides, against the emulator and real git.

PX removes a unit, adds one, changes a source and translates another unit while a
vendor's committed translation of the file waits: push stops (``conflict``);
rebase puts the vendor's edits on PX's copy, keeps for review what PX changed under
them, and push then sends the reviewed file without undoing anything of PX's.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import STATE_NAME, FileKey
from pxl10n.sync import landing
from pxl10n.sync.state import read_entries
from pxl10n.xliff.io import parse, read_info, sha256

from .helpers.branches import UNIT, vendor_branch_then_px_changes_the_source
from .helpers.children import KILLED, pxl10n
from .helpers.cli import run
from .helpers.project import as_format_2, squash_history
from .helpers.pulled import keys_of, l10n, translate
from .helpers.pushed import push_json, results
from .helpers.zygote import Zygote


def rebase_json(*args: str) -> tuple[int, dict]:
    result = run("rebase", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def _units(path: Path) -> dict[str, tuple[str, str | None, bool]]:
    """unit id -> (source, target, draft) of a file on disk."""
    return {u.id or "": (u.source, u.target, u.draft) for u in read_info(parse(path.read_bytes())).units}


def _changed_everywhere(root: Path, emulator: EmulatorServer) -> tuple[FileKey, dict[str, str], list[str]]:
    """A vendor's committed translation of a file of four units or more, then PX's changes to it meanwhile:
    units[0] gets a new source, units[1] another translation, units[-1] is removed and a unit is added."""
    key = next(k for k in keys_of(emulator, "engagement") if len(emulator.store.get(k.kind, k.item_id).units) >= 4)
    written = translate(root, key, lambda source: f"[vendor] {source}")
    git.Repo(root).git.commit("-qam", "vendor translation")
    item = emulator.store.get(key.kind, key.item_id)
    units = sorted(item.units)
    item.units[units[0]] = "A source rewritten in PX"
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {units[1]: "Corrigé dans PX"})
    del item.units[units[-1]]
    item.units["added.in.px"] = "A unit added in PX"
    return key, written, units


def test_a_conflict_is_rebased_on_pxs_copy_and_pushed_once_reviewed(pulled: Path, emulator: EmulatorServer) -> None:
    key, written, units = _changed_everywhere(pulled, emulator)
    path = key.path(l10n(pulled))
    code, summary = push_json()
    assert code == 1 and results(summary)[key.relpath()] == "conflict"
    repo = git.Repo(pulled)
    before = repo.head.commit.hexsha

    code, summary = rebase_json()
    assert code == 0, summary
    [row] = summary["files"]
    assert row["result"] == "rebased" and row["path"] == key.relpath()
    assert row["carried"] == sorted(units[2:-1])
    assert [(r["unit"], r["why"].split(" ")[1]) for r in row["review"]] == [(units[0], "changed"), (units[1], "translated")]
    assert row["dropped"] == [{"unit": units[-1], "target": written[units[-1]]}]

    held = emulator.store.get(key.kind, key.item_id)
    now = _units(path)
    assert set(now) == set(held.units), "the file is PX's copy: its units, the removed one gone, the new one there"
    assert {uid: source for uid, (source, _, _) in now.items()} == held.units
    for uid in units[2:-1]:
        assert now[uid] == (held.units[uid], written[uid], False)
    assert now[units[0]] == (held.units[units[0]], written[units[0]], True)
    assert now[units[1]] == (held.units[units[1]], written[units[1]], True)
    assert now["added.in.px"][1] is None

    assert [c.hexsha for c in repo.head.commit.parents] != [before] and repo.head.commit.parents[0].parents[0].hexsha == before
    base = repo.head.commit.parents[0]
    px_copy = (base.tree / f"l10n/{key.relpath()}").data_stream.read()
    entry = read_entries(pulled / "l10n" / STATE_NAME)[key.relpath()]
    assert entry.pulled == sha256(px_copy) and set(entry.unit_ids) == set(held.units)
    assert repo.git.status("--porcelain") == ""

    code, summary = push_json()
    assert code == 1 and results(summary)[key.relpath()] == "blocked", "the units to review go nowhere unreviewed"
    status = json.loads(run("status", "--format", "json").stdout)
    assert status["drafts_held"] == [{"path": key.relpath(), "units": [units[0], units[1]]}]
    text = run("status").output
    assert "held back by draft targets until they are marked translated" in text and f"  {key.relpath()}: {units[0]}, {units[1]}" in text
    assert "the next push sends them" not in text
    translate(pulled, key, lambda source: f"[reviewed] {source}", units=lambda uid: uid == units[0])
    path.write_text(re.sub(r'state="initial"', 'state="translated"', path.read_text(encoding="utf-8")), encoding="utf-8")
    repo.git.commit("-qam", "reviewed: one translated again, one kept over PX's")
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", [f["reason"] for f in summary["files"] if f["path"] == key.relpath()]
    px = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert px[units[0]] == f"[reviewed] {held.units[units[0]]}"
    assert all(px[uid] == written[uid] for uid in units[1:-1])


def test_edits_not_committed_are_refused_and_nothing_is_written(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    path = key.path(l10n(pulled))
    before, head = path.read_bytes(), git.Repo(pulled).head.commit.hexsha
    code, summary = rebase_json()
    assert code == 1 and summary["files"][0]["result"] == "refused" and "commit the file first" in summary["files"][0]["reason"]
    assert path.read_bytes() == before and git.Repo(pulled).head.commit.hexsha == head


def test_a_file_px_has_not_changed_is_left_for_push(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    repo = git.Repo(pulled)
    repo.git.commit("-qam", "translated")
    head = repo.head.commit.hexsha
    code, summary = rebase_json()
    assert code == 0 and summary["files"][0]["result"] == "unchanged" and summary["commit"] is None
    assert repo.head.commit.hexsha == head


def test_a_dry_run_asks_px_and_writes_nothing(pulled: Path, emulator: EmulatorServer) -> None:
    key, _, _ = _changed_everywhere(pulled, emulator)
    path = key.path(l10n(pulled))
    before, head = path.read_bytes(), git.Repo(pulled).head.commit.hexsha
    code, summary = rebase_json("--dry-run")
    assert code == 0 and summary["files"][0]["result"] == "would-rebase" and summary["commit"] is None
    assert path.read_bytes() == before and git.Repo(pulled).head.commit.hexsha == head


@pytest.mark.parametrize("point", ["rebase-committed", "rebase-written", "rebase-staged"])
def test_killed_rebase_loses_no_edit(pulled: Path, emulator: EmulatorServer, zygote: Zygote, point: str) -> None:
    """Killed before HEAD moves: the vendor's commit still holds the file; the work tree holds either it or the
    rebased file, and whatever git commits next holds the edits."""
    key, written, units = _changed_everywhere(pulled, emulator)
    path = key.path(l10n(pulled))
    repo = git.Repo(pulled)
    head, vendors = repo.head.commit.hexsha, path.read_bytes()
    died = pxl10n(zygote, pulled, "rebase", PXL10N_CRASH_AT=f"{point}:1")
    assert died.returncode == KILLED["KILL"] and "Traceback" not in died.stderr, died.stderr
    assert repo.head.commit.hexsha == head and (repo.head.commit.tree / f"l10n/{key.relpath()}").data_stream.read() == vendors
    on_disk = _units(path)
    if point == "rebase-committed":
        assert path.read_bytes() == vendors
    else:
        assert all(on_disk[uid][1] == written[uid] for uid in units[:-1]), "the rebased file holds every edit"
    staged = subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=pulled, capture_output=True, text=True, check=True).stdout
    assert staged.split() == ([] if point != "rebase-staged" else sorted([f"l10n/{STATE_NAME}", f"l10n/{key.relpath()}"]))


def _rebase_commits(repo: git.Repo) -> list[git.Commit]:
    """The commits rebase made, newest first (PX's copy as pulled, then the edits on it, for each rebase)."""
    return [c for c in repo.iter_commits("HEAD", max_count=10) if str(c.message).startswith("pxl10n rebase:")]


@pytest.mark.parametrize("point", ["rebase-committed", "rebase-written", "rebase-staged"])
@pytest.mark.parametrize("then", ["rebase", "push", "pull"])
def test_a_killed_rebase_is_landed_by_the_next_run_as_it_would_have_landed(pulled: Path, emulator: EmulatorServer,
                                                                           zygote: Zygote, point: str, then: str) -> None:
    """Killed before HEAD moved, its two commits made, its files written: the next pull, push or rebase lands them
    (it used to stop, asking a person to commit the files by hand, which left PX's copy out of history)."""
    key, written, units = _changed_everywhere(pulled, emulator)
    repo = git.Repo(pulled)
    head = repo.head.commit.hexsha
    died = pxl10n(zygote, pulled, "rebase", PXL10N_CRASH_AT=f"{point}:1")
    assert died.returncode == KILLED["KILL"] and repo.head.commit.hexsha == head, died.stderr
    waiting = json.loads(run("status", "--format", "json").stdout)["rebase_waiting"]
    assert (waiting is None) == (point == "rebase-committed"), "status names a rebase whose files are written"
    assert ("a pxl10n rebase stopped before its commit" in run("status").output) == (waiting is not None)
    again = run(then)
    assert again.exit_code in (0, 1) and "Traceback" not in again.output, again.output
    assert repo.git.status("--porcelain") == "" and not list(Path(repo.git_dir).glob("pxl10n-*.rebase"))
    if point == "rebase-committed":  # killed before it wrote: as if it had not run; a rebase again does it afresh
        assert "finished the rebase" not in again.stderr and len(_rebase_commits(repo)) == (2 if then == "rebase" else 0)
        return
    assert "finished the rebase a stopped run had left" in again.stderr, again.stderr
    edits, px_copy = _rebase_commits(repo)
    assert waiting == edits.hexsha and json.loads(run("status", "--format", "json").stdout)["rebase_waiting"] is None
    assert list(edits.parents) == [px_copy] and px_copy.parents[0].hexsha == head, "both commits, PX's copy first, on HEAD then"
    path = key.path(l10n(pulled))
    assert path.read_bytes() == (edits.tree / f"l10n/{key.relpath()}").data_stream.read()
    held, now = emulator.store.get(key.kind, key.item_id), _units(path)
    assert set(now) == set(held.units) and all(now[uid] == (held.units[uid], written[uid], False) for uid in units[2:-1])
    assert now[units[0]][1:] == (written[units[0]], True) and now[units[1]][1:] == (written[units[1]], True)
    entry = read_entries(pulled / "l10n" / STATE_NAME)[key.relpath()]
    assert entry.pulled == sha256((px_copy.tree / f"l10n/{key.relpath()}").data_stream.read())


def test_a_killed_rebase_whose_file_was_edited_since_is_named_and_nothing_is_written(
        pulled: Path, emulator: EmulatorServer, zygote: Zygote) -> None:
    """The person changed a file the killed rebase had written: which changes are whose is theirs to say."""
    key, _, units = _changed_everywhere(pulled, emulator)
    repo = git.Repo(pulled)
    head = repo.head.commit.hexsha
    assert pxl10n(zygote, pulled, "rebase", PXL10N_CRASH_AT="rebase-written:1").returncode == KILLED["KILL"]
    path = key.path(l10n(pulled))
    path.write_text(path.read_text(encoding="utf-8").replace("[vendor]", "[edited after the kill]", 1), encoding="utf-8")
    edited = path.read_bytes()
    for command in ("push", "rebase"):
        again = run(command)
        assert again.exit_code == 2 and "Traceback" not in again.output, again.output
        assert f"l10n/{key.relpath()}: a pxl10n rebase that stopped before its commit left it, and it has changed since" \
            in again.stderr and "git reset --hard" in again.stderr, again.stderr
        assert path.read_bytes() == edited and repo.head.commit.hexsha == head
    assert emulator.store.translations(key.kind, key.item_id, key.locale)[units[1]] == "Corrigé dans PX", "nothing sent"


def test_a_killed_rebase_whose_files_a_person_put_back_is_not_landed(pulled: Path, emulator: EmulatorServer,
                                                                     zygote: Zygote) -> None:
    """``git reset --hard`` after the kill: the person dropped what the rebase wrote; the next push does not bring it
    back, and finds the conflict the rebase was run for."""
    key, _, _ = _changed_everywhere(pulled, emulator)
    repo = git.Repo(pulled)
    assert pxl10n(zygote, pulled, "rebase", PXL10N_CRASH_AT="rebase-staged:1").returncode == KILLED["KILL"]
    repo.git.reset("-q", "--hard")
    code, summary = push_json()
    assert code == 1 and results(summary)[key.relpath()] == "conflict" and _rebase_commits(repo) == []
    assert not list(Path(repo.git_dir).glob("pxl10n-*.rebase"))


def test_a_rebase_removes_the_partial_files_a_killed_run_left(pulled: Path, emulator: EmulatorServer) -> None:
    """Killed between writing a file's copy and renaming it in (a random-moment kill in the random walk found it),
    a run leaves a hidden ``.partial`` beside the file, untracked, for ``git add -A`` to commit; pull and push
    removed them, rebase did not."""
    key, _, _ = _changed_everywhere(pulled, emulator)
    repo = git.Repo(pulled)
    path = key.path(l10n(pulled))
    stray = path.parent / f".{path.name}.k1ll3d.partial"
    stray.write_bytes(path.read_bytes()[:100])
    note = landing.note_path(repo, l10n(pulled))
    torn = note.parent / f".{note.name}.k1ll3d.partial"  # the note of a rebase killed while writing it
    torn.write_bytes(b"0123")
    code, _ = rebase_json()
    assert code == 0 and not stray.exists() and not torn.exists() and repo.git.status("--porcelain") == ""


def test_a_rebase_killed_then_committed_by_hand_merges_later_though_pxs_copy_never_reached_history(
        pulled: Path, emulator: EmulatorServer, zygote: Zygote) -> None:
    """Killed after writing, the result committed by hand: PX's copy as pulled was only in rebase's own commit,
    which never landed, yet the entry keeps its units, so PX's next change merges instead of a conflict."""
    key, written, units = _changed_everywhere(pulled, emulator)
    died = pxl10n(zygote, pulled, "rebase", PXL10N_CRASH_AT="rebase-written:1")
    assert died.returncode == KILLED["KILL"], died.stderr
    path = key.path(l10n(pulled))
    translate(pulled, key, lambda source: f"[reviewed] {source}", units=lambda uid: uid == units[0])
    path.write_text(re.sub(r'state="initial"', 'state="translated"', path.read_text(encoding="utf-8")), encoding="utf-8")
    repo = git.Repo(pulled)
    repo.git.add("-A")
    repo.git.commit("-qm", "the rebase result, reviewed and committed by hand")
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {"added.in.px": "Ajouté et traduit dans PX"})
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 0 and row["result"] == "pushed" and "merged with PX's newer 1 unit(s)" in row["reason"], row["reason"]
    px = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert px["added.in.px"] == "Ajouté et traduit dans PX"
    assert px[units[0]] == f"[reviewed] {emulator.store.get(key.kind, key.item_id).units[units[0]]}"
    assert all(px[uid] == written[uid] for uid in units[1:-1])
    assert not list(Path(repo.git_dir).glob("pxl10n-*.rebase")), "HEAD moved by hand: the rebase's note is dropped"


def test_a_squash_merged_rebase_branch_still_merges_pxs_next_change(pulled: Path, emulator: EmulatorServer) -> None:
    """The rebase reviewed on a branch and squash-merged into main, the branch deleted: PX's copy as pulled (the
    branch's first commit) is in no history main has, yet PX's next change to the file merges unit by unit."""
    key, written, units = _changed_everywhere(pulled, emulator)
    repo = git.Repo(pulled)
    trunk = repo.active_branch.name
    repo.git.switch("-q", "-c", "l10n/px-rebase")
    assert rebase_json()[0] == 0
    path = key.path(l10n(pulled))
    translate(pulled, key, lambda source: f"[reviewed] {source}", units=lambda uid: uid == units[0])
    path.write_text(re.sub(r'state="initial"', 'state="translated"', path.read_text(encoding="utf-8")), encoding="utf-8")
    repo.git.commit("-qam", "reviewed")
    repo.git.switch("-q", trunk)
    repo.git.merge("-q", "--squash", "l10n/px-rebase")
    repo.git.commit("-qm", "the rebase, squash-merged")
    repo.git.branch("-q", "-D", "l10n/px-rebase")
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {"added.in.px": "Ajouté et traduit dans PX"})
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 0 and row["result"] == "pushed" and "merged with PX's newer 1 unit(s)" in row["reason"], row["reason"]
    px = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert px["added.in.px"] == "Ajouté et traduit dans PX" and all(px[uid] == written[uid] for uid in units[1:-1])


def test_a_commit_landing_meanwhile_leaves_the_result_staged_and_says_so(pulled: Path, emulator: EmulatorServer,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """HEAD moves only from where it was: a person's commit made while rebase ran is never dropped."""
    from pxl10n.sync import rebase as module

    key, written, units = _changed_everywhere(pulled, emulator)
    made = module.gitops.commit_contents

    def then_a_commit(repo: git.Repo, steps: list) -> tuple[str, dict[str, str]]:
        out = made(repo, steps)
        repo.git.commit("--allow-empty", "-qm", "a person's commit meanwhile")
        return out

    monkeypatch.setattr(module.gitops, "commit_contents", then_a_commit)
    result = run("rebase")
    assert result.exit_code == 1 and "written and staged, not committed" in result.stderr, result.stderr
    repo = git.Repo(pulled)
    assert repo.head.commit.message.strip() == "a person's commit meanwhile"
    assert all(_units(key.path(l10n(pulled)))[uid][1] == written[uid] for uid in units[:-1])


def test_a_translation_a_merge_put_beside_pxs_new_source_is_marked_for_review(pulled: Path, emulator: EmulatorServer) -> None:
    """PX unchanged since the last pull, but a vendor's branch merged cleanly over PX's new source (the stale-target
    conflict): rebase keeps the translation marked for review, and the vendor's other units go once it is fixed."""
    repo, key, new_source = vendor_branch_then_px_changes_the_source(pulled, emulator)
    repo.git.merge("-q", "--no-edit", "vendor")
    code, summary = push_json()
    assert code == 1 and results(summary)[key.relpath()] == "conflict"
    code, summary = rebase_json()
    assert code == 0, summary
    [row] = summary["files"]
    assert row["result"] == "rebased" and [r["unit"] for r in row["review"]] == [UNIT] and "older source" in row["review"][0]["why"]
    now = _units(key.path(l10n(pulled)))
    assert now[UNIT][0] == new_source and now[UNIT][2], "PX's new source, the old translation kept as a draft"
    assert sum(1 for _, target, draft in now.values() if target and not draft) == len(now) - 1
    assert repo.git.status("--porcelain") == ""
    assert results(push_json()[1])[key.relpath()] == "blocked"
    translate(pulled, key, lambda source: f"[reviewed] {source}", units=lambda uid: uid == UNIT)
    path = key.path(l10n(pulled))
    path.write_text(re.sub(r'state="initial"', 'state="translated"', path.read_text(encoding="utf-8")), encoding="utf-8")
    repo.git.commit("-qam", "reviewed against PX's new source")
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    assert emulator.store.translations(key.kind, key.item_id, key.locale)[UNIT] == f"[reviewed] {new_source}"


def test_a_stale_translation_stays_marked_for_review_when_px_also_changed_the_file_since(pulled: Path,
                                                                                       emulator: EmulatorServer) -> None:
    """The stale-target conflict above, and PX changes another unit of the file after the pull: rebase takes PX's
    copy, and the translation of the old source still comes back marked for review, never as it is (push, which
    refused it a moment before, would then send it: the rebase commit hides what it was translated against)."""
    repo, key, new_source = vendor_branch_then_px_changes_the_source(pulled, emulator)
    repo.git.merge("-q", "--no-edit", "vendor")
    item = emulator.store.get(key.kind, key.item_id)
    other = next(uid for uid in sorted(item.units) if uid != UNIT)
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {other: "Corrigé dans PX"})
    assert results(push_json()[1])[key.relpath()] == "conflict"
    code, summary = rebase_json()
    assert code == 0, summary
    [row] = summary["files"]
    assert [r["unit"] for r in row["review"]] == sorted({UNIT, other}) and "older source" in str(row["review"]), row
    now = _units(key.path(l10n(pulled)))
    assert now[UNIT][0] == new_source and now[UNIT][2], "PX's new source, the old translation kept as a draft"
    held = emulator.store.translations(key.kind, key.item_id, key.locale).get(UNIT)
    assert results(push_json()[1])[key.relpath()] == "blocked"
    assert emulator.store.translations(key.kind, key.item_id, key.locale).get(UNIT) == held


def test_pxs_older_text_a_vendors_file_brought_back_gives_way_when_px_also_changed_the_file(
        pulled: Path, emulator: EmulatorServer) -> None:
    """A vendor's file taken whole over main's brings back PX's older text in a unit PX's editor fixed, and PX changes
    another unit after the pull: rebase gives the fixed unit PX's text now and sends only the vendor's edit."""
    key = next(k for k in keys_of(emulator, "engagement") if len(emulator.store.get(k.kind, k.item_id).units) >= 3)
    written = translate(pulled, key)
    assert push_json()[0] == 0
    repo = git.Repo(pulled)
    fixed, edited, changed = sorted(written)[:3]
    repo.git.switch("-q", "-c", "vendor")
    translate(pulled, key, lambda source: f"[vendor] {source}", units=lambda uid: uid == edited)
    repo.git.commit("-qam", "vendor: one unit")
    repo.git.switch("-q", "-")
    item = emulator.store.get(key.kind, key.item_id)
    fix, later = f"[fixed in PX] {item.units[fixed]}", f"[changed in PX] {item.units[changed]}"
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {fixed: fix})
    assert run("pull").exit_code == 0
    relpath = f"l10n/{key.relpath()}"
    repo.git.checkout("vendor", "--", relpath)
    repo.git.commit("-qm", "the vendor's file, taken whole")
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {changed: later})
    assert results(push_json()[1])[key.relpath()] == "conflict"
    code, summary = rebase_json()
    assert code == 0, summary
    now = _units(key.path(l10n(pulled)))
    assert (now[fixed][1], now[changed][1]) == (fix, later), now
    assert now[edited][1].startswith("[vendor]") and not now[edited][2]
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    held = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert (held[fixed], held[changed], held[edited]) == (fix, later, now[edited][1])


def test_an_older_copy_checked_out_gives_way_to_pxs_fix_in_the_units_px_fixed(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "engagement")[0]
    written = translate(pulled, key)
    assert push_json()[0] == 0
    repo = git.Repo(pulled)
    translated = repo.head.commit.hexsha
    fixed = sorted(written)[1]
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {fixed: "Corrigé dans l'éditeur de PX"})
    assert run("pull").exit_code == 0
    repo.git.checkout(translated, "--", f"l10n/{key.relpath()}")
    repo.git.commit("-qm", "an older copy put back")
    assert results(push_json()[1])[key.relpath()] == "conflict"
    code, summary = rebase_json()
    assert code == 0 and summary["files"][0]["carried"] == [fixed], summary
    assert _units(key.path(l10n(pulled)))[fixed][1] == "Corrigé dans l'éditeur de PX"
    code, summary = push_json()
    assert code == 0 and key.relpath() not in {p for p, r in results(summary).items() if r != "unchanged"}
    assert emulator.store.translations(key.kind, key.item_id, key.locale)[fixed] == "Corrigé dans l'éditeur de PX"


def test_on_a_detached_head_the_commit_is_said_to_be_on_no_branch(pulled: Path, emulator: EmulatorServer) -> None:
    key, _, _ = _changed_everywhere(pulled, emulator)
    repo = git.Repo(pulled)
    repo.git.checkout("-q", "--detach")
    before = repo.head.commit.hexsha
    result = run("rebase")
    assert result.exit_code == 0 and "on no branch (HEAD is detached)" in result.stderr, result.stderr
    assert repo.head.is_detached and repo.head.commit.parents[0].parents[0].hexsha == before


def test_a_unit_a_cat_tool_split_into_segments_comes_back_as_one_for_review(pulled: Path, emulator: EmulatorServer) -> None:
    from lxml import etree

    key = next(k for k in keys_of(emulator, "engagement") if len(emulator.store.get(k.kind, k.item_id).units) >= 4)
    written = translate(pulled, key, lambda source: f"[vendor] {source}")
    path = key.path(l10n(pulled))
    units = sorted(written)
    split = next(uid for uid in units[2:] if "<" not in written[uid] and "\n" not in written[uid])
    tree = etree.fromstring(path.read_bytes())
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    segment = tree.find(f".//x:unit[@id='{split}']/x:segment", ns)
    second = etree.fromstring(etree.tostring(segment))
    segment.find("x:target", ns).text, second.find("x:target", ns).text = "[first half]", "[second half]"
    segment.addnext(second)
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    git.Repo(pulled).git.commit("-qam", "a CAT tool split a segment")
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {units[0]: "Corrigé dans PX"})
    code, summary = rebase_json()
    assert code == 0, summary
    assert {r["unit"]: r["why"] for r in summary["files"][0]["review"]}[split].startswith("split into segments here")
    assert _units(path)[split][1:] == ("[first half][second half]", True)


def test_a_mistyped_id_is_an_error_naming_it(pulled: Path) -> None:
    result = run("rebase", "--id", "no-such-item")
    assert result.exit_code == 2 and "--id no-such-item: no file of" in result.stderr and "nothing was done" in result.stderr


def test_a_file_committed_with_conflict_markers_is_refused_saying_so(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    path = key.path(l10n(pulled))
    path.write_text(re.sub(r"\n(\s*)<unit", r"\n<<<<<<< HEAD\n\1<unit", path.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    git.Repo(pulled).git.commit("-qam", "a merge committed with its markers")
    code, summary = rebase_json()
    assert code == 1 and summary["files"][0]["result"] == "refused"
    assert summary["files"][0]["reason"].startswith("line ") and "git conflict markers (<<<<<<<) from a merge left unresolved" in summary["files"][0]["reason"]


def test_the_state_keeps_the_pulled_copys_units_so_a_squashed_history_still_rebases_three_ways(
        pulled: Path, emulator: EmulatorServer) -> None:
    """History squashed away (a squash merge, a shallow clone): the state entry still knows the units as pulled, so
    rebase carries what PX left alone and reviews only what PX changed too, as with the whole history."""
    key, written, units = _changed_everywhere(pulled, emulator)
    squash_history(pulled)
    code, summary = rebase_json()
    assert code == 0, summary
    [row] = summary["files"]
    assert row["result"] == "rebased" and not row["reason"].startswith("no copy it was pulled as"), row["reason"]
    assert row["carried"] == sorted(units[2:-1])
    assert [(r["unit"], r["why"].split(" ")[1]) for r in row["review"]] == [(units[0], "changed"), (units[1], "translated")]
    assert row["dropped"] == [{"unit": units[-1], "target": written[units[-1]]}]


def test_without_the_pulled_copy_in_history_every_edit_px_differs_from_is_kept_for_review(pulled: Path, emulator: EmulatorServer) -> None:
    """History squashed away under a state of an older pxl10n: nothing tells who changed a unit, so nothing is sent
    unreviewed, and nothing is lost."""
    key, written, units = _changed_everywhere(pulled, emulator)
    as_format_2(pulled)
    squash_history(pulled)
    code, summary = rebase_json()
    assert code == 0, summary
    [row] = summary["files"]
    assert row["result"] == "rebased" and row["reason"].startswith("no copy it was pulled as in git history")
    assert row["carried"] == [] and {r["unit"] for r in row["review"]} == set(units[:-1])
    now = _units(key.path(l10n(pulled)))
    assert all(now[uid][1:] == (written[uid], True) for uid in units[:-1])
    row = next(f for f in push_json()[1]["files"] if f["path"] == key.relpath())
    assert row["result"] in ("blocked", "skipped") and "draft target(s)" in row["reason"], row


def test_an_interrupted_pushs_journal_is_finished_by_push_first(pulled: Path, emulator: EmulatorServer) -> None:
    """Rebase rewrites files and state entries an interrupted push's journal still speaks of: push finishes first."""
    from pxl10n.sync.journal import journal_path

    key, _, _ = _changed_everywhere(pulled, emulator)
    path = key.path(l10n(pulled))
    before = path.read_bytes()
    journal_path(pulled / "l10n").write_text("", encoding="utf-8")
    result = run("rebase")
    assert result.exit_code == 2 and "run `pxl10n push` first" in result.stderr, result.stderr
    assert path.read_bytes() == before
