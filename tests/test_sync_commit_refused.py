"""Pull and push when git refuses their commit for the repository's own reasons: a hook, signing.

Push sends to PX before it commits, so the refusal comes after the landing. It used to
end with "git commit of 2 path(s) failed: stderr: '...'" and nothing else: did the
import land, is it safe to re-run? Now the line names the hook, says what is recorded
and that a re-run sends nothing twice; the re-run, once the hook lets it, commits what
the refused run wrote, and its commit message names those files.
Real repositories, real hooks, the emulator over loopback.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import STATE_NAME

from .helpers.cli import run
from .helpers.pulled import keys_of, l10n, translate
from .helpers.pushed import import_requests


def _refusing_hook(hooks: Path, name: str) -> Path:
    hooks.mkdir(parents=True, exist_ok=True)
    hook = hooks / name
    hook.write_text("#!/bin/sh\necho 'lint: l10n/x.xlf is not formatted' >&2\necho 'run the formatter first' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    return hook


def test_a_push_whose_commit_a_hook_refuses_says_it_landed_then_commits_without_sending_again(pulled: Path, emulator: EmulatorServer) -> None:
    repo = git.Repo(pulled)
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    repo.git.commit("-qam", "translated")
    head = repo.head.commit.hexsha
    hook = _refusing_hook(Path(repo.git_dir) / "hooks", "pre-commit")
    result = run("push")
    assert result.exit_code == 1
    message = result.stderr.strip().splitlines()[-1]
    assert "git refused the commit" in message and "pre-commit hook ran" in message
    assert "lint: l10n/x.xlf is not formatted / run the formatter first" in message
    assert "recorded" in message and "sends nothing twice" in message and "then run `pxl10n push` again" in message
    assert "Traceback" not in result.output and "stderr: '" not in message
    assert import_requests(emulator) == 1 and repo.head.commit.hexsha == head
    assert emulator.store.translations(key.kind, key.item_id, "fr-FR")
    hook.unlink()
    result = run("push")
    assert result.exit_code == 0, result.stderr
    assert import_requests(emulator) == 1  # nothing sent again
    assert repo.head.commit.hexsha != head
    assert f"- {key.relpath()}: written by an earlier run that could not commit it" in repo.head.commit.message
    assert repo.git.status("--porcelain", "--", "l10n") == ""


def test_a_pull_whose_commit_a_hook_refuses_commits_on_the_next_pull(pulled: Path, emulator: EmulatorServer, tmp_path: Path) -> None:
    """A commit-msg hook under core.hooksPath (how pre-commit frameworks and shared hook folders install them)."""
    repo = git.Repo(pulled)
    key = keys_of(emulator, "article")[0]
    item = emulator.store.get(key.kind, key.item_id)
    assert item is not None
    item.units[sorted(item.units)[0]] = "Changed in PX"
    hooks = tmp_path / "shared-hooks"
    _refusing_hook(hooks, "commit-msg")
    repo.git.config("core.hooksPath", str(hooks))
    head = repo.head.commit.hexsha
    result = run("pull")
    assert result.exit_code == 1
    message = result.stderr.strip().splitlines()[-1]
    assert "commit-msg hook ran" in message and "run the formatter first" in message
    assert "the next pull finishes and commits it" in message and "then run `pxl10n pull` again" in message
    assert repo.head.commit.hexsha == head
    assert "Changed in PX" in key.path(l10n(pulled)).read_text(encoding="utf-8")  # written, whole, recorded
    repo.git.config("--unset", "core.hooksPath")
    result = run("pull", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["changed"] == []  # nothing new from PX: the last run's files are committed
    assert repo.head.commit.hexsha != head
    assert f"- {key.relpath()}: written by an earlier run that could not commit it" in repo.head.commit.message
    assert repo.git.status("--porcelain", "--", "l10n") == ""
    assert STATE_NAME in repo.git.show("--name-only", "--format=", "HEAD")


def test_a_hook_that_is_not_executable_is_not_named(pulled: Path) -> None:
    """git skips a hook without the execute bit, so naming it would send the user to the wrong place."""
    from pxl10n.sync.git import commit_hooks

    repo = git.Repo(pulled)
    hook = _refusing_hook(Path(repo.git_dir) / "hooks", "pre-commit")
    assert commit_hooks(repo) == ["pre-commit"]
    os.chmod(hook, 0o644)
    assert commit_hooks(repo) == []


def test_the_hooks_git_runs_for_pull_and_push_never_see_the_key(pulled: Path, emulator: EmulatorServer,
                                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    """Hooks are the repository's code (core.hooksPath may point into the tree, as husky sets it): the key
    pxl10n holds in its environment is emptied for git and everything git runs."""
    repo = git.Repo(pulled)
    seen = tmp_path_factory.mktemp("hooks") / "seen-by-hooks.txt"
    hooks = Path(repo.git_dir) / "hooks"
    hooks.mkdir(exist_ok=True)
    for name in ("pre-commit", "post-checkout"):
        hook = hooks / name
        hook.write_text(f'#!/bin/sh\necho "{name} [$PX_API_KEY]" >> "{seen}"\n', encoding="utf-8")
        hook.chmod(0o755)
    assert os.environ.get("PX_API_KEY")
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    assert run("push").exit_code == 0
    item = emulator.store.get(key.kind, key.item_id)
    assert item is not None
    item.units[sorted(item.units)[0]] = "Changed in PX"
    assert run("pull", "--branch", "l10n/px-sync").exit_code == 0
    lines = seen.read_text(encoding="utf-8").splitlines()
    assert {line.split()[0] for line in lines} == {"pre-commit", "post-checkout"}, lines
    assert all(line.endswith("[]") for line in lines), lines
    assert os.environ["PX_API_KEY"] not in seen.read_text(encoding="utf-8")
