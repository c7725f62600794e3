"""The project's side of validation: which files, and what each is expected to be.

``pxl10n.validate`` is a leaf library that knows neither the state file nor the
directory layout. This module, which knows both, builds its
:class:`~pxl10n.validate.context.Context` (the configured locales, what pull
recorded for each file, what each file's path names) and finds the XLIFF files
to check. The CLI and push call it; validate never does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from pxl10n.assets.consistency import Variant
from pxl10n.assets.corpus import Entry, entries_in, entries_of
from pxl10n.assets.glossary import Glossary
from pxl10n.config import Settings
from pxl10n.errors import ConfigError, XliffError
from pxl10n.fsutil import first_link, read_bytes, shown
from pxl10n.layout import XLIFF_SUFFIXES, laid_out_keys, named_key, scan_xliff
from pxl10n.sync.state import FileState, State
from pxl10n.validate.context import Context, Expected, LaidOut, Pulled
from pxl10n.validate.engine import Progress, Report, build_selection, validate_documents, validate_files
from pxl10n.validate.rules import Document


def pulled_of(entry: FileState) -> Pulled:
    """What validate's PX rules compare a file against, from its state entry."""
    return Pulled(
        kind=entry.kind, item_id=entry.item_id, locale=entry.locale, px_language=entry.px_language,
        xliff_version=entry.xliff_version, strategy=entry.strategy, unit_ids=tuple(entry.unit_ids),
    )


def _laid_out(settings: Settings, path: Path) -> LaidOut | None:
    key = named_key(settings.directory, path)
    return LaidOut(key.kind, key.item_id, key.locale) if key else None


def context_for(settings: Settings | None, files: Iterable[Path] = (), state: State | None = None) -> Context:
    """The context of ``files`` (absolute paths): locales from the config, the rest from state and layout."""
    if settings is None:
        return Context()
    state = state if state is not None else State.load(settings.directory)
    expected: dict[str, Expected] = {}
    pulled = {(settings.directory / rel).resolve(): pulled_of(entry) for rel, entry in state.entries.items()}
    for path in {*pulled, *(Path(p).resolve() for p in files)}:
        expected[str(path)] = Expected(pulled.get(path), _laid_out(settings, path))
    return _project(settings, expected)


class Found(NamedTuple):
    """What :func:`discover` found: the files to check (absolute), and the links not read, each with why."""

    files: list[Path]
    links: dict[Path, str]


#: What ``-`` reads: standard input, as a file name every validate path can take.
STDIN = Path("/dev/stdin")


def discover(paths: Iterable[Path | str], settings: Settings | None) -> Found:
    """XLIFF files under ``paths`` (default: the configured directory, else the current one).

    Below the configured directory nothing is read through a symbolic link, as pull and push read
    nothing there through one: a link (which a pull request can commit, pointing anywhere on a CI
    runner) is listed with why, never followed. Elsewhere a link to an XLIFF file is read as the
    user's own file, and a walk never enters a linked folder."""
    roots = [STDIN if str(p) == "-" else Path(p) for p in paths]
    directory = Path(os.path.abspath(settings.directory)) if settings is not None else None
    link = settings.directory_link if settings is not None else None
    if link is not None and directory is not None:  # the configured directory is reached through a link
        spelled = [Path(os.path.abspath(root)) for root in roots]
        if not roots or any(_below(path, link) or _below(path, directory) for path in spelled):
            return Found([], {link: _refusal(link, None)})
    if not roots:
        if settings is None:
            roots = [Path.cwd()]
        elif settings.directory.is_dir():
            roots = [settings.directory]  # a project that never pulled simply has nothing to check
    found: dict[Path, None] = {}
    links: dict[Path, str] = {}
    for root in roots:
        through = first_link(directory, Path(os.path.abspath(root))) if directory is not None else None
        if through is not None and directory is not None:
            links[through] = _refusal(through, directory)
            continue
        if not root.exists():
            raise ConfigError(f"{root}: no such file or directory")
        files, met = scan_xliff(root)
        for path in files:  # a pipe is named as given: resolved, /dev/stdin is a /proc path no one can open
            found.setdefault(path.resolve() if path.is_file() else path, None)
        for path in met:
            met_at = Path(os.path.abspath(path))
            if directory is not None and _below(met_at, directory):
                links[met_at] = _refusal(met_at, directory)
            elif path.suffix.lower() in XLIFF_SUFFIXES and path.is_file():
                found.setdefault(path.resolve(), None)
    for path in links:
        found.pop(path, None)
    return Found(sorted(found), links)


def _below(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def _refusal(link: Path, directory: Path | None) -> str:
    """Why ``link`` is not read: it is below ``directory``, or (None) the configured directory is reached through it."""
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"
    where = f"links under {shown(directory)}" if directory is not None else "a configured directory reached through a link"
    return (f"a symbolic link (to {target}); not read: pull and push refuse {where} (one could point anywhere on "
            f"the machine); replace it with the real file or folder, or remove it")


def validate_paths(
    paths: Iterable[Path | str] = (),
    *,
    settings: Settings | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    severity: Mapping[str, str] | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Report:
    """``pxl10n validate``: files and directories checked against the project; ConfigError (exit 2) for bad input.

    ``progress`` hears (files done, files in all) during a run that lasts more than a moment."""
    selection = build_selection(settings, select, ignore, severity)
    files, links = discover(paths, settings)
    return validate_files(files, context_for(settings, files), selection, jobs=jobs, unread=links, progress=progress)


def gate_report(settings: Settings, files: Iterable[tuple[Document, FileState | None]]) -> Report:
    """The push gate: documents push already read and parsed, checked against the entries it already loaded.

    Nothing is discovered, read, parsed or loaded again: each document is named by its
    file's absolute path (so findings come back by the path push knows), carries the
    tree push parsed, and TM101's corpus reads that same tree.
    """
    documents: list[Document] = []
    expected: dict[str, Expected] = {}
    for doc, entry in files:
        expected[doc.path] = Expected(pulled_of(entry) if entry else None, _laid_out(settings, Path(doc.path)))
        documents.append(doc)
    held = {Path(doc.path): doc for doc in documents}
    return validate_documents(documents, _project(settings, expected, held), build_selection(settings))


def _project(settings: Settings, expected: dict[str, Expected], held: Mapping[Path, Document] | None = None) -> Context:
    return Context(settings.source_locale, tuple(settings.locales), dict(settings.px_languages), expected, *_assets(settings, held or {}))


def _assets(settings: Settings, held: Mapping[Path, Document]) -> tuple[dict[tuple[str, str], tuple[Variant, ...]], Glossary | None]:
    """The repository's conflicting translations (TM101) and the glossary (TM102) for the context."""
    from pxl10n.assets.consistency import translation_variants
    from pxl10n.assets.glossary import load_glossary

    variants = translation_variants(_corpus_entries(settings.directory, settings.locales, held))
    glossary = settings.validate.glossary
    return variants, (load_glossary(glossary, settings.source_locale, tuple(settings.locales)) if glossary else None)


def _corpus_entries(directory: Path, locales: Iterable[str], held: Mapping[Path, Document]) -> Iterator[Entry]:
    """Every segment of the laid-out files (TM101's memory); a file the caller holds (absolute path) is not read or parsed again."""
    for key in laid_out_keys(directory, locales):
        path = key.path(directory).resolve()
        doc = held.get(path)
        data = doc.data if doc is not None else read_bytes(path)
        if data is None:
            continue
        try:
            yield from (entries_in(key, doc.tree) if doc is not None and doc.tree is not None else entries_of(key, data))
        except XliffError:
            continue  # unreadable XLIFF has no translations to compare; its own findings say why
