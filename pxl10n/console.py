"""Talking to the person (or CI log) running pxl10n.

Messages go to stderr so machine output (``--format json``) owns stdout. Every
line passes through :func:`redact`, which blanks out registered secrets (the API
key), so no verbosity level can leak them. Progress is a live line on a
terminal and plain, sparse lines in CI logs.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from typing import TextIO

_SECRETS: set[str] = set()
_LOCK = threading.Lock()
REDACTED = "***"

# C0 and C1 controls, DEL, and the Unicode line/paragraph separators: anything that can
# move the cursor, recolour a terminal or start a new line in a CI log.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROLS_BUT_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
#: a line the Actions runner would read as a workflow command (it ignores leading spaces)
_WORKFLOW_COMMAND = re.compile(r"^(\s*)::", re.MULTILINE)


def add_secret(value: str) -> None:
    """Register a value that must never appear in any output."""
    if value and len(value) >= 4:
        with _LOCK:
            _SECRETS.add(value)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


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


def setup_logging(verbosity: int) -> None:
    """Send library logs to stderr at -vv and above, always through redaction."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_pxl10n", False):
            root.removeHandler(handler)
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
