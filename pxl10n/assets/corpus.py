"""Every segment of the repository's XLIFF files, as plain records.

The translation memory, leverage and the consistency check all start from the
same question: which source was translated how, where. This module answers it
once, from the files pxl10n laid out, without touching PX.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pxl10n.console import Console
from pxl10n.errors import XliffError
from pxl10n.fsutil import read_bytes, refuse_link
from pxl10n.layout import FileKey, laid_out_keys, require_ids
from pxl10n.xliff.io import parse, source_line
from pxl10n.xliff.segments import iter_segments, markup, plain_text


@dataclass(frozen=True)
class Entry:
    """One segment of one file: where it is, its source and (when translated) its target."""

    key: FileKey
    #: position among the file's segments (see :func:`~pxl10n.xliff.segments.iter_segments`)
    index: int
    unit_id: str | None
    line: int | None
    source: str
    source_text: str
    target: str | None
    target_text: str | None
    writable: bool = True
    #: the XLIFF state of the translation (2.0 segment ``state[/subState]``, 1.2 target ``state``), when given
    state: str | None = None
    #: the target is a draft (:attr:`~pxl10n.xliff.segments.Segment.draft`): kept, never reused as a translation
    draft: bool = False

    @property
    def locale(self) -> str:
        return self.key.locale

    @property
    def path(self) -> str:
        """The file's path relative to the l10n directory."""
        return self.key.relpath()

    @property
    def translated(self) -> bool:
        """A target is there (a draft too: nothing writes over it)."""
        return self.target is not None

    @property
    def reusable(self) -> bool:
        """A translation a memory may hold: a target with text that is no draft."""
        return self.target is not None and not self.draft and bool(self.target_text and self.target_text.strip())


@dataclass(frozen=True)
class SourceFile:
    """A file as read: its bytes (to rewrite it safely later) and its entries."""

    key: FileKey
    data: bytes
    entries: tuple[Entry, ...]


@dataclass
class Corpus:
    """The readable files of the selection, and the ones that could not be read."""

    files: list[SourceFile] = field(default_factory=list)
    #: (relative path, reason) for files that are not XLIFF we can read (the reason does not repeat the path)
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def entries(self) -> Iterable[Entry]:
        for source_file in self.files:
            yield from source_file.entries


def entries_of(key: FileKey, data: bytes) -> tuple[Entry, ...]:
    """The segments of one file's bytes; XliffError when they are not readable XLIFF."""
    return entries_in(key, parse(data, source=key.relpath()))


def entries_in(key: FileKey, tree: etree._ElementTree) -> tuple[Entry, ...]:
    """The segments of one file already parsed (push hands over its tree); XliffError when it is not XLIFF."""
    entries = []
    for index, segment in enumerate(iter_segments(tree)):
        target = segment.target if segment.has_target else None
        entries.append(
            Entry(
                key,
                index,
                segment.unit_id,
                source_line(segment.source),
                markup(segment.source),
                plain_text(segment.source),
                markup(target) if target is not None else None,
                plain_text(target) if target is not None else None,
                segment.writable,
                segment.state,
                segment.draft,
            )
        )
    return tuple(entries)


def read_corpus(directory: Path, locales: Iterable[str], kinds: Iterable[str] | None = None, ids: Iterable[str] = (), *, console: Console | None = None) -> Corpus:
    """Read the laid-out files of ``locales`` (narrowed to ``kinds`` and ``ids`` when given), with progress."""
    kinds, ids = (set(kinds) if kinds is not None else None), set(ids)
    corpus = Corpus()
    keys = [k for k in laid_out_keys(directory, locales) if (kinds is None or k.kind in kinds) and (not ids or k.item_id in ids)]
    for done, key in enumerate(keys, 1):
        if console is not None:
            console.progress(done, len(keys), "reading")
        data = read_bytes(key.path(directory))
        if data is None:
            continue
        try:
            corpus.files.append(SourceFile(key, data, entries_of(key, data)))
        except XliffError as exc:  # the message names the file first: each reader names it once itself
            corpus.unreadable.append((key.relpath(), exc.message.removeprefix(f"{key.relpath()}: ")))
    return corpus


def read_selection(
    directory: Path, kinds: Iterable[str], locales: Iterable[str], ids: Iterable[str] = (), *, console: Console | None = None,
    command: str = "pxl10n", via: Path | None = None,
) -> tuple[Corpus, list[SourceFile]]:
    """The whole corpus of ``locales`` (the memory) and the files the selection narrows to (the work).

    ``via`` is the link the configured directory is reached through, if any: then ``command`` stops
    (ConfigError), as pull and push do, since it would write through it."""
    refuse_link(via, command)
    locales, kinds, ids = list(locales), list(dict.fromkeys(kinds)), set(ids)
    if ids:
        require_ids(ids, [key for key in laid_out_keys(directory, locales) if key.kind in kinds], kinds, locales, directory,
                    "nothing was written")
    corpus = read_corpus(directory, locales, console=console)
    work = [f for f in corpus.files if f.key.kind in kinds and (not ids or f.key.item_id in ids)]
    return corpus, work
