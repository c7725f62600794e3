"""Servers that stall, trickle or reset: every call ends by its deadline with a line saying how long and why."""

from __future__ import annotations

import os
import signal
import subprocess
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
from .helpers.zygote import Zygote

EXPORT = "/v1/localization/export"
LISTINGS = ("/v1/engagement", "/v1/kcbot", "/v1/articles")


@pytest.fixture
def item_id(emulator: EmulatorServer) -> Iterator[str]:
    yield next(item.id for item in emulator.store.items("article"))
    emulator.faults.clear()


def _export(emulator: EmulatorServer, item_id: str, **limits: float) -> TransportError:
    with PXClient(emulator.base_url, API_KEY, backoff=0.01, **limits) as client, pytest.raises(TransportError) as info:  # type: ignore[arg-type]
        client.export(KINDS["article"], item_id, {"trgLang": "fr-FR"})
    return info.value


#: call deadlines for the endings by the deadline, shortest first: the answer's headers must arrive before it passes
#: (else the message is rightly another: no data within the read timeout), which a loaded machine may not manage in 1 s
CALL_DEADLINES = (1.0, 2.0, 4.0)


@pytest.mark.parametrize(
    ("wire", "read_timeout", "why", "ends_by"),
    [
        ("stall", 0.1, "no data within the 0.1 s read timeout", "retries"),
        ("stall-body", 0.1, "no data within the 0.1 s read timeout", "retries"),
        ("stall-body", 30, "still arriving when the deadline passed", "deadline"),
        ("trickle", 30, "still arriving when the deadline passed", "deadline"),
        ("reset", 30, "reset or closed mid-answer", "retries"),
    ],
)
def test_each_wire_fault_ends_by_its_limit_and_says_why(emulator: EmulatorServer, item_id: str, wire: str, read_timeout: float, why: str, ends_by: str) -> None:
    """Three 0.1 s read timeouts (or resets) end by the retries, whatever the call deadline (30 s: never reached);
    a body stalled or trickled after its headers ends by the call deadline, saying the answer was still arriving.

    The deadline ending needs the headers before the deadline: when they were not there
    (the message says no data came within the read timeout), the same call runs again
    with twice the deadline; the test passes only on the ending it is about.
    """
    emulator.faults.wire, emulator.faults.wire_prefix = wire, EXPORT
    emulator.faults.trickle_interval = 0.05
    if ends_by == "retries":
        error = _export(emulator, item_id, timeout=read_timeout, call_deadline=30, retries=2)
        limit = "px.retries = 2"
    else:
        for call_deadline in CALL_DEADLINES:
            error = _export(emulator, item_id, timeout=read_timeout, call_deadline=call_deadline, retries=2)
            limit = f"px.call_deadline = {call_deadline:g} s"
            if f"no data within the {read_timeout:g} s read timeout" not in str(error):
                break
            emulator.faults.clear()  # the stalled answer ends: the next call starts on an idle server
            assert emulator._in_flight.wait_idle(30)
            emulator.faults.wire, emulator.faults.wire_prefix = wire, EXPORT
            emulator.faults.trickle_interval = 0.05
    message = str(error)
    assert f"PX did not answer export of article {item_id}" in message
    assert why in message and limit in message and " over " in message, message
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
    while not _in_flight(emulator) and worker.is_alive():
        time.sleep(0.02)
    client.abort()
    worker.join(10)
    client.close()
    assert not worker.is_alive()
    assert errors and "interrupted" in str(errors[0])


def _in_flight(emulator: EmulatorServer) -> bool:
    """A request in the server's hands (held by the stall): the client is waiting for its answer."""
    return not emulator._in_flight.wait_idle(0)


def test_pull_says_waiting_for_px_while_it_retries(project: Path, emulator: EmulatorServer) -> None:
    emulator.faults.storm(4, 503, prefix="/v1/engagement")
    result = run("pull")
    assert result.exit_code == 0, result.output
    assert "waiting for PX: listing engagements (page 0); PX answered 503" in result.stderr


def test_pull_against_a_stalled_px_ends_with_how_long_and_why(pulled: Path, emulator: EmulatorServer) -> None:
    project = pulled
    before = snapshot(project)
    write_config(project, emulator.base_url, extra="")
    (project / "pxl10n.toml").write_text((project / "pxl10n.toml").read_text().replace("retries = 8", "retries = 1\ntimeout = 0.1\ncall_deadline = 1\nrun_deadline = 5"))
    emulator.faults.wire = "stall"
    result = run("pull", "--kind", "article")
    assert result.exit_code == 1
    assert "PX did not answer listing articles (page 0): no data within the 0.1 s read timeout" in result.stderr
    assert one_line_errors(result.stderr)
    assert {k: v for k, v in snapshot(project).items() if k != "pxl10n.toml"} == {k: v for k, v in before.items() if k != "pxl10n.toml"}


def test_ctrl_c_on_a_hung_pull_returns_without_waiting_for_the_server(project: Path, emulator: EmulatorServer, zygote: Zygote) -> None:
    """A real child (forked by the zygote; its client passes SIGINT on, as a terminal sends it) hung on a stalled export."""
    emulator.faults.wire, emulator.faults.wire_prefix = "stall", EXPORT
    emulator.faults.stall_seconds = 120
    child = subprocess.Popen([str(zygote.client), "pull"], cwd=project, env={**os.environ, "PX_API_KEY": API_KEY},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # every kind listed, and a request in the server's hands: an export, held by the stall
    while not (all(emulator.stats.by_path.get(path, 0) for path in LISTINGS) and _in_flight(emulator)) and child.poll() is None:
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    try:
        _, stderr = child.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail("pull did not return after Ctrl-C")
    finally:
        emulator.faults.clear()
    assert child.returncode == 130
    assert "exporting" in stderr and "interrupted; re-run the same command to finish" in stderr
    assert "Traceback" not in stderr
