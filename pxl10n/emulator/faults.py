"""What can go wrong on the wire, on purpose: latency, throttling, storms, hostile zips.

Tests and benchmarks flip these while the server runs, so every knob is guarded
by a lock and read per request. The hostile payloads (truncated zip, zip-slip
names, XXE, decompression bomb, not a zip at all) are what a careful client must
refuse without writing outside its directory, resolving entities or running out
of memory.
"""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

#: Names of the per-item export faults; an int status code is accepted too.
EXPORT_FAULTS: tuple[str, ...] = ("truncate", "zipslip", "xxe", "bomb", "notzip")
BOMB_SIZE = 200 * 1024 * 1024
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class Storm:
    """The next ``remaining`` matching requests answer ``status``."""

    remaining: int
    status: int = 429
    prefix: str | None = None
    retry_after: int | str | None = None


@dataclass(frozen=True)
class Refusal:
    """A fault decided to answer instead of the app: status and optional Retry-After."""

    status: int
    retry_after: int | str | None
    reason: str


class Faults:
    """Live-tunable misbehaviour; every attribute may change while the server runs."""

    def __init__(self, *, latency: float = 0.0, rate_limit: float | None = None) -> None:
        self._lock = threading.Lock()
        self.latency = latency
        self.rate_limit = rate_limit
        self.bomb_size = BOMB_SIZE
        self._window: deque[float] = deque()
        self._throttled = 0
        self._storms: list[Storm] = []
        self._items: dict[str, tuple[str | int, int | None]] = {}

    def storm(self, count: int, status: int = 429, *, prefix: str | None = None,
              retry_after: int | str | None = None) -> None:
        """Make the next ``count`` requests (under path ``prefix``, if given) answer ``status``."""
        with self._lock:
            self._storms.append(Storm(count, status, prefix, retry_after))

    def item(self, item_id: str, fault: str | int | None, *, times: int | None = None) -> None:
        """Break exports of ``item_id`` (``times`` exports, or forever); None clears it."""
        if fault is not None and not isinstance(fault, int) and fault not in EXPORT_FAULTS:
            raise ValueError(f"unknown export fault {fault!r}; use one of {EXPORT_FAULTS} or a status code")
        with self._lock:
            if fault is None:
                self._items.pop(item_id, None)
            else:
                self._items[item_id] = (fault, times)

    def clear(self) -> None:
        """Back to a well-behaved server (latency and rate limit off too)."""
        with self._lock:
            self.latency, self.rate_limit = 0.0, None
            self._storms.clear()
            self._items.clear()
            self._window.clear()

    def admit(self, path: str, now: float | None = None) -> Refusal | None:
        """Storms first, then the sliding one-second rate limit; None lets the request through."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for storm in self._storms:
                if storm.remaining > 0 and (storm.prefix is None or path.startswith(storm.prefix)):
                    storm.remaining -= 1
                    return Refusal(storm.status, storm.retry_after, "storm")
            self._storms = [s for s in self._storms if s.remaining > 0]
            limit = self.rate_limit
            if limit is None:
                return None
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) >= limit:
                self._throttled += 1
                # PX "may or may not" send Retry-After: every other 429 carries one.
                return Refusal(429, 1 if self._throttled % 2 else None, "rate limit")
            self._window.append(now)
            return None

    def export_fault(self, item_id: str) -> str | int | None:
        """The fault to apply to this export of ``item_id`` (consumes one of ``times``)."""
        with self._lock:
            entry = self._items.get(item_id)
            if entry is None:
                return None
            fault, times = entry
            if times is not None:
                if times <= 1:
                    del self._items[item_id]
                else:
                    self._items[item_id] = (fault, times - 1)
            return fault


class Stats:
    """Thread-safe request counters: total, per status, per path, throttled (429)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self.total = 0
            self.by_status: Counter[int] = Counter()
            self.by_path: Counter[str] = Counter()

    def record(self, path: str, status: int) -> None:
        """Count one answered request."""
        with self._lock:
            self.total += 1
            self.by_status[status] += 1
            self.by_path[path] += 1

    @property
    def throttled(self) -> int:
        """How many requests were answered 429."""
        with self._lock:
            return self.by_status[429]

    def snapshot(self) -> dict[str, Any]:
        """A consistent copy of all counters."""
        with self._lock:
            return {"total": self.total, "by_status": dict(self.by_status),
                    "by_path": dict(self.by_path), "throttled": self.by_status[429]}


def make_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A deterministic zip (fixed timestamps, deflate) of ``(name, data)`` entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def truncated(payload: bytes) -> bytes:
    """A zip cut off half-way: no central directory, last entry incomplete."""
    return payload[: max(1, len(payload) // 2)]


def zipslip(document: bytes) -> bytes:
    """A zip whose entries would escape the extraction directory."""
    return make_zip([("../../evil.xlf", document), ("/tmp/pxl10n-evil.xlf", document)])


def xxe_document(item_id: str, src_lang: str, trg_lang: str) -> bytes:
    """XLIFF 2.0 with a DOCTYPE: an external entity on /etc/passwd and a billion-laughs bomb."""
    laughs = "\n".join(
        f'  <!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!DOCTYPE xliff [\n"
        '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
        '  <!ENTITY lol0 "lol">\n'
        f"{laughs}\n"
        "]>\n"
        f'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="{src_lang}" trgLang="{trg_lang}">\n'
        f'  <file id="f1" original="{item_id}">\n'
        '    <unit id="u1">\n'
        "      <segment>\n"
        "        <source>&xxe;</source>\n"
        "        <target>&lol9;</target>\n"
        "      </segment>\n"
        "    </unit>\n"
        "  </file>\n"
        "</xliff>\n"
    ).encode()


_bomb_lock = threading.Lock()
_bombs: dict[int, bytes] = {}


def bomb(size: int = BOMB_SIZE) -> bytes:
    """A zip with one ``.xlf`` entry inflating to ``size`` bytes of zeros (built once, cached)."""
    with _bomb_lock:
        if size not in _bombs:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
                info = zipfile.ZipInfo("bomb.xlf", date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w", force_zip64=size > 0x7FFFFFFF) as entry:
                    chunk = bytes(1024 * 1024)
                    for offset in range(0, size, len(chunk)):
                        entry.write(chunk[: min(len(chunk), size - offset)])
            _bombs[size] = buffer.getvalue()
        return _bombs[size]


NOT_A_ZIP = b"<html><body><h1>502 Bad Gateway</h1><p>upstream hiccup</p></body></html>\n"
