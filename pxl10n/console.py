"""Talking to the person (or CI log) running pxl10n.

Messages go to stderr so machine output (``--format json``) owns stdout.
:func:`redacted_stdio` is the choke point: while a command runs, ``sys.stdout``
and ``sys.stderr`` are wrapped so every line written to them (console messages,
JSON, tables, logs, click's own errors) passes through
:func:`pxl10n.secrets.redact` first; no new output path can forget it. Progress
is a live line on a terminal and plain, sparse lines in CI logs; the client's
"waiting for PX" notes (logger ``pxl10n.px.wait``) are shown at default verbosity.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import re
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from typing import TextIO

from pxl10n.secrets import redact

#: The logger the PX client tells about retries and waits; shown unless -q.
WAIT_LOGGER = "pxl10n.px.wait"
#: At most one "waiting for PX" line this often (32 workers retry together).
WAIT_EVERY = 3.0

# C0 and C1 controls, DEL, and the Unicode line/paragraph separators: anything that can
# move the cursor, recolour a terminal or start a new line in a CI log.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROLS_BUT_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
#: a line the Actions runner would read as a workflow command (it ignores leading spaces)
_WORKFLOW_COMMAND = re.compile(r"^(\s*)::", re.MULTILINE)


class RedactingWriter(io.TextIOBase):
    """A text stream that redacts whole lines before they reach ``inner``.

    Text is held until its line ends (or a flush), so a secret written in two
    pieces is still seen whole.
    """

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner
        self._pending = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            cut = self._pending.rfind("\n") + 1
            if cut:
                ready, self._pending = self._pending[:cut], self._pending[cut:]
                self.inner.write(redact(ready))
        return len(text)

    def flush(self) -> None:
        with self._lock:
            if self._pending:
                self.inner.write(redact(self._pending))
                self._pending = ""
        self.inner.flush()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return bool(getattr(self.inner, "isatty", lambda: False)())

    def writable(self) -> bool:
        return True


@contextlib.contextmanager
def redacted_stdio() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through redaction for the duration.

    A character the stream's encoding cannot hold (an item name in Japanese, a console on code page 1252, output
    piped on Windows) is written escaped (``\\u65e5``) rather than ending the command with an internal error."""
    saved = sys.stdout, sys.stderr
    errors = [_escaping(stream) for stream in saved]
    out, err = RedactingWriter(saved[0]), RedactingWriter(saved[1])
    sys.stdout, sys.stderr = out, err
    try:
        yield
    finally:
        for stream in (out, err):
            with contextlib.suppress(Exception):
                stream.flush()
        sys.stdout, sys.stderr = saved
        for original, was in zip(saved, errors, strict=True):
            if was is not None and isinstance(original, io.TextIOWrapper):
                original.reconfigure(errors=was)


def _escaping(stream: TextIO) -> str | None:
    """Make ``stream`` escape what its encoding cannot hold; its former error handler, None when it cannot."""
    if not isinstance(stream, io.TextIOWrapper) or stream.errors == "backslashreplace":
        return None
    was = stream.errors
    try:
        stream.reconfigure(errors="backslashreplace")
    except (ValueError, OSError):  # a stream that cannot change now (already written to, closed)
        return None
    return was


def write_machine(text: str) -> None:
    """Machine output (JSON, JUnit XML, Markdown) on stdout, in UTF-8 whatever the console's encoding: escaped
    characters would make JSON invalid (``\\xe9``) and contradict the XML declaration, and JSON exchanged between
    systems is UTF-8 (RFC 8259). Through the redacting writer as everything else."""
    out = sys.stdout
    inner = out.inner if isinstance(out, RedactingWriter) else out
    buffer = getattr(inner, "buffer", None)
    if buffer is None or _is_utf8(getattr(inner, "encoding", None)):
        out.write(text)
        out.flush()
        return
    out.flush()
    buffer.write(redact(text).encode("utf-8"))
    buffer.flush()


def _is_utf8(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "utf-8").name == "utf-8"
    except LookupError:
        return False


def some(items: Sequence[str], most: int = 5) -> str:
    """The first ``most`` of ``items``, comma-separated, and how many more: a message names a few, never all."""
    return ", ".join(items[:most]) + (f" and {len(items) - most} more" if len(items) > most else "")


def printable(text: str, *, multiline: bool = False) -> str:
    """``text`` safe to print: controls shown escaped (``\\r``, ``\\x1b``), and no line that
    starts with ``::`` (a GitHub Actions workflow command) left as it is.

    Untrusted strings (unit ids, file names, PX's messages) go through this before
    they reach a terminal or a CI log, so they can neither split a line nor forge an
    ``::error::`` annotation. ``multiline`` keeps ``\\n`` for text we wrote ourselves.
    """
    pattern = _CONTROLS_BUT_NEWLINE if multiline else _CONTROLS
    escaped = pattern.sub(lambda m: repr(m.group())[1:-1], text)
    return _WORKFLOW_COMMAND.sub(lambda m: f"{m.group(1)}\\::", escaped)


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


class _WaitHandler(logging.Handler):
    """Shows the client's waits as console lines, one every few seconds at most."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.INFO)
        self.console = console
        self._last = float("-inf")

    def emit(self, record: logging.LogRecord) -> None:
        now = time.monotonic()
        if now - self._last >= WAIT_EVERY:
            self._last = now
            self.console.info(redact(record.getMessage()))


def setup_logging(verbosity: int, console: Console | None = None) -> None:
    """Library logs to stderr at -vv and above; waits on PX through ``console`` unless -q; all redacted."""
    root = logging.getLogger()
    wait = logging.getLogger(WAIT_LOGGER)
    for logger in (root, wait):
        for handler in list(logger.handlers):
            if getattr(handler, "_pxl10n", False):
                logger.removeHandler(handler)
    if console is not None and verbosity >= 0:
        wait_handler = _WaitHandler(console)
        wait_handler._pxl10n = True  # type: ignore[attr-defined]
        wait.addHandler(wait_handler)
        wait.setLevel(logging.INFO)
        wait.propagate = False
    else:
        wait.propagate = True
    if verbosity < 2:
        logging.getLogger("pxl10n").setLevel(logging.WARNING)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._pxl10n = True  # type: ignore[attr-defined]
    handler.addFilter(_RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    level = logging.DEBUG if verbosity >= 3 else logging.INFO
    root.setLevel(level)
    logging.getLogger("pxl10n").setLevel(logging.DEBUG)


class Console:
    """Levels: -q shows errors only, default shows the tour, -v adds detail."""

    def __init__(self, verbosity: int = 0, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.verbosity = -1 if quiet else verbosity
        self._stream = stream
        self._live = False
        self._last_plain = time.monotonic()
        self._lock = threading.Lock()

    @property
    def stream(self) -> TextIO:
        """stderr, looked up late so test runners that swap it are honoured."""
        return self._stream or sys.stderr

    @property
    def interactive(self) -> bool:
        """True on a terminal; CI logs get plain lines instead of a live line."""
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def _write(self, text: str) -> None:
        with self._lock:
            if self._live:
                self.stream.write("\r\033[K")
                self._live = False
            self.stream.write(printable(redact(text), multiline=True) + "\n")
            self.stream.flush()

    def info(self, text: str) -> None:
        """Normal output: what is happening and the summary."""
        if self.verbosity >= 0:
            self._write(text)

    def detail(self, text: str) -> None:
        """Only with -v."""
        if self.verbosity >= 1:
            self._write(text)

    def warn(self, text: str) -> None:
        """A problem that does not stop the work."""
        if self.verbosity >= 0:
            self._write(f"warning: {text}")

    def error(self, text: str) -> None:
        """Always shown, even with -q."""
        self._write(f"error: {text}")

    def progress(self, done: int, total: int, label: str) -> None:
        """A live counter on a terminal; in logs one line every few seconds and at the end."""
        if self.verbosity < 0 or total <= 0:
            return
        if self.interactive:
            with self._lock:
                self.stream.write(redact(f"\r\033[K{label}: {done}/{total}"))
                self.stream.flush()
                self._live = done < total
                if done >= total:
                    self.stream.write("\n")
            return
        now = time.monotonic()
        if done >= total or now - self._last_plain >= 5.0:
            self._last_plain = now
            self._write(f"{label}: {done}/{total}")
