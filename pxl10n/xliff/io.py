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
from dataclasses import dataclass, field

from lxml import etree

from pxl10n.errors import XliffError

XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF20_NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"

#: 1.2 ``datatype`` -> the segmentation strategy it declares (``x-name`` names the strategy itself)
DATATYPE_STRATEGY: dict[str, str] = {"html": "html", "xhtml": "html", "htmlbody": "html", "plaintext": "text"}

#: Largest document we agree to parse (bytes). Bigger exports are refused.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


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
        raise XliffError(f"{source}: not well-formed XML: {exc}") from None


def has_doctype(tree: etree._ElementTree) -> bool:
    """True when the document declares a DOCTYPE (the carrier of XXE and entity bombs)."""
    info = tree.docinfo
    return bool(info.doctype) or info.internalDTD is not None or info.externalDTD is not None


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


def local_name(element: etree._Element) -> str:
    """Element name without its namespace ('' for comments and PIs)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def datatype_strategy(datatype: str) -> str | None:
    """The strategy a 1.2 ``datatype`` declares: html family, plaintext, or an ``x-`` name (None: says nothing)."""
    datatype = datatype.lower()
    if datatype in DATATYPE_STRATEGY:
        return DATATYPE_STRATEGY[datatype]
    if datatype.startswith("x-"):
        return "html" if "html" in datatype else datatype[2:]
    return None


def metadata_strategy(file_el: etree._Element) -> str | None:
    """The strategy a 2.0 ``<file>`` declares in ``<mda:meta type="strategy">``, if any."""
    for meta in file_el.iterfind(f"{{{MDA_NS}}}metadata//{{{MDA_NS}}}meta"):
        value = (meta.text or "").strip()
        if meta.get("type", "").lower() == "strategy" and value:
            return value.lower()
    return None


@dataclass
class Unit:
    """One translatable unit: its id, flattened source and target text."""

    id: str | None
    source: str
    target: str | None
    line: int | None = None

    @property
    def translated(self) -> bool:
        """True when the unit has a non-empty target (or an empty source and a target)."""
        if self.target is None:
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


def text_of(element: etree._Element | None) -> str | None:
    """All the text inside ``element`` (inline codes flattened), None for no element."""
    if element is None:
        return None
    return "".join(element.itertext())


def describe(tree: etree._ElementTree) -> XliffInfo:
    """Languages, file ids/originals and units of an XLIFF 1.2 or 2.0 document."""
    version = xliff_version(tree)
    root = tree.getroot()
    if version == "2.0":
        ns = {"x": XLIFF20_NS}
        info = XliffInfo(version, root.get("srcLang"), root.get("trgLang"))
        for file_el in root.iterfind("x:file", ns):
            info.file_ids.extend(v for v in (file_el.get("id"), file_el.get("original")) if v)
            info.strategy = info.strategy or metadata_strategy(file_el)
        for unit in root.iterfind(".//x:unit", ns):
            sources, targets, has_target = [], [], False
            for part in unit:
                if local_name(part) not in ("segment", "ignorable"):
                    continue
                sources.append(text_of(part.find("x:source", ns)) or "")
                target = part.find("x:target", ns)
                if target is not None:
                    has_target = True
                targets.append(text_of(target) or "")
            info.units.append(
                Unit(unit.get("id"), "".join(sources), "".join(targets) if has_target else None, unit.sourceline)
            )
        return info
    ns = {"x": etree.QName(root).namespace} if etree.QName(root).namespace else None
    prefix = "x:" if ns else ""
    files = root.findall(f"{prefix}file", ns)
    src = files[0].get("source-language") if files else None
    trg = files[0].get("target-language") if files else None
    info = XliffInfo(version, src, trg)
    for file_el in files:
        info.file_ids.extend(v for v in (file_el.get("original"), file_el.get("id")) if v)
        info.strategy = info.strategy or datatype_strategy(file_el.get("datatype") or "")
    for tu in root.iterfind(f".//{prefix}trans-unit", ns):
        info.units.append(
            Unit(tu.get("id"), text_of(tu.find(f"{prefix}source", ns)) or "", text_of(tu.find(f"{prefix}target", ns)), tu.sourceline)
        )
    return info
