"""Run the emulator over real HTTP on loopback: in a background thread, or blocking.

Tests, the demo and benchmarks all talk to a real socket so the client's
transport, retries and multipart code are exercised exactly as against PX. The
server is threaded (one thread per connection; connections are kept alive for requests
without a body, see :class:`_QuietHandler`) so 50 ms of
injected latency does not cap throughput. It only ever binds a loopback address:
the emulator accepts a well-known key and must not be reachable from outside.
"""

from __future__ import annotations

import ipaddress
import socket
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
    """Keep-alive for requests without a body, and no per-request access log on stderr.

    Werkzeug answers every request with ``Connection: close`` (it cannot tell where an
    unread request body ends), so each request cost a new connection and a new server
    thread: most of what the emulator spent per request. A request without a body (every
    listing and export) cannot leave unread bytes behind, so its connection is kept open
    when the answer says how long it is (``Content-Length``) and all of it was sent.
    Anything else (an upload, HEAD, ``Expect``, an answer without a length, a connection
    dropped or reset by a wire fault, an error) is Werkzeug's own answer-and-close.
    """

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    #: True while a request is being answered (``stop()`` cuts only idle connections)
    busy = False

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connections = getattr(self.server, "open_connections", None)
        if connections is not None:
            connections[self.connection] = self

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            connections = getattr(self.server, "open_connections", None)
            if connections is not None:
                connections.pop(self.connection, None)

    def _bodyless(self) -> bool:
        headers = self.headers
        return (self.command in ("GET", "DELETE", "OPTIONS") and headers.get("Content-Length", "0").strip() == "0"
                and "Transfer-Encoding" not in headers and "Expect" not in headers)

    def run_wsgi(self) -> None:
        if not self._bodyless():
            super().run_wsgi()
            return
        self.busy = True
        try:
            self._answer()
        finally:
            self.busy = False
            if getattr(self.server, "stopping", False):
                self.close_connection = True

    def _answer(self) -> None:
        self.environ = environ = self.make_environ()
        answer: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            if exc_info and answer:
                raise exc_info[1].with_traceback(exc_info[2])
            answer[:] = [status, headers]
            return lambda data: None  # the emulator never uses write()

        self.close_connection = True  # until the whole answer went out as promised
        try:
            body = self.server.app(environ, start_response)
            try:
                self._send(answer, body)
            finally:
                if hasattr(body, "close"):
                    body.close()
        except (ConnectionError, TimeoutError, OSError) as exc:  # the client or a wire fault dropped it
            self.close_connection = True
            self.connection_dropped(exc, environ)

    def _send(self, answer: list[Any], body: Iterable[bytes]) -> None:
        status, headers = answer if answer else ("500 Internal Server Error", [("Content-Length", "0")])
        code, _, message = str(status).partition(" ")
        length: int | None = None
        self.send_response(int(code), message)
        for key, value in headers:
            if key.lower() == "content-length":
                length = int(value)
            if key.lower() != "connection":
                self.send_header(key, value)
        if length is None:
            self.send_header("Connection", "close")  # the body ends where the connection does
        self.end_headers()
        sent = 0
        for data in body:
            if data:
                self.wfile.write(data)
                sent += len(data)
        self.wfile.flush()
        if length is not None and sent == length:
            self.close_connection = False


def _close_idle(server: BaseWSGIServer) -> None:
    """After a stop, no kept-alive connection may still be answered: cut the idle ones, end the busy ones after their answer."""
    server.stopping = True  # type: ignore[attr-defined]
    connections: dict[socket.socket, _QuietHandler] = getattr(server, "open_connections", {})
    for sock, handler in list(connections.items()):
        if not handler.busy:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


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

    def drain(self, timeout: float = DRAIN_TIMEOUT) -> bool:
        """Wait for the requests still being handled; False when one still is after ``timeout`` seconds.

        A request a client sent is handled to its end even when the client dies meanwhile, as at PX: a test that
        kills a run waits here before it changes PX, or it races the dead run's last import."""
        return self._in_flight.wait_idle(timeout)

    def reset(self, store: Store | None = None) -> EmulatorServer:
        """Back to as constructed: a fresh store (or ``store``), keys, faults and stats.

        Clears the old faults and waits for requests still being handled, so
        none of them lands in the fresh store. A server built from an explicit
        ``store`` cannot rebuild it: pass one.
        """
        self.faults.clear()  # ends the misbehaviour of requests still running, so they finish
        if not self.drain():
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
            server.open_connections = {}  # type: ignore[attr-defined]  # socket -> handler, see _QuietHandler
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
            _close_idle(self._server)
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
