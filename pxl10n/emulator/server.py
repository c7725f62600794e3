"""Run the emulator over real HTTP on loopback: in a background thread, or blocking.

Tests, the demo and benchmarks all talk to a real socket so the client's
transport, retries and multipart code are exercised exactly as against PX. The
server is threaded (one thread per connection; Werkzeug closes each connection after
one answer, so that is one thread per request) so 50 ms of
injected latency does not cap throughput. It only ever binds a loopback address:
the emulator accepts a well-known key and must not be reachable from outside.
"""

from __future__ import annotations

import ipaddress
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from pxl10n.errors import ConfigError

from .app import EmulatorApp
from .faults import Faults, Stats
from .store import Store

READ_WRITE: frozenset[str] = frozenset({"read", "write"})
#: how often the serving loop checks for ``stop()``: Werkzeug's 0.5 s default
#: made every stop take half a second (about 30 s over the test suite)
POLL_INTERVAL = 0.02
#: how long ``reset()`` waits for requests already being handled
DRAIN_TIMEOUT = 10.0


class _QuietHandler(WSGIRequestHandler):
    """No per-request access log on stderr (thousands of lines in a benchmark)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def check_loopback(host: str) -> None:
    """Raise ConfigError unless ``host`` is a loopback address or ``localhost``."""
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigError(f"emulator host {host!r} is not a loopback address", hint="use 127.0.0.1 or ::1")


def _build_store(fixtures: str | Path | None, store: Store | None) -> Store:
    if store is not None:
        return store
    if fixtures is None:
        return Store.default()
    try:
        return Store.load(fixtures)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"cannot load emulator fixtures from {fixtures}: {exc}") from None


def _keys(api_key: str | None, api_keys: dict[str, set[str]] | None) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {api_key: set(READ_WRITE)} if api_key else {}
    keys.update({key: set(perms) for key, perms in (api_keys or {}).items()})
    return keys


class _InFlight:
    """WSGI wrapper counting requests being handled, so a reset can wait for them.

    A request still inside the app when its test ends would otherwise change the
    next test's fresh store. The count covers the whole handling (where the store
    is read and changed); the body it then streams is already computed.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self._count = 0
        self.peak = 0
        self._idle = threading.Condition()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self._idle:
            self._count += 1
            self.peak = max(self.peak, self._count)
        try:
            return self.app(environ, start_response)
        finally:
            with self._idle:
                self._count -= 1
                if not self._count:
                    self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no request is being handled; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
            return True


class EmulatorServer:
    """The PX emulator in a background thread; use as a context manager.

    ``store``, ``stats``, ``faults`` and ``api_keys`` may be changed while it runs;
    ``reset()`` puts all of them back as constructed, keeping the socket, so one
    server can serve many tests.
    """

    def __init__(
        self,
        api_key: str | None = "test-key",
        *,
        api_keys: dict[str, set[str]] | None = None,
        fixtures: str | Path | None = None,
        store: Store | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        rate_limit: float | None = None,
    ) -> None:
        check_loopback(host)
        self._initial_keys = _keys(api_key, api_keys)
        self._fixtures, self._own_store = fixtures, store is None
        self._latency, self._rate_limit = latency, rate_limit
        self.api_keys = {key: set(perms) for key, perms in self._initial_keys.items()}
        self.app = EmulatorApp(_build_store(fixtures, store), self.api_keys,
                               Faults(latency=latency, rate_limit=rate_limit), Stats())
        self._in_flight = _InFlight(self.app)
        self._host, self._port = host, port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def faults(self) -> Faults:
        """Live-tunable misbehaviour of the running server."""
        return self.app.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self.app.faults = faults

    @property
    def stats(self) -> Stats:
        """Request counters of the running server."""
        return self.app.stats

    @stats.setter
    def stats(self, stats: Stats) -> None:
        self.app.stats = stats

    @property
    def store(self) -> Store:
        """The data being served; assign a new Store to swap it while running."""
        return self.app.store

    @store.setter
    def store(self, store: Store) -> None:
        self.app.store = store

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("EmulatorServer is not running; use it as a context manager or call start()")
        address = self._server.server_address[0]
        host = address.decode() if isinstance(address, bytes) else str(address)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self._server.server_port}"

    def reset(self, store: Store | None = None) -> EmulatorServer:
        """Back to as constructed: a fresh store (or ``store``), keys, faults and stats.

        Clears the old faults and waits for requests still being handled, so
        none of them lands in the fresh store. A server built from an explicit
        ``store`` cannot rebuild it: pass one.
        """
        self.faults.clear()  # ends the misbehaviour of requests still running, so they finish
        if not self._in_flight.wait_idle(DRAIN_TIMEOUT):
            raise RuntimeError(f"emulator still handling a request after {DRAIN_TIMEOUT:.0f} s; cannot reset")
        if store is None:
            if not self._own_store:
                raise ValueError("this emulator was given its store; pass reset() a new one")
            store = _build_store(self._fixtures, None)
        self.app.store = store
        self.api_keys.clear()
        self.api_keys.update({key: set(perms) for key, perms in self._initial_keys.items()})
        self.faults = Faults(latency=self._latency, rate_limit=self._rate_limit)
        self.stats = Stats()
        self._in_flight.peak = 0
        return self

    @property
    def peak_concurrency(self) -> int:
        """The most requests handled at the same moment since start or ``reset()``."""
        return self._in_flight.peak

    def start(self) -> EmulatorServer:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is None:
            server = make_server(self._host, self._port, self._in_flight, threaded=True,
                                 request_handler=_QuietHandler)
            server.daemon_threads = True  # type: ignore[attr-defined]  # threaded=True makes a ThreadingMixIn server
            self._server = server
            self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL},
                                            name="px-emulator", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server, self._thread = None, None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve(host: str = "127.0.0.1", port: int = 8765, api_key: str = "test-key",
          fixtures: str | Path | None = None, latency: float = 0.0, rate_limit: float | None = None) -> None:
    """Serve the emulator in the foreground until interrupted (``pxl10n emulator``)."""
    check_loopback(host)
    store = _build_store(fixtures, None)
    app = EmulatorApp(store, _keys(api_key, None), Faults(latency=latency, rate_limit=rate_limit), Stats())
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    print(f"PX emulator listening on http://{host}:{server.server_port} (Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
