"""How close does `pxl10n push` get to PX's rate limit under real latency?

Pulls a synthetic subscription (200 items x 3 locales by default) from the emulator
running in its own process (so client and server do not share a GIL), with 50 ms of
latency on every answer and a 200 requests/s ceiling that answers 429 above it,
translates every file, then pushes them all. Each file costs push a look at PX's
copy, the import and the re-export it records; the run prints the achieved request
rate beside the ceiling and beside a one-request-at-a-time push of the same kind of
files (a fourth locale of its own), measured in the same run, and the share of
requests answered 429. The timed window is the whole push: planning and
validating every file before the first import counts against the rate.

    python benchmarks/push_rate.py              # the full run (~30 s)
    python benchmarks/push_rate.py --items 50   # quicker
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from lxml import etree
from px_process import KEY, Served, served
from px_process import settings as _settings

from pxl10n.config import Settings
from pxl10n.console import Console
from pxl10n.px.client import PXClient
from pxl10n.px.kinds import KINDS
from pxl10n.sync.pull import pull
from pxl10n.sync.push import push
from pxl10n.sync.selection import Selection
from pxl10n.xliff import namespaces as ns
from pxl10n.xliff.io import parse


def _translate_all(directory: Path) -> int:
    """A target for every source of every pulled file (2.0): the source with a marker, so every file changed."""
    files = 0
    for path in sorted(directory.rglob("*.xlf")):
        tree = parse(path.read_bytes())
        for segment in tree.getroot().iter(f"{{{ns.XLIFF20}}}segment"):
            source = segment.find(f"{{{ns.XLIFF20}}}source")
            target = segment.find(f"{{{ns.XLIFF20}}}target")
            if source is None or target is not None:
                continue
            target = etree.SubElement(segment, f"{{{ns.XLIFF20}}}target")
            target.text = f"[t] {source.text or ''}"
            for child in source:
                target.append(etree.fromstring(etree.tostring(child)))
        path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
        files += 1
    return files


def _run(px: Served, settings: Settings, ids: tuple[str, ...] = ()) -> tuple[float, float, int, int, int, int]:
    """Pull (not timed), translate, a dry run (timed: the planning and validation a push does before its first
    request), push (timed): both durations, requests, 429s, files pushed, files not pushed."""
    with PXClient(px.base_url, KEY, rate_limit=settings.rate_limit, concurrency=settings.concurrency) as client:
        pull(settings, Selection(ids=ids), console=Console(quiet=True), commit=False, client=client)
    _translate_all(settings.directory)
    started = time.perf_counter()
    push(settings, Selection(ids=ids), console=Console(quiet=True), dry_run=True, commit=False)
    planning = time.perf_counter() - started
    px.reset()
    client = PXClient(px.base_url, KEY, rate_limit=settings.rate_limit, concurrency=settings.concurrency)
    started = time.perf_counter()
    with client:
        result = push(settings, Selection(ids=ids), console=Console(quiet=True), commit=False, client=client)
    elapsed = time.perf_counter() - started
    stats = px.stats()
    return elapsed, planning, stats["total"], stats["throttled"], len(result.landed), len(result.failed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=200, help="items in the synthetic subscription")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every answer")
    parser.add_argument("--ceiling", type=float, default=200.0, help="server rate limit, requests/s")
    parser.add_argument("--baseline-items", type=int, default=20, help="items pushed one request at a time for the baseline")
    args = parser.parse_args()
    locales = ["fr-FR", "de-DE", "ja-JP", "es-ES"]  # the first for the baseline, the rest for the full push

    with served(args.items, locales, args.latency, args.ceiling) as px, tempfile.TemporaryDirectory() as tmp:
        # The baseline has a locale of its own: a file pushed once is unchanged for the other run.
        baseline = replace(_settings(Path(tmp) / "base", px.base_url, locales[:1]), concurrency=1, kinds=("engagement",))
        with PXClient(px.base_url, KEY) as listing:
            ids = tuple(item.id for item in listing.list(KINDS["engagement"]) if item.localizable)[: args.baseline_items]
        b_elapsed, _, b_total, _, b_landed, _ = _run(px, baseline, ids)
        b_rate = b_total / b_elapsed

        elapsed, planning, total, throttled, landed, failed = _run(px, _settings(Path(tmp) / "full", px.base_url, locales[1:]))
        rate = total / elapsed

    print(f"push of {args.items} items x {len(locales) - 1} locales, {args.latency * 1000:.0f} ms latency, server ceiling {args.ceiling:.0f}/s")
    print(f"  pxl10n push:      {landed} files, {total} requests in {elapsed:.2f} s = {rate:.1f} req/s "
          f"({rate / args.ceiling:.0%} of the ceiling), {total / max(landed, 1):.1f} requests a file, "
          f"429s: {throttled} ({throttled / max(total, 1):.2%}), files not pushed: {failed}")
    print(f"  of which planning and validation (a dry run, no request): {planning:.2f} s; "
          f"the rest at {total / max(elapsed - planning, 1e-9):.1f} req/s ({total / max(elapsed - planning, 1e-9) / args.ceiling:.0%} of the ceiling)")
    print(f"  one at a time:    {b_landed} files, {b_total} requests in {b_elapsed:.2f} s = {b_rate:.1f} req/s")
    print(f"  ratio vs ceiling: {rate / args.ceiling:.2f}   speed-up vs one at a time: {rate / b_rate:.1f}x")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
