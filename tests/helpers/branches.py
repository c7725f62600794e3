"""A vendor's branch and a change PX makes meanwhile, in a real repository (what stale-target tests start from), and
the state file's merge driver such branches merge with."""

from __future__ import annotations

from pathlib import Path

import git

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey

from .cli import run
from .pulled import translate
from .zygote import Zygote

#: The engagement unit whose source is two lines of HTML: PX changes the first one only.
UNIT = "dialog.body"


def item_with_two_lines(emulator: EmulatorServer) -> tuple[FileKey, dict[str, str]]:
    item = next(i for i in emulator.store.items("engagement") if "\n" in i.units.get(UNIT, ""))
    return FileKey("engagement", item.id, "fr-FR"), item.units


def vendor_branch_then_px_changes_the_source(pulled: Path, emulator: EmulatorServer) -> tuple[git.Repo, FileKey, str]:
    """A branch ``vendor`` translating every unit; then PX's new first line, pulled on main. Returns PX's new source."""
    repo = git.Repo(pulled)
    key, units = item_with_two_lines(emulator)
    repo.git.switch("-q", "-c", "vendor")
    translate(pulled, key, lambda source: f"[vendor] {source}")
    repo.git.commit("-qam", "vendor translation")
    repo.git.switch("-q", "-")
    first, rest = units[UNIT].split("\n", 1)
    units[UNIT] = f"{first.replace('Hello', 'Hi there')}\n{rest}"
    assert run("pull").exit_code == 0
    return repo, key, units[UNIT]


def install_driver(repo: git.Repo, zygote: Zygote) -> None:
    """What `pxl10n init` / `pxl10n merge-state --install` do, with the zygote's client as the driver's ``pxl10n``."""
    assert run("merge-state", "--install").exit_code == 0
    root = Path(repo.working_tree_dir)
    assert "merge=pxl10n-state" in (root / ".gitattributes").read_text()
    assert repo.git.config("merge.pxl10n-state.driver") == "pxl10n merge-state %O %A %B"
    repo.git.config("merge.pxl10n-state.driver", f"{zygote.client} merge-state %O %A %B")
    repo.index.add([".gitattributes", ".gitignore"])
    repo.index.commit("attributes")
