"""A per-document proof, in C, that the XLIFF 2.0 walk has nothing to say.

Most files PX exports are clean and share one plain shape: the core namespace
and the metadata module's, double-quoted attributes, units of notes and
segments whose source and target hold text, ``<ph/>`` and ``<pc>``. For such a
file the walk (:mod:`pxl10n.validate.xliff20`) spends microseconds of Python per
element to find nothing. :func:`proves_clean` instead matches the document's
bytes against one regular expression built at import from the same tables the
walk reads (:data:`~pxl10n.validate.xliff20_schema.SPECS`, ``MODULE_POINTS``,
``XLF_SUBTYPES``), then searches for the id clashes the walk reports (file ids,
unit ids per file, note ids per notes, segment and code ids per unit) with a few
more patterns, and judges the root's languages from the tree with the walk's own
test. The ``re`` engine does the per-element work in C. It only ever answers
"clean" or "cannot tell": anything outside the plain shape (another namespace,
a comment, a single-quoted attribute, xml:lang, xml:space on a source or target, an element or attribute
whose rules span elements -- paired codes, data references, copies, target
order, subState -- a value the pattern cannot judge exactly) is "cannot tell",
and the walk then runs in full. So the gate never reports; it only proves the
walk would not.

Why bytes are enough: the engine parsed the same bytes, so the document is
well-formed XML. Without comments, CDATA, processing instructions (but the
declaration) or a DOCTYPE, every ``<`` starts a tag, tags balance, and a tag
name or an attribute value without ``&`` means what it says; the pattern admits
only those forms. A ``<pc>`` holds the same content as the source or target it
is in, so its start and end tags are matched as a flat run: well-formedness
pairs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from pxl10n.validate.content_model import OTHER, UNBOUNDED, Particle
from pxl10n.validate.rules import Document
from pxl10n.validate.xliff20_schema import (
    EMPTY,
    INLINE,
    MDA,
    MODULE_POINTS,
    MODULE_PREFIX,
    REPEATABLE_MODULES,
    SPECS,
    TEXT,
    VALUE_TYPES,
    XLF,
    XLF_SUBTYPES,
    XML_SPACE,
    Spec,
    q,
    x,
)
from pxl10n.validate.xliff20_units import CODE_CHECK_ATTRS

#: The elements the gate admits: the plain shape of a PX export. Others (groups, ignorables, original data,
#: paired codes and markers, code points, other modules) send a document to the walk.
GATED = frozenset({*(x(n) for n in "xliff file notes note unit segment source target ph pc".split()),
                   *(q(MDA, n) for n in ("metadata", "metaGroup", "meta"))})
#: Attributes the gate never admits, whatever their element: what the unit checks read across elements
#: (references, copies, reordering, deletion), what a hook judges against another attribute (subState needs
#: state, subType needs a fitting type: admitted only beside its type, below), where a target goes (order),
#: and module ids (unique in their containers, which the gate does not scan).
NOT_GATED_ATTRS = frozenset({*CODE_CHECK_ATTRS, "subState", "subType", "order", "ref"})
#: Value types a pattern judges exactly as ``VALUE_TYPES`` does (a test holds each to its predicate); ids are
#: the ASCII part of NMTOKEN, so that ids compare as bytes.
LEXICAL_TYPES: dict[str, bytes] = {
    "yesno": rb"yes|no",
    "dir": rb"ltr|rtl|auto",
    "state": rb"initial|translated|reviewed|final",
    "inline_type": rb"fmt|ui|quote|link|image|other",
    "applies_to": rb"source|target",
    "mda_applies": rb"source|target|ignorable",
    "priority": rb"10|[1-9]",
    "version": rb"2\.0",
    "space": rb"default|preserve",
    "nmtoken": rb"[A-Za-z0-9_.:-]++",
    "user_prefixed": rb"(?!xlf:)[A-Za-z0-9_.-]++:[A-Za-z0-9_.-]++",
}
#: Value types judged from the tree by ``VALUE_TYPES`` itself, on the root only (its languages).
TREE_TYPES = frozenset({"lang"})
_WS = rb"[ \t\r\n]"
_FREE = rb'"[^"]*"'
#: any attribute, for the lookaheads that require one and the id searches
_ANY_ATTR = _WS + rb'+[^ \t\r\n=/>"]+="[^"]*"'
_XLIFF, _MODULE_ELEMENTS = x("xliff"), frozenset(MODULE_POINTS)
#: A segment's source and target: the xml:space in force at both is their common ancestors' unless one says its
#: own, so xml:space is admitted above them (XLF259 then has nothing to compare) and never on them; xml:lang,
#: which each side compares with a different language of the root, never.
_SIDES = frozenset({x("source"), x("target")})


def _name(tag: str) -> bytes:
    """How the gate spells an element: core names unprefixed (the default namespace), modules with their prefix."""
    namespace, _, local = tag[1:].partition("}")
    return local.encode() if namespace == XLF else MODULE_PREFIX[namespace].encode() + b":" + local.encode()


def _value(tag: str, kind: str) -> bytes | None:
    """The pattern of a ``kind`` value on ``tag``, or None when the gate cannot judge it there."""
    if kind == "string":
        return _FREE
    if kind in LEXICAL_TYPES:
        return b'"(?:' + LEXICAL_TYPES[kind] + b')"'
    if kind in TREE_TYPES and tag == _XLIFF:
        return _FREE
    return None


def _attr(name: str, value: bytes) -> bytes:
    return re.escape(name.encode()) + b"=" + value


def _code_pairs(spec: Spec) -> list[bytes]:
    """A code's type with the subType that goes with it (the two adjacent, either order): only an ``xlf:`` value
    whose type ``XLF_SUBTYPES`` names (on_code's rule), so a subType never stands without its type."""
    if "subType" not in spec.types or "type" not in spec.types:
        return []
    type_ok, sub_ok = VALUE_TYPES[spec.types["type"]], VALUE_TYPES[spec.types["subType"]]
    pairs = []
    for kind in sorted(k for k in set(XLF_SUBTYPES.values()) if type_ok(k)):
        subs = b"|".join(re.escape(s.encode()) for s, k in sorted(XLF_SUBTYPES.items()) if k == kind and sub_ok(s))
        type_attr, sub_attr = _attr("type", b'"' + re.escape(kind.encode()) + b'"'), b'subType="(?:' + subs + b')"'
        pairs += [type_attr + _WS + b"++" + sub_attr, sub_attr + _WS + b"++" + type_attr]
    return pairs


def _start(tag: str, spec: Spec) -> bytes | None:
    """``<name`` with its required attributes (lookaheads) and any run of its allowed ones; None when a
    required attribute is one the gate cannot judge."""
    alternatives = _code_pairs(spec)
    allowed: list[str] = []
    for attr, kind in sorted(spec.types.items()):
        if attr == XML_SPACE and tag not in _SIDES and kind in LEXICAL_TYPES:
            alternatives.append(b'xml:space="(?:' + LEXICAL_TYPES[kind] + b')"')
        elif attr[:1] == "{" or attr in NOT_GATED_ATTRS or (attr == "id" and tag in _MODULE_ELEMENTS):
            continue
        elif (value := _value(tag, kind)) is not None:
            alternatives.append(_attr(attr, value))
            allowed.append(attr)
    required = list(spec.required)
    if tag == _XLIFF:
        alternatives += [b'xmlns="' + re.escape(XLF.encode()) + b'"'] + [
            b"xmlns:" + MODULE_PREFIX[ns].encode() + b'="' + re.escape(ns.encode()) + b'"' for ns in _gated_modules()]
        required.append("xmlns")
        allowed.append("xmlns")
    if not set(required) <= set(allowed):
        return None
    ahead = b"".join(b"(?=(?:" + _ANY_ATTR + b")*?" + _WS + b"+" + re.escape(r.encode()) + b'=")' for r in required)
    run = b"(?:" + _WS + b"++(?:" + b"|".join(alternatives) + b"))*+" if alternatives else b""
    return b"<" + _name(tag) + ahead + run + _WS + b"*+"


def _gated_modules() -> list[str]:
    return sorted({tag[1:].partition("}")[0] for tag in GATED} - {XLF})


class _Builder:
    """The pattern of each gated element, built once (recursion only through the flat inline run)."""

    def __init__(self) -> None:
        self.done: dict[str, bytes | None] = {}

    def element(self, tag: str) -> bytes | None:
        if tag not in self.done:
            self.done[tag] = None  # a model reaching itself again is not gated there
            self.done[tag] = self.build(tag)
        return self.done[tag]

    def build(self, tag: str) -> bytes | None:
        spec = SPECS[tag]
        content = self.content(tag, spec)
        start = _start(tag, spec)
        if content is None or start is None:
            return None
        end = b"</" + _name(tag) + b">"
        if re.fullmatch(content, b"") is not None:
            return start + b"(?:/>|>" + content + end + b")"
        return start + b">" + content + end

    def content(self, tag: str, spec: Spec) -> bytes | None:
        model = spec.content
        if model == TEXT:
            return rb"[^<]*+"
        if model == EMPTY:
            return b""
        if model == INLINE:
            return self.inline()
        if isinstance(model, tuple) and not spec.mixed:
            return self.sequence(tag, model)
        return None  # mixed sequences and "any": left to the walk

    def inline(self) -> bytes:
        """Text and inline codes as a flat run: codes holding inline content themselves open and close in it."""
        tokens = [rb"[^<]++"]
        for child in sorted(SPECS[x("source")].names & GATED):
            spec = SPECS[child]
            if spec.content == INLINE:
                start = _start(child, spec)
                if start is not None:
                    tokens += [start + b"/?>", b"</" + _name(child) + b">"]
            elif (pattern := self.element(child)) is not None:
                tokens.append(pattern)
        return b"(?:" + b"|".join(tokens) + b")*+"

    def sequence(self, tag: str, particles: Iterable[Particle]) -> bytes | None:
        """Element content: each particle a run of its gated names, in order; whitespace between."""
        parts = [_WS + b"*+"]
        for particle in particles:
            if OTHER in particle.names:
                parts += self.modules(tag)
            children = [p for n in sorted(particle.names - {OTHER}) if n in GATED and (p := self.element(n))]
            if not children:
                if particle.min:
                    return None
                continue
            high = b"" if particle.max == UNBOUNDED else str(particle.max).encode()
            parts.append(b"(?:(?:" + b"|".join(children) + b")" + _WS + b"*+){" + str(particle.min).encode() + b","
                         + high + b"}+")
        return b"".join(parts)

    def modules(self, tag: str) -> list[bytes]:
        """The gated module elements that may stand at this core element's extension point, each at most once
        unless repeatable (check_module_points), in a fixed order."""
        parts = []
        for module in sorted(m for m, parents in MODULE_POINTS.items() if tag in parents and m in GATED):
            pattern = self.element(module)
            if pattern is not None:
                high = b"" if module in REPEATABLE_MODULES else b"1"
                parts.append(b"(?:" + pattern + _WS + b"*+){0," + high + b"}+")
        return parts


def _document() -> re.Pattern[bytes]:
    root = _Builder().element(_XLIFF)
    assert root is not None
    return re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml" + _WS + rb"[^?]*\?>)?" + _WS + b"*+" + root + _WS + b"*+")


#: The plain shape of a clean document, from the tables.
DOCUMENT = _document()
#: up to an element's id: the attributes before it skipped whole (so no value is read as a name)
_ID = rb'(?:[ \t\r\n]++(?!id=)[^ \t\r\n=/>"]++="[^"]*")*+[ \t\r\n]++id="'
_END = rb"(?=[ \t\r\n/>])"
#: elements whose ids share one scope per unit (2.0 4.7.2.1 / the walk's _claim and _target_ids)
_UNIT_SCOPED = rb"(?:segment|ph|pc)"
#: the side an element is on: the next </source> or </target> after it
_SIDE = rb"(?=(?:[^<]++|<(?!/(?:source|target)>))*+</(source|target)>)"
#: two elements of one unit with the same id, unless they are the same code on opposite sides (a source's
#: code and its target's twin): different names (XLF214/XLF215, a segment's id never shared) or one side (XLF214)
_UNIT_CLASH = re.compile(
    b"<(" + _UNIT_SCOPED + b")" + _END + _ID + rb'([^"]*)"' + _SIDE + rb"(?:[^<]++|<(?!/unit>))*?<(?:(?!\1"
    + _END + b")" + _UNIT_SCOPED + _END + _ID + rb'\2"|\1' + _END + _ID + rb'\2"(?=(?:[^<]++|<(?!/(?:source|target)>))*+</\3>))')
#: two notes of one <notes> with the same id (XLF212)
_NOTE_CLASH = re.compile(rb"<note" + _END + _ID + rb'([^"]*)"(?:[^<]++|<(?!/notes>))*?<note' + _END + _ID + rb'\1"')
_FILE_ID = re.compile(rb"<file" + _END + _ID + rb'([^"]*)"')
#: a note following a note in one <notes> (the only place a note ends and another begins)
_SECOND_NOTE = re.compile(rb"</note>[ \t\r\n]*+<note")
_UNIT_ID = re.compile(rb"<unit" + _END + _ID + rb'([^"]*)"')
_ENCODINGS = frozenset({"utf-8", "ascii", "us-ascii"})
#: the root's typed values left to the tree, each with the walk's own test
_ROOT_TESTS = tuple((attr, VALUE_TYPES[kind]) for attr, kind in sorted(SPECS[_XLIFF].types.items())
                    if kind in TREE_TYPES)


def proves_clean(doc: Document) -> bool:
    """True only when the walk would report nothing for ``doc``; False: it cannot tell, walk it."""
    tree = doc.tree
    if tree is None or (tree.docinfo.encoding or "utf-8").lower() not in _ENCODINGS:
        return False
    data = doc.data
    root = tree.getroot()
    return (DOCUMENT.fullmatch(data) is not None and _root_ok(root, data) and _UNIT_CLASH.search(data) is None
            and _notes_distinct(data) and _units_distinct(data, len(root)))


def _root_ok(root: etree._Element, data: bytes) -> bool:
    """The root's languages well-formed, and a trgLang when any target needs one (XLF220)."""
    for attr, test in _ROOT_TESTS:
        value = root.get(attr)
        if value is not None and not test(value):
            return False
    return root.get("trgLang") is not None or b"<target" not in data


def _notes_distinct(data: bytes) -> bool:
    """Note ids distinct in each <notes> (XLF212): searched only when some <notes> holds more than one note."""
    return _SECOND_NOTE.search(data) is None or _NOTE_CLASH.search(data) is None


def _units_distinct(data: bytes, files: int) -> bool:
    """File ids distinct (XLF210), and unit ids in each <file> (XLF211), of a document of ``files`` files (the
    root's children, in the gate's shape); most documents have one, searched whole."""
    pieces = [data]
    if files != 1:
        ids = _FILE_ID.findall(data)
        if len(set(ids)) != len(ids):
            return False
        pieces = data.split(b"<file")[1:]
    for piece in pieces:
        ids = _UNIT_ID.findall(piece)
        if len(set(ids)) != len(ids):
            return False
    return True
