"""XLIFF 2.0 attributes: every one known where it stands, well-typed, the required ones present.

Most elements of a document repeat a handful of attribute-name sets, so the names
are judged once per (element, names) combination: the result, a *plan*, lists just
the value checks such an element needs. Elements whose names need reporting, or
that carry module attributes with cross-attribute constraints (fs, slr), take the
full check. The memos belong to one document's check, never to the module.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from pxl10n.validate import xliff20_rules as R
from pxl10n.validate.xliff20_fragments import Emit
from pxl10n.validate.xliff20_schema import (
    DEFINED_NS,
    FS,
    ITS,
    ITSM,
    MODULE_ATTRS,
    MODULE_PREFIX,
    SLR,
    TYPE_HINTS,
    VALUE_TYPES,
    XLF,
    XML,
    Spec,
    element_label,
    pretty,
    q,
    x,
)

#: An element's attributes as lxml lists them: (Clark name, value)
Items = list[tuple[str, str]]
#: The value checks an element with a given set of attribute names needs: (index in items, type, predicate,
#: values of that type already found valid in this document)
Plan = tuple[tuple[int, str, Callable[[str], bool], set[str]], ...]

_XLIFF, _FILE, _EC = x("xliff"), x("file"), x("ec")
_CORE_PREFIX = f"{{{XLF}}}"
_XML_PREFIX_LEN = len(XML) + 2
_XML_KINDS = {"lang": "xml_lang", "space": "space"}
_VERSION_ATTR_TYPES = {"version": R.XLF207, "lang": R.XLF208, "xml_lang": R.XLF208}
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
#: values longer than this are checked each time rather than remembered
_MEMO_LEN = 32


def _ns(name: str) -> str | None:
    return name[1 : name.index("}")] if name[:1] == "{" else None


def sub_fs_pairs(value: str) -> list[list[str]] | None:
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


class AttributeChecker:
    """The attribute checks of one document, with the memos that make repeated name sets cheap."""

    def __init__(self, emit: Emit, is21: bool) -> None:
        self.emit = emit
        self.is21 = is21
        #: (tag, attribute names...) -> the value checks such an element needs, None for the full check
        self.plans: dict[tuple[str, ...], Plan | None] = {}
        #: short values found valid, per type: flags and small ids repeat across elements
        self.good_values: dict[str, set[str]] = {}
        #: (tag, attributes...) of elements found clean: most repeat a few attribute sets, values and all
        self.clean_items: set[tuple[str | tuple[str, str], ...]] = set()
        #: the slr:profiles in force, per <file> of this document
        self.profiles: dict[etree._Element, tuple[str, str]] = {}

    def check(self, el: etree._Element, tag: str, spec: Spec, items: Items, unit: str | None) -> None:
        """Every attribute of ``el`` known and well-typed, every required one present."""
        plan = self.plan_for(tag, spec, items) if items else None
        if plan is None:
            self.check_all(el, spec, items, unit)
            return
        for index, kind, valid, good in plan:
            value = items[index][1]
            if value not in good:
                if valid(value):
                    if len(value) < _MEMO_LEN:
                        good.add(value)
                else:
                    self.bad_value(el, items[index][0], value, kind, unit)

    def clean(self, tag: str, spec: Spec, items: Items, remember: bool = True) -> bool:
        """True when :meth:`check` would report nothing on an element with these attributes (the fast lane's
        test); False also when only the full check can tell. ``remember``: the attributes are likely to repeat
        (not a unit's, whose id is its own), so a clean set is remembered whole."""
        key: tuple[str | tuple[str, str], ...] = (tag, *items)
        if remember and key in self.clean_items:
            return True
        plan = self.plan_for(tag, spec, items)
        if plan is None:
            return False
        for index, _, valid, good in plan:
            value = items[index][1]
            if value not in good:
                if not valid(value):
                    return False
                if len(value) < _MEMO_LEN:
                    good.add(value)
        if remember:
            self.clean_items.add(key)
        return True

    def plan_for(self, tag: str, spec: Spec, items: Items) -> Plan | None:
        """The memoized :meth:`plan` of an element with these attribute names."""
        key = (tag, *[name for name, _ in items])
        plans = self.plans
        if key in plans:
            return plans[key]
        plan = plans[key] = self.plan(tag, spec, items)
        return plan

    def _plain_kind(self, tag: str, spec: Spec, name: str) -> str | None:
        """The type of an attribute the plan can check by value alone, None when it needs the full check."""
        kind = spec.types.get(name)
        if kind is not None:
            return kind
        ns = _ns(name)
        if ns == XML and spec.other_attrs:
            return _XML_KINDS.get(name[_XML_PREFIX_LEN:], "string")
        if ns is not None and ns not in DEFINED_NS and ns != XML and ns != _ns(tag) and (
            spec.other_attrs or (self.is21 and ns in (ITS, ITSM) and tag.startswith(_CORE_PREFIX))
        ):
            return "string"
        return None  # module attributes and anything not allowed

    def plan(self, tag: str, spec: Spec, items: Items) -> Plan | None:
        """The value checks an element with these attribute names needs, or None when the names
        themselves need reporting (unknown, misplaced, required missing) or module attributes with
        cross-attribute constraints are present: such elements take the full :meth:`check_all`."""
        names = [name for name, _ in items]
        if spec.required and not all(name in names for name in spec.required):
            return None
        plan = []
        for index, name in enumerate(names):
            kind = self._plain_kind(tag, spec, name)
            if kind is None:
                return None
            if kind != "string":
                plan.append((index, kind, VALUE_TYPES[kind], self.good_values.setdefault(kind, set())))
        return tuple(plan)

    def check_all(self, el: etree._Element, spec: Spec, items: Items, unit: str | None) -> None:
        """Every attribute known and well-typed, every required one present, module constraints kept."""
        modules = False
        for name, value in items:
            kind = spec.types.get(name)
            if kind is not None:
                if kind != "string" and not VALUE_TYPES[kind](value):
                    self.bad_value(el, name, value, kind, unit)
                continue
            modules = self.check_foreign(el, spec, name, value, unit) or modules
        required = spec.required
        if required and sum(1 for name, _ in items if name in required) < len(required):
            present = {name for name, _ in items}
            for name in required:
                if name not in present:
                    self.emit(R.XLF204, el, f"{element_label(el)} lacks required attribute {pretty(name)}", unit)
        if modules:
            self.check_modules(el, dict(items), unit)

    def check_foreign(self, el: etree._Element, spec: Spec, name: str, value: str, unit: str | None) -> bool:
        """An attribute the element's own table does not name: xml:, a module's, or an extension's.
        True when it is a module attribute (whose cross-attribute constraints then apply)."""
        ns = _ns(name)
        module = False
        kind: str | None = None
        if ns is None or ns == XLF or ns == _ns(el.tag):
            allowed = False
        elif ns == XML:
            allowed = spec.other_attrs
            kind = _XML_KINDS.get(name[_XML_PREFIX_LEN:])
        elif ns in MODULE_PREFIX:
            kind = MODULE_ATTRS.get(name)
            allowed = kind is not None and (spec.other_attrs or ns in spec.module_attrs)
            module = True
        else:
            allowed = spec.other_attrs or (self.is21 and ns in (ITS, ITSM) and el.tag.startswith(_CORE_PREFIX))
        if not allowed:
            self.emit(R.XLF205, el, f"attribute {pretty(name)} not allowed on {element_label(el)}", unit)
        elif kind is not None and not VALUE_TYPES[kind](value):
            self.bad_value(el, name, value, kind, unit)
        return module

    def check_modules(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """fs and slr attributes: subFs syntax, sizeInfo xor sizeInfoRef, what an <ec> that is not
        isolated may carry, and the size restriction values."""
        emit = self.emit
        if _SUB_FS in attrs:
            self.check_sub_fs(el, attrs, unit)
        if _SIZE_INFO in attrs and _SIZE_INFO_REF in attrs:
            emit(R.XLF253, el, f"{element_label(el)} has both slr:sizeInfo and slr:sizeInfoRef", unit)
        if el.tag == _EC and attrs.get("isolated") != "yes":
            for name in _FS_ATTRS:
                if name in attrs:
                    emit(R.XLF252, el, f"{pretty(name)} on {element_label(el)}, which is not isolated", unit)
            for name in _SLR_ON_ISOLATED_EC:
                if name in attrs:
                    emit(R.XLF253, el, f"{pretty(name)} on {element_label(el)}, which is not isolated", unit)
        if any(name.startswith(_SLR_PREFIX) for name in attrs):
            self.check_slr_values(el, attrs, unit)

    def check_sub_fs(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
        """fs:subFs needs fs:fs and well-formed name,value pairs."""
        value = attrs[_SUB_FS]
        if q(FS, "fs") not in attrs:
            self.emit(R.XLF252, el, f"{element_label(el)} has fs:subFs without fs:fs", unit)
        pairs = sub_fs_pairs(value)
        if pairs is None or not all(len(pair) == 2 and pair[0] for pair in pairs):
            self.emit(R.XLF252, el, f'{element_label(el)} fs:subFs="{value}" is not name,value pairs separated by \\', unit)

    def check_slr_values(self, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
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
                self.emit(R.XLF253, el, f'{element_label(el)} {pretty(name)}="{value}" is not {wanted} under the standard profile', unit)
        ref = attrs.get(_SIZE_INFO_REF)
        if ref is not None and not slr_data_has(el, ref):
            self.emit(R.XLF253, el, f'{element_label(el)} slr:sizeInfoRef="{ref}" names nothing in an <slr:data> beside it or an ancestor', unit)

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

    def bad_value(self, el: etree._Element, name: str, value: str, kind: str, unit: str | None) -> None:
        """Report a value outside its type (language tags and the version have their own codes)."""
        rule = _VERSION_ATTR_TYPES.get(kind, R.XLF206)
        if rule is R.XLF207 and el.tag != _XLIFF:
            rule = R.XLF206
        self.emit(rule, el, f'{element_label(el)} {pretty(name)}="{value}" is not {TYPE_HINTS.get(kind, kind)}', unit)
