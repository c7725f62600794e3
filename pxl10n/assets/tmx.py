"""TMX 1.4: write the repository's translations for CAT tools, read a vendor's memory back.

Inline codes cross the format boundary as TMX codes holding the XLIFF code as
their native data (an empty ``<ph id="1"/>`` becomes ``<ph x="1">&lt;ph id="1"/&gt;</ph>``,
a ``<pc>`` a ``<bpt>``/``<ept>`` pair), the way Okapi does it, so a TMX we wrote,
or one a CAT tool returns with the codes intact, gives back the exact XLIFF
source markup and can be matched letter for letter.

A vendor's TMX is untrusted input: it is parsed with DTD loading, entity
expansion and network access off. The ``<!DOCTYPE tmx SYSTEM "tmx14.dtd">``
line most tools write is accepted; an internal DTD subset (the carrier of
entity bombs) is refused.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree

from pxl10n.assets.corpus import Entry
from pxl10n.errors import XliffError
from pxl10n.version import __version__
from pxl10n.xliff.io import XML_LANG, local_name, parse_xml, source_line, text_of
from pxl10n.xliff.segments import parse_markup, start_tag

DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
#: TMX elements that carry native codes (their text is the code, not translatable text)
CODE_ELEMENTS = frozenset({"ph", "bpt", "ept", "it", "ut"})
PROP_PREFIX = "x-pxl10n-"


def normalize_language(tag: str | None) -> str:
    """Language tags compared the way TMX says: case-insensitively, ``_`` as ``-``."""
    return (tag or "").strip().replace("_", "-").lower()


# --- writing ------------------------------------------------------------------------


def _seg(markup: str) -> etree._Element:
    """A TMX ``<seg>`` for XLIFF markup: text stays text, inline codes become ph/bpt/ept."""
    seg = etree.Element("seg")
    counter = itertools.count(1)
    holder = parse_markup(markup, None)
    seg.text = holder.text
    last: etree._Element | None = None

    def put_text(text: str | None) -> None:
        if not text:
            return
        if last is None:
            seg.text = (seg.text or "") + text
        else:
            last.tail = (last.tail or "") + text

    def walk(element: etree._Element) -> None:
        nonlocal last
        for child in element:
            number = str(next(counter))
            if len(child) == 0 and not child.text:
                last = etree.SubElement(seg, "ph", x=number)
                last.text = start_tag(child, empty=True)
            else:
                last = etree.SubElement(seg, "bpt", i=number, x=number)
                last.text = start_tag(child)
                put_text(child.text)
                walk(child)
                last = etree.SubElement(seg, "ept", i=number)
                last.text = f"</{local_name(child)}>"
            put_text(child.tail)

    walk(holder)
    return seg


def _tuids(entries: list[Entry]) -> list[str]:
    """A readable, unique tuid per entry: file#unit, with the segment number when a unit has several."""
    per_unit = Counter((entry.path, entry.unit_id) for entry in entries)
    seen: Counter[tuple[str, str | None]] = Counter()
    ids = []
    for entry in entries:
        name = f"{entry.path}#{entry.unit_id or entry.index}"
        if per_unit[(entry.path, entry.unit_id)] > 1:
            seen[(entry.path, entry.unit_id)] += 1
            name += f"/{seen[(entry.path, entry.unit_id)]}"
        ids.append(name)
    return ids


def write_tmx(entries: Iterable[Entry], source_locale: str) -> bytes:
    """TMX 1.4 bytes with one ``<tu>`` per translated entry: source, target, kind/item/unit/file (and XLIFF state) as props."""
    translated = [entry for entry in entries if entry.target is not None]
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="pxl10n",
        creationtoolversion=__version__,
        segtype="block",
        adminlang="en-US",
        srclang=source_locale,
        datatype="xml",
        attrib={"o-tmf": "XLIFF"},
    )
    body = etree.SubElement(root, "body")
    segments: list[tuple[etree._Element, etree._Element, str]] = []
    for entry, tuid in zip(translated, _tuids(translated), strict=True):
        tu = etree.SubElement(body, "tu", tuid=tuid)
        for name, value in (("kind", entry.key.kind), ("item", entry.key.item_id), ("unit", entry.unit_id), ("file", entry.path), ("state", entry.state)):
            if value:
                etree.SubElement(tu, "prop", type=PROP_PREFIX + name).text = value
        for lang, markup in ((source_locale, entry.source), (entry.locale, entry.target or "")):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            segments.append((tuv, etree.SubElement(tuv, "seg"), markup))
    # Indent the skeleton first, then fill the segments: indenting mixed content would change the text.
    etree.indent(root, space="  ")
    for tuv, placeholder, markup in segments:
        seg = _seg(markup)
        seg.tail = placeholder.tail
        tuv.replace(placeholder, seg)
    data = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b"<?xml version='1.0' encoding='UTF-8'?>\n" + DOCTYPE.encode() + b"\n" + data + b"\n"


# --- reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class TmxUnit:
    """One ``<tu>``: its variants as language -> XLIFF-style markup, and its props."""

    tuid: str | None
    line: int | None
    variants: tuple[tuple[str, str], ...]
    props: tuple[tuple[str, str], ...] = ()

    def text(self, language: str) -> str | None:
        """The markup of the first variant in ``language`` (compared as TMX compares tags)."""
        wanted = normalize_language(language)
        return next((markup for lang, markup in self.variants if normalize_language(lang) == wanted), None)


def _markup_of(seg: etree._Element) -> str:
    """XLIFF-style markup of a TMX ``<seg>``: text escaped, native codes verbatim, ``<hi>`` transparent."""
    parts = [escape(seg.text or "")]
    for child in seg:
        if isinstance(child.tag, str):
            name = local_name(child)
            parts.append((text_of(child) or "") if name in CODE_ELEMENTS else _markup_of(child))
        parts.append(escape(child.tail or ""))
    return "".join(parts)


def _refuse_internal_subset(tree: etree._ElementTree, source: str) -> None:
    dtd = tree.docinfo.internalDTD
    # lxml-stubs 0.5 gives DTD no iterentities()/elements(); lxml documents both
    if dtd is not None and (list(dtd.iterentities()) or list(dtd.elements())):  # type: ignore[attr-defined]
        raise XliffError(f"{source}: TMX declares an internal DTD subset; refused (entities are never expanded)")


def read_tmx(data: bytes, *, source: str = "<tmx>") -> Iterator[TmxUnit]:
    """The translation units of untrusted TMX bytes; XliffError naming ``source`` when it is not TMX."""
    tree = parse_xml(data, source=source)
    _refuse_internal_subset(tree, source)
    root = tree.getroot()
    if local_name(root) != "tmx" or root.find("body") is None:
        raise XliffError(f"{source}: not a TMX document (expected <tmx> with a <body>)")
    for tu in root.iterfind("body/tu"):
        variants = []
        for tuv in tu.iterfind("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang")
            seg = tuv.find("seg")
            if lang and seg is not None:
                variants.append((lang, _markup_of(seg)))
        props = tuple((prop.get("type", ""), prop.text or "") for prop in tu.iterfind("prop"))
        yield TmxUnit(tu.get("tuid"), source_line(tu), tuple(variants), props)
