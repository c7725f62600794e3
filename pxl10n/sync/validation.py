"""The project's side of validation: which files, and what each is expected to be.

``pxl10n.validate`` is a leaf library that knows neither the state file nor the
directory layout. This module, which knows both, builds its
:class:`~pxl10n.validate.context.Context` (the configured locales, what pull
recorded for each file, what each file's path names) and finds the XLIFF files
to check. The CLI and push call it; validate never does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from pxl10n.assets.consistency import Variant
from pxl10n.assets.glossary import Glossary
from pxl10n.config import Settings
from pxl10n.errors import ConfigError
from pxl10n.layout import iter_xliff_files, key_for
from pxl10n.sync.state import FileState, State
from pxl10n.validate.context import Context, Expected, LaidOut, Pulled
from pxl10n.validate.engine import Report, build_selection, validate_documents, validate_files


def pulled_of(entry: FileState) -> Pulled:
    """What validate's PX rules compare a file against, from its state entry."""
    return Pulled(
        kind=entry.kind, item_id=entry.item_id, locale=entry.locale, px_language=entry.px_language,
        xliff_version=entry.xliff_version, strategy=entry.strategy, unit_ids=tuple(entry.unit_ids),
    )


def _laid_out(settings: Settings, path: Path) -> LaidOut | None:
    key = key_for(settings.directory, path)
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


def discover(paths: Iterable[Path | str], settings: Settings | None) -> list[Path]:
    """XLIFF files under ``paths`` (default: the configured directory, else the current one), absolute."""
    roots = [Path(p) for p in paths]
    if not roots:
        if settings is None:
            roots = [Path.cwd()]
        elif settings.directory.is_dir():
            roots = [settings.directory]  # a project that never pulled simply has nothing to check
    found: dict[Path, None] = {}
    for root in roots:
        if not root.exists():
            raise ConfigError(f"{root}: no such file or directory")
        for path in iter_xliff_files(root):
            found.setdefault(path.resolve(), None)
    return sorted(found)


def validate_paths(
    paths: Iterable[Path | str] = (),
    *,
    settings: Settings | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    severity: Mapping[str, str] | None = None,
    jobs: int | None = None,
) -> Report:
    """``pxl10n validate``: files and directories checked against the project; ConfigError (exit 2) for bad input."""
    selection = build_selection(settings, select, ignore, severity)
    files = discover(paths, settings)
    return validate_files(files, context_for(settings, files), selection, jobs=jobs)


def gate_report(settings: Settings, files: Iterable[tuple[Path, bytes, FileState | None]]) -> Report:
    """The push gate: bytes push already read, checked against the entries it already loaded.

    Nothing is discovered, read or loaded again; each file is validated in memory
    under its absolute path, so findings come back by the path push knows.
    """
    documents: list[tuple[str, bytes]] = []
    expected: dict[str, Expected] = {}
    for path, data, entry in files:
        name = str(path.resolve())
        expected[name] = Expected(pulled_of(entry) if entry else None, _laid_out(settings, path))
        documents.append((name, data))
    return validate_documents(documents, _project(settings, expected), build_selection(settings))


def _project(settings: Settings, expected: dict[str, Expected]) -> Context:
    return Context(settings.source_locale, tuple(settings.locales), dict(settings.px_languages), expected, *_assets(settings))


def _assets(settings: Settings) -> tuple[dict[tuple[str, str], tuple[Variant, ...]], Glossary | None]:
    """The repository's conflicting translations (TM101) and the glossary (TM102) for the context."""
    from pxl10n.assets.consistency import translation_variants
    from pxl10n.assets.corpus import read_corpus
    from pxl10n.assets.glossary import load_glossary

    variants = translation_variants(read_corpus(settings.directory, settings.locales).entries)
    glossary = settings.validate.glossary
    return variants, (load_glossary(glossary, settings.source_locale, tuple(settings.locales)) if glossary else None)
