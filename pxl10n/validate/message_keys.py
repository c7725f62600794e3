"""Tell units whose ``<source>`` is a message key (``form.label.name``) from units with real text.

Symfony's ``translation:extract`` (and Sonata, and apps using keyword messages)
writes the key where the source text belongs: ``<source>title.post_list</source>``
with ``<target>Liste des articles</target>``. Comparing such a target with its
"source" finds nothing but noise (every placeholder, tag and number of the real
text is "not in source"), so QA skips the comparison for these units and says
once per file that it did.

A unit is keyed when its source is a dotted key (lower-case segments of
letters, digits, ``_`` and ``-``, one of them at least three long, the last not a
file extension or top-level domain: ``index.html`` and ``example.com`` are text).
In a file that is mostly keys (a quarter dotted, half dotted or identifiers), a
source that is a single lower-case identifier equal to the unit's ``id`` or
``resname`` (``note``, ``not_available``) is a key too; ``Save``, which an
exporter may repeat as its own resname, stays text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

_DOTTED_RE = re.compile(r"[a-z][A-Za-z0-9_\-]*(?:\.[a-z0-9][A-Za-z0-9_\-]*)+")
_IDENTIFIER_RE = re.compile(r"[a-z_][A-Za-z0-9_.\-]*")
#: Endings that make a dotted word a file name or a host name, i.e. text.
_NOT_KEY_ENDINGS = frozenset(
    "com org net io dev app info biz edu gov co uk de fr es it nl eu us ru jp cn "
    "html htm js mjs ts tsx jsx css scss json xml yml yaml toml ini txt md csv pdf doc docx xls xlsx ppt pptx "
    "png jpg jpeg gif svg webp ico mp3 mp4 wav zip gz tar exe dll so php py rb java sh bat xlf xliff po".split()
)
#: A file is keyed when this share of its units are dotted keys (and at least two are) ...
DOTTED_SHARE = 0.25
#: ... and this share are dotted keys or identifiers repeating their id/resname.
KEYED_SHARE = 0.5


class UnitText(NamedTuple):
    """What the detection reads of one unit (immutable; one per unit of every file)."""

    source: str
    unit_id: str | None = None
    resname: str | None = None


def is_dotted_key(source: str) -> bool:
    """``title.post_list``, ``http_error.name``: a key whatever the file around it says."""
    text = source  # a key has no surrounding whitespace; ``ul.menutop `` is text
    if not _DOTTED_RE.fullmatch(text):
        return False
    segments = text.split(".")
    if segments[-1].lower() in _NOT_KEY_ENDINGS or all(s.isdigit() for s in segments[1:]):
        return False
    return any(len(s) >= 3 for s in segments)


def _is_named_identifier(unit: UnitText) -> bool:
    """A lone lower-case identifier repeated as the unit's id or resname (``not_available``, ``note``)."""
    text = unit.source
    return bool(_IDENTIFIER_RE.fullmatch(text)) and text in (unit.unit_id, unit.resname)


#: A whole text that is a dotted key, between two NUL separators (sources joined as qa_scan joins them).
_DOTTED_JOINED_RE = re.compile(f"\\x00(?:{_DOTTED_RE.pattern})(?=\\x00)")


def may_hold_keys(joined_sources: str) -> bool:
    """Whether any of a document's sources, joined between NUL separators, may be a dotted key: without
    one, :func:`keyed_units` finds none (a file is keyed only through its dotted keys)."""
    return _DOTTED_JOINED_RE.search(joined_sources) is not None


def keyed_units(units: Sequence[UnitText]) -> frozenset[int]:
    """Indexes of the units whose source is a message key."""
    dotted = {i for i, u in enumerate(units) if is_dotted_key(u.source)}
    if len(dotted) < max(2, DOTTED_SHARE * len(units)):
        return frozenset(dotted)
    keyed = dotted | {i for i, u in enumerate(units) if _is_named_identifier(u)}
    return frozenset(keyed if len(keyed) >= KEYED_SHARE * len(units) else dotted)
