"""Atomic file writes: a reader (or a kill -9) never sees half a file.

Data goes to a hidden temporary file in the same directory, is flushed to disk,
then renamed over the target. A run killed mid-write leaves at most a hidden
``.*.partial`` file, which the next run removes with :func:`remove_partials`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PARTIAL_SUFFIX = ".partial"


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename."""
    place(stage(path, data), path)


def stage(path: Path, data: bytes) -> Path:
    """Write ``data`` durably to a hidden temporary file beside ``path``; :func:`place` renames it in.

    Split in two so a caller can record what it is about to place before the rename,
    and so the slow part (write + fsync) can run in worker threads.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=PARTIAL_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        discard(Path(tmp))
        raise
    return Path(tmp)


def place(staged: Path, path: Path) -> None:
    """Rename a staged file over ``path`` (the staged file is removed if that fails)."""
    try:
        os.replace(staged, path)
    except BaseException:
        discard(staged)
        raise


def discard(staged: Path) -> None:
    """Remove a staged file that will not be placed."""
    try:
        staged.unlink()
    except FileNotFoundError:
        pass


def remove_partials(directory: Path) -> int:
    """Delete temporary files left by an interrupted run; returns how many."""
    if not directory.is_dir():
        return 0
    removed = 0
    for tmp in directory.rglob(f".*{PARTIAL_SUFFIX}"):
        try:
            tmp.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def normalized(data: bytes) -> bytes:
    """``data`` with CRLF line ends read as LF: a ``core.autocrlf`` checkout is not an edit.

    XML parsers normalize line ends the same way, so both spellings are one document.
    """
    return data.replace(b"\r\n", b"\n") if b"\r\n" in data else data


def read_normalized(path: Path) -> bytes | None:
    """:func:`read_bytes` through :func:`normalized`."""
    data = read_bytes(path)
    return None if data is None else normalized(data)
