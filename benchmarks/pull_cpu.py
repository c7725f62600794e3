"""CPU of one in-process `pxl10n pull` against the emulator: per request and per file.

The test suite is CPU-bound on in-process pulls and pushes against the emulator, so
this measures what one costs: client, emulator and the pull's own work together
(``time.process_time`` counts every thread of the process), for a full pull of the
emulator's default store and for a no-op pull right after it. Each figure is the
least of ``--runs`` runs (a loaded machine only adds to the others), divided by the
requests the emulator counted and by the files pulled.

    python benchmarks/pull_cpu.py            # 7 runs
    python benchmarks/pull_cpu.py --runs 15
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from pxl10n.cli import cli
from pxl10n.emulator.server import EmulatorServer

KEY = "bench-cpu-key"
CONFIG = """[px]
base_url = "{base_url}"
rate_limit = 2000

[project]
source_locale = "en-US"
locales = ["fr-FR", "de-DE"]
directory = "l10n"
{content}"""


def _project(server: EmulatorServer) -> Path:
    root = Path(tempfile.mkdtemp(prefix="pxl10n-pull-cpu-"))
    content = "".join(f'\n[[content]]\nid = "{item.id}"\ntype = "{item.type}"\n'
                      for item in server.store.items("content") if item.type is not None)
    (root / "pxl10n.toml").write_text(CONFIG.format(base_url=server.base_url, content=content), encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _pull(server: EmulatorServer) -> tuple[float, int]:
    """CPU seconds of one pull in the current directory, and the requests it made."""
    before = server.stats.snapshot()["total"]
    started = time.process_time()
    result = CliRunner().invoke(cli, ["pull", "--no-commit"], catch_exceptions=False)
    cpu = time.process_time() - started
    if result.exit_code != 0:
        raise SystemExit(f"pull failed ({result.exit_code}): {result.output}")
    return cpu, server.stats.snapshot()["total"] - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ["PX_API_KEY"] = KEY
    full: list[tuple[float, int]] = []
    noop: list[tuple[float, int]] = []
    files = 0
    here = Path.cwd()
    with EmulatorServer(KEY) as server:
        for _ in range(args.runs):
            root = _project(server.reset())
            os.chdir(root)
            try:
                with contextlib.redirect_stderr(io.StringIO()):
                    full.append(_pull(server))
                    files = sum(1 for path in (root / "l10n").rglob("*") if path.is_file())
                    noop.append(_pull(server))
            finally:
                os.chdir(here)
    for name, runs in (("full pull", full), ("no-op pull", noop)):
        cpu, requests = min(runs)
        print(f"{name:>10}: {cpu:.3f} CPU-s (least of {len(runs)}), {requests} requests, "
              f"{cpu / requests * 1e3:.2f} ms/request, {cpu / max(1, files) * 1e3:.2f} ms/file ({files} files)")


if __name__ == "__main__":
    main()
