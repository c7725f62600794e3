"""Peak memory of `pxl10n pull` when PX sends oversized exports at full concurrency.

The emulator runs in a process of its own (so its memory is not counted: a forked
child's peak starts at its parent's size); each pull runs as its own child
process (`python -m pxl10n pull`, the shipped concurrency of 32) and its peak
resident memory is read from the kernel (``wait4`` rusage). Scenarios: a normal pull (the
baseline), then N items answering with a 200 MB streamed body ("huge"), a zip
inflating to 200 MB ("bomb"), a valid 24 MB XLIFF document ("bigdoc"), and all
three mixed. Prints each peak beside the baseline and the 300 MB goal.

    python benchmarks/pull_memory.py              # 1, 4, 16 and 32 oversized exports
    python benchmarks/pull_memory.py --counts 16  # one size only
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path

KEY = "bench-memory-key"
GOAL_MB = 300.0
CONFIG = """[px]
base_url = "{base_url}"
retries = 1
backoff = 0.01

[project]
source_locale = "en-US"
locales = ["fr-FR", "de-DE"]
directory = "l10n"
"""


def _peak_mb(project: Path, env: dict[str, str]) -> tuple[float, int]:
    """Run one pull in a child process; its peak RSS in MB and its exit code."""
    with open(os.devnull, "wb") as devnull:
        child = subprocess.Popen([sys.executable, "-m", "pxl10n", "-q", "pull", "--no-commit"], cwd=project, env=env, stdout=devnull, stderr=devnull)
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, child.returncode


def _serve(conn: Connection) -> None:
    """The emulator, taking (item ids, faults) per scenario over a pipe."""
    from pxl10n.emulator.server import EmulatorServer

    with EmulatorServer(KEY) as server:
        items = [item.id for kind in ("engagement", "kcbot", "article") for item in server.store.items(kind) if item.localizable]
        conn.send((server.base_url, items))
        while (command := conn.recv()) is not None:
            server.faults.clear()
            for item_id, fault in command:
                server.faults.item(item_id, fault)
            conn.send(True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 4, 16, 32], help="How many oversized exports per scenario.")
    args = parser.parse_args()
    env = {**os.environ, "PX_API_KEY": KEY}
    conn, child_end = mp.get_context("spawn").Pipe()
    server = mp.get_context("spawn").Process(target=_serve, args=(child_end,), daemon=True)
    server.start()
    base_url, items = conn.recv()
    with tempfile.TemporaryDirectory() as tmp:
        rows: list[tuple[str, int, float, int]] = []

        def scenario(name: str, count: int, faults: list[str]) -> None:
            project = Path(tmp) / f"{name}-{count}"
            project.mkdir()
            (project / "pxl10n.toml").write_text(CONFIG.format(base_url=base_url), encoding="utf-8")
            conn.send([(item_id, faults[index % len(faults)]) for index, item_id in enumerate(items[:count])])
            conn.recv()
            peak, code = _peak_mb(project, env)
            rows.append((name, count, peak, code))
            print(f"  {name:<8} x{count:<3} peak {peak:7.1f} MB  exit {code}", file=sys.stderr, flush=True)

        scenario("baseline", 0, [])
        for count in args.counts:
            count = min(count, len(items))
            for name, faults in (("huge", ["huge"]), ("bomb", ["bomb"]), ("bigdoc", ["bigdoc"]), ("mixed", ["huge", "bomb", "bigdoc"])):
                scenario(name, count, faults)
    conn.send(None)
    server.join(10)
    baseline = rows[0][2]
    print(f"pull peak memory, concurrency 32, {len(items)} items x 2 locales (goal < {GOAL_MB:.0f} MB)")
    print(f"{'scenario':<10}{'oversized':>10}{'peak MB':>10}{'x baseline':>12}{'exit':>6}  goal")
    for name, count, peak, code in rows:
        verdict = "ok" if peak < GOAL_MB else "OVER"
        print(f"{name:<10}{count:>10}{peak:>10.1f}{peak / baseline:>12.2f}{code:>6}  {verdict}")
    worst = max(peak for _, _, peak, _ in rows)
    print(f"worst peak {worst:.1f} MB = {worst / baseline:.2f} x baseline ({baseline:.1f} MB); goal {'met' if worst < GOAL_MB else 'NOT met'}")


if __name__ == "__main__":
    main()
