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

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pxl10n.errors import StateError
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
    """Thread-safe appender; each :meth:`append` is on disk when it returns."""

    def __init__(self, directory: Path) -> None:
        self.path = journal_path(directory)
        self._lock = threading.Lock()
        self._handle: IO[bytes] | None = None

    def append(self, record: Record) -> None:
        """Write one record as a line, flush and fsync it."""
        line = (json.dumps(to_json(record), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        with self._lock:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = open(self.path, "ab")  # noqa: SIM115 - kept open for the whole push
                _fsync_directory(self.path.parent)
            self._handle.write(line)
            self._handle.flush()
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        """Close the file (it stays on disk until the state is saved)."""
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def _fsync_directory(directory: Path) -> None:
    """Make the journal's directory entry durable too (no-op where unsupported)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
