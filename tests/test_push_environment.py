"""A sick machine during push: full disk, read-only tree, I/O errors, at every point push writes.

Each fault must stop push at once with one line naming the path and the fix (exit 2),
start no PX import after it, and leave the journal and the state so that the next
push (fault gone) finishes the job: every translated file lands in PX exactly once,
the journal is gone, the tree is committed and clean.

The points are the journal (its creation, its directory's fsync, a record's write and
fsync, its removal), a re-exported file and the state file; each fails through the one
os call it goes through. A real read-only directory (modes binding even for root, via
setpriv) and a real full tmpfs (in a private mount namespace) are run where the machine
allows it.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import STATE_NAME, FileKey
from pxl10n.sync.journal import JOURNAL_NAME, Journal, Send, read

from .helpers.cli import run
from .helpers.faults import as_ordinary_user, can_unshare, failing, git_objects_unwritable
from .helpers.hostile import one_line_errors
from .helpers.project import content_entries, write_config
from .helpers.pulled import keys_of, l10n, translate
from .helpers.pushed import import_requests, landed, push_json, results, state_entry


def _journal(name: str) -> bool:
    return name.endswith(f"/{JOURNAL_NAME}")


def _staged(base: str) -> Callable[[str], bool]:
    return lambda name: name.endswith(".partial") and f"/.{base}." in name


def _staged_xlf(name: str) -> bool:
    return name.endswith(".partial") and ".xlf." in name


def _the_directory(name: str) -> bool:
    return name.endswith("/l10n")


#: point: (os call, errno, which file, nth time, words in the message, a path the message names)
POINTS = {
    "creating the journal": ("open", errno.EACCES, _journal, 1, "permission denied", JOURNAL_NAME),
    "syncing the journal's directory": ("fsync", errno.EIO, _the_directory, 1, "input/output error", "l10n"),
    "writing the first record": ("write", errno.ENOSPC, _journal, 1, "the disk is full", JOURNAL_NAME),
    "writing a later record": ("write", errno.ENOSPC, _journal, 4, "the disk is full", JOURNAL_NAME),
    "syncing a landing": ("fsync", errno.EDQUOT, _journal, 2, "quota", JOURNAL_NAME),
    "syncing a later send": ("fsync", errno.ENOSPC, _journal, 4, "the disk is full", JOURNAL_NAME),
    "writing a re-exported file": ("fsync", errno.ENOSPC, _staged_xlf, 2, "the disk is full", "l10n/fr-FR/article/"),
    "saving the state": ("fsync", errno.ENOSPC, _staged(STATE_NAME), 1, "the disk is full", STATE_NAME),
    "removing the journal": ("unlink", errno.EROFS, _journal, 1, "read-only", JOURNAL_NAME),
}


def _translated(pulled: Path, emulator: EmulatorServer, count: int = 3) -> list[FileKey]:
    """``count`` articles translated in fr-FR, pushed one at a time (so "after the fault" is well defined)."""
    write_config(pulled, emulator.base_url, content=content_entries(emulator), concurrency=1)
    keys = keys_of(emulator, "article")[:count]
    for key in keys:
        translate(pulled, key)
    return keys


def _assert_heals(pulled: Path, emulator: EmulatorServer, keys: list[FileKey]) -> None:
    """The next push finishes: every file in PX exactly once, recorded, committed, the journal gone; then nothing to do."""
    code, summary = push_json()
    assert code == 0, summary
    assert set(results(summary).values()) <= {"pushed", "confirmed", "refreshed"}, summary
    assert landed(emulator) == Counter((k.kind, k.item_id, k.locale) for k in keys)
    assert not (l10n(pulled) / JOURNAL_NAME).exists()
    for key in keys:
        assert state_entry(pulled, key)["pushed"]
    assert git.Repo(pulled).git.status("--porcelain", "--", "l10n") == ""
    code, summary = push_json()
    assert code == 0 and summary["files"] == [] and summary["commit"] is None
    assert landed(emulator) == Counter((k.kind, k.item_id, k.locale) for k in keys)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names an fsync'd file through /proc")
@pytest.mark.parametrize("point", list(POINTS))
def test_a_fault_at_every_push_write_point_is_one_line_exit_2_and_the_next_push_heals(
    pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    call, code, matches, nth, words, named = POINTS[point]
    keys = _translated(pulled, emulator)
    head = git.Repo(pulled).head.commit.hexsha
    at_fault: list[int] = []
    with failing(monkeypatch, call, code, matches, nth, on_fault=lambda: at_fault.append(import_requests(emulator))) as failed:
        result = run("push")
    assert failed, f"the fault at {point} was never reached"
    assert result.exit_code == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and one_line_errors(result.stderr), result.stderr
    assert words in errors[0] and named in errors[0] and "run `pxl10n push` again" in errors[0], errors[0]
    assert ".partial" not in errors[0]
    assert import_requests(emulator) == at_fault[0], "an import started after the fault"
    if point != "removing the journal":
        assert git.Repo(pulled).head.commit.hexsha == head
    if at_fault[0] == 0:
        assert "nothing was sent or changed" in errors[0]
    else:
        assert "sends nothing twice" in errors[0]
    assert list(l10n(pulled).rglob("*.partial")) == []
    _assert_heals(pulled, emulator, keys)


def test_a_failing_directory_fsync_that_means_unsupported_is_not_a_fault(pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some file systems cannot fsync a directory (EINVAL): that is no reason to stop a push."""
    keys = _translated(pulled, emulator, 1)
    with failing(monkeypatch, "fsync", errno.EINVAL, _the_directory) as failed:
        code, summary = push_json()
    assert failed and code == 0 and results(summary) == {keys[0].relpath(): "pushed"}


def test_a_journal_fault_with_workers_in_flight_starts_no_new_import(pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four workers: only the imports already past their journaled send may finish; none starts after the fault."""
    write_config(pulled, emulator.base_url, content=content_entries(emulator), concurrency=4)
    keys = keys_of(emulator, "article")[:8]
    for key in keys:
        translate(pulled, key)
    at_fault: list[int] = []
    with failing(monkeypatch, "fsync", errno.ENOSPC, _journal, 6, on_fault=lambda: at_fault.append(import_requests(emulator))):
        result = run("push")
    assert result.exit_code == 2 and one_line_errors(result.stderr), result.stderr
    sends = [r for r in read(l10n(pulled)) if isinstance(r, Send)]
    assert import_requests(emulator) - at_fault[0] <= 3
    assert import_requests(emulator) <= len(sends) < len(keys)
    _assert_heals(pulled, emulator, keys)


def test_a_journal_cut_by_a_kill_is_appended_to_on_a_new_line(tmp_path: Path) -> None:
    """The torn last line of a killed push stays apart from the next push's first record, which is read back."""
    (tmp_path / JOURNAL_NAME).write_bytes(b'{"op": "send", "path": "fr-FR/article/a.xlf", "hash": "aa"}\n{"op": "se')
    journal = Journal(tmp_path)
    journal.append(Send("fr-FR/article/b.xlf", "bb"))
    journal.close()
    assert read(tmp_path) == [Send("fr-FR/article/a.xlf", "aa"), Send("fr-FR/article/b.xlf", "bb")]


def test_a_record_that_cannot_be_written_is_cut_off_and_ends_the_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A half-written record is taken back; every later append raises the same fault, naming the journal."""
    journal = Journal(tmp_path)
    journal.append(Send("a.xlf", "aa"))
    real_write = os.write

    def half(fd: int, data: object) -> int:
        real_write(fd, bytes(data)[:10])  # type: ignore[call-overload]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", half)
    with pytest.raises(OSError) as raised:
        journal.append(Send("b.xlf", "bb"))
    monkeypatch.setattr(os, "write", real_write)
    assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(tmp_path / JOURNAL_NAME)
    with pytest.raises(OSError):
        journal.append(Send("c.xlf", "cc"))
    journal.close()
    assert (tmp_path / JOURNAL_NAME).read_bytes().endswith(b"\n")
    assert read(tmp_path) == [Send("a.xlf", "aa")]


def test_the_commit_failing_on_a_sick_disk_is_exit_2_and_the_next_push_commits(pulled: Path, emulator: EmulatorServer) -> None:
    """Everything landed and is recorded in the state; git cannot write its objects; the next push commits, sending nothing."""
    keys = _translated(pulled, emulator)
    repo = git.Repo(pulled)
    head = repo.head.commit.hexsha
    with git_objects_unwritable(pulled):
        result = run("push")
    assert result.exit_code == 2, result.stderr
    assert one_line_errors(result.stderr) and ("permission denied" in result.stderr or "operation not permitted" in result.stderr)
    assert ".git" in result.stderr and "run `pxl10n push` again" in result.stderr and "sends nothing twice" in result.stderr
    assert repo.head.commit.hexsha == head
    assert landed(emulator) == Counter((k.kind, k.item_id, k.locale) for k in keys)
    imports = import_requests(emulator)
    code, summary = push_json()
    assert code == 0 and summary["commit"], summary
    assert import_requests(emulator) == imports
    assert repo.git.status("--porcelain", "--", "l10n") == "" and not (l10n(pulled) / JOURNAL_NAME).exists()


# --- real faults -----------------------------------------------------------------------------


def _push_in_child(root: Path, prefix: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, "-m", "pxl10n", "push"], cwd=root, env=dict(os.environ), capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX modes")
def test_a_real_read_only_l10n_directory(pulled: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The journal cannot be created: nothing is sent, one line names the directory; writable again, push heals."""
    prefix = as_ordinary_user(tmp_path_factory.mktemp("probe"))
    keys = _translated(pulled, emulator)
    directory = l10n(pulled)
    mode = directory.stat().st_mode
    directory.chmod(0o555)
    try:
        result = _push_in_child(pulled, prefix)
    finally:
        directory.chmod(mode)
    assert result.returncode == 2, result.stderr
    assert one_line_errors(result.stderr) and "Traceback" not in result.stderr
    assert "permission denied" in result.stderr and JOURNAL_NAME in result.stderr and "run `pxl10n push` again" in result.stderr
    assert import_requests(emulator) == 0
    _assert_heals(pulled, emulator, keys)


@pytest.mark.skipif(not can_unshare(), reason="needs root and mount namespaces (unshare -m) to fill a real file system")
def test_a_real_disk_that_fills_up_during_the_push(pulled: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The l10n directory on a tmpfs with room for the journal but not for PX's re-exported copies."""
    keys = _translated(pulled, emulator)
    scratch = tmp_path_factory.mktemp("fs")
    (scratch / "mnt").mkdir()
    (scratch / "out").mkdir()
    directory = l10n(pulled)
    room = 6 * 1024  # the journal's first records, not a re-exported file
    script = (
        f"mount -t tmpfs -o size=4m tmpfs {scratch}/mnt && cp -a {directory} {scratch}/mnt/l10n && "
        f"(dd if=/dev/zero of={scratch}/mnt/fill bs=4k 2>/dev/null || true) && truncate -s -{room} {scratch}/mnt/fill && "
        f"mount --bind {scratch}/mnt/l10n {directory} && cd {pulled} && "
        f"{{ {sys.executable} -m pxl10n push 2>{scratch}/out/stderr; echo $? >{scratch}/out/rc; }}; "
        f"cp -a {directory} {scratch}/out/l10n"
    )
    subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script], env=dict(os.environ), check=True, timeout=180)
    stderr = (scratch / "out" / "stderr").read_text()
    assert (scratch / "out" / "rc").read_text().strip() == "2", stderr
    assert one_line_errors(stderr) and "no space left on device" in stderr and "run `pxl10n push` again" in stderr
    # What the push left on that file system becomes the work tree, and the next push (room again) finishes.
    shutil.rmtree(directory)
    shutil.copytree(scratch / "out" / "l10n", directory, symlinks=True)
    assert list(directory.rglob("*.partial")) == []
    _assert_heals(pulled, emulator, keys)
