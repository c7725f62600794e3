"""Run pxl10n the two ways a user does: the CLI in-process, or ``python -m pxl10n`` in a child."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result


def run(*args: str) -> Result:
    """Invoke the CLI in-process, as a user would type it."""
    from pxl10n.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_subprocess(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m pxl10n`` in a child process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "pxl10n", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)
