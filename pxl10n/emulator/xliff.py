"""XLIFF the emulator exports, and reading the XLIFF it is asked to import.

PX does not document its XLIFF layout, so these are the emulator's choices:

* One ``<file>`` per document, ``original="{item id}"`` in both versions; 2.0
  also needs ``id`` (always ``f1``). Imports find the item through ``original``
  only: a file without it is a 433.
* The segmentation strategy travels inside the file. 1.2: the required
  ``datatype`` attribute (``html`` for strategy ``html``, ``plaintext`` for
  ``text``). 2.0: ``<mda:metadata><mda:metaGroup category="px"><mda:meta
  type="strategy">html</mda:meta>...`` (the Metadata module), next to
  ``type="kind"``. The emulator does not resegment: both strategies carry the
  same units; the label exists so import can insist it matches the export.
* One unit per stored source string, ``id`` = the PX unit id. HTML markup is
  text (``<`` travels as ``&lt;``), never inline XLIFF codes. Whitespace is
  significant: 1.2 units and 2.0 units carry ``xml:space="preserve"``.
* Targets appear only when ``translated`` is true and a translation is stored;
  2.0 segments with a target say ``state="translated"``, 1.2 targets too.
* Output is built with lxml and indented the same way every time, so the same
  content always exports to the same UTF-8 bytes.

Imports are parsed with :func:`pxl10n.xliff.io.parse` (no DTD, no entities, no
network); any problem becomes an :class:`ImportProblem` carrying the PX status.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from pxl10n.errors import XliffError
from pxl10n.xliff.io import XLIFF12_NS, XLIFF20_NS, XML_NS, local_name, parse, text_of

from .store import Item

MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
VERSIONS: tuple[str, ...] = ("2.0", "1.2")
#: strategy name -> XLIFF 1.2 ``datatype``
STRATEGIES: dict[str, str] = {"html": "html", "text": "plaintext"}
DEFAULT_STRATEGY = "html"
_SPACE = f"{{{XML_NS}}}space"
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class ImportProblem(Exception):
    """An import PX would refuse; ``status`` is the documented code."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


@dataclass
class ImportDocument:
    """What an uploaded XLIFF says: version, strategy, item id, languages, targets."""

    version: str
    strategy: str | None
    item_id: str | None
    src_lang: str | None
    trg_lang: str | None
    targets: dict[str, str] = field(default_factory=dict)


def export_document(item: Item, trg_lang: str, *, version: str, strategy: str, translated: bool) -> bytes:
    """The XLIFF bytes PX would put in the export zip for one item and target language."""
    targets = item.translations.get(trg_lang, {}) if translated else {}
    if version == "1.2":
        root = _export12(item, trg_lang, strategy, targets)
    else:
        root = _export20(item, trg_lang, strategy, targets)
    etree.indent(root, space="  ")
    return _DECLARATION + etree.tostring(root, encoding="UTF-8") + b"\n"


# lxml spells the default namespace as the key None; lxml-stubs 0.5 types nsmap keys as str only
_NSMAP20: dict[str, str] = {None: XLIFF20_NS, "mda": MDA_NS}  # type: ignore[dict-item]
_NSMAP12: dict[str, str] = {None: XLIFF12_NS}  # type: ignore[dict-item]


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _export20(item: Item, trg_lang: str, strategy: str, targets: dict[str, str]) -> etree._Element:
    root = etree.Element(_q(XLIFF20_NS, "xliff"), nsmap=_NSMAP20,
                         version="2.0", srcLang=item.default_language, trgLang=trg_lang)
    file_el = etree.SubElement(root, _q(XLIFF20_NS, "file"), id="f1", original=item.id)
    group = etree.SubElement(etree.SubElement(file_el, _q(MDA_NS, "metadata")), _q(MDA_NS, "metaGroup"), category="px")
    meta = [("kind", item.kind), ("strategy", strategy)]
    if item.kind == "content" and item.type:
        meta.append(("contentType", item.type))
    for meta_type, value in meta:
        etree.SubElement(group, _q(MDA_NS, "meta"), type=meta_type).text = value
    for unit_id, source in item.units.items():
        unit = etree.SubElement(file_el, _q(XLIFF20_NS, "unit"), id=unit_id)
        unit.set(_SPACE, "preserve")
        segment = etree.SubElement(unit, _q(XLIFF20_NS, "segment"))
        etree.SubElement(segment, _q(XLIFF20_NS, "source")).text = source
        if unit_id in targets:
            segment.set("state", "translated")
            etree.SubElement(segment, _q(XLIFF20_NS, "target")).text = targets[unit_id]
    return root


def _export12(item: Item, trg_lang: str, strategy: str, targets: dict[str, str]) -> etree._Element:
    root = etree.Element(_q(XLIFF12_NS, "xliff"), nsmap=_NSMAP12, version="1.2")
    file_el = etree.SubElement(root, _q(XLIFF12_NS, "file"), original=item.id, datatype=STRATEGIES[strategy])
    file_el.set("source-language", item.default_language)
    file_el.set("target-language", trg_lang)
    body = etree.SubElement(file_el, _q(XLIFF12_NS, "body"))
    for unit_id, source in item.units.items():
        unit = etree.SubElement(body, _q(XLIFF12_NS, "trans-unit"), id=unit_id)
        unit.set(_SPACE, "preserve")
        etree.SubElement(unit, _q(XLIFF12_NS, "source")).text = source
        if unit_id in targets:
            etree.SubElement(unit, _q(XLIFF12_NS, "target"), state="translated").text = targets[unit_id]
    return root


def read_import(data: bytes, *, expected_id: str | None = None) -> ImportDocument:
    """Parse an uploaded XLIFF safely; ``expected_id`` picks the file (content imports)."""
    try:
        tree = parse(data, source="uploaded XLIFF")
    except XliffError as exc:
        raise ImportProblem(432, f"XLIFF parse error: {exc.message}") from None
    root = tree.getroot()
    if local_name(root) != "xliff":
        raise ImportProblem(432, f"XLIFF parse error: root element is <{local_name(root)}>, not <xliff>")
    namespace = etree.QName(root).namespace
    if namespace == XLIFF20_NS and root.get("version") == "2.0":
        return _read20(root, expected_id)
    if namespace in (XLIFF12_NS, None) and root.get("version") == "1.2":
        return _read12(root, namespace, expected_id)
    raise ImportProblem(438, f"XLIFF version {root.get('version')!r} ({namespace}) is not supported; use 1.2 or 2.0")


def _pick_file(files: list[etree._Element], expected_id: str | None) -> etree._Element:
    for file_el in files:
        original = file_el.get("original")
        if original and (expected_id is None or original == expected_id):
            return file_el
    wanted = f"item id {expected_id!r}" if expected_id else "an item id"
    raise ImportProblem(433, f"{wanted} not found in the XLIFF (<file original=...>)")



def _read20(root: etree._Element, expected_id: str | None) -> ImportDocument:
    ns = {"x": XLIFF20_NS, "mda": MDA_NS}
    file_el = _pick_file(root.findall("x:file", ns), expected_id)
    strategy = file_el.findtext("mda:metadata/mda:metaGroup/mda:meta[@type='strategy']", namespaces=ns)
    doc = ImportDocument("2.0", strategy, file_el.get("original"), root.get("srcLang"), root.get("trgLang"))
    for unit in file_el.iterfind(".//x:unit", ns):
        parts = [p for p in unit if local_name(p) in ("segment", "ignorable")]
        found = [p.find("x:target", ns) for p in parts]
        if any(t is not None for t in found):
            doc.targets[unit.get("id", "")] = "".join(text_of(t) or "" for t in found)
    return doc


def _read12(root: etree._Element, namespace: str | None, expected_id: str | None) -> ImportDocument:
    ns = {"x": namespace} if namespace else None
    prefix = "x:" if namespace else ""
    file_el = _pick_file(root.findall(f"{prefix}file", ns), expected_id)
    datatype = file_el.get("datatype")
    strategy = next((name for name, dt in STRATEGIES.items() if dt == datatype), datatype)
    doc = ImportDocument("1.2", strategy, file_el.get("original"),
                         file_el.get("source-language"), file_el.get("target-language"))
    for unit in file_el.iterfind(f".//{prefix}trans-unit", ns):
        target = unit.find(f"{prefix}target", ns)
        if target is not None:
            doc.targets[unit.get("id", "")] = text_of(target) or ""
    return doc
