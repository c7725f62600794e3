"""What can go wrong on the wire, on purpose: latency, throttling, storms, hostile zips.

Tests and benchmarks flip these while the server runs, so every knob is guarded
by a lock and read per request. The hostile payloads (truncated zip, zip-slip
names, XXE, decompression bomb, not a zip at all, a huge body, a big but valid
document, a document echoing the key) are what a careful client must refuse
without writing outside its directory, resolving entities or running out of memory.

Beyond payloads, a hostile PX: listings whose pagination never ends
(:data:`LISTING_FAULTS`), answers with any JSON field replaced, removed or
oversized (:meth:`Faults.patch`), connections that stall, reset or trickle a byte
at a time (:data:`WIRE_FAULTS`), and a server that echoes the caller's key in
every answer (``echo_key``).
"""

from __future__ import annotations

import io
import struct
import threading
import time
import zipfile
import zlib
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: Names of the per-item export faults; an int status code is accepted too.
EXPORT_FAULTS: tuple[str, ...] = ("truncate", "zipslip", "xxe", "bomb", "notzip", "huge", "bigdoc", "echo")
BOMB_SIZE = 200 * 1024 * 1024
#: The body of a "huge" export: streamed, never held in the emulator's memory.
HUGE_SIZE = 200 * 1024 * 1024
#: The size of a "bigdoc" export's one (valid) XLIFF document.
BIGDOC_SIZE = 12 * 1024 * 1024
#: Listing misbehaviour: ``endless`` (new ids, isLastPage false, forever), ``cyclic``
#: (page 0 again and again), ``repeat-ids`` (every page also holds the first id),
#: ``wrong-page`` (pageNumber is not the page asked for).
LISTING_FAULTS: tuple[str, ...] = ("endless", "cyclic", "repeat-ids", "wrong-page")
#: Connection misbehaviour: ``stall`` (accept, answer nothing for ``stall_seconds``),
#: ``stall-body`` (headers, then silence), ``trickle`` (one byte per ``trickle_interval``),
#: ``reset`` (drop the connection with a TCP reset).
WIRE_FAULTS: tuple[str, ...] = ("stall", "stall-body", "trickle", "reset")
#: A :meth:`Faults.patch` value that deletes the field instead of setting it.
MISSING = object()
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
        self.huge_size = HUGE_SIZE
        self.bigdoc_size = BIGDOC_SIZE
        self.listing: str | None = None
        self.wire: str | None = None
        self.wire_prefix: str | None = None
        self.stall_seconds = 300.0
        self.trickle_interval = 0.5
        self.echo_key = False
        self._patches: list[tuple[str, str, Any]] = []
        self.released = threading.Event()

    def patch(self, field_path: str, value: Any, *, prefix: str = "/v1/") -> None:
        """Set (or with :data:`MISSING`, delete) ``field_path`` in every JSON answer under ``prefix``.

        The path is dot-separated; ``*`` stands for every element of a list or
        every value of an object, ``$`` for the whole answer: ``engagements.*.id``,
        ``isLastPage``, ``kcList.0``, ``$``. A ``bytes`` value for ``$`` is sent verbatim.
        """
        with self._lock:
            self._patches.append((prefix, field_path, value))

    def patches(self, path: str) -> list[tuple[str, Any]]:
        """The (field path, value) patches for answers to ``path``, in the order they were set."""
        with self._lock:
            return [(f, v) for prefix, f, v in self._patches if path.startswith(prefix)]

    def apply_patches(self, path: str, data: Any) -> Any:
        """``data`` with every patch for ``path`` applied."""
        for field_path, value in self.patches(path):
            data = _patched(data, field_path.split("."), value)
        return data

    def wire_fault(self, path: str) -> str | None:
        """The connection fault for a request to ``path``, if any."""
        with self._lock:
            if self.wire and (self.wire_prefix is None or path.startswith(self.wire_prefix)):
                return self.wire
            return None

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
        """Back to a well-behaved server (latency and rate limit off too); stalled answers are released."""
        with self._lock:
            self.latency, self.rate_limit = 0.0, None
            self._storms.clear()
            self._items.clear()
            self._window.clear()
            self._patches.clear()
            self.listing = self.wire = self.wire_prefix = None
            self.echo_key = False
        self.released.set()
        self.released = threading.Event()

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
            _bombs[size] = _zip_of_zeros("bomb.xlf", size)
        return _bombs[size]


def _zip_of_zeros(name: str, size: int, chunk: int = 1 << 20) -> bytes:
    """A valid one-entry deflate zip of ``size`` zero bytes, without deflating them all.

    After a full flush deflate starts afresh, so every 1 MB of zeros compresses to
    the same bytes: one block is compressed and repeated (a second of CPU saved
    per bomb). The CRC is computed over the real content.
    """
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(bytes(chunk)) + deflate.flush(zlib.Z_FULL_FLUSH)
    whole, rest = divmod(size, chunk)
    tail = deflate.compress(bytes(rest)) + deflate.flush()
    data = block * whole + tail
    crc = 0
    zeros = bytes(chunk)
    for _ in range(whole):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    if size > 0xFFFFFFFF or len(data) > 0xFFFFFFFF:
        raise ValueError("a bomb over 4 GiB needs zip64")
    raw = name.encode()
    dos_time, dos_date = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00:00, as _ZIP_DATE
    fields = struct.pack("<HHHHHIII", 20, 0, zipfile.ZIP_DEFLATED, dos_time, dos_date, crc, len(data), size)
    local = b"PK\x03\x04" + fields + struct.pack("<HH", len(raw), 0) + raw
    central = (b"PK\x01\x02" + struct.pack("<H", 20) + fields
               + struct.pack("<HHHHHII", len(raw), 0, 0, 0, 0, 0o644 << 16, 0) + raw)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    return local + data + central + end


NOT_A_ZIP = b"<html><body><h1>502 Bad Gateway</h1><p>upstream hiccup</p></body></html>\n"


def _patched(data: Any, parts: list[str], value: Any) -> Any:
    """Apply one patch path to JSON data (returns the possibly replaced data)."""
    if not parts or parts == ["$"]:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(data, list):
        indexes = range(len(data)) if head == "*" else [int(head)] if head.isdigit() and int(head) < len(data) else []
        for index in reversed(list(indexes)):
            if not rest and value is MISSING:
                del data[index]
            else:
                data[index] = _patched(data[index], rest, value)
    elif isinstance(data, dict):
        keys = list(data) if head == "*" else [head]
        for key in keys:
            if not rest:
                if value is MISSING:
                    data.pop(key, None)
                else:
                    data[key] = value
            elif key in data:
                data[key] = _patched(data[key], rest, value)
    return data


def huge_body(size: int) -> Iterator[bytes]:
    """``size`` bytes of junk, generated 1 MB at a time (a body no client should hold whole)."""
    chunk = b"PK\x03\x04" + bytes(1024 * 1024 - 4)
    sent = 0
    while sent < size:
        part = chunk[: min(len(chunk), size - sent)]
        sent += len(part)
        yield part


def big_document(item_id: str, src_lang: str, trg_lang: str, size: int) -> bytes:
    """A valid XLIFF 2.0 document of about ``size`` bytes (many units)."""
    text = "A long paragraph of an article, with words to translate. " * 64
    unit = '<unit id="u{n}"><segment><source>{n} ' + text + '</source></segment></unit>\n'
    count = max(1, size // len(unit.format(n=100000)))
    units = "".join(unit.format(n=n) for n in range(count))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="{src_lang}" trgLang="{trg_lang}">\n'
        f'<file id="f1" original="{item_id}">\n{units}</file>\n</xliff>\n'
    ).encode()


def echo_document(key: str) -> bytes:
    """Not-well-formed XML whose parse error quotes the caller's key (as a tag name)."""
    tag = key if key[:1].isalpha() and all(c.isalnum() or c in "-_." for c in key) else "x"
    return f'<?xml version="1.0"?>\n<xliff version="2.0"><{tag}>{key}</xliff>\n'.encode()
