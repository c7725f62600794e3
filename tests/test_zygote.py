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


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["pull", "--frobnicate"], ["status", "--format", "json"], ["validate", "--format", "json"],
                                  ["-v", "pull", "--dry-run", "--format", "json"], ["status", "--remote", "--format", "json"]])
def test_a_forked_run_answers_as_a_fresh_one(zygote: Zygote, pulled: Path, emulator: EmulatorServer, args: list[str]) -> None:
    """One request at a time (``concurrency = 1``): with more, the order of what a pull reports differs from run to run, fresh or forked."""
    write_config(pulled, emulator.base_url, content=content_entries(emulator), concurrency=1)
    broken = next((pulled / "l10n" / "fr-FR" / "article").glob("*.xlf"))
    broken.write_text(broken.read_text(encoding="utf-8").replace("<source>", "<source><x>", 1), encoding="utf-8")  # one invalid file: exit 1
    article = emulator.store.items("article")[0]
    article.units[next(iter(article.units))] = "changed in PX"  # something for pull --dry-run to report
    fresh, forked = _both(zygote, args, pulled, _env(PX_API_KEY=API_KEY))
    _same(fresh, forked)
    if args[0] == "validate":
        assert fresh.returncode == 1 and json.loads(fresh.stdout)["summary"]["errors"] >= 1


def test_a_forked_run_has_its_own_cwd_env_and_stdin(zygote: Zygote, tmp_path: Path) -> None:
    """No config where it runs, a key with a line break, a config path in the env: the same refusal, byte for byte."""
    for env in (_env(PX_API_KEY=""), _env(PX_API_KEY="two\nlines")):
        fresh, forked = _both(zygote, ["pull"], tmp_path, env)
        assert fresh.returncode == 2
        _same(fresh, forked)
    forked = subprocess.run([str(zygote.client), "init", "--help"], cwd=tmp_path, env=_env(), input=b"", capture_output=True, timeout=60)
    assert forked.returncode == 0 and b"init" in forked.stdout


def test_ctrl_c_reaches_a_forked_run_as_it_reaches_a_fresh_one(zygote: Zygote, pulled: Path, emulator: EmulatorServer) -> None:
    """SIGINT to the client (what a runner or a shell sends) stops the run hung on a stalled export: 130 and the same words."""
    emulator.faults.wire, emulator.faults.wire_prefix = "stall", "/v1/localization/export"
    emulator.faults.stall_seconds = 120
    endings = []
    for command in (CONSOLE_SCRIPT, str(zygote.client)):
        seen = emulator.stats.by_path.get("/v1/kcbot", 0)
        child = subprocess.Popen([command, "pull"], cwd=pulled, env=_env(PX_API_KEY=API_KEY), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while emulator.stats.by_path.get("/v1/kcbot", 0) == seen and child.poll() is None:  # until the run is listing PX
            time.sleep(0.02)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=30)
        endings.append((child.returncode, b"interrupted; re-run the same command to finish" in err, b"Traceback" in err))
    emulator.faults.clear()
    assert endings == [(130, True, False), (130, True, False)], endings
