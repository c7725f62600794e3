"""translate-toolkit is imported only by the commands that use it (the start-up cost is in benchmarks/startup.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import contextlib, io, sys
from pxl10n.cli import cli
with contextlib.redirect_stdout(io.StringIO()):
    try:
        cli.main({args!r}, standalone_mode=False)
    except SystemExit:
        pass
print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'translate', 'rapidfuzz', 'lxml', 'httpx', 'git'}}))
"""


@pytest.mark.parametrize("args", [["--help"], ["leverage", "--help"], ["tm", "export", "--help"], ["pseudo", "--help"], ["status", "--help"]])
def test_help_loads_no_heavy_module(args: list[str]) -> None:
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
