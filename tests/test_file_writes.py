"""What every write leaves on disk besides the bytes: permissions, and the kind of thing it writes over.

Files are written to a temporary beside the target and renamed in (``pxl10n.fsutil``). The temporary is
made owner-only, which every pulled file kept: on a machine a team shares, or a CI job whose later step
runs as another user, the files were unreadable to everyone else. A rename also replaces whatever the
name held: ``tm export -o /dev/full`` replaced the device with a file (run as root), and
``-o /dev/stdout`` would have replaced the link.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.fsutil import atomic_write

from .helpers.cli import run
from .helpers.pulled import keys_of


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umasks_permissions_and_a_replaced_one_keeps_its_own(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    fresh = tmp_path / "fresh.xlf"
    atomic_write(fresh, b"one")
    assert _mode(fresh) == 0o666 & ~umask
    fresh.chmod(0o640)
    atomic_write(fresh, b"two")
    assert fresh.read_bytes() == b"two" and _mode(fresh) == 0o640


def test_pulled_files_are_readable_as_the_umask_allows(project: Path, emulator: EmulatorServer) -> None:
    """Every file a pull writes is readable by group and others when the umask allows it (022 here), as git's
    own checkout would leave it; a file a person restricted keeps its permissions when pxl10n replaces it."""
    umask = os.umask(0o022)
    os.umask(umask)
    assert run("pull", "--kind", "article").exit_code == 0
    files = [*(project / "l10n").rglob("*.xlf"), project / "l10n" / "pxl10n-state.json"]
    assert files and {_mode(path) for path in files} == {0o666 & ~umask}
    item = emulator.store.items("article")[0]
    article = keys_of(emulator, "article")[0].path(project / "l10n")
    assert item.id in article.name
    article.chmod(0o600)
    item.units[sorted(item.units)[0]] = "Changed in PX."
    before = article.read_bytes()
    assert run("pull", "--kind", "article").exit_code == 0
    assert article.read_bytes() != before and _mode(article) == 0o600


@pytest.mark.parametrize("kind", ["fifo", "link"])
def test_a_write_never_renames_over_a_pipe_or_a_link(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "real.txt"
    target.write_bytes(b"kept")
    path = tmp_path / "name"
    os.mkfifo(path) if kind == "fifo" else path.symlink_to(target)
    with pytest.raises(FileExistsError, match="not a regular file"):
        atomic_write(path, b"new")
    assert (stat.S_ISFIFO(os.lstat(path).st_mode) if kind == "fifo" else path.is_symlink()) and target.read_bytes() == b"kept"
    assert {p.name for p in tmp_path.iterdir()} == {"real.txt", "name"}, "the staged file is removed"


def test_tm_export_writes_into_a_pipe_and_through_a_link(pulled: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "out.tmx"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("tm", "export", "-o", str(fifo))
    reader.join(timeout=5)  # a daemon: should the pipe be renamed over, its reader waits on no one, and is left
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the pipe was replaced by a file"
    assert received and b"<tmx" in received[0]
    real, link = tmp_path / "real.tmx", tmp_path / "link.tmx"
    link.symlink_to(real)
    assert run("tm", "export", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and b"<tmx" in real.read_bytes()


def test_a_umask_set_after_import_is_the_one_obeyed(tmp_path: Path) -> None:
    """A caller that tightens its umask after importing pxl10n (a library user, a wrapper) gets files no more open."""
    before = os.umask(0o077)
    try:
        atomic_write(tmp_path / "private.xlf", b"x")
    finally:
        os.umask(before)
    assert _mode(tmp_path / "private.xlf") == 0o600
