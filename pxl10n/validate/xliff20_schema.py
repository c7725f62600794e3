"""XLIFF 2.0 core and module schemas as tables, and the value spaces they use.

The XSDs of XLIFF 2.0 (core and modules) are sequences of simple particles, so a
table per element -- allowed attributes with their types, and a content model --
says everything the schemas say, and one generic walker checks them all. Keeping
the tables here and the walker in :mod:`pxl10n.validate.xliff20` separates what
the specification states from how we check it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from pxl10n.validate.content_model import OTHER, Particle, opt, plus, star
from pxl10n.validate.langtags import is_well_formed
from pxl10n.xliff import namespaces as ns

XLF, XML = ns.XLIFF20, ns.XML
MTC, GLS, FS, MDA, RES, CTR, SLR, VAL, ITS, ITSM = ns.MTC, ns.GLS, ns.FS, ns.MDA, ns.RES, ns.CTR, ns.SLR, ns.VAL, ns.ITS, ns.ITSM
MODULE_PREFIX = ns.MODULE_PREFIX
#: Namespaces whose names (elements and attributes) the specification defines in full.
DEFINED_NS = frozenset({XLF, *MODULE_PREFIX})
XML_LANG, XML_SPACE = ns.XML_LANG, ns.XML_SPACE
q = ns.q



def x(name: str) -> str:
    """A core XLIFF 2.0 element name in Clark notation."""
    return q(XLF, name)


def pretty(tag: str) -> str:
    """``{ns}name`` -> ``name`` for the core, ``prefix:name`` for modules (for messages)."""
    if not tag.startswith("{"):
        return tag
    namespace, _, name = tag[1:].partition("}")
    if namespace == XLF:
        return name
    if namespace == XML:
        return f"xml:{name}"
    return f"{MODULE_PREFIX.get(namespace, '{' + namespace + '}')}:{name}"


def element_label(el: etree._Element) -> str:
    """How messages name an element: ``<name id="x">`` (``prefix:name`` for modules), or ``<name>`` without an id."""
    ident = el.get("id")
    name = pretty(el.tag)
    return f'<{name} id="{ident}">' if ident is not None else f"<{name}>"


# --- value spaces -------------------------------------------------------------------------

_NAME_CHARS = r"\w.\-:\u00B7\u0300-\u036F\u203F\u2040"
NMTOKEN_RE = re.compile(rf"[{_NAME_CHARS}]+\Z")
PREFIXED_RE = re.compile(r"[^\s:]+:[^\s:]+\Z")
_POSINT_RE = re.compile(r"\+?0*[1-9][0-9]*\Z")
_NONNEG_RE = re.compile(r"\+?[0-9]+\Z")
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
#: W3C NOTE-datetime (YYYY, YYYY-MM, YYYY-MM-DD, then hh:mm[:ss[.s]] and a zone), the formats 2.1 5.6.5.4
#: names for ctr:datetime; a one-digit zone hour (+8:00) is tolerated: the TC's own valid suite writes it,
#: and a local time without a zone, as xs:dateTime allows: the extension is informative, its schema untyped.
_NOTE_DATETIME_RE = re.compile(
    r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{1,2}:[0-9]{2})?)?)?)?\Z")
_DATETIME_RE = re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?\Z")

#: HTML element names the Format Style module allows in ``fs:fs``.
FS_VALUES = frozenset(
    (
        *("a", "b", "bdo", "big", "blockquote", "body", "br", "button", "caption", "center", "cite", "code"),
        *("col", "colgroup", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "head"),
        *("hr", "html", "i", "img", "label", "legend", "li", "ol", "p", "pre", "q", "s", "samp", "select"),
        *("small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead"),
        *("title", "tr", "tt", "u", "ul"),
    )
)
#: ``xlf:`` subType values and the ``type`` each requires (core 4.3.1.x subType).
XLF_SUBTYPES: Mapping[str, str] = {
    "xlf:lb": "fmt",
    "xlf:pb": "fmt",
    "xlf:b": "fmt",
    "xlf:i": "fmt",
    "xlf:u": "fmt",
    "xlf:var": "ui",
}


def _enum(*values: str) -> Callable[[str], bool]:
    allowed = frozenset(values)
    return allowed.__contains__


def _priority(value: str) -> bool:
    return _POSINT_RE.match(value) is not None and 1 <= int(value) <= 10


def _percent(value: str) -> bool:
    return _DECIMAL_RE.match(value) is not None and 0.0 <= float(value) <= 100.0


def _user_prefixed(value: str) -> bool:
    return PREFIXED_RE.match(value) is not None and not value.startswith("xlf:")


def _mrk_type(value: str) -> bool:
    return value in ("generic", "comment", "term") or PREFIXED_RE.match(value) is not None


def _hex(value: str) -> bool:
    return re.fullmatch(r"[0-9A-Fa-f]+", value) is not None


#: Attribute value types -> predicate; the names are used in the element tables below.
VALUE_TYPES: Mapping[str, Callable[[str], bool]] = {
    "string": lambda v: True,
    "yesno": _enum("yes", "no"),
    "reorder": _enum("yes", "no", "firstNo"),
    "nmtoken": lambda v: NMTOKEN_RE.match(v) is not None,
    "nmtokens": lambda v: bool(v.split()) and all(NMTOKEN_RE.match(t) for t in v.split()),
    "lang": is_well_formed,
    "xml_lang": lambda v: v == "" or is_well_formed(v),
    "space": _enum("default", "preserve"),
    "space_preserve": _enum("preserve"),
    "dir": _enum("ltr", "rtl", "auto"),
    "state": _enum("initial", "translated", "reviewed", "final"),
    "prefixed": lambda v: PREFIXED_RE.match(v) is not None,
    "user_prefixed": _user_prefixed,
    "inline_type": _enum("fmt", "ui", "quote", "link", "image", "other"),
    "mrk_type": _mrk_type,
    "priority": _priority,
    "posint": lambda v: _POSINT_RE.match(v) is not None,
    "nonneg": lambda v: _NONNEG_RE.match(v) is not None,
    "applies_to": _enum("source", "target"),
    "version": _enum("2.0", "2.1"),
    "hex": _hex,
    "percent": _percent,
    "mtc_type": _enum("am", "mt", "icm", "idm", "tb", "tm", "other"),
    "mda_applies": _enum("source", "target", "ignorable"),
    "normalization": _enum("none", "nfc", "nfd"),
    "datetime": lambda v: _DATETIME_RE.match(v) is not None,
    "note_datetime": lambda v: _NOTE_DATETIME_RE.match(v) is not None,
    "fs": FS_VALUES.__contains__,
}

#: Human description of each type, for messages.
TYPE_HINTS: Mapping[str, str] = {
    "yesno": "yes|no",
    "reorder": "yes|no|firstNo",
    "nmtoken": "an NMTOKEN",
    "nmtokens": "a space-separated list of NMTOKENs",
    "lang": "a BCP 47 language tag",
    "xml_lang": "a BCP 47 language tag",
    "space": "default|preserve",
    "space_preserve": "preserve",
    "dir": "ltr|rtl|auto",
    "state": "initial|translated|reviewed|final",
    "prefixed": "prefix:value",
    "user_prefixed": "prefix:value with a prefix other than the reserved xlf",
    "inline_type": "fmt|ui|quote|link|image|other",
    "mrk_type": "generic|comment|term or prefix:value",
    "priority": "an integer from 1 to 10",
    "posint": "a positive integer",
    "nonneg": "a non-negative integer",
    "applies_to": "source|target",
    "version": "2.0 (or 2.1)",
    "hex": "hexadecimal digits",
    "percent": "a decimal from 0.0 to 100.0",
    "mtc_type": "am|mt|icm|idm|tb|tm|other",
    "mda_applies": "source|target|ignorable",
    "normalization": "none|nfc|nfd",
    "datetime": "an xs:dateTime",
    "note_datetime": "a W3C NOTE-datetime date such as 2013-07-16T10:30:00+08:00",
    "fs": "an HTML element name from the Format Style module list",
}


# --- element tables -----------------------------------------------------------------------


def p(*names: str, min: int = 1, max: int = 1) -> Particle:
    """Shorthand for a :class:`Particle` with explicit bounds."""
    return Particle(frozenset(names), min, max)


#: Content kinds that are not sequences.
EMPTY, TEXT, INLINE, ANY = "empty", "text", "inline", "any"


@dataclass(frozen=True)
class Spec:
    """What an element may carry: attributes (type, ``!`` = required) and content."""

    attrs: Mapping[str, str]
    content: tuple[Particle, ...] | str = EMPTY
    mixed: bool = False
    other_attrs: bool = False
    #: namespaces (besides XML) of module attributes accepted even without ``other_attrs``
    module_attrs: frozenset[str] = field(default_factory=frozenset)
    #: derived: attribute name -> type without the ``!`` marker
    types: Mapping[str, str] = field(init=False, repr=False)
    #: derived: names of required attributes
    required: tuple[str, ...] = field(init=False, repr=False)
    #: derived: every element name the content model mentions (tells 'out of order' from 'not allowed')
    names: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "types", {name: kind.rstrip("!") for name, kind in self.attrs.items()})
        object.__setattr__(self, "required", tuple(name for name, kind in self.attrs.items() if kind.endswith("!")))
        if isinstance(self.content, tuple):
            names: frozenset[str] = frozenset().union(*(part.names for part in self.content))
        else:
            names = frozenset(x(n) for n in INLINE_NAMES) if self.content == INLINE else frozenset()
        object.__setattr__(self, "names", names)


INLINE_NAMES = ("cp", "ph", "pc", "sc", "ec", "mrk", "sm", "em")
INLINE_TAGS = frozenset(x(n) for n in INLINE_NAMES)

_CODE_COMMON = {"canCopy": "yesno", "canDelete": "yesno", "canReorder": "reorder", "copyOf": "nmtoken", "subType": "prefixed", "type": "inline_type"}
_STRUCT_COMMON = {"canResegment": "yesno", "translate": "yesno", "srcDir": "dir", "trgDir": "dir", XML_SPACE: "space"}
_MARKER = {"id": "nmtoken!", "translate": "yesno", "type": "mrk_type", "ref": "string", "value": "string"}

CORE: dict[str, Spec] = {
    x("xliff"): Spec({"version": "version!", "srcLang": "lang!", "trgLang": "lang", XML_SPACE: "space"}, (plus(x("file")),), other_attrs=True),
    x("file"): Spec(
        {"id": "nmtoken!", "original": "string", **_STRUCT_COMMON},
        (opt(x("skeleton")), star(OTHER), opt(x("notes")), plus(x("unit"), x("group"))),
        other_attrs=True,
    ),
    x("skeleton"): Spec({"href": "string"}, (star(OTHER),), mixed=True),
    x("group"): Spec(
        {"id": "nmtoken!", "name": "string", "type": "user_prefixed", **_STRUCT_COMMON},
        (star(OTHER), opt(x("notes")), star(x("unit"), x("group"))),
        other_attrs=True,
    ),
    x("unit"): Spec(
        {"id": "nmtoken!", "name": "string", "type": "user_prefixed", **_STRUCT_COMMON},
        (star(OTHER), opt(x("notes")), opt(x("originalData")), plus(x("segment"), x("ignorable"))),
        other_attrs=True,
    ),
    x("segment"): Spec(
        {"id": "nmtoken", "canResegment": "yesno", "state": "state", "subState": "user_prefixed"},
        (p(x("source")), opt(x("target"))),
    ),
    x("ignorable"): Spec({"id": "nmtoken"}, (p(x("source")), opt(x("target")))),
    x("notes"): Spec({}, (plus(x("note")),)),
    x("note"): Spec({"id": "nmtoken", "appliesTo": "applies_to", "category": "string", "priority": "priority"}, TEXT, other_attrs=True),
    x("originalData"): Spec({}, (plus(x("data")),)),
    x("data"): Spec({"id": "nmtoken!", "dir": "dir", XML_SPACE: "space_preserve"}, (star(x("cp")),), mixed=True, module_attrs=frozenset({SLR})),
    x("source"): Spec({XML_LANG: "xml_lang", XML_SPACE: "space"}, INLINE, module_attrs=frozenset({FS})),
    x("target"): Spec({XML_LANG: "xml_lang", XML_SPACE: "space", "order": "posint"}, INLINE, module_attrs=frozenset({FS})),
    x("cp"): Spec({"hex": "hex!"}),
    x("ph"): Spec({**_CODE_COMMON, "disp": "string", "equiv": "string", "id": "nmtoken!", "dataRef": "nmtoken", "subFlows": "nmtokens"}, other_attrs=True),
    x("pc"): Spec(
        {
            **_CODE_COMMON,
            "canOverlap": "yesno",
            "dispStart": "string",
            "dispEnd": "string",
            "equivStart": "string",
            "equivEnd": "string",
            "id": "nmtoken!",
            "dataRefStart": "nmtoken",
            "dataRefEnd": "nmtoken",
            "subFlowsStart": "nmtokens",
            "subFlowsEnd": "nmtokens",
            "dir": "dir",
        },
        INLINE,
        other_attrs=True,
    ),
    x("sc"): Spec(
        {**_CODE_COMMON, "canOverlap": "yesno", "dataRef": "nmtoken", "dir": "dir", "disp": "string", "equiv": "string", "id": "nmtoken!", "isolated": "yesno", "subFlows": "nmtokens"},
        other_attrs=True,
    ),
    x("ec"): Spec(
        {
            **_CODE_COMMON,
            "canOverlap": "yesno",
            "dataRef": "nmtoken",
            "dir": "dir",
            "disp": "string",
            "equiv": "string",
            "id": "nmtoken",
            "isolated": "yesno",
            "startRef": "nmtoken",
            "subFlows": "nmtokens",
        },
        other_attrs=True,
    ),
    x("mrk"): Spec(_MARKER, INLINE, other_attrs=True),
    x("sm"): Spec(_MARKER, other_attrs=True),
    x("em"): Spec({"startRef": "nmtoken!"}),
}

MODULES: dict[str, Spec] = {
    # Translation Candidates (mtc)
    q(MTC, "matches"): Spec({}, (plus(q(MTC, "match")),), other_attrs=True),
    q(MTC, "match"): Spec(
        {
            "id": "nmtoken",
            "matchQuality": "percent",
            "matchSuitability": "percent",
            "origin": "string",
            "ref": "string!",
            "reference": "yesno",
            "similarity": "percent",
            "subType": "prefixed",
            "type": "mtc_type",
        },
        (opt(q(MDA, "metadata")), opt(x("originalData")), p(x("source")), p(x("target")), star(OTHER)),
        other_attrs=True,
    ),
    # Glossary (gls)
    q(GLS, "glossary"): Spec({}, (plus(q(GLS, "glossEntry")),), other_attrs=True),
    q(GLS, "glossEntry"): Spec(
        {"id": "nmtoken", "ref": "string"},
        (p(q(GLS, "term")), star(q(GLS, "translation")), opt(q(GLS, "definition")), star(OTHER)),
        other_attrs=True,
    ),
    q(GLS, "term"): Spec({"source": "string"}, TEXT, other_attrs=True),
    q(GLS, "translation"): Spec({"id": "nmtoken", "ref": "string", "source": "string"}, TEXT, other_attrs=True),
    q(GLS, "definition"): Spec({"source": "string"}, TEXT, other_attrs=True),
    # Metadata (mda)
    q(MDA, "metadata"): Spec({"id": "nmtoken"}, (plus(q(MDA, "metaGroup")),), other_attrs=True),
    q(MDA, "metaGroup"): Spec(
        {"id": "nmtoken", "category": "string", "appliesTo": "mda_applies"},
        (plus(q(MDA, "metaGroup"), q(MDA, "meta")),),
        other_attrs=True,
    ),
    q(MDA, "meta"): Spec({"type": "string!"}, TEXT, other_attrs=True),
    # Resource Data (res)
    q(RES, "resourceData"): Spec({"id": "nmtoken"}, (star(q(RES, "resourceItemRef")), star(q(RES, "resourceItem"))), other_attrs=True),
    q(RES, "resourceItemRef"): Spec({"id": "nmtoken", "ref": "nmtoken!"}, other_attrs=True),
    q(RES, "resourceItem"): Spec(
        {"id": "nmtoken", "mimeType": "string", "context": "yesno"},
        (opt(q(RES, "source")), opt(q(RES, "target")), star(q(RES, "reference"))),
        other_attrs=True,
    ),
    q(RES, "source"): Spec({"href": "string", XML_LANG: "xml_lang"}, ANY, mixed=True, other_attrs=True),
    q(RES, "target"): Spec({"href": "string", XML_LANG: "xml_lang"}, ANY, mixed=True, other_attrs=True),
    q(RES, "reference"): Spec({"href": "string!", XML_LANG: "xml_lang"}, other_attrs=True),
    # Change Tracking (ctr)
    q(CTR, "changeTrack"): Spec({}, (plus(q(CTR, "revisions")),), other_attrs=True),
    q(CTR, "revisions"): Spec(
        {"appliesTo": "nmtoken!", "ref": "nmtoken", "currentVersion": "nmtoken"}, (plus(q(CTR, "revision")),), other_attrs=True
    ),
    # 2.1 5.6.5.4: "Date in one of the formats defined in [NOTE-datetime]", not an xs:dateTime
    q(CTR, "revision"): Spec({"author": "string", "datetime": "note_datetime", "version": "nmtoken"}, (plus(q(CTR, "item")),), other_attrs=True),
    q(CTR, "item"): Spec({"property": "string!"}, TEXT, other_attrs=True),
    # Size and Length Restriction (slr)
    q(SLR, "profiles"): Spec(
        {"generalProfile": "string", "storageProfile": "string"}, (opt(q(SLR, "normalization")), star(OTHER)), other_attrs=True
    ),
    q(SLR, "normalization"): Spec({"general": "normalization", "storage": "normalization"}, other_attrs=True),
    q(SLR, "data"): Spec({"profile": "string!"}, (star(OTHER),), other_attrs=True),
    # Validation (val)
    q(VAL, "validation"): Spec({}, (plus(q(VAL, "rule")),), other_attrs=True),
    q(VAL, "rule"): Spec(
        {
            "isPresent": "string",
            "occurs": "posint",
            "isNotPresent": "string",
            "startsWith": "string",
            "endsWith": "string",
            "existsInSource": "yesno",
            "caseSensitive": "yesno",
            "normalization": "normalization",
            "disabled": "yesno",
        },
        other_attrs=True,
    ),
}

SPECS: dict[str, Spec] = {**CORE, **MODULES}

_FILE, _GROUP, _UNIT = x("file"), x("group"), x("unit")
#: Module elements that may stand at a core extension point, and the core parents allowing them
#: (each at most once per parent, except those in REPEATABLE_MODULES).
MODULE_POINTS: Mapping[str, frozenset[str]] = {
    q(MTC, "matches"): frozenset({_UNIT}),
    q(GLS, "glossary"): frozenset({_UNIT}),
    q(MDA, "metadata"): frozenset({_FILE, _GROUP, _UNIT}),
    q(RES, "resourceData"): frozenset({_FILE, _GROUP, _UNIT}),
    q(CTR, "changeTrack"): frozenset({_FILE, _GROUP, _UNIT}),
    q(SLR, "profiles"): frozenset({_FILE}),
    q(SLR, "data"): frozenset({_FILE, _GROUP, _UNIT}),
    q(VAL, "validation"): frozenset({_FILE, _GROUP, _UNIT}),
}

#: 2.1 4.2.2.5 (and file, group) limits mtc, gls, mda, res, slr and val to "Zero or one" and no longer names
#: ctr:changeTrack: Change Tracking is an informative extension (5.6), and extensions may repeat.
REPEATABLE_MODULES: frozenset[str] = frozenset({q(CTR, "changeTrack")})

#: Module attributes on core elements: name -> value type (slr values depend on the profile in force:
#: checked in xliff20.py).
MODULE_ATTRS: Mapping[str, str] = {
    q(FS, "fs"): "fs",
    q(FS, "subFs"): "string",
    q(SLR, "storageRestriction"): "string",
    q(SLR, "sizeRestriction"): "string",
    q(SLR, "equivStorage"): "string",
    q(SLR, "sizeInfo"): "string",
    q(SLR, "sizeInfoRef"): "string",
}
