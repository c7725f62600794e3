"""The committed state file: what was pulled and pushed, file by file.

It lives in the l10n directory (``pxl10n-state.json``) and is committed with the
XLIFF files, so a fresh CI clone knows exactly what a laptop knows. Change is
decided by content hashes, never timestamps. One JSON object per line keeps the
diffs of a pull or push readable and merge-friendly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from pxl10n.errors import Pxl10nError
from pxl10n.fsutil import atomic_write
from pxl10n.sync import journal
from pxl10n.sync.layout import STATE_NAME, FileKey

FORMAT = 1


@dataclass(frozen=True)
class FileState:
    """What push needs to send a file back exactly as it was exported."""

    kind: str
    item_id: str
    locale: str
    px_language: str
    xliff_version: str
    strategy: str | None
    params: dict[str, str] = field(default_factory=dict)
    unit_ids: tuple[str, ...] = ()
    source_language: str | None = None
    pulled: str | None = None
    pushed: str | None = None

    @property
    def key(self) -> FileKey:
        """The file this entry describes."""
        return FileKey(self.kind, self.item_id, self.locale)

    def known_hashes(self) -> set[str]:
        """Hashes PX is known to hold for this file (as pulled or as pushed)."""
        return {h for h in (self.pulled, self.pushed) if h}


class State:
    """All entries of one l10n directory, keyed by relative path."""

    def __init__(self, directory: Path, entries: dict[str, FileState] | None = None) -> None:
        self.directory = directory
        self.entries: dict[str, FileState] = entries or {}
        #: relative path -> hash of bytes an interrupted push sent without learning the outcome
        self.in_doubt: dict[str, str] = {}
        #: relative paths an interrupted push landed but did not re-export yet
        self.unrefreshed: set[str] = set()

    @property
    def path(self) -> Path:
        """Where the state file lives."""
        return self.directory / STATE_NAME

    @classmethod
    def load(cls, directory: Path) -> State:
        """Read the state file; an absent file is an empty state."""
        path = directory / STATE_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(directory)
        except (OSError, ValueError) as exc:
            raise Pxl10nError(
                f"{path}: cannot read the state file ({exc}); restore it from git or delete it and pull again"
            ) from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("files"), dict):
            raise Pxl10nError(f"{path}: unknown state file format; restore it from git or delete it and pull again")
        entries = {}
        for rel, data in raw["files"].items():
            try:
                entries[rel] = entry_from_dict(data)
            except TypeError as exc:
                raise Pxl10nError(f"{path}: bad entry for {rel} ({exc}); restore the file from git") from None
        state = cls(directory, entries)
        state.replay(journal.read(directory))
        return state

    def replay(self, records: list[dict[str, Any]]) -> None:
        """Apply what an interrupted push recorded in its journal (see :mod:`pxl10n.sync.journal`)."""
        for record in records:
            rel, op = record["path"], record.get("op")
            if op == "send" and isinstance(record.get("hash"), str):
                self.in_doubt[rel] = record["hash"]
                continue
            self.in_doubt.pop(rel, None)
            if op in ("landed", "entry") and isinstance(record.get("entry"), dict):
                try:
                    self.entries[rel] = entry_from_dict(record["entry"])
                except TypeError:
                    continue
                if op == "landed":
                    self.unrefreshed.add(rel)
                else:
                    self.unrefreshed.discard(rel)

    def get(self, key: FileKey) -> FileState | None:
        """The entry for a file, if it was ever pulled."""
        return self.entries.get(key.relpath())

    def put(self, entry: FileState) -> None:
        """Add or replace the entry of one file."""
        self.entries[entry.key.relpath()] = entry

    def mark_pushed(self, key: FileKey, digest: str) -> None:
        """Record that PX now holds the file whose content hashes to ``digest``."""
        entry = self.entries[key.relpath()]
        self.entries[key.relpath()] = replace(entry, pushed=digest)

    def dumps(self) -> str:
        """Deterministic text: sorted, one entry per line."""
        lines = []
        for rel in sorted(self.entries):
            data = entry_to_dict(self.entries[rel])
            lines.append(f"    {json.dumps(rel, ensure_ascii=False)}: {json.dumps(data, ensure_ascii=False, sort_keys=True)}")
        body = ",\n".join(lines)
        return f'{{\n  "format": {FORMAT},\n  "files": {{\n{body}\n  }}\n}}\n' if lines else f'{{\n  "format": {FORMAT},\n  "files": {{}}\n}}\n'

    def save(self) -> bool:
        """Write atomically, then drop the journal it now holds; True when the file's bytes changed."""
        data = self.dumps().encode("utf-8")
        try:
            changed = self.path.read_bytes() != data
        except FileNotFoundError:
            changed = True
        if changed:
            atomic_write(self.path, data)
        journal.remove(self.directory)
        return changed


def entry_to_dict(entry: FileState) -> dict[str, Any]:
    """An entry as plain JSON data (the state file's and the journal's shape)."""
    data: dict[str, Any] = {f.name: getattr(entry, f.name) for f in fields(entry)}
    data["params"] = dict(entry.params)
    data["unit_ids"] = list(entry.unit_ids)
    return data


def entry_from_dict(data: dict[str, Any]) -> FileState:
    """Inverse of :func:`entry_to_dict`; TypeError on unknown or missing fields."""
    data = dict(data)
    data["unit_ids"] = tuple(data.get("unit_ids", ()))
    return FileState(**data)
