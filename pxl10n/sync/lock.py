"""One writer at a time per l10n directory.

Pull and push hold an OS lock for the whole run: ``pxl10n-<hash>.lock`` in the
repository's git directory (never a file in the work tree to commit by mistake),
or ``.pxl10n-<directory name>.lock`` next to the l10n directory outside git. The OS drops it when the process dies (``kill -9`` included), so a
crash never leaves a stale lock behind. A second run waits up to
``PXL10N_LOCK_WAIT`` seconds (default 60), then stops naming the holder. Written
on the standard library (``fcntl``/``msvcrt``) rather than a dependency: it is
a few lines, and the message wants the holder's pid, which lock libraries hide.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pxl10n.errors import BusyError

DEFAULT_WAIT = 60.0


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def wait_seconds() -> float:
    """How long a second run waits for the first (``PXL10N_LOCK_WAIT``)."""
    try:
        return max(0.0, float(os.environ.get("PXL10N_LOCK_WAIT", DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def directory_digest(directory: Path) -> str:
    """What names one l10n directory's files in the git directory (its lock, a rebase's note)."""
    return hashlib.sha1(str(directory.resolve()).encode("utf-8")).hexdigest()[:12]


@contextmanager
def hold(directory: Path, command: str, git_dir: str | os.PathLike[str] | None = None) -> Iterator[None]:
    """Hold the directory's lock for the block; BusyError when another run keeps it past the wait."""
    if git_dir:
        path = Path(git_dir) / f"pxl10n-{directory_digest(directory)}.lock"
    else:
        directory.parent.mkdir(parents=True, exist_ok=True)
        path = directory.parent / f".pxl10n-{directory.name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds()
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = path.read_text(encoding="utf-8", errors="replace").strip() or "another pxl10n run"
                raise BusyError(
                    f"{directory}: {holder} is still running here after {wait_seconds():g}s; "
                    "wait for it to finish, then re-run (PXL10N_LOCK_WAIT sets the wait)"
                )
            time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, f"pxl10n {command} (pid {os.getpid()})".encode())
        yield
    finally:
        os.close(fd)
