"""The command tree: help everywhere, version, the demo as a smoke test."""

from __future__ import annotations

import click
import pytest

from pxl10n import __version__
from pxl10n.cli import cli

from .helpers.cli import run, run_subprocess


def commands() -> list[str]:
    return sorted(cli.commands)


def test_contract_commands_exist() -> None:
    assert {"init", "pull", "push", "validate", "status", "emulator", "demo"} <= set(commands())


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help(name: str) -> None:
    command = cli.commands[name]
    assert command.help and len(command.help) > 20
    result = run(name, "--help")
    assert result.exit_code == 0 and "Usage: " in result.output
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{name} {param.opts} has no help"


def test_version_and_global_options() -> None:
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output
    assert all(opt in run("--help").output for opt in ("--config", "--verbose", "--quiet"))


def test_unknown_option_is_a_usage_error() -> None:
    assert run("pull", "--frobnicate").exit_code == 2


def test_python_dash_m_and_demo(tmp_path) -> None:
    result = run_subprocess("demo", cwd=tmp_path, env={"PX_API_KEY": ""})
    assert result.returncode == 0, result.stderr
    assert "second pull changed 0" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())
