"""Cross-element XLIFF 2.0 checks: what a unit's pieces must agree on, and fragment identifiers.

The schema walk sees one element at a time; the constraints here need a whole
unit (id scopes counting source and target apart, sc/ec and sm/em pairing across
segments, target order, references to <data>, sibling units and base codes) or
the whole document (fragment identifiers pointing anywhere in it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lxml import etree

from pxl10n.validate import xliff20_rules as R
from pxl10n.validate.rules import Rule
from pxl10n.validate.xliff20_schema import (
    GLS,
    MODULE_PREFIX,
    MTC,
    NMTOKEN_RE,
    RES,
    VALUE_TYPES,
    XML_LANG,
    pretty,
    q,
    x,
)

if TYPE_CHECKING:
    from pxl10n.validate.xliff20 import _Run

_FILE, _GROUP, _UNIT = x("file"), x("group"), x("unit")
_SEGMENT, _IGNORABLE, _SOURCE, _TARGET = x("segment"), x("ignorable"), x("source"), x("target")
_NOTES, _ORIGINAL_DATA, _DATA = x("notes"), x("originalData"), x("data")
_PH, _PC, _SC, _EC, _MRK, _SM, _EM = (x(n) for n in ("ph", "pc", "sc", "ec", "mrk", "sm", "em"))
#: An inline element as the walk recorded it: [element, tag, attributes, number of inline descendants].
Record = list[Any]
_INLINE = (_PH, _PC, _SC, _EC, _MRK, _SM, _EM)
_CODES = (_PH, _PC, _SC, _EC)
_ID_BEARING = frozenset((_PH, _PC, _SC, _EC, _MRK, _SM))
#: Which source element a target element with the same id may correspond to.
_KIND = {_PH: "ph", _PC: "span", _SC: "span", _EC: "span", _MRK: "marker", _SM: "marker"}
#: Which base codes a copy may name in copyOf.
_COPY_BASES = {_PH: {_PH}, _PC: {_PC, _SC}, _SC: {_SC, _PC}, _EC: {_EC, _SC, _PC}}
_EC_HINTS = ("canCopy", "canDelete", "canReorder", "canOverlap")
_REF_ATTRS = ("dataRef", "dataRefStart", "dataRefEnd")
_FLOW_ATTRS = ("subFlows", "subFlowsStart", "subFlowsEnd")
_RANK = {"f": 0, "g": 1, "u": 2}
_MODULE_NS = {prefix: ns for ns, prefix in MODULE_PREFIX.items()}


_NOTE = x("note")
#: Module elements whose ref must point to a span of text within the same unit.
_UNIT_SCOPED_REFS = frozenset({q(MTC, "match"), q(GLS, "glossEntry"), q(GLS, "translation")})


def _container_unit(el: etree._Element) -> etree._Element | None:
    """The <unit> enclosing ``el`` (a note's unit is the one whose <notes> holds it), or None."""
    return next(el.iterancestors(_UNIT), None)


def _describe(el: etree._Element) -> str:
    ident = el.get("id")
    return f'<{pretty(el.tag)} id="{ident}">' if ident is not None else f"<{pretty(el.tag)}>"


def _code_desc(el: etree._Element) -> str:
    ref = el.get("startRef")
    return f'<{pretty(el.tag)} startRef="{ref}">' if el.get("id") is None and ref is not None else _describe(el)


def _code_key(record: Record) -> str:
    """What identifies a code across source and target: its id, or for an ec its startRef."""
    attrs = record[2]
    ident = attrs.get("id")
    return ident if ident is not None else "\0" + attrs.get("startRef", "")


_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

#: 2.1 3.1 core selector prefixes, and the module prefixes registered with the TC (5.x.3; fs reserved):
#: 3.2 "The prefix of a module or an extension MUST be an NMTOKEN longer than 1 character and MUST be
#: defined in the module or extension specification ... MUST be registered with the XLIFF TC." (tbx: the
#: registered TBX extension, as in the TC suite's withTBXExtension.xlf)
REGISTERED_PREFIXES = frozenset({"f", "g", "u", "n", "d", "t", "mtc", "gls", "mda", "res", "ctr", "slr", "val", "its", "fs", "tbx"})


def _code_events(side: list[Record]) -> list[tuple[str, str | None, etree._Element]]:
    """Codes in document order as (key, canReorder, element); a <pc> gives a start and, after its content,
    an end (whose canReorder is 'no' when the start's is 'firstNo', as for an <ec> of such an <sc>)."""
    events: list[tuple[str, str | None, etree._Element]] = []
    open_pcs: list[tuple[etree._Element, str, str | None]] = []

    def close_until(el: etree._Element | None) -> None:
        while open_pcs and (el is None or open_pcs[-1][0] not in el.iterancestors()):
            pc, key, flag = open_pcs.pop()
            events.append((key + "\0end", "no" if flag in ("no", "firstNo") else flag, pc))

    for el, tag, attrs, _ in side:
        if tag not in _COPY_BASES:
            continue
        close_until(el)
        key, flag = _code_key([el, tag, attrs, None]), attrs.get("canReorder")
        events.append((key, flag, el))
        if tag == _PC:
            open_pcs.append((el, key, flag))
    close_until(None)
    return events


def parse_fragment(value: str) -> tuple[tuple[str | None, str], ...] | str:
    """Selectors of a same-document fragment identifier, or why it is malformed (XLIFF 2.0 chapter 3)."""
    body = value[1:]
    absolute = body.startswith("/")
    if absolute:
        body = body[1:]
    if not body:
        return "has no selector"
    selectors: list[tuple[str | None, str]] = []
    for piece in body.split("/"):
        prefix, sep, ident = piece.partition("=")
        if not sep:
            prefix, ident = "", piece
        if (sep and not NMTOKEN_RE.match(prefix)) or not NMTOKEN_RE.match(ident):
            return f"has a malformed selector '{piece}'"
        selectors.append((prefix or None, ident))
    for used, _ in selectors:
        if used is not None and used not in REGISTERED_PREFIXES:
            if len(used) == 1:
                return f"uses the one-character prefix '{used}=', which is no core selector (module prefixes are longer)"
            return f"uses the prefix '{used}=', which no module registered with the XLIFF TC defines"
    seen: set[str | None] = set()
    last = -1
    for index, (prefix, _ident) in enumerate(selectors):
        if prefix in seen:
            return f"repeats the selector prefix '{prefix or '(none)'}'"
        seen.add(prefix)
        rank = _RANK.get(prefix or "", 3)  # type: ignore[arg-type]
        if rank < last:
            return f"has '{prefix}=' after a narrower selector"
        if rank == 3 and index != len(selectors) - 1:
            return f"has a selector after '{prefix + '=' if prefix else ''}{_ident}', which must be last"
        last = rank
    if absolute and selectors[0][0] != "f":
        return "starts with '/' but not with an f= selector"
    return tuple(selectors)


class UnitChecker:
    """Per-unit constraint checks and the indexes fragment identifiers resolve against."""

    def __init__(self, run: _Run, src_lang: str | None, trg_lang: str | None) -> None:
        self.run = run
        #: xml:lang / xml:space in force at an element, filled as segments ask
        self.inherited: dict[tuple[etree._Element, str], str] = {}
        self.src_lang = src_lang.lower() if src_lang else None
        self.trg_lang = trg_lang.lower() if trg_lang else None
        self.trg_lang_missing_reported = trg_lang is not None
        self.files: dict[str, etree._Element] = {}
        self.file_index: dict[etree._Element, tuple[dict[str, etree._Element], dict[str, etree._Element]]] = {}
        self.current_units: dict[str, etree._Element] = {}
        #: unit element -> (source-side id scope, target-side id scope, data by id)
        self.unit_index: dict[etree._Element, tuple[dict[str, etree._Element], dict[str, etree._Element], dict[str, etree._Element]]] = {}
        self.fragments: list[tuple[etree._Element, str, str | None, etree._Element | None]] = []
        self._resource_items: set[str] | None = None
        self.sides: list[tuple[etree._Element, etree._Element, str, list[Record]]] = []
        #: the <unit> the walk is in, or None between units
        self.unit_el: etree._Element | None = None
        #: unit element -> ids of the notes in its <notes>
        self.unit_notes: dict[etree._Element, set[str]] = {}

    # --- indexes --------------------------------------------------------------------------

    def index_file(self, file_el: etree._Element) -> None:
        """Groups and units of a file by id, reporting duplicates (XLF211)."""
        ident = file_el.get("id")
        if ident is not None:
            self.files.setdefault(ident, file_el)
        groups: dict[str, etree._Element] = {}
        units: dict[str, etree._Element] = {}
        for el in file_el.iter(_GROUP, _UNIT):
            table = groups if el.tag == _GROUP else units
            key = el.get("id")
            if key is None:
                continue
            if key in table:
                self.run.emit(R.XLF211, el, f"duplicate {_describe(el)} in <file id=\"{ident}\">")
            else:
                table[key] = el
        self.file_index[file_el] = (groups, units)
        self.current_units = units

    def resource_items(self, root: etree._Element) -> set[str]:
        """Ids of every res:resourceItem in the document (computed once)."""
        if self._resource_items is None:
            self._resource_items = {el.get("id") for el in root.iter(q(RES, "resourceItem")) if el.get("id") is not None}
        return self._resource_items

    # --- one unit -------------------------------------------------------------------------

    def begin_unit(self, unit_el: etree._Element) -> None:
        """Forget the previous unit's sides; the walk is entering ``unit_el``."""
        self.sides = []
        self.unit_el = unit_el

    def end_unit(self) -> None:
        """The walk left the current unit."""
        self.unit_el = None

    def add_side(self, part: etree._Element, side: etree._Element, tag: str, records: list[Record]) -> None:
        """The walk finished a <source> or <target> (``tag``) of ``part``; ``records`` are its inline elements."""
        self.sides.append((part, side, tag, records))

    def check_unit(self, unit_el: etree._Element, children: list[tuple[etree._Element, str]]) -> None:
        """Every cross-element constraint of one unit (called after its subtree was walked)."""
        uid = unit_el.get("id")
        run = self.run
        parts: list[etree._Element] = []
        data: dict[str, etree._Element] = {}
        for child, tag in children:
            if tag == _SEGMENT or tag == _IGNORABLE:
                parts.append(child)
            elif tag == _ORIGINAL_DATA:
                data.update((d.get("id"), d) for d in child if d.tag == _DATA and d.get("id") is not None)
        if not any(part.tag == _SEGMENT for part in parts):
            run.emit(R.XLF225, unit_el, f"{_describe(unit_el)} has no <segment>", uid)
        scope: dict[str, etree._Element] = {}
        for part in parts:
            pid = part.get("id")
            if pid is not None:
                self._claim(scope, pid, part, uid)
        src_side: list[Record] = []
        targets: list[tuple[int, etree._Element, list[Record]]] = []
        deletable_parts: list[list[Record]] = []
        positions = {part: position for position, part in enumerate(parts, 1)}
        seen_sides: set[tuple[etree._Element, str]] = set()
        for part, side, side_tag, records in self.sides:
            if (part, side_tag) in seen_sides:
                continue  # a second <source>/<target> was already reported by the schema check
            seen_sides.add((part, side_tag))
            if side_tag == _SOURCE:
                self._lang(side, self.src_lang, R.XLF221, "srcLang", uid)
                src_side.extend(records)
                deletable_parts.append(records)
            else:
                targets.append((positions.get(part, 0), side, records))
                self._lang(side, self.trg_lang, R.XLF222, "trgLang", uid)
                if not run.is21:
                    self._space_kept(part, side, uid)
                if not self.trg_lang_missing_reported:
                    self.trg_lang_missing_reported = True
                    run.emit(R.XLF220, side, "<target> present but <xliff> has no trgLang", uid)
        for record in src_side:
            ident = record[2].get("id")
            if ident is not None and record[1] in _ID_BEARING:
                self._claim(scope, ident, record[0], uid)
        tgt_side: list[Record] = []
        for records in self._ordered_targets(len(parts), targets, uid):
            tgt_side.extend(records)
        tscope = self._target_ids(tgt_side, scope, uid)
        self._pair(src_side, uid)
        # Targets missing from some segments leave the target side unfinished: a span or annotation
        # begun in a translated segment may end in one not translated yet, so orphans are not errors there.
        translated_parts = {side_part for side_part, _, side_tag, _ in self.sides if side_tag == _TARGET}
        partial = any(
            part not in translated_parts and (part.tag == _SEGMENT or records)
            for part, _, side_tag, records in self.sides
            if side_tag == _SOURCE
        )
        self._pair(tgt_side, uid, partial)
        self._codes(src_side, scope, tscope, data, uid)
        self._codes(tgt_side, scope, tscope, data, uid)
        self._reorder_sequence(src_side, uid)
        if targets:
            self._reorder_kept(src_side, tgt_side, uid)
        if targets:
            self._can_delete(self.sides, tgt_side, uid)
        self.unit_index[unit_el] = (scope, tscope, data)

    def _claim(self, scope: dict[str, etree._Element], ident: str, el: etree._Element, uid: str | None) -> None:
        other = scope.get(ident)
        if other is None:
            scope[ident] = el
        else:
            self.run.emit(R.XLF214, el, f'id "{ident}" of {_describe(el)} is already used by <{pretty(other.tag)}> (line {other.sourceline})', uid)

    def _inherited(self, el: etree._Element, attr: str, default: str) -> str:
        """The value of xml:lang/xml:space in force at ``el`` (2.1 4.3.2: the parent's when not set), memoized
        per ancestor for this document so each segment costs one dictionary lookup."""
        value = el.get(attr)
        if value is not None:
            return value
        parent = el.getparent()
        if parent is None:
            return default
        key = (parent, attr)
        cached = self.inherited.get(key)
        if cached is None:
            cached = self.inherited[key] = self._inherited(parent, attr, default)
        return cached

    def _space_kept(self, part: etree._Element, target: etree._Element, uid: str | None) -> None:
        """XLF259 (2.0 documents): a target keeps xml:space='preserve' when its source has it, set or inherited."""
        source = part.find(_SOURCE)
        if source is not None and self._inherited(source, _XML_SPACE, "default") == "preserve" \
                and self._inherited(target, _XML_SPACE, "default") != "preserve":
            self.run.emit(R.XLF259, target, "<target> does not say xml:space=\"preserve\" while its <source> does", uid)

    def _lang(self, el: etree._Element, expected: str | None, rule: Rule, attr: str, uid: str | None) -> None:
        """2.1 4.2.2.12/4.2.2.13: the explicit *or inherited* xml:lang equals srcLang/trgLang (a subtag of it,
        en-IE under en, is accepted as the TC Schematron does)."""
        if expected is None:
            return
        lang = el.get(XML_LANG)
        explicit = lang is not None
        if lang is None:
            lang = self._inherited(el, XML_LANG, "")
            if not lang:
                return
        lowered = lang.lower()
        if lowered != expected and not lowered.startswith(expected + "-"):
            inherited = "" if explicit else " (inherited)"
            self.run.emit(rule, el, f'<{pretty(el.tag)}> xml:lang="{lang}"{inherited} differs from the document {attr} "{expected}"', uid)

    def _ordered_targets(self, count: int, targets: list[tuple[int, etree._Element, list[Record]]], uid: str | None) -> list[list[Record]]:
        """Target records in display order, reporting out-of-range and clashing positions (XLF227)."""
        used: dict[int, tuple[etree._Element, list[Record]]] = {}
        valid = True
        for position, target, records in targets:
            order = target.get("order")
            effective = position
            if order is not None and VALUE_TYPES["posint"](order):
                effective = int(order)
                if effective > count:
                    self.run.emit(R.XLF227, target, f'<target order="{order}"> exceeds the {count} segment/ignorable elements of the unit', uid)
                    valid = False
                    continue
            elif order is not None:
                valid = False
            if effective in used:
                self.run.emit(R.XLF227, target, f"<target> takes position {effective}, already taken by the <target> on line {used[effective][0].sourceline}", uid)
                valid = False
                continue
            used[effective] = (target, records)
        if not valid:
            return [records for _, _, records in targets]
        return [used[key][1] for key in sorted(used)]

    def _target_ids(self, side: list[Record], scope: dict[str, etree._Element], uid: str | None) -> dict[str, etree._Element]:
        """Target ids are unique among targets and, when shared, match a source element of the same kind."""
        tscope: dict[str, etree._Element] = {}
        for el, tag, attrs, _ in side:
            ident = attrs.get("id")
            if ident is None or tag not in _ID_BEARING:
                continue
            if ident in tscope:
                self.run.emit(R.XLF214, el, f'id "{ident}" of {_describe(el)} is used twice in the targets', uid)
                continue
            tscope[ident] = el
            base = scope.get(ident)
            if base is not None and _KIND.get(base.tag) != _KIND[tag]:
                self.run.emit(R.XLF215, el, f"target {_describe(el)} shares its id with source <{pretty(base.tag)}> (line {base.sourceline})", uid)
        return tscope

    def _pair(self, side: list[Record], uid: str | None, partial: bool = False) -> None:
        """sc/ec and sm/em pairing on one side of a unit, isolation flags, ec hints, overlap."""
        emit = self.run.emit
        sc_all = {attrs.get("id") for _, tag, attrs, _ in side if tag == _SC}
        sm_all = {attrs.get("id") for _, tag, attrs, _ in side if tag == _SM}
        sc_open: dict[str, tuple[int, Record]] = {}
        sm_open: dict[str, etree._Element] = {}
        closed: set[str] = set()
        sm_closed: set[str] = set()
        spans: list[tuple[float, float, Record]] = []
        for index, record in enumerate(side):
            el, tag, attrs, descendants = record
            if tag == _SC:
                if "id" in attrs:
                    sc_open[attrs["id"]] = (index, record)
            elif tag == _EC:
                ref, ident = attrs.get("startRef"), attrs.get("id")
                if attrs.get("isolated") == "yes":
                    if ref is not None:
                        emit(R.XLF231, el, f"{_code_desc(el)} is isolated and must use id, not startRef", uid)
                    if ident is None:
                        emit(R.XLF231, el, '<ec isolated="yes"> lacks an id', uid)
                    continue
                if ident is not None:
                    emit(R.XLF231, el, f"{_describe(el)} is not isolated and must use startRef, not id", uid)
                if ref is None:
                    if ident is None:
                        emit(R.XLF231, el, '<ec> without isolated="yes" lacks startRef', uid)
                elif ref in closed:
                    emit(R.XLF230, el, f'{_code_desc(el)} closes an <sc id="{ref}"> that is already closed', uid)
                elif ref in sc_open:
                    closed.add(ref)
                    start_index, sc = sc_open[ref]
                    self._ec_hints(sc[2], attrs, el, uid)
                    spans.append((start_index, index, sc))
                elif ref in sc_all:
                    emit(R.XLF230, el, f'{_code_desc(el)} comes before its <sc id="{ref}">', uid)
                elif not partial:
                    emit(R.XLF230, el, f"{_code_desc(el)} matches no <sc> on the same side of the unit", uid)
            elif tag == _PC:
                spans.append((index, index + descendants + 0.5, record))
            elif tag == _SM:
                if "id" in attrs:
                    sm_open[attrs["id"]] = el
            elif tag == _EM:
                ref = attrs.get("startRef")
                if ref is None:
                    continue
                if ref in sm_closed:
                    emit(R.XLF233, el, f'<em startRef="{ref}"> closes an <sm> that is already closed', uid)
                elif ref in sm_open:
                    sm_closed.add(ref)
                elif ref in sm_all:
                    emit(R.XLF233, el, f'<em startRef="{ref}"> comes before its <sm id="{ref}">', uid)
                elif not partial:
                    emit(R.XLF233, el, f'<em startRef="{ref}"> matches no <sm> on the same side of the unit', uid)
        for ident, (_index, (sc, _tag, attrs, _n)) in sc_open.items():
            isolated = attrs.get("isolated") == "yes"
            if isolated and ident in closed:
                emit(R.XLF232, sc, f'<sc id="{ident}" isolated="yes"> is closed by an <ec> in the same unit', uid)
            elif not isolated and ident not in closed and not partial:
                emit(R.XLF232, sc, f'<sc id="{ident}"> has no <ec> in the unit and must be isolated="yes"', uid)
        for ident, sm in sm_open.items():
            if ident not in sm_closed and not partial:
                emit(R.XLF234, sm, f'<sm id="{ident}"> has no <em> in the unit', uid)
        if len(spans) > 1:
            self._overlaps(spans, uid)

    def _ec_hints(self, sc: dict[str, str], ec: dict[str, str], el: etree._Element, uid: str | None) -> None:
        for attr in _EC_HINTS:
            if sc.get(attr, "yes") != ec.get(attr, "yes"):
                self.run.emit(R.XLF241, el, f'{_code_desc(el)} {attr}="{ec.get(attr, "yes")}" differs from its <sc> ("{sc.get(attr, "yes")}")', uid)

    def _overlaps(self, spans: list[tuple[float, float, Record]], uid: str | None) -> None:
        """Crossing spans are reported on each side whose canOverlap is 'no'."""
        reported: set[int] = set()
        spans.sort(key=lambda span: span[0])
        for a, (s1, e1, rec1) in enumerate(spans):
            for s2, e2, rec2 in spans[a + 1 :]:
                if s2 > e1:
                    break
                if s1 < s2 < e1 < e2:
                    for rec, other in ((rec1, rec2), (rec2, rec1)):
                        default = "no" if rec[1] == _PC else "yes"
                        if rec[2].get("canOverlap", default) == "no" and id(rec) not in reported:
                            reported.add(id(rec))
                            self.run.emit(R.XLF242, rec[0], f'{_describe(rec[0])} (canOverlap="no") overlaps {_describe(other[0])}', uid)

    def _codes(
        self,
        side: list[Record],
        scope: dict[str, etree._Element],
        tscope: dict[str, etree._Element],
        data: dict[str, etree._Element],
        uid: str | None,
    ) -> None:
        """dataRef, subFlows, copyOf and canReorder flags of every code on one side."""
        emit = self.run.emit
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
                base = scope.get(base_id, tscope.get(base_id))
                if base is None or base.tag not in _COPY_BASES:
                    emit(R.XLF237, el, f'{_code_desc(el)} copyOf="{base_id}" names no inline code of the unit', uid)
                elif base.tag not in _COPY_BASES[tag]:
                    emit(R.XLF237, el, f'{_code_desc(el)} copyOf="{base_id}" names a <{pretty(base.tag)}>, not a code of the same kind', uid)
                elif base.get("canCopy") == "no":
                    emit(R.XLF237, el, f'{_code_desc(el)} copies {_describe(base)}, which has canCopy="no"', uid)
                elif any(attr in attrs for attr in _REF_ATTRS) or any(base.get(attr) is not None for attr in _REF_ATTRS):
                    # 2.1 4.7.2.4.1: "The copyOf attribute MUST be used when, and only when, the base code has no
                    # associated original data" (a copy of a code with data references that data itself)
                    emit(R.XLF237, el, f'{_code_desc(el)} uses copyOf, but it or its base refers to original data '
                         "(reuse the dataRef instead)", uid)
            reorder = attrs.get("canReorder")
            if reorder in ("no", "firstNo") and (attrs.get("canCopy") != "no" or attrs.get("canDelete") != "no"):
                emit(R.XLF238, el, f'{_code_desc(el)} canReorder="{reorder}" requires canCopy="no" and canDelete="no"', uid)

    def _reorder_sequence(self, side: list[Record], uid: str | None) -> None:
        started = False
        for el, tag, attrs, _ in side:
            flag = attrs.get("canReorder")
            if flag == "firstNo" and tag in _COPY_BASES:
                started = True
            elif flag == "no" and not started and tag in _COPY_BASES:
                self.run.emit(R.XLF239, el, f'{_code_desc(el)} canReorder="no" is not preceded by a canReorder="firstNo" code', uid)

    def _reorder_kept(self, src_side: list[Record], tgt_side: list[Record], uid: str | None) -> None:
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
                    self.run.emit(R.XLF239, el, f"{_code_desc(el)} cannot be reordered: its non-reorderable sequence "
                                  "is broken or reordered in the target", uid)
                    break

    def _can_delete(self, sides: list[tuple[etree._Element, etree._Element, str, list[Record]]], tgt_side: list[Record], uid: str | None) -> None:
        """Codes with canDelete='no' in a translated segment's source are still in the unit's targets."""
        undeletable = [
            (part, record)
            for part, _, side_tag, records in sides
            if side_tag == _SOURCE
            for record in records
            if record[2].get("canDelete") == "no" and record[1] in _COPY_BASES
        ]
        if not undeletable:
            return
        translated = {part for part, _, side_tag, _ in sides if side_tag == _TARGET}
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
                self.run.emit(R.XLF240, el, f'{_code_desc(el)} has canDelete="no" but is missing from the target', uid)

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
                        self.run.emit(R.XLF235, el, f'{_code_desc(el)} {attr}="{ref}" matches no <data> in the <mtc:match> <originalData>', uid)

    # --- fragment identifiers -------------------------------------------------------------

    def add_fragment(self, el: etree._Element, value: str, uid: str | None) -> None:
        """Remember a same-document reference (``#...``) to resolve once every unit is indexed."""
        if value.startswith("#"):
            self.fragments.append((el, value, uid, self.unit_el))

    def resolve_fragments(self) -> None:
        """Check the syntax and the target of every remembered fragment identifier."""
        for el, value, uid, unit_el in self.fragments:
            selectors = parse_fragment(value)
            if isinstance(selectors, str):
                self.run.emit(R.XLF246, el, f'{_describe(el)} ref="{value}" {selectors}', uid)
                continue
            if unit_el is not None and len(selectors) == 1:
                # the common case, a selector relative to the enclosing unit: plain dictionary lookups
                prefix, ident = selectors[0]
                if prefix == "n":
                    if ident in self.unit_notes.get(unit_el, ()):
                        continue  # a note of the same unit: fine for comments and any other ref
                elif prefix is None or prefix == "t" or prefix == "d":
                    index = self.unit_index.get(unit_el)
                    if index is not None and ident in index[0 if prefix is None else 1 if prefix == "t" else 2]:
                        if el.get("type") != "comment" or el.tag not in (_MRK, _SM):
                            continue
            found = self._resolve(el, selectors)
            if found is None:
                self.run.emit(R.XLF247, el, f'{_describe(el)} ref="{value}" points to nothing in this document', uid)
            elif found is True:
                continue
            elif el.tag in (_MRK, _SM):
                if el.get("type") != "comment":
                    continue
                if found.tag != _NOTE:
                    self.run.emit(R.XLF247, el, f'comment {_describe(el)} ref="{value}" points to a <{pretty(found.tag)}>, not a <note>', uid)
                elif _container_unit(found) is not _container_unit(el):
                    self.run.emit(R.XLF247, el, f'comment {_describe(el)} ref="{value}" points to a <note> outside its <unit>', uid)
            elif el.tag in _UNIT_SCOPED_REFS:
                unit = _container_unit(el)
                if unit is not None and found is not unit and not any(a is unit for a in found.iterancestors(_UNIT)):
                    self.run.emit(R.XLF248, el, f'{_describe(el)} ref="{value}" points outside its <unit>', uid)

    def _resolve(self, el: etree._Element, selectors: tuple[tuple[str | None, str], ...]) -> etree._Element | bool | None:
        """The element a fragment designates, True when it cannot be checked (extension prefix), else None."""
        ancestors = [a for a in el.iterancestors(_UNIT, _GROUP, _FILE)]
        unit = next((a for a in ancestors if a.tag == _UNIT), None)
        file_el = next((a for a in ancestors if a.tag == _FILE), None)
        group = None
        explicit = selectors[0][0] in _RANK
        if explicit:
            unit = None
        for prefix, ident in selectors:
            if prefix == "f":
                file_el = self.files.get(ident)
                if file_el is None:
                    return None
            elif prefix in ("g", "u"):
                if file_el is None:
                    return None
                found = self.file_index.get(file_el, ({}, {}))[0 if prefix == "g" else 1].get(ident)
                if found is None or (prefix == "u" and group is not None and group not in found.iterancestors(_GROUP)):
                    return None
                if prefix == "g":
                    group = found
                else:
                    unit = found
            elif prefix == "n":
                narrowest = unit if unit is not None else group if group is not None else file_el
                containers = [narrowest] if explicit else ancestors
                return self._note(containers, ident)
            elif prefix in (None, "t", "d"):
                index = self.unit_index.get(unit) if unit is not None else None
                if index is None:
                    return None
                return index[{None: 0, "t": 1, "d": 2}[prefix]].get(ident)
            elif prefix in _MODULE_NS:
                scope = unit if unit is not None else group if group is not None else file_el
                if scope is None:
                    return None
                ns = _MODULE_NS[prefix]
                # a relative module selector may name an element of an enclosing group or file
                scopes = [scope] if explicit else [scope, *(a for a in ancestors if a is not scope)]
                for container in scopes:
                    found_el = next((e for e in container.iter(f"{{{ns}}}*") if e.get("id") == ident), None)
                    if found_el is not None:
                        return found_el
                return None
            else:
                return True
        return unit if unit is not None else group if group is not None else file_el

    @staticmethod
    def _note(containers: list[etree._Element | None], ident: str) -> etree._Element | None:
        for container in containers:
            if container is None:
                continue
            for notes in container.iterfind(_NOTES):
                for note in notes:
                    if note.get("id") == ident:
                        return note
        return None
