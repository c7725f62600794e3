"""No path outside the repository, and a hostile machine (read-only, full disk, no git) as one line, exit 2."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pxl10n import fsutil
from pxl10n.emulator.server import EmulatorServer

from .helpers.cli import run
from .helpers.hostile import one_line_errors, snapshot
from .helpers.project import API_KEY
from .helpers.pulled import keys_of, translate


def _a_pulled_file(root: Path) -> Path:
    return sorted((root / "l10n" / "fr-FR" / "article").glob("*.xlf"))[0]


def test_pull_refuses_a_directory_link_and_writes_nothing_outside(pulled: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    shutil.rmtree(pulled / "l10n" / "de-DE" / "kcbot")
    (pulled / "l10n" / "de-DE" / "kcbot").symlink_to(outside, target_is_directory=True)
    before = snapshot(pulled)
    result = run("pull")
    assert result.exit_code == 2
    assert "de-DE/kcbot is a symbolic link" in result.stderr and one_line_errors(result.stderr)
    assert list(outside.iterdir()) == []
    assert snapshot(pulled) == before


def test_push_refuses_a_file_link_and_sends_nothing(pulled: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    secret = tmp_path_factory.mktemp("outside") / "private.xlf"
    target = _a_pulled_file(pulled)
    secret.write_bytes(target.read_bytes().replace(b"<source>", b"<source>from outside ", 1))
    target.unlink()
    target.symlink_to(secret)
    emulator.stats.reset()
    result = run("push", "--force")
    assert result.exit_code == 2
    assert f"{target.name} is a symbolic link (to {secret})" in result.stderr and one_line_errors(result.stderr)
    assert emulator.stats.by_path.get("/v1/localization/import/articles", 0) == 0
    assert not any(path.startswith("/v1/localization/import") for path in emulator.stats.by_path)


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only"), (errno.EACCES, "permission denied")])
def test_a_full_disk_or_read_only_tree_is_one_line_exit_2_and_the_tree_stays_whole(pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, code: int, words: str) -> None:
    # We cannot fill the disk or remount it read-only in a test (and root ignores modes): the
    # one call every write goes through fails the way the kernel would make it fail.
    for item in emulator.store.items("article"):
        item.units[next(iter(item.units))] = "changed in PX"
    before = snapshot(pulled)

    def failing_mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(code, os.strerror(code), str(kwargs.get("dir", "")))

    monkeypatch.setattr(fsutil.tempfile, "mkstemp", failing_mkstemp)
    result = run("pull")
    assert result.exit_code == 2
    assert words in result.stderr and one_line_errors(result.stderr)
    assert snapshot(pulled) == before


def test_status_and_validate_work_without_git(pulled: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_PYTHON_REFRESH", "GIT_PYTHON_GIT_EXECUTABLE")}
    env.update(PATH=str(Path(sys.executable).parent), PX_API_KEY=API_KEY)
    assert shutil.which("git", path=env["PATH"]) is None
    before = snapshot(pulled)
    for command in (["status"], ["status", "--format", "json"], ["validate"]):
        result = subprocess.run([sys.executable, "-m", "pxl10n", *command], cwd=pulled, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (command, result.stderr)
        assert one_line_errors(result.stderr)
    assert snapshot(pulled) == before


def test_a_push_dry_run_works_without_git_and_sends_nothing(pulled: Path, emulator: EmulatorServer) -> None:
    """The dry run plans offline: without git it cannot read history, and says what it would send all the same."""
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_PYTHON_REFRESH", "GIT_PYTHON_GIT_EXECUTABLE")}
    env.update(PATH=str(Path(sys.executable).parent), PX_API_KEY=API_KEY)
    result = subprocess.run([sys.executable, "-m", "pxl10n", "push", "--dry-run"], cwd=pulled, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"{key.relpath()}  would-send" in result.stdout and "internal error" not in result.stderr


def test_doctor_and_pseudo_overwrite_without_git_say_so_on_one_line(pulled: Path) -> None:
    """doctor reports the missing git as its git check's problem; pseudo --overwrite, which asks git which files hold
    uncommitted edits, stops (exit 2) rather than guess. Both used to end in an internal error."""
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_PYTHON_REFRESH", "GIT_PYTHON_GIT_EXECUTABLE")}
    env.update(PATH=str(Path(sys.executable).parent), PX_API_KEY=API_KEY)
    before = snapshot(pulled)
    doctor = subprocess.run([sys.executable, "-m", "pxl10n", "doctor"], cwd=pulled, env=env, capture_output=True, text=True, timeout=120)
    assert "internal error" not in doctor.stdout + doctor.stderr and doctor.returncode == 1, doctor.stdout + doctor.stderr
    assert "problem  git" in doctor.stdout and "the `git` command is not on the PATH" in doctor.stdout
    pseudo = subprocess.run([sys.executable, "-m", "pxl10n", "pseudo", "--locale", "de-DE", "--overwrite"], cwd=pulled, env=env,
                            capture_output=True, text=True, timeout=120)
    assert pseudo.returncode == 2 and one_line_errors(pseudo.stderr), pseudo.stderr
    assert "the `git` command is not on the PATH; install git (--overwrite asks it which files hold edits" in pseudo.stderr
    assert snapshot(pulled) == before


def test_pull_without_git_says_what_is_missing(pulled: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_PYTHON_REFRESH", "GIT_PYTHON_GIT_EXECUTABLE")}
    env.update(PATH=str(Path(sys.executable).parent), PX_API_KEY=API_KEY)
    before = snapshot(pulled)
    result = subprocess.run([sys.executable, "-m", "pxl10n", "pull"], cwd=pulled, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert one_line_errors(result.stderr)
    assert "`git` command is not on the PATH" in result.stderr
    assert snapshot(pulled)["<HEAD>"] == before["<HEAD>"]
