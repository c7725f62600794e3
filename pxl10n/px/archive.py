"""Untrusted export archives in, one checked XLIFF document out.

PX answers an export with a zip of ``.xlf`` files whose names are not
documented. Nothing is ever extracted to disk by entry name, so no entry can
land outside the tree; names that try (absolute, ``..``, drive letters) still
fail the export, because an archive like that is not from PX. Sizes and counts
are capped before and while reading, so a zip bomb stops at the cap.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from pxl10n.errors import ArchiveError, XliffError
from pxl10n.xliff.io import XliffInfo, canonical_bytes, describe, parse

MAX_ENTRIES = 1000
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
XLIFF_ENTRY_SUFFIXES = (".xlf", ".xliff", ".xml")


def _unsafe(name: str) -> bool:
    normalized = name.replace("\\", "/")
    path = PurePosixPath(normalized)
    return (
        normalized.startswith("/")
        or "\x00" in name
        or (len(normalized) > 1 and normalized[1] == ":")
        or ".." in path.parts
    )


def xliff_documents(data: bytes, *, source: str) -> list[tuple[str, bytes]]:
    """The XLIFF entries of an export as (name, bytes); raw XLIFF is accepted too."""
    if data.lstrip()[:1] == b"<":
        return [(source, data)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ArchiveError(f"{source}: the export is not a complete zip (cut off or corrupt); nothing written, re-run later") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ArchiveError(f"{source}: the export has {len(infos)} entries, over the cap of {MAX_ENTRIES}")
        for info in infos:
            if _unsafe(info.filename):
                raise ArchiveError(f"{source}: the export has an entry outside its tree ({info.filename!r}); refused")
        total = 0
        documents = []
        for info in infos:
            if info.is_dir() or not info.filename.lower().endswith(XLIFF_ENTRY_SUFFIXES):
                continue
            if PurePosixPath(info.filename.replace("\\", "/")).name.startswith("._"):
                continue
            if info.file_size > MAX_ENTRY_BYTES:
                raise ArchiveError(f"{source}: entry {info.filename!r} is {info.file_size} bytes, over the cap of {MAX_ENTRY_BYTES}")
            try:
                with archive.open(info) as handle:
                    content = handle.read(MAX_ENTRY_BYTES + 1)
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, ValueError) as exc:
                raise ArchiveError(f"{source}: entry {info.filename!r} cannot be read ({exc}); the export is corrupt") from None
            if len(content) > MAX_ENTRY_BYTES:
                raise ArchiveError(f"{source}: entry {info.filename!r} expands past {MAX_ENTRY_BYTES} bytes; refused")
            total += len(content)
            if total > MAX_TOTAL_BYTES:
                raise ArchiveError(f"{source}: the export expands past {MAX_TOTAL_BYTES} bytes; refused")
            documents.append((info.filename, content))
    if not documents:
        raise ArchiveError(f"{source}: the export holds no XLIFF file")
    return documents


def _lang_matches(value: str | None, wanted: str) -> bool:
    return bool(value) and value.replace("_", "-").lower() == wanted.replace("_", "-").lower()


def extract_xliff(data: bytes, *, source: str, language: str | None = None) -> tuple[bytes, XliffInfo]:
    """Canonical bytes (and what they hold) of the one XLIFF document in an export for ``language``."""
    documents = xliff_documents(data, source=source)
    candidates = []
    for name, content in documents:
        try:
            tree = parse(content, source=f"{source}: {name}")
            info = describe(tree)
        except XliffError as exc:
            raise ArchiveError(str(exc)) from None
        candidates.append((tree, info))
    if len(candidates) > 1 and language:
        matching = [c for c in candidates if _lang_matches(c[1].trg_lang, language)]
        candidates = matching or candidates
    if len(candidates) != 1:
        raise ArchiveError(f"{source}: the export holds {len(candidates)} XLIFF files for {language or 'this item'}; expected one")
    tree, info = candidates[0]
    return canonical_bytes(tree), info
