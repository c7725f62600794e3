"""Where each (kind, item id, locale) lives on disk, and back.

Paths are decided by ids, never by names, so renaming an engagement in PX does
not move its files: ``{directory}/{locale}/{kind}/{id}.xlf``. Locale first,
because translators and TMS connectors work per language (``l10n/fr-FR/**``).
Characters that are unsafe in a file name are percent-encoded, so any id PX
hands out maps to exactly one file inside the directory and back. Names every
common file system holds: Windows device names (``CON``, ``nul.x``, ``COM1``)
get their first letter encoded, and an encoded id longer than
:data:`MAX_NAME` characters becomes a readable prefix plus a hash of the id,
mapped back through ``index.json`` (which lists every pulled id).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from pxl10n.errors import ConfigError
from pxl10n.fsutil import shown
from pxl10n.px.kinds import KIND_NAMES

SUFFIX = ".xlf"
STATE_NAME = "pxl10n-state.json"
INDEX_NAME = "index.json"
XLIFF_SUFFIXES = (".xlf", ".xliff", ".xlf2", ".sdlxliff")

_SAFE = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]*$")
#: the longest file name stem; with the suffix well under the 255 bytes of ext4, APFS and NTFS
MAX_NAME = 120
_HASHED = re.compile(r"~[0-9a-f]{16}$")
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in "0123456789¹²³"), *(f"LPT{n}" for n in "0123456789¹²³")}
)


@dataclass(frozen=True, order=True)
class FileKey:
    """The identity of one XLIFF file: which item, which target locale."""

    kind: str
    item_id: str
    locale: str

    def relpath(self) -> str:
        """The path relative to the l10n directory, with forward slashes."""
        return f"{self.locale}/{self.kind}/{encode_id(self.item_id)}{SUFFIX}"

    def path(self, directory: Path) -> Path:
        """The absolute path of this file under ``directory``."""
        return directory / self.relpath()


def encode_id(item_id: str) -> str:
    """A file-name-safe spelling of an item id: reversible by :func:`decode_id`, or hashed when too long."""
    if _SAFE.match(item_id) and item_id not in (".", ".."):
        encoded = item_id
    else:
        encoded = quote(item_id, safe="").replace("~", "%7E")
        if encoded.startswith("."):
            encoded = "%2E" + encoded[1:]
    if encoded.split(".")[0].upper() in _RESERVED:
        encoded = f"%{ord(encoded[0]):02X}{encoded[1:]}"
    if len(encoded) > MAX_NAME:
        digest = hashlib.sha256(item_id.encode("utf-8")).hexdigest()[:16]
        prefix = encoded[: MAX_NAME - 17]
        prefix = prefix[: prefix.rfind("%")] if "%" in prefix[-2:] else prefix
        encoded = f"{prefix}~{digest}"
    return encoded


def decode_id(name: str, known_ids: Iterable[str] = ()) -> str | None:
    """Inverse of :func:`encode_id`; a hashed name is found among ``known_ids`` (None when absent)."""
    if _HASHED.search(name):
        return next((item_id for item_id in known_ids if encode_id(item_id) == name), None)
    return unquote(name)


def indexed_ids(directory: Path, kind: str) -> list[str]:
    """The ids of one kind listed in the directory's ``index.json`` (how hashed names map back)."""
    try:
        index = json.loads((directory / INDEX_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    table = index.get(kind) if isinstance(index, dict) else None
    return list(table) if isinstance(table, dict) else []


def key_for(directory: Path, path: Path) -> FileKey | None:
    """The key of a file laid out by pxl10n, or None for any other path: also for a name that reads as an item
    id but is not the one pxl10n writes for it (``ID (copy).xlf``, whose key would name another path)."""
    key = named_key(directory, path)
    return key if key is not None and key.path(directory).name == path.name else None


def stray_files(directory: Path, locales: Iterable[str]) -> list[Path]:
    """XLIFF files under the ``locales`` folders that are no file pxl10n lays out (a copy, a merge tool's
    ``_LOCAL_`` file, one in no kind's folder): neither pulled nor pushed, so said rather than passed over."""
    strays = []
    for locale in locales:
        root = directory / locale
        if root.is_dir():
            strays += [path for path in iter_xliff_files(root) if key_for(directory, path) is None]
    return sorted(strays)


def named_key(directory: Path, path: Path) -> FileKey | None:
    """The key a path's place and name spell (locale, kind, item id), whether or not it is the name pxl10n
    writes for that id; None for a path in no locale's kind folder."""
    try:
        rel = path.resolve().relative_to(directory.resolve())
    except ValueError:
        return None
    parts = rel.parts
    if len(parts) != 3 or parts[1] not in KIND_NAMES or not parts[2].endswith(SUFFIX):
        return None
    stem = parts[2][: -len(SUFFIX)]
    item_id = decode_id(stem, indexed_ids(directory, parts[1]) if _HASHED.search(stem) else ())
    return FileKey(parts[1], item_id, parts[0]) if item_id is not None else None


def iter_xliff_files(root: Path) -> list[Path]:
    """XLIFF files below ``root`` (or ``root`` itself), sorted, skipping hidden entries and symbolic links."""
    return scan_xliff(root)[0]


def scan_xliff(root: Path) -> tuple[list[Path], list[Path]]:
    """The XLIFF files below ``root`` (or ``root`` itself) and the symbolic links met on the way, each sorted.

    Nothing is followed through a link: a committed link could point anywhere on the machine, so a
    link is listed (for the caller to name) and neither read nor walked into. Hidden entries are skipped.
    A ``root`` that is no folder is itself the one file, whatever its name: a regular file, or a pipe or device
    named on purpose (``/dev/stdin``)."""
    if root.exists() and not root.is_dir():
        return [root], []
    files: list[Path] = []
    links: list[Path] = []
    folders = [root]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue  # vanished meanwhile, or not ours to read: as a walk that never saw it
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                links.append(Path(entry.path))
            elif entry.is_dir(follow_symlinks=False):
                folders.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False) and os.path.splitext(entry.name)[1].lower() in XLIFF_SUFFIXES:
                files.append(Path(entry.path))
    return sorted(files), sorted(links)


def written_paths(directory: Path, locales: Iterable[str], kinds: Iterable[str]) -> list[Path]:
    """One path of each form a pull writes under ``directory`` (the state, the index, a file per locale and
    kind), whether or not it exists yet: what git must be able to commit."""
    kinds = tuple(kinds)
    return [directory / STATE_NAME, directory / INDEX_NAME,
            *(FileKey(kind, "pxl10n-probe", locale).path(directory) for locale in locales for kind in kinds)]


def laid_out_keys(directory: Path, locales: Iterable[str]) -> list[FileKey]:
    """The keys of the XLIFF files pxl10n laid out for ``locales`` under ``directory``."""
    keys = []
    for locale in locales:
        root = directory / locale
        if root.is_dir():
            keys += [key for key in (key_for(directory, path) for path in iter_xliff_files(root)) if key is not None]
    return sorted(keys)


def folders(directory: Path) -> list[str]:
    """The names of the folders directly under ``directory`` (none followed through a link), sorted; none when it
    does not exist yet (nothing pulled)."""
    try:
        return sorted(entry.name for entry in os.scandir(directory) if entry.is_dir(follow_symlinks=False))
    except OSError:
        return []


def misspelled_locales(directory: Path, locales: Iterable[str]) -> list[tuple[str, str]]:
    """(locale, directory name) for each directory under ``directory`` that spells a configured locale in another
    case (``fr-fr`` for ``fr-FR``) and is no configured locale itself: its files are a locale's, which pxl10n reads
    and writes elsewhere (on Linux; on macOS and Windows the two names are one directory that git and the state
    file would still tell apart), so they would be neither pulled nor pushed."""
    locales, names = tuple(locales), folders(directory)
    return [(locale, name) for locale in locales for name in names
            if name.lower() == locale.lower() and name != locale and name not in locales]


def require_ids(ids: Iterable[str], keys: Iterable[FileKey], kinds: Iterable[str], locales: Iterable[str], directory: Path,
                outcome: str) -> None:
    """Stop (ConfigError) naming each of ``ids`` that no file of ``keys`` belongs to: a mistyped ``--id`` would
    otherwise select nothing and succeed. ``outcome`` says what did not happen ("nothing was sent")."""
    unknown = sorted(set(ids) - {key.item_id for key in keys})
    if unknown:
        raise ConfigError(f"--id {', '.join(unknown)}: no file of {', '.join(kinds)} in {', '.join(locales)} under "
                          f"{shown(directory)} has this item id; check the id (the file name without .xlf), "
                          f"or pull the item first; {outcome}")
