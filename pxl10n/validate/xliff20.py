"""XLIFF 2.0 conformance: the schemas (core and modules) plus every constraint a document can break.

One recursive walk checks each element against its table in
:mod:`pxl10n.validate.xliff20_schema` (attributes, value spaces, content model,
text) and runs the element's own constraints; each <unit> then gets the
cross-element checks of :mod:`pxl10n.validate.xliff20_units` (ids, pairing,
references, editing hints), and fragment identifiers are resolved once every
unit is indexed. No XSD engine is involved: the checks are plain dictionary
lookups over the lxml tree, so thousands of files stay fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from pxl10n.validate import xliff20_rules as R
from pxl10n.validate.content_model import Misfit, match
from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document, Family, Finding, Rule
from pxl10n.validate.xliff20_schema import (
    ANY,
    CTR,
    DEFINED_NS,
    EMPTY,
    FS,
    GLS,
    INLINE,
    INLINE_TAGS,
    ITS,
    ITSM,
    MDA,
    MODULE_ATTRS,
    MODULE_POINTS,
    MODULE_PREFIX,
    MTC,
    REPEATABLE_MODULES,
    RES,
    SLR,
    SPECS,
    TYPE_HINTS,
    VAL,
    VALUE_TYPES,
    XLF,
    XLF_SUBTYPES,
    XML,
    XML_LANG,
    Spec,
    pretty,
    q,
    x,
)
from pxl10n.validate.xliff20_units import UnitChecker

__all__ = ["FAMILY", "check"]

_XLIFF, _FILE, _GROUP, _UNIT = x("xliff"), x("file"), x("group"), x("unit")
_NOTES, _NOTE, _ORIGINAL_DATA, _DATA = x("notes"), x("note"), x("originalData"), x("data")
_SKELETON, _SEGMENT, _IGNORABLE, _CP = x("skeleton"), x("segment"), x("ignorable"), x("cp")
_EC = x("ec")
_SOURCE, _TARGET = x("source"), x("target")
_CODES = frozenset({x("ph"), x("pc"), x("sc"), x("ec")})
_MARKERS = frozenset({x("mrk"), x("sm")})
_VERSION_ATTR_TYPES = {"version": R.XLF207, "lang": R.XLF208, "xml_lang": R.XLF208}
_CORE_PREFIX = f"{{{XLF}}}"
_SUB_FS, _SIZE_INFO, _SIZE_INFO_REF = q(FS, "subFs"), q(SLR, "sizeInfo"), q(SLR, "sizeInfoRef")
_FS_ATTRS = (q(FS, "fs"), _SUB_FS)
_EQUIV_STORAGE, _STORAGE_RESTRICTION, _SIZE_RESTRICTION = q(SLR, "equivStorage"), q(SLR, "storageRestriction"), q(SLR, "sizeRestriction")
_SLR_ON_ISOLATED_EC = (_EQUIV_STORAGE, _SIZE_INFO, _SIZE_INFO_REF)
_SLR_PROFILES, _SLR_DATA = q(SLR, "profiles"), q(SLR, "data")
_SLR_PREFIX = f"{{{SLR}}}"
_XML_ID = f"{{{XML}}}id"
#: 2.1 5.7.6.1.1 / 5.7.6.2.1: "[minsize,]maxsize", either an integer, the maximum possibly '*'.
_RESTRICTION_RE = re.compile(r"(?:\d+,)?(?:\d+|\*)")
_STORAGE_PROFILES = frozenset({"xliff:utf8", "xliff:utf16", "xliff:utf32"})
_NO_PLAN: Any = object()
_VAL_RULE_KINDS = ("isPresent", "isNotPresent", "startsWith", "endsWith")


def describe(el: etree._Element) -> str:
    """``<name id="x">`` for messages."""
    ident = el.get("id")
    name = pretty(el.tag)
    return f'<{name} id="{ident}">' if ident is not None else f"<{name}>"


def _ns(tag: str) -> str | None:
    return tag[1 : tag.index("}")] if tag[0] == "{" else None


def _is_code_point_xml_char(cp: int) -> bool:
    return cp in (0x9, 0xA, 0xD) or 0x20 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD or 0x10000 <= cp <= 0x10FFFF


class _Run:
    """One document's check: the walk, the findings, and the indexes later checks share."""

    def __init__(self, doc: Document, root: etree._Element) -> None:
        self.doc = doc
        self.root = root
        self.out: list[Finding] = []
        self.is21 = root.get("version") == "2.1"
        self.units = UnitChecker(self, root.get("srcLang"), root.get("trgLang"))
        #: where the walk records inline elements while inside a segment's source or target
        self.collect: list[list[Any]] | None = None
        #: the slr:profiles in force, per <file> of this document
        self.profiles: dict[etree._Element, tuple[str, str]] = {}
        # Memos of this document only (never the module's: a check must not depend on what ran before).
        #: child-tag sequences found to satisfy their parent's content model (the check depends on tags only)
        self.good_sequences: set[tuple[str, ...]] = set()
        #: short values found valid, per type: flags and small ids repeat across elements
        self.good_values: dict[str, set[str]] = {}
        #: (tag, attribute names...) -> the value checks such an element needs (see attr_plan)
        self.attr_plans: dict[tuple[str, ...], tuple[tuple[int, str, set[str]], ...] | None] = {}

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
        self.units.resolve_fragments()
        self.out.sort(key=lambda f: (f.line or 0, f.code))
        return self.out

    def walk(self, el: etree._Element, tag: str, spec: Spec, unit: str | None) -> None:
        """Check ``el`` against ``spec`` and its own constraints, then recurse into known children.

        Inline elements of a segment's or ignorable's <source>/<target> are also recorded
        (element, tag, attributes, descendant count) for the unit checks, which run once the
        unit's subtree has been walked: one pass over the tree serves both.
        """
        if tag == _UNIT:
            unit = el.get("id")
            self.units.begin_unit(el)
        items = el.items()
        if items:
            plan = self.attr_plans.get((tag, *[item[0] for item in items]), _NO_PLAN)
            if plan is _NO_PLAN:
                plan = self.attr_plan(tag, spec, items)
            if plan is None:
                self.check_attributes(el, spec, items, unit)
            else:
                for index, kind, good in plan:
                    value = items[index][1]
                    if value not in good:
                        if VALUE_TYPES[kind](value):
                            if len(value) < 32:
                                good.add(value)
                        else:
                            self.bad_value(el, items[index][0], value, kind, unit)
        elif spec.required:
            self.check_attributes(el, spec, items, unit)
        collect = self.collect
        record = None
        hook = _HOOKS.get(tag)
        if hook is not None or collect is not None:
            attrs = dict(items)
            if collect is not None and tag in INLINE_TAGS:
                record = [el, tag, attrs, 0]
                collect.append(record)
                start = len(collect)
            if hook is not None:
                hook(self, el, attrs, unit)
        content = spec.content
        if content == ANY:
            return
        if not len(el):
            if content == EMPTY and el.text:
                self.emit(R.XLF203, el, f"{describe(el)} must be empty but contains text", unit)
            elif isinstance(content, tuple):
                self.check_children(el, tag, spec, [], unit)
            if tag == _UNIT:
                self.units.end_unit()
            return
        children = [(c, t) for c in el if isinstance(t := c.tag, str)]
        if content is INLINE:
            for child, child_tag in children:
                child_spec = SPECS.get(child_tag) if child_tag in INLINE_TAGS else None
                if child_spec is None:
                    self.unexpected(child, el, unit)
                else:
                    self.walk(child, child_tag, child_spec, unit)
        elif tag == _SEGMENT or tag == _IGNORABLE:
            self.check_children(el, tag, spec, children, unit)
            for child, child_tag in children:
                child_spec = SPECS.get(child_tag)
                if child_spec is None:
                    continue
                if child_tag == _SOURCE or child_tag == _TARGET:
                    self.collect = []
                    self.walk(child, child_tag, child_spec, unit)
                    self.units.add_side(el, child, child_tag, self.collect)
                    self.collect = None
                else:
                    self.walk(child, child_tag, child_spec, unit)
        else:
            self.check_children(el, tag, spec, children, unit)
            for child, child_tag in children:
                child_spec = SPECS.get(child_tag)
                if child_spec is not None:
                    self.walk(child, child_tag, child_spec, unit)
        if record is not None:
            record[3] = len(collect) - start
        if tag == _UNIT:
            self.units.check_unit(el, children)
            self.units.end_unit()

    def check_children(self, el: etree._Element, tag: str, spec: Spec, children: list[tuple[etree._Element, str]], unit: str | None) -> None:
        """Children and text of a sequence, text-only or empty element against its content model."""
        content = spec.content
        if isinstance(content, tuple):
            key = (tag, *(t for _, t in children))
            if key not in self.good_sequences:
                before = len(self.out)
                self.check_sequence(el, spec, children, unit)
                if len(self.out) == before:
                    self.good_sequences.add(key)
            if not spec.mixed:
                self.check_no_text(el, unit)
        else:
            for child, _ in children:
                self.emit(R.XLF201, child, f"{describe(child)} not allowed: {describe(el)} has no child elements", unit)
            if content == EMPTY and (el.text or any(c.tail for c in el)):
                self.emit(R.XLF203, el, f"{describe(el)} must be empty but contains text", unit)

    def unexpected(self, child: etree._Element, parent: etree._Element, unit: str | None) -> None:
        """Report a child element the parent's content model cannot hold at all."""
        tag = child.tag
        ns = _ns(tag)
        if ns is None:
            what = f"element <{tag}> in no namespace"
        elif ns in DEFINED_NS and tag not in SPECS:
            what = f"<{pretty(tag)}> is not an XLIFF 2.0 element"
        else:
            what = f"{describe(child)} not allowed in {describe(parent)}"
        self.emit(R.XLF201, child, what, unit)

    def check_no_text(self, el: etree._Element, unit: str | None) -> None:
        """Element-only content: whitespace between children, nothing else."""
        if (el.text and el.text.strip()) or any(c.tail and c.tail.strip() for c in el):
            self.emit(R.XLF203, el, f"{describe(el)} contains text; only child elements are allowed", unit)

    def check_sequence(self, el: etree._Element, spec: Spec, children: list[tuple[etree._Element, str]], unit: str | None) -> None:
        """Children against the element's particles (the shared content-model matcher), then module points."""
        parts = spec.content
        assert isinstance(parts, tuple)
        own_ns = _ns(el.tag)
        kept: list[tuple[etree._Element, str]] = []
        for child, tag in children:
            ns = _ns(tag)
            if ns is None or (ns in DEFINED_NS and tag not in SPECS):
                self.unexpected(child, el, unit)
            else:
                kept.append((child, tag))
        result = match(parts, [(tag, _ns(tag) != own_ns and _ns(tag) != XLF) for _, tag in kept], spec.names)
        for index, why in result.misfits:
            child = kept[index][0]
            if why is Misfit.NOT_ALLOWED:
                self.unexpected(child, el, unit)
            else:
                self.emit(R.XLF202, child, f"{describe(child)} is out of order or repeated in {describe(el)}", unit)
        for step, before in result.missing:
            where = f"before {describe(kept[before][0])}" if before is not None else ""
            self.missing(el, parts[step].names, where, unit)
        seen_modules: set[str] = set()
        for (child, tag), step in zip(kept, result.placed, strict=True):
            if step is None or tag in parts[step].names or _ns(tag) not in MODULE_PREFIX:
                continue
            allowed = MODULE_POINTS.get(tag)
            if allowed is None or el.tag not in allowed:
                self.emit(R.XLF250, child, f"{describe(child)} is not allowed in {describe(el)}", unit)
            elif tag in seen_modules and tag not in REPEATABLE_MODULES:
                self.emit(R.XLF202, child, f"{describe(el)} may contain at most one {describe(child)}", unit)
            seen_modules.add(tag)

    def missing(self, el: etree._Element, names: frozenset[str], where: str, unit: str | None) -> None:
        """Report a required child that is absent."""
        wanted = " or ".join(sorted(f"<{pretty(n)}>" for n in names))
        self.emit(R.XLF202, el, f"{describe(el)} lacks a required {wanted}{' ' + where if where else ''}", unit)

    def attr_plan(self, tag: str, spec: Spec, items: list[tuple[str, str]]) -> tuple[tuple[int, str, set[str]], ...] | None:
        """The value checks an element with these attribute names needs, or None when the names
        themselves need reporting (unknown, misplaced, required missing) or module attributes with
        cross-attribute constraints are present: such elements take the full :meth:`check_attributes`."""
        names = [name for name, _ in items]
        key = (tag, *names)
        plan: list[tuple[int, str, set[str]]] | None = []
        types = spec.types
        for index, name in enumerate(names):
            kind = types.get(name)
            if kind is None:
                ns = _ns(name)
                if ns == XML and spec.other_attrs:
                    kind = {"lang": "xml_lang", "space": "space"}.get(name[len(XML) + 2 :], "string")
                elif ns is not None and ns not in DEFINED_NS and ns != XML and ns != _ns(tag) and (
                    spec.other_attrs or (self.is21 and ns in (ITS, ITSM) and tag.startswith(_CORE_PREFIX))
                ):
                    kind = "string"
                else:
                    plan = None  # module attributes and anything not allowed: the full check
                    break
            if kind != "string":
                plan.append((index, kind, self.good_values.setdefault(kind, set())))
        if plan is not None and spec.required and not all(name in names for name in spec.required):
            plan = None
        result = None if plan is None else tuple(plan)
        self.attr_plans[key] = result
        return result

    def check_attributes(self, el: etree._Element, spec: Spec, items: list[tuple[str, str]], unit: str | None) -> None:
        """Every attribute known and well-typed, every required one present."""
        types = spec.types
        modules = False
        for name, value in items:
            kind = types.get(name)
            if kind is not None:
                if kind != "string" and not VALUE_TYPES[kind](value):
                    self.bad_value(el, name, value, kind, unit)
                continue
            ns = _ns(name)
            if ns is None or ns == XLF or ns == _ns(el.tag):
                allowed, kind = False, None
            elif ns == XML:
                allowed = spec.other_attrs
                kind = {"lang": "xml_lang", "space": "space"}.get(name[len(XML) + 2 :])
            elif ns in MODULE_PREFIX:
                kind = MODULE_ATTRS.get(name)
                allowed = kind is not None and (spec.other_attrs or ns in spec.module_attrs)
                modules = True
            else:
                allowed = spec.other_attrs or (self.is21 and ns in (ITS, ITSM) and el.tag.startswith(_CORE_PREFIX))
            if not allowed:
                self.emit(R.XLF205, el, f"attribute {pretty(name)} not allowed on {describe(el)}", unit)
            elif kind is not None and not VALUE_TYPES[kind](value):
                self.bad_value(el, name, value, kind, unit)
        required = spec.required
        if required and sum(1 for name, _ in items if name in required) < len(required):
            present = {name for name, _ in items}
            for name in required:
                if name not in present:
                    self.emit(R.XLF204, el, f"{describe(el)} lacks required attribute {pretty(name)}", unit)
        if modules:
            attrs = el.attrib
            if _SUB_FS in attrs:
                self.check_sub_fs(el, attrs, unit)
            if _SIZE_INFO in attrs and _SIZE_INFO_REF in attrs:
                self.emit(R.XLF253, el, f"{describe(el)} has both slr:sizeInfo and slr:sizeInfoRef", unit)
            if el.tag == _EC and attrs.get("isolated") != "yes":
                for name in _FS_ATTRS:
                    if name in attrs:
                        self.emit(R.XLF252, el, f"{pretty(name)} on {describe(el)}, which is not isolated", unit)
                for name in _SLR_ON_ISOLATED_EC:
                    if name in attrs:
                        self.emit(R.XLF253, el, f"{pretty(name)} on {describe(el)}, which is not isolated", unit)
            if any(isinstance(name, str) and name.startswith(_SLR_PREFIX) for name in attrs):
                self.check_slr_values(el, attrs, unit)

    def check_slr_values(self, el: etree._Element, attrs: etree._Attrib, unit: str | None) -> None:
        """Size restriction values under the standard profiles, and where sizeInfoRef points (2.1 5.7.5-5.7.6)."""
        general, storage = self.slr_profiles(el)
        checks = ((_SIZE_RESTRICTION, general == "xliff:codepoints", True), (_SIZE_INFO, general == "xliff:codepoints", False),
                  (_STORAGE_RESTRICTION, storage in _STORAGE_PROFILES, True), (_EQUIV_STORAGE, storage in _STORAGE_PROFILES, False))
        for name, standard, restriction in checks:
            value = attrs.get(name)
            if not value or not standard:
                continue  # empty: the default (5.7.6.1.1 '*'; 5.7.6.1.2 "If empty, the default ... is 0"), as Memsource writes it
            ok = _RESTRICTION_RE.fullmatch(value) is not None if restriction else value.isdigit()
            if ok and restriction and "," in value and not value.endswith("*"):
                low, high = value.split(",")
                ok = int(low) <= int(high)
            if not ok:
                wanted = '"[min,]max" with integers (max may be *)' if restriction else "an integer"
                self.emit(R.XLF253, el, f'{describe(el)} {pretty(name)}="{value}" is not {wanted} under the standard profile', unit)
        ref = attrs.get(_SIZE_INFO_REF)
        if ref is not None and not self.slr_data_has(el, ref):
            self.emit(R.XLF253, el, f'{describe(el)} slr:sizeInfoRef="{ref}" names nothing in an <slr:data> beside it or an ancestor', unit)

    def slr_profiles(self, el: etree._Element) -> tuple[str, str]:
        """The generalProfile and storageProfile of the enclosing file's <slr:profiles> ('' when none)."""
        file_el = el if el.tag == _FILE else next(el.iterancestors(_FILE), None)
        if file_el is None:
            return "", ""
        cached = self.profiles.get(file_el)
        if cached is None:
            profiles = file_el.find(_SLR_PROFILES)
            cached = ("", "") if profiles is None else (profiles.get("generalProfile", ""), profiles.get("storageProfile", ""))
            self.profiles[file_el] = cached
        return cached

    @staticmethod
    def slr_data_has(el: etree._Element, ident: str) -> bool:
        """An element with this id inside an <slr:data> sibling of ``el`` or of one of its ancestors."""
        for holder in (el, *el.iterancestors()):
            parent = holder.getparent()
            if parent is None:
                return False
            for data in parent.iterchildren(_SLR_DATA):
                if any(d.get("id") == ident or d.get(_XML_ID) == ident for d in data.iter()):
                    return True
        return False

    def bad_value(self, el: etree._Element, name: str, value: str, kind: str, unit: str | None) -> None:
        """Report a value outside its type (language tags and the version have their own codes)."""
        rule = _VERSION_ATTR_TYPES.get(kind, R.XLF206)
        if rule is R.XLF207 and el.tag != _XLIFF:
            rule = R.XLF206
        self.emit(rule, el, f'{describe(el)} {pretty(name)}="{value}" is not {TYPE_HINTS.get(kind, kind)}', unit)

    def check_sub_fs(self, el: etree._Element, attrs: etree._Attrib, unit: str | None) -> None:
        """fs:subFs needs fs:fs and well-formed name,value pairs."""
        value = attrs[_SUB_FS]
        if q(FS, "fs") not in attrs:
            self.emit(R.XLF252, el, f"{describe(el)} has fs:subFs without fs:fs", unit)
        pairs = _sub_fs_pairs(value)
        if pairs is None or not all(len(pair) == 2 and pair[0] for pair in pairs):
            self.emit(R.XLF252, el, f'{describe(el)} fs:subFs="{value}" is not name,value pairs separated by \\', unit)

    # --- element-local constraints (hooks) --------------------------------------------------

    def on_xliff(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """File ids are unique within the document."""
        seen: set[str] = set()
        for child in el:
            ident = child.get("id") if child.tag == _FILE else None
            if ident is not None and ident in seen:
                self.emit(R.XLF210, child, f'duplicate <file id="{ident}">')
            if ident is not None:
                seen.add(ident)

    def on_file(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """A file's units and groups are indexed before its units are checked (subFlows, fragments)."""
        self.units.index_file(el)
        self.on_extension_scope(el, attrs, unit)

    def on_extension_scope(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """Extension elements directly in this file/group/unit (and their descendants) have unique id/xml:id."""
        seen: set[str] = set()
        for child in el:
            if not isinstance(child.tag, str) or _ns(child.tag) in DEFINED_NS:
                continue
            for ext in child.iter():
                if not isinstance(ext.tag, str) or _ns(ext.tag) in DEFINED_NS:
                    continue
                for ident in {ext.get("id"), ext.get(_XML_ID)} - {None}:
                    if ident in seen:
                        self.emit(R.XLF256, ext, f'extension identifier "{ident}" of {describe(ext)} is already used in {describe(el)}', unit)
                    seen.add(ident)  # type: ignore[arg-type]

    def on_skeleton(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """href xor content."""
        has_content = bool((el.text or "").strip()) or any(isinstance(c.tag, str) or (c.tail or "").strip() for c in el)
        if "href" in attrs and has_content:
            self.emit(R.XLF228, el, "<skeleton> has both href and content")
        elif "href" not in attrs and not has_content:
            self.emit(R.XLF228, el, "<skeleton> has neither href nor content")

    def on_segment(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """subState requires an explicit state."""
        if "subState" in attrs and "state" not in attrs:
            self.emit(R.XLF226, el, f"{describe(el)} has subState but no state", unit)

    def on_unique_children(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """note ids within <notes>, data ids within <originalData>."""
        is_notes = el.tag == _NOTES
        rule = R.XLF212 if is_notes else R.XLF213
        seen: set[str] = set()
        for child in el:
            ident = child.get("id") if isinstance(child.tag, str) else None
            if ident is None:
                continue
            if ident in seen:
                self.emit(rule, child, f"duplicate {describe(child)} in {describe(el)}", unit)
            seen.add(ident)
        unit_el = self.units.unit_el
        if is_notes and unit_el is not None and el.getparent() is unit_el:
            self.units.unit_notes[unit_el] = seen

    def on_cp(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """hex is a code point XML cannot carry."""
        value = attrs.get("hex")
        if value is None or not VALUE_TYPES["hex"](value):
            return
        cp = int(value, 16)
        if cp > 0x10FFFF:
            self.emit(R.XLF244, el, f'<cp hex="{value}"> is beyond U+10FFFF', unit)
        elif _is_code_point_xml_char(cp):
            self.emit(R.XLF244, el, f'<cp hex="{value}"> is a valid XML character; write it as text', unit)

    def on_code(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """subType needs type; xlf: subTypes go with a fixed type; only an isolated ec has dir."""
        if "dir" in attrs and el.tag == _EC and attrs.get("isolated") != "yes":
            self.emit(R.XLF249, el, f'<ec startRef="{attrs.get("startRef", "")}"> has dir but is not isolated', unit)
        sub = attrs.get("subType")
        if sub is None:
            return
        kind = attrs.get("type")
        if kind is None:
            self.emit(R.XLF243, el, f'{describe(el)} has subType="{sub}" but no type', unit)
        elif sub.startswith("xlf:"):
            needed = XLF_SUBTYPES.get(sub)
            if needed is None:
                self.emit(R.XLF243, el, f'{describe(el)} subType="{sub}" is not a defined xlf: value', unit)
            elif needed != kind:
                self.emit(R.XLF243, el, f'{describe(el)} subType="{sub}" requires type="{needed}", not "{kind}"', unit)

    def on_marker(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """Comment annotations carry exactly one of value and ref; same-document refs must resolve."""
        if "ref" in attrs:
            self.units.add_fragment(el, attrs["ref"], unit)
        if attrs.get("type") != "comment":
            return
        has_value, has_ref = "value" in attrs, "ref" in attrs
        if has_value == has_ref:
            which = "both value and ref" if has_value else "neither value nor ref"
            self.emit(R.XLF245, el, f'{describe(el)} type="comment" has {which}', unit)

    def on_gloss_entry(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """At least one translation or a definition; ref is a fragment identifier."""
        if "ref" in attrs:
            self.units.add_fragment(el, attrs["ref"], unit)
        self.unique_module_ids(el, el, _GLS_TRANSLATION, unit)
        if not any(c.tag in (_GLS_TRANSLATION, q(GLS, "definition")) for c in el):
            self.emit(R.XLF251, el, f"{describe(el)} has neither <gls:translation> nor <gls:definition>", unit)

    def on_val_rule(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """Exactly one rule kind; occurs and existsInSource only with the kinds they qualify."""
        kinds = [k for k in _VAL_RULE_KINDS if k in attrs]
        custom = any(_ns(name) not in (None, VAL) for name in attrs)
        if len(kinds) > 1 or (not kinds and not custom):
            found = ", ".join(kinds) if kinds else "none"
            self.emit(R.XLF254, el, f"<val:rule> must state exactly one of {', '.join(_VAL_RULE_KINDS)} (found {found})", unit)
        if "occurs" in attrs and "isPresent" not in kinds:
            self.emit(R.XLF258, el, "<val:rule> uses occurs without isPresent (it has no effect there)", unit)
        if "existsInSource" in attrs and not set(kinds) & {"isPresent", "startsWith", "endsWith"}:
            self.emit(R.XLF254, el, "<val:rule> uses existsInSource without isPresent, startsWith or endsWith", unit)

    def on_resource(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """Resource containers are non-empty; res:source/target have href xor content and the document's languages."""
        tag = el.tag
        if tag in (q(RES, "resourceData"), q(RES, "resourceItem")):
            if not any(isinstance(c.tag, str) for c in el):
                self.emit(R.XLF255, el, f"{describe(el)} is empty", unit)
            if tag == q(RES, "resourceData"):
                self.unique_module_ids(el, el, q(RES, "resourceItem"), unit)
            return
        lang = attrs.get(XML_LANG)
        if lang is not None:
            is_source = tag == q(RES, "source")
            expected = self.root.get("srcLang" if is_source else "trgLang")
            if expected is not None and lang.lower() != expected.lower():
                rule, which = (R.XLF221, "srcLang") if is_source else (R.XLF222, "trgLang")
                self.emit(rule, el, f'<{pretty(tag)} xml:lang="{lang}"> differs from the document {which}', unit)
        has_content = bool((el.text or "").strip()) or any(isinstance(c.tag, str) for c in el)
        if ("href" in attrs) == has_content:
            which = "both href and content" if has_content else "neither href nor content"
            self.emit(R.XLF255, el, f"{describe(el)} has {which}", unit)

    def on_resource_ref(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """ref names a resourceItem of the document."""
        ref = attrs.get("ref")
        if ref is not None and ref not in self.units.resource_items(self.root):
            self.emit(R.XLF255, el, f'<res:resourceItemRef ref="{ref}"> matches no <res:resourceItem> id', unit)

    def on_reference(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """Module ref attributes holding same-document fragment identifiers."""
        if "ref" in attrs:
            self.units.add_fragment(el, attrs["ref"], unit)

    def on_match(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """A translation candidate: its ref is a fragment identifier that resolves, subType comes with type,
        its codes' dataRefs point into its own originalData (2.1 5.1.7.5 ref, 5.1.7.8 subType)."""
        ref = attrs.get("ref")
        if ref is not None and not ref.startswith("#"):
            self.emit(R.XLF246, el, f'{describe(el)} ref="{ref}" is not a fragment identifier (write "#{ref}")', unit)
        elif ref is not None:
            self.units.add_fragment(el, ref, unit)
        if "subType" in attrs and "type" not in attrs:
            self.emit(R.XLF243, el, f'{describe(el)} has subType="{attrs["subType"]}" but no type', unit)
        self.units.match_data_refs(el, unit)

    def on_ctr_revisions(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """ref names a sibling (or a sibling's child) of the changeTrack; several candidates with ids need one."""
        track = el.getparent()
        holder = track.getparent() if track is not None else None
        if holder is None:
            return
        near = [c for s in holder if s is not track and isinstance(s.tag, str) for c in (s, *s) if isinstance(c.tag, str)]
        ref, applies = attrs.get("ref"), attrs.get("appliesTo")
        if ref is not None:
            if not any(c.get("id") == ref for c in near):
                self.emit(R.XLF257, el, f'{describe(el)} ref="{ref}" is the id of no element beside the <ctr:changeTrack>', unit)
            return
        named = [c for c in near if applies and c.tag == x(applies) and c.get("id") is not None]
        if len(named) > 1:
            self.emit(R.XLF257, el, f'{describe(el)} appliesTo="{applies}" matches {len(named)} elements with ids; '
                      "ref must say which one", unit)


    def unique_module_ids(self, el: etree._Element, container: etree._Element, tag: str, unit: str | None) -> None:
        """Ids of the ``tag`` elements under ``container`` are unique there (XLF256)."""
        seen: set[str] = set()
        for child in container.iter(tag):
            ident = child.get("id")
            if ident is None:
                continue
            if ident in seen:
                self.emit(R.XLF256, child, f"duplicate {describe(child)} in {describe(el)}", unit)
            seen.add(ident)

    def on_module_container(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """Matches, glossary entries and metadata groups have unique ids within their container."""
        self.unique_module_ids(el, el, _MODULE_ID_SCOPES[el.tag], unit)


_GLS_TRANSLATION = q(GLS, "translation")
_MODULE_ID_SCOPES = {
    q(MTC, "matches"): q(MTC, "match"),
    q(GLS, "glossary"): q(GLS, "glossEntry"),
    q(MDA, "metadata"): q(MDA, "metaGroup"),
}


def _sub_fs_pairs(value: str) -> list[list[str]] | None:
    """Parse ``name,value\\name,value`` (``\\,`` and ``\\\\`` escape); None when a backslash ends the value."""
    pairs: list[list[str]] = [[""]]
    index = 0
    while index < len(value):
        ch = value[index]
        if ch == "\\":
            following = value[index + 1 : index + 2]
            if following in (",", "\\"):
                pairs[-1][-1] += following
                index += 2
                continue
            if not following:
                return None
            pairs.append([""])
        elif ch == ",":
            pairs[-1].append("")
        else:
            pairs[-1][-1] += ch
        index += 1
    return pairs


_HOOKS = {
    _XLIFF: _Run.on_xliff,
    _FILE: _Run.on_file,
    _GROUP: _Run.on_extension_scope,
    _UNIT: _Run.on_extension_scope,
    _SKELETON: _Run.on_skeleton,
    _SEGMENT: _Run.on_segment,
    _NOTES: _Run.on_unique_children,
    _ORIGINAL_DATA: _Run.on_unique_children,
    _CP: _Run.on_cp,
    **{tag: _Run.on_code for tag in _CODES},
    **{tag: _Run.on_marker for tag in _MARKERS},
    q(GLS, "glossEntry"): _Run.on_gloss_entry,
    q(VAL, "rule"): _Run.on_val_rule,
    **{q(RES, n): _Run.on_resource for n in ("resourceData", "resourceItem", "source", "target")},
    q(RES, "resourceItemRef"): _Run.on_resource_ref,
    q(MTC, "match"): _Run.on_match,
    q(CTR, "revisions"): _Run.on_ctr_revisions,
    q(GLS, "translation"): _Run.on_reference,
    **{tag: _Run.on_module_container for tag in _MODULE_ID_SCOPES},
}


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Yield every XLIFF 2.0 conformance finding for ``doc`` (nothing for other versions)."""
    if doc.version != "2.0" or doc.tree is None:
        return
    yield from _Run(doc, doc.tree.getroot()).run()


FAMILY = Family("xliff20", "XLF2", "XLIFF 2.0 conformance (core and modules; 2.1 read as 2.0)", R.RULES, check,
                frozenset({"2.0"}))
