"""Pseudo-translation: fill targets with recognisable, still-valid copies of the source.

An admin pushes pseudo-translations to a test locale to see, in the product,
which strings are not localizable (they stay plain), which get cut off (the
closing bracket is missing) and which break when text grows (``expand``). Every
placeholder, inline code, HTML tag, entity, URL, e-mail address and the
whitespace at both ends is kept, so the result passes validation.

Styles build on each other: ``accents`` swaps letters for accented ones,
``brackets`` also wraps each segment in ``[...]``, ``expand`` also pads it by the
growth translations typically need (IBM's guideline: short strings grow most).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from enum import StrEnum

from lxml import etree

from pxl10n.xliff.io import canonical_bytes, parse
from pxl10n.xliff.segments import Segment, iter_segments, write_target


class Style(StrEnum):
    """How loud the pseudo-translation is."""

    ACCENTS = "accents"
    BRACKETS = "brackets"
    EXPAND = "expand"


_ACCENTS = str.maketrans(
    "AaCcEeIiNnOoUuYy",
    "ÅåÇçÉéÎîÑñÖöÛûÝý",
)
# Stretches of text that must survive untouched: placeholders, tags, entities, URLs, e-mail addresses.
_PROTECTED = re.compile(
    r"(\{\{.*?\}\}|\$\{.*?\}|\{[\w.]+\}|%\(\w+\)[sd]|%\d*\$?[sd]|<[^>]*>|&#?\w+;|https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)
#: (longest visible length, growth in percent): IBM's expansion guideline, lower bounds
_GROWTH = ((10, 100), (20, 80), (30, 60), (50, 40), (70, 30))
_PAD = "~"
# The closing bracket goes before final punctuation, so "Done." stays a sentence: "[Döñé]."
_END_PUNCTUATION = ".!?:;,…。！？、"


def _accent(text: str) -> str:
    parts = _PROTECTED.split(text)
    return "".join(part if index % 2 else part.translate(_ACCENTS) for index, part in enumerate(parts))


def _visible(text: str) -> str:
    """The translatable letters of ``text``: protected stretches and outer whitespace removed."""
    return "".join(part for index, part in enumerate(_PROTECTED.split(text)) if not index % 2).strip()


def growth(length: int) -> int:
    """Characters to add to a segment of ``length`` visible characters for ``expand``."""
    if not length:
        return 0
    percent = next((pct for limit, pct in _GROWTH if length <= limit), 30)
    return max(1, -(-length * percent // 100))


def _insert(text: str, marker: str, *, last: bool) -> str | None:
    """``text`` with ``marker`` before its first (or after its last) visible character; None if none."""
    parts = _PROTECTED.split(text)
    order = range(len(parts) - 1, -1, -1) if last else range(len(parts))
    for index in order:
        part = parts[index]
        if index % 2 or not part.strip():
            continue
        if last:
            end = len(part.rstrip())
            end = len(part[:end].rstrip(_END_PUNCTUATION))
            parts[index] = part[:end] + marker + part[end:]
        else:
            start = len(part) - len(part.lstrip())
            parts[index] = part[:start] + marker + part[start:]
        return "".join(parts)
    return None


class _Slot:
    """One text or tail of an element, read and written in place."""

    def __init__(self, element: etree._Element, attr: str) -> None:
        self.element, self.attr = element, attr

    @property
    def value(self) -> str:
        return getattr(self.element, self.attr) or ""

    @value.setter
    def value(self, text: str) -> None:
        setattr(self.element, self.attr, text or None)


def _slots(element: etree._Element) -> Iterator[_Slot]:
    """The text pieces inside ``element`` in reading order (its own tail excluded)."""
    yield _Slot(element, "text")
    for child in element:
        if isinstance(child.tag, str):
            yield from _slots(child)
        yield _Slot(child, "tail")


def _decorate(slots: list[_Slot], style: Style) -> None:
    for slot in slots:
        slot.value = _accent(slot.value)
    if style == Style.ACCENTS:
        return
    closing = "]"
    if style == Style.EXPAND:
        closing = _PAD * growth(len("".join(_visible(slot.value) for slot in slots))) + "]"
    for slot in slots:
        edited = _insert(slot.value, "[", last=False)
        if edited is not None:
            slot.value = edited
            break
    for slot in reversed(slots):
        edited = _insert(slot.value, closing, last=True)
        if edited is not None:
            slot.value = edited
            break


def pseudo_text(text: str, style: Style = Style.ACCENTS) -> str:
    """Pseudo-translate one string; protected stretches and outer whitespace are kept."""
    holder = etree.Element("t")
    holder.text = text
    _decorate([_Slot(holder, "text")], style)
    return holder.text or ""


def pseudo_segment(segment: Segment, style: Style = Style.ACCENTS) -> etree._Element:
    """Write a pseudo-translated target into ``segment`` and return it."""
    content = copy.deepcopy(segment.source)
    content.tail = None
    _decorate(list(_slots(content)), style)
    return write_target(segment, content)


def pseudo_translate(data: bytes, *, source: str = "<document>", overwrite: bool = False, style: Style = Style.ACCENTS) -> bytes:
    """Canonical XLIFF bytes with every untranslated unit (every unit with ``overwrite``) pseudo-translated."""
    tree = parse(data, source=source)
    for segment in list(iter_segments(tree)):
        if segment.writable and (overwrite or not segment.has_target):
            pseudo_segment(segment, style)
    return canonical_bytes(tree)
