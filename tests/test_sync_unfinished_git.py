"""Pull and push while git cannot take their commit: it waits for the user (a merge with conflicts, a stopped
rebase, a bisect), or it ignores the files they write.

Translators merge branches of XLIFF files; a conflict leaves git mid-merge. A pull
then used to write PX's changes, stage them into the merge and fail at the commit
with git's raw "cannot do a partial commit during a merge"; a push sent to PX
first and failed only when recording. Both now stop before touching anything,
naming the operation and how to finish or abort it, and work again once it is done.
A directory (or ``*.xlf``) in .gitignore used to make pull write every file, commit
none and exit 0: the translations never reached a teammate.
Real repositories, real merges, the emulator over loopback.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import STATE_NAME, FileKey
from pxl10n.sync import git as gitops

from .helpers.cli import run
from .helpers.project import content_entries, write_config
from .helpers.pulled import keys_of, l10n, translate
from .helpers.pushed import import_requests, push_json, results


def _diverged(root: Path, key: FileKey) -> tuple[git.Repo, str]:
    """Branch ``other`` and the current branch (its name returned) each translate the file differently."""
    repo = git.Repo(root)
    main = repo.active_branch.name
    repo.git.checkout("-q", "-b", "other")
    translate(root, key, lambda source: f"[other] {source}")
    repo.git.commit("-qam", "other translation")
    repo.git.checkout("-q", main)
    translate(root, key, lambda source: f"[main] {source}")
    repo.git.commit("-qam", "main translation")
    return repo, main


def _conflict(root: Path, key: FileKey) -> git.Repo:
    """Merging the two translations stops on a conflict in the file."""
    repo, _ = _diverged(root, key)
    with pytest.raises(git.GitCommandError):
        repo.git.merge("other")
    assert repo.git.ls_files("--unmerged")
    return repo


def _snapshot(root: Path) -> tuple[str, str, str, dict[str, bytes]]:
    """HEAD, the index, the status and every byte under l10n: what a refused run must leave as it was."""
    repo = git.Repo(root)
    files = {str(p.relative_to(root)): p.read_bytes() for p in sorted(l10n(root).rglob("*")) if p.is_file()}
    return repo.head.commit.hexsha, repo.git.ls_files("--stage"), repo.git.status("--porcelain"), files


def _both_locales(key: FileKey) -> set[str]:
    """A source changed in PX changes the item's file in every locale."""
    return {FileKey(key.kind, key.item_id, locale).relpath() for locale in ("fr-FR", "de-DE")}


def _change_in_px(emulator: EmulatorServer, key: FileKey) -> None:
    item = emulator.store.get(key.kind, key.item_id)
    assert item is not None
    item.units[sorted(item.units)[0]] = "changed in PX during the merge"


def test_a_pull_during_a_conflicted_merge_touches_nothing_and_says_how_to_finish(pulled: Path, emulator: EmulatorServer) -> None:
    articles = keys_of(emulator, "article")
    repo = _conflict(pulled, articles[0])
    _change_in_px(emulator, articles[1])
    before = _snapshot(pulled)
    result = run("pull")
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "in the middle of a merge" in message and "1 unmerged file" in message
    assert articles[0].relpath() in message and "git merge --abort" in message and "git commit" in message
    assert "nothing was done" in message and "Traceback" not in result.output
    assert _snapshot(pulled) == before
    repo.git.merge("--abort")
    result = run("pull", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert set(json.loads(result.stdout)["changed"]) == _both_locales(articles[1])
    assert "changed in PX during the merge" in articles[1].path(l10n(pulled)).read_text(encoding="utf-8")


def test_a_dry_run_or_an_uncommitted_pull_still_runs_during_a_merge(pulled: Path, emulator: EmulatorServer) -> None:
    """Neither commits, so neither can land inside the merge: the dry run writes nothing, --no-commit leaves git to the user."""
    articles = keys_of(emulator, "article")
    repo = _conflict(pulled, articles[0])
    _change_in_px(emulator, articles[1])
    head = repo.head.commit.hexsha
    assert run("pull", "--dry-run").exit_code == 0
    result = run("pull", "--no-commit", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert set(json.loads(result.stdout)["changed"]) == _both_locales(articles[1])
    assert repo.head.commit.hexsha == head
    assert repo.git.ls_files("--unmerged")  # the merge is the user's to finish, as it was


def test_a_push_during_a_conflicted_merge_sends_nothing_then_pushes_the_merge_result(pulled: Path, emulator: EmulatorServer) -> None:
    articles = keys_of(emulator, "article")
    translate(pulled, articles[1])  # a valid translation waiting to be pushed
    repo = _conflict(pulled, articles[0])
    before = _snapshot(pulled)
    result = run("push")
    assert result.exit_code == 2
    assert "in the middle of a merge" in result.stderr and "then run pxl10n push again" in result.stderr
    assert import_requests(emulator) == 0
    assert _snapshot(pulled) == before
    repo.git.checkout("--theirs", "--", str(articles[0].path(l10n(pulled))))
    translate(pulled, articles[0], lambda source: f"[merged] {source}")
    repo.git.add("-A")
    repo.git.commit("-qm", "merged")
    code, summary = push_json()
    assert code == 0, summary
    pushed = {path for path, outcome in results(summary).items() if outcome == "pushed"}
    assert {articles[0].relpath(), articles[1].relpath()} <= pushed
    assert emulator.store.translations(articles[0].kind, articles[0].item_id, "fr-FR")
    assert all(text.startswith("[merged] ") for text in emulator.store.translations(articles[0].kind, articles[0].item_id, "fr-FR").values())
    assert repo.git.status("--porcelain", "--", f"l10n/{STATE_NAME}") == ""


def test_a_rebase_stopped_on_a_conflict_refuses_pull_and_push(pulled: Path, emulator: EmulatorServer) -> None:
    """A commit made now would go onto the rebase's detached HEAD, inside the sequence being replayed."""
    key = keys_of(emulator, "article")[0]
    repo, main = _diverged(pulled, key)
    repo.git.checkout("-q", "other")
    with pytest.raises(git.GitCommandError):
        repo.git.rebase(main)
    before = _snapshot(pulled)
    for command in ("pull", "push"):
        result = run(command)
        assert result.exit_code == 2, command
        assert "in the middle of a rebase" in result.stderr and "git rebase --continue" in result.stderr
        assert "git rebase --abort" in result.stderr
    assert _snapshot(pulled) == before and import_requests(emulator) == 0
    repo.git.rebase("--abort")
    assert run("pull").exit_code == 0


def test_unmerged_files_from_a_stash_pop_refuse_pull_with_how_to_resolve(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "article")[0]
    repo = git.Repo(pulled)
    translate(pulled, key, lambda source: f"[stashed] {source}")
    repo.git.stash()
    translate(pulled, key, lambda source: f"[committed] {source}")
    repo.git.commit("-qam", "committed")
    with pytest.raises(git.GitCommandError):
        repo.git.stash("pop")
    assert not (Path(repo.git_dir) / "MERGE_HEAD").exists()
    result = run("pull")
    assert result.exit_code == 2
    assert "git holds 1 unmerged file" in result.stderr and key.relpath() in result.stderr
    assert "git checkout --ours or --theirs" in result.stderr


def test_a_stale_index_lock_refuses_push_pull_and_rebase_before_px_is_sent_anything(
        pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A git command killed while it held the index (a killed pxl10n run's, found by the random walk) leaves
    ``.git/index.lock``: every commit fails on it. Push used to send to PX first and fail recording, leaving a
    journal; now each command stops at once, naming the file, and works once it is removed."""
    monkeypatch.setattr(gitops, "INDEX_LOCK_WAIT", 0.2)
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    git.Repo(pulled).git.commit("-qam", "translated")
    lock = pulled / ".git" / "index.lock"
    lock.write_text("")
    before = _snapshot(pulled)
    for command in ("push", "pull", "rebase"):
        result = run(command)
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert f"git's index is locked ({lock} exists)" in result.stderr and f"`rm {lock}`" in result.stderr, result.stderr
    assert import_requests(emulator) == 0 and _snapshot(pulled) == before
    lock.unlink()
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed"


def test_an_index_lock_that_goes_away_soon_stops_nothing(pulled: Path, emulator: EmulatorServer) -> None:
    """An editor's or a prompt's ``git status`` holds the lock for a moment: the run waits it out."""
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    git.Repo(pulled).git.commit("-qam", "translated")
    lock = pulled / ".git" / "index.lock"
    lock.write_text("")
    threading.Timer(0.3, lock.unlink).start()
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed"


def test_a_bisect_in_progress_refuses_pull(pulled: Path) -> None:
    """A pull commit on bisect's detached HEAD would be left behind by git bisect reset."""
    repo = git.Repo(pulled)
    repo.git.bisect("start")
    result = run("pull")
    assert result.exit_code == 2
    assert "in the middle of a bisect" in result.stderr and "end it (git bisect reset)" in result.stderr
    repo.git.bisect("reset")
    assert run("pull").exit_code == 0


@pytest.mark.parametrize(("rule", "named"), [
    ("l10n/\n", "git ignores the files pxl10n pull writes under l10n/fr-FR/engagement/ (.gitignore line 1: l10n/)"),
    ("# exports\n*.xlf\n", "git ignores the files pxl10n pull writes under l10n/fr-FR/engagement/ (.gitignore line 2: *.xlf)"),
    ("de-DE/\n", "git ignores the files pxl10n pull writes under l10n/de-DE/engagement/ (.gitignore line 1: de-DE/)"),
])
def test_a_pull_into_files_git_ignores_stops_before_writing(pulled: Path, emulator: EmulatorServer, rule: str, named: str) -> None:
    key = keys_of(emulator, "article")[0]
    _change_in_px(emulator, key)
    (pulled / ".gitignore").write_text(rule, encoding="utf-8")
    before = _snapshot(pulled)
    result = run("pull")
    assert result.exit_code == 2
    assert named in result.stderr and "remove or narrow that rule, or run with --no-commit" in result.stderr
    assert _snapshot(pulled) == before
    result = run("pull", "--no-commit", "--format", "json")
    assert result.exit_code == 0 and set(json.loads(result.stdout)["changed"]) == _both_locales(key)


def test_a_push_whose_state_git_ignores_sends_nothing_and_tracked_files_are_never_ignored(project: Path, emulator: EmulatorServer) -> None:
    """Pulled with --no-commit under a rule that ignores the state file: push would land imports it cannot record in
    git. Rules that match files git already tracks (a pulled ``*.xlf``) change nothing and do not stop a push."""
    (project / ".gitignore").write_text("pxl10n-state.json\n", encoding="utf-8")
    assert run("pull", "--no-commit").exit_code == 0
    repo = git.Repo(project)
    repo.git.add("l10n")  # the XLIFF files, not the ignored state
    repo.git.commit("-qm", "pulled by hand")
    key = keys_of(emulator, "article")[0]
    translate(project, key)
    result = run("push")
    assert result.exit_code == 2 and "git ignores l10n/pxl10n-state.json (.gitignore line 1: pxl10n-state.json)" in result.stderr
    assert "pxl10n push could not commit them" in result.stderr
    assert import_requests(emulator) == 0
    (project / ".gitignore").write_text("*.xlf\n", encoding="utf-8")
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed"
    assert repo.git.status("--porcelain", "--", "l10n") == ""


def test_an_ignore_rule_for_a_kind_the_pull_does_not_write_stops_nothing(project: Path, emulator: EmulatorServer) -> None:
    """``content/`` ignored, and no [[content]] entries (PX cannot list content): no content file will be written."""
    write_config(project, emulator.base_url)
    (project / ".gitignore").write_text("content/\n", encoding="utf-8")
    result = run("pull", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["commit"]
    write_config(project, emulator.base_url, content=content_entries(emulator))
    result = run("pull")
    assert result.exit_code == 2 and "writes under l10n/fr-FR/content/ (.gitignore line 1: content/)" in result.stderr
