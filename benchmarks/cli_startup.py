"""What ``pxl10n --help`` costs to start, beside a bare ``python -c pass``, and what it imports.

Every command pays the start-up before it does anything, and a CI job runs
several; heavy libraries (lxml, httpx, GitPython, translate-toolkit) belong to
the commands that use them, imported lazily. In one run this prints

* the CPU time (user+sys of the child process) and the wall time of each, the
  best of ``--runs`` runs, and their ratios (CPU is what to compare on a shared
  machine: other load adds wall time, not the child's CPU);
* how many modules ``--help`` imports beyond the interpreter's own start-up,
  from ``python -X importtime``, the most expensive of them (cumulative
  microseconds as importtime reports them), and the heavy ones that should not
  be there.

It exits 1 when a heavy module is imported or the CPU ratio is above the goal.

    python benchmarks/cli_startup.py [--runs 15] [--top 10]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

GOAL = 5.0
#: Top-level packages ``--help`` must not import.
HEAVY = ("lxml", "httpx", "git", "translate", "werkzeug", "rapidfuzz")


def help_argv() -> list[str]:
    """How to run ``pxl10n`` with this interpreter: its console script when installed, else ``-m pxl10n``."""
    script = Path(sys.executable).with_name("pxl10n")
    if not script.exists():
        found = shutil.which("pxl10n")
        script = Path(found) if found else script
    return [str(script)] if script.exists() else ["-m", "pxl10n"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best_of(runs: int, args: list[str]) -> tuple[float, float]:
    """The least CPU seconds and the least wall seconds of ``runs`` runs of ``python args``."""
    cpu = wall = float("inf")
    for _ in range(runs):
        before, start = _children_cpu(), time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, _children_cpu() - before)
    return cpu, wall


def imports(args: list[str]) -> dict[str, int]:
    """Module -> cumulative import microseconds, as ``python -X importtime args`` reports them."""
    err = subprocess.run([sys.executable, "-X", "importtime", *args], check=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True).stderr
    found: dict[str, int] = {}
    for line in err.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (cell.strip() for cell in line[len("import time:"):].split("|"))
        if cumulative.isdigit():
            found[name] = int(cumulative)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command; the best is kept (default 15)")
    parser.add_argument("--top", type=int, default=10, help="how many of the costliest imports to list (default 10)")
    args = parser.parse_args(argv)
    pxl10n = [*help_argv(), "--help"]
    bare_cpu, bare_wall = best_of(args.runs, ["-c", "pass"])
    help_cpu, help_wall = best_of(args.runs, pxl10n)
    print(f"{'command':<16} {'cpu ms':>8} {'wall ms':>8}   (best of {args.runs})")
    print(f"{'python -c pass':<16} {bare_cpu * 1000:>8.1f} {bare_wall * 1000:>8.1f}")
    print(f"{'pxl10n --help':<16} {help_cpu * 1000:>8.1f} {help_wall * 1000:>8.1f}")
    cpu_ratio = help_cpu / bare_cpu if bare_cpu else float("inf")
    print(f"{'ratio':<16} {cpu_ratio:>7.2f}x {help_wall / bare_wall:>7.2f}x   (goal: CPU within {GOAL:g}x)")
    base = imports(["-c", "pass"])
    loaded = {name: us for name, us in imports(pxl10n).items() if name not in base}
    print(f"modules imported by --help beyond python's own start-up: {len(loaded)}")
    roots = {name.split(".")[0]: us for name, us in loaded.items() if "." not in name}
    for name, us in sorted(roots.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {name:<24} {us / 1000:>7.1f} ms cumulative")
    heavy = sorted({name.split(".")[0] for name in loaded} & set(HEAVY))
    print(f"heavy modules imported by --help: {', '.join(heavy) or 'none'}")
    return 0 if cpu_ratio <= GOAL and not heavy else 1


if __name__ == "__main__":
    sys.exit(main())
