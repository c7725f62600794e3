"""A pxl10n project on disk for the tests: the config file, the key, git history."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import git

from pxl10n.emulator.server import EmulatorServer
from pxl10n.fsutil import read_normalized
from pxl10n.layout import STATE_NAME
from pxl10n.sync.ownership import committed_copy
from pxl10n.sync.state import read_entries, unit_prints
from pxl10n.xliff.io import parse, read_info, sha256

API_KEY = "sk-test-4f1c2e9a-secret"
LOCALES = ("fr-FR", "de-DE")
#: requests/s for test projects: the shipped 190/s paced every in-process pull to
#: about 0.4 s (71 requests), most of the suite's time; pacing itself is tested
#: in test_client with a fake clock and measured in benchmarks/pull_rate.py
TEST_RATE_LIMIT = 2000


def write_config(root: Path, base_url: str, *, locales: tuple[str, ...] = LOCALES, extra: str = "",
                 content: Iterable[tuple[str, str]] = (), rate_limit: float = TEST_RATE_LIMIT,
                 concurrency: int | None = None) -> Path:
    """A pxl10n.toml for the emulator: fast retries for fault tests (8, doubling from 2 ms); ``concurrency`` None: the default."""
    entries = "".join(f'\n[[content]]\nid = "{cid}"\ntype = "{ctype}"\n' for cid, ctype in content)
    threads = "" if concurrency is None else f"concurrency = {concurrency}\n"
    text = f"""[px]
base_url = "{base_url}"
retries = 8
backoff = 0.002
rate_limit = {rate_limit:g}
{threads}
[project]
source_locale = "en-US"
locales = [{", ".join(f'"{locale}"' for locale in locales)}]
directory = "l10n"
{extra}
{entries}"""
    path = root / "pxl10n.toml"
    path.write_text(text, encoding="utf-8")
    return path


def content_entries(server: EmulatorServer) -> list[tuple[str, str]]:
    """The content-library entries the emulator knows, as (id, type) for the config."""
    return [(item.id, item.type) for item in server.store.items("content") if item.type is not None]


def squash_history(root: Path) -> None:
    """One commit of the work tree as it is: every earlier copy of every file gone from history (a squash merge,
    history rewritten, a repository made again from today's files)."""
    shutil.rmtree(root / ".git")
    repo = git.Repo.init(root)
    repo.git.add("-A")
    repo.git.commit("-qm", "history squashed", "--author", "t <t@e>")


def as_format_2(root: Path, directory: str = "l10n") -> None:
    """The state file as a pxl10n before state format 3 wrote it, committed: no entry keeps its pulled copy's units,
    so merges read that copy from git history."""
    path = root / directory / STATE_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format"] = 2
    for entry in data["files"].values():
        if entry is not None:
            del entry["pulled_units"]
    path.write_text(json.dumps(data), encoding="utf-8")
    git.Repo(root).git.commit("-qam", "the state file of an older pxl10n")


def units_not_as_pulled(root: Path, directory: str = "l10n", *, older: Iterable[str] = ()) -> list[str]:
    """The state entries whose ``pulled_units`` are not the units of the copy their ``pulled`` hash names (found on
    disk or in git history), each with why; [] when every entry keeps them right. The entries of ``older`` (paths)
    may keep none, as a pxl10n before state format 3 wrote them."""
    repo = git.Repo(root)
    allowed = set(older)
    wrong = []
    for rel, entry in read_entries(root / directory / STATE_NAME).items():
        if entry.pulled is None:
            if entry.pulled_units is not None:
                wrong.append(f"{rel}: units kept without a pulled copy")
            continue
        if entry.pulled_units is None:
            if rel not in allowed:
                wrong.append(f"{rel}: names a pulled copy but keeps none of its units")
            continue
        path = root / directory / rel
        data = read_normalized(path)
        copy = data if data is not None and sha256(data) == entry.pulled else committed_copy(repo, path, entry.pulled)
        if copy is None:
            wrong.append(f"{rel}: its pulled copy is neither on disk nor in history")
        elif entry.pulled_units != unit_prints(read_info(parse(copy))):
            wrong.append(f"{rel}: the units kept are not those of its pulled copy")
    return wrong


def commits(root: Path) -> int:
    """How many commits HEAD has."""
    return int(git.Repo(root).git.rev_list("--count", "HEAD"))
