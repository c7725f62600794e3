"""What a push did, read the way the tests check it: the CLI's JSON, per-file results, what PX received."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from pxl10n.emulator.server import EmulatorServer

from .cli import run


def push_json(*args: str) -> tuple[int, dict[str, Any]]:
    """``pxl10n push --format json`` in-process: exit code and the parsed summary."""
    result = run("push", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def results(summary: dict[str, Any]) -> dict[str, str]:
    """path -> result of every file in a push summary."""
    return {f["path"]: f["result"] for f in summary["files"]}


def landed(emulator: EmulatorServer) -> Counter[tuple[str, str | None, str | None]]:
    """(kind, id, locale) -> how many imports PX accepted (201) for it."""
    return Counter((r.kind, r.id, r.locale) for r in emulator.store.imports(201))
