"""Which uncommitted paths hold pxl10n's own bytes, so a run commits them and never a person's edit.

A killed pull or push leaves files it wrote (or removed) uncommitted; the next
run commits them along with its own, and only them: a path whose content is a
hash PX produced for its entry (pulled or pushed), or whose entry and file are
both gone. Anything else under the l10n directory is someone's work and stays
out of pxl10n's commits.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pxl10n.fsutil import read_normalized
from pxl10n.layout import key_for
from pxl10n.sync import git as gitops
from pxl10n.sync.state import State
from pxl10n.xliff.io import sha256

if TYPE_CHECKING:
    import git  # imported through pxl10n.sync.git at run time, which quiets GitPython's check first


def own_uncommitted(repo: git.Repo, directory: Path, state: State) -> list[Path]:
    """Changed paths under ``directory`` whose content is pxl10n's own (hash P or Q), or whose entry pxl10n dropped."""
    own = []
    for path in gitops.changed_paths(repo, directory):
        key = key_for(directory, path)
        if key is None:
            continue
        entry = state.get(key)
        data = read_normalized(path)
        if (data is None and entry is None) or (data is not None and entry is not None and sha256(data) in entry.px_hashes()):
            own.append(path)
    return own
