"""How close does `pxl10n pull` get to PX's rate limit under real latency?

Pulls a large synthetic subscription (400 items x 4 locales by default) from the
emulator running in its own process (so client and server do not share a GIL),
with 50 ms of latency on every answer and a 200 requests/s ceiling that answers
429 above it. Prints the achieved request rate beside the ceiling and beside a
one-request-at-a-time baseline measured in the same run, and the share of
requests answered 429.

    python benchmarks/pull_rate.py            # the full run (~20 s)
    python benchmarks/pull_rate.py --items 100  # quicker
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from px_process import KEY, Served, served
from px_process import settings as _settings

from pxl10n.config import Settings
from pxl10n.console import Console
from pxl10n.px.client import PXClient
from pxl10n.px.kinds import KINDS
from pxl10n.sync.pull import PullStatus, pull
from pxl10n.sync.selection import Selection


def _run(px: Served, settings: Settings, ids: tuple[str, ...] = ()) -> tuple[float, int, int, int]:
    px.reset()
    client = PXClient(px.base_url, KEY, rate_limit=settings.rate_limit, concurrency=settings.concurrency)
    started = time.perf_counter()
    with client:
        result = pull(settings, Selection(ids=ids), console=Console(quiet=True), commit=False, client=client)
    elapsed = time.perf_counter() - started
    stats = px.stats()
    failed = result.count(PullStatus.FAILED) + len(result.failures)
    return elapsed, stats["total"], stats["throttled"], failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=400, help="items in the synthetic subscription")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every answer")
    parser.add_argument("--ceiling", type=float, default=200.0, help="server rate limit, requests/s")
    parser.add_argument("--baseline-files", type=int, default=60, help="files pulled one request at a time for the baseline")
    args = parser.parse_args()
    locales = ["fr-FR", "de-DE", "ja-JP", "es-ES"]

    with served(args.items, locales, args.latency, args.ceiling) as px, tempfile.TemporaryDirectory() as tmp:
        elapsed, total, throttled, failed = _run(px, _settings(Path(tmp) / "full", px.base_url, locales))
        rate = total / elapsed

        baseline = replace(_settings(Path(tmp) / "base", px.base_url, locales[:1]), concurrency=1, kinds=("engagement",))
        with PXClient(px.base_url, KEY) as listing:
            ids = tuple(item.id for item in listing.list(KINDS["engagement"]) if item.localizable)[: args.baseline_files]
        b_elapsed, b_total, _, _ = _run(px, baseline, ids)
        b_rate = b_total / b_elapsed

    print(f"pull of {args.items} items x {len(locales)} locales, {args.latency * 1000:.0f} ms latency, server ceiling {args.ceiling:.0f}/s")
    print(f"  pxl10n pull:      {total} requests in {elapsed:.2f} s = {rate:.1f} req/s "
          f"({rate / args.ceiling:.0%} of the ceiling), 429s: {throttled} ({throttled / max(total, 1):.2%}), failed files: {failed}")
    print(f"  one at a time:    {b_total} requests in {b_elapsed:.2f} s = {b_rate:.1f} req/s")
    print(f"  ratio vs ceiling: {rate / args.ceiling:.2f}   speed-up vs one at a time: {rate / b_rate:.1f}x")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
