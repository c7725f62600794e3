"""Servers that stall, trickle or reset: every call ends by its deadline with a line saying how long and why."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.errors import TransportError
from pxl10n.px.client import PXClient
from pxl10n.px.kinds import KINDS

from .helpers.cli import run
from .helpers.hostile import one_line_errors, snapshot
from .helpers.project import API_KEY, write_config

EXPORT = "/v1/localization/export"


@pytest.fixture
def item_id(emulator: EmulatorServer) -> Iterator[str]:
    yield next(item.id for item in emulator.store.items("article"))
    emulator.faults.clear()


def _export(emulator: EmulatorServer, item_id: str, **limits: float) -> TransportError:
    with PXClient(emulator.base_url, API_KEY, backoff=0.01, **limits) as client, pytest.raises(TransportError) as info:  # type: ignore[arg-type]
        client.export(KINDS["article"], item_id, {"trgLang": "fr-FR"})
    return info.value


@pytest.mark.parametrize(
    ("wire", "read_timeout", "why", "limit"),
    [
        ("stall", 0.1, "no data within the 0.1 s read timeout", "px.retries = 2"),
        ("stall-body", 0.1, "no data within the 0.1 s read timeout", "px.retries = 2"),
        ("stall-body", 30, "still arriving when the deadline passed", "px.call_deadline = 1.5 s"),
        ("trickle", 30, "still arriving when the deadline passed", "px.call_deadline = 1.5 s"),
        ("reset", 30, "reset or closed mid-answer", "px.retries = 2"),
    ],
)
def test_each_wire_fault_ends_by_its_limit_and_says_why(emulator: EmulatorServer, item_id: str, wire: str, read_timeout: float, why: str, limit: str) -> None:
    """The smallest limits that keep the two endings apart: three 0.1 s read timeouts end well inside the 1.5 s call deadline (which a loaded machine needs to see the first bytes of a stalled body)."""
    emulator.faults.wire, emulator.faults.wire_prefix = wire, EXPORT
    emulator.faults.trickle_interval = 0.05
    error = _export(emulator, item_id, timeout=read_timeout, call_deadline=1.5, retries=2)
    message = str(error)
    assert f"PX did not answer export of article {item_id}" in message
    assert why in message and limit in message and " over " in message
    assert "\n" not in message


def test_the_run_deadline_covers_every_call(emulator: EmulatorServer, item_id: str) -> None:
    emulator.faults.wire, emulator.faults.wire_prefix = "stall", EXPORT
    with PXClient(emulator.base_url, API_KEY, timeout=0.1, call_deadline=60, run_deadline=0.5) as client:
        with pytest.raises(TransportError, match=r"px.run_deadline = 0.5 s"):
            client.export(KINDS["article"], item_id, {"trgLang": "fr-FR"})
        with pytest.raises(TransportError, match="not started: the run deadline of 0.5 s passed"):
            client.list(KINDS["kcbot"])


def test_abort_wakes_a_call_blocked_on_a_silent_server(emulator: EmulatorServer, item_id: str) -> None:
    import threading

    emulator.faults.wire, emulator.faults.wire_prefix = "stall", EXPORT
    client = PXClient(emulator.base_url, API_KEY, timeout=60, call_deadline=120)
    errors: list[Exception] = []

    def call() -> None:
        try:
            client.export(KINDS["article"], item_id, {"trgLang": "fr-FR"})
        except TransportError as exc:
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    while emulator.stats.total == 0 and not _in_flight(emulator):
        time.sleep(0.05)
    time.sleep(0.3)
    client.abort()
    worker.join(10)
    client.close()
    assert not worker.is_alive()
    assert errors and "interrupted" in str(errors[0])


def _in_flight(emulator: EmulatorServer) -> bool:
    return emulator.faults.wire_fault(EXPORT) == "stall"


def test_pull_says_waiting_for_px_while_it_retries(project: Path, emulator: EmulatorServer) -> None:
    emulator.faults.storm(4, 503, prefix="/v1/engagement")
    result = run("pull")
    assert result.exit_code == 0, result.output
    assert "waiting for PX: listing engagements (page 0); PX answered 503" in result.stderr


def test_pull_against_a_stalled_px_ends_with_how_long_and_why(project: Path, emulator: EmulatorServer) -> None:
    assert run("pull").exit_code == 0
    before = snapshot(project)
    write_config(project, emulator.base_url, extra="")
    (project / "pxl10n.toml").write_text((project / "pxl10n.toml").read_text().replace("retries = 8", "retries = 1\ntimeout = 0.1\ncall_deadline = 1\nrun_deadline = 5"))
    emulator.faults.wire = "stall"
    result = run("pull", "--kind", "article")
    assert result.exit_code == 1
    assert "PX did not answer listing articles (page 0): no data within the 0.1 s read timeout" in result.stderr
    assert one_line_errors(result.stderr)
    assert {k: v for k, v in snapshot(project).items() if k != "pxl10n.toml"} == {k: v for k, v in before.items() if k != "pxl10n.toml"}


def test_ctrl_c_on_a_hung_pull_returns_without_waiting_for_the_server(project: Path, emulator: EmulatorServer) -> None:
    emulator.faults.wire, emulator.faults.wire_prefix = "stall", EXPORT
    emulator.faults.stall_seconds = 120
    child = subprocess.Popen([sys.executable, "-m", "pxl10n", "pull"], cwd=project, env={**os.environ, "PX_API_KEY": API_KEY},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while emulator.stats.by_path.get("/v1/kcbot", 0) == 0 and child.poll() is None:
        time.sleep(0.05)
    time.sleep(1.0)
    child.send_signal(signal.SIGINT)
    try:
        _, stderr = child.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail("pull did not return after Ctrl-C")
    finally:
        emulator.faults.clear()
    assert child.returncode == 130
    assert "interrupted; re-run the same command to finish" in stderr
    assert "Traceback" not in stderr
