"""XLIFF 2.0 conformance: the schemas (core and modules) plus every constraint a document can break.

One recursive walk checks each element against its table in
:mod:`pxl10n.validate.xliff20_schema` -- attributes
(:mod:`~pxl10n.validate.xliff20_attributes`), content model, text -- and runs the
element's own constraints (:mod:`~pxl10n.validate.xliff20_local`); each <unit>
then gets the cross-element checks of :mod:`~pxl10n.validate.xliff20_units` (ids,
pairing, references, editing hints) from what the walk read, and fragment
identifiers (:mod:`~pxl10n.validate.xliff20_fragments`) are resolved once every
unit is indexed. No XSD engine is involved: the checks are dictionary lookups over
the lxml tree, and each element is read once.

Two shortcuts keep the common export cheap, each giving the findings of the full
walk: the *fast lane* walks a plain unit (clean attributes, a child sequence this
document already found valid, segments of a source and a target) in one pass, and
gives up to the general walk wherever it would have something to report; and a unit
repeating the shape of a clean unit of the same document is not walked at all
(:mod:`~pxl10n.validate.xliff20_shapes`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from lxml import etree

from pxl10n.validate import xliff20_gate
from pxl10n.validate import xliff20_rules as R
from pxl10n.validate.content_model import Misfit, Particle, match
from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document, Family, Finding, Rule
from pxl10n.validate.xliff20_attributes import AttributeChecker, Items
from pxl10n.validate.xliff20_local import HOOKS
from pxl10n.validate.xliff20_schema import (
    ANY,
    DEFINED_NS,
    EMPTY,
    INLINE,
    INLINE_TAGS,
    MODULE_POINTS,
    MODULE_PREFIX,
    REPEATABLE_MODULES,
    SPECS,
    VALUE_TYPES,
    XLF,
    Spec,
    element_label,
    pretty,
    x,
)
from pxl10n.validate.xliff20_shapes import UnitShapes
from pxl10n.validate.xliff20_units import Inline, Side, UnitChecker

__all__ = ["FAMILY", "check"]

_XLIFF, _UNIT, _SEGMENT, _IGNORABLE = x("xliff"), x("unit"), x("segment"), x("ignorable")
_SOURCE, _TARGET = x("source"), x("target")
#: The element children of an element: (child, its tag)
Children = list[tuple[etree._Element, str]]
#: Inline elements and their tables: what a <source>, <target> or spanning code may contain.
_INLINE_SPECS = {tag: SPECS[tag] for tag in INLINE_TAGS}


def _sequence(tag: str) -> tuple[Particle, ...]:
    content = SPECS[tag].content
    assert isinstance(content, tuple), tag
    return content


_UNIT_CONTENT = _sequence(_UNIT)
_UNIT_SPEC, _NOTES, _NOTE = SPECS[_UNIT], x("notes"), x("note")
_NOTES_SPEC, _NOTE_SPEC = SPECS[_NOTES], SPECS[_NOTE]
_NMTOKEN = VALUE_TYPES[_UNIT_SPEC.types["id"]]
_PART_CONTENT = {_SEGMENT: _sequence(_SEGMENT), _IGNORABLE: _sequence(_IGNORABLE)}


def _ns(tag: str) -> str | None:
    return tag[1 : tag.index("}")] if tag[:1] == "{" else None


#: The namespace of each element the schema tables name (long child lists repeat a few of them).
_SPEC_NS = {tag: _ns(tag) for tag in SPECS}


def _count_descendants(collect: list[Inline], index: int) -> None:
    """Say in the record at ``index`` how many inline elements were recorded inside it (all those after it)."""
    descendants = len(collect) - index - 1
    if descendants:
        collect[index] = collect[index]._replace(descendants=descendants)


class _Run:
    """One document's check: the walk, the findings, and the indexes later checks share."""

    def __init__(self, doc: Document, root: etree._Element, *, shortcuts: bool = True) -> None:
        self.doc = doc
        self.root = root
        #: False walks every unit and every child sequence in full: the reference the shortcuts are tested against
        self.shortcuts = shortcuts
        self.out: list[Finding] = []
        self.is21 = root.get("version") == "2.1"
        self.attributes = AttributeChecker(self.emit, self.is21)
        self.units = UnitChecker(self.emit, root, self.is21, doc.data)
        #: where the walk records inline elements while inside a segment's or ignorable's side
        self.collect: list[Inline] | None = None
        #: child-tag sequences of this document found to satisfy their parent's content model
        self.good_sequences: set[tuple[str, ...]] = set()
        #: units found clean, by shape, and the units skipped for repeating one
        self.shapes = UnitShapes()

    def emit(self, rule: Rule, el: etree._Element, message: str, unit: str | None = None) -> None:
        """Record one finding; the unit id travels in the finding, not the message."""
        self.out.append(self.doc.finding(rule, message, element=el, unit=unit))

    # --- the walk ---------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        """Check the whole document and return the findings in document order."""
        root = self.root
        if root.tag != _XLIFF:
            self.emit(R.XLF201, root, f"root element <{pretty(root.tag)}> is not <xliff>")
            return self.out
        self.walk(root, _XLIFF, SPECS[_XLIFF], None)
        if self.units.fragments.pending and self.shapes.skipped:
            self.index_skipped()
        self.units.resolve_fragments()
        self.out.sort(key=lambda f: (f.line or 0, f.code))
        return self.out

    def walk(self, el: etree._Element, tag: str, spec: Spec, unit: str | None) -> None:
        """Check ``el`` against ``spec`` and its own constraints, then its content (recursing into known
        children). Inside a segment's side an inline element is also recorded for the unit checks."""
        if tag == _UNIT:
            self.walk_unit(el, spec)
            return
        items = cast(Items, el.items())
        if items or spec.required:
            self.attributes.check(el, tag, spec, items, unit)
        collect = self.collect
        if collect is not None and tag in INLINE_TAGS:
            self.walk_recorded(el, tag, spec, unit, dict(items), collect)
            return
        hook = HOOKS.get(tag)
        if tag == _SEGMENT or tag == _IGNORABLE:
            attrs = dict(items)
            if hook is not None:
                hook(self, el, attrs, unit)
            self.walk_part(el, tag, spec, unit, attrs)
            return
        if hook is not None:
            hook(self, el, dict(items), unit)
        self.content(el, tag, spec, unit)

    def walk_unit(self, el: etree._Element, spec: Spec) -> None:
        """A <unit>: skipped when it repeats the shape of a clean unit of this document (see
        :mod:`~pxl10n.validate.xliff20_shapes`), else the walk of its subtree and its cross-element checks."""
        shapes = self.shapes
        key = shapes.key(el) if self.shortcuts else None
        # a shape leaves the id out: a repeat is clean when its own id is, as its twin's was
        if key is not None and _NMTOKEN(el.get("id") or "") and shapes.seen_clean(key, el, self.units.current_units):
            return
        items = cast(Items, el.items())
        clean = self.attributes.clean(_UNIT, spec, items, remember=False)
        out, pending = len(self.out), len(self.units.fragments.pending)
        self.walk_unit_subtree(el, spec, items, clean)
        if key is not None and len(self.out) == out and len(self.units.fragments.pending) == pending:
            shapes.clean.add(key)

    def walk_unit_subtree(self, el: etree._Element, spec: Spec, items: Items, clean: bool) -> None:
        """A <unit>'s subtree (in the fast lane when its attributes are ``clean``), then its cross-element checks."""
        unit = el.get("id")
        units = self.units
        units.begin_unit(el)
        children = self.fast_unit(el, unit) if clean else None
        if children is None:
            children = self.walk_unit_content(el, spec, items, unit)
        if len(el):
            units.check_unit(el, unit, children)
        units.end_unit()

    def index_skipped(self) -> None:
        """Walk the units skipped for their shape after all, now that a reference may need their ids or notes:
        each finds nothing, as the unit it repeats did."""
        units = self.units
        for el, file_units in self.shapes.skipped:
            units.current_units = file_units
            self.walk_unit_subtree(el, _UNIT_SPEC, cast(Items, el.items()), True)

    def walk_unit_content(self, el: etree._Element, spec: Spec, items: Items, unit: str | None) -> Children:
        """A <unit>'s attributes, content model and children, each walked in full."""
        if items or spec.required:
            self.attributes.check(el, _UNIT, spec, items, unit)
        children = [(c, t) for c in el if isinstance(t := c.tag, str)] if len(el) else []
        if any(t not in SPECS for _, t in children):  # else the hook finds no extension element
            HOOKS[_UNIT](self, el, dict(items), unit)
        self.check_sequence_content(el, _UNIT, spec, _UNIT_CONTENT, children, unit)
        for child, child_tag in children:
            child_spec = SPECS.get(child_tag)
            if child_spec is not None:
                self.walk(child, child_tag, child_spec, unit)
        return children

    # --- the fast lane ----------------------------------------------------------------------
    # The common unit -- clean attributes, a child sequence this document already found valid, segments of a
    # source and a target holding inline codes -- is walked here in one pass instead of through the generic
    # dispatch. Each step either does exactly what the general walk would do, finding nothing, or gives up
    # before anything is kept: a unit gives up before it emits, a segment or ignorable is rolled back (its
    # findings, references and sides) and walked in full. So the findings are the general walk's, always.

    def fast_unit(self, el: etree._Element, unit: str | None) -> Children | None:
        """Walk the content of a unit with clean attributes in the fast lane; its element children, or None
        to take the general walk."""
        text = el.text
        if text and not text.isspace():
            return None
        children: Children = []
        key = [_UNIT]
        for child in el:
            tail = child.tail
            if tail and not tail.isspace():
                return None
            tag = child.tag
            if isinstance(tag, str):
                if tag not in SPECS:
                    return None  # an extension element: the unit's hook has its ids to check
                children.append((child, tag))
                key.append(tag)
        if tuple(key) not in self.good_sequences:
            return None
        for child, tag in children:
            if tag == _SEGMENT or tag == _IGNORABLE:
                done = self.fast_part(child, tag, unit)
            else:
                done = tag == _NOTES and self.fast_notes(child, unit)
            if not done:
                self.walk(child, tag, SPECS[tag], unit)
        return children

    def fast_notes(self, el: etree._Element, unit: str | None) -> bool:
        """A <notes> of clean <note>s holding text alone; False (nothing kept) when the general walk must take it."""
        clean = self.attributes.clean
        items = cast(Items, el.items())
        text = el.text
        if not clean(_NOTES, _NOTES_SPEC, items) or (text and not text.isspace()):
            return False
        notes = 0
        for child in el:
            tail = child.tail
            if tail and not tail.isspace():
                return False
            tag = child.tag
            if tag == _NOTE:
                if len(child) or not clean(_NOTE, _NOTE_SPEC, cast(Items, child.items())):
                    return False
                notes += 1
            elif isinstance(tag, str):
                return False
        out = len(self.out)
        if notes:
            HOOKS[_NOTES](self, el, dict(items), unit)
            if len(self.out) == out:
                return True
        del self.out[out:]
        return False

    def fast_part(self, el: etree._Element, tag: str, unit: str | None) -> bool:
        """A <segment> or <ignorable> of a source and an optional target, its sides handed to the unit checks;
        False (with nothing kept) when the general walk must take it."""
        items = cast(Items, el.items())
        text = el.text
        if not self.attributes.clean(tag, SPECS[tag], items) or (text and not text.isspace()):
            return False
        source = target = None
        for child in el:
            tail = child.tail
            if tail and not tail.isspace():
                return False
            child_tag = child.tag
            if child_tag == _SOURCE and source is None:
                source = child
            elif child_tag == _TARGET and source is not None and target is None:
                target = child
            elif isinstance(child_tag, str):
                return False
        if source is None:
            return False
        out, pending, recorded = len(self.out), len(self.units.fragments.pending), len(self.units.sides)
        attrs = dict(items)
        hook = HOOKS.get(tag)
        if hook is not None:
            hook(self, el, attrs, unit)
        if len(self.out) == out and self.fast_side(el, attrs, source, _SOURCE, unit) \
                and (target is None or self.fast_side(el, attrs, target, _TARGET, unit)) and len(self.out) == out:
            return True
        del self.out[out:], self.units.fragments.pending[pending:], self.units.sides[recorded:]
        return False

    def fast_side(self, part: etree._Element, part_attrs: dict[str, str], el: etree._Element, tag: str,
                  unit: str | None) -> bool:
        """A <source> or <target> whose attributes and inline content are clean; False to give up."""
        items = cast(Items, el.items())
        if items and not self.attributes.clean(tag, SPECS[tag], items):
            return False
        records: list[Inline] = []
        if len(el) and not self.fast_inline(el, records, unit):
            return False
        self.units.sides.append(Side(part, part_attrs, el, tag, dict(items), records))
        return True

    def fast_inline(self, el: etree._Element, records: list[Inline], unit: str | None) -> bool:
        """The inline elements in ``el``, recorded in document order, each clean; False to give up (the caller
        rolls back what the hooks reported)."""
        clean = self.attributes.clean
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            spec = _INLINE_SPECS.get(tag)
            if spec is None:
                return False
            items = cast(Items, child.items())
            if (items or spec.required) and not clean(tag, spec, items):
                return False
            index = self.record(child, tag, dict(items), unit, records)
            if spec.content == INLINE:
                if len(child):
                    if not self.fast_inline(child, records, unit):
                        return False
                    _count_descendants(records, index)
            elif len(child) or child.text:
                return False  # an empty element with content: the general walk says what
        return True

    def walk_recorded(self, el: etree._Element, tag: str, spec: Spec, unit: str | None, attrs: dict[str, str],
                      collect: list[Inline]) -> None:
        """An inline element of a side: recorded in document order, with how many inline elements it holds."""
        index = self.record(el, tag, attrs, unit, collect)
        self.content(el, tag, spec, unit)
        _count_descendants(collect, index)

    def record(self, el: etree._Element, tag: str, attrs: dict[str, str], unit: str | None,
               collect: list[Inline]) -> int:
        """Record an inline element of a side (its descendants not counted yet) and run its hook; its index."""
        collect.append(Inline(el, tag, attrs, 0))
        hook = HOOKS.get(tag)
        if hook is not None:
            hook(self, el, attrs, unit)
        return len(collect) - 1

    def walk_part(self, el: etree._Element, tag: str, spec: Spec, unit: str | None, attrs: dict[str, str]) -> None:
        """A <segment> or <ignorable>: its content model, then its sides and any other known children."""
        children = [(c, t) for c in el if isinstance(t := c.tag, str)] if len(el) else []
        self.check_sequence_content(el, tag, spec, _PART_CONTENT[tag], children, unit)
        for child, child_tag in children:
            child_spec = SPECS.get(child_tag)
            if child_spec is None:
                continue
            if child_tag == _SOURCE or child_tag == _TARGET:
                self.walk_side(el, attrs, child, child_tag, child_spec, unit)
            else:
                self.walk(child, child_tag, child_spec, unit)

    def walk_side(self, part: etree._Element, part_attrs: dict[str, str], el: etree._Element, tag: str, spec: Spec,
                  unit: str | None) -> None:
        """A <source> or <target> of a segment or ignorable, its inline elements handed to the unit checks."""
        items = cast(Items, el.items())
        if items or spec.required:
            self.attributes.check(el, tag, spec, items, unit)
        records: list[Inline] = []
        if len(el):  # text alone needs no check: a side's content is mixed
            outer, self.collect = self.collect, records
            self.content(el, tag, spec, unit)
            self.collect = outer
        self.units.add_side(Side(part, part_attrs, el, tag, dict(items), records))

    def content(self, el: etree._Element, tag: str, spec: Spec, unit: str | None) -> Children | None:
        """Check and walk ``el``'s content; its element children, None when it has no child nodes."""
        model = spec.content
        if model == ANY:
            return None
        if not len(el):
            if model == EMPTY and el.text:
                self.emit(R.XLF203, el, f"{element_label(el)} must be empty but contains text", unit)
            elif isinstance(model, tuple):
                self.check_children(el, tag, spec, [], unit)
            return None
        children = [(c, t) for c in el if isinstance(t := c.tag, str)]
        if model is INLINE:
            for child, child_tag in children:
                child_spec = _INLINE_SPECS.get(child_tag)
                if child_spec is None:
                    self.unexpected(child, el, unit)
                else:
                    self.walk(child, child_tag, child_spec, unit)
            return children
        self.check_children(el, tag, spec, children, unit)
        for child, child_tag in children:
            child_spec = SPECS.get(child_tag)
            if child_spec is not None:
                self.walk(child, child_tag, child_spec, unit)
        return children

    # --- content models ---------------------------------------------------------------------

    def check_children(self, el: etree._Element, tag: str, spec: Spec, children: Children, unit: str | None) -> None:
        """Children and text of a sequence, text-only or empty element against its content model."""
        content = spec.content
        if isinstance(content, tuple):
            self.check_sequence_content(el, tag, spec, content, children, unit)
            return
        for child, _ in children:
            self.emit(R.XLF201, child, f"{element_label(child)} not allowed: {element_label(el)} has no child elements", unit)
        if content == EMPTY and (el.text or any(c.tail for c in el)):
            self.emit(R.XLF203, el, f"{element_label(el)} must be empty but contains text", unit)

    def check_sequence_content(self, el: etree._Element, tag: str, spec: Spec, content: tuple[Particle, ...],
                               children: Children, unit: str | None) -> None:
        """Children against a sequence (each child-tag sequence judged once per document), and unless the
        content is mixed, nothing but whitespace between them (comments' tails count too)."""
        key = (tag, *[t for _, t in children])
        if key not in self.good_sequences:
            before = len(self.out)
            self.check_sequence(el, content, spec.names, children, unit)
            if len(self.out) == before and self.shortcuts:
                self.good_sequences.add(key)
        if spec.mixed:
            return
        text = el.text
        if text and not text.isspace():
            self.emit(R.XLF203, el, f"{element_label(el)} contains text; only child elements are allowed", unit)
            return
        if len(children) == len(el):
            tails = [tail for child, _ in children if (tail := child.tail)]
        else:
            tails = [tail for child in el if (tail := child.tail)]
        for tail in tails:
            if not tail.isspace():
                self.emit(R.XLF203, el, f"{element_label(el)} contains text; only child elements are allowed", unit)
                return

    def unexpected(self, child: etree._Element, parent: etree._Element, unit: str | None) -> None:
        """Report a child element the parent's content model cannot hold at all."""
        tag = child.tag
        ns = _ns(tag)
        if ns is None:
            what = f"element <{tag}> in no namespace"
        elif ns in DEFINED_NS and tag not in SPECS:
            what = f"<{pretty(tag)}> is not an XLIFF 2.0 element"
        else:
            what = f"{element_label(child)} not allowed in {element_label(parent)}"
        self.emit(R.XLF201, child, what, unit)

    def check_sequence(self, el: etree._Element, parts: tuple[Particle, ...], names: frozenset[str], children: Children,
                       unit: str | None) -> None:
        """Children against the element's particles (the shared content-model matcher), then module points."""
        own_ns = _ns(el.tag)
        kept: Children = []
        named: list[tuple[str, bool]] = []
        for child, tag in children:
            ns = _SPEC_NS[tag] if tag in _SPEC_NS else _ns(tag)
            if ns is None or (ns in DEFINED_NS and tag not in SPECS):
                self.unexpected(child, el, unit)
            else:
                kept.append((child, tag))
                named.append((tag, ns != own_ns and ns != XLF))
        result = match(parts, named, names)
        for index, why in result.misfits:
            child = kept[index][0]
            if why is Misfit.NOT_ALLOWED:
                self.unexpected(child, el, unit)
            else:
                self.emit(R.XLF202, child, f"{element_label(child)} is out of order or repeated in {element_label(el)}", unit)
        for step, before in result.missing:
            where = f"before {element_label(kept[before][0])}" if before is not None else ""
            self.missing(el, parts[step].names, where, unit)
        self.check_module_points(el, parts, kept, result.placed, unit)

    def check_module_points(self, el: etree._Element, parts: tuple[Particle, ...], kept: Children,
                            placed: list[int | None], unit: str | None) -> None:
        """Module elements in a wildcard of a core element: at an extension point that allows them, once."""
        seen_modules: set[str] = set()
        for (child, tag), step in zip(kept, placed, strict=True):
            if step is None or tag in parts[step].names or _ns(tag) not in MODULE_PREFIX:
                continue
            allowed = MODULE_POINTS.get(tag)
            if allowed is None or el.tag not in allowed:
                self.emit(R.XLF250, child, f"{element_label(child)} is not allowed in {element_label(el)}", unit)
            elif tag in seen_modules and tag not in REPEATABLE_MODULES:
                self.emit(R.XLF202, child, f"{element_label(el)} may contain at most one {element_label(child)}", unit)
            seen_modules.add(tag)

    def missing(self, el: etree._Element, names: frozenset[str], where: str, unit: str | None) -> None:
        """Report a required child that is absent."""
        wanted = " or ".join(sorted(f"<{pretty(n)}>" for n in names))
        self.emit(R.XLF202, el, f"{element_label(el)} lacks a required {wanted}{' ' + where if where else ''}", unit)


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Yield every XLIFF 2.0 conformance finding for ``doc`` (nothing for other versions)."""
    if doc.version != "2.0" or doc.tree is None or xliff20_gate.proves_clean(doc):
        return  # a document the gate proves clean gets nothing from the walk: it is not walked
    yield from _Run(doc, doc.tree.getroot()).run()


FAMILY = Family("xliff20", "XLF2", "XLIFF 2.0 conformance (core and modules; 2.1 read as 2.0)", R.RULES, check,
                frozenset({"2.0"}))
