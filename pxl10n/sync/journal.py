"""The push journal: every landing recorded durably the moment it happens.

Saving the whole state file after each import would rewrite a file that grows
with the project once per pushed file (quadratic in a big push). Instead push
appends one JSON line per event to ``.pxl10n-journal`` next to the state file,
flushed and fsynced before it moves on. Only push reads it back, with
:func:`recover`, and removes it once the state file holding its content is
committed; pull refuses to start while one is open (:func:`check_closed`), so a
landing is never forgotten.

Records (``path`` is the file's path relative to the l10n directory), one class each:

* :class:`Send` ``{"op": "send", "path", "hash"}``: about to send bytes hashing to
  ``hash``. Left open by a crash, the file is *in doubt*: the request may have
  landed. Push asks PX before sending anything (see ``docs/sync-model.md``).
* :class:`Landed` ``{"op": "landed", "path", "entry"}``: PX accepted the file; its
  new state entry (``pushed`` set). The file still awaits its re-export, which the
  next push does first if this run dies before it.
* :class:`Entry` ``{"op": "entry", "path", "entry"}``: the file's entry after its re-export.
* :class:`Refused` ``{"op": "refused", "path"}``: PX answered with an error; closes the ``send``.

A torn last line (killed mid-write) is ignored: its event had not completed.
"""

from __future__ import annotations

import errno
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pxl10n.errors import StateError
from pxl10n.fsutil import is_environment_fault
from pxl10n.sync.state import FileState, State, entry_from_dict, entry_to_dict

JOURNAL_NAME = ".pxl10n-journal"


def journal_path(directory: Path) -> Path:
    """Where the journal of an l10n directory lives (hidden: never validated or pushed)."""
    return directory / JOURNAL_NAME


@dataclass(frozen=True)
class Send:
    """Bytes hashing to ``hash`` are about to be sent."""

    path: str
    hash: str


@dataclass(frozen=True)
class Landed:
    """PX accepted the file; ``entry`` has ``pushed`` set; the re-export may still be missing."""

    path: str
    entry: FileState


@dataclass(frozen=True)
class Entry:
    """The file's entry after its re-export (or its confirmation)."""

    path: str
    entry: FileState


@dataclass(frozen=True)
class Refused:
    """PX refused the send: it did not land."""

    path: str


Record = Send | Landed | Entry | Refused


def to_json(record: Record) -> dict[str, Any]:
    """A record as the journal line's JSON object."""
    if isinstance(record, Send):
        return {"op": "send", "path": record.path, "hash": record.hash}
    if isinstance(record, Refused):
        return {"op": "refused", "path": record.path}
    op = "landed" if isinstance(record, Landed) else "entry"
    return {"op": op, "path": record.path, "entry": entry_to_dict(record.entry)}


def from_json(data: dict[str, Any]) -> Record | None:
    """The record of one journal line, or None for a line this version cannot use."""
    path, op = data.get("path"), data.get("op")
    if not isinstance(path, str):
        return None
    if op == "send":
        return Send(path, data["hash"]) if isinstance(data.get("hash"), str) else None
    if op == "refused":
        return Refused(path)
    if op in ("landed", "entry") and isinstance(data.get("entry"), dict):
        try:
            entry = entry_from_dict(data["entry"])
        except TypeError:
            return None
        return Landed(path, entry) if op == "landed" else Entry(path, entry)
    return None


@dataclass(frozen=True)
class Recovery:
    """What an interrupted push left: files in doubt (path -> hash sent) and landings not re-exported."""

    in_doubt: dict[str, str] = field(default_factory=dict)
    unrefreshed: frozenset[str] = frozenset()


def recover(state: State) -> Recovery:
    """Fold an open journal into ``state`` (as changes its next save applies); push alone calls this."""
    in_doubt: dict[str, str] = {}
    unrefreshed: set[str] = set()
    for record in read(state.directory):
        if isinstance(record, Send):
            in_doubt[record.path] = record.hash
            continue
        in_doubt.pop(record.path, None)
        if isinstance(record, Landed):
            state.put(record.entry)
            unrefreshed.add(record.path)
        elif isinstance(record, Entry):
            state.put(record.entry)
            unrefreshed.discard(record.path)
    return Recovery(in_doubt, frozenset(unrefreshed))


def check_closed(directory: Path) -> None:
    """StateError (exit 2) when a push was interrupted: pull must not run over its journal."""
    if journal_path(directory).exists():
        raise StateError(
            f"{journal_path(directory)}: an interrupted push left its journal (what it sent and what landed); "
            "run `pxl10n push` first, it finishes recording and sends nothing twice"
        )


def read(directory: Path) -> list[Record]:
    """The complete records of the journal, oldest first; [] when there is none."""
    try:
        text = journal_path(directory).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    records = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        parsed = from_json(record) if isinstance(record, dict) else None
        if parsed is not None:
            records.append(parsed)
    return records


def remove(directory: Path) -> None:
    """Delete the journal once the state file holds everything in it."""
    try:
        journal_path(directory).unlink()
    except FileNotFoundError:
        pass


class Journal:
    """Thread-safe appender; each :meth:`append` is on disk when it returns, or raises OSError naming the journal.

    A record that could not be made durable (full disk, read-only tree, I/O error) is
    cut off again where possible and ends the journal for this run: every later
    append raises the same error, so no record ever lands after a torn one, and the
    push stops at once. The next push reads every record that did land.
    """

    def __init__(self, directory: Path) -> None:
        self.path = journal_path(directory)
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._broken: OSError | None = None

    def append(self, record: Record) -> None:
        """Write one record as a line and fsync it (the journal's directory too, when the file is new)."""
        line = (json.dumps(to_json(record), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        with self._lock:
            if self._broken is not None:
                raise self._broken
            try:
                fd = self._fd if self._fd is not None else self._open()
                _write_durably(fd, line)
            except OSError as exc:
                self._broken = _naming(exc, self.path)
                raise self._broken from None

    def _open(self) -> int:
        """Open (or create) the journal for appending; a torn last line left by a kill is closed first."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        fd = self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if new:
            _fsync_directory(self.path.parent)
        elif _ends_torn(self.path):
            _write_durably(fd, b"\n")
        return fd

    def close(self) -> None:
        """Close the file (it stays on disk until the state is saved)."""
        with self._lock:
            if self._fd is not None:
                try:
                    os.close(self._fd)
                except OSError:
                    pass
                self._fd = None


def _write_durably(fd: int, data: bytes) -> None:
    """All of ``data`` at the end of the file, then fsync; on failure the file is cut back (best effort)."""
    start = os.fstat(fd).st_size
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except OSError:
        try:
            os.ftruncate(fd, start)
        except OSError:
            pass
        raise


def _ends_torn(path: Path) -> bool:
    """True when the file's last byte is not a line end (a kill cut the last record)."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"


def _naming(exc: OSError, path: Path) -> OSError:
    if exc.filename is None:
        exc.filename = os.fspath(path)
    return exc


#: fsync of a directory is not supported everywhere; these answers mean "not here", not "failed"
_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EISDIR})


def _fsync_directory(directory: Path) -> None:
    """Make a new entry of ``directory`` durable; an environment fault raises OSError naming it, "unsupported" is a no-op."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError as exc:
        if is_environment_fault(exc):
            raise _naming(exc, directory) from None
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _UNSUPPORTED:
            exc.filename = os.fspath(directory)
            raise
    finally:
        os.close(fd)
