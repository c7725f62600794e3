"""Cross-element XLIFF 2.0 checks: what a unit's pieces must agree on, and fragment identifiers.

The schema walk sees one element at a time; the constraints here need a whole
unit (id scopes counting source and target apart, sc/ec and sm/em pairing across
segments, target order, references to <data>, sibling units and base codes) or
the whole document (fragment identifiers pointing anywhere in it). The walk hands
over what it already read -- each side's attributes and inline elements -- so a
unit is checked without reading its elements again.
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from pxl10n.validate import xliff20_rules as R
from pxl10n.validate.rules import Rule
from pxl10n.validate.xliff20_fragments import Emit, FragmentIndex
from pxl10n.validate.xliff20_schema import RES, VALUE_TYPES, XML_LANG, XML_SPACE, element_label, pretty, q, x

_GROUP, _UNIT = x("group"), x("unit")
_SEGMENT, _IGNORABLE, _SOURCE, _TARGET = x("segment"), x("ignorable"), x("source"), x("target")
_ORIGINAL_DATA, _DATA = x("originalData"), x("data")
_PH, _PC, _SC, _EC, _MRK, _SM, _EM = (x(n) for n in ("ph", "pc", "sc", "ec", "mrk", "sm", "em"))
_CODES = (_PH, _PC, _SC, _EC)
_ID_BEARING = frozenset((_PH, _PC, _SC, _EC, _MRK, _SM))
#: Which source element a target element with the same id may correspond to.
_KIND = {_PH: "ph", _PC: "span", _SC: "span", _EC: "span", _MRK: "marker", _SM: "marker"}
#: Which base codes a copy may name in copyOf.
_COPY_BASES = {_PH: {_PH}, _PC: {_PC, _SC}, _SC: {_SC, _PC}, _EC: {_EC, _SC, _PC}}
_EC_HINTS = ("canCopy", "canDelete", "canReorder", "canOverlap")
_REF_ATTRS = ("dataRef", "dataRefStart", "dataRefEnd")
_FLOW_ATTRS = ("subFlows", "subFlowsStart", "subFlowsEnd")
#: What the code checks (pairing, references, copies, reordering, deletion) read beyond ids: a side without these
#: elements and attributes gives them nothing to report (its <pc> spans nest, so they cannot overlap).
_PAIRED = frozenset((_SC, _EC, _SM, _EM))
CODE_CHECK_ATTRS = frozenset((*_REF_ATTRS, *_FLOW_ATTRS, "copyOf", "canReorder", "canDelete"))
_POSINT = VALUE_TYPES["posint"]
_RESOURCE_ITEM = q(RES, "resourceItem")
#: Whether a document says xml:lang or xml:space anywhere: one scan in C, and without either no side has
#: a language to compare or a preserve to keep, so the units skip those checks.
_SAYS_LANG_OR_SPACE = etree.XPath("boolean(//@xml:lang|//@xml:space)")
#: Encodings that write xml:lang, xml:space and the XML namespace's name as their ASCII bytes.
_ASCII_COMPATIBLE = frozenset({"UTF-8", "US-ASCII", "ASCII", "ISO-8859-1", "ISO-8859-15", "WINDOWS-1252", "LATIN1"})


def says_lang_or_space(root: etree._Element, data: bytes) -> bool:
    """Whether any element of the document says xml:lang or xml:space. An attribute of the XML namespace can
    only be written with the xml prefix, so source bytes (``data``, what ``root`` was parsed from) in an
    ASCII-compatible encoding that hold neither name nor the namespace's own name settle it without the scan."""
    encoding = (root.getroottree().docinfo.encoding or "").upper()
    if data and encoding in _ASCII_COMPATIBLE and b"xml:lang" not in data and b"xml:space" not in data \
            and b"XML/1998/namespace" not in data:
        return False
    return _SAYS_LANG_OR_SPACE(root) is True


class Inline(NamedTuple):
    """An inline element of a segment's or ignorable's side, as the walk read it."""

    el: etree._Element
    tag: str
    attrs: dict[str, str]
    #: how many inline elements it contains (a <pc>'s span reaches past them)
    descendants: int


class Side(NamedTuple):
    """A <source> or <target> (``tag``) of a segment or ignorable (``part``) with its inline elements."""

    part: etree._Element
    #: the part's attributes (what it says of xml:lang and xml:space)
    part_attrs: dict[str, str]
    el: etree._Element
    tag: str
    attrs: dict[str, str]
    records: list[Inline]


#: xml:lang and xml:space in force at an element (None: no ancestor says)
_Inherited = tuple[str | None, str | None]
#: (key, canReorder, element) of a code event (see _code_events)
_Event = tuple[str, str | None, etree._Element]


def _code_desc(el: etree._Element) -> str:
    ref = el.get("startRef")
    return f'<{pretty(el.tag)} startRef="{ref}">' if el.get("id") is None and ref is not None else element_label(el)


def _code_key(attrs: dict[str, str]) -> str:
    """What identifies a code across source and target: its id, or for an ec its startRef."""
    ident = attrs.get("id")
    return ident if ident is not None else "\0" + attrs.get("startRef", "")


def _code_events(side: list[Inline]) -> list[_Event]:
    """Codes in document order as (key, canReorder, element); a <pc> gives a start and, after its content,
    an end (whose canReorder is 'no' when the start's is 'firstNo', as for an <ec> of such an <sc>)."""
    events: list[_Event] = []
    open_pcs: list[tuple[etree._Element, str, str | None]] = []

    def close_until(el: etree._Element | None) -> None:
        while open_pcs and (el is None or open_pcs[-1][0] not in el.iterancestors()):
            pc, key, flag = open_pcs.pop()
            events.append((key + "\0end", "no" if flag in ("no", "firstNo") else flag, pc))

    for el, tag, attrs, _ in side:
        if tag not in _COPY_BASES:
            continue
        close_until(el)
        key, flag = _code_key(attrs), attrs.get("canReorder")
        events.append((key, flag, el))
        if tag == _PC:
            open_pcs.append((el, key, flag))
    close_until(None)
    return events


def _plain(records: list[Inline]) -> bool:
    """No element or attribute on this side that the code checks read (see CODE_CHECK_ATTRS)."""
    return all(tag not in _PAIRED and CODE_CHECK_ATTRS.isdisjoint(attrs) for _, tag, attrs, _ in records)


def _parts_and_data(children: list[tuple[etree._Element, str]]) -> tuple[list[etree._Element], bool, dict[str, etree._Element]]:
    """A unit's segments and ignorables, whether one is a segment, and its <data> by id."""
    parts: list[etree._Element] = []
    has_segment = False
    data: dict[str, etree._Element] = {}
    for child, tag in children:
        if tag == _SEGMENT:
            parts.append(child)
            has_segment = True
        elif tag == _IGNORABLE:
            parts.append(child)
        elif tag == _ORIGINAL_DATA:
            for d in child:
                ident = d.get("id") if d.tag == _DATA else None
                if ident is not None:
                    data[ident] = d
    return parts, has_segment, data


class UnitChecker:
    """Per-unit constraint checks, and the indexes fragment identifiers resolve against."""

    def __init__(self, emit: Emit, root: etree._Element, is21: bool, data: bytes = b"") -> None:
        self.emit = emit
        self.is21 = is21
        src_lang, trg_lang = root.get("srcLang"), root.get("trgLang")
        #: element -> the xml:lang and xml:space in force there, filled as sides ask
        self.in_force: dict[etree._Element, _Inherited] = {}
        self.src_lang = src_lang.lower() if src_lang else None
        self.trg_lang = trg_lang.lower() if trg_lang else None
        self.trg_lang_missing_reported = trg_lang is not None
        self.says_lang = says_lang_or_space(root, data)
        self.says_space = self.says_lang and not is21
        self.fragments = FragmentIndex()
        #: units by id of the file being walked (subFlows name them)
        self.current_units: dict[str, etree._Element] = {}
        self._resource_items: set[str] | None = None
        self.sides: list[Side] = []
        #: the <unit> the walk is in, or None between units
        self.unit_el: etree._Element | None = None

    # --- indexes --------------------------------------------------------------------------

    def index_file(self, file_el: etree._Element) -> None:
        """Groups and units of a file by id, reporting duplicates (XLF211)."""
        ident = file_el.get("id")
        if ident is not None:
            self.fragments.files.setdefault(ident, file_el)
        groups: dict[str, etree._Element] = {}
        units: dict[str, etree._Element] = {}
        for el in file_el.iter(_GROUP, _UNIT):
            key = el.get("id")
            if key is None:
                continue
            table = units if el.tag == _UNIT else groups
            if key in table:
                self.emit(R.XLF211, el, f"duplicate {element_label(el)} in <file id=\"{ident}\">")
            else:
                table[key] = el
        self.fragments.file_index[file_el] = (groups, units)
        self.current_units = units

    def resource_items(self, root: etree._Element) -> set[str]:
        """Ids of every res:resourceItem in the document (computed once)."""
        if self._resource_items is None:
            self._resource_items = {ident for el in root.iter(_RESOURCE_ITEM) if (ident := el.get("id")) is not None}
        return self._resource_items

    def add_fragment(self, el: etree._Element, value: str, uid: str | None) -> None:
        """A same-document reference of ``el`` in the unit being walked, resolved at the end."""
        self.fragments.add(el, value, uid, self.unit_el)

    def resolve_fragments(self) -> None:
        """Every reference collected, now that the whole document is indexed."""
        self.fragments.resolve(self.emit)

    # --- one unit -------------------------------------------------------------------------

    def begin_unit(self, unit_el: etree._Element) -> None:
        """Forget the previous unit's sides; the walk is entering ``unit_el``."""
        self.sides = []
        self.unit_el = unit_el

    def end_unit(self) -> None:
        """The walk left the current unit."""
        self.unit_el = None

    def add_side(self, side: Side) -> None:
        """The walk finished a <source> or <target> of a segment or ignorable."""
        self.sides.append(side)

    def check_unit(self, unit_el: etree._Element, uid: str | None, children: list[tuple[etree._Element, str]]) -> None:
        """Every cross-element constraint of one unit (called after its subtree was walked)."""
        parts, has_segment, data = _parts_and_data(children)
        if not has_segment:
            self.emit(R.XLF225, unit_el, f"{element_label(unit_el)} has no <segment>", uid)
        scope: dict[str, etree._Element] = {}
        for part in parts:
            pid = part.get("id")
            if pid is not None:
                self._claim(scope, pid, part, uid)
        src_side, targets = self._read_sides(parts, uid)
        for record in src_side:
            ident = record.attrs.get("id")
            if ident is not None and record.tag in _ID_BEARING:
                self._claim(scope, ident, record.el, uid)
        if len(targets) == 1 and "order" not in targets[0][1].attrs:
            tgt_side = targets[0][1].records  # one target in its natural place: nothing to order
        else:
            tgt_side = [record for records in self._ordered_targets(len(parts), targets, uid) for record in records]
        if not any(side.records for side in self.sides):
            self.fragments.unit_index[unit_el] = (scope, {}, data)
            return  # no inline element on any side: nothing to pair, resolve, reorder or keep
        tscope = self._target_ids(tgt_side, scope, uid)
        self._check_codes(src_side, tgt_side, bool(targets), scope, tscope, data, uid)
        self.fragments.unit_index[unit_el] = (scope, tscope, data)

    def _read_sides(self, parts: list[etree._Element], uid: str | None) -> tuple[list[Inline], list[tuple[int, Side]]]:
        """The source records of the unit and its targets with their positions, checking each side's
        language and space (a second <source>/<target> of a part was already reported by the schema check)."""
        sides = self.sides
        if len(sides) == 2 and len(parts) == 1:
            source, target = sides
            if source.tag == _SOURCE and target.tag == _TARGET and source.part is target.part is parts[0]:
                # the common unit, one segment with its source and target: no duplicates, no order to work out
                if self.says_lang:
                    self._lang(source, self.src_lang, R.XLF221, "srcLang", uid)
                    self._target_side(target, {source.part: source}, uid)
                elif not self.trg_lang_missing_reported:
                    self._target_side(target, {}, uid)  # only XLF220 can fire: no language or space to compare
                return source.records, [(1, target)]
        positions = {part: position for position, part in enumerate(parts, 1)}
        seen: set[tuple[etree._Element, str]] = set()
        first_source: dict[etree._Element, Side] = {}
        src_side: list[Inline] = []
        targets: list[tuple[int, Side]] = []
        for side in self.sides:
            if side.tag == _SOURCE:
                first_source.setdefault(side.part, side)
        for side in self.sides:
            key = (side.part, side.tag)
            if key in seen:
                continue
            seen.add(key)
            if side.tag == _SOURCE:
                self._lang(side, self.src_lang, R.XLF221, "srcLang", uid)
                src_side.extend(side.records)
            else:
                targets.append((positions.get(side.part, 0), side))
                self._target_side(side, first_source, uid)
        return src_side, targets

    def _target_side(self, side: Side, first_source: dict[etree._Element, Side], uid: str | None) -> None:
        """A target's language, kept xml:space, and the trgLang a target needs."""
        self._lang(side, self.trg_lang, R.XLF222, "trgLang", uid)
        if not self.is21:
            self._space_kept(side, first_source, uid)
        if not self.trg_lang_missing_reported:
            self.trg_lang_missing_reported = True
            self.emit(R.XLF220, side.el, "<target> present but <xliff> has no trgLang", uid)

    def _check_codes(self, src_side: list[Inline], tgt_side: list[Inline], translated: bool,
                     scope: dict[str, etree._Element], tscope: dict[str, etree._Element],
                     data: dict[str, etree._Element], uid: str | None) -> None:
        """Pairing, references and editing hints of the unit's inline codes, source and target."""
        if all(_plain(side.records) for side in self.sides):
            return
        emit = self.emit
        _Pairing(emit, uid, False).run(src_side)
        _Pairing(emit, uid, self._partial()).run(tgt_side)
        self._codes(src_side, scope, tscope, data, uid)
        self._codes(tgt_side, scope, tscope, data, uid)
        self._reorder_sequence(src_side, uid)
        if translated:
            self._reorder_kept(src_side, tgt_side, uid)
            self._can_delete(tgt_side, uid)

    def _partial(self) -> bool:
        """Targets missing from some segments leave the target side unfinished: a span or annotation
        begun in a translated segment may end in one not translated yet, so orphans are not errors there."""
        translated_parts = {side.part for side in self.sides if side.tag == _TARGET}
        return any(
            side.part not in translated_parts and (side.part.tag == _SEGMENT or side.records)
            for side in self.sides
            if side.tag == _SOURCE
        )

    def _claim(self, scope: dict[str, etree._Element], ident: str, el: etree._Element, uid: str | None) -> None:
        other = scope.get(ident)
        if other is None:
            scope[ident] = el
        else:
            self.emit(R.XLF214, el, f'id "{ident}" of {element_label(el)} is already used by <{pretty(other.tag)}> (line {other.sourceline})', uid)

    def _in_force(self, el: etree._Element, own: dict[str, str] | None = None) -> _Inherited:
        """xml:lang and xml:space in force at ``el`` (2.1 4.3.2: the parent's when not set; None when no
        ancestor sets them), memoized per element for this document so a unit's sides share their
        ancestors' lookups. ``own`` is ``el``'s attributes when the walk has them at hand."""
        value = self.in_force.get(el)
        if value is None:
            lang, space = (el.get(XML_LANG), el.get(XML_SPACE)) if own is None else (own.get(XML_LANG), own.get(XML_SPACE))
            if lang is None or space is None:
                parent = el.getparent()
                if parent is not None:
                    above = self._in_force(parent)
                    lang = above[0] if lang is None else lang
                    space = above[1] if space is None else space
            value = self.in_force[el] = (lang, space)
        return value

    def _side_value(self, side: Side, attr: str, default: str) -> str:
        """xml:lang or xml:space in force at a side, from the attributes the walk read of it and its part."""
        own = side.attrs.get(attr)
        if own is not None:
            return own
        value = self._in_force(side.part, side.part_attrs)[0 if attr == XML_LANG else 1]
        return default if value is None else value

    def _source_space(self, part: etree._Element, first_source: dict[etree._Element, Side]) -> str | None:
        """xml:space in force at the part's first <source> (None without one), from what the walk read."""
        side = first_source.get(part)
        if side is not None:
            return self._side_value(side, XML_SPACE, "default")
        source = part.find(_SOURCE)  # walked before a unit nested in the part forgot its side
        space = None if source is None else self._in_force(source)[1]
        return None if source is None else "default" if space is None else space

    def _space_kept(self, target: Side, first_source: dict[etree._Element, Side], uid: str | None) -> None:
        """XLF259 (2.0 documents): a target keeps xml:space='preserve' when its source has it, set or inherited."""
        if self.says_space and self._source_space(target.part, first_source) == "preserve" \
                and self._side_value(target, XML_SPACE, "default") != "preserve":
            self.emit(R.XLF259, target.el, "<target> does not say xml:space=\"preserve\" while its <source> does", uid)

    def _lang(self, side: Side, expected: str | None, rule: Rule, attr: str, uid: str | None) -> None:
        """2.1 4.2.2.12/4.2.2.13: the explicit *or inherited* xml:lang equals srcLang/trgLang (a subtag of it,
        en-IE under en, is accepted as the TC Schematron does)."""
        if expected is None or not self.says_lang:
            return
        explicit = XML_LANG in side.attrs
        lang = self._side_value(side, XML_LANG, "")
        if not lang and not explicit:
            return
        lowered = lang.lower()
        if lowered != expected and not lowered.startswith(expected + "-"):
            inherited = "" if explicit else " (inherited)"
            self.emit(rule, side.el, f'<{pretty(side.tag)}> xml:lang="{lang}"{inherited} differs from the document {attr} "{expected}"', uid)

    def _ordered_targets(self, count: int, targets: list[tuple[int, Side]], uid: str | None) -> list[list[Inline]]:
        """Target records in display order, reporting out-of-range and clashing positions (XLF227)."""
        used: dict[int, Side] = {}
        valid = True
        for position, target in targets:
            order = target.attrs.get("order")
            effective = position
            if order is not None and _POSINT(order):
                effective = int(order)
                if effective > count:
                    self.emit(R.XLF227, target.el, f'<target order="{order}"> exceeds the {count} segment/ignorable elements of the unit', uid)
                    valid = False
                    continue
            elif order is not None:
                valid = False
            if effective in used:
                self.emit(R.XLF227, target.el, f"<target> takes position {effective}, already taken by the <target> on line {used[effective].el.sourceline}", uid)
                valid = False
                continue
            used[effective] = target
        if not valid:
            return [target.records for _, target in targets]
        return [used[key].records for key in sorted(used)]

    def _target_ids(self, side: list[Inline], scope: dict[str, etree._Element], uid: str | None) -> dict[str, etree._Element]:
        """Target ids are unique among targets and, when shared, match a source element of the same kind."""
        tscope: dict[str, etree._Element] = {}
        for el, tag, attrs, _ in side:
            ident = attrs.get("id")
            if ident is None or tag not in _ID_BEARING:
                continue
            if ident in tscope:
                self.emit(R.XLF214, el, f'id "{ident}" of {element_label(el)} is used twice in the targets', uid)
                continue
            tscope[ident] = el
            base = scope.get(ident)
            if base is not None and _KIND.get(base.tag) != _KIND[tag]:
                self.emit(R.XLF215, el, f"target {element_label(el)} shares its id with source <{pretty(base.tag)}> (line {base.sourceline})", uid)
        return tscope

    def _codes(
        self,
        side: list[Inline],
        scope: dict[str, etree._Element],
        tscope: dict[str, etree._Element],
        data: dict[str, etree._Element],
        uid: str | None,
    ) -> None:
        """dataRef, subFlows, copyOf and canReorder flags of every code on one side."""
        emit = self.emit
        units = self.current_units
        for el, tag, attrs, _ in side:
            if tag not in _COPY_BASES or len(attrs) < 2:
                continue
            for attr in _REF_ATTRS:
                ref = attrs.get(attr)
                if ref is not None and ref not in data:
                    emit(R.XLF235, el, f"{_code_desc(el)} {attr}=\"{ref}\" matches no <data> in the unit's <originalData>", uid)
            for attr in _FLOW_ATTRS:
                flows = attrs.get(attr)
                if flows is not None:
                    for ident in flows.split():
                        if ident not in units:
                            emit(R.XLF236, el, f'{_code_desc(el)} {attr} names unit "{ident}", not in this file', uid)
            base_id = attrs.get("copyOf")
            if base_id is not None:
                self._copy_of(el, tag, attrs, base_id, scope.get(base_id, tscope.get(base_id)), uid)
            reorder = attrs.get("canReorder")
            if reorder in ("no", "firstNo") and (attrs.get("canCopy") != "no" or attrs.get("canDelete") != "no"):
                emit(R.XLF238, el, f'{_code_desc(el)} canReorder="{reorder}" requires canCopy="no" and canDelete="no"', uid)

    def _copy_of(self, el: etree._Element, tag: str, attrs: dict[str, str], base_id: str, base: etree._Element | None,
                 uid: str | None) -> None:
        """copyOf names a base code of a kind this code may copy, which allows copies and has no data."""
        emit = self.emit
        if base is None or base.tag not in _COPY_BASES:
            emit(R.XLF237, el, f'{_code_desc(el)} copyOf="{base_id}" names no inline code of the unit', uid)
        elif base.tag not in _COPY_BASES[tag]:
            emit(R.XLF237, el, f'{_code_desc(el)} copyOf="{base_id}" names a <{pretty(base.tag)}>, not a code of the same kind', uid)
        elif base.get("canCopy") == "no":
            emit(R.XLF237, el, f'{_code_desc(el)} copies {element_label(base)}, which has canCopy="no"', uid)
        elif any(attr in attrs for attr in _REF_ATTRS) or any(base.get(attr) is not None for attr in _REF_ATTRS):
            # 2.1 4.7.2.4.1: "The copyOf attribute MUST be used when, and only when, the base code has no
            # associated original data" (a copy of a code with data references that data itself)
            emit(R.XLF237, el, f'{_code_desc(el)} uses copyOf, but it or its base refers to original data '
                 "(reuse the dataRef instead)", uid)

    def _reorder_sequence(self, side: list[Inline], uid: str | None) -> None:
        started = False
        for el, tag, attrs, _ in side:
            flag = attrs.get("canReorder")
            if flag == "firstNo" and tag in _COPY_BASES:
                started = True
            elif flag == "no" and not started and tag in _COPY_BASES:
                self.emit(R.XLF239, el, f'{_code_desc(el)} canReorder="no" is not preceded by a canReorder="firstNo" code', uid)

    def _reorder_kept(self, src_side: list[Inline], tgt_side: list[Inline], uid: str | None) -> None:
        """Each non-reorderable sequence of the source stays whole and in order in the target; whole
        sequences may move (2.1 4.7.2.6: "Modifiers MUST NOT change the number and order of the inline codes
        making up a non-reorderable sequence. Modifiers MAY move a whole non-reorderable sequence before or
        after another non-reorderable sequence"). A <pc> counts as its start and its end, so a code moved out
        of a firstNo span breaks the sequence."""
        sequences: list[list[str]] = []
        current: list[str] | None = None
        for key, flag, _ in _code_events(src_side):
            if flag == "firstNo":
                current = [key]
                sequences.append(current)
            elif flag == "no" and current is not None:
                current.append(key)
            else:
                current = None
        sequences = [seq for seq in sequences if len(seq) > 1]
        if not sequences:
            return
        position: dict[str, tuple[int, etree._Element]] = {}
        for index, (key, _, el) in enumerate(_code_events(tgt_side)):
            position.setdefault(key, (index, el))
        for seq in sequences:
            placed = [position[key] for key in seq if key in position]
            for (before, _), (after, el) in zip(placed, placed[1:], strict=False):
                if after != before + 1:
                    self.emit(R.XLF239, el, f"{_code_desc(el)} cannot be reordered: its non-reorderable sequence "
                                  "is broken or reordered in the target", uid)
                    break

    def _can_delete(self, tgt_side: list[Inline], uid: str | None) -> None:
        """Codes with canDelete='no' in a translated segment's source are still in the unit's targets."""
        undeletable = [
            (side.part, record)
            for side in self.sides
            if side.tag == _SOURCE
            for record in side.records
            if record.attrs.get("canDelete") == "no" and record.tag in _COPY_BASES
        ]
        if not undeletable:
            return
        translated = {side.part for side in self.sides if side.tag == _TARGET}
        ids = {attrs["id"] for _, _, attrs, _ in tgt_side if "id" in attrs}
        # an <ec> is also kept when its span became a <pc> with the <sc>'s id in the target
        ends = {attrs["startRef"] for _, tag, attrs, _ in tgt_side if tag == _EC and "startRef" in attrs}
        ends.update(attrs["id"] for _, tag, attrs, _ in tgt_side if tag == _PC and "id" in attrs)
        for part, (el, _tag, attrs, _) in undeletable:
            if part not in translated:
                continue
            ident, ref = attrs.get("id"), attrs.get("startRef")
            present = ref in ends if ident is None and ref is not None else ident in ids
            if not present:
                self.emit(R.XLF240, el, f'{_code_desc(el)} has canDelete="no" but is missing from the target', uid)

    def match_data_refs(self, match: etree._Element, uid: str | None) -> None:
        """Codes inside an <mtc:match> take their data from the match's own <originalData>."""
        data = {d.get("id") for od in match.iterfind(_ORIGINAL_DATA) for d in od.iterfind(_DATA)}
        for side in (match.find(_SOURCE), match.find(_TARGET)):
            if side is None:
                continue
            for el in side.iter(*_CODES):
                for attr in _REF_ATTRS:
                    ref = el.get(attr)
                    if ref is not None and ref not in data:
                        self.emit(R.XLF235, el, f'{_code_desc(el)} {attr}="{ref}" matches no <data> in the <mtc:match> <originalData>', uid)


class _Pairing:
    """sc/ec and sm/em pairing on one side of a unit, isolation flags, ec hints, overlap."""

    def __init__(self, emit: Emit, uid: str | None, partial: bool) -> None:
        self.emit = emit
        self.uid = uid
        #: a target side of a partly translated unit: orphans are not errors
        self.partial = partial
        self.sc_all: set[str | None] = set()
        self.sm_all: set[str | None] = set()
        self.sc_open: dict[str, tuple[int, Inline]] = {}
        self.sm_open: dict[str, etree._Element] = {}
        self.closed: set[str] = set()
        self.sm_closed: set[str] = set()
        self.spans: list[tuple[float, float, Inline]] = []

    def run(self, side: list[Inline]) -> None:
        """Pair the side's codes and markers, then report what stayed open and what overlaps."""
        self.sc_all = {attrs.get("id") for _, tag, attrs, _ in side if tag == _SC}
        self.sm_all = {attrs.get("id") for _, tag, attrs, _ in side if tag == _SM}
        for index, record in enumerate(side):
            tag, attrs = record.tag, record.attrs
            if tag == _SC:
                if "id" in attrs:
                    self.sc_open[attrs["id"]] = (index, record)
            elif tag == _EC:
                self.end_code(index, record)
            elif tag == _PC:
                self.spans.append((index, index + record.descendants + 0.5, record))
            elif tag == _SM:
                if "id" in attrs:
                    self.sm_open[attrs["id"]] = record.el
            elif tag == _EM:
                self.end_marker(record)
        self.unclosed()
        if len(self.spans) > 1:
            self.overlaps()

    def end_code(self, index: int, record: Inline) -> None:
        """An <ec>: isolated with an id, or closing an earlier <sc> by startRef."""
        emit, uid, el, attrs = self.emit, self.uid, record.el, record.attrs
        ref, ident = attrs.get("startRef"), attrs.get("id")
        if attrs.get("isolated") == "yes":
            if ref is not None:
                emit(R.XLF231, el, f"{_code_desc(el)} is isolated and must use id, not startRef", uid)
            if ident is None:
                emit(R.XLF231, el, '<ec isolated="yes"> lacks an id', uid)
            return
        if ident is not None:
            emit(R.XLF231, el, f"{element_label(el)} is not isolated and must use startRef, not id", uid)
        if ref is None:
            if ident is None:
                emit(R.XLF231, el, '<ec> without isolated="yes" lacks startRef', uid)
        elif ref in self.closed:
            emit(R.XLF230, el, f'{_code_desc(el)} closes an <sc id="{ref}"> that is already closed', uid)
        elif ref in self.sc_open:
            self.closed.add(ref)
            start_index, sc = self.sc_open[ref]
            self.ec_hints(sc.attrs, attrs, el)
            self.spans.append((start_index, index, sc))
        elif ref in self.sc_all:
            emit(R.XLF230, el, f'{_code_desc(el)} comes before its <sc id="{ref}">', uid)
        elif not self.partial:
            emit(R.XLF230, el, f"{_code_desc(el)} matches no <sc> on the same side of the unit", uid)

    def end_marker(self, record: Inline) -> None:
        """An <em> closes an earlier, still open <sm>."""
        ref = record.attrs.get("startRef")
        if ref is None:
            return
        emit, uid, el = self.emit, self.uid, record.el
        if ref in self.sm_closed:
            emit(R.XLF233, el, f'<em startRef="{ref}"> closes an <sm> that is already closed', uid)
        elif ref in self.sm_open:
            self.sm_closed.add(ref)
        elif ref in self.sm_all:
            emit(R.XLF233, el, f'<em startRef="{ref}"> comes before its <sm id="{ref}">', uid)
        elif not self.partial:
            emit(R.XLF233, el, f'<em startRef="{ref}"> matches no <sm> on the same side of the unit', uid)

    def unclosed(self) -> None:
        """An <sc> is isolated exactly when nothing closes it; every <sm> is closed."""
        emit, uid = self.emit, self.uid
        for ident, (_index, sc) in self.sc_open.items():
            isolated = sc.attrs.get("isolated") == "yes"
            if isolated and ident in self.closed:
                emit(R.XLF232, sc.el, f'<sc id="{ident}" isolated="yes"> is closed by an <ec> in the same unit', uid)
            elif not isolated and ident not in self.closed and not self.partial:
                emit(R.XLF232, sc.el, f'<sc id="{ident}"> has no <ec> in the unit and must be isolated="yes"', uid)
        for ident, sm in self.sm_open.items():
            if ident not in self.sm_closed and not self.partial:
                emit(R.XLF234, sm, f'<sm id="{ident}"> has no <em> in the unit', uid)

    def ec_hints(self, sc: dict[str, str], ec: dict[str, str], el: etree._Element) -> None:
        for attr in _EC_HINTS:
            if sc.get(attr, "yes") != ec.get(attr, "yes"):
                self.emit(R.XLF241, el, f'{_code_desc(el)} {attr}="{ec.get(attr, "yes")}" differs from its <sc> ("{sc.get(attr, "yes")}")', self.uid)

    def overlaps(self) -> None:
        """Crossing spans are reported on each side whose canOverlap is 'no'."""
        reported: set[int] = set()
        spans = sorted(self.spans, key=lambda span: span[0])
        for a, (s1, e1, rec1) in enumerate(spans):
            for s2, e2, rec2 in spans[a + 1 :]:
                if s2 > e1:
                    break
                if s1 < s2 < e1 < e2:
                    for rec, other in ((rec1, rec2), (rec2, rec1)):
                        default = "no" if rec.tag == _PC else "yes"
                        if rec.attrs.get("canOverlap", default) == "no" and id(rec) not in reported:
                            reported.add(id(rec))
                            self.emit(R.XLF242, rec.el, f'{element_label(rec.el)} (canOverlap="no") overlaps {element_label(other.el)}', self.uid)
