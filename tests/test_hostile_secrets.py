"""The key never leaves: every command and format against a server that echoes it, in every spelling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import git
import pytest
from click.testing import CliRunner

from pxl10n import secrets
from pxl10n.cli import cli
from pxl10n.emulator.server import READ_WRITE, EmulatorServer
from pxl10n.errors import PXError
from pxl10n.secrets import check_header_value, redact, spellings

from .helpers.hostile import leaks, one_line_errors, written_text
from .helpers.project import content_entries, write_config
from .helpers.zygote import Zygote

SIMPLE = "sk-live-7d1e0c9b5a3f-echo"
TRICKY = 'Zq9 "kEy"/tok+en%41&<x>\\9f3c2a7b1e'


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    yield
    secrets.clear()


@pytest.mark.parametrize("key", [SIMPLE, TRICKY])
def test_every_spelling_is_redacted(key: str) -> None:
    secrets.add_secret(key)
    forms = [key, repr(key), json.dumps(key), quote(key, safe=""), quote_plus(key), quote(key, safe="").lower(), key.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")]
    for form in forms:
        text = redact(f"before {form} after")
        assert leaks(text, key) == [], (form, text)
        assert "***" in text


def test_a_key_cut_at_its_line_breaks_is_redacted_piece_by_piece() -> None:
    key = "first-half-1234\nsecond-half-5678"
    secrets.add_secret(key)
    assert "first-half-1234" in spellings(key)
    text = redact("header value 'first-half-1234\\nsecond-half-5678' and first-half-1234 alone")
    assert "first-half" not in text and "second-half" not in text


def test_errors_are_redacted_when_they_are_made() -> None:
    secrets.add_secret(SIMPLE)
    error = PXError(f"PX said {SIMPLE}", hint=f"key {quote(SIMPLE)}")
    assert SIMPLE not in str(error) and "***" in str(error)


@pytest.mark.parametrize("key", ["two\nlines-of-key", "tab\tinside-key", "café-key-1234", " leading-space-key"])
def test_keys_a_header_cannot_carry_are_named_not_printed(key: str) -> None:
    why = check_header_value(key, name="PX_API_KEY")
    assert why and "PX_API_KEY" in why and key.strip()[:6] not in why


def _run(args: list[str], cwd: Path, env: dict[str, str], program: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """``pxl10n`` in a child: ``python -m pxl10n`` (a fresh interpreter) unless ``program`` says how to start it."""
    command = program or [sys.executable, "-m", "pxl10n"]
    return subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _project(root: Path, server: EmulatorServer) -> Path:
    repo = git.Repo.init(root)
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "Test")
        cfg.set_value("user", "email", "test@example.com")
    write_config(root, server.base_url, content=content_entries(server), extra="")
    repo.index.add(["pxl10n.toml"])
    repo.index.commit("initial")
    return root


def test_a_key_with_a_line_break_stops_the_run_up_front(tmp_path: Path, zygote: Zygote) -> None:
    with EmulatorServer("whatever") as server:
        (tmp_path / "p").mkdir()
        project = _project(tmp_path / "p", server)
        env = {**os.environ, "PX_API_KEY": "secret-part-one\nsecret-part-two"}
        result = _run(["pull"], project, env, [str(zygote.client)])
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "line break" in result.stderr
    assert "secret-part" not in result.stdout + result.stderr
    assert server.stats.total == 0


def _run_in_process(args: list[str], env: dict[str, str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """One command as a fresh process would run it: no secret known beforehand; everything written to fd 1 and 2 too.

    In-process (a child per command cost most of this file's time), so the fd-level
    capture stands in for the child's pipes: git children and anything writing past
    ``sys.stdout`` land there.
    """
    secrets.clear()
    capfd.readouterr()
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    fds = capfd.readouterr()
    return result.exit_code, result.stdout + fds.out, result.stderr + fds.err


#: the last command's child: forked by the zygote (a real process: its own pipes and exit, without the imports), or a
#: fresh interpreter (its start-up too) for the tricky key
@pytest.mark.parametrize(("key", "child_from"), [(SIMPLE, "zygote"), (TRICKY, "a fresh interpreter")])
def test_every_command_and_format_with_an_echoing_server_writes_no_key(pulled: Path, emulator: EmulatorServer, key: str, child_from: str,
                                                                        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                                                                        capfd: pytest.CaptureFixture[str], zygote: Zygote) -> None:
    """From the session's pulled tree (its history holds no key), the session's emulator answering this key alone."""
    project = pulled
    outside = tmp_path_factory.mktemp("gh")
    emulator.api_keys.clear()  # the emulator's reset gives the session's key back
    emulator.api_keys[key] = set(READ_WRITE)
    monkeypatch.setenv("PX_API_KEY", key)
    env = {"PX_API_KEY": key, "GITHUB_OUTPUT": str(outside / "output"), "GITHUB_STEP_SUMMARY": str(outside / "summary")}
    edited = next((project / "l10n" / "fr-FR" / "article").glob("*.xlf"))
    edited.write_text(edited.read_text(encoding="utf-8").replace("<source>", "<source>x", 1), encoding="utf-8")
    emulator.faults.echo_key = True
    victim = emulator.store.items("kcbot")[0].id
    emulator.faults.item(victim, "echo")
    emulator.faults.storm(3, 503)
    commands = [
        ["pull"], ["pull", "--format", "json"], ["-vv", "pull", "--no-commit"], ["-q", "pull", "--dry-run"],
        ["status"], ["status", "--format", "json"], ["status", "--format", "markdown"], ["status", "--remote", "--format", "json"],
        ["validate"], ["validate", "--format", "json"], ["validate", "--format", "github"], ["validate", "--format", "junit"],
        ["push", "--dry-run"], ["push", "--format", "json"],
    ]
    said = []
    for command in commands:
        code, stdout, stderr = _run_in_process(command, env, capfd)
        assert code in (0, 1), (command, stderr)
        assert one_line_errors(stderr), (command, stderr)
        said += [" ".join(command), stdout, stderr]
    # the last one as a real child: the process boundary (startup, exit, pipes) leaks nothing either
    child = _run(["-vv", "push", "--force"], project, {**os.environ, **env}, [str(zygote.client)] if child_from == "zygote" else None)
    assert child.returncode in (0, 1) and one_line_errors(child.stderr), child.stderr
    said += [child.stdout, child.stderr]
    assert emulator.stats.total > 0 and emulator.stats.by_status[401] == 0
    everything = written_text(project, *said, *(p.read_text(encoding="utf-8") for p in outside.iterdir()))
    assert leaks(everything, key) == []
    assert "***" in everything
