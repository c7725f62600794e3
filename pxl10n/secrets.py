"""The API key, kept out of every output: one registry, one redaction, one check.

Every path text takes to the outside (stdout, stderr, logs, ``$GITHUB_OUTPUT``,
job summaries, exception messages, files pulled from PX) goes through
:func:`redact` or :func:`contains`. A key can reach an output in disguise, so each
registered secret is matched in every spelling a library on the way may give it:
as is, escaped the way ``repr``/JSON/XML write it, percent-encoded (upper or
lower case hex, ``+`` for spaces), and cut at its line breaks.

:func:`check_header_value` refuses up front a key that an HTTP header cannot
carry, so the HTTP library never gets to quote it in an error of its own.
This module is a leaf: it imports nothing from pxl10n.
"""

from __future__ import annotations

import json
import os
import re
import threading
from urllib.parse import quote, quote_plus

REDACTED = "***"
#: Shorter values (and shorter pieces of a key cut at line breaks) are not secrets worth hiding.
MIN_SECRET = 4
MIN_PIECE = 6

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_byte_forms: tuple[bytes, ...] = ()

# What an HTTP/1.1 header value may hold (RFC 9110 field-vchar and inner spaces).
_HEADER_SAFE = re.compile(r"^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$")


def _percent_lower(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)


def _xml_escape(text: str, quotes: dict[str, str] | None = None) -> str:
    """``xml.sax.saxutils.escape``, whose import pulls urllib.request and http.client into every start-up."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char, entity in (quotes or {}).items():
        text = text.replace(char, entity)
    return text


def spellings(secret: str) -> set[str]:
    """Every form in which ``secret`` may show up in text."""
    forms = {
        secret,
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        _xml_escape(secret),
        _xml_escape(secret, {'"': "&quot;", "'": "&apos;"}),
        _xml_escape(secret, {'"': "&#34;", "'": "&#39;"}),
        secret.encode("unicode_escape").decode("ascii"),
    }
    for encoded in (quote(secret, safe=""), quote_plus(secret, safe=""), quote(secret)):
        forms |= {encoded, _percent_lower(encoded)}
    for piece in re.split(r"[\r\n\t\x00-\x1f\"'\\ ]+", secret):
        if len(piece) >= MIN_PIECE:
            forms.add(piece)
    return {form for form in forms if len(form) >= MIN_SECRET}


def add_secret(value: str | None) -> None:
    """Register a value that must never appear in any output."""
    if not value or len(value.strip()) < MIN_SECRET:
        return
    global _pattern, _byte_forms
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        forms = set().union(*(spellings(s) for s in _secrets))
        ordered = sorted(forms, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(form) for form in ordered))
        _byte_forms = tuple(form.encode("utf-8") for form in ordered)


def clear() -> None:
    """Forget every secret (tests only: a process keeps its key for life)."""
    global _pattern, _byte_forms
    with _lock:
        _secrets.clear()
        _pattern, _byte_forms = None, ()


def redact(text: str) -> str:
    """``text`` with every spelling of every registered secret replaced by ``***``."""
    pattern = _pattern
    if pattern is None or not text:
        return text
    return pattern.sub(REDACTED, text)


def contains(data: bytes | str) -> bool:
    """True when ``data`` holds a registered secret in any spelling."""
    if isinstance(data, str):
        pattern = _pattern
        return bool(pattern and pattern.search(data))
    return any(form in data for form in _byte_forms)


def holders() -> list[str]:
    """The environment variables holding a registered secret: what a child process that needs no key (git,
    and the hooks git runs, which are the repository's code) gets empty."""
    return sorted(name for name, value in os.environ.items() if contains(value))


def check_header_value(value: str, *, name: str) -> str | None:
    """Why ``value`` cannot travel in an HTTP header (the fix included), or None when it can."""
    if _HEADER_SAFE.match(value):
        return None
    if any(ch in value for ch in "\r\n"):
        why = "holds a line break"
    elif any(ord(ch) > 0x7E for ch in value):
        why = "holds non-ASCII characters"
    elif value != value.strip():
        why = "starts or ends with a space"
    else:
        why = "holds control characters"
    return f"the API key in {name} {why}, which an HTTP header cannot carry; copy the key again from PX Administration > REST API"
