"""The PX REST client: the only module that speaks HTTP.

It owns the key header, a shared client-side rate limit (requests are spaced,
not burst, so a 200/s server limit is never tripped), retries with exponential
backoff and full jitter on 429, 5xx and network errors (``Retry-After`` wins when
present, and pauses every thread, not just the one that was told), page
walking, and turning PX's status codes into one-line messages. It is thread-safe:
pull and push call it from a pool of workers.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from pxl10n import __version__
from pxl10n.console import add_secret, redact
from pxl10n.errors import AuthError, ConfigError, PXError, PXStatusError, RateLimitError, TransportError
from pxl10n.px.kinds import Item, Kind

log = logging.getLogger(__name__)

API_KEY_HEADER = "X-APTRINSIC-API-KEY"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: "Slow down" answers: retried for as long as the time budget lasts, not a count.
OVERLOAD_STATUSES = frozenset({429, 502, 503, 504})
MAX_PAGE_SIZE = 500
#: Largest export we download (bytes); PX exports are a few KB to a few MB.
MAX_DOWNLOAD_BYTES = 128 * 1024 * 1024
MAX_RETRY_AFTER = 120.0


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

    def subject(self) -> str:
        parts = [p for p in (self.kind, self.item_id) if p]
        what = " ".join(parts) if parts else "PX"
        return f"{what} [{self.language}]" if self.language else what


def _px_message(response: httpx.Response) -> str:
    """PX's own error text from a JSON body, shortened; '' when there is none."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        for key in ("message", "error", "errorMessage", "detail"):
            if isinstance(body.get(key), str):
                return redact(body[key])[:200]
    return ""


def status_error(status: int, ctx: CallContext, response: httpx.Response | None = None) -> PXError:
    """A one-line, fix-it error for a PX status code."""
    subject = ctx.subject()
    said = _px_message(response) if response is not None else ""
    said = f" (PX said: {said})" if said else ""
    if status == 401:
        return AuthError(f"PX refused the API key (401) on {ctx.operation}{said}", status=status, hint="check the key in the environment and the region/base_url")
    if status == 403:
        need = "Write" if ctx.operation == "import" else "Read"
        return AuthError(f"the API key lacks the {need} permission for {ctx.operation} of {subject} (403){said}", status=status, hint=f"give the key {need} permission in PX Administration > REST API")
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


class PXClient:
    """A thread-safe PX API client; use as a context manager."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        rate_limit: float = 190.0,
        concurrency: int = 32,
        timeout: float = 60.0,
        retries: int = 6,
        backoff: float = 0.5,
        max_backoff: float = 10.0,
        retry_budget: float = 300.0,
        transport: httpx.BaseTransport | None = None,
        ca_bundle: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        add_secret(api_key)
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.retry_budget = retry_budget
        self.limiter = RateLimiter(rate_limit, clock=clock, sleep=sleep)
        self._sleep = sleep
        self._stats_lock = threading.Lock()
        self.stats: dict[str, int] = {"requests": 0, "retries": 0, "throttled": 0}
        #: wall-clock seconds every worker was held back by "slow down" answers (429/502/503/504);
        #: overlapping pauses of several workers count once
        self.held_seconds = 0.0
        self._held_until = 0.0
        #: called with (status, seconds) on each such pause, so a CLI can say so at -v
        self.on_throttle: Callable[[int, float], None] | None = None
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={API_KEY_HEADER: api_key, "User-Agent": f"pxl10n/{__version__}"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            transport=transport,
            follow_redirects=False,
            verify=_tls_context(ca_bundle),
        )

    def __enter__(self) -> PXClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

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
    ) -> tuple[httpx.Response, bytes]:
        """Send with rate limit and retries; return the response and its (capped) body."""
        attempt = failures = 0
        started = time.monotonic()
        while True:
            self.limiter.acquire()
            self._count("requests")
            response: httpx.Response | None = None
            try:
                request = self._http.build_request(method, path, params=_clean(params), files=files)
                response = self._http.send(request, stream=True)
                try:
                    if response.status_code in ok:
                        body = _read_capped(response, max_bytes, ctx)
                        self.limiter.recover()
                        return response, body
                    response.read()
                finally:
                    response.close()
            except httpx.TransportError as exc:
                failures += 1
                if failures > self.retries:
                    raise TransportError(
                        f"network error on {ctx.operation} of {ctx.subject()} after {attempt + 1} attempts: {redact(str(exc)) or type(exc).__name__}",
                        hint=f"is {self.base_url} reachable?",
                    ) from None
                log.info("transport error on %s %s: %s; retrying", method, path, exc)
            else:
                status = response.status_code
                if status not in RETRY_STATUSES:
                    raise status_error(status, ctx, response)
                if status == 429:
                    self._count("throttled")
                    self.limiter.slow_down()
                if status not in OVERLOAD_STATUSES:
                    failures += 1
                out_of_time = time.monotonic() - started > self.retry_budget
                if failures > self.retries or out_of_time:
                    if status == 429:
                        raise RateLimitError(f"PX kept answering 429 (rate limit) on {ctx.operation} of {ctx.subject()} after {attempt + 1} attempts", status=429, hint="lower px.rate_limit or try later")
                    raise TransportError(f"PX answered {status} on {ctx.operation} of {ctx.subject()} after {attempt + 1} attempts", status=status, hint="PX may be down; re-run later")
                log.info("%s on %s %s; retrying", status, method, path)
            delay = self._delay(attempt, response)
            self._count("retries")
            if response is not None and response.status_code in OVERLOAD_STATUSES:
                self.limiter.pause(delay)
                self._note_hold(delay)
                if self.on_throttle is not None:
                    self.on_throttle(response.status_code, delay)
            else:
                self._sleep(delay)
            attempt += 1

    def get_json(self, path: str, ctx: CallContext, params: Mapping[str, Any] | None = None) -> Any:
        """GET a JSON document."""
        _, body = self.request("GET", path, ctx, params=params)
        try:
            return json.loads(body)
        except ValueError:
            raise PXStatusError(f"PX answered {ctx.operation} with something that is not JSON") from None

    def iter_items(self, kind: Kind, *, page_size: int = MAX_PAGE_SIZE, params: Mapping[str, Any] | None = None) -> Iterator[Item]:
        """Every item of a listable kind, walking zero-based pages.

        Stops at ``isLastPage``; when PX leaves it out, a short or empty page ends the walk.
        """
        if kind.list_path is None or kind.list_field is None:
            raise ValueError(f"{kind.name} cannot be listed")
        page = 0
        seen: set[str] = set()
        while True:
            query = {"pageSize": min(page_size, MAX_PAGE_SIZE), "pageNumber": page, **(params or {})}
            data = self.get_json(kind.list_path, CallContext(f"listing {kind.name}s"), query)
            if not isinstance(data, dict):
                raise PXStatusError(f"PX listing of {kind.name}s is not a JSON object")
            rows = data.get(kind.list_field) or []
            for row in rows:
                item = item_from_row(kind, row)
                if item.id not in seen:
                    seen.add(item.id)
                    yield item
            size = query["pageSize"]
            last = data.get("isLastPage")
            if not rows or last is True or (last is None and len(rows) < size):
                return
            page += 1

    def export(self, kind: Kind, item_id: str, params: Mapping[str, Any], *, language: str | None = None) -> bytes:
        """The export (normally a zip of XLIFF) of one item for one target language."""
        query = {kind.id_param: item_id, **params}
        _, body = self.request("GET", kind.export_path, CallContext("export", kind.name, item_id, language), params=query)
        return body

    def import_file(self, kind: Kind, item_id: str, data: bytes, filename: str, params: Mapping[str, Any], *, language: str | None = None) -> int:
        """POST one XLIFF file to the kind's import endpoint; returns the status (200/201)."""
        response, _ = self.request(
            "POST",
            kind.import_path,
            CallContext("import", kind.name, item_id, language),
            params=params,
            files={"file": (filename, data, "application/xliff+xml")},
            ok=(200, 201, 202, 204),
        )
        return response.status_code


def item_from_row(kind: Kind, row: Mapping[str, Any]) -> Item:
    """An :class:`Item` from one row of a listing (tolerant of missing fields)."""
    languages = tuple(
        (str(lang.get("languageCode")), bool(lang.get("translated")))
        for lang in row.get("languages") or []
        if isinstance(lang, dict) and lang.get("languageCode")
    )
    name = row.get(kind.name_field) or row.get("name") or row.get("title") or ""
    return Item(
        kind=kind.name,
        id=str(row.get("id")),
        name=str(name),
        default_language=row.get("defaultLanguage"),
        languages=languages,
        item_type=row.get("type"),
    )


def _tls_context(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """Certificates to trust: ``[px] ca_bundle`` when set, else httpx's default (``SSL_CERT_FILE`` or certifi)."""
    if not ca_bundle:
        return True
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


def _read_capped(response: httpx.Response, max_bytes: int, ctx: CallContext) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise PXStatusError(f"the answer to {ctx.operation} of {ctx.subject()} is over {max_bytes} bytes; refused")
        chunks.append(chunk)
    return b"".join(chunks)
