"""One view of an XLIFF 1.2 or 2.0 document: files, languages, units, segments, text and inline codes.

Built once per document and read by everything that
needs to know what a file *says* rather than whether it is well-formed: the QA
and PX rule families, and :func:`pxl10n.xliff.io.read_info` for push and status.
Both versions look the same through it; a 1.2 ``<trans-unit>`` is a unit with
one segment.

Two spellings of a text are offered, because they answer different questions:
:attr:`Part.text` is every character inside the element (``itertext``, code
content included: what PX stores), :func:`flatten` the translatable text with
inline codes taken out and listed (what QA compares).

The build reads the tree in a few C-level passes (every unit, every source,
every target of a file at once) into :class:`UnitColumns`; the per-unit records
(:class:`UnitView`, :class:`Part`) are made from those the first time a file's
``units`` are read, so a whole-file scan that reads the columns (and
:meth:`FileView.parts_at` for the odd unit) never pays for them. The records
read the unit's id and the part's state from the tree then. The units' target
texts (:attr:`FileView.target_texts`) are read once per file on first use and
shared by every reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter, methodcaller
from typing import Any, NamedTuple, cast, overload

from lxml import etree

from pxl10n.xliff import namespaces as ns

_X20 = f"{{{ns.XLIFF20}}}"
_UNIT20, _SEGMENT20, _IGNORABLE20 = _X20 + "unit", _X20 + "segment", _X20 + "ignorable"
_SOURCE20, _TARGET20, _NOTES20, _NOTE20 = _X20 + "source", _X20 + "target", _X20 + "notes", _X20 + "note"
_MDA_METADATA, _MDA_META = f"{{{ns.MDA}}}metadata", f"{{{ns.MDA}}}meta"

#: 1.2 ``datatype`` -> the segmentation strategy it declares (``x-name`` names the strategy itself)
DATATYPE_STRATEGY: dict[str, str] = {"html": "html", "xhtml": "html", "htmlbody": "html", "plaintext": "text"}
#: File attributes that say what the file is in, never which item it is.
_NOT_ID_ATTRS = frozenset({"source-language", "target-language", "datatype", "date"})


def all_text(element: etree._Element) -> str:
    """Every character inside ``element``, as ``"".join(element.itertext())`` gives it, serialized by libxml2
    in one call (several times faster than joining lxml's text iterator on mixed content)."""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def text_of(element: etree._Element | None) -> str | None:
    """All the text inside ``element`` (inline codes flattened), None for no element."""
    if element is None:
        return None
    if not len(element):
        return element.text or ""
    return all_text(element)


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


class UnitColumns(NamedTuple):
    """A file's units column by column, index ``i`` being ``units[i]``: what a whole-file scan reads
    without a record per unit (see :attr:`FileView.columns`)."""

    #: every unit's element, in document order (``[u.element for u in units]``)
    elements: list[etree._Element]
    #: per unit, the source and the target element of its one segment; None where that segment has none,
    #: and for every irregular unit (read those as ``units[i].parts``)
    sources: list[etree._Element | None]
    targets: list[etree._Element | None]
    #: indexes of the units that are not exactly one ``<segment>`` (no part, several, an ``<ignorable>``);
    #: always empty in XLIFF 1.2, where a ``<trans-unit>`` is one segment
    irregular: frozenset[int]


_get_id = methodcaller("get", "id")
_get_parent = methodcaller("getparent")


class _Later:
    """The default of :attr:`FileView.units`: an empty list of units (a fresh one per view)."""

    def __repr__(self) -> str:
        return "[]"


_LATER: Any = _Later()


class _Units:
    """:attr:`FileView.units`: the list given, or the file's unit records made from its columns on first read.

    A data descriptor as a dataclass field's default: the generated ``__init__`` hands it the value
    given (or :data:`_LATER`, an empty list), and every read (``view.units``, equality, repr) goes through it.
    """

    @overload
    def __get__(self, view: None, owner: type | None = None) -> Any: ...
    @overload
    def __get__(self, view: FileView, owner: type | None = None) -> list[UnitView]: ...

    def __get__(self, view: FileView | None, owner: type | None = None) -> Any:
        if view is None:
            return _LATER
        units = view._unit_list
        if units is None:
            lazy = view._lazy
            assert lazy is not None
            units = view._unit_list = lazy.units()  # the columns stay: they say the same
        return units

    def __set__(self, view: FileView, value: list[UnitView]) -> None:
        view._unit_list = [] if value is _LATER else value
        view._lazy = view._target_texts = None  # whatever was read off a tree is gone


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
    # set before ``units`` by ``__init__``, which then hands ``units`` to its descriptor
    _unit_list: list[UnitView] | None = field(default=None, init=False, repr=False, compare=False)
    _lazy: _Columns12 | _Columns20 | None = field(default=None, init=False, repr=False, compare=False)
    _target_texts: list[str | None] | None = field(default=None, init=False, repr=False, compare=False)
    #: every unit (built from :attr:`columns` on first read when the view was built from a tree)
    units: _Units = _Units()

    @property
    def columns(self) -> UnitColumns:
        """The units column by column, as the view was built from the tree (for a view made by hand, or
        given other units, read off its units on each access)."""
        lazy = self._lazy
        if lazy is not None:
            return lazy.columns
        return _columns_of(self.units)

    @property
    def target_texts(self) -> list[str | None]:
        """Every unit's whole target text (``[u.target for u in units]``), read once and then shared.

        A unit of one segment is read off the columns (no unit record is made); the list is worked out
        on first use and kept, so every family that reads it reads each target once between them."""
        texts = self._target_texts
        if texts is None:
            columns = self.columns
            texts = [None if el is None else (el.text or "") if not len(el) else all_text(el)
                     for el in columns.targets]
            if columns.irregular:
                units = self.units
                for at in columns.irregular:
                    texts[at] = units[at].target
            if self._lazy is not None:  # read off the tree: kept (a view made by hand reads its units each time)
                self._target_texts = texts
        return texts

    @property
    def has_target(self) -> bool:
        """True when any unit has a target (``any(u.has_target for u in units)``), read off the columns."""
        lazy = self._lazy
        if lazy is None:
            return any(unit.has_target for unit in self.units)
        columns = lazy.columns
        if any(target is not None for target in columns.targets):
            return True
        return bool(columns.irregular) and any(self.units[i].has_target for i in sorted(columns.irregular))

    def parts_at(self, index: int) -> list[Part]:
        """The parts of unit ``index`` (``units[index].parts``), made alone when the unit records are not.

        With :attr:`columns`, what a whole-file scan needs to read a unit the long way without a
        record for every unit: a unit of one segment is ``[Part(False, source, target, state)]``, an
        irregular one's parts are read off its segments and ignorables as the records read them."""
        lazy = self._lazy
        if self._unit_list is not None or lazy is None:
            return self.units[index].parts
        return lazy.parts_at(index)

    def unit_id(self, index: int) -> str | None:
        """The id of unit ``index`` (``units[index].id``), read off its element when the records are not made."""
        if self._unit_list is not None or self._lazy is None:
            return self.units[index].id
        return self._lazy.columns.elements[index].get("id")


def _columns_of(units: list[UnitView]) -> UnitColumns:
    sources: list[etree._Element | None] = []
    targets: list[etree._Element | None] = []
    irregular = []
    for index, unit in enumerate(units):
        parts = unit.parts
        if len(parts) == 1 and not parts[0].ignorable:
            sources.append(parts[0].source)
            targets.append(parts[0].target)
        else:
            sources.append(None)
            targets.append(None)
            irregular.append(index)
    return UnitColumns([unit.element for unit in units], sources, targets, frozenset(irregular))


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
    #: where in ``text`` a standalone code stood (the offset of what follows it), when ``text`` holds a doubled
    #: space (else not read): ``a <x/> b`` reads "a  b", which is no doubled space. Recorded for codes without
    #: children of their own (what :func:`flatten` reads in one pass), none for the few it reads the long way
    gaps: tuple[int, ...] = ()


_EMPTY_FLAT = Flat()


def _copied(name: str, el: etree._Element, copies: set[str]) -> bool:
    """Whether a 2.0 code is a copy of another (``copyOf``), or the ``<ec>`` closing one: the spec's way to
    duplicate a code the source has (XLIFF 2.1 4.7.2.4.1, checked by XLF), so no code of its own. ``copies``
    gathers the ids of the copies met so far in the element (an ``<sc>`` comes before its ``<ec>``)."""
    if el.get("copyOf") is not None:
        ident = el.get("id")
        if ident is not None:
            copies.add(ident)
        return True
    return name == "ec" and bool(copies) and el.get("startRef") in copies


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


def flatten(el: etree._Element | None, version: str, text: str | None = None) -> Flat:
    """Translatable text of ``el`` plus the inline codes it carries.

    ``text``, when given, is :func:`all_text` of ``el`` already read (:attr:`FileView.target_texts`): the
    flattened text of an element whose descendants are all inline elements, so it is not read again."""
    if el is None:
        return _EMPTY_FLAT
    if not len(el):
        return Flat(el.text or "")
    codes_of = INLINE_CODES[version]
    excluded = _CODE_CONTENT if version == "1.2" else _CP
    copyable = version == "2.0"
    copies: set[str] = set()
    codes: list[str] = []
    markers: list[str] = []
    children = list(el)  # one C call; most inline elements have no children of their own, so these are all
    flat = not any(map(len, children))
    named = _INLINE_LOCAL.get
    name = first = None
    for child in children if flat else el.iterdescendants():
        tag = child.tag  # lxml makes the string on each read: read once
        name = named(tag) or _local(tag)  # a comment's or PI's tag is no key: _local says None
        if name is None or name in excluded:
            return _flatten_walk(el, version)  # comments, <cp>, 1.2 native code: text is not all itertext
        if first is None:
            first = name  # the first descendant is the first child
        if name in codes_of:
            label = _code_label(name, child)
            if label is not None and not (copyable and (copies or child.get("copyOf") is not None)
                                          and _copied(name, child, copies)):  # a copy is rare: one read of its mark
                codes.append(label)
        elif name in _MARKERS:
            label = _code_label(name, child)
            if label is not None:
                markers.append(label)
    last = name if flat else _local(children[-1].tag)
    if text is None:
        text = all_text(el)
    return tuple.__new__(Flat, (text, tuple(codes), tuple(markers), True, not el.text and first in _STANDALONE,
                                not children[-1].tail and last in _STANDALONE,
                                _gaps(el, children) if flat and "  " in text else ()))


def _gaps(el: etree._Element, children: list[etree._Element]) -> tuple[int, ...]:
    """:attr:`Flat.gaps` of an element whose children have none of their own."""
    at = len(el.text or "")
    found = []
    for child in children:
        if _local(child.tag) in _STANDALONE:
            found.append(at)
        at += len(child.text or "") + len(child.tail or "")
    return tuple(found)


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
    copies: set[str] = set()
    has_inline = False

    def walk(parent: etree._Element) -> None:
        nonlocal has_inline
        for child in parent:
            name = _local(child.tag) or ""
            if name:
                has_inline = True
                label = _code_label(name, child)
                if name in codes_of and label and not (version == "2.0" and _copied(name, child, copies)):
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
    return _strategy_of(_metas(file_el))


def _strategy_of(metas: Iterable[etree._Element]) -> str | None:
    for meta in metas:
        value = (meta.text or "").strip()
        if meta.get("type", "").lower() == "strategy" and value:
            return value.lower()
    return None


def _metas(file_el: etree._Element) -> Iterator[etree._Element]:
    """Every ``<mda:meta>`` inside the file's ``<mda:metadata>`` children, as ``iterfind("mda:metadata//mda:meta")``
    finds them, without the ElementPath walk making a proxy for every child of the file (its units)."""
    for metadata in file_el.iterchildren(_MDA_METADATA):
        yield from metadata.iterdescendants(_MDA_META)


def build_view(tree: etree._ElementTree, version: str) -> DocumentView:
    """The view of a parsed document whose version the caller established ('1.2' or '2.0')."""
    root = tree.getroot()
    files = _files20(root) if version == "2.0" else _files12(root)
    return DocumentView(version, root, files)


def _files20(root: etree._Element) -> list[FileView]:
    src, trg = root.get("srcLang"), root.get("trgLang")
    files = []
    for file_el in root.iterchildren(_X20 + "file"):
        # the file's metadata and notes in one C-level filtered pass over its children (its units)
        metas: list[etree._Element] = []
        notes: list[etree._Element] = []
        for child in file_el.iterchildren(_MDA_METADATA, _NOTES20):
            if child.tag == _MDA_METADATA:
                metas.extend(child.iterdescendants(_MDA_META))  # as _metas (iterfind "metadata//meta")
            else:
                notes.extend(child.iterchildren(_NOTE20))  # as iterfind("notes/note")
        view = FileView(file_el, root, src, trg, _strategy_of(metas), _id_attrs(file_el))
        for meta in metas:
            view.candidates.append((f"meta {meta.get('type', '')}", (meta.text or "").strip()))
        for note in notes:
            view.candidates.append(("note", text_of(note) or ""))
        view._unit_list, view._lazy = None, _Columns20(file_el)
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
        header = next(file_el.iterchildren(prefix + "header"), None)
        if header is not None:
            _header_candidates(header, namespace, view.candidates)
        view._unit_list, view._lazy = None, _Columns12(file_el, tu_tag, source_tag, target_tag)
        files.append(view)
    return files


def _first_children(scope: etree._Element, tag: str, parents: list[etree._Element] | list[etree._Element | None],
                    at: int) -> list[etree._Element | None]:
    """Per parent, its first child called ``tag`` (None for none, and for a None parent).

    One C-level pass finds every ``tag`` element in ``scope``. When they are, one for one, each parent's
    child number ``at`` (where the usual file has it), that list is the answer: no parent has another,
    nor does anything else in ``scope``. Else each one's parent is read (lxml hands back the parent's
    live proxy, so a parent is found by identity) and the earliest child of each parent wins.
    """
    found: list[etree._Element] = list(scope.iter(tag))
    if not found:
        return [None] * len(parents)
    if len(found) == len(parents):
        try:
            if list(map(itemgetter(at), cast("list[etree._Element]", parents))) == found:  # equality is identity
                return cast("list[etree._Element | None]", found)
        except (IndexError, TypeError):  # a parent with fewer children, or None: read the parents
            pass
    owners = list(map(_get_parent, found))
    first = dict(zip(reversed(owners), reversed(found), strict=True))
    return list(map(first.get, parents))


def _last_children(parents: list[etree._Element]) -> list[etree._Element] | None:
    """Every parent's last child (a 2.0 unit's one segment comes after its notes), None when one has none.

    Equal, one for one, to every segment of the file, it says that each unit has exactly one (no unit
    has another, and nothing else in the file is one), as reading each segment's parent would."""
    try:
        return list(map(_LAST, parents))
    except IndexError:
        return None


_LAST = itemgetter(-1)


def _one_part(source: etree._Element | None, target: etree._Element | None, state: str | None) -> list[Part]:
    return [tuple.__new__(Part, (False, source, target, state))]  # Part(False, ...), without its __new__


class _Columns12:
    """The units of a 1.2 ``<file>``: every ``<trans-unit>`` with its first source and first target."""

    __slots__ = ("columns",)

    def __init__(self, file_el: etree._Element, tu_tag: str, source_tag: str, target_tag: str) -> None:
        units: list[etree._Element] = list(file_el.iter(tu_tag))
        self.columns = UnitColumns(units, _first_children(file_el, source_tag, units, 0),
                                   _first_children(file_el, target_tag, units, 1), frozenset())

    def parts_at(self, index: int) -> list[Part]:
        target = self.columns.targets[index]
        return _one_part(self.columns.sources[index], target, None if target is None else target.get("state"))

    def units(self) -> list[UnitView]:
        elements, sources, targets, _ = self.columns
        states = [None if target is None else target.get("state") for target in targets]
        return list(map(UnitView, map(_get_id, elements), elements, map(_one_part, sources, targets, states)))


class _Columns20:
    """The units of a 2.0 ``<file>``: every ``<unit>``, its segments and ignorables, their sources and targets."""

    __slots__ = ("columns", "_segments", "_groups")

    def __init__(self, file_el: etree._Element) -> None:
        units: list[etree._Element] = list(file_el.iter(_UNIT20))
        ignorables = list(file_el.iter(_IGNORABLE20))
        parts: list[etree._Element] = list(file_el.iter(_SEGMENT20, _IGNORABLE20) if ignorables
                                           else file_el.iter(_SEGMENT20))
        #: per unit, its one segment (None for an irregular unit); the parts of each irregular unit
        self._groups: dict[int, list[etree._Element]] = {}
        segments: list[etree._Element | None]
        if not ignorables and _last_children(units) == parts:  # one segment per unit, its last child
            segments = cast("list[etree._Element | None]", parts)
        else:
            owners = list(map(_get_parent, parts))
            index = dict(zip(units, range(len(units)), strict=True))
            groups: list[list[etree._Element]] = [[] for _ in units]
            for part, owner in zip(parts, owners, strict=True):
                at = index.get(owner)
                if at is not None:
                    groups[at].append(part)
            segments = [None] * len(units)
            for at, group in enumerate(groups):
                if len(group) == 1 and group[0].tag == _SEGMENT20:
                    segments[at] = group[0]
                else:
                    self._groups[at] = group
        self._segments = segments
        self.columns = UnitColumns(units, _first_children(file_el, _SOURCE20, segments, 0),
                                   _first_children(file_el, _TARGET20, segments, 1), frozenset(self._groups))

    def parts_at(self, index: int) -> list[Part]:
        """A unit's parts, as :meth:`units` makes them."""
        segment = self._segments[index]
        if segment is None:
            return _group_parts(self._groups[index])
        return _one_part(self.columns.sources[index], self.columns.targets[index], segment.get("state"))

    def units(self) -> list[UnitView]:
        elements, sources, targets, _ = self.columns
        segments, groups = self._segments, self._groups
        parts: list[list[Part]] = []
        for at, segment in enumerate(segments):
            if segment is not None:
                parts.append(_one_part(sources[at], targets[at], segment.get("state")))
            else:
                parts.append(_group_parts(groups[at]))
        return list(map(UnitView, map(_get_id, elements), elements, parts))


def _group_parts(group: list[etree._Element]) -> list[Part]:
    """The parts of an irregular 2.0 unit: each of its segments and ignorables, in order."""
    return [Part(el.tag == _IGNORABLE20, *_source_and_target(el, _SOURCE20, _TARGET20), el.get("state"))
            for el in group]


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
