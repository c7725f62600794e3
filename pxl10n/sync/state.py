"""The committed state file: what was pulled and pushed, file by file.

It lives in the l10n directory (``pxl10n-state.json``) and is committed with the
XLIFF files, so a fresh CI clone knows exactly what a laptop knows. Change is
decided by content hashes, never timestamps (see ``docs/sync-model.md``). Each entry
also keeps the units of the copy last pulled, as digests (:class:`UnitPrint`), so a
three-way merge against that copy needs nothing from git history.

The layout is chosen so git merges it like source code: sorted by path, three
lines per file (the path, the entry, a comma line) and a fixed last line. Two
branches that change entries of different files change lines with unchanged
lines between them, so merges and rebases never conflict; where they would (the
same file on both sides), :func:`merge_entries` is the merge driver's rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from hashlib import blake2b
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pxl10n.conflict_markers import MARKER_RE
from pxl10n.errors import StateError
from pxl10n.fsutil import atomic_write, normalized
from pxl10n.layout import STATE_NAME, FileKey

if TYPE_CHECKING:  # the merge driver reads state files without lxml
    from pxl10n.xliff.io import Unit, XliffInfo

#: 3 adds each entry's ``pulled_units``; a file of a newer format is refused (an older pxl10n would drop what it
#: cannot read), a file of an older one is read as it is and written anew at the next save
FORMAT = 3
#: the last key of ``files``: a line that never changes, so an entry added at the end merges cleanly
END_KEY = "~"
#: how many older pxl10n hashes an entry remembers
SEEN_MAX = 8

_ONE_LINE = re.compile(r'^\s*,?\s*("(?:[^"\\]|\\.)*")\s*:\s*(\{.*\})\s*,?\s*$')
_FORMAT_RE = re.compile(r'"format"\s*:\s*(\d+)')
_KEY_LINE = re.compile(r'^\s*,?\s*("(?:[^"\\]|\\.)*")\s*:\s*$')


@dataclass(frozen=True)
class FileState:
    """What push needs to send a file back exactly as it was exported, which bytes are pxl10n's, and what the units
    of the copy last pulled were."""

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
    seen: tuple[str, ...] = ()
    #: each unit of the copy last pulled (``pulled``), by id, as :class:`UnitPrint`: the base of push's and rebase's
    #: three-way merge without that copy's bytes, which git history may no longer hold (a squash merge, a shallow
    #: clone); None in an entry written before format 3, whose merges read the copy from history
    pulled_units: Mapping[str, UnitPrint] | None = None

    @property
    def key(self) -> FileKey:
        """The file this entry describes."""
        return FileKey(self.kind, self.item_id, self.locale)

    def px_hashes(self) -> set[str]:
        """Hashes PX is known to hold for this file right now (as pulled or as pushed)."""
        return {h for h in (self.pulled, self.pushed) if h}

    def known_hashes(self) -> set[str]:
        """Every hash pxl10n wrote or PX held: content with one of these is never a person's edit."""
        return self.px_hashes() | set(self.seen)

    def as_pulled(self, digest: str, info: XliffInfo, *, pushed: str | None) -> FileState:
        """This entry for a copy of PX's (``digest``, read as ``info``) that becomes the file's pulled copy: the one
        place an entry's ``pulled`` is set, so its units are always those of that copy."""
        return replace(self, pulled=digest, pushed=pushed, xliff_version=info.version, source_language=info.src_lang,
                       unit_ids=tuple(sorted(u.id for u in info.units if u.id)), pulled_units=unit_prints(info))

    def without_px(self) -> FileState:
        """This entry knowing no copy of PX's (a file adopted without one): nothing to merge against."""
        return replace(self, pulled=None, pushed=None, pulled_units=None)

    def not_holding(self, digest: str) -> FileState:
        """This entry with the file hash ``digest`` forgotten: bytes PX was sent but does not hold as sent, which stay a
        person's edit (never a pxl10n hash that a pull may replace)."""
        return replace(self, pushed=None if self.pushed == digest else self.pushed,
                       seen=tuple(h for h in self.seen if h != digest))

    def succeeded_by(self, new: FileState) -> FileState:
        """``new``, remembering this entry's hashes in ``seen`` (so a crash before the rename stays safe)."""
        keep = [h for h in (self.pulled, self.pushed, *self.seen) if h and h not in new.px_hashes()]
        return replace(new, seen=tuple(dict.fromkeys([*new.seen, *keep]))[:SEEN_MAX])


class UnitPrint(NamedTuple):
    """A unit's source and target as short digests (:func:`digest`): what a three-way merge compares of a base."""

    source: str
    target: str


def digest(text: str | None) -> str:
    """A text's digest for :class:`UnitPrint`: 48 bits of BLAKE2b (a changed text passes for its old self one time in
    2**48), "-" for no text at all (a unit without a target, which differs from an empty one)."""
    if text is None:
        return "-"
    return blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


def unit_print(unit: Unit) -> UnitPrint:
    """The :class:`UnitPrint` of a unit."""
    return UnitPrint(digest(unit.source), digest(unit.target))


def unit_prints(info: XliffInfo) -> dict[str, UnitPrint]:
    """A file's units by id (units without one left out, the last of a repeated id kept), each as its print."""
    return {unit.id: unit_print(unit) for unit in info.units if unit.id}


def entry_to_dict(entry: FileState) -> dict[str, Any]:
    """An entry as plain JSON data (the state file's and the journal's shape)."""
    data: dict[str, Any] = {f.name: getattr(entry, f.name) for f in fields(entry)}
    data["params"] = dict(entry.params)
    data["unit_ids"] = list(entry.unit_ids)
    data["seen"] = list(entry.seen)
    if not entry.seen:
        del data["seen"]
    if entry.pulled_units is None:
        del data["pulled_units"]
    else:
        data["pulled_units"] = {uid: list(p) for uid, p in entry.pulled_units.items()}
    return data


def entry_from_dict(data: Mapping[str, Any]) -> FileState:
    """Inverse of :func:`entry_to_dict`; TypeError on unknown or missing fields, or a malformed unit print."""
    data = dict(data)
    data["unit_ids"] = tuple(data.get("unit_ids", ()))
    data["seen"] = tuple(data.get("seen", ()))
    units = data.get("pulled_units")
    if units is not None:
        if not isinstance(units, dict) or not all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(d, str) for d in p) for p in units.values()):
            raise TypeError("pulled_units is not a map of unit ids to [source, target] digests")
        data["pulled_units"] = {uid: UnitPrint(*p) for uid, p in units.items()}
    return FileState(**data)


def _repair_hint(path: Path) -> str:
    return (
        f"run `pxl10n merge-state --repair {path}` (keeps every entry of both sides), "
        f"or restore the committed copy with `git checkout HEAD -- {path}`; nothing is lost either way"
    )


def _newer(path: Path, found: int) -> StateError:
    return StateError(f"{path}: the state file was written by a newer pxl10n (format {found}; this one reads up to "
                      f"{FORMAT}); nothing was changed", hint="upgrade pxl10n: `pip install -U pxl10n`, or the version the workflows use")


def parse(text: str, path: Path) -> dict[str, FileState]:
    """The entries of a state file's text; StateError (exit 2) for anything but a clean state.

    A newer pxl10n's file is named so before anything else: conflict-marked or torn, it would otherwise be sent
    to a repair that refuses it."""
    newest = max(map(int, _FORMAT_RE.findall(text)), default=0)
    if newest > FORMAT:
        raise _newer(path, newest)
    if MARKER_RE.search(text):
        raise StateError(f"{path}: the state file holds git conflict markers; {_repair_hint(path)}")
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise StateError(f"{path}: cannot read the state file ({exc}); {_repair_hint(path)}") from None
    if not isinstance(raw, dict) or raw.get("format") not in range(1, FORMAT + 1) or not isinstance(raw.get("files"), dict):
        raise StateError(f"{path}: unknown state file format; {_repair_hint(path)}")
    entries = {}
    for rel, data in raw["files"].items():
        if rel == END_KEY:
            continue
        try:
            if not isinstance(data, dict):
                raise TypeError("not an object")
            entries[rel] = entry_from_dict(data)
        except TypeError as exc:
            raise StateError(f"{path}: bad entry for {rel} ({exc}); {_repair_hint(path)}") from None
    return entries


def dumps(entries: Mapping[str, FileState]) -> str:
    """Deterministic, merge-friendly text (see the module docstring)."""
    lines = [f'{{"format": {FORMAT}, "files": {{']
    for rel in sorted(entries):
        lines.append(json.dumps(rel, ensure_ascii=False) + ":")
        lines.append(json.dumps(entry_to_dict(entries[rel]), ensure_ascii=False, sort_keys=True))
        lines.append(",")
    lines.append(f'{json.dumps(END_KEY)}: null}}}}')
    return "\n".join(lines) + "\n"


def scrape(text: str) -> dict[str, FileState]:
    """Every entry readable line by line, whatever surrounds it (conflict markers, a torn end)."""
    found: dict[str, FileState] = {}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _ONE_LINE.match(line)
        if match:
            rel, body = match.group(1), match.group(2)
        else:
            match = _KEY_LINE.match(line)
            if not match or index + 1 >= len(lines):
                continue
            rel, body = match.group(1), lines[index + 1].strip().rstrip(",")
        try:
            name, entry = json.loads(rel), entry_from_dict(json.loads(body))
        except (ValueError, TypeError, AttributeError):
            continue
        found[name] = combine(found[name], entry) if name in found and found[name] != entry else entry
    return found


def conflict_sides(text: str) -> tuple[str, str]:
    """The two texts a conflict-marked file stands for: (ours, theirs)."""
    ours: list[str] = []
    theirs: list[str] = []
    side = "both"
    for line in text.splitlines():
        if line.startswith("<<<<<<<"):
            side = "ours"
        elif line.startswith("|||||||"):
            side = "base"
        elif line.startswith("=======") and side in ("ours", "base"):
            side = "theirs"
        elif line.startswith(">>>>>>>"):
            side = "both"
        else:
            if side in ("both", "ours"):
                ours.append(line)
            if side in ("both", "theirs"):
                theirs.append(line)
    return "\n".join(ours), "\n".join(theirs)


def combine(ours: FileState, theirs: FileState) -> FileState:
    """Both sides changed one file's entry: ours, knowing every hash either side knew as pxl10n's, and the units of
    its pulled copy from theirs when only theirs keeps them (one side written by a pxl10n before state format 3)."""
    extra = [h for h in (theirs.pulled, theirs.pushed, *theirs.seen, *ours.seen) if h and h not in ours.px_hashes()]
    units = ours.pulled_units if ours.pulled_units is not None or theirs.pulled != ours.pulled else theirs.pulled_units
    return replace(ours, seen=tuple(dict.fromkeys(extra))[:SEEN_MAX], pulled_units=units)


def merge_entries(
    base: Mapping[str, FileState], ours: Mapping[str, FileState], theirs: Mapping[str, FileState]
) -> dict[str, FileState]:
    """A three-way merge per file that never drops knowledge; the rule of ``pxl10n merge-state``."""
    merged: dict[str, FileState] = {}
    for rel in sorted(set(base) | set(ours) | set(theirs)):
        b, o, t = base.get(rel), ours.get(rel), theirs.get(rel)
        if o == t:
            chosen = o
        elif o == b:
            chosen = t if t is not None else None
        elif t == b:
            chosen = o
        elif o is None or t is None:
            chosen = o or t  # deleted on one side, changed on the other: keep the change
        else:
            chosen = combine(o, t)
        if chosen is not None:
            merged[rel] = chosen
    return merged


def repair_text(text: str, path: Path = Path(STATE_NAME)) -> str:
    """A clean state file from a conflict-marked or torn one, keeping every entry of every side; StateError for one
    a newer pxl10n wrote, whose entries this one cannot read all of (it would drop them)."""
    newest = max(map(int, _FORMAT_RE.findall(text)), default=FORMAT)
    if newest > FORMAT:
        raise _newer(path, newest)
    ours, theirs = conflict_sides(text)
    return dumps(merge_entries({}, scrape(ours), scrape(theirs)))


class State:
    """All entries of one l10n directory, keyed by relative path.

    Changes made with :meth:`put` and :meth:`drop` are remembered; :meth:`save`
    applies them to the file as it is on disk at that moment, so two writers of
    different files never undo each other.
    """

    def __init__(self, directory: Path, entries: dict[str, FileState] | None = None) -> None:
        self.directory = directory
        self.entries: dict[str, FileState] = entries or {}
        self._changes: dict[str, FileState | None] = {}

    @property
    def path(self) -> Path:
        """Where the state file lives."""
        return self.directory / STATE_NAME

    @classmethod
    def load(cls, directory: Path) -> State:
        """Read the state file; an absent file is an empty state; anything unclean is a StateError."""
        return cls(directory, read_entries(directory / STATE_NAME))

    def get(self, key: FileKey) -> FileState | None:
        """The entry for a file, if it was ever pulled."""
        return self.entries.get(key.relpath())

    def put(self, entry: FileState) -> None:
        """Add or replace the entry of one file."""
        rel = entry.key.relpath()
        self.entries[rel] = entry
        self._changes[rel] = entry

    def drop(self, rel: str) -> None:
        """Forget one file (its item is gone from PX)."""
        self.entries.pop(rel, None)
        self._changes[rel] = None

    def put_all(self, entries: Iterable[FileState]) -> None:
        """:meth:`put` for many."""
        for entry in entries:
            self.put(entry)

    def dumps(self) -> str:
        """The file's text for the current entries."""
        return dumps(self.entries)

    def save(self) -> bool:
        """Apply this run's changes to the file on disk, atomically; True when its bytes changed."""
        current = read_entries(self.path)
        for rel, entry in self._changes.items():
            if entry is None:
                current.pop(rel, None)
            else:
                current[rel] = entry
        self.entries = current
        self._changes = {}
        data = dumps(current).encode("utf-8")
        try:
            changed = normalized(self.path.read_bytes()) != data  # a CRLF checkout of the same text is not rewritten
        except FileNotFoundError:
            changed = bool(current)
        if changed:
            atomic_write(self.path, data)
        return changed


def read_entries(path: Path) -> dict[str, FileState]:
    """The entries of the state file at ``path``; {} when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"{path}: cannot read the state file ({exc}); {_repair_hint(path)}") from None
    return parse(text, path)
