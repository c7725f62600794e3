"""A sick machine during pull: full disk, read-only tree, permission denied, at every point a write happens.

Each fault must end the run with one line naming the path and the fix (exit 2) and
leave the tree whole: no half-written file, no stray ``.partial``, every file either
as it was or PX's current copy, and a state that agrees with the disk, which is
proved by the next pull (fault gone) finishing the job with nothing "edited here".

Faults are real where the kernel can make them here (a read-only directory or an
unreadable file without the capability to ignore modes, an immutable file, a
read-only bind mount, a tmpfs that fills up half-way); the points in between
(one fsync, one rename, one removal) fail through the one call they go through.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.px.kinds import EMAIL_TYPES

from .helpers.cli import run, run_subprocess
from .helpers.faults import IS_ROOT, as_ordinary_user, can_unshare, failing, git_objects_unwritable
from .helpers.hostile import one_line_errors
from .helpers.project import content_entries, write_config

STATE = "pxl10n-state.json"


def _change_px(emulator: EmulatorServer, text: str = "changed in PX") -> None:
    """Every item's first source unit changes in PX, and every name: the next pull rewrites every file and index.json."""
    for kind in ("engagement", "kcbot", "article", "content"):
        for item in emulator.store.items(kind):
            item.units[next(iter(item.units))] = text
            for name_field in ("name", "articleName"):
                if name_field in item.fields:
                    item.fields[name_field] = f"{item.fields[name_field]} (renamed)"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "l10n").rglob("*")) if p.is_file()}


def _partials(root: Path) -> list[Path]:
    return [p for p in (root / "l10n").rglob("*") if p.name.endswith(".partial")]


def _an_article(root: Path, locale: str = "fr-FR") -> Path:
    return sorted((root / "l10n" / locale / "article").glob("*.xlf"))[0]


def _assert_whole_and_heals(root: Path, before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, object]:
    """No temporary left; every file old or PX's copy; the next pull finishes with nothing taken for a person's edit."""
    assert _partials(root) == []
    healed = run("pull", "--format", "json")
    assert healed.exit_code == 0, healed.stderr
    summary = json.loads(healed.stdout)
    assert summary["files"]["kept_local"] == 0 and summary["files"]["failed"] == 0
    final = _files(root)
    for rel, data in after.items():
        if not rel.endswith(STATE):
            assert data in (before.get(rel), final.get(rel)), f"{rel} is neither the old file nor PX's copy"
    assert all(b"changed in PX" in data for rel, data in final.items() if rel.endswith(".xlf"))
    assert git.Repo(root).git.status("--porcelain", "--", "l10n") == ""
    return summary


def _staged_xlf(name: str) -> bool:
    return name.endswith(".partial") and ".xlf." in name


def _staged(base: str) -> Callable[[str], bool]:
    return lambda name: name.endswith(".partial") and f"/.{base}." in name


POINTS = {
    # point: (os call, errno, which file, nth time, words in the message)
    "staging a file (fsync)": ("fsync", errno.ENOSPC, _staged_xlf, 5, "the disk is full"),
    "saving the state before the first rename": ("fsync", errno.ENOSPC, _staged(STATE), 1, "the disk is full"),
    "saving the state after a batch is in place": ("fsync", errno.EDQUOT, _staged(STATE), 2, "quota"),
    "the first rename": ("replace", errno.EACCES, _staged_xlf, 1, "permission denied"),
    "a rename in the second batch": ("replace", errno.EROFS, _staged_xlf, 40, "read-only"),
    "writing index.json": ("fsync", errno.ENOSPC, _staged("index.json"), 1, "the disk is full"),
    "removing a file PX no longer lists": ("unlink", errno.EROFS, lambda name: name.endswith(".xlf"), 1, "read-only"),
}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names an fsync'd file through /proc")
@pytest.mark.parametrize("point", list(POINTS))
def test_a_fault_at_every_write_point_is_one_line_exit_2_and_the_tree_stays_whole(pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, point: str) -> None:
    call, code, matches, nth, words = POINTS[point]
    _change_px(emulator)
    emulator.store.remove("engagement", next(item.id for item in emulator.store.items("engagement") if item.type not in EMAIL_TYPES))
    before = _files(pulled)
    head = git.Repo(pulled).head.commit.hexsha
    with failing(monkeypatch, call, code, matches, nth) as failed:
        result = run("pull")
    assert failed, f"the fault at {point} was never reached"
    assert result.exit_code == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and one_line_errors(result.stderr), result.stderr
    assert words in errors[0] and "run `pxl10n pull` again" in errors[0]
    assert "l10n/" in errors[0] and ".partial" not in errors[0]
    assert git.Repo(pulled).head.commit.hexsha == head
    after = _files(pulled)
    if point.startswith(("staging", "saving the state before")):
        assert after == before and "nothing was changed" in errors[0]
    summary = _assert_whole_and_heals(pulled, before, after)
    assert len(summary["removed"]) == 2  # the removed engagement's two locales: finished by the re-run


def test_a_full_disk_stops_new_writes_at_once(pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(pulled, emulator.base_url, content=content_entries(emulator), concurrency=4)
    _change_px(emulator)
    exports = lambda: sum(n for path, n in emulator.stats.snapshot()["by_path"].items() if "/export/" in path)  # noqa: E731
    staged: list[str] = []
    at_fault: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        if _staged_xlf(name):
            staged.append(name)
            if len(staged) == 2:
                at_fault.append(exports())
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", fsync)
        result = run("pull")
    assert result.exit_code == 2
    # Only the 3 other workers' exports in flight may finish; none starts after, none of them stages.
    assert exports() - at_fault[0] <= 3
    assert len(staged) <= 2 + 3
    assert _partials(pulled) == []


def test_the_commit_failing_on_a_sick_disk_is_exit_2_and_the_next_pull_commits(pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _change_px(emulator)
    before = _files(pulled)
    repo = git.Repo(pulled)
    head = repo.head.commit.hexsha
    with git_objects_unwritable(pulled):
        result = run("pull")
    assert result.exit_code == 2, result.stderr
    assert one_line_errors(result.stderr) and ("permission denied" in result.stderr or "operation not permitted" in result.stderr)
    assert "what was written before it is whole and recorded; the next pull finishes and commits it" in result.stderr
    assert repo.head.commit.hexsha == head
    after = _files(pulled)
    assert after != before  # the files were placed before the commit failed
    _assert_whole_and_heals(pulled, before, after)
    assert repo.head.commit.hexsha != head


def _pull_in_child(root: Path, prefix: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, "-m", "pxl10n", "pull"], cwd=root, env=dict(os.environ), capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX modes")
@pytest.mark.parametrize("what", ["read-only directory", "unreadable file"])
def test_real_permission_faults_are_one_line_exit_2_and_the_tree_stays_whole(
    pulled: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory, what: str
) -> None:
    prefix = as_ordinary_user(tmp_path_factory.mktemp("probe"))
    _change_px(emulator)
    before = _files(pulled)
    target = _an_article(pulled).parent if what == "read-only directory" else _an_article(pulled)
    mode = target.stat().st_mode
    target.chmod(0o555 if target.is_dir() else 0o000)
    try:
        result = _pull_in_child(pulled, prefix)
    finally:
        target.chmod(mode)
    assert result.returncode == 2, result.stderr
    assert one_line_errors(result.stderr) and "Traceback" not in result.stderr
    assert f"{target.relative_to(pulled)}" in result.stderr and "permission denied" in result.stderr
    after = _files(pulled)
    if what == "unreadable file":
        assert after[str(target.relative_to(pulled))] == before[str(target.relative_to(pulled))]
    _assert_whole_and_heals(pulled, before, after)


@pytest.mark.skipif(not IS_ROOT or shutil.which("chattr") is None, reason="an immutable file needs root and chattr")
def test_a_file_that_cannot_be_replaced_stops_the_run_after_the_state_says_so(pulled: Path, emulator: EmulatorServer) -> None:
    _change_px(emulator)
    before = _files(pulled)
    target = _an_article(pulled, "de-DE")
    if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode:
        pytest.skip("this file system has no immutable flag")
    try:
        result = run("pull")
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)
    assert result.exit_code == 2, result.stderr
    assert one_line_errors(result.stderr) and str(target.relative_to(pulled)) in result.stderr
    assert "operation not permitted" in result.stderr
    after = _files(pulled)
    assert after[str(target.relative_to(pulled))] == before[str(target.relative_to(pulled))]
    _assert_whole_and_heals(pulled, before, after)


@pytest.mark.skipif(not can_unshare(), reason="needs root and mount namespaces (unshare -m) to fill or freeze a real file system")
@pytest.mark.parametrize("kind", ["full half-way", "read-only mount"])
def test_a_real_full_or_read_only_file_system(pulled: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory, kind: str) -> None:
    """The l10n directory on a tmpfs that fills up during the pull, or bind-mounted read-only, in a private mount namespace."""
    _change_px(emulator)
    before = _files(pulled)
    scratch = tmp_path_factory.mktemp("fs")
    (scratch / "mnt").mkdir()
    (scratch / "out").mkdir()
    l10n = pulled / "l10n"
    room = 24 * 1024  # a few files' worth: the disk fills up in the middle of the pull
    if kind == "full half-way":
        setup = (
            f"mount -t tmpfs -o size=4m tmpfs {scratch}/mnt && cp -a {l10n} {scratch}/mnt/l10n && "
            f"(dd if=/dev/zero of={scratch}/mnt/fill bs=4k 2>/dev/null || true) && truncate -s -{room} {scratch}/mnt/fill && "
            f"mount --bind {scratch}/mnt/l10n {l10n}"
        )
    else:
        setup = f"mount --bind {l10n} {l10n} && mount -o remount,bind,ro {l10n}"
    script = (
        f"{setup} && cd {pulled} && {{ {sys.executable} -m pxl10n pull 2>{scratch}/out/stderr; echo $? >{scratch}/out/rc; }}; "
        f"cp -a {l10n} {scratch}/out/l10n"
    )
    subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script], env=dict(os.environ), check=True, timeout=180)
    stderr = (scratch / "out" / "stderr").read_text()
    assert (scratch / "out" / "rc").read_text().strip() == "2", stderr
    assert one_line_errors(stderr) and "l10n/" in stderr
    assert ("no space left on device" if kind == "full half-way" else "read-only file system") in stderr
    # What the pull left on that file system becomes the work tree, and the next pull (room again) finishes.
    shutil.rmtree(l10n)
    shutil.copytree(scratch / "out" / "l10n", l10n, symlinks=True)
    after = _files(pulled)
    if kind == "read-only mount":
        assert after == before and "nothing was changed" in stderr
    _assert_whole_and_heals(pulled, before, after)


def test_status_and_validate_without_git_after_a_fault(pulled: Path, emulator: EmulatorServer) -> None:
    """A pull stopped by a fault leaves a tree that the offline commands (no git on the PATH) still read."""
    _change_px(emulator)
    target = _an_article(pulled)
    with git_objects_unwritable(pulled):
        assert run("pull").exit_code == 2
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_PYTHON_REFRESH", "GIT_PYTHON_GIT_EXECUTABLE")}
    env["PATH"] = str(Path(sys.executable).parent)
    for command in (["status"], ["status", "--format", "json"]):
        result = run_subprocess(*command, cwd=pulled, env=env)
        assert result.returncode == 0, (command, result.stderr)
        assert one_line_errors(result.stderr)
    # validate judges the files (PX's new sources lost placeholders the targets keep: findings, exit 1), without git
    result = run_subprocess("validate", cwd=pulled, env=env)
    assert result.returncode in (0, 1) and "error:" not in result.stderr and one_line_errors(result.stderr)
    assert " files, " in result.stdout
    assert b"changed in PX" in target.read_bytes()
