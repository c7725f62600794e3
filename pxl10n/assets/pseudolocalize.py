"""``pxl10n pseudo``: pseudo-translate one locale's files in place, for a test locale in PX.

Untranslated units only, unless ``overwrite``; every file is rewritten
canonically and atomically, and only when it still holds the bytes that were
read, so an edit made meanwhile is never lost. ``overwrite`` leaves alone the
files the caller names as holding uncommitted edits: their targets exist in no
commit yet, so replacing them would lose them for good.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from pxl10n.assets.corpus import SourceFile
from pxl10n.assets.pseudo import Style, pseudo_translate
from pxl10n.assets.rewrite import rewrite_if_unchanged


@dataclass(frozen=True)
class PseudoResult:
    """Files and units pseudo-translated (or, in a dry run, that would be)."""

    files_changed: tuple[str, ...]
    units: int
    skipped_changed: tuple[str, ...]
    dry_run: bool
    #: files ``overwrite`` left alone because they hold uncommitted edits
    skipped_uncommitted: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        return 1 if self.skipped_changed or self.skipped_uncommitted else 0


def pseudolocalize(directory: Path, files: Iterable[SourceFile], *, style: Style, overwrite: bool = False, dry_run: bool = False,
                   uncommitted: Collection[Path] = ()) -> PseudoResult:
    """Pseudo-translate ``files`` (laid out under ``directory``) in ``style``; ``uncommitted`` (absolute paths)
    are files with edits no commit holds, which ``overwrite`` never touches."""
    changed: list[str] = []
    skipped: list[str] = []
    held: list[str] = []
    protected = {path.resolve() for path in uncommitted}
    units = 0
    for source_file in files:
        rel = source_file.key.relpath()
        after = pseudo_translate(source_file.data, source=rel, overwrite=overwrite, style=style)
        if after == source_file.data:
            continue
        if overwrite and source_file.key.path(directory).resolve() in protected:
            held.append(rel)
            continue
        if dry_run or rewrite_if_unchanged(source_file.key.path(directory), source_file.data, after):
            changed.append(rel)
            units += sum(1 for entry in source_file.entries if entry.writable and (overwrite or not entry.translated))
        else:
            skipped.append(rel)
    return PseudoResult(tuple(changed), units, tuple(skipped), dry_run, tuple(held))
