"""The first environment fault of a run: where pull and push stop on a sick machine.

A full disk, a read-only tree or a permission refused is the machine's fault, not
one file's: failing file after file on it helps nobody. The run trips its
:class:`Guard` at the first such fault; from then on no new write (and in push no
new import) starts, and the run ends with one
:class:`~pxl10n.errors.EnvironmentFault` line (exit 2) naming the path, the fix,
and what is already on disk.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pxl10n.errors import EnvironmentFault, GitError, Pxl10nError
from pxl10n.fsutil import describe_os_error, is_environment_fault


class Guard:
    """The first environment fault of one run of ``command``, shared by its threads.

    ``wrote`` says whether anything reached the tree (or PX) before the fault, so the
    message can say ``untouched`` ("nothing was changed") only when that is true, and
    ``written`` (what is on disk and how the next run finishes it) otherwise.
    """

    def __init__(self, command: str, *, written: str, untouched: str = "nothing was changed") -> None:
        self.command, self.written, self.untouched = command, written, untouched
        self._lock = threading.Lock()
        self._fault: tuple[OSError, Path | None] | None = None
        self.wrote = False

    @property
    def tripped(self) -> bool:
        return self._fault is not None

    def trip(self, exc: OSError, path: Path | None = None) -> None:
        """Keep the first fault (a full disk fails every worker at once; one line says it)."""
        with self._lock:
            if self._fault is None:
                self._fault = (exc, path)

    def error(self) -> EnvironmentFault:
        """The run's one line: the path, the fix, and what is on disk."""
        if self._fault is None:
            raise RuntimeError("no environment fault was recorded")
        exc, path = self._fault
        done = self.written if self.wrote else self.untouched
        return EnvironmentFault(f"{describe_os_error(exc, path)}; then run `pxl10n {self.command}` again; {done}")


@contextmanager
def stop_at_fault(guard: Guard, path: Path | None = None) -> Iterator[None]:
    """Turn an environment fault inside the block into the run's one EnvironmentFault; other errors pass."""
    try:
        yield
    except OSError as exc:
        if not is_environment_fault(exc):
            raise
        guard.trip(exc, path)
        raise guard.error() from None


#: What git says when the machine, not the repository, refused the commit
_GIT_FAULTS = {
    "no space left on device": errno.ENOSPC,
    "disk quota exceeded": errno.EDQUOT,
    "file too large": errno.EFBIG,
    "read-only file system": errno.EROFS,
    "permission denied": errno.EACCES,
    "insufficient permission": errno.EACCES,
    "operation not permitted": errno.EPERM,
}


def refused_commit(exc: GitError, git_dir: str | os.PathLike[str], guard: Guard) -> Pxl10nError:
    """The error of a commit git refused after the run wrote (and push sent): the machine's fault as
    :func:`_git_fault` says it, else git's own words with what is safe and how to finish (a hook, signing)."""
    fault = _git_fault(exc, git_dir, guard)
    if fault is not None:
        return fault
    return GitError(f"{exc.message}; {guard.written}",
                    hint=f"fix what git or the hook reports, then run `pxl10n {guard.command}` again")


def _git_fault(exc: GitError, git_dir: str | os.PathLike[str], guard: Guard) -> EnvironmentFault | None:
    """The run's EnvironmentFault when git failed for a full disk or a tree it may not write; None for any other git error."""
    said = str(exc).lower()
    code = next((code for words, code in _GIT_FAULTS.items() if words in said), None)
    if code is None:
        return None
    guard.wrote = True
    guard.trip(OSError(code, os.strerror(code)), Path(git_dir))
    return guard.error()
