"""A per-document proof, in C, that the XLIFF 1.2 walk has nothing to say.

Most files PX exports are clean and share one plain shape: the XLIFF namespace
as the only one, double-quoted attributes, trans-units of source, target and
notes with a few inline codes. For such a file the walk
(:mod:`pxl10n.validate.xliff12`) spends microseconds of Python per element to
find nothing. :func:`proves_clean` instead matches the document's bytes against
one regular expression built at import from the same tables the walk reads
(:data:`~pxl10n.validate.xliff12_schema.MODELS`, ``ENUMS``, ``TYPES``): each
inline code's id is compared, in the same pattern, with the later codes of its
source or target; one more scan compares the unit ids of each ``<file>``. The
``re`` engine does the per-element work in C. It only ever answers "clean" or "cannot
tell": anything outside the plain shape (another namespace, a comment, a
single-quoted attribute, an element or attribute the walk would index, a value
the pattern cannot judge exactly) is "cannot tell", and the walk then runs in
full. So the gate never reports; it only proves the walk would not.

Why bytes are enough: the engine parsed the same bytes, so the document is
well-formed XML. Without comments, CDATA, processing instructions (but the
declaration) or a DOCTYPE, every ``<`` starts a tag, tags balance, and a tag
name or an attribute value without ``&`` means what it says; the pattern admits
only those forms. Inline elements that may nest (``<g>``, ``<mrk>``) hold the
same children as the source or target they are in, so their start and end tags
can be matched as a flat run: well-formedness pairs them.
"""

from __future__ import annotations

import re

from lxml import etree

from pxl10n.validate.content_model import OTHER, UNBOUNDED
from pxl10n.validate.rules import Document
from pxl10n.validate.xliff12_schema import (
    ENUMS,
    MODELS,
    REFERENCE_ATTRS,
    START_CODES,
    TYPES,
    Enum,
    Model,
    S,
    words,
)
from pxl10n.xliff import namespaces as ns

#: The elements the gate admits: the plain shape of a PX export. Others (groups, which carry keys of their
#: file; paired codes, whose pairing needs order; extension-bearing elements) send a file to the walk.
GATED = words("xliff file header body trans-unit source seg-source target note g x ph it mrk")
#: Value types a pattern judges exactly as ``TYPES`` does (a test holds each to its test).
LEXICAL_TYPES: dict[str, bytes] = {"yesno": rb"yes|no", "version": rb"1\.2"}
#: Elements whose other typed values are read from the tree and judged by ``TYPES`` itself: few per file.
_TREE_CHECKED = frozenset({"xliff", "file"})
#: Elements whose ids the gate compares as bytes (units per file, start codes per source or target): their ids
#: must be spelled as the parser reads them.
_COMPARED = frozenset({"trans-unit"} | START_CODES)
_WS = rb"[ \t\r\n]"
_FREE = rb'"[^"]*"'
#: a value read as the parser reads it: no reference or whitespace the parser would rewrite
_PLAIN = rb'"[^"&\t\n\r]*"'
#: any attribute, for the lookaheads that require one
_ANY_ATTR = _WS + rb'+[^ \t\r\n=/>"]+="[^"]*"'
#: an x- extension, in printable ASCII (never a character Python counts as whitespace)
_EXTENSION = rb"x-[!#-%'-~]+"


_CONTAINER = rb"(?:source|seg-source|target)"
_CODE = rb"(?:" + b"|".join(sorted(n.encode() for n in START_CODES if n in GATED)) + rb")(?=[ \t\r\n/>])"
_ID = rb"(?:" + _ANY_ATTR + rb')*?[ \t\r\n]+id="'
#: How far (in runs of text and tags) a start code looks for a later one repeating its id: the end of its
#: source or target must be that near, so the gate stays linear in the document (farther: the walk decides).
_AHEAD = b"32"


def _enum(enum: Enum) -> bytes:
    values = sorted((v.encode() for v in enum.values), key=len, reverse=True)
    one = b"(?:" + b"|".join(re.escape(v) for v in values) + (b"|" + _EXTENSION if enum.extensible else b"") + b")"
    return b" *" + one + b"(?: +" + one + b")* *" if enum.is_list else one


def _value(element: str, attr: str, kind: str) -> bytes | None:
    """The pattern of a ``kind`` value of ``attr`` on ``element``, or None when the gate cannot judge it there."""
    if kind == S:
        return _PLAIN if attr == "id" and element in _COMPARED else _FREE
    if kind in ENUMS:
        return b'"' + _enum(ENUMS[kind]) + b'"'
    if kind in LEXICAL_TYPES:
        return b'"(?:' + LEXICAL_TYPES[kind] + b')"'
    if kind in TYPES and element in _TREE_CHECKED:
        return _PLAIN
    return None


def _start(name: str, model: Model) -> bytes:
    """``<name`` with its required attributes (lookaheads) and any run of its allowed ones."""
    alternatives = [re.escape(attr.encode()) + b"=" + value for attr, kind in sorted(model.attrs.items())
                    if attr not in REFERENCE_ATTRS and (value := _value(name, attr, kind)) is not None]
    if "space" in model.xml_attrs or model.other_attrs:
        alternatives.append(rb'xml:space="(?:default|preserve)"')
    required = sorted(model.required)
    if name == "xliff":
        alternatives.append(b'xmlns="' + re.escape(ns.XLIFF12.encode()) + b'"')
        required.append("xmlns")
    ahead = b"".join(b"(?=(?:" + _ANY_ATTR + b")*?" + _WS + b"+" + re.escape(r.encode()) + b'=")' for r in required)
    run = b"(?:" + _WS + b"++(?:" + b"|".join(alternatives) + b"))*+" if alternatives else b""
    return b"<" + name.encode() + ahead + run + _WS + b"*+"


class _Builder:
    """The pattern of each gated element, built once (recursion only through the flat inline run)."""

    def __init__(self) -> None:
        self.done: dict[str, bytes | None] = {}
        self.captures = 0

    def start(self, name: str, model: Model) -> bytes:
        """:func:`_start`; for a start code, its id captured and, up to the end of its source or target (no
        farther than :data:`_AHEAD`), no later start code allowed to repeat it."""
        start = _start(name, model)
        if name not in START_CODES:
            return start
        self.captures += 1
        group = f"id{self.captures}".encode()
        captured = start.replace(b"id=" + _PLAIN, b'id="(?P<' + group + rb'>[^"&\t\n\r]*)"', 1)
        assert captured != start, f"<{name}> has no plain id to compare"
        start = captured
        repeat = b"<" + _CODE + _ID + b"(?P=" + group + b')"'
        return (start + b"(?=(?:(?!" + repeat + rb")(?:[^<]++|<(?!/" + _CONTAINER + b">))){0," + _AHEAD + b"}+</"
                + _CONTAINER + b">)")

    def element(self, name: str) -> bytes | None:
        if name not in self.done:
            self.done[name] = None  # a model reaching itself again is not gated
            self.done[name] = self.build(name)
        return self.done[name]

    def build(self, name: str) -> bytes | None:
        model = MODELS[name]
        content = self.content(name, model)
        if content is None:
            return None
        start, end = self.start(name, model), b"</" + name.encode() + b">"
        if re.fullmatch(content, b"") is not None:
            return start + b"(?:/>|>" + content + end + b")"
        return start + b">" + content + end

    def content(self, name: str, model: Model) -> bytes | None:
        if model.content == "text":
            return rb"[^<]*+"
        if model.content == "empty":
            return b""
        if model.content == "mixed":
            return self.inline(model)
        if model.content == "elements":
            return self.sequence(name, model)
        return None  # "any": its content is not walked, so not proved either

    def inline(self, model: Model) -> bytes | None:
        """Text and inline codes as a flat run: children with this same content model open and close in it."""
        names = sorted(set().union(*(p.names for p in model.particles)) & GATED)
        tokens = [rb"[^<]++"]
        for child in names:
            inner = MODELS[child]
            if inner.content == "mixed" and inner.particles == model.particles:
                start = self.start(child, inner)
                tokens += [start + b"/?>", b"</" + child.encode() + b">"]
            elif (pattern := self.build(child) if child in START_CODES else self.element(child)) is not None:
                tokens.append(pattern)
        return b"(?:" + b"|".join(tokens) + b")*+"

    def sequence(self, name: str, model: Model) -> bytes | None:
        """Element content: each particle a run of its gated names, in order; whitespace between."""
        parts = [_WS + b"*+"]
        for particle in model.particles:
            children = [p for n in sorted(particle.names - {OTHER}) if n in GATED and (p := self.element(n))]
            low = 1 if name == "xliff" else particle.min  # the walk wants a <file> in <xliff> (check_root_children)
            if not children:
                if low:
                    return None
                continue
            high = b"" if particle.max == UNBOUNDED else str(particle.max).encode()
            parts.append(b"(?:(?:" + b"|".join(children) + b")" + _WS + b"*+){" + str(low).encode() + b"," + high + b"}+")
        return b"".join(parts)


def _document() -> re.Pattern[bytes]:
    root = _Builder().element("xliff")
    assert root is not None
    return re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml" + _WS + rb"[^?]*\?>)?" + _WS + b"*+" + root + _WS + b"*+")


#: The plain shape of a clean document, from the tables.
DOCUMENT = _document()
_UNIT_ID = re.compile(rb"<trans-unit" + _ID + rb'([^"]*)"')
_ENCODINGS = frozenset({"utf-8", "ascii", "us-ascii"})


def proves_clean(doc: Document) -> bool:
    """True only when the walk would report nothing for ``doc``; False: it cannot tell, walk it."""
    tree = doc.tree
    if tree is None or (tree.docinfo.encoding or "utf-8").lower() not in _ENCODINGS:
        return False
    data = doc.data
    return (DOCUMENT.fullmatch(data) is not None and _units_distinct(data)
            and _tree_values_ok(tree.getroot()))


def _units_distinct(data: bytes) -> bool:
    """Unit ids distinct in each <file> (most documents have one, and are searched whole)."""
    first = data.find(b"<file")
    files = [data] if data.find(b"<file", first + 5) < 0 else data.split(b"<file")[1:]
    for file in files:
        ids = _UNIT_ID.findall(file)
        if len(set(ids)) != len(ids):
            return False
    return True


#: For the root and its files: (tag, the typed attributes the pattern left to the tree, each with its test).
_TREE_PLANS = tuple(
    (f"{{{ns.XLIFF12}}}{name}", tuple((attr, TYPES[kind][0]) for attr, kind in sorted(MODELS[name].attrs.items())
                                      if kind in TYPES and kind not in LEXICAL_TYPES))
    for name in sorted(_TREE_CHECKED))


def _tree_values_ok(root: etree._Element) -> bool:
    """The typed values the pattern left to the tree (languages and dates of the root and its files)."""
    for tag, plan in _TREE_PLANS:
        if not plan:
            continue
        for el in [root] if root.tag == tag else root.iterchildren(tag):
            for attr, test in plan:
                value = el.get(attr)
                if value is not None and not test(value):
                    return False
    return True
