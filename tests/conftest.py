"""Shared fixtures: a real emulator on loopback, a real git repo, a config file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import git
import pytest
from click.testing import CliRunner, Result

from pxl10n.emulator.server import EmulatorServer

API_KEY = "sk-test-4f1c2e9a-secret"
LOCALES = ("fr-FR", "de-DE")


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """A fresh emulator with the embedded subscription, on a free loopback port."""
    with EmulatorServer(API_KEY) as server:
        yield server


def write_config(root: Path, base_url: str, *, locales: tuple[str, ...] = LOCALES, extra: str = "", content: list[tuple[str, str]] = ()) -> Path:
    """A pxl10n.toml for the emulator, with fast retries for fault tests."""
    entries = "".join(f'\n[[content]]\nid = "{cid}"\ntype = "{ctype}"\n' for cid, ctype in content)
    text = f"""[px]
base_url = "{base_url}"
retries = 8
backoff = 0.01

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
    return [(item.id, item.type) for item in server.store.items("content")]


@pytest.fixture
def project(tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree with a pxl10n.toml pointing at the emulator; cwd is inside it."""
    repo = git.Repo.init(tmp_path)
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "Test")
        cfg.set_value("user", "email", "test@example.com")
    write_config(tmp_path, emulator.base_url, content=content_entries(emulator))
    (tmp_path / "README.md").write_text("project\n")
    repo.index.add(["README.md", "pxl10n.toml"])
    repo.index.commit("initial")
    monkeypatch.setenv("PX_API_KEY", API_KEY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    """Invoke the CLI in-process, as a user would type it."""
    from pxl10n.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_subprocess(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m pxl10n`` in a child process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "pxl10n", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)


def commits(root: Path) -> int:
    """How many commits HEAD has."""
    return int(git.Repo(root).git.rev_list("--count", "HEAD"))
