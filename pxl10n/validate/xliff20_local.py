"""XLIFF 2.0 constraints local to one element: what its own attributes and children must satisfy.

The walk calls the hook of an element's name (the table at the end) with the
element's attributes as a dictionary, after checking them against the schema
table and before walking its children; constraints spanning a whole unit or the
document live in :mod:`pxl10n.validate.xliff20_units`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Protocol

from lxml import etree

from pxl10n.validate import xliff20_rules as R
from pxl10n.validate.rules import Rule
from pxl10n.validate.xliff20_schema import (
    CTR,
    DEFINED_NS,
    GLS,
    MDA,
    MTC,
    RES,
    SPECS,
    VAL,
    VALUE_TYPES,
    XLF_SUBTYPES,
    XML,
    XML_LANG,
    element_label,
    pretty,
    q,
    x,
)
from pxl10n.validate.xliff20_units import UnitChecker


class Walk(Protocol):
    """What a hook reads of the walk checking the document: its root, its unit checks, where findings go."""

    @property
    def root(self) -> etree._Element: ...

    @property
    def units(self) -> UnitChecker: ...

    def emit(self, rule: Rule, el: etree._Element, message: str, unit: str | None = None) -> None: ...


Hook = Callable[[Walk, etree._Element, dict[str, str], "str | None"], None]

_XLIFF, _FILE, _GROUP, _UNIT = x("xliff"), x("file"), x("group"), x("unit")
_NOTES, _ORIGINAL_DATA = x("notes"), x("originalData")
_SKELETON, _SEGMENT, _CP, _EC = x("skeleton"), x("segment"), x("cp"), x("ec")
_CODES = frozenset({x("ph"), x("pc"), x("sc"), x("ec")})
_MARKERS = frozenset({x("mrk"), x("sm")})
_XML_ID = f"{{{XML}}}id"
_VAL_RULE_KINDS = ("isPresent", "isNotPresent", "startsWith", "endsWith")
_GLS_TRANSLATION = q(GLS, "translation")
_MODULE_ID_SCOPES = {
    q(MTC, "matches"): q(MTC, "match"),
    q(GLS, "glossary"): q(GLS, "glossEntry"),
    q(MDA, "metadata"): q(MDA, "metaGroup"),
}


def _ns(tag: str) -> str | None:
    return tag[1 : tag.index("}")] if tag[:1] == "{" else None


def _is_code_point_xml_char(cp: int) -> bool:
    return cp in (0x9, 0xA, 0xD) or 0x20 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD or 0x10000 <= cp <= 0x10FFFF


def on_xliff(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """File ids are unique within the document."""
    for child, ident in _repeated(((child, child.get("id")) for child in el if child.tag == _FILE), set()):
        run.emit(R.XLF210, child, f'duplicate <file id="{ident}">')


def on_file(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """A file's units and groups are indexed before its units are checked (subFlows, fragments)."""
    run.units.index_file(el)
    on_extension_scope(run, el, attrs, unit)


def on_extension_scope(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """Extension elements directly in this file/group/unit (and their descendants) have unique id/xml:id."""
    seen: set[str] = set()
    for child in el:
        tag = child.tag
        if tag in SPECS or not isinstance(tag, str) or _ns(tag) in DEFINED_NS:
            continue
        named = ((ext, ident) for ext in child.iter() if isinstance(ext.tag, str) and _ns(ext.tag) not in DEFINED_NS
                 for ident in _extension_ids(ext))
        for ext, ident in _repeated(named, seen):
            run.emit(R.XLF256, ext, f'extension identifier "{ident}" of {element_label(ext)} is already used in {element_label(el)}', unit)


def _extension_ids(ext: etree._Element) -> tuple[str, ...]:
    """An extension element's id and xml:id (once when they are equal)."""
    own, xml_id = ext.get("id"), ext.get(_XML_ID)
    return tuple(ident for ident in (own, xml_id if xml_id != own else None) if ident is not None)


def _repeated(named: Iterable[tuple[etree._Element, str | None]], seen: set[str]) -> Iterator[tuple[etree._Element, str]]:
    """The (element, id) pairs whose id an earlier pair (or ``seen``) already had; pairs without an id are skipped."""
    for el, ident in named:
        if ident is None:
            continue
        if ident in seen:
            yield el, ident
        seen.add(ident)


def on_skeleton(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """href xor content."""
    has_content = bool((el.text or "").strip()) or any(isinstance(c.tag, str) or (c.tail or "").strip() for c in el)
    if "href" in attrs and has_content:
        run.emit(R.XLF228, el, "<skeleton> has both href and content")
    elif "href" not in attrs and not has_content:
        run.emit(R.XLF228, el, "<skeleton> has neither href nor content")


def on_segment(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """subState requires an explicit state."""
    if "subState" in attrs and "state" not in attrs:
        run.emit(R.XLF226, el, f"{element_label(el)} has subState but no state", unit)


def on_unique_children(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """note ids within <notes>, data ids within <originalData>."""
    is_notes = el.tag == _NOTES
    rule = R.XLF212 if is_notes else R.XLF213
    seen: set[str] = set()
    for child, _ in _repeated(((child, child.get("id")) for child in el if isinstance(child.tag, str)), seen):
        run.emit(rule, child, f"duplicate {element_label(child)} in {element_label(el)}", unit)
    unit_el = run.units.unit_el
    if is_notes and unit_el is not None and el.getparent() is unit_el:
        run.units.fragments.unit_notes[unit_el] = seen


def on_cp(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """hex is a code point XML cannot carry."""
    value = attrs.get("hex")
    if value is None or not VALUE_TYPES["hex"](value):
        return
    cp = int(value, 16)
    if cp > 0x10FFFF:
        run.emit(R.XLF244, el, f'<cp hex="{value}"> is beyond U+10FFFF', unit)
    elif _is_code_point_xml_char(cp):
        run.emit(R.XLF244, el, f'<cp hex="{value}"> is a valid XML character; write it as text', unit)


def on_code(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """subType needs type; xlf: subTypes go with a fixed type; only an isolated ec has dir."""
    if "dir" in attrs and el.tag == _EC and attrs.get("isolated") != "yes":
        run.emit(R.XLF249, el, f'<ec startRef="{attrs.get("startRef", "")}"> has dir but is not isolated', unit)
    sub = attrs.get("subType")
    if sub is None:
        return
    kind = attrs.get("type")
    if kind is None:
        run.emit(R.XLF243, el, f'{element_label(el)} has subType="{sub}" but no type', unit)
    elif sub.startswith("xlf:"):
        needed = XLF_SUBTYPES.get(sub)
        if needed is None:
            run.emit(R.XLF243, el, f'{element_label(el)} subType="{sub}" is not a defined xlf: value', unit)
        elif needed != kind:
            run.emit(R.XLF243, el, f'{element_label(el)} subType="{sub}" requires type="{needed}", not "{kind}"', unit)


def on_marker(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """Comment annotations carry exactly one of value and ref; same-document refs must resolve."""
    if "ref" in attrs:
        run.units.add_fragment(el, attrs["ref"], unit)
    if attrs.get("type") != "comment":
        return
    has_value, has_ref = "value" in attrs, "ref" in attrs
    if has_value == has_ref:
        which = "both value and ref" if has_value else "neither value nor ref"
        run.emit(R.XLF245, el, f'{element_label(el)} type="comment" has {which}', unit)


def on_gloss_entry(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """At least one translation or a definition; ref is a fragment identifier."""
    if "ref" in attrs:
        run.units.add_fragment(el, attrs["ref"], unit)
    unique_module_ids(run, el, el, _GLS_TRANSLATION, unit)
    if not any(c.tag in (_GLS_TRANSLATION, q(GLS, "definition")) for c in el):
        run.emit(R.XLF251, el, f"{element_label(el)} has neither <gls:translation> nor <gls:definition>", unit)


def on_val_rule(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """Exactly one rule kind; occurs and existsInSource only with the kinds they qualify."""
    kinds = [k for k in _VAL_RULE_KINDS if k in attrs]
    custom = any(_ns(name) not in (None, VAL) for name in attrs)
    if len(kinds) > 1 or (not kinds and not custom):
        found = ", ".join(kinds) if kinds else "none"
        run.emit(R.XLF254, el, f"<val:rule> must state exactly one of {', '.join(_VAL_RULE_KINDS)} (found {found})", unit)
    if "occurs" in attrs and "isPresent" not in kinds:
        run.emit(R.XLF258, el, "<val:rule> uses occurs without isPresent (it has no effect there)", unit)
    if "existsInSource" in attrs and not set(kinds) & {"isPresent", "startsWith", "endsWith"}:
        run.emit(R.XLF254, el, "<val:rule> uses existsInSource without isPresent, startsWith or endsWith", unit)


def on_resource(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """Resource containers are non-empty; res:source/target have href xor content and the document's languages."""
    tag = el.tag
    if tag in (q(RES, "resourceData"), q(RES, "resourceItem")):
        if not any(isinstance(c.tag, str) for c in el):
            run.emit(R.XLF255, el, f"{element_label(el)} is empty", unit)
        if tag == q(RES, "resourceData"):
            unique_module_ids(run, el, el, q(RES, "resourceItem"), unit)
        return
    lang = attrs.get(XML_LANG)
    if lang is not None:
        is_source = tag == q(RES, "source")
        expected = run.root.get("srcLang" if is_source else "trgLang")
        if expected is not None and lang.lower() != expected.lower():
            rule, which = (R.XLF221, "srcLang") if is_source else (R.XLF222, "trgLang")
            run.emit(rule, el, f'<{pretty(tag)} xml:lang="{lang}"> differs from the document {which}', unit)
    has_content = bool((el.text or "").strip()) or any(isinstance(c.tag, str) for c in el)
    if ("href" in attrs) == has_content:
        which = "both href and content" if has_content else "neither href nor content"
        run.emit(R.XLF255, el, f"{element_label(el)} has {which}", unit)


def on_resource_ref(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """ref names a resourceItem of the document."""
    ref = attrs.get("ref")
    if ref is not None and ref not in run.units.resource_items(run.root):
        run.emit(R.XLF255, el, f'<res:resourceItemRef ref="{ref}"> matches no <res:resourceItem> id', unit)


def on_reference(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """Module ref attributes holding same-document fragment identifiers."""
    if "ref" in attrs:
        run.units.add_fragment(el, attrs["ref"], unit)


def on_match(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """A translation candidate: its ref is a fragment identifier that resolves, subType comes with type,
    its codes' dataRefs point into its own originalData (2.1 5.1.7.5 ref, 5.1.7.8 subType)."""
    ref = attrs.get("ref")
    if ref is not None and not ref.startswith("#"):
        run.emit(R.XLF246, el, f'{element_label(el)} ref="{ref}" is not a fragment identifier (write "#{ref}")', unit)
    elif ref is not None:
        run.units.add_fragment(el, ref, unit)
    if "subType" in attrs and "type" not in attrs:
        run.emit(R.XLF243, el, f'{element_label(el)} has subType="{attrs["subType"]}" but no type', unit)
    run.units.match_data_refs(el, unit)


def on_ctr_revisions(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """ref names a sibling (or a sibling's child) of the changeTrack; several candidates with ids need one."""
    track = el.getparent()
    holder = track.getparent() if track is not None else None
    if holder is None:
        return
    near = [c for s in holder if s is not track and isinstance(s.tag, str) for c in (s, *s) if isinstance(c.tag, str)]
    ref, applies = attrs.get("ref"), attrs.get("appliesTo")
    if ref is not None:
        if not any(c.get("id") == ref for c in near):
            run.emit(R.XLF257, el, f'{element_label(el)} ref="{ref}" is the id of no element beside the <ctr:changeTrack>', unit)
        return
    named = [c for c in near if applies and c.tag == x(applies) and c.get("id") is not None]
    if len(named) > 1:
        run.emit(R.XLF257, el, f'{element_label(el)} appliesTo="{applies}" matches {len(named)} elements with ids; '
                  "ref must say which one", unit)


def unique_module_ids(run: Walk, el: etree._Element, container: etree._Element, tag: str, unit: str | None) -> None:
    """Ids of the ``tag`` elements under ``container`` are unique there (XLF256)."""
    for child, _ in _repeated(((child, child.get("id")) for child in container.iter(tag)), set()):
        run.emit(R.XLF256, child, f"duplicate {element_label(child)} in {element_label(el)}", unit)


def on_module_container(run: Walk, el: etree._Element, attrs: dict[str, str], unit: str | None) -> None:
    """Matches, glossary entries and metadata groups have unique ids within their container."""
    unique_module_ids(run, el, el, _MODULE_ID_SCOPES[el.tag], unit)


#: The hook of each element name that has local constraints.
HOOKS: Mapping[str, Hook] = {
    _XLIFF: on_xliff,
    _FILE: on_file,
    _GROUP: on_extension_scope,
    _UNIT: on_extension_scope,
    _SKELETON: on_skeleton,
    _SEGMENT: on_segment,
    _NOTES: on_unique_children,
    _ORIGINAL_DATA: on_unique_children,
    _CP: on_cp,
    **{tag: on_code for tag in _CODES},
    **{tag: on_marker for tag in _MARKERS},
    q(GLS, "glossEntry"): on_gloss_entry,
    q(VAL, "rule"): on_val_rule,
    **{q(RES, n): on_resource for n in ("resourceData", "resourceItem", "source", "target")},
    q(RES, "resourceItemRef"): on_resource_ref,
    q(MTC, "match"): on_match,
    q(CTR, "revisions"): on_ctr_revisions,
    q(GLS, "translation"): on_reference,
    **{tag: on_module_container for tag in _MODULE_ID_SCOPES},
}
