"""Atomic file writes: a reader (or a kill -9) never sees half a file.

Data goes to a hidden temporary file in the same directory, is flushed to disk,
then renamed over the target. A run killed mid-write leaves at most a hidden
``.*.partial`` file, which the next run removes with :func:`remove_partials`.

Nothing under the l10n directory is read or written through a symbolic link
(:func:`refuse_links`), so no committed link can point pull or push outside the
repository; environment faults (read-only tree, full disk) become one line
(:func:`describe_os_error`).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from pxl10n.errors import ConfigError

PARTIAL_SUFFIX = ".partial"


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename."""
    place(stage(path, data), path)


def stage(path: Path, data: bytes) -> Path:
    """Write ``data`` durably to a hidden temporary file beside ``path``; :func:`place` renames it in.

    Split in two so a caller can record what it is about to place before the rename,
    and so the slow part (write + fsync) can run in worker threads.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=PARTIAL_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise _naming(exc, path) from None
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        discard(Path(tmp))
        raise _naming(exc, path) from None
    except BaseException:
        discard(Path(tmp))
        raise
    return Path(tmp)


#: The process's umask at import: where the system cannot say it now (reading it with ``os.umask`` means setting
#: it, which is not safe once threads write files).
_UMASK_AT_IMPORT = os.umask(0o022)
os.umask(_UMASK_AT_IMPORT)


def _umask() -> int:
    """The process's umask now: Linux says it in /proc/self/status without changing it; elsewhere, at import."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return _UMASK_AT_IMPORT


def _mode_for(path: Path) -> int:
    """The permissions a staged file gets: those of the file it replaces, else what ``open`` would give a new one
    (``mkstemp`` makes it owner-only, which would leave every pulled file unreadable to the rest of a team's machine)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def holds(path: Path, data: bytes | None, *, normalize: bool = True) -> bool:
    """Whether ``path`` still holds ``data`` (None: still absent), read CRLF-normalized unless told not to.

    Read right before a file is replaced: a person (or their editor) may have saved it since it was read."""
    return (read_normalized(path) if normalize else read_bytes(path)) == data


def write_named(path: Path, data: bytes) -> None:
    """Write a file a person named on the command line (``-o``): atomically when it is, or will be, a regular
    file, through a symbolic link to the file it points at (the link stays), and straight into a device or pipe
    (``/dev/stdout``, a FIFO), which a rename would replace with a file."""
    if path.exists() and not path.is_file():
        with open(path, "wb") as handle:
            handle.write(data)
        return
    atomic_write(path.resolve(), data)


def place(staged: Path, path: Path) -> None:
    """Rename a staged file over ``path`` (the staged file is removed if that fails); never over anything but a
    regular file: a device, pipe or link there is refused (EEXIST), not replaced."""
    try:
        if not _replaceable(path):
            raise FileExistsError(errno.EEXIST, "not a regular file (a device, pipe or link): refused, not replaced", os.fspath(path))
        os.replace(staged, path)
    except OSError as exc:
        discard(staged)
        raise _naming(exc, path) from None
    except BaseException:
        discard(staged)
        raise


def _replaceable(path: Path) -> bool:
    """Nothing at ``path`` yet, or a regular file (never followed through a link)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return True


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` naming the file being written rather than its hidden temporary (or nothing at all)."""
    if exc.filename is None or str(exc.filename).endswith(PARTIAL_SUFFIX):
        exc.filename = os.fspath(path)
    exc.filename2 = None
    return exc


def discard(staged: Path) -> None:
    """Remove a staged file that will not be placed (best effort: the next run's :func:`remove_partials` finishes it).

    Never raises, so the fault that made a write fail is the one reported.
    """
    try:
        staged.unlink()
    except OSError:
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


def links_under(directory: Path) -> list[Path]:
    """Every symbolic link (to a file or a directory) below ``directory``, never following one."""
    found: list[Path] = []
    if not directory.is_dir():
        return found
    for folder, dirs, files in os.walk(directory, followlinks=False):
        for name in (*dirs, *files):
            path = Path(folder) / name
            if path.is_symlink():
                found.append(path)
    return sorted(found)


def first_link(folder: Path, path: Path) -> Path | None:
    """The first symbolic link on the way from ``folder`` (not included) down to ``path`` (included), both
    absolute and spelled without ``..``; None when there is none or ``path`` is not below ``folder``."""
    if not path.is_relative_to(folder):
        return None
    step = folder
    for part in path.relative_to(folder).parts:
        step = step / part
        if step.is_symlink():
            return step
    return None


def refuse_link(link: Path | None, command: str) -> None:
    """ConfigError when ``link`` (the directory, or the link the configured path goes through) is a symbolic link."""
    if link is not None and link.is_symlink():
        raise ConfigError(f"{link} is a symbolic link (to {os.readlink(link)}); {command} never reads or writes "
                          "through links: make it a real directory")


def refuse_links(directory: Path, command: str, via: Path | None = None) -> None:
    """ConfigError naming the first link under ``directory`` (and how many there are), or ``via``, the link
    the configured path goes through (``directory`` itself is resolved, never one); None when there are none."""
    refuse_link(via, command)
    links = links_under(directory)
    if links:
        first = links[0]
        more = f" and {len(links) - 1} more" if len(links) > 1 else ""
        raise ConfigError(
            f"{first} is a symbolic link (to {os.readlink(first)}){more}; {command} never reads or writes through links under {directory}",
            hint="replace it with the real file or directory, or remove it",
        )


#: What the machine, not one file, is to blame for: a run stops at the first of these (exit 2)
#: instead of failing file after file on a disk that is full or a tree it may not write.
ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO})

_FIXES = {
    errno.EROFS: "the file system is read-only; run where the tree can be written",
    errno.EACCES: "permission denied; check the owner and mode of the file and its directory",
    errno.EPERM: "operation not permitted; check the owner, mode and attributes (lsattr) of the file and its directory",
    errno.ENOSPC: "the disk is full; free some space",
    errno.EDQUOT: "the disk quota is exhausted; free some space",
    errno.EFBIG: "the file is larger than this process may write; raise the file size limit (ulimit -f)",
    errno.EIO: "the disk reported an input/output error; check the device",
    errno.ENOENT: "a file or program is missing",
    errno.ENAMETOOLONG: "a file name is too long for this file system",
}


def is_environment_fault(exc: BaseException) -> bool:
    """True for an OSError that no other file would escape (see :data:`ENVIRONMENT_ERRNOS`)."""
    return isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRNOS


def shown(path: str | os.PathLike[str]) -> str:
    """``path`` as a user would type it: relative to the working directory when below it."""
    text = os.fspath(path)
    try:
        relative = os.path.relpath(text)
    except ValueError:  # another drive (Windows)
        return text
    return text if relative.startswith("..") else relative


def describe_os_error(exc: OSError, path: str | os.PathLike[str] | None = None) -> str:
    """One line for an environment fault: the path (``path``, else the one in ``exc``), what the system said, the fix."""
    where = path if path is not None else exc.filename
    reason = exc.strerror or str(exc)
    reason = reason[:1].lower() + reason[1:]
    fix = _FIXES.get(exc.errno or 0)
    head = f"{shown(where)}: " if isinstance(where, (str, os.PathLike)) else "cannot use the file system: "
    return head + reason + (f" ({fix})" if fix else "")


def normalized(data: bytes) -> bytes:
    """``data`` with CRLF line ends read as LF: a ``core.autocrlf`` checkout is not an edit.

    XML parsers normalize line ends the same way, so both spellings are one document.
    """
    return data.replace(b"\r\n", b"\n") if b"\r\n" in data else data


def read_normalized(path: Path) -> bytes | None:
    """:func:`read_bytes` through :func:`normalized`."""
    data = read_bytes(path)
    return None if data is None else normalized(data)
