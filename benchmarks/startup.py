"""Start-up cost of ``pxl10n --help`` against a bare ``python -c pass``.

translate-toolkit and the other heavy modules are imported only by the commands
that use them, so ``--help`` should stay within 5x the interpreter's own start-up.
Prints the best of N runs of each, the ratio, and which heavy modules ``--help``
pulled in (there should be none).

    python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

GOAL = 5.0
HEAVY = ("translate", "httpx", "git", "werkzeug", "lxml")


def best_of(runs: int, argv: list[str]) -> float:
    """The fastest wall time of ``runs`` runs of ``argv`` (the least disturbed by other load)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def heavy_imports() -> list[str]:
    """Heavy top-level packages loaded by the --help path."""
    code = (
        "import contextlib, io, sys\nfrom pxl10n.cli import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    cli.main(['--help'], standalone_mode=False)\n"
        f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return out.split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    bare = best_of(args.runs, [sys.executable, "-c", "pass"])
    helped = best_of(args.runs, [sys.executable, "-m", "pxl10n", "--help"])
    ratio = helped / bare
    print(f"python -c pass : {bare * 1000:7.1f} ms (best of {args.runs})")
    print(f"pxl10n --help  : {helped * 1000:7.1f} ms (best of {args.runs})")
    print(f"ratio          : {ratio:7.2f}x (goal: within {GOAL:g}x)")
    loaded = heavy_imports()
    print(f"heavy modules loaded by --help: {', '.join(loaded) or 'none'}")
    return 0 if ratio <= GOAL and not loaded else 1


if __name__ == "__main__":
    sys.exit(main())
