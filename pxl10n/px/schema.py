"""The shape of every PX answer pxl10n reads, checked at the edge.

PX (or whatever answers in its place) is untrusted: a listing page, a row or an
error body that is not what ``docs/px-api.md`` describes becomes a
:class:`~pxl10n.errors.PXAnswerError` naming the call and the field, never a
``None`` deep inside pull. Sizes are capped too, because an id or a name ends up
in file names, the index and commit messages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pxl10n.errors import PXAnswerError
from pxl10n.px.kinds import Item, Kind
from pxl10n.secrets import contains, redact

MAX_ID = 1024
MAX_NAME = 4096
MAX_CODE = 64
MAX_LANGUAGES = 1000
MAX_MESSAGE = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing, checked: its items and what it says about the walk."""

    items: tuple[Item, ...]
    is_last: bool | None
    page_number: int | None


def _fail(call: str, field: str, why: str) -> PXAnswerError:
    return PXAnswerError(f"PX answered {call} with an unexpected shape: {field} {why}", hint="PX may be misbehaving or a proxy answered; re-run later")


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return f"a string of {len(value)} characters" if len(value) > 40 else "a string"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _text(value: Any, call: str, field: str, limit: int, *, required: bool = False, numbers: bool = False,
          display: bool = False) -> str | None:
    """A string field (ints allowed where PX may send numbers), capped and free of control characters: refused
    with them, or for a ``display`` field (a name, shown and never used as a key) made :func:`one_line`."""
    if value is None:
        if required:
            raise _fail(call, field, "is missing or null")
        return None
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _fail(call, field, f"is {_describe(value)}, expected a string")
    if len(value) > limit:
        raise _fail(call, field, f"is {len(value)} characters long, over the limit of {limit}")
    if required and not value.strip():
        raise _fail(call, field, "is empty")
    if _CONTROL.search(value):
        if display:
            return one_line(value)
        raise _fail(call, field, "holds control characters")
    return value


def _languages(value: Any, call: str, field: str) -> tuple[tuple[str, bool], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _fail(call, field, f"is {_describe(value)}, expected a list")
    if len(value) > MAX_LANGUAGES:
        raise _fail(call, field, f"has {len(value)} entries, over the limit of {MAX_LANGUAGES}")
    languages = []
    for index, entry in enumerate(value):
        where = f"{field}[{index}]"
        if not isinstance(entry, dict):
            raise _fail(call, where, f"is {_describe(entry)}, expected an object")
        code = _text(entry.get("languageCode"), call, f"{where}.languageCode", MAX_CODE, required=True)
        translated = entry.get("translated")
        if translated is not None and not isinstance(translated, bool):
            raise _fail(call, f"{where}.translated", f"is {_describe(translated)}, expected true or false")
        languages.append((str(code), bool(translated)))
    return tuple(languages)


def one_line(text: str) -> str:
    """``text`` as one line of plain characters: controls (a newline, a terminal escape) and runs of whitespace as one
    space. An item's name reaches the terminal, commit messages (one line per file, which the sync pull request
    quotes) and index.json: kept as it was, a newline in it wrote a line of its own into a commit message; refused,
    it kept the whole kind from being pulled over a name."""
    return " ".join("".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text).split())


def item_row(row: Any, kind: Kind, call: str, where: str = "row") -> Item:
    """An :class:`Item` from one listing row (or a single-item answer)."""
    if not isinstance(row, dict):
        raise _fail(call, where, f"is {_describe(row)}, expected an object")
    item_id = _text(row.get("id"), call, f"{where}.id", MAX_ID, required=True, numbers=True)
    if contains(str(item_id)):
        # An id becomes a file name: one carrying the key cannot be redacted into something usable.
        raise _fail(call, f"{where}.id", "holds the API key")
    name = None
    for field in dict.fromkeys((kind.name_field, "name", "title")):
        name = _text(row.get(field), call, f"{where}.{field}", MAX_NAME, display=True)
        if name:
            break
    item_type = _text(row.get("type"), call, f"{where}.type", MAX_ID)
    return Item(
        kind=kind.name,
        id=str(item_id),
        name=redact(name or ""),
        default_language=_text(row.get("defaultLanguage"), call, f"{where}.defaultLanguage", MAX_CODE),
        languages=_languages(row.get("languages"), call, f"{where}.languages"),
        item_type=redact(item_type) if item_type else None,
    )


def listing_page(data: Any, kind: Kind, call: str, *, page_size: int) -> ListingPage:
    """A checked listing page: an object with the kind's list field, ``isLastPage`` and ``pageNumber``."""
    if not isinstance(data, dict):
        raise _fail(call, "the answer", f"is {_describe(data)}, expected an object")
    field = str(kind.list_field)
    rows = data.get(field)
    if rows is None:
        raise _fail(call, field, "is missing or null")
    if not isinstance(rows, list):
        raise _fail(call, field, f"is {_describe(rows)}, expected a list")
    if len(rows) > page_size:
        raise _fail(call, field, f"has {len(rows)} rows, more than the {page_size} asked for")
    is_last = data.get("isLastPage")
    if is_last is not None and not isinstance(is_last, bool):
        raise _fail(call, "isLastPage", f"is {_describe(is_last)}, expected true or false")
    number = data.get("pageNumber")
    if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
        raise _fail(call, "pageNumber", f"is {_describe(number)}, expected a whole number")
    items = tuple(item_row(row, kind, call, f"{field}[{index}]") for index, row in enumerate(rows))
    return ListingPage(items, is_last, number)


def error_message(data: Any) -> str:
    """PX's own words from an error body (``message``/``error``/...), shortened; '' for any other shape."""
    if isinstance(data, Mapping):
        for key in ("message", "error", "errorMessage", "detail"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                text = _CONTROL.sub(" ", value).strip()
                return text[:MAX_MESSAGE] + ("..." if len(text) > MAX_MESSAGE else "")
    return ""
