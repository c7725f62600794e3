"""Does the emulator's injected latency overlap across connections, as PX's does?

Was a wall-clock assertion in tests/test_emulator.py (200 requests at 50 ms
latency from 50 threads in under 1.5 s); the test now checks the overlap itself
(``peak_concurrency``), and this prints the speed it buys: the same requests
from ``--threads`` threads over from one thread, in one run.

    python benchmarks/emulator_concurrency.py [--requests 200] [--threads 50] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from pxl10n.emulator.server import EmulatorServer

KEY = "bench-key"


def timed(server: EmulatorServer, requests: int, threads: int) -> float:
    """Seconds for ``requests`` GETs of the bot listing from ``threads`` threads."""
    server.reset()
    with httpx.Client(base_url=server.base_url, headers={"X-APTRINSIC-API-KEY": KEY},
                      limits=httpx.Limits(max_connections=threads)) as client:
        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            codes = list(pool.map(lambda _: client.get("/v1/kcbot").status_code, range(requests)))
        elapsed = time.perf_counter() - started
    if codes != [200] * requests:
        raise SystemExit(f"unexpected answers: {sorted(set(codes))}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the emulator adds to every answer")
    args = parser.parse_args()
    with EmulatorServer(KEY, latency=args.latency) as server:
        serial = timed(server, args.requests // 10, 1) * 10  # a tenth, scaled: the serial run is the slow one
        parallel = timed(server, args.requests, args.threads)
        peak = server.peak_concurrency
    print(f"{args.requests} requests at {args.latency * 1000:.0f} ms latency")
    print(f"  one thread (scaled from {args.requests // 10}): {serial:.2f} s")
    print(f"  {args.threads} threads: {parallel:.2f} s, at most {peak} handled at once")
    print(f"  speed-up: {serial / parallel:.1f}x (ideal {args.threads}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
