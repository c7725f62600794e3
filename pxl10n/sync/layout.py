"""Where each (kind, item id, locale) lives on disk, and back.

Paths are decided by ids, never by names, so renaming an engagement in PX does
not move its files: ``{directory}/{locale}/{kind}/{id}.xlf``. Locale first,
because translators and TMS connectors work per language (``l10n/fr-FR/**``).
Characters that are unsafe in a file name are percent-encoded, so any id PX
hands out maps to exactly one file inside the directory and back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from pxl10n.px.kinds import KIND_NAMES

SUFFIX = ".xlf"
STATE_NAME = "pxl10n-state.json"
INDEX_NAME = "index.json"
XLIFF_SUFFIXES = (".xlf", ".xliff", ".xlf2", ".sdlxliff")

_SAFE = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]*$")


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
    """A file-name-safe, reversible spelling of an item id."""
    if _SAFE.match(item_id) and item_id not in (".", ".."):
        return item_id
    encoded = quote(item_id, safe="")
    return encoded if not encoded.startswith(".") else "%2E" + encoded[1:]


def decode_id(name: str) -> str:
    """Inverse of :func:`encode_id`."""
    return unquote(name)


def key_for(directory: Path, path: Path) -> FileKey | None:
    """The key of a file laid out by pxl10n, or None for any other path."""
    try:
        rel = path.resolve().relative_to(directory.resolve())
    except ValueError:
        return None
    parts = rel.parts
    if len(parts) != 3 or parts[1] not in KIND_NAMES or not parts[2].endswith(SUFFIX):
        return None
    return FileKey(parts[1], decode_id(parts[2][: -len(SUFFIX)]), parts[0])


def iter_xliff_files(root: Path) -> list[Path]:
    """XLIFF files below ``root`` (or ``root`` itself), sorted, skipping hidden entries."""
    if root.is_file():
        return [root]
    found = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() in XLIFF_SUFFIXES and path.is_file():
            found.append(path)
    return sorted(found)


def laid_out_keys(directory: Path, locales: Iterable[str]) -> list[FileKey]:
    """The keys of the XLIFF files pxl10n laid out for ``locales`` under ``directory``."""
    keys = []
    for locale in locales:
        root = directory / locale
        if root.is_dir():
            keys += [key for key in (key_for(directory, path) for path in iter_xliff_files(root)) if key is not None]
    return sorted(keys)
