"""Shared fixtures: a real emulator on loopback, a real git repo, a config file.

Helpers (``run``, ``write_config``, ``API_KEY``...) live in ``tests.helpers``;
this module holds fixtures only. A project is made once per session (per xdist
worker) and copied into each test's temp dir: a copy of a small repository is
far cheaper than ``git init``, commits and a pull, and is the same repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer

from .helpers.actions import runner_python
from .helpers.cli import run
from .helpers.github_world import World, new_remote, pull_to_main, world_in
from .helpers.project import API_KEY, content_entries, write_config
from .helpers.zygote import Zygote

#: Cache pytest's rewritten test modules (``__pycache__``, git-ignored) even where the environment
#: sets PYTHONDONTWRITEBYTECODE: rewriting every test file's asserts again took about 5 s of CPU in
#: each xdist worker, at every run. Set before any test module is imported.
sys.dont_write_bytecode = False


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (the default in pyproject): two workers per CPU this process may use; 0 (no workers) on one CPU.

    A third of a test's time is spent waiting (on a child process, a socket, git), so one
    worker per CPU leaves the CPUs idle that long: on 2 CPUs the suite took 124 s with 2
    workers, 85 s with 4 and 101 s with 6 (more start-up and contention), same tree and machine.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 2 * cpus if cpus > 1 else 0


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    """One emulator on a free loopback port for the whole run; tests take ``emulator``."""
    with EmulatorServer(API_KEY) as server:
        yield server


@pytest.fixture(scope="session")
def zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    """One pre-imported fork server per worker: ``zygote.client`` runs ``pxl10n`` as a real child without the imports.

    For tests about what a run does, not about the interpreter (see tests/helpers/zygote.py)."""
    server = Zygote(tmp_path_factory.mktemp("zygote"))
    yield server
    server.close()


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorServer:
    """The session's emulator reset to the embedded subscription, the one key, no faults, zero stats."""
    return emulator_server.reset()


def _copy_into(template: Path, root: Path) -> None:
    """``template`` (a work tree with its .git) copied over ``root``: files copied, git's packs hard-linked.

    Packs and their indexes are never written in place (git writes new ones and
    renames them in), so every copy may share them; every other file is the
    copy's own. The copy's files have new inodes and times, so git's index would
    call them changed until it looks again: refreshed here, as after a fresh commit.
    """
    for dirpath, dirnames, filenames in os.walk(template):
        here = Path(dirpath)
        there = root / here.relative_to(template)
        there.mkdir(exist_ok=True)
        linked = here.name == "pack" and here.parent.name == "objects"
        for name in [*filenames, *(d for d in dirnames if (here / d).is_symlink())]:
            source, target = here / name, there / name
            if source.is_symlink():
                target.symlink_to(os.readlink(source))
            elif linked:
                os.link(source, target)
            else:
                shutil.copyfile(source, target)
    subprocess.run(["git", "update-index", "-q", "--refresh"], cwd=root, check=False, capture_output=True)


def _settle(root: Path) -> None:
    """A template's history as few files as git allows: one pack, packed refs (each copy is cheaper)."""
    for args in (["repack", "-a", "-d", "-q"], ["prune-packed"], ["pack-refs", "--all"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture(scope="session")
def project_template(tmp_path_factory: pytest.TempPathFactory, emulator_server: EmulatorServer) -> Path:
    """A committed work tree with a pxl10n.toml for the session's emulator: README.md and the config."""
    root = tmp_path_factory.mktemp("project-template")
    subprocess.run(["git", "init", "-q", "--template=", str(root)], check=True)  # no sample hooks: fewer files per copy
    repo = git.Repo(root)
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "Test")
        cfg.set_value("user", "email", "test@example.com")
        cfg.set_value("gc", "auto", "0")  # no automatic gc or maintenance runs behind a test's back
        cfg.set_value("maintenance", "auto", "false")
    write_config(root, emulator_server.base_url, content=content_entries(emulator_server.reset()))
    (root / "README.md").write_text("project\n")
    repo.index.add(["README.md", "pxl10n.toml"])
    repo.index.commit("initial")
    repo.close()
    _settle(root)
    return root


@pytest.fixture(scope="session")
def pulled_template(tmp_path_factory: pytest.TempPathFactory, project_template: Path, emulator_server: EmulatorServer) -> Iterator[Path]:
    """The project template after a first pull (committed) from a fresh emulator store."""
    root = tmp_path_factory.mktemp("pulled-template")
    _copy_into(project_template, root)
    emulator_server.reset()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PX_API_KEY", API_KEY)
        mp.chdir(root)
        result = run("pull")
    assert result.exit_code == 0, result.output
    _settle(root)
    yield root


def _enter(root: Path, template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``template`` copied into ``root``, the key in the environment, cwd inside."""
    _copy_into(template, root)
    monkeypatch.setenv("PX_API_KEY", API_KEY)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def project(tmp_path: Path, project_template: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree with a pxl10n.toml pointing at the emulator; cwd is inside it."""
    return _enter(tmp_path, project_template, monkeypatch)


@pytest.fixture
def pulled(request: pytest.FixtureRequest, tmp_path: Path, pulled_template: Path, emulator: EmulatorServer,
           monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project after a first pull (committed): the session's pulled template, one copy (not the project's first)."""
    assert "project" not in request.fixturenames, "ask for pulled or project, not both: each is the test's work tree"
    return _enter(tmp_path, pulled_template, monkeypatch)


# --------------------------------------------------------------------------- a GitHub of our own (helpers/github_world.py)


@pytest.fixture(scope="session")
def remote_template(tmp_path_factory: pytest.TempPathFactory, emulator_server: EmulatorServer) -> Path:
    """The "GitHub" repository every test starts from: main holds README.md and a pxl10n.toml for the session's emulator.

    Made once per session (per xdist worker); each test gets a copy (``world``).
    """
    return new_remote(tmp_path_factory.mktemp("remote-template"), emulator_server)


@pytest.fixture(scope="session")
def pulled_remote_template(tmp_path_factory: pytest.TempPathFactory, emulator_server: EmulatorServer, remote_template: Path) -> Path:
    """``remote_template`` after ``pull_to_main`` from the emulator as every test finds it (reset): made once per session.

    A pull of the reset emulator is the same pull in every test (the emulator serves the
    same items; conftest's ``pulled_template`` rests on this too), so the tests that start
    from one begin with a copy of it (``pulled_world``) instead of running it again.
    """
    root = tmp_path_factory.mktemp("pulled-remote-template")
    remote = root / "remote.git"
    shutil.copytree(remote_template, remote, symlinks=True)
    emulator_server.reset()
    pull_to_main(root, remote)
    emulator_server.reset()
    return remote


@pytest.fixture(scope="session")
def setup_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the stand-in for actions/setup-python hands the action (tests/helpers/actions.py)."""
    return runner_python(tmp_path_factory.mktemp("setup-python") / "venv")


@pytest.fixture
def world(tmp_path: Path, emulator: EmulatorServer, zygote: Zygote, remote_template: Path, setup_python: Path) -> World:
    """A remote whose main holds README.md and pxl10n.toml, the reset emulator, a runner."""
    return world_in(tmp_path, remote_template, emulator, zygote, setup_python)


@pytest.fixture
def pulled_world(tmp_path: Path, emulator: EmulatorServer, zygote: Zygote, pulled_remote_template: Path, setup_python: Path) -> World:
    """``world`` after ``world.pull_to_main()``: main also holds the first pull of the emulator, pushed by the maintainer."""
    return world_in(tmp_path, pulled_remote_template, emulator, zygote, setup_python)


