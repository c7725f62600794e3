"""Ctrl-C that returns at once: every live client is aborted before the interrupt travels.

A worker blocked on a silent server cannot see a KeyboardInterrupt (only the main
thread does), and the thread pool waits for it. :func:`handling` installs a SIGINT
handler that first aborts every registered client (their sockets are cut and their
waits end), then raises KeyboardInterrupt as usual, so the pool drains in moments.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import weakref
from collections.abc import Iterator
from types import FrameType
from typing import Protocol


class Abortable(Protocol):
    """Anything that can drop its work at once."""

    def abort(self) -> None: ...


_live: weakref.WeakSet[Abortable] = weakref.WeakSet()
_lock = threading.Lock()
_interrupted = threading.Event()


def interrupted() -> bool:
    """True once Ctrl-C was pressed inside :func:`handling` (workers check it while they wait)."""
    return _interrupted.is_set()


def register(target: Abortable) -> None:
    """Abort ``target`` on the next interrupt (held weakly)."""
    with _lock:
        _live.add(target)


def unregister(target: Abortable) -> None:
    """Forget ``target`` (it closed)."""
    with _lock:
        _live.discard(target)


def abort_all() -> None:
    """Abort every registered target."""
    with _lock:
        targets = list(_live)
    for target in targets:
        target.abort()


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    _interrupted.set()
    abort_all()
    raise KeyboardInterrupt


@contextlib.contextmanager
def handling() -> Iterator[None]:
    """Within the block, SIGINT aborts every client first (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _interrupted.clear()
    previous = signal.signal(signal.SIGINT, _on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
