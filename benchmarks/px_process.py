"""The emulator in a process of its own, for the rate benchmarks (pull_rate, push_rate).

Client and server in one process would share a GIL, and the rate measured would be
the interpreter's, not pxl10n's pacing: so the emulator serves a synthetic
subscription from a spawned process, with latency and a rate ceiling, and answers
"stats" and "reset" over a pipe.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pxl10n.config import Settings

KEY = "bench-key"


def _serve(items: int, locales: list[str], latency: float, ceiling: float, conn: Connection) -> None:
    from pxl10n.emulator.server import EmulatorServer
    from pxl10n.emulator.store import Store

    with EmulatorServer(KEY, store=Store.synthetic(items, locales, seed=7), latency=latency, rate_limit=ceiling) as server:
        conn.send(server.base_url)
        while True:
            command = conn.recv()
            if command == "stats":
                conn.send(server.stats.snapshot())
            elif command == "reset":
                server.stats.reset()
                conn.send(True)
            else:
                return


@dataclass(frozen=True)
class Served:
    """The running emulator: where it listens, and its request counters."""

    base_url: str
    conn: Connection

    def reset(self) -> None:
        self.conn.send("reset")
        self.conn.recv()

    def stats(self) -> dict[str, Any]:
        self.conn.send("stats")
        stats: dict[str, Any] = self.conn.recv()
        return stats


@contextmanager
def served(items: int, locales: list[str], latency: float, ceiling: float) -> Iterator[Served]:
    """A synthetic subscription of ``items`` items in ``locales``, each answer ``latency`` s late, 429 above ``ceiling``/s."""
    parent, child = mp.Pipe()
    server = mp.get_context("spawn").Process(target=_serve, args=(items, locales, latency, ceiling, child), daemon=True)
    server.start()
    try:
        yield Served(parent.recv(), parent)
    finally:
        parent.send("stop")
        server.join(timeout=10)


def settings(directory: Path, base_url: str, locales: list[str]) -> Settings:
    """The shipped defaults (rate limit, concurrency), pointed at the emulator."""
    return Settings(path=None, source_locale="en-US", locales=tuple(locales), directory=directory, base_url=base_url,
                    kinds=("engagement", "kcbot", "article"))
