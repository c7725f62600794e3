"""Untrusted export archives in, one checked XLIFF document out.

PX answers an export with a zip of ``.xlf`` files whose names are not
documented. Nothing is ever extracted to disk by entry name, so no entry can
land outside the tree; names that try (absolute, ``..``, drive letters) still
fail the export, because an archive like that is not from PX. Sizes and counts
are capped before and while reading, so a zip bomb stops at the cap.
"""

from __future__ import annotations

import contextlib
import io
import weakref
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO

from lxml import etree

from pxl10n.errors import ArchiveError, XliffError
from pxl10n.px import interrupt
from pxl10n.px.memory import BUDGET, MemoryBudget, SpooledBody
from pxl10n.secrets import contains
from pxl10n.xliff.io import XliffInfo, canonical_bytes, parse, read_info

MAX_ENTRIES = 1000
#: PX exports are a few KB to a few MB per item and language; 16 MB is thousands of pages of text.
MAX_ENTRY_BYTES = 16 * 1024 * 1024
MAX_TOTAL_BYTES = 32 * 1024 * 1024
XLIFF_ENTRY_SUFFIXES = (".xlf", ".xliff", ".xml")
#: Memory an XLIFF document costs while it is read, parsed (lxml) and re-serialized, per byte (measured: ~9).
PARSE_WEIGHT = 10
#: Memory the result keeps (canonical bytes and the unit list), per byte, until the caller drops it (measured: ~3.5).
RETAIN_WEIGHT = 4
#: Units in one document: PX items hold tens to hundreds; the state keeps every unit id of every file.
MAX_UNITS = 20_000


def _unsafe(name: str) -> bool:
    normalized = name.replace("\\", "/")
    path = PurePosixPath(normalized)
    return (
        normalized.startswith("/")
        or "\x00" in name
        or (len(normalized) > 1 and normalized[1] == ":")
        or ".." in path.parts
    )


def _xliff_entries(archive: zipfile.ZipFile, source: str) -> list[zipfile.ZipInfo]:
    """The entries worth reading, after every check that needs no decompression."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ArchiveError(f"{source}: the export has {len(infos)} entries, over the cap of {MAX_ENTRIES}")
    for info in infos:
        if _unsafe(info.filename):
            raise ArchiveError(f"{source}: the export has an entry outside its tree ({info.filename!r}); refused")
    wanted = []
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith(XLIFF_ENTRY_SUFFIXES):
            continue
        if PurePosixPath(info.filename.replace("\\", "/")).name.startswith("._"):
            continue
        if info.file_size > MAX_ENTRY_BYTES:
            raise ArchiveError(f"{source}: entry {info.filename!r} is {info.file_size} bytes, over the cap of {MAX_ENTRY_BYTES}")
        wanted.append(info)
    total = sum(info.file_size for info in wanted)
    if total > MAX_TOTAL_BYTES:
        raise ArchiveError(f"{source}: the export expands to {total} bytes, over the cap of {MAX_TOTAL_BYTES}; refused")
    if not wanted:
        raise ArchiveError(f"{source}: the export holds no XLIFF file")
    return wanted


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> bytes:
    try:
        with archive.open(info) as handle:
            content = handle.read(MAX_ENTRY_BYTES + 1)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, ValueError, RuntimeError) as exc:
        raise ArchiveError(f"{source}: entry {info.filename!r} cannot be read ({exc}); the export is corrupt") from None
    if len(content) > MAX_ENTRY_BYTES:
        raise ArchiveError(f"{source}: entry {info.filename!r} expands past {MAX_ENTRY_BYTES} bytes; refused")
    return content


@contextlib.contextmanager
def _opened(data: bytes | SpooledBody) -> Iterator[tuple[IO[bytes], int]]:
    """A readable file over the export and its size; a spooled body is consumed."""
    if isinstance(data, SpooledBody):
        try:
            yield data.open(), data.size
        finally:
            data.close()
    else:
        yield io.BytesIO(data), len(data)


def _parsed(content: bytes, name: str, source: str) -> tuple[etree._ElementTree, XliffInfo]:
    try:
        tree = parse(content, source=f"{source}: {name}")
        return tree, read_info(tree)
    except XliffError as exc:
        raise ArchiveError(str(exc)) from None


@contextlib.contextmanager
def _documents(handle: IO[bytes], size: int, source: str) -> Iterator[tuple[int, Iterator[tuple[str, bytes]]]]:
    """The export's XLIFF size and documents as (name, bytes), read lazily."""
    head = handle.read(64)
    handle.seek(0)
    if head.lstrip()[:1] == b"<":
        if size > MAX_ENTRY_BYTES:
            raise ArchiveError(f"{source}: the export is {size} bytes of XML, over the cap of {MAX_ENTRY_BYTES}")
        yield size, iter([(source, handle.read())])
        return
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ArchiveError(f"{source}: the export is not a complete zip (cut off or corrupt); nothing written, re-run later") from None
    with archive:
        entries = _xliff_entries(archive, source)
        yield sum(info.file_size for info in entries), ((info.filename, _read_entry(archive, info, source)) for info in entries)


def _lang_matches(value: str | None, wanted: str) -> bool:
    return value is not None and value.replace("_", "-").lower() == wanted.replace("_", "-").lower()


def extract_xliff(data: bytes | SpooledBody, *, source: str, language: str | None = None, budget: MemoryBudget = BUDGET) -> tuple[bytes, XliffInfo]:
    """Canonical bytes (and what they hold) of the one XLIFF document in an export for ``language``.

    A :class:`SpooledBody` is consumed. The memory budget is held while the export
    is parsed; a share of it stays taken until the caller drops the returned
    :class:`XliffInfo`, so the results of many workers are bounded too. An export
    that echoes the API key is refused rather than written, so the key never lands
    in the tree or in git.
    """
    with _opened(data) as (handle, size), _documents(handle, size, source) as (xliff_bytes, documents):
        taken = budget.reserve(xliff_bytes * PARSE_WEIGHT, cancelled=interrupt.interrupted)
        kept = 0
        try:
            candidates = [_parsed(content, name, source) for name, content in documents]
            if len(candidates) > 1 and language:
                matching = [c for c in candidates if _lang_matches(c[1].trg_lang, language)]
                candidates = matching or candidates
            if len(candidates) != 1:
                raise ArchiveError(f"{source}: the export holds {len(candidates)} XLIFF files for {language or 'this item'}; expected one")
            tree, info = candidates[0]
            if len(info.units) > MAX_UNITS:
                raise ArchiveError(f"{source}: the export holds {len(info.units)} units, over the cap of {MAX_UNITS}; refused")
            canonical = canonical_bytes(tree)
            del tree, candidates
            if contains(canonical):
                raise ArchiveError(f"{source}: the export contains the API key; refused, nothing written", hint="PX (or a proxy) echoes the key back; report it")
            kept = min(taken, len(canonical) * RETAIN_WEIGHT)
            weakref.finalize(info, budget.release, kept)
        finally:
            budget.release(taken - kept)
    return canonical, info
