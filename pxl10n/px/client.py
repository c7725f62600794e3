"""The PX REST client: the only module that speaks HTTP.

It owns the key header, a shared client-side rate limit (requests are spaced,
not burst, so a 200/s server limit is never tripped), retries with exponential
backoff and full jitter on 429, 5xx and network errors (``Retry-After`` wins when
present, and pauses every thread, not just the one that was told), page
walking, and turning PX's status codes into one-line messages. It is thread-safe:
pull and push call it from a pool of workers.

Time is bounded at three levels a user can reason about: ``connect_timeout``
and ``timeout`` (read) per attempt, ``call_deadline`` for one call with all its
retries and however slowly the body trickles, ``run_deadline`` for every call
of the client together. A watchdog cuts the socket of an answer that is still
arriving when its deadline passes, and :meth:`PXClient.abort` (Ctrl-C) cuts
every socket at once, so no worker is left waiting on a silent server.
"""

from __future__ import annotations

import email.utils
import functools
import heapq
import json
import logging
import math
import os
import random
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

from pxl10n.errors import AuthError, ConfigError, PXAnswerError, PXError, PXStatusError, RateLimitError, TransportError
from pxl10n.px import interrupt, schema
from pxl10n.px.kinds import Item, Kind
from pxl10n.px.memory import BUDGET, MemoryBudget, SpooledBody
from pxl10n.secrets import add_secret, check_header_value, redact
from pxl10n.version import __version__

if TYPE_CHECKING:
    from pxl10n.config import Settings

log = logging.getLogger(__name__)
#: Retries and waits, shown to the user as "waiting for PX" (see console.WAIT_LOGGER).
wait_log = logging.getLogger("pxl10n.px.wait")

API_KEY_HEADER = "X-APTRINSIC-API-KEY"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: "Slow down" answers: retried for as long as the time budget lasts, not a count.
OVERLOAD_STATUSES = frozenset({429, 502, 503, 504})
MAX_PAGE_SIZE = 500
#: Largest export we download (bytes, spooled to disk past the memory budget); PX exports are a few KB to a few MB.
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
#: How much of an error answer is read for PX's message.
ERROR_BODY_BYTES = 64 * 1024
#: Largest JSON answer (a listing page of 500 rows is well under 1 MB).
MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_RETRY_AFTER = 120.0
#: A listing stops after this many items of one kind (PX subscriptions hold hundreds)...
MAX_LISTED_ITEMS = 100_000
#: ...and after this many pages whatever the page size.
MAX_PAGES = 1000


class RateLimiter:
    """Spaces request starts at least ``1/rate`` seconds apart, across threads.

    A 429 slows the pace (x1.25, down to a tenth of the configured rate) and
    successes bring it back gradually; ``pause`` holds every thread back when
    the server says how long to wait.
    """

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_interval = 1.0 / rate
        self.interval = self.base_interval
        self._next = 0.0
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Block until this thread may start a request."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self._sleep(start - now)

    def pause(self, seconds: float) -> None:
        """Nobody starts a request for ``seconds``."""
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)

    def slow_down(self) -> None:
        """Called on a 429: widen the spacing."""
        with self._lock:
            self.interval = min(self.interval * 1.25, self.base_interval * 10)

    def recover(self) -> None:
        """Called on a success: creep back towards the configured rate."""
        if self.interval > self.base_interval:
            with self._lock:
                self.interval = max(self.base_interval, self.interval * 0.98)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date), capped."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, min(seconds, MAX_RETRY_AFTER))


@dataclass(frozen=True)
class CallContext:
    """What a call is about, so errors can name the item and the fix."""

    operation: str
    kind: str | None = None
    item_id: str | None = None
    language: str | None = None
    page: int | None = None

    def subject(self) -> str:
        parts = [p for p in (self.kind, self.item_id) if p]
        what = " ".join(parts) if parts else "PX"
        return f"{what} [{self.language}]" if self.language else what

    def call(self) -> str:
        """The call in words, for messages: 'export of engagement e1 [fr-FR]', 'listing kcbots (page 3)'."""
        if self.page is not None:
            return f"{self.operation} (page {self.page})"
        return f"{self.operation} of {self.subject()}" if self.kind or self.item_id else self.operation


def _px_message(body: bytes) -> str:
    """PX's own error text from a JSON error body, shortened; '' when there is none."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return ""
    return redact(schema.error_message(data))


def page_cap(page_size: int) -> int:
    """How many pages a listing may take: enough for MAX_LISTED_ITEMS, never more than MAX_PAGES."""
    return max(1, min(MAX_PAGES, math.ceil(MAX_LISTED_ITEMS / max(1, page_size))))


def status_error(status: int, ctx: CallContext, body: bytes = b"") -> PXError:
    """A one-line, fix-it error for a PX status code; ``body`` is (the start of) PX's answer."""
    subject = ctx.subject()
    said = _px_message(body) if body else ""
    said = f" (PX said: {said})" if said else ""
    if status == 401:
        return AuthError(f"PX refused the API key (401) on {ctx.operation}{said}", status=status, hint="check the key in the environment and the region/base_url")
    listing = ctx.page is not None
    if status == 403:
        need = "Write" if ctx.operation == "import" else "Read"
        about = ctx.call() if listing else f"{ctx.operation} of {subject}"
        return AuthError(f"the API key lacks the {need} permission for {about} (403){said}", status=status, hint=f"give the key {need} permission in PX Administration > REST API")
    if listing:  # which kind's listing, on which page: a listing has no item to name
        return PXStatusError(f"PX answered {status} to {ctx.call()}{said}", status=status, page=ctx.page)
    messages = {
        400: (
            f"PX refused the import of {subject} (400): target language is empty or equal to the source language{said}"
            if ctx.operation == "import"
            else f"PX refused to export {subject} (400): localization is disabled or does not apply to it{said}"
        ),
        404: f"{subject} not found (404){said}",
        432: f"PX could not parse the XLIFF for {subject} (432){said}; run `pxl10n validate` on the file",
        433: f"PX found no item id in the XLIFF for {subject} (433){said}; restore the file-level id from the pulled file",
        434: f"target language {ctx.language or '?'} of {subject} is not enabled in the PX subscription (434){said}; enable it in PX or remove the locale",
        435: f"{subject} not found in PX (435){said}; it may have been deleted",
        436: f"{subject} has no localizable content (436){said}",
        437: f"segmentation strategy not valid for {subject} (437){said}; push must use the strategy the file was exported with",
        438: f"XLIFF version not supported for {subject} (438){said}; push the version the file was exported with",
    }
    message = messages.get(status, f"PX answered {status} on {ctx.operation} of {subject}{said}")
    return PXStatusError(message, status=status)


class _TrackingBackend(httpcore.SyncBackend):
    """Remembers every socket it opens, so an abort or a deadline can cut them.

    Once :meth:`cut_all` ran, a connection still being opened (a worker that passed its
    "interrupted?" check just before Ctrl-C) is cut as soon as it exists: otherwise it
    would wait out the read timeout on a silent server, and the run's exit with it.
    """

    def __init__(self) -> None:
        self.sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._cut = False

    def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        stream = super().connect_tcp(*args, **kwargs)
        sock = stream.get_extra_info("socket")
        if sock is not None:
            with self._lock:
                self.sockets.add(sock)
                late = self._cut
            if late:
                _cut(sock)
        return stream

    def cut_all(self) -> None:
        """Cut every socket opened so far, and every one opened from now on."""
        with self._lock:
            self._cut = True
            sockets = list(self.sockets)
        for sock in sockets:
            _cut(sock)


def _cut(sock: socket.socket | None) -> None:
    """Wake any thread blocked on ``sock``: shutdown, unlike close, interrupts a pending recv."""
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Watch:
    """One socket the watchdog will cut at ``due`` (monotonic seconds) unless cancelled first."""

    __slots__ = ("attempt", "due", "sock")

    def __init__(self, due: float, attempt: _Attempt, sock: socket.socket) -> None:
        self.due = due
        self.attempt: _Attempt | None = attempt
        self.sock: socket.socket | None = sock

    def __lt__(self, other: _Watch) -> bool:
        return self.due < other.due


class _Watchdog:
    """One thread per client cutting the sockets of answers still arriving at their deadline.

    A thread per answer (a ``threading.Timer``) cost more CPU than the rest of a small
    request's client side; here every answer is an entry in a heap ordered by when it is
    due, and one daemon thread sleeps until the earliest. Cancelling drops the entry's
    references at once (the heap is compacted when cancelled entries pile up), so a
    finished answer's socket is never kept alive or cut.
    """

    #: rebuild the heap once this many cancelled entries are waiting in it (and they are most of it)
    COMPACT_AT = 256

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._heap: list[_Watch] = []
        self._cancelled = 0
        self._wake = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None
        self._closed = False

    def watch(self, seconds: float, attempt: _Attempt, sock: socket.socket) -> _Watch:
        """Cut ``sock`` (and mark ``attempt`` cut by the deadline) in ``seconds`` unless cancelled."""
        entry = _Watch(self._clock() + max(0.0, seconds), attempt, sock)
        with self._wake:
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pxl10n-watchdog", daemon=True)
                self._thread.start()
            elif self._heap[0] is entry:
                self._wake.notify()  # sooner than what the thread sleeps towards
        return entry

    def cancel(self, entry: _Watch) -> None:
        """The answer is complete (or abandoned): never cut its socket."""
        with self._wake:
            if entry.sock is None:
                return
            entry.sock = entry.attempt = None
            self._cancelled += 1
            if self._cancelled >= self.COMPACT_AT and self._cancelled * 2 >= len(self._heap):
                self._heap = [e for e in self._heap if e.sock is not None]
                heapq.heapify(self._heap)
                self._cancelled = 0

    def pending(self) -> int:
        """How many sockets are still watched (cancelled entries not counted)."""
        with self._wake:
            return sum(1 for e in self._heap if e.sock is not None)

    def close(self) -> None:
        """Let the thread end once nothing is watched (an entry added later starts a new one)."""
        with self._wake:
            self._closed = True
            self._wake.notify()

    @property
    def running(self) -> bool:
        """True while the watchdog thread is alive."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def _run(self) -> None:
        while True:
            with self._wake:
                while True:
                    while self._heap and self._heap[0].sock is None:
                        heapq.heappop(self._heap)
                        self._cancelled -= 1
                    if not self._heap:
                        if self._closed:
                            self._thread = None
                            return
                        self._wake.wait()
                        continue
                    left = self._heap[0].due - self._clock()
                    if left <= 0:
                        entry = heapq.heappop(self._heap)
                        attempt, sock = entry.attempt, entry.sock
                        entry.sock = entry.attempt = None
                        break
                    self._wake.wait(left)
            if attempt is not None:
                attempt.cut_by = "deadline"
            _cut(sock)


class _Attempt:
    """One try of one call: its deadline, and whether a watchdog or an abort cut it."""

    def __init__(self, deadline: float, now: float) -> None:
        self.deadline = deadline
        self.started = now
        self.cut_by: str | None = None


def masked_proxy(url: str) -> str:
    """A proxy URL without its password, for every message that names it."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def proxy_for(base_url: str) -> str | None:
    """The proxy the environment names for ``base_url`` (``HTTPS_PROXY`` or ``HTTP_PROXY`` by its scheme, else
    ``ALL_PROXY``; lower case too), None when none is set or ``NO_PROXY`` exempts its host.

    httpx reads these itself only for a transport it builds, and the client builds its own (for the CA
    bundle and connection limits): without this, a network that needs a proxy could not reach PX at all."""
    parts = urllib.parse.urlsplit(base_url)
    proxies = urllib.request.getproxies_environment()
    url = proxies.get(parts.scheme) or proxies.get("all")
    if not url or (parts.hostname and urllib.request.proxy_bypass(parts.hostname)):
        return None
    return url


class PXClient:
    """A thread-safe PX API client; use as a context manager."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        rate_limit: float = 190.0,
        concurrency: int = 32,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        call_deadline: float = 120.0,
        run_deadline: float = 3600.0,
        retries: int = 6,
        backoff: float = 0.5,
        max_backoff: float = 10.0,
        retry_budget: float | None = None,
        budget: MemoryBudget = BUDGET,
        transport: httpx.BaseTransport | None = None,
        ca_bundle: str | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        add_secret(api_key)
        why = check_header_value(api_key, name="the environment")
        if why:
            raise ConfigError(why)
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.call_deadline = call_deadline if retry_budget is None else retry_budget
        self.run_deadline = run_deadline
        self.budget = budget
        self._clock = clock
        self._cancelled = threading.Event()
        self._sleep = sleep or self._interruptible_sleep
        self.limiter = RateLimiter(rate_limit, clock=clock, sleep=self._sleep)
        self._run_started = clock()
        self._stats_lock = threading.Lock()
        self.stats: dict[str, int] = {"requests": 0, "retries": 0, "throttled": 0}
        #: wall-clock seconds every worker was held back by "slow down" answers (429/502/503/504);
        #: overlapping pauses of several workers count once
        self.held_seconds = 0.0
        self._held_until = 0.0
        #: called with (status, seconds) on each such pause, so a CLI can say so at -v
        self.on_throttle: Callable[[int, float], None] | None = None
        self._backend: _TrackingBackend | None = None
        self._watchdog = _Watchdog()
        if transport is None:
            # httpx ignores the client's verify= when a transport is given, so the CA bundle goes here
            # nor does it read HTTPS_PROXY then: the proxy the environment names goes here too
            proxy = proxy_for(base_url)
            try:
                transport = httpx.HTTPTransport(
                    limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
                    verify=_tls_context(ca_bundle),
                    proxy=proxy,
                )
            except (ImportError, ValueError) as exc:  # a scheme httpx cannot use, or SOCKS without socksio
                raise ConfigError(f"the proxy the environment names for {base_url}, {masked_proxy(proxy or '')}, cannot be "
                                  f"used ({exc})", hint="give HTTPS_PROXY (HTTP_PROXY, ALL_PROXY) an http:// or https:// URL, "
                                  "or unset it; socks5:// needs `pip install httpx[socks]`") from None
            pool = getattr(transport, "_pool", None)
            if pool is not None and hasattr(pool, "_network_backend"):
                self._backend = _TrackingBackend()
                pool._network_backend = self._backend
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={API_KEY_HEADER: api_key, "User-Agent": f"pxl10n/{__version__}", "Accept-Encoding": "identity"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, connect_timeout)),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            transport=transport,
            follow_redirects=False,
        )
        prefix = str(self._http.base_url)
        self._url_prefix = prefix if prefix.endswith("/") else f"{prefix}/"
        interrupt.register(self)

    @classmethod
    def from_settings(cls, settings: Settings, api_key: str | None = None) -> PXClient:
        """A client configured from settings, with the key from the environment."""
        return cls(
            settings.base_url,
            api_key if api_key is not None else settings.api_key(),
            rate_limit=settings.rate_limit,
            concurrency=settings.concurrency,
            timeout=settings.timeout,
            connect_timeout=settings.connect_timeout,
            call_deadline=settings.call_deadline,
            run_deadline=settings.run_deadline,
            retries=settings.retries,
            backoff=settings.backoff,
            ca_bundle=str(settings.ca_bundle) if settings.ca_bundle else None,
        )

    def __enter__(self) -> PXClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        interrupt.unregister(self)
        self._watchdog.close()
        self._http.close()

    def abort(self) -> None:
        """Stop every call now (Ctrl-C): waits end, sockets are cut, calls raise within moments."""
        self._cancelled.set()
        if self._backend is not None:
            self._backend.cut_all()

    @property
    def aborted(self) -> bool:
        """True once :meth:`abort` was called."""
        return self._cancelled.is_set()

    def _interruptible_sleep(self, seconds: float) -> None:
        self._cancelled.wait(max(0.0, seconds))

    def _count(self, key: str) -> None:
        with self._stats_lock:
            self.stats[key] += 1

    def _note_hold(self, seconds: float) -> None:
        with self._stats_lock:
            now = time.monotonic()
            end = now + seconds
            self.held_seconds += max(0.0, end - max(now, self._held_until))
            self._held_until = max(self._held_until, end)

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None:
            after = parse_retry_after(response.headers.get("Retry-After"))
            if after is not None:
                return after
        ceiling = min(self.max_backoff, self.backoff * (2 ** min(attempt, 20)))
        return random.uniform(ceiling / 2, ceiling)

    def _check_alive(self, ctx: CallContext, attempt: int) -> None:
        """Interrupted calls stop; a call the run deadline leaves no time for never starts (retries report themselves)."""
        if self._cancelled.is_set():
            raise TransportError(f"{ctx.call()} interrupted")
        if attempt == 0 and self._clock() - self._run_started > self.run_deadline:
            raise TransportError(
                f"{ctx.call()} not started: the run deadline of {self.run_deadline:g} s passed",
                hint="raise px.run_deadline for very large subscriptions",
            )

    def _deadline(self, started: float) -> float:
        return min(started + self.call_deadline, self._run_started + self.run_deadline)

    def _limit_name(self, started: float) -> str:
        if self._run_started + self.run_deadline <= started + self.call_deadline:
            return f"px.run_deadline = {self.run_deadline:g} s"
        return f"px.call_deadline = {self.call_deadline:g} s"

    def _timeout_for(self, deadline: float) -> httpx.Timeout:
        left = max(0.05, deadline - self._clock())
        return httpx.Timeout(min(self.timeout, left), connect=min(self.connect_timeout, self.timeout, left))

    def _watch(self, attempt: _Attempt, response: httpx.Response) -> _Watch | None:
        """Cut this answer's socket when the deadline passes while its body is still coming."""
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return None
        return self._watchdog.watch(attempt.deadline - self._clock(), attempt, sock)

    def request(
        self,
        method: str,
        path: str,
        ctx: CallContext,
        *,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        ok: tuple[int, ...] = (200,),
        max_bytes: int = MAX_DOWNLOAD_BYTES,
    ) -> tuple[httpx.Response, SpooledBody]:
        """Send with rate limit, retries and deadlines; return the response and its (capped, spooled) body."""
        attempt = failures = 0
        started = self._clock()
        deadline = self._deadline(started)
        last_problem = ""
        url = self._url(path, params)
        while True:
            self._check_alive(ctx, attempt)
            self.limiter.acquire()
            self._check_alive(ctx, attempt)
            self._count("requests")
            response: httpx.Response | None = None
            said = b""
            trial = _Attempt(deadline, self._clock())
            try:
                request = self._http.build_request(method, url, files=files, timeout=self._timeout_for(deadline))
                response = self._http.send(request, stream=True)
                timer = self._watch(trial, response)
                try:
                    self._check_encoding(response, ctx)
                    if response.status_code in ok:
                        body = self._read_body(response, max_bytes, ctx, trial)
                        self.limiter.recover()
                        return response, body
                    with self._read_body(response, ERROR_BODY_BYTES, ctx, trial, cut=True) as error_body:
                        said = error_body.read()
                finally:
                    if timer is not None:
                        self._watchdog.cancel(timer)
                    response.close()
            except httpx.TransportError as exc:
                if self._cancelled.is_set():
                    raise TransportError(f"{ctx.call()} interrupted") from None
                failures += 1
                last_problem = self._transport_problem(exc, trial)
                waited = self._clock() - started
                if failures > self.retries or self._clock() >= deadline:
                    limit = self._limit_name(started) if self._clock() >= deadline else f"px.retries = {self.retries}"
                    raise TransportError(
                        f"PX did not answer {ctx.call()}: {last_problem}; gave up after {attempt + 1} attempt(s) over {waited:.0f} s ({limit})",
                        hint=f"is {self.base_url} reachable? raise px.timeout or px.call_deadline if PX is only slow",
                    ) from None
                log.info("transport error on %s %s: %s; retrying", method, path, redact(str(exc)))
            else:
                status = response.status_code
                if status not in RETRY_STATUSES:
                    raise status_error(status, ctx, said)
                if status == 429:
                    self._count("throttled")
                    self.limiter.slow_down()
                if status not in OVERLOAD_STATUSES:
                    failures += 1
                last_problem = f"PX answered {status}"
                waited = self._clock() - started
                if failures > self.retries or self._clock() >= deadline:
                    limit = self._limit_name(started) if self._clock() >= deadline else f"px.retries = {self.retries}"
                    if status == 429:
                        raise RateLimitError(f"PX kept answering 429 (rate limit) on {ctx.call()}: {attempt + 1} attempts over {waited:.0f} s ({limit})", status=429, hint="lower px.rate_limit or try later")
                    raise TransportError(f"PX answered {status} on {ctx.call()}: {attempt + 1} attempts over {waited:.0f} s ({limit})", status=status, hint="PX may be down; re-run later")
                log.info("%s on %s %s; retrying", status, method, path)
            delay = min(self._delay(attempt, response), max(0.0, deadline - self._clock()))
            self._count("retries")
            wait_log.info("waiting for PX: %s; %s, retry %d in %.1f s (%.0f s so far, up to %.0f s)", ctx.call(), last_problem, attempt + 1, delay, self._clock() - started, deadline - started)
            if response is not None and response.status_code in OVERLOAD_STATUSES:
                self.limiter.pause(delay)
                self._note_hold(delay)
                if self.on_throttle is not None:
                    self.on_throttle(response.status_code, delay)
            else:
                self._sleep(delay)
            attempt += 1

    def _url(self, path: str, params: Mapping[str, Any] | None) -> httpx.URL:
        """The absolute URL of ``path`` with ``params``, parsed once per call.

        The same URL httpx builds from the base URL, a relative path and params (it parses
        three times for that, a good share of a small request's client CPU): the base's path,
        then ``path`` without its leading slash, then the params encoded as httpx encodes them.
        """
        query = _clean(params)
        if "://" in path or "?" in path:
            return self._http.build_request("GET", path, params=query).url
        encoded = f"?{httpx.QueryParams(query)}" if query else ""
        return httpx.URL(f"{self._url_prefix}{path.lstrip('/')}{encoded}")

    def _transport_problem(self, exc: httpx.TransportError, trial: _Attempt) -> str:
        """What went wrong on the wire, in words (and which limit ended it)."""
        if trial.cut_by == "deadline":
            return "the answer was still arriving when the deadline passed"
        if isinstance(exc, httpx.ConnectTimeout):
            return f"no connection within the {min(self.connect_timeout, self.timeout):g} s connect timeout"
        if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout | httpx.PoolTimeout):
            return f"no data within the {self.timeout:g} s read timeout"
        if isinstance(exc, httpx.ConnectError):
            return f"cannot connect ({redact(str(exc)) or 'refused'})"
        if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
            return "the connection was reset or closed mid-answer"
        return redact(str(exc)) or type(exc).__name__

    def _check_encoding(self, response: httpx.Response, ctx: CallContext) -> None:
        """We ask for ``identity`` (so iter_bytes is the raw body): a compressed answer could inflate past every cap in one chunk."""
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise PXAnswerError(f"PX answered {ctx.call()} with Content-Encoding {encoding[:40]!r} though identity was asked; refused")

    def _read_body(self, response: httpx.Response, max_bytes: int, ctx: CallContext, trial: _Attempt, *, cut: bool = False) -> SpooledBody:
        """Stream the body into a spool, capped in size (``cut``: keep the first bytes) and bounded by the call's deadline."""
        body = SpooledBody(self.budget)
        try:
            for chunk in response.iter_bytes():
                if self._cancelled.is_set():
                    raise TransportError(f"{ctx.call()} interrupted")
                if cut and body.size + len(chunk) > max_bytes:
                    body.write(chunk[: max_bytes - body.size])
                    break
                body.write(chunk)
                if body.size > max_bytes:
                    raise PXAnswerError(f"the answer to {ctx.call()} is over {max_bytes} bytes; refused")
                if self._clock() > trial.deadline:
                    trial.cut_by = "deadline"
                    raise httpx.ReadError("deadline passed")
        except BaseException:
            body.close()
            raise
        return body

    def get_json(self, path: str, ctx: CallContext, params: Mapping[str, Any] | None = None) -> Any:
        """GET a JSON document (at most MAX_JSON_BYTES)."""
        _, body = self.request("GET", path, ctx, params=params, max_bytes=MAX_JSON_BYTES)
        with body:
            raw = body.read()
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise PXAnswerError(f"PX answered {ctx.call()} with something that is not JSON") from None

    def list(self, kind: Kind, *, page_size: int = MAX_PAGE_SIZE, params: Mapping[str, Any] | None = None) -> tuple[Item, ...]:
        """Every item of a listable kind, walking zero-based pages; all or nothing.

        Stops at ``isLastPage``; when PX leaves it out, a short or empty page ends the
        walk. A walk that would not end (more than :func:`page_cap` pages, a page
        seen before, an id seen before, a page other than the one asked for) is a
        :class:`PXAnswerError` naming the kind and the page.
        """
        if kind.list_path is None or kind.list_field is None:
            raise ValueError(f"{kind.name} cannot be listed")
        size = max(1, min(page_size, MAX_PAGE_SIZE))
        cap = page_cap(size)
        items: list[Item] = []
        pages: dict[tuple[str, ...], int] = {}
        where: dict[str, int] = {}
        page = 0
        try:
            for page in range(cap):
                ctx = CallContext(f"listing {kind.name}s", page=page)
                query = {"pageSize": size, "pageNumber": page, **(params or {})}
                listing = schema.listing_page(self.get_json(kind.list_path, ctx, query), kind, ctx.call(), page_size=size)
                stop = f"stopped listing {kind.name}s at page {page}"
                if listing.page_number is not None and listing.page_number != page:
                    raise PXAnswerError(f"{stop}: PX answered pageNumber {listing.page_number} when asked for page {page}")
                ids = tuple(item.id for item in listing.items)
                if ids and ids in pages:
                    raise PXAnswerError(f"{stop}: it repeats page {pages[ids]} (the same {len(ids)} ids); PX pagination is looping")
                pages[ids] = page
                for item in listing.items:
                    if item.id in where:
                        earlier = where[item.id]
                        said = "earlier on this page" if earlier == page else f"on page {earlier}"
                        raise PXAnswerError(f"{stop}: id {item.id} was already listed {said}; PX pagination is inconsistent")
                    where[item.id] = page
                items.extend(listing.items)
                last = listing.is_last
                if not listing.items or last is True or (last is None and len(listing.items) < size):
                    return tuple(items)
        except PXError as exc:
            if exc.page is None:  # whatever failed (a status, the network, the schema), the page it failed on
                exc.page = page
            raise
        raise PXAnswerError(
            f"stopped listing {kind.name}s at page {cap}: still no last page after {cap} pages of {size} ({len(items)} ids); PX pagination does not end",
            hint=f"pxl10n lists at most {MAX_LISTED_ITEMS} items of a kind",
            page=cap,
        )

    def export(self, kind: Kind, item_id: str, params: Mapping[str, Any], *, language: str | None = None) -> SpooledBody:
        """The export (normally a zip of XLIFF) of one item for one target language, spooled."""
        query = {kind.id_param: item_id, **params}
        _, body = self.request("GET", kind.export_path, CallContext("export", kind.name, item_id, language), params=query)
        return body

    def import_file(self, kind: Kind, item_id: str, data: bytes, filename: str, params: Mapping[str, Any], *, language: str | None = None) -> int:
        """POST one XLIFF file to the kind's import endpoint; returns the status (200/201)."""
        response, body = self.request(
            "POST",
            kind.import_path,
            CallContext("import", kind.name, item_id, language),
            params=params,
            files={"file": (filename, data, "application/xliff+xml")},
            ok=(200, 201, 202, 204),
            max_bytes=MAX_JSON_BYTES,
        )
        body.close()
        return response.status_code


def item_from_row(kind: Kind, row: Any) -> Item:
    """An :class:`Item` from one row of a listing, checked (see :mod:`pxl10n.px.schema`)."""
    return schema.item_row(row, kind, f"listing {kind.name}s")


def _tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    """Certificates to trust: ``[px] ca_bundle`` when set, else httpx's default (``SSL_CERT_FILE``, ``SSL_CERT_DIR`` or certifi)."""
    return _loaded_context(ca_bundle, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=8)
def _loaded_context(ca_bundle: str | None, cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """One context per source of certificates and process: loading a bundle costs tens of milliseconds,
    and a script (or the test suite) makes a client per command. Contexts are safe to share between
    clients and threads; the environment's two variables are part of the key so a change is seen."""
    if not ca_bundle:
        return httpx.create_ssl_context()
    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"px.ca_bundle {ca_bundle}: not a readable PEM certificate bundle ({exc})") from None


def _clean(params: Mapping[str, Any] | None) -> dict[str, str] | None:
    """Drop None values and spell booleans the way PX expects."""
    if params is None:
        return None
    clean = {}
    for key, value in params.items():
        if value is None:
            continue
        clean[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return clean
