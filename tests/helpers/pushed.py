"""What a push did, read the way the tests check it: the CLI's JSON, per-file results, what PX received."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, cast

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import STATE_NAME, FileKey

from .cli import run
from .pulled import l10n

IMPORT_PREFIX = "/v1/localization/import"


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


def import_requests(emulator: EmulatorServer) -> int:
    """How many import requests PX received (accepted or not), retries included."""
    return sum(n for path, n in emulator.stats.snapshot()["by_path"].items() if path.startswith(IMPORT_PREFIX))


def state_entry(root: Path, key: FileKey) -> dict[str, Any]:
    """The state file's record of ``key``."""
    return cast(dict[str, Any], json.loads((l10n(root) / STATE_NAME).read_text())["files"][key.relpath()])
