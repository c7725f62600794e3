"""One view of an XLIFF 1.2 or 2.0 document: files, languages, units, segments, text and inline codes.

Built once per document (one pass over its units) and read by everything that
needs to know what a file *says* rather than whether it is well-formed: the QA
and PX rule families, and :func:`pxl10n.xliff.io.read_info` for push and status.
Both versions look the same through it; a 1.2 ``<trans-unit>`` is a unit with
one segment.

Two spellings of a text are offered, because they answer different questions:
:attr:`Part.text` is every character inside the element (``itertext``, code
content included: what PX stores), :func:`flatten` the translatable text with
inline codes taken out and listed (what QA compares).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, cast

from lxml import etree

from pxl10n.xliff import namespaces as ns

_X20 = f"{{{ns.XLIFF20}}}"
_UNIT20, _SEGMENT20, _IGNORABLE20 = _X20 + "unit", _X20 + "segment", _X20 + "ignorable"
_SOURCE20, _TARGET20, _NOTES20, _NOTE20 = _X20 + "source", _X20 + "target", _X20 + "notes", _X20 + "note"
_MDA_META = f"{{{ns.MDA}}}metadata//{{{ns.MDA}}}meta"

#: 1.2 ``datatype`` -> the segmentation strategy it declares (``x-name`` names the strategy itself)
DATATYPE_STRATEGY: dict[str, str] = {"html": "html", "xhtml": "html", "htmlbody": "html", "plaintext": "text"}
#: File attributes that say what the file is in, never which item it is.
_NOT_ID_ATTRS = frozenset({"source-language", "target-language", "datatype", "date"})


def _all_text(element: etree._Element) -> str:
    """Every character inside ``element``, as ``"".join(element.itertext())`` gives it, serialized by libxml2
    in one call (several times faster than joining lxml's text iterator on mixed content)."""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def text_of(element: etree._Element | None) -> str | None:
    """All the text inside ``element`` (inline codes flattened), None for no element."""
    if element is None:
        return None
    if not len(element):
        return element.text or ""
    return _all_text(element)


class Part(NamedTuple):
    """One segment (or 2.0 ignorable) of a unit: its source and target elements.

    A named tuple rather than a frozen dataclass: as immutable, and built for every unit of every
    document at a fraction of the cost.
    """

    ignorable: bool
    source: etree._Element | None
    target: etree._Element | None
    #: the 2.0 segment state or the 1.2 target state, when the file says
    state: str | None = None

    @property
    def source_text(self) -> str:
        """Every character of the source ('' without one)."""
        return text_of(self.source) or ""

    @property
    def target_text(self) -> str | None:
        """Every character of the target, None when there is no target."""
        return text_of(self.target)


@dataclass(slots=True)
class UnitView:
    """One unit (2.0 ``<unit>``, 1.2 ``<trans-unit>``): its id, element and parts."""

    id: str | None
    element: etree._Element
    parts: list[Part]

    @property
    def has_target(self) -> bool:
        """True when any part has a target."""
        for part in self.parts:
            if part.target is not None:
                return True
        return False

    @property
    def source(self) -> str:
        """The unit's whole source text."""
        parts = self.parts
        if len(parts) == 1:  # every 1.2 unit, most 2.0 ones
            return text_of(parts[0].source) or ""
        return "".join(part.source_text for part in parts)

    @property
    def target(self) -> str | None:
        """The unit's whole target text, None when no part has a target."""
        parts = self.parts
        if len(parts) == 1:
            return text_of(parts[0].target)
        if not self.has_target:
            return None
        return "".join(part.target_text or "" for part in parts)

    @property
    def first_target(self) -> etree._Element | None:
        """The first target element (where a finding about the target points)."""
        return next((part.target for part in self.parts if part.target is not None), None)


@dataclass
class FileView:
    """One ``<file>``: its languages, declared strategy, where an item id may live, its units."""

    element: etree._Element
    #: the element carrying the languages (2.0: the root, 1.2: the file)
    lang_element: etree._Element
    src: str | None
    trg: str | None
    strategy: str | None = None
    #: (where, value) of every file-level attribute/metadata that may hold the item id
    candidates: list[tuple[str, str]] = field(default_factory=list)
    units: list[UnitView] = field(default_factory=list)


@dataclass
class DocumentView:
    """A whole document: version, root and files (each with its units)."""

    version: str
    root: etree._Element
    files: list[FileView]

    @property
    def units(self) -> list[UnitView]:
        """Every unit of every file, in document order."""
        return [unit for view in self.files for unit in view.units]


#: Inline elements whose content is native code, not translatable text (XLIFF 1.2).
_CODE_CONTENT = frozenset({"bpt", "ept", "ph", "it", "sub"})
#: Inline codes compared between source and target, per version (mrk/sm/em are markers).
INLINE_CODES = {
    "1.2": frozenset({"g", "x", "bx", "ex", "ph", "bpt", "ept", "it"}),
    "2.0": frozenset({"ph", "pc", "sc", "ec"}),
}
_MARKERS = frozenset({"mrk", "sm", "em"})
#: Codes that stand for something at their place (no text inside): at an edge they *are* the edge.
_STANDALONE = frozenset({"x", "bx", "ex", "ph", "bpt", "ept", "it", "sc", "ec"})
_CP = frozenset({"cp"})


class Flat(NamedTuple):
    """Text of a source/target with inline codes taken out and listed: an immutable record built in one pass.

    A named tuple (like :class:`Part`): QA flattens two of them for every unit of every document.
    """

    text: str = ""
    codes: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    has_inline: bool = False
    #: a standalone code (<x/>, <ph/>, ...) is the first / last thing: whitespace next to it is not an edge
    code_first: bool = False
    code_last: bool = False


_EMPTY_FLAT = Flat()


def _code_label(name: str, el: etree._Element) -> str | None:
    ident = el.get("id") or el.get("startRef") or el.get("mid")
    if name == "mrk" and ident is None:
        ident = el.get("mtype")
    return f'<{name} id="{ident}">' if ident is not None else None


#: The local names of the inline elements of both versions, by their full tag: one look-up for the common case.
_INLINE_LOCAL = {f"{{{namespace}}}{name}": name
                 for namespace, names in ((ns.XLIFF12, INLINE_CODES["1.2"] | _MARKERS | _CODE_CONTENT),
                                          (ns.XLIFF20, INLINE_CODES["2.0"] | _MARKERS | _CP))
                 for name in names}


def _local(tag: object) -> str | None:
    """An element's local name; None for comments and processing instructions (their tag is not a str)."""
    if not isinstance(tag, str):
        return None
    return _INLINE_LOCAL.get(tag) or tag.rsplit("}", 1)[-1]


def flatten(el: etree._Element | None, version: str) -> Flat:
    """Translatable text of ``el`` plus the inline codes it carries."""
    if el is None:
        return _EMPTY_FLAT
    if not len(el):
        return Flat(el.text or "")
    codes_of = INLINE_CODES[version]
    excluded = _CODE_CONTENT if version == "1.2" else _CP
    codes: list[str] = []
    markers: list[str] = []
    for child in el.iterdescendants():
        name = _local(child.tag)
        if name is None or name in excluded:
            return _flatten_walk(el, version)  # comments, <cp>, 1.2 native code: text is not all itertext
        if name in codes_of:
            label = _code_label(name, child)
            if label is not None:
                codes.append(label)
        elif name in _MARKERS:
            label = _code_label(name, child)
            if label is not None:
                markers.append(label)
    return Flat(_all_text(el), tuple(codes), tuple(markers), True, *_edges(el))


def _edges(el: etree._Element) -> tuple[bool, bool]:
    """(code_first, code_last) of an element with children."""
    first, last = el[0], el[-1]
    return (not el.text and _local(first.tag) in _STANDALONE,
            not last.tail and _local(last.tag) in _STANDALONE)


def _flatten_walk(el: etree._Element, version: str) -> Flat:
    """:func:`flatten` the long way, element by element."""
    parts: list[str] = [el.text or ""]
    codes: list[str] = []
    markers: list[str] = []
    codes_of = INLINE_CODES[version]
    has_inline = False

    def walk(parent: etree._Element) -> None:
        nonlocal has_inline
        for child in parent:
            name = _local(child.tag) or ""
            if name:
                has_inline = True
                label = _code_label(name, child)
                if name in codes_of and label:
                    codes.append(label)
                elif name in _MARKERS and label:
                    markers.append(label)
                if name == "cp" and version == "2.0":
                    try:
                        parts.append(chr(int(child.get("hex", ""), 16)))
                    except ValueError:
                        pass
                elif not (version == "1.2" and name in _CODE_CONTENT):
                    parts.append(child.text or "")
                    walk(child)
            parts.append(child.tail or "")

    walk(el)
    return Flat("".join(parts), tuple(codes), tuple(markers), has_inline, *_edges(el))


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
    for meta in file_el.iterfind(_MDA_META):
        value = (meta.text or "").strip()
        if meta.get("type", "").lower() == "strategy" and value:
            return value.lower()
    return None


def build_view(tree: etree._ElementTree, version: str) -> DocumentView:
    """The view of a parsed document whose version the caller established ('1.2' or '2.0')."""
    root = tree.getroot()
    files = _files20(root) if version == "2.0" else _files12(root)
    return DocumentView(version, root, files)


def _files20(root: etree._Element) -> list[FileView]:
    src, trg = root.get("srcLang"), root.get("trgLang")
    files = []
    for file_el in root.iterchildren(_X20 + "file"):
        view = FileView(file_el, root, src, trg, metadata_strategy(file_el), _id_attrs(file_el))
        for meta in file_el.iterfind(_MDA_META):
            view.candidates.append((f"meta {meta.get('type', '')}", (meta.text or "").strip()))
        for note in file_el.iterfind(f"{_NOTES20}/{_NOTE20}"):
            view.candidates.append(("note", text_of(note) or ""))
        for unit in file_el.iter(_UNIT20):
            parts = []
            for child in unit:
                tag = child.tag
                if tag == _SEGMENT20 or tag == _IGNORABLE20:
                    source, target = _source_and_target(child, _SOURCE20, _TARGET20)
                    parts.append(Part(tag == _IGNORABLE20, source, target, child.get("state")))
            view.units.append(UnitView(unit.get("id"), unit, parts))
        files.append(view)
    return files


def _files12(root: etree._Element) -> list[FileView]:
    namespace = etree.QName(root).namespace
    prefix = f"{{{namespace}}}" if namespace else ""
    tu_tag, source_tag, target_tag = prefix + "trans-unit", prefix + "source", prefix + "target"
    files = []
    for file_el in root.iterchildren(prefix + "file"):
        view = FileView(file_el, file_el, file_el.get("source-language"), file_el.get("target-language"),
                        datatype_strategy(file_el.get("datatype") or ""), _id_attrs(file_el))
        header = file_el.find(prefix + "header")
        if header is not None:
            _header_candidates(header, namespace, view.candidates)
        for tu in file_el.iter(tu_tag):
            source, target = _source_and_target(tu, source_tag, target_tag)
            state = target.get("state") if target is not None else None
            view.units.append(UnitView(tu.get("id"), tu, [Part(False, source, target, state)]))
        files.append(view)
    return files


def _source_and_target(
    parent: etree._Element, source_tag: str, target_tag: str,
) -> tuple[etree._Element | None, etree._Element | None]:
    """The first source and the first target child (a second one is the schema rules' business)."""
    source = target = None
    for child in parent:
        if child.tag == source_tag and source is None:
            source = child
        elif child.tag == target_tag and target is None:
            target = child
    return source, target


def _str_items(el: etree._Element) -> list[tuple[str, str]]:
    """``el``'s attributes as (name, value) (lxml's stubs allow bytes; Python 3 lxml gives str)."""
    return cast("list[tuple[str, str]]", el.items())


def _id_attrs(file_el: etree._Element) -> list[tuple[str, str]]:
    return [(key, value) for key, value in _str_items(file_el) if key not in _NOT_ID_ATTRS]


def _header_candidates(header: etree._Element, namespace: str | None, out: list[tuple[str, str]]) -> None:
    """1.2 header ``<prop>``, notes and extension elements: where tools keep an item id."""
    for el in header.iter():
        if el is header or not isinstance(el.tag, str):
            continue
        name = etree.QName(el).localname
        if name == "prop":
            out.append((el.get("prop-type", "prop"), (el.text or "").strip()))
        elif name == "note":
            out.append(("note", el.text or ""))
        elif etree.QName(el).namespace != namespace:
            out.extend(_str_items(el))
            out.append((name, (el.text or "").strip()))
