"""Shared fixtures: a real emulator on loopback, a real git repo, a config file.

Helpers (``run``, ``write_config``, ``API_KEY``...) live in ``tests.helpers``;
this module holds fixtures only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer

from .helpers.cli import run
from .helpers.project import API_KEY, content_entries, write_config


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    """One emulator on a free loopback port for the whole run; tests take ``emulator``."""
    with EmulatorServer(API_KEY) as server:
        yield server


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorServer:
    """The session's emulator reset to the embedded subscription, the one key, no faults, zero stats."""
    return emulator_server.reset()


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


@pytest.fixture
def pulled(project: Path) -> Path:
    """The project after a first pull (committed)."""
    assert run("pull").exit_code == 0
    return project
