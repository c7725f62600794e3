"""translate-toolkit is imported only by the commands that use it (the start-up cost is in benchmarks/startup.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_the_merge_driver_loads_no_heavy_module(tmp_path: Path) -> None:
    """Git runs ``pxl10n merge-state`` once per merge of the state file: it reads JSON and writes JSON."""
    from dataclasses import replace

    from pxl10n.sync.state import FileState, UnitPrint, digest, dumps

    entry = FileState("article", "a", "fr-FR", "fr-FR", "2.0", None, pulled="h1", pulled_units={"t": UnitPrint(digest("T"), "-")})
    sides = [tmp_path / name for name in ("base", "ours", "theirs")]
    for side, pushed in zip(sides, (None, "h2", "h3"), strict=True):
        side.write_text(dumps({"fr-FR/article/a.xlf": replace(entry, pushed=pushed)}), encoding="utf-8")
    probe = PROBE.format(args=["merge-state", *map(str, sides)])
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert '"pulled_units": {"t": [' in sides[1].read_text(encoding="utf-8")
