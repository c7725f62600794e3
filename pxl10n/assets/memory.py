"""Translation memory: the repository's own translations plus imported vendor TMX files.

Imported memories live in ``tm/`` next to ``pxl10n.toml``, one ``.tmx`` per
import, stored byte for byte as the vendor sent them, so they are reviewed,
versioned and shared through git like the XLIFF files (and outside the l10n
directory, so push never sees them). Every file there is a memory source for
``pxl10n leverage``; deleting one retires it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pxl10n.assets.corpus import Corpus
from pxl10n.assets.tmx import TmxUnit, read_tmx, write_tmx
from pxl10n.config import Settings
from pxl10n.errors import ConfigError, Pxl10nError, XliffError
from pxl10n.fsutil import atomic_write, read_bytes, write_named

TM_DIRNAME = "tm"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def tm_directory(settings: Settings) -> Path:
    """Where imported TMX files are kept: ``tm/`` beside pxl10n.toml."""
    return settings.root / TM_DIRNAME


@dataclass(frozen=True)
class Memory:
    """One imported TMX: where it is kept (relative to the project) and its units."""

    name: str
    units: tuple[TmxUnit, ...]


@dataclass(frozen=True)
class ImportResult:
    """What ``tm import`` stored, and how many pairs it holds per configured locale."""

    stored: Path
    unchanged: bool
    per_locale: tuple[tuple[str, int], ...]
    #: units with no source-language variant or no configured target language
    unusable: int


def pairs(units: tuple[TmxUnit, ...], source_locale: str, locale: str) -> list[tuple[str, str]]:
    """(source markup, target markup) of every unit holding both languages."""
    found = []
    for unit in units:
        source, target = unit.text(source_locale), unit.text(locale)
        if source is not None and target is not None and source.strip() and target.strip():
            found.append((source, target))
    return found


def import_tmx(settings: Settings, path: Path, *, name: str | None = None, force: bool = False) -> ImportResult:
    """Check ``path`` is TMX pairing the source locale with a configured locale, then store it in ``tm/``."""
    data = read_bytes(path)
    if data is None:
        raise ConfigError(f"{path}: no such file")
    units = tuple(read_tmx(data, source=str(path)))
    per_locale = tuple((locale, len(pairs(units, settings.source_locale, locale))) for locale in settings.locales)
    unusable = sum(1 for unit in units if unit.text(settings.source_locale) is None or not any(unit.text(loc) for loc in settings.locales))
    if not any(count for _, count in per_locale):
        langs = sorted({lang for unit in units for lang, _ in unit.variants})
        raise Pxl10nError(
            f"{path}: none of its {len(units)} translation units pairs {settings.source_locale} with a configured locale "
            f"({', '.join(settings.locales)}); it has {', '.join(langs) or 'no languages'}"
        )
    stem = _UNSAFE.sub("-", (name or path.stem)).strip("-.") or "memory"
    stored = tm_directory(settings) / f"{stem}.tmx"
    existing = read_bytes(stored)
    if existing is not None and existing != data and not force:
        raise ConfigError(f"{stored} already holds a different memory; use --name to keep both or --force to replace it")
    if existing != data:
        atomic_write(stored, data)
    return ImportResult(stored, existing == data, per_locale, unusable)


def load_memories(settings: Settings) -> list[Memory]:
    """Every TMX in ``tm/``, sorted by name; XliffError naming the file that cannot be read."""
    directory = tm_directory(settings)
    if not directory.is_dir():
        return []
    memories = []
    for path in sorted(directory.glob("*.tmx")):
        rel = f"{TM_DIRNAME}/{path.name}"
        try:
            memories.append(Memory(rel, tuple(read_tmx(path.read_bytes(), source=rel))))
        except OSError as exc:
            raise XliffError(f"{rel}: cannot read: {exc}") from None
    return memories


def export_tmx(settings: Settings, corpus: Corpus, output: Path, *, force: bool = False) -> Counter[str]:
    """Write the corpus's translated entries to ``output`` as TMX; returns units per locale.

    See :func:`check_output` for where it may go."""
    check_output(settings, output, force=force)
    entries = [entry for entry in corpus.entries if entry.reusable]
    write_named(output, write_tmx(entries, settings.source_locale))
    return Counter(entry.locale for entry in entries)


def check_output(settings: Settings, output: Path, *, force: bool = False) -> None:
    """ConfigError unless a TMX may be written at ``output`` (checked before the corpus is read, and again at the write).

    A TMX replaces a TMX; any other file at ``output`` (the config, a translator's XLIFF) is kept
    unless ``force``, and nothing is ever written inside the l10n directory, which pull and push own."""
    target = output.resolve()
    if target == settings.directory or settings.directory in target.parents:
        raise ConfigError(f"{output} is inside the l10n directory ({settings.directory}), which pull and push own; "
                          "write the TMX elsewhere (tm/ beside pxl10n.toml, or a temporary folder)")
    if output.is_dir():
        raise ConfigError(f"{output} is a directory; give the path of the TMX file to write")
    existing = read_bytes(output) if output.is_file() else None
    if existing is not None and not force and b"<tmx" not in existing[:4096]:
        raise ConfigError(f"{output} exists and is not a TMX file; nothing was written (give another path, or --force to replace it)")
