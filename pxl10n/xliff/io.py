"""Safe XLIFF parsing, canonical serialization, and what a file is about.

Exports from PX are untrusted: the parser never loads a DTD, never resolves an
entity and never touches the network, and documents that carry a DOCTYPE are
refused outright (PX never sends one; an XXE payload always does). Canonical
bytes make "nothing changed" a byte comparison: the same content always
serializes the same way, whatever whitespace between elements or quoting PX used
in its declaration.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from typing import cast

from lxml import etree

from pxl10n.conflict_markers import UNRESOLVED, opening_line
from pxl10n.errors import XliffError
from pxl10n.xliff import namespaces
from pxl10n.xliff.states import is_draft
from pxl10n.xliff.view import UnitView, build_view, datatype_strategy, metadata_strategy, text_of

__all__ = [
    "MAX_DOCUMENT_BYTES", "XLIFF12_NS", "XLIFF20_NS", "XML_LANG", "XML_NS", "Unit", "XliffInfo", "canonical_bytes",
    "canonicalize", "datatype_strategy", "has_doctype", "local_name", "metadata_strategy", "parse", "read_capped", "read_info",
    "refuse_doctype", "safe_parser", "sha256", "source_line", "text_of", "xliff_version", "xml_error",
]

XLIFF12_NS = namespaces.XLIFF12
XLIFF20_NS = namespaces.XLIFF20
XML_NS = namespaces.XML
XML_LANG = namespaces.XML_LANG
MDA_NS = namespaces.MDA

#: Largest document we agree to parse (bytes). Bigger exports are refused.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


def read_capped(name: str) -> bytes | None:
    """The bytes of file ``name``, None when it is over :data:`MAX_DOCUMENT_BYTES`; OSError when unreadable.

    One open, one ``fstat`` of the open file and one unbuffered read: what validate does for every file
    (and what its benchmark's bare parse does too).
    """
    with open(name, "rb", buffering=0) as file:
        info = os.fstat(file.fileno())
        if stat.S_ISREG(info.st_mode):
            return None if info.st_size > MAX_DOCUMENT_BYTES else file.readall()
        chunks, size = [], 0  # a pipe or device (``-``, /dev/stdin) says no size: read no more than the cap allows
        while size <= MAX_DOCUMENT_BYTES and (chunk := file.read(MAX_DOCUMENT_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
        return None if size > MAX_DOCUMENT_BYTES else b"".join(chunks)


def safe_parser(*, recover: bool = False) -> etree.XMLParser:
    """An lxml parser with DTD loading, entity expansion and network access off."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        recover=recover,
    )


def parse(data: bytes, *, source: str = "<document>") -> etree._ElementTree:
    """Parse untrusted XML bytes; raise :class:`XliffError` naming ``source`` on any problem."""
    tree = parse_xml(data, source=source)
    refuse_doctype(tree, source)
    return tree


def parse_xml(data: bytes, *, source: str = "<document>") -> etree._ElementTree:
    """Parse untrusted XML bytes with the safe parser and the size cap; a DOCTYPE is left to the caller."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise XliffError(f"{source}: document is {len(data)} bytes, over the {MAX_DOCUMENT_BYTES} byte cap")
    try:
        return etree.ElementTree(etree.fromstring(data, safe_parser()))
    except etree.XMLSyntaxError as exc:
        marker = opening_line(data)
        if marker is not None:
            raise XliffError(f"{source}: line {marker}: not well-formed XML: {UNRESOLVED}") from None
        message, line, col = xml_error(exc)
        where = f"line {line}, column {col}: " if line and col else f"line {line}: " if line else ""
        raise XliffError(f"{source}: {where}not well-formed XML: {message}") from None


_POSITION = re.compile(r",? line \d+, column \d+$")


def xml_error(exc: etree.XMLSyntaxError) -> tuple[str, int | None, int | None]:
    """What lxml says is wrong, without the position it appends to it (and the ``(<string>, line N)`` of ``str``),
    and that position: (message, line, column)."""
    line, col = exc.position if exc.position else (None, None)
    return _POSITION.sub("", exc.msg or str(exc)), line or None, col or None


def has_doctype(tree: etree._ElementTree) -> bool:
    """True when the document declares a DOCTYPE (the carrier of XXE and entity bombs)."""
    info = tree.docinfo
    doctype: str = info.doctype  # type: ignore[attr-defined]  # lxml-stubs 0.5 omits DocInfo.doctype, which lxml has
    return bool(doctype) or info.internalDTD is not None or info.externalDTD is not None


def refuse_doctype(tree: etree._ElementTree, source: str) -> None:
    """Raise XliffError naming ``source`` when the document declares a DOCTYPE."""
    if has_doctype(tree):
        raise XliffError(f"{source}: document declares a DOCTYPE; refused (DTDs and entities are never expanded)")


def canonical_bytes(tree: etree._ElementTree) -> bytes:
    """Serialize ``tree`` the one way pxl10n writes XLIFF: UTF-8, declaration, final newline."""
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    return data if data.endswith(b"\n") else data + b"\n"


def canonicalize(data: bytes, *, source: str = "<document>") -> bytes:
    """Parse untrusted bytes and return their canonical serialization."""
    return canonical_bytes(parse(data, source=source))


def sha256(data: bytes) -> str:
    """Hex digest used for every content comparison in the state file."""
    return hashlib.sha256(data).hexdigest()


def source_line(element: etree._Element) -> int | None:
    """The line ``element`` starts on in its document (None for a built element).

    lxml-stubs 0.5 declares ``sourceline`` with a plain comment where a type comment belongs, so mypy
    reads it as ``...``; this is the one typed way to it.
    """
    return cast("int | None", element.sourceline)


def local_name(element: etree._Element) -> str:
    """Element name without its namespace ('' for comments and PIs)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


@dataclass
class Unit:
    """One translatable unit: its id, flattened source and target text."""

    id: str | None
    source: str
    target: str | None
    line: int | None = None
    #: a part's target is a draft (:func:`pxl10n.xliff.states.is_draft`): a proposal or the source copied, which push
    #: never sends
    draft: bool = False

    @property
    def translated(self) -> bool:
        """True when the unit has a non-empty target that is no draft (or an empty source and a target)."""
        if self.target is None or self.draft:
            return False
        return bool(self.target.strip()) or not self.source.strip()


@dataclass
class XliffInfo:
    """What a file is about, independent of the XLIFF version."""

    version: str
    src_lang: str | None
    trg_lang: str | None
    file_ids: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    #: the segmentation strategy the document declares, when it says
    strategy: str | None = None

    @property
    def translated_units(self) -> int:
        """Units with a usable target."""
        return sum(1 for unit in self.units if unit.translated)


def xliff_version(tree: etree._ElementTree) -> str:
    """'1.2' or '2.0' from the root namespace; XliffError for anything else."""
    root = tree.getroot()
    ns = etree.QName(root).namespace
    if ns == XLIFF20_NS:
        return "2.0"
    if ns == XLIFF12_NS or (ns is None and local_name(root) == "xliff" and root.get("version") == "1.2"):
        return "1.2"
    raise XliffError(f"root element {root.tag!r} is not XLIFF 1.2 or 2.0")


def info_or_none(data: bytes | None, *, source: str = "<document>") -> XliffInfo | None:
    """What ``data`` holds (:func:`read_info`); None for no data, or data that is no XLIFF pxl10n can read: a copy
    from history that may be missing or broken, where not knowing is an answer."""
    if data is None:
        return None
    try:
        return read_info(parse(data, source=source))
    except XliffError:
        return None


def read_info(tree: etree._ElementTree) -> XliffInfo:
    """Languages, file ids/originals and units of an XLIFF 1.2 or 2.0 document (read through its view)."""
    version = xliff_version(tree)
    view = build_view(tree, version)
    first = view.files[0] if view.files else None
    if version == "2.0":
        root = view.root
        info = XliffInfo(version, root.get("srcLang"), root.get("trgLang"))
    else:
        info = XliffInfo(version, first.src if first else None, first.trg if first else None)
    for file_view in view.files:
        file_el = file_view.element
        pair = (file_el.get("id"), file_el.get("original")) if version == "2.0" else (file_el.get("original"), file_el.get("id"))
        info.file_ids.extend(v for v in pair if v)
        info.strategy = info.strategy or file_view.strategy
        for unit in file_view.units:
            target = unit.target
            info.units.append(Unit(unit.id, unit.source, target, source_line(unit.element),
                                   target is not None and _drafted(unit, version)))
    return info


def _drafted(unit: UnitView, version: str) -> bool:
    """Whether a part of ``unit`` has a draft for a target (:func:`~pxl10n.xliff.states.is_draft`)."""
    return any(part.target is not None and is_draft(part.target, version) for part in unit.parts)
