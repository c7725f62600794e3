"""The push journal: every landing recorded durably the moment it happens.

Saving the whole state file after each import would rewrite a file that grows
with the project once per pushed file (quadratic in a big push). Instead push
appends one JSON line per event to ``.pxl10n-journal`` next to the state file,
flushed and fsynced before it moves on. :meth:`State.load` replays the journal
and :meth:`State.save` removes it once its content is in the state file, so a
push or pull that starts after a ``kill -9`` sees every landing of the killed run.

Records (``path`` is the file's path relative to the l10n directory):

* ``{"op": "send", "path", "hash"}``: about to send bytes hashing to ``hash``.
  Left open by a crash, it marks the file *in doubt*: the request may have
  landed. The next push asks PX before sending it again.
* ``{"op": "landed", "path", "entry"}``: PX accepted the file; its new state
  entry (``pushed`` set). Closes the ``send``; the file still awaits its re-export,
  which the next push does first if this run dies before it.
* ``{"op": "entry", "path", "entry"}``: the file's entry after its re-export.
* ``{"op": "refused", "path"}``: PX answered with an error; closes the ``send``.

A torn last line (killed mid-write) is ignored: its event had not completed.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import IO, Any

JOURNAL_NAME = ".pxl10n-journal"


def journal_path(directory: Path) -> Path:
    """Where the journal of an l10n directory lives (hidden: never validated or pushed)."""
    return directory / JOURNAL_NAME


def read(directory: Path) -> list[dict[str, Any]]:
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
        if isinstance(record, dict) and isinstance(record.get("path"), str):
            records.append(record)
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

    def append(self, record: dict[str, Any]) -> None:
        """Write one record as a line, flush and fsync it."""
        line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
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
