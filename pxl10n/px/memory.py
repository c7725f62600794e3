"""Bounded memory for export bodies, whatever PX sends and however many workers wait.

One :class:`MemoryBudget` per process counts the export bytes held in memory,
across every worker: a body is buffered in memory only while the budget has
room (and up to a per-body threshold), then spills to a temporary file; unpacking
an archive reserves its (weighted) size first and waits for room, so sixteen
oversized exports are handled one after the other instead of all at once.
Caps per export still apply; the budget is what keeps their sum bounded.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

#: Bytes of export data (weighted, see archive.PARSE_WEIGHT) held in memory at once, all workers together:
#: with the ~45 MB the process needs anyway, this keeps a pull under 300 MB whatever PX sends.
DEFAULT_BUDGET = 192 * 1024 * 1024
#: A body larger than this goes to a temporary file even when the budget has room.
SPOOL_THRESHOLD = 1024 * 1024
#: Releasing at least this much asks the C allocator to give freed memory back to the system.
TRIM_AFTER = 8 * 1024 * 1024
#: glibc's mallopt parameter for the number of allocation arenas.
_M_ARENA_MAX = -8


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:
        return None


_LIBC = _glibc()
if _LIBC is not None:
    # One arena per thread (glibc's default, up to 8 per core) lets 32 workers each keep
    # a parsed document's worth of freed memory; two arenas keep the budget honest.
    _LIBC.mallopt(_M_ARENA_MAX, 2)


def trim() -> None:
    """Hand memory freed by lxml back to the system (glibc only; elsewhere a no-op)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


class MemoryBudget:
    """A counting semaphore of bytes; reservations larger than the whole are clamped to it."""

    def __init__(self, total: int = DEFAULT_BUDGET) -> None:
        self.total = total
        self.used = 0
        self.peak = 0
        self._cond = threading.Condition()

    def try_reserve(self, size: int) -> bool:
        """Take ``size`` bytes if there is room now; never waits."""
        with self._cond:
            if self.used + size > self.total:
                return False
            self._take(size)
            return True

    def reserve(self, size: int, *, cancelled: Callable[[], bool] = lambda: False) -> int:
        """Wait until ``size`` bytes (at most the whole budget) are free and take them; returns what was taken."""
        size = max(0, min(size, self.total))
        with self._cond:
            while self.used + size > self.total:
                if cancelled():
                    raise InterruptedError("cancelled while waiting for memory")
                self._cond.wait(0.2)
            self._take(size)
        return size

    def release(self, size: int) -> None:
        """Give back bytes taken by :meth:`reserve` or :meth:`try_reserve`."""
        if size <= 0:
            return
        with self._cond:
            self.used = max(0, self.used - size)
            self._cond.notify_all()
        if size >= TRIM_AFTER:
            trim()

    @contextmanager
    def hold(self, size: int, *, cancelled: Callable[[], bool] = lambda: False) -> Iterator[int]:
        """Reserve for the duration of a block."""
        taken = self.reserve(size, cancelled=cancelled)
        try:
            yield taken
        finally:
            self.release(taken)

    def _take(self, size: int) -> None:
        self.used += size
        self.peak = max(self.peak, self.used)


#: The process-wide budget shared by every client and every archive.
BUDGET = MemoryBudget()


class SpooledBody:
    """An export body: in memory while small and the budget allows, on disk past that.

    Hand it to :func:`pxl10n.px.archive.extract_xliff`, which consumes (closes) it;
    a body dropped without closing gives its reservation back when collected.
    """

    def __init__(self, budget: MemoryBudget = BUDGET, threshold: int = SPOOL_THRESHOLD) -> None:
        self._budget = budget
        self._threshold = threshold
        self._chunks: list[bytes] = []
        self._held = [0]
        self._file: IO[bytes] | None = None
        self.size = 0
        self._finalizer = weakref.finalize(self, _release, budget, self._held)

    @property
    def on_disk(self) -> bool:
        """True once the body spilled to a temporary file."""
        return self._file is not None

    def write(self, chunk: bytes) -> None:
        """Append a chunk, spilling to disk when the threshold or the budget says so."""
        if not chunk:
            return
        self.size += len(chunk)
        if self._file is None and self.size <= self._threshold and self._budget.try_reserve(len(chunk)):
            self._held[0] += len(chunk)
            self._chunks.append(chunk)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="pxl10n-export-")
            for held in self._chunks:
                self._file.write(held)
            self._chunks.clear()
            _release(self._budget, self._held)
        self._file.write(chunk)

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes (to sniff what the body is)."""
        if self._file is None:
            return b"".join(self._chunks)[:size]
        self._file.seek(0)
        return self._file.read(size)

    def open(self) -> IO[bytes]:
        """A readable, seekable file over the whole body."""
        if self._file is None:
            return io.BytesIO(b"".join(self._chunks))
        self._file.seek(0)
        return self._file

    def read(self) -> bytes:
        """The whole body as bytes (for small answers; exports use :meth:`open`)."""
        return self.open().read()

    def close(self) -> None:
        """Drop the data and give the memory back."""
        self._chunks.clear()
        if self._file is not None:
            self._file.close()
            self._file = None
        self._finalizer()

    def __enter__(self) -> SpooledBody:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _release(budget: MemoryBudget, held: list[int]) -> None:
    budget.release(held[0])
    held[0] = 0
