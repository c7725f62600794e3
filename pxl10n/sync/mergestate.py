"""``pxl10n merge-state``: the git merge driver of the state file, its repair, and its installation.

Git calls ``pxl10n merge-state %O %A %B`` for files marked ``merge=pxl10n-state``
in ``.gitattributes``; the merged state goes to ``%A``. The rule
(:func:`pxl10n.sync.state.merge_entries`) never drops knowledge: where both sides
changed one file's entry, every hash either side knew as pxl10n's stays known.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from pxl10n.errors import ConfigError, StateError
from pxl10n.fsutil import atomic_write
from pxl10n.layout import STATE_NAME
from pxl10n.sync.journal import JOURNAL_NAME
from pxl10n.sync.state import FileState, dumps, merge_entries, parse, read_entries, repair_text

DRIVER = "pxl10n-state"
ATTRIBUTE_LINE = f"**/{STATE_NAME} merge={DRIVER}"
#: XLIFF files stay LF in every checkout, so core.autocrlf never makes them look edited
EOL_LINE = "{directory}/** text eol=lf"


def _entries(path: Path) -> dict[str, FileState]:
    """One side of a merge; a side that itself holds conflict markers counts with all its entries."""
    try:
        return read_entries(path)
    except StateError:
        return parse(repair_text(path.read_text(encoding="utf-8", errors="replace"), path), path)


def merge_files(base: Path, ours: Path, theirs: Path) -> None:
    """Three-way merge of state files; the result replaces ``ours`` (git's ``%A``)."""
    merged = merge_entries(_entries(base), _entries(ours), _entries(theirs))
    atomic_write(ours, dumps(merged).encode("utf-8"))


def repair(path: Path) -> int | None:
    """Rewrite a conflict-marked or torn state file keeping every entry of both sides; how many entries, or
    None when the file is a clean state file already (then it is left as it is).

    Anything that is not a state file (a wrong path) is refused and never written: read as one, it
    holds no entry, and its "repair" would have been an empty state over the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"{path}: cannot read ({exc}); nothing was written") from None
    try:
        parse(text, path)
    except StateError:
        pass
    else:
        return None
    fixed = repair_text(text, path)
    count = len(parse(fixed, path))
    if not count and '"format"' not in text:
        raise StateError(f"{path}: not a pxl10n state file (no entry and no format line); nothing was written",
                         hint=f"repair the {STATE_NAME} of the l10n directory")
    atomic_write(path, fixed.encode("utf-8"))
    return count


def _ensure_lines(path: Path, header: str, wanted: list[str]) -> bool:
    """Append the lines ``path`` lacks (under a one-line comment); True when it was written."""
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    missing = [line for line in wanted if line not in existing.splitlines()]
    if not missing:
        return False
    text = existing + ("" if not existing or existing.endswith("\n") else "\n")
    atomic_write(path, (text + f"# pxl10n: {header}\n" + "\n".join(missing) + "\n").encode("utf-8"))
    return True


def install(repo_root: Path, directory: str) -> list[str]:
    """Wire the driver (``.gitattributes`` and git config) and keep the push journal out of commits.

    The ignore line goes into the committed ``.gitignore`` rather than ``.git/info/exclude``,
    so every clone (a CI runner's too) has it; git never cleans or stages an ignored file.
    """
    done = []
    tree = directory.strip("/") or "."
    attributes = repo_root / ".gitattributes"
    if _ensure_lines(attributes, "merge the state file per entry; keep XLIFF line endings LF", [ATTRIBUTE_LINE, EOL_LINE.format(directory=tree)]):
        done.append(f"wrote {attributes}")
    ignore = repo_root / ".gitignore"
    if _ensure_lines(ignore, "an open push journal is local; push folds it into the state file", [f"/{tree}/{JOURNAL_NAME}"]):
        done.append(f"wrote {ignore}")
    try:
        subprocess.run(["git", "config", f"merge.{DRIVER}.name", "pxl10n state file"], cwd=repo_root, check=True, capture_output=True)
        subprocess.run(["git", "config", f"merge.{DRIVER}.driver", "pxl10n merge-state %O %A %B"], cwd=repo_root, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ConfigError(f"cannot configure the merge driver in {repo_root}: {exc}") from None
    done.append(f"configured git merge driver {DRIVER} in {repo_root}")
    return done
