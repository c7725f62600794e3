"""Committing on real git repositories whose checkout is not byte for byte what pxl10n writes.

With ``core.autocrlf = true`` the work tree holds CRLF while pxl10n writes LF. When
the index's stat information is stale (files touched, copied, restored), ``git
status`` names such files as modified, yet ``git add`` stages them exactly as HEAD
has them: committing them alone once failed with "git commit of 2 path(s) failed".
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.errors import GitError
from pxl10n.layout import INDEX_NAME, STATE_NAME
from pxl10n.sync.git import FALLBACK_NAME, commit_contents, commit_paths

from .helpers.cli import run, run_subprocess
from .helpers.pulled import keys_of, l10n


def _crlf_checkout_with_stale_stats(root: Path) -> git.Repo:
    """``core.autocrlf = true``, every file under l10n checked out again (CRLF), then touched."""
    repo = git.Repo(root)
    repo.git.config("core.autocrlf", "true")
    for path in l10n(root).rglob("*"):
        if path.is_file():
            path.unlink()
    repo.git.checkout("--", "l10n")
    later = time.time() + 10
    for path in l10n(root).rglob("*"):
        if path.is_file():
            os.utime(path, (later, later))
    assert b"\r\n" in (l10n(root) / STATE_NAME).read_bytes()
    return repo


def test_a_pull_over_a_crlf_checkout_with_stale_stats_commits_nothing_then_only_what_changed(pulled: Path, emulator: EmulatorServer) -> None:
    repo = _crlf_checkout_with_stale_stats(pulled)
    head = repo.head.commit.hexsha
    result = run("pull", "--format", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["changed"] == [] and summary["commit"] is None
    assert repo.head.commit.hexsha == head
    key = keys_of(emulator, "article")[0]
    item = emulator.store.get(key.kind, key.item_id)
    item.units[sorted(item.units)[0]] = "changed in PX after the CRLF checkout"
    result = run("pull", "--format", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["commit"] and key.relpath() in summary["changed"]
    committed = set(repo.git.show("--name-only", "--format=", "HEAD").split())
    assert committed - {f"l10n/{STATE_NAME}", f"l10n/{INDEX_NAME}"} == {f"l10n/{rel}" for rel in summary["changed"]}
    assert repo.git.status("--porcelain", "--", "l10n") == ""


def test_commit_paths_of_files_equal_to_head_but_for_line_ends_is_no_commit(pulled: Path) -> None:
    """The git layer itself: a path status calls modified but git add stages as HEAD is not committed (None), not an error."""
    repo = _crlf_checkout_with_stale_stats(pulled)
    head = repo.head.commit.hexsha
    paths = [l10n(pulled) / STATE_NAME, l10n(pulled) / INDEX_NAME]
    for path in paths:
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
        os.utime(path, (time.time() + 20, time.time() + 20))
    assert commit_paths(repo, paths, "nothing really changed\n") is None
    assert repo.head.commit.hexsha == head
    assert repo.git.status("--porcelain", "--", "l10n") == ""


def test_a_branch_git_cannot_check_out_is_one_line_naming_what_git_said(pulled: Path) -> None:
    """An untracked file where the branch holds a tracked one: git refuses, and pull says so on one line."""
    repo = git.Repo(pulled)
    repo.git.switch("-q", "-c", "l10n/px-sync")
    (pulled / "notes.txt").write_text("tracked on the branch\n")
    repo.git.add("notes.txt")
    repo.git.commit("-qm", "notes")
    repo.git.switch("-q", "-")
    (pulled / "notes.txt").write_text("an untracked file here\n")
    result = run("pull", "--branch", "l10n/px-sync")
    assert result.exit_code != 0
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error: cannot switch to branch l10n/px-sync: error: The following untracked working tree files"), result.stderr
    assert "notes.txt" in line and "stderr:" not in line
    assert (pulled / "notes.txt").read_text() == "an untracked file here\n"


def _git_children() -> set[tuple[int, str]]:
    """(pid, command line) of this process's child processes that run git (from /proc)."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            if int(fields.get("PPid", "0")) == os.getpid():
                cmdline = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if "git" in cmdline:
                    found.add((int(status.parent.name), cmdline))
        except (OSError, ValueError):
            continue
    return found


def test_pull_push_and_status_leave_no_git_process_behind(pulled: Path, emulator: EmulatorServer) -> None:
    """GitPython keeps a `git cat-file --batch` running for each repository it reads objects through; a run closes
    its repository, so none outlives the command (one left to the garbage collector warned in an unrelated test)."""
    from .helpers.pulled import translate

    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    git.Repo(pulled).git.commit("-qam", "translate")
    before = _git_children()  # what earlier tests of this worker left is theirs
    for args in (("push", "--dry-run"), ("push",), ("status",), ("pull",), ("doctor",)):
        run(*args)
        assert not _git_children() - before, args


def test_a_commit_on_a_detached_head_says_it_is_on_no_branch(pulled: Path, emulator: EmulatorServer) -> None:
    """After `git checkout <tag or sha>` a pull's (or push's) commit is on no branch, and the next checkout leaves it
    behind; the summary says so and how to keep it. On a branch nothing is added."""
    repo = git.Repo(pulled)
    repo.git.checkout("--detach")
    article = emulator.store.items("article")[0]
    article.units[sorted(article.units)[0]] = "Changed in PX."
    result = run("pull")
    assert result.exit_code == 0, result.output
    sha = repo.head.commit.hexsha[:10]
    assert result.stderr.splitlines()[-1].endswith(f"; committed {sha} on no branch (HEAD is detached): `git branch <name> {sha}` keeps it")
    repo.close()
    repo = git.Repo(pulled)
    repo.git.checkout("-q", "-b", "kept")
    article.units[sorted(article.units)[0]] = "Changed in PX again."
    again = run("pull")
    assert again.exit_code == 0 and "on no branch" not in again.stderr
    repo.close()


def test_a_commit_where_git_itself_has_no_identity_signs_as_pxl10n(project: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """GitPython's config reader and git can disagree on whether a name is set (git reads ``GIT_CONFIG_GLOBAL``, and
    no global file when HOME is unset; the reader finds ``~/.gitconfig`` regardless): pxl10n trusted the reader, so it
    gave no name of its own and git refused the pull's commit, "Author identity unknown". It asks git now."""
    repo = git.Repo(project)
    with repo.config_writer() as cfg:
        cfg.remove_option("user", "name")
        cfg.remove_option("user", "email")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Only In The Reader\n\temail = reader@example.com\n")
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    env = {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(empty), "GIT_CONFIG_NOSYSTEM": "1"}
    result = run_subprocess("pull", cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    author = repo.head.commit.author
    assert repo.head.commit.message.startswith("pxl10n pull:") and author.name == FALLBACK_NAME, author


def test_a_file_with_only_its_line_ends_changed_stays_out_of_pushs_commit(pulled: Path, emulator: EmulatorServer) -> None:
    """A tool that rewrote a pulled file with CRLF changed no content: push left it unsent, and used to commit it
    anyway as "written by an earlier run that could not commit it"."""
    from .helpers.pulled import translate

    crlf, sent = keys_of(emulator, "article")[:2]
    path = crlf.path(l10n(pulled))
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    translate(pulled, sent)
    result = run("push", "--format", "json")
    assert result.exit_code == 0, result.output
    repo = git.Repo(pulled)
    committed = repo.git.show("--name-only", "--format=%B", "HEAD")
    assert f"l10n/{sent.relpath()}" in committed and crlf.relpath() not in committed
    assert repo.git.status("--porcelain", "--", f"l10n/{crlf.relpath()}").startswith(" M")


_FAKE_GPG = """#!/bin/sh
# gpg as git calls it to sign (-bsau KEY, --status-fd=2): read the payload, say SIG_CREATED, print a signature.
cat > /dev/null
[ -n "$PXL10N_TEST_GPG_FAILS" ] && { echo "gpg: signing failed: No secret key" >&2; exit 2; }
echo "[GNUPG:] SIG_CREATED D 1 8 00 0 0 0 0" >&2
printf '%s\\n' '-----BEGIN PGP SIGNATURE-----' 'ZmFrZQ==' '-----END PGP SIGNATURE-----'
"""


def test_commits_made_from_objects_are_signed_where_git_is_asked_to_sign(pulled: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``commit.gpgSign = true``: pull's and push's commits (``git commit``) were signed, rebase's (``commit-tree``,
    which ignores the setting) were not, so a repository that requires signed commits refused their merge."""
    gpg = tmp_path / "gpg"
    gpg.write_text(_FAKE_GPG)
    gpg.chmod(0o755)
    repo = git.Repo(pulled)
    repo.git.config("gpg.program", str(gpg))
    before = repo.head.commit.hexsha
    steps = [("first", {"l10n/a.txt": b"a\n"}), ("second", {"l10n/a.txt": b"b\n"})]
    unsigned, _ = commit_contents(repo, steps)
    assert "gpgsig" not in repo.git.cat_file("commit", unsigned)
    repo.git.config("commit.gpgSign", "true")
    signed, _ = commit_contents(repo, steps)
    assert "gpgsig -----BEGIN PGP SIGNATURE-----" in repo.git.cat_file("commit", signed)
    assert "gpgsig" in repo.git.cat_file("commit", f"{signed}^"), "every commit of the steps"
    monkeypatch.setenv("PXL10N_TEST_GPG_FAILS", "1")
    with pytest.raises(GitError, match="git could not make the commit: .*(gpg|sign)"):
        commit_contents(repo, steps)
    assert repo.head.commit.hexsha == before, "objects only: HEAD never moved"
