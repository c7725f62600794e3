"""Run the emulator over real HTTP on loopback: in a background thread, or blocking.

Tests, the demo and benchmarks all talk to a real socket so the client's
transport, retries and multipart code are exercised exactly as against PX. The
server is threaded (one thread per connection, HTTP/1.1 keep-alive) so 50 ms of
injected latency does not cap throughput. It only ever binds a loopback address:
the emulator accepts a well-known key and must not be reachable from outside.
"""

from __future__ import annotations

import ipaddress
import sys
import threading
from pathlib import Path
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from pxl10n.errors import ConfigError

from .app import EmulatorApp
from .faults import Faults, Stats
from .store import Store

READ_WRITE: frozenset[str] = frozenset({"read", "write"})


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


class EmulatorServer:
    """The PX emulator in a background thread; use as a context manager.

    ``store``, ``stats``, ``faults`` and ``api_keys`` may be changed while it runs.
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
        self.api_keys = _keys(api_key, api_keys)
        self.faults = Faults(latency=latency, rate_limit=rate_limit)
        self.stats = Stats()
        self.app = EmulatorApp(_build_store(fixtures, store), self.api_keys, self.faults, self.stats)
        self._host, self._port = host, port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

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
        host = self._server.server_address[0]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self._server.server_port}"

    def start(self) -> EmulatorServer:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is None:
            self._server = make_server(self._host, self._port, self.app, threaded=True,
                                       request_handler=_QuietHandler)
            self._server.daemon_threads = True
            self._thread = threading.Thread(target=self._server.serve_forever, name="px-emulator", daemon=True)
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
