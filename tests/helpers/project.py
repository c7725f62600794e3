"""A pxl10n project on disk for the tests: the config file, the key, git history."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import git

from pxl10n.emulator.server import EmulatorServer

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


def commits(root: Path) -> int:
    """How many commits HEAD has."""
    return int(git.Repo(root).git.rev_list("--count", "HEAD"))
