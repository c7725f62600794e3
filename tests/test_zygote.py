"""The test zygote (tests/helpers/zygote.py) runs pxl10n as a fresh process would: same answers, own process, signals.

Every case runs the same command twice in the same place, once by the real console
script in a fresh interpreter and once forked from the zygote, and compares exit code,
stdout and stderr byte for byte.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pxl10n.emulator.server import EmulatorServer

from .helpers.project import API_KEY, content_entries, write_config
from .helpers.zygote import Zygote

CONSOLE_SCRIPT = str(Path(sys.executable).parent / "pxl10n")
LISTINGS = ("/v1/engagement", "/v1/kcbot", "/v1/articles")


@pytest.fixture(scope="module")
def zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    server = Zygote(tmp_path_factory.mktemp("zygote"))
    yield server
    server.close()


def _env(**extra: str) -> dict[str, str]:
    """A runner-like environment: nothing of this test process's PYTHON* settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")} | extra


def _both(zygote: Zygote, args: list[str], cwd: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[bytes], subprocess.CompletedProcess[bytes]]:
    fresh = subprocess.run([CONSOLE_SCRIPT, *args], cwd=cwd, env=env, capture_output=True, timeout=120)
    forked = subprocess.run([str(zygote.client), *args], cwd=cwd, env=env, capture_output=True, timeout=120)
    return fresh, forked


def _same(fresh: subprocess.CompletedProcess[bytes], forked: subprocess.CompletedProcess[bytes]) -> None:
    assert forked.returncode == fresh.returncode
    assert forked.stdout.decode("utf-8", "replace").splitlines() == fresh.stdout.decode("utf-8", "replace").splitlines()
    assert forked.stderr.decode("utf-8", "replace").splitlines() == fresh.stderr.decode("utf-8", "replace").splitlines()
    assert (forked.stdout, forked.stderr) == (fresh.stdout, fresh.stderr)


#: the entry point, a usage error (2), findings (1) in JSON, a dry-run pull over HTTP and git, a local status
COMMANDS = [["--version"], ["pull", "--frobnicate"], ["validate", "--format", "json"], ["-v", "pull", "--dry-run", "--format", "json"],
            ["status", "--format", "json"]]


def test_a_forked_run_answers_as_a_fresh_one(zygote: Zygote, pulled: Path, emulator: EmulatorServer) -> None:
    """One request at a time (``concurrency = 1``): with more, the order of what a pull reports differs from run to run, fresh or forked."""
    write_config(pulled, emulator.base_url, content=content_entries(emulator), concurrency=1)
    broken = next((pulled / "l10n" / "fr-FR" / "article").glob("*.xlf"))
    broken.write_text(broken.read_text(encoding="utf-8").replace("<source>", "<source><x>", 1), encoding="utf-8")  # one invalid file: exit 1
    article = emulator.store.items("article")[0]
    article.units[next(iter(article.units))] = "changed in PX"  # something for pull --dry-run to report
    codes = []
    for args in COMMANDS:  # none of them writes: each sees the same tree
        fresh, forked = _both(zygote, args, pulled, _env(PX_API_KEY=API_KEY))
        _same(fresh, forked)
        codes.append(fresh.returncode)
        if args[0] == "validate":
            assert json.loads(fresh.stdout)["summary"]["errors"] >= 1
    assert codes == [0, 2, 1, 0, 0]


def test_a_forked_run_has_its_own_cwd_env_and_stdin(zygote: Zygote, tmp_path: Path) -> None:
    """No config where it runs, a key with a line break, a config path in the env: the same refusal, byte for byte."""
    for env in (_env(PX_API_KEY=""), _env(PX_API_KEY="two\nlines")):
        fresh, forked = _both(zygote, ["pull"], tmp_path, env)
        assert fresh.returncode == 2
        _same(fresh, forked)
    forked = subprocess.run([str(zygote.client), "init", "--help"], cwd=tmp_path, env=_env(), input=b"", capture_output=True, timeout=60)
    assert forked.returncode == 0 and b"init" in forked.stdout


def test_a_signal_reaches_a_forked_run_as_it_reaches_a_fresh_one(zygote: Zygote, pulled: Path, emulator: EmulatorServer) -> None:
    """SIGTERM to the client (what a runner sends to cancel a step) ends the run held by a stalled export; both die by it."""
    endings = []
    for command in (CONSOLE_SCRIPT, str(zygote.client)):
        emulator.faults.wire, emulator.faults.wire_prefix = "stall", "/v1/localization/export"
        emulator.faults.stall_seconds = 120
        listed = {path: emulator.stats.by_path.get(path, 0) for path in LISTINGS}
        child = subprocess.Popen([command, "pull"], cwd=pulled, env=_env(PX_API_KEY=API_KEY), stdout=subprocess.PIPE, stderr=subprocess.PIPE)

        def exporting(listed: dict[str, int] = listed) -> bool:
            """Every kind listed, and a request in flight: an export, held by the stall (the server's count of requests in hand)."""
            return all(emulator.stats.by_path.get(path, 0) > n for path, n in listed.items()) and not emulator._in_flight.wait_idle(0)

        while not exporting() and child.poll() is None:
            time.sleep(0.02)
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=60)
        endings.append((child.returncode, b"exporting 68 file(s)" in err, b"Traceback" in err))
        emulator.faults.clear()  # releases the stalled answer: the next run starts on an idle server
        assert emulator._in_flight.wait_idle(30)
    assert endings == [(-signal.SIGTERM, True, False), (-signal.SIGTERM, True, False)]


def test_start_gives_the_run_its_own_pid_and_a_sigkill_to_it_ends_it(zygote: Zygote, pulled: Path, emulator: EmulatorServer) -> None:
    """``Zygote.start`` names the run itself, not the client: the pid the run writes into its lock, killed for real by SIGKILL."""
    from pxl10n.sync import lock

    emulator.faults.wire, emulator.faults.wire_prefix = "stall", "/v1/localization/export"
    emulator.faults.stall_seconds = 120
    git_dir = pulled / ".git"
    others = set(git_dir.glob("pxl10n-*.lock"))  # the template's pull left its own (another directory's) lock file
    started = zygote.start(["pull"], cwd=pulled, env=_env(PX_API_KEY=API_KEY), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert started.pid != started.client.pid
    holder = ""
    while f"(pid {started.pid})" not in holder and started.client.poll() is None:
        time.sleep(0.02)
        holder = " ".join(p.read_text() for p in set(git_dir.glob("pxl10n-*.lock")) - others)
    assert holder == f"pxl10n pull (pid {started.pid})", started.client.communicate()  # the run holds the lock: the pid is the run's
    assert started.kill() == -signal.SIGKILL  # the client ends as the run did
    assert started.client.stderr is not None
    started.client.stderr.close()
    with pytest.raises(ProcessLookupError):
        os.kill(started.pid, 0)  # gone, and reaped
    assert started.kill() == -signal.SIGKILL  # a kill after the end reaches nothing (never a process that took its pid)
    emulator.faults.clear()
    assert emulator._in_flight.wait_idle(30)
    with lock.hold(pulled / "l10n", "check", git_dir):  # the OS dropped the dead run's lock
        pass


def test_a_run_that_kills_itself_ends_as_a_fresh_one_does(zygote: Zygote, pulled: Path, emulator: EmulatorServer) -> None:
    """A crash point (``PXL10N_CRASH_AT``, as the kill tests use it) by SIGKILL and by SIGINT: the same ending, byte for byte."""
    write_config(pulled, emulator.base_url, content=content_entries(emulator), concurrency=1)
    article = emulator.store.items("article")[0]
    article.units[next(iter(article.units))] = "changed in PX"  # a file to record: the point is reached, in every run
    endings = []
    for sig in ("KILL", "INT"):
        fresh, forked = _both(zygote, ["pull"], pulled, _env(PX_API_KEY=API_KEY, PXL10N_CRASH_AT=f"pull-recorded:1:{sig}"))
        _same(fresh, forked)
        endings.append(fresh.returncode)
    assert endings == [-signal.SIGKILL, 130]
