"""XLIFF 1.2 conformance (XLF100-XLF199): the rules, and the one walk that checks them.

PX, and every CAT tool a translator round-trips a file through, reads XLIFF 1.2
against ``xliff-core-1.2-strict.xsd``; a file that breaks it is refused or, worse,
silently mangled. The schema lives as tables in :mod:`pxl10n.validate.xliff12_schema`;
this module walks a document once against them and, on the way, gathers the
identity constraints (ids unique per file, references that must resolve) and the
inline-code rules the spec states in prose (bpt/ept pairing, ids unique within a
source or target), resolved when each ``<file>`` ends. Clean trans-units, the
common case, take a fast lane through the same tests that reports nothing; a
whole document that :mod:`pxl10n.validate.xliff12_gate` proves clean from its
bytes is not walked at all.

Deprecated XLIFF 1.2 constructs (``prop-group``, ``ts``, ``tool``) are warnings:
the transitional schema still accepts them and PX exports may carry them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from lxml import etree

from pxl10n.validate.content_model import OTHER, UNBOUNDED, Misfit, Particle, match, mentioned
from pxl10n.validate.context import Context
from pxl10n.validate.langtags import is_well_formed, normalize
from pxl10n.validate.rules import Document, Family, Finding, Rule, error, warning
from pxl10n.validate.xliff12_gate import proves_clean
from pxl10n.validate.xliff12_schema import (
    DEPRECATED_ATTRS,
    DEPRECATED_ELEMENTS,
    ENUMS,
    MODELS,
    REFERENCE_ATTRS,
    START_CODES,
    TYPES,
    Model,
    S,
    words,
)
from pxl10n.xliff import namespaces as ns

XLF100 = error(
    "XLF100", "XLIFF 1.2 element outside the XLIFF 1.2 namespace",
    "XLIFF 1.2 elements live in urn:oasis:names:tc:xliff:document:1.2; a document without it validates "
    "against no schema and many tools (PX included) will not recognise it.",
    'XLIFF 1.2 namespace (urn:oasis:names:tc:xliff:document:1.2)',
)
XLF101 = error(
    "XLF101", "unknown element in the XLIFF 1.2 namespace",
    "The XLIFF 1.2 namespace defines a fixed set of elements; anything else in it is a typo or an "
    "element from another XLIFF version. Extensions belong in their own namespace.",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd)',
)
XLF102 = error(
    "XLF102", "element not allowed here",
    "Each XLIFF 1.2 element admits a fixed set of children (strict schema). Extension elements from other "
    "namespaces are only allowed where the schema has ##other: end of <header>, start of <group>, end of "
    "<trans-unit>, <alt-trans> and <bin-unit>, and anywhere in <tool>.",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd)',
)
XLF103 = error(
    "XLF103", "element out of order",
    "The strict schema fixes the order of children (e.g. <source>, <seg-source>, <target>, then notes and "
    "alternatives in <trans-unit>; <header> before <body> in <file>).",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd)',
)
XLF104 = error(
    "XLF104", "required child element missing",
    "Some children are mandatory: <file> in <xliff>, <body> in <file>, <source> in <trans-unit>, <target> "
    "in <alt-trans>, <context> in <context-group>, <phase> in <phase-group>, <bin-source> in <bin-unit>, "
    "one of <internal-file>/<external-file> in <skl>, <glossary>, <reference>, <bin-source>, <bin-target>.",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd)',
)
XLF105 = error(
    "XLF105", "element occurs too often",
    "Some children may appear at most once: one <header>/<body> per <file>, one <source>, <seg-source> and "
    "<target> per <trans-unit>, one <skl> and <phase-group> per <header>, ...",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd)',
)
XLF106 = error(
    "XLF106", "text not allowed here",
    "Structural elements (<file>, <body>, <group>, <trans-unit>, ...) and empty codes (<x/>, <bx/>, <ex/>, "
    "<external-file/>) hold no character data; stray text there is lost by every tool.",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd)',
)
XLF110 = error(
    "XLF110", "required attribute missing",
    "xliff@version, file@original/source-language/datatype, trans-unit@id, bin-unit@id/mime-type, the id of "
    "every inline code, it@pos, mrk@mtype, context@context-type, count@count-type, count-group@name, "
    "phase@phase-name/process-name, tool@tool-id/tool-name, external-file@href are required.",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd)',
)
XLF111 = error(
    "XLF111", "attribute not allowed on this element",
    "Each element admits a fixed set of XLIFF attributes; attributes from other namespaces only where the "
    "schema has anyAttribute ##other (not on <header>, <body>, <note>, <context>, <count>, <phase>, ...).",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd)',
)
XLF112 = error(
    "XLF112", "attribute value not in its enumeration",
    "datatype, state, state-qualifier, restype, context-type, count-type, unit, size-unit, ctype, mtype, "
    "pos, assoc, annotates, alttranstype, purpose and reformat take listed values; most also accept "
    "'x-' prefixed extensions.",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd)',
)
XLF113 = error(
    "XLF113", "yes/no attribute with another value",
    "approved, translate, clone, merged-trans, match-mandatory and equiv-trans accept exactly 'yes' or 'no'.",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd)',
)
XLF114 = error(
    "XLF114", "invalid language tag",
    "source-language, target-language and xml:lang hold BCP 47 language tags such as 'en-US' or 'zh-Hant-TW' "
    "(hyphens, not underscores; a 2-3 letter language subtag).",
    'XLIFF 1.2 source-language, target-language, xml:lang (language tags per BCP 47)',
)
XLF115 = error(
    "XLF115", "invalid xml:space",
    "xml:space accepts exactly 'default' or 'preserve'.",
    'XML 1.0 section 2.10 White Space Handling',
)
XLF116 = error(
    "XLF116", "attribute value of the wrong type",
    "date is an xsd:dateTime (2024-05-01T12:00:00Z), note@priority an integer 1-10, mid/uid/rid NMTOKENs, "
    "mime-type a MIME type such as image/png.",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd)',
)
XLF117 = error(
    "XLF117", "xliff@version is not 1.2",
    "An XLIFF 1.2 document says version=\"1.2\"; another value means the namespace and version disagree.",
    'XLIFF 1.2 version attribute',
)
XLF120 = error(
    "XLF120", "duplicate trans-unit/bin-unit id",
    "trans-unit and bin-unit ids must be unique within a <file>: tools and PX match translations by id, so "
    "a duplicate silently drops one of the units.",
    'XLIFF 1.2 trans-unit and bin-unit id (unique within a <file>)',
)
XLF121 = error(
    "XLF121", "duplicate identifier",
    "Within a <file>, group ids, header tool-ids, phase-names, count-group names, context-group names and "
    "external-file uids are unique, and so are the mids of the segments of one <seg-source>.",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd) identity constraints',
)
XLF122 = error(
    "XLF122", "reference to an undefined identifier",
    "tool-id (on file, phase, alt-trans) names a header <tool>; phase-name (on trans-unit, target, count, "
    "bin-unit, bin-target) a header <phase>; xid a trans-unit or bin-unit of the same file; a target <mrk> "
    "mid and alt-trans@mid a segment <mrk> of the unit's <seg-source>.",
    'XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd) keyrefs; XLIFF 1.2 xid, mid',
)
XLF130 = error(
    "XLF130", "duplicate <bpt>/<ept> id",
    "A <bpt> is paired with its <ept> by id (or rid), so each <bpt> id and each <ept> id is used once within "
    "one <source>, <seg-source> or <target>; a second one makes the pairing ambiguous.",
    'XLIFF 1.2 bpt, ept (id and rid pairing)',
)
XLF133 = warning(
    "XLF133", "inline code id reused",
    "The 1.2 specification leaves the uniqueness of <g>, <x>, <bx>, <ph> and <it> ids to the tool, but a reused "
    "id makes source and target codes ambiguous for tools that match them by id. An identical copy of the same "
    "code (Angular's <x id=\"INTERPOLATION\" equiv-text=\"{{ n }}\"/> twice, START_BOLD_TEXT for every bold "
    "span) is not reported: it cannot be confused with another code.",
    'XLIFF 1.2 inline element id',
)
XLF131 = error(
    "XLF131", "unpaired <bpt>/<ept>",
    "Each <bpt> has exactly one matching <ept> after it in the same <source>/<target> (matched by rid when "
    "both carry one, else by id), and each <ept> closes a <bpt>. Pairs never span a source and a target.",
    'XLIFF 1.2 bpt, ept (id and rid pairing)',
)
XLF132 = error(
    "XLF132", "unpaired <bx>/<ex> rid",
    "bx@rid is unique within its <source>/<target> and ex@rid must name the rid of a <bx> there.",
    'XLIFF 1.2 bx, ex rid',
)
XLF140 = warning(
    "XLF140", "xml:lang disagrees with the file's language",
    "The <source> and <target> of a trans-unit should be in the file's source-language and target-language "
    "(a SHOULD of the 1.2 prose, which the schema does not enforce); an xml:lang saying otherwise misleads tools. "
    "A more specific tag of the file's language (en-US under en) is not reported.",
    'XLIFF 1.2 source, target xml:lang',
)
XLF150 = warning(
    "XLF150", "deprecated XLIFF 1.2 construct",
    "<prop-group>/<prop>, the ts attribute and the tool attribute are deprecated in XLIFF 1.2 and absent "
    "from the strict schema; use <note>, extension namespaces or <tool>/tool-id instead.",
    'XLIFF 1.2 transitional schema (deprecated constructs)',
)
XLF151 = warning(
    "XLF151", "<group> without units",
    "The XLIFF 1.2 specification says a <group> holds one or more <trans-unit>, <bin-unit> or <group>; an "
    "empty group is accepted by the schema but usually means content was lost.",
    'XLIFF 1.2 group element',
)

#: Every XLIFF 1.2 rule.
RULES: tuple[Rule, ...] = (
    XLF100,
    XLF101,
    XLF102,
    XLF103,
    XLF104,
    XLF105,
    XLF106,
    XLF110,
    XLF111,
    XLF112,
    XLF113,
    XLF114,
    XLF115,
    XLF116,
    XLF117,
    XLF120,
    XLF121,
    XLF122,
    XLF130,
    XLF133,
    XLF131,
    XLF132,
    XLF140,
    XLF150,
    XLF151,
)

#: Value types with a rule of their own (every other typed value is XLF116).
_TYPE_RULES: dict[str, Rule] = {"yesno": XLF113, "lang": XLF114, "version": XLF117}
_XID_HOLDERS = words("g x bx ex ph bpt ept it sub")
_CONTAINERS = words("source target seg-source")
_UNITS = words("trans-unit bin-unit")
#: Pseudo value kinds of the two xml: attributes a model admits (checked like typed values).
_LANG_KIND, _SPACE_KIND = "xml:lang", "xml:space"
_NO_TOKENS: tuple[tuple[str, etree._Element], ...] = ()


@dataclass(frozen=True, slots=True)
class _Spec:
    """What the walk needs of one element's model, worked out once at import (an immutable table)."""

    name: str
    model: Model
    #: children and text are not checked ("any": <tool>)
    opaque: bool
    #: text of its own is an error (element-only and empty content)
    no_text: bool
    #: no element children at all (text-only and empty content)
    leaf: bool
    #: nothing to check when the element carries no attribute
    bare_ok: bool
    #: defines or refers to identifiers of its file (see :meth:`_Checker.index`)
    indexed: bool
    #: nothing to check when it has no child element (no required child, text allowed, not a <file>)
    childless_ok: bool
    #: every name the content model mentions (for the matcher)
    mentioned: frozenset[str]
    #: for a model of one optional, unbounded choice of XLIFF names: the names any sequence of which fits (else None)
    free: frozenset[str] | None
    #: the fast lane (:meth:`_Checker.clean`) may settle it
    fast: bool


def _spec(name: str, model: Model) -> _Spec:
    no_text = model.content in ("elements", "empty")
    leaf = model.content in ("text", "empty")
    childless_ok = not no_text and (leaf or match(model.particles, []).ok) and name not in ("file", "group")
    particles = model.particles
    free = particles[0].names if len(particles) == 1 and not particles[0].min and particles[0].max == UNBOUNDED \
        and OTHER not in particles[0].names else None
    return _Spec(name, model, model.content == "any", no_text, leaf, not model.required, name in _INDEXED,
                 childless_ok, mentioned(particles), free, name in _FAST)


def _value_plan(model: Model, keys: list[str]) -> tuple[tuple[str, str], ...]:
    """The attributes among ``keys`` whose values need a check, with the kind each is checked as."""
    plan: list[tuple[str, str]] = []
    for attr in keys:
        kind = model.attrs.get(attr)
        if kind is not None:
            if kind != S:
                plan.append((attr, kind))
        elif attr == ns.XML_LANG and (model.other_attrs or "lang" in model.xml_attrs):
            plan.append((attr, _LANG_KIND))
        elif attr == ns.XML_SPACE and (model.other_attrs or "space" in model.xml_attrs):
            plan.append((attr, _SPACE_KIND))
    return tuple(plan)


def _value_problem(name: str, attr: str, value: str, kind: str) -> tuple[Rule, str] | None:
    """The rule ``value`` of ``attr`` on ``<name>`` breaks as a ``kind``, with its message; None when it is valid."""
    if kind == _LANG_KIND:
        if value and not is_well_formed(value):
            return XLF114, f"xml:lang {value!r} on <{name}> is not a BCP 47 language tag"
    elif kind == _SPACE_KIND:
        if value not in ("default", "preserve"):
            return XLF115, f"xml:space {value!r} on <{name}> is not 'default' or 'preserve'"
    elif kind in ENUMS:
        if not ENUMS[kind].accepts(value):
            return XLF112, f"{attr}={value!r} on <{name}> is not a valid {kind} value"
    elif kind in TYPES:
        test, expected = TYPES[kind]
        if not test(value):
            return _TYPE_RULES.get(kind, XLF116), f"{attr}={value!r} on <{name}> is not {expected}"
    return None


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Every XLF1xx finding of an XLIFF 1.2 document (nothing for 2.0 or unparsed files)."""
    if doc.tree is None or doc.version != "1.2" or proves_clean(doc):
        return
    yield from _Checker(doc).run()


FAMILY = Family("xliff12", "XLF1", "XLIFF 1.2 conformance", RULES, check, frozenset({"1.2"}))


def _describe(el: etree._Element) -> str:
    """``<trans-unit id="x">``-style name of an element for messages."""
    name = etree.QName(el).localname
    for attr in ("id", "original", "name", "tool-id", "phase-name", "mid"):
        if el.get(attr) is not None:
            return f'<{name} {attr}="{el.get(attr)}">'
    return f"<{name}>"


def _child_name(el: etree._Element) -> str:
    qname = etree.QName(el)
    return f"{el.prefix}:{qname.localname}" if el.prefix else (f"{{{qname.namespace}}}{qname.localname}"
                                                              if qname.namespace else qname.localname)


class _FileIndex:
    """What one ``<file>`` defines and refers to, gathered while it is walked, resolved when it ends."""

    def __init__(self, file_el: etree._Element, outer: _FileIndex | None) -> None:
        self.element = file_el
        #: the index of the <file> this one is (wrongly) nested in, current again when this one ends
        self.outer = outer
        self.units: dict[str, etree._Element] = {}
        #: (element name, attribute) -> value -> first element with it (XLF121 scopes)
        self.keys: dict[tuple[str, str], dict[str, etree._Element]] = {}
        #: (attribute, element, unit id) of every reference to resolve at the end of the file
        self.refs: list[tuple[str, etree._Element, str | None]] = []


#: Identifiers unique within a <file>: element -> attribute (tools and phases only where the header defines them).
_FILE_KEYS = {"group": "id", "count-group": "name", "context-group": "name", "external-file": "uid"}
#: Elements whose phase-name names a header <phase>.
_PHASE_REFS = words("count trans-unit target bin-unit bin-target")
#: Of those, the ones that define no identifier and refer to nothing else.
_PHASE_ONLY = words("count target bin-target")
_REF_TARGETS = {"tool-id": ("tool", "tool-id", "header <tool>"), "phase-name": ("phase", "phase-name", "header <phase>")}
#: Elements :meth:`_Checker.index` has anything to record for (the rest skip it).
_INDEXED = frozenset({"trans-unit", "bin-unit", "tool", "phase", "file", "alt-trans", *_FILE_KEYS, *_PHASE_REFS,
                      *_XID_HOLDERS})
#: Elements the fast lane (:meth:`_Checker.clean`) can settle: a trans-unit's usual content.
_FAST = words("trans-unit source target note g x bx ex ph bpt ept it sub mrk")
#: Inline codes whose id must be unique in a source/target; codes paired by id or rid.
_PLAIN_CODES, _PAIRED_CODES = words("g x ph it"), words("bpt ept bx ex")
#: Child tokens besides element names and :data:`OTHER`: no namespace, not an element, unknown XLIFF name.
_NONE, _SKIP, _UNKNOWN = "#none", "#skip", "#unknown"
#: Every XLIFF 1.2 element's :class:`_Spec`.
_SPECS: dict[str, _Spec] = {name: _spec(name, model) for name, model in MODELS.items()}
_TRANS_UNIT = _SPECS["trans-unit"]


class _Checker:
    """One walk over one document; findings accumulate in order of discovery.

    Memos live here, per document, never in the module: the element names of
    tags, the child sequences found valid, which attribute values each set of
    attribute names needs checked, and the values already found valid (PX files
    repeat the same shapes by the hundred, so most elements are settled by a
    dictionary lookup). A trans-unit is first offered to the fast lane
    (:meth:`settle_unit`), which proves the common clean unit clean in one pass
    with those memos; only a unit it cannot settle gets the full walk, which
    reports.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        assert doc.tree is not None
        self.root = doc.tree.getroot()
        self.ns = etree.QName(self.root).namespace
        self.prefix = f"{{{self.ns}}}" if self.ns else ""
        self.out: list[Finding] = []
        self.file: _FileIndex | None = None
        self._names: dict[str, str | None] = {}
        self._good_sequences: set[tuple[str, ...]] = set()
        #: (element name, attribute names...) found allowed -> the values to check
        self._plans: dict[tuple[object, ...], tuple[tuple[str, str], ...]] = {}
        self._good_values: set[tuple[str, str]] = set()
        #: (element name, attribute names...) -> what the fast lane checks of them (see :meth:`lane_plan`)
        self._lane: dict[tuple[object, ...], _LanePlan | None] = {}
        #: tag -> its child token and spec (see :meth:`token`)
        self._tokens: dict[object, tuple[str, _Spec | None]] = {}

    # -- helpers --------------------------------------------------------------------------------

    def emit(self, rule: Rule, el: etree._Element | None, message: str, unit: str | None = None) -> None:
        """Record one finding (as the 2.0 walker's ``emit`` does); the unit id travels in the finding, not the message."""
        self.out.append(self.doc.finding(rule, message, element=el, unit=unit))

    def xliff(self, el: etree._Element) -> str | None:
        """Local name when ``el`` is an element of the document's XLIFF namespace."""
        tag = el.tag
        if not isinstance(tag, str):
            return None
        try:
            return self._names[tag]
        except KeyError:
            pass
        if self.prefix:
            name = tag[len(self.prefix):] if tag.startswith(self.prefix) else None
        else:
            name = None if tag.startswith("{") else tag
        self._names[tag] = name
        return name

    def run(self) -> list[Finding]:
        if self.ns != ns.XLIFF12:
            shown = self.ns or "no namespace"
            self.emit(XLF100, self.root, f"<xliff> is in {shown}, not {ns.XLIFF12}")
        if self.xliff(self.root) != "xliff":
            self.emit(XLF102, self.root, f"<{_child_name(self.root)}> cannot be the root element; use <xliff>")
            return self.out
        self.walk(self.root, _SPECS["xliff"], None, None)
        self.check_root_children()
        return self.out

    def check_root_children(self) -> None:
        """<xliff> holds (extension elements*, <file>)+: one <file> at least, and every extension before a <file>."""
        children = [c for c in self.root if isinstance(c.tag, str)]
        files = [i for i, c in enumerate(children) if self.xliff(c) == "file"]
        if not files:
            self.emit(XLF104, self.root, "<xliff> lacks required <file>")
            return
        for child in children[files[-1] + 1:]:
            if self.xliff(child) is None and etree.QName(child).namespace not in (None, self.ns):
                self.emit(XLF103, child, f"extension element <{_child_name(child)}> after the last <file> of <xliff> "
                          "(the schema allows extensions only before a <file>)")

    # -- the walk -------------------------------------------------------------------------------

    def walk(self, el: etree._Element, spec: _Spec, unit: str | None, parent: str | None) -> None:
        """Check ``el`` (an XLIFF element of ``spec``), then recurse into its XLIFF children."""
        name = spec.name
        if name in _UNITS:
            unit = el.get("id")
        elif name == "file":
            self.file = _FileIndex(el, self.file)
        keys = el.keys()
        if keys or not spec.bare_ok:
            self.check_attrs(el, spec, cast("list[str]", keys), unit)
        if spec.indexed and self.file is not None:
            self.index(el, name, unit, parent)
        if spec.opaque:
            return
        if not len(el):
            if not spec.childless_ok:
                self.check_childless(el, spec, unit)
            return
        tokens = self.children(el, spec, unit)
        for token, child in tokens:
            child_spec = _SPECS.get(token)
            if child_spec is not None and not (child_spec is _TRANS_UNIT and self.settle_unit(child)):
                self.walk(child, child_spec, unit, name)
        if name in _CONTAINERS:
            self.check_inline(el, name, unit)
        elif name == "trans-unit":
            self.check_trans_unit(el, tokens, unit)
        elif name == "file":
            self.end_file()

    # -- the fast lane: a trans-unit settled from the memos -------------------------------------

    def settle_unit(self, tu: etree._Element) -> bool:
        """True when ``tu`` is settled clean without the full walk (its id then recorded); False: walk it.

        PX files repeat one unit shape by the hundred, and a clean unit is the common case: :meth:`clean`
        proves one clean in a single pass over its elements, and the full walk only sees the others.
        """
        file = self.file
        uid = tu.get("id")
        if file is None or uid is None or uid in file.units or not self.clean(tu, _TRANS_UNIT, tu.keys()):
            return False
        file.units[uid] = tu
        return True

    def clean(self, el: etree._Element, spec: _Spec, keys: Sequence[object]) -> bool:
        """True only when :meth:`walk` would report nothing for ``el`` (of ``spec``, with attributes ``keys``)
        and record nothing but a unit id.

        It runs the walk's own tests and fills the same memos with their answers, but reports nothing:
        whatever it finds wrong or cannot tell cheaply (an identifier to record, a code id used twice,
        any element outside :data:`_FAST`) makes it answer False, and then the full walk checks the
        unit and reports. So a fast answer is never a different one, only an earlier one.
        """
        if (keys or not spec.bare_ok) and not self.attrs_ok(el, spec, keys):
            return False
        if not len(el):
            return spec.childless_ok or self.clean_childless(el, spec)
        if spec.no_text and (text := el.text) and not text.isspace():
            return False
        deeper = self.clean_children(el, spec)
        if deeper is None:
            return False
        for child_spec, child in deeper:
            if not self.clean(child, child_spec, child.keys()):
                return False
        return True

    def clean_children(self, el: etree._Element, spec: _Spec) -> list[tuple[_Spec, etree._Element]] | None:
        """The children of ``el`` (which has some) in one pass, the childless ones settled on the spot: None
        when they are not clean, else the children that have children of their own, to settle in turn."""
        name, no_text, memo = spec.name, spec.no_text, self._tokens
        tokens: list[str] = []
        deeper: list[tuple[_Spec, etree._Element]] = []
        #: codes all childless, start-code ids distinct, no bpt/ept/bx/ex: then check_inline has nothing to say
        plain = True
        ids: set[str] = set()
        for child in el:
            tag = child.tag
            token, child_spec = memo[tag] if tag in memo else self.token(child)
            if no_text and (tail := child.tail) and not tail.isspace():
                return None
            if child_spec is None:
                if token == _SKIP:
                    continue
                if token == _UNKNOWN:
                    return None
                tokens.append(token)  # an extension element: not walked, but its content counts as inline
                plain = plain and not len(child)
                continue
            tokens.append(token)
            if not child_spec.fast:
                return None
            if len(child):
                deeper.append((child_spec, child))
                plain = False
                continue
            child_keys = child.keys()
            if child_keys or not child_spec.bare_ok:
                if not self.attrs_ok(child, child_spec, child_keys):
                    return None
                if token in _PAIRED_CODES:
                    plain = False
                elif plain and token in _PLAIN_CODES and (code_id := child.get("id")) is not None:
                    plain = code_id not in ids
                    ids.add(code_id)
            if not child_spec.childless_ok and not self.clean_childless(child, child_spec):
                return None
        if tokens if spec.leaf else not self.fits(spec, tokens):
            return None
        return deeper if plain or name not in _CONTAINERS or not self.inline_problems(el, name) else None

    def attrs_ok(self, el: etree._Element, spec: _Spec, keys: Sequence[object]) -> bool:
        """:meth:`check_attrs` would report nothing, :meth:`index` record nothing and (on a source or target)
        :meth:`check_language` report nothing."""
        signature = (spec.name, *keys)
        lane = self._lane[signature] if signature in self._lane else self.lane_plan(el, spec, signature)
        if lane is None:
            return False
        good = self._good_values
        for attr, kind in lane[0]:
            value = el.get(attr, "")
            if (kind, value) not in good:
                if _value_problem(spec.name, attr, value, kind) is not None:
                    return False
                if len(value) < 32:
                    good.add((kind, value))
        return not lane[1] or self.clean_language(el, spec.name)

    def lane_plan(self, el: etree._Element, spec: _Spec, signature: tuple[object, ...]) -> _LanePlan | None:
        """What the fast lane checks of an element with these attribute names: the values (its
        :meth:`check_attrs` plan) and whether its xml:lang must agree with the file; None when the names
        alone send it to the full walk (not allowed, a required one missing, or an identifier to record).
        Depends on the names alone, so it is remembered by them."""
        names = cast("list[str]", list(signature[1:]))
        lane: _LanePlan | None = None
        if REFERENCE_ATTRS.isdisjoint(names):
            plan = self._plans.get(signature)
            if plan is None and not self.attr_name_problems(el, spec.name, spec.model, names):
                plan = self._plans[signature] = _value_plan(spec.model, names)
            if plan is not None:
                lane = (plan, ns.XML_LANG in names and spec.name in _CONTAINERS)
        self._lane[signature] = lane
        return lane

    def clean_childless(self, el: etree._Element, spec: _Spec) -> bool:
        """:meth:`check_childless` would report nothing (the fast lane's view of it)."""
        if spec.no_text and (text := el.text) and not text.isspace():
            return False
        return spec.leaf or self.fits(spec, [])

    def clean_language(self, el: etree._Element, name: str) -> bool:
        """A source or target xml:lang that agrees with its file's language (no XLF140)."""
        assert self.file is not None
        lang = el.get(ns.XML_LANG)
        return not lang or _language_problem(el, name, lang, self.file.element) is None

    def fits(self, spec: _Spec, tokens: list[str]) -> bool:
        """The children ``tokens`` of an element of ``spec`` are known to fit its model."""
        free = spec.free
        if free is not None and free.issuperset(tokens):
            return True
        key = (spec.name, *tokens)
        if key in self._good_sequences:
            return True
        if not match(spec.model.particles, [(token, token == OTHER) for token in tokens], spec.mentioned).ok:
            return False
        self._good_sequences.add(key)
        return True

    def token(self, child: etree._Element) -> tuple[str, _Spec | None]:
        """How :meth:`children` sees a child (its XLIFF name, :data:`OTHER`, no namespace, not an element or
        an unknown XLIFF name) and its spec, which depend on its tag alone, so they are remembered by tag."""
        tag = child.tag
        name = self.xliff(child)
        if not isinstance(tag, str):
            token = _SKIP
        elif name is None:
            namespace = etree.QName(child).namespace
            token = OTHER if namespace is not None and namespace != self.ns else _NONE
        else:
            token = name if name in _SPECS else _UNKNOWN
        found = self._tokens[tag] = (token, _SPECS.get(token))
        return found

    def check_childless(self, el: etree._Element, spec: _Spec, unit: str | None) -> None:
        """An element without child elements: text where none may be, and what its model requires."""
        name = spec.name
        if spec.no_text:
            text = el.text
            if text and not text.isspace():
                self.emit(XLF106, el, f"<{name}> may not contain text", unit)
        if not spec.leaf:
            self.check_children(el, spec, (name,), _NO_TOKENS, unit)
        if name == "file":
            self.end_file()

    def end_file(self) -> None:
        """The end of a <file>: its references resolved, its index dropped (the outer one's back, if any)."""
        self.resolve_file()
        assert self.file is not None
        self.file = self.file.outer

    def children(self, el: etree._Element, spec: _Spec, unit: str | None) -> list[tuple[str, etree._Element]]:
        """(token, child) of every child element that is XLIFF or an extension, checked against the model.

        Children that are neither (deprecated, unknown XLIFF names) are reported here and left out.
        """
        name, no_text, memo = spec.name, spec.no_text, self._tokens
        tokens: list[tuple[str, etree._Element]] = []
        text = no_text and bool((own := el.text) and not own.isspace())
        for child in el:
            tag = child.tag
            token = memo[tag][0] if tag in memo else self.token(child)[0]
            if no_text and not text and (tail := child.tail) and not tail.isspace():
                text = True
            if token == _UNKNOWN:
                self.unknown_child(child, self.xliff(child) or "", name, unit)
            elif token != _SKIP:
                tokens.append((token, child))
        if text:
            self.emit(XLF106, el, f"<{name}> may not contain text", unit)
        if spec.leaf:
            for _, child in tokens:
                self.emit(XLF102, child, f"<{_child_name(child)}> is not allowed in <{name}>", unit)
        else:
            self.check_children(el, spec, (name, *[token for token, _ in tokens]), tokens, unit)
        return tokens

    def unknown_child(self, child: etree._Element, child_name: str, name: str, unit: str | None) -> None:
        """A child in the XLIFF namespace that no model names: deprecated (XLF150), misplaced or unknown."""
        if child_name not in DEPRECATED_ELEMENTS:
            self.emit(XLF101, child, f"<{child_name}> is not an XLIFF 1.2 element (in <{name}>)", unit)
        elif name in DEPRECATED_ELEMENTS[child_name]:
            self.emit(XLF150, child, f"<{child_name}> in <{name}> is deprecated in XLIFF 1.2", unit)
        else:
            self.emit(XLF102, child, f"<{child_name}> is not allowed in <{name}>", unit)

    def check_children(self, el: etree._Element, spec: _Spec, key: tuple[str, ...],
                       tokens: Sequence[tuple[str, etree._Element]], unit: str | None) -> None:
        """The child sequence ``key`` against the content model (a sequence seen valid before is settled by lookup)."""
        name = spec.name
        free = spec.free
        if free is not None and free.issuperset(key[1:]):
            pass  # any sequence of these names fits this model
        elif key not in self._good_sequences:
            before = len(self.out)
            self.check_sequence(el, spec, tokens, unit)
            if len(self.out) == before:
                self._good_sequences.add(key)
        if name == "group" and not any(t in ("group", "trans-unit", "bin-unit") for t, _ in tokens):
            self.emit(XLF151, el, f"{_describe(el)} holds no <trans-unit>, <bin-unit> or <group>", unit)

    def check_sequence(self, el: etree._Element, spec: _Spec, tokens: Sequence[tuple[str, etree._Element]],
                       unit: str | None) -> None:
        """Children against the element's particles (the shared content-model matcher)."""
        name, particles = spec.name, spec.model.particles
        result = match(particles, [(token, token == OTHER) for token, _ in tokens], spec.mentioned)
        if result.ok:
            return
        previous: dict[int, str] = {}
        last: str | None = None
        for index, (token, child) in enumerate(tokens):
            previous[index] = last or ""
            if result.placed[index] is not None:
                last = self.shown(token, child)
        for index, why in result.misfits:
            token, child = tokens[index]
            shown = self.shown(token, child)
            if why is Misfit.TOO_MANY:
                high = particles[_step_of(particles, token)].max
                self.emit(XLF105, child, f"{_describe(el)} has more than {high} <{shown}>", unit)
            elif why is Misfit.ORDER:
                self.emit(XLF103, child, f"<{shown}> is out of order in {_describe(el)} (after <{previous[index]}>)", unit)
            elif token == OTHER:
                self.emit(XLF102, child, f"extension element <{shown}> is not allowed in <{name}>", unit)
            else:
                self.emit(XLF102, child, f"<{shown}> is not allowed in <{name}>", unit)
        for step, _ in result.missing:
            wanted = " or ".join(f"<{n}>" for n in sorted(particles[step].names))
            self.emit(XLF104, el, f"{_describe(el)} lacks required {wanted}", unit)

    @staticmethod
    def shown(token: str, child: etree._Element) -> str:
        """How a child is named in messages."""
        if token == OTHER:
            return _child_name(child)
        if token == _NONE:
            return f"{_child_name(child)} (no namespace)"
        return token

    def check_attrs(self, el: etree._Element, spec: _Spec, keys: list[str], unit: str | None) -> None:
        """Attributes allowed, typed and present; a set of names seen valid before only has its values checked."""
        signature = (spec.name, *keys)
        plan = self._plans.get(signature)
        if plan is None:
            problems = self.attr_name_problems(el, spec.name, spec.model, keys)
            for rule, message, _ in problems:
                self.emit(rule, el, message, unit)
            plan = _value_plan(spec.model, keys)
            if not problems:
                self._plans[signature] = plan
        good = self._good_values
        for attr, kind in plan:
            value = el.get(attr, "")
            if (kind, value) not in good:
                self.check_value(el, spec.name, attr, value, kind, unit)

    def attr_name_problems(self, el: etree._Element, name: str, model: Model, keys: list[str]) -> list[_Problem]:
        """Which attributes are not allowed here, and the required ones missing."""
        problems: list[_Problem] = []
        for key in keys:
            if key in model.attrs:
                continue
            qname = etree.QName(key)
            local, namespace = qname.localname, qname.namespace
            if namespace is None:
                if local in DEPRECATED_ATTRS and (DEPRECATED_ATTRS[local] is None or name in DEPRECATED_ATTRS[local]):
                    problems.append((XLF150, f"{local} on <{name}> is deprecated in XLIFF 1.2", el))
                else:
                    problems.append((XLF111, f"attribute {local} is not allowed on <{name}>", el))
            elif namespace == ns.XML:
                if local in ("lang", "space"):
                    if local not in model.xml_attrs and not model.other_attrs:
                        problems.append((XLF111, f"xml:{local} is not allowed on <{name}>", el))
                elif not model.other_attrs:
                    problems.append((XLF111, f"xml:{local} is not allowed on <{name}>", el))
            elif namespace == self.ns or not model.other_attrs:
                prefix = next((p for p, uri in el.nsmap.items() if uri == namespace and p), None)
                shown = f"{prefix}:{local}" if prefix else key
                problems.append((XLF111, f"attribute {shown} is not allowed on <{name}>", el))
        for attr in sorted(model.required):
            if el.get(attr) is None:
                problems.append((XLF110, f"{_describe(el)} lacks required attribute {attr}", el))
        return problems

    def check_value(self, el: etree._Element, name: str, attr: str, value: str, kind: str,
                    unit: str | None) -> None:
        """One attribute value against its type; a valid short value is remembered for this document."""
        problem = _value_problem(name, attr, value, kind)
        if problem is not None:
            self.emit(problem[0], el, problem[1], unit)
        elif len(value) < 32:
            self._good_values.add((kind, value))

    # -- per-file constraints, gathered during the walk --------------------------------------------

    def index(self, el: etree._Element, name: str, unit: str | None, parent: str | None) -> None:
        """Record what ``el`` defines (ids, keys) and refers to (tool-id, phase-name, xid) in its file."""
        file = self.file
        assert file is not None
        if name in _XID_HOLDERS:  # inline codes define nothing; they may only refer to a unit
            if el.get("xid") is not None:
                file.refs.append(("xid", el, unit))
            return
        if name in _PHASE_ONLY:  # define nothing; may only name a phase
            if el.get("phase-name") is not None:
                file.refs.append(("phase-name", el, unit))
            return
        if name in _UNITS:
            self.unit_id(file, el, name)
            if name == "trans-unit":  # defines its id, refers to a phase at most
                if el.get("phase-name") is not None:
                    file.refs.append(("phase-name", el, unit))
                return
        attr = self.key_attr(el, name, parent)
        if attr is not None:
            self.key(file, el, name, attr, unit)
        if (name in ("file", "phase") or (name == "alt-trans" and parent == "trans-unit")) and el.get("tool-id") is not None:
            file.refs.append(("tool-id", el, unit))
        if name in _PHASE_REFS and el.get("phase-name") is not None:
            file.refs.append(("phase-name", el, unit))

    def unit_id(self, file: _FileIndex, el: etree._Element, name: str) -> None:
        """A trans-unit or bin-unit id, unique in its file (XLF120)."""
        uid = el.get("id")
        if uid is None:
            return
        first = file.units.get(uid)
        if first is not None:
            self.emit(XLF120, el, f"<{name}> id {uid!r} is already used on line {first.sourceline} of this <file>", uid)
        else:
            file.units[uid] = el

    def key_attr(self, el: etree._Element, name: str, parent: str | None) -> str | None:
        """The attribute that makes ``el`` an identifier unique in its file, if it is one."""
        if name == "tool":
            return "tool-id" if parent == "header" else None
        if name == "phase":
            grandparent = el.getparent()
            grandparent = grandparent.getparent() if grandparent is not None else None
            ok = parent == "phase-group" and grandparent is not None and self.xliff(grandparent) == "header"
            return "phase-name" if ok else None
        return _FILE_KEYS.get(name)

    def key(self, file: _FileIndex, el: etree._Element, name: str, attr: str, unit: str | None) -> None:
        """An identifier unique in its file (XLF121)."""
        value = el.get(attr)
        if value is None:
            return
        seen = file.keys.setdefault((name, attr), {})
        if value in seen:
            self.emit(XLF121, el, f"<{name}> {attr} {value!r} is already used on line {seen[value].sourceline} of "
                      "this <file>", unit)
        else:
            seen[value] = el

    def resolve_file(self) -> None:
        """Every tool-id, phase-name and xid of the file names something the file defines (XLF122)."""
        file = self.file
        assert file is not None
        for attr, el, unit in file.refs:
            value = el.get(attr)
            if attr == "xid":
                known: Mapping[str, etree._Element] = file.units
                what = "<trans-unit>/<bin-unit> of this file"
            else:
                name, key, what = _REF_TARGETS[attr]
                known = file.keys.get((name, key), {})
            if value not in known:
                self.emit(XLF122, el, f"{attr} {value!r} on <{self.xliff(el)}> names no {what}", unit)

    def check_trans_unit(self, tu: etree._Element, tokens: Sequence[tuple[str, etree._Element]],
                         uid: str | None) -> None:
        """Segment mids resolve and source/target languages agree with the file's."""
        file_el = self.file.element if self.file is not None else tu
        mids: dict[str, etree._Element] = {}
        refs: list[etree._Element] = []
        for name, child in tokens:
            if name == "seg-source":
                self.segment_mids(child, mids, uid)
            elif name == "target" and len(child):
                refs.extend(m for m in child if self.xliff(m) == "mrk")
            elif name == "alt-trans":
                refs.append(child)
            if name in _CONTAINERS and (lang := child.get(ns.XML_LANG)):
                self.check_language(child, name, lang, file_el, uid)
        for el in refs:
            mid = el.get("mid")
            if mid is not None and mid not in mids:
                self.emit(XLF122, el, f"mid {mid!r} on <{self.xliff(el)}> names no segment <mrk> of the "
                          "<seg-source>", uid)

    def segment_mids(self, seg_source: etree._Element, mids: dict[str, etree._Element], uid: str | None) -> None:
        """The mids of a <seg-source>'s segment <mrk>s, each used once (XLF121)."""
        for mrk in seg_source:
            mid = mrk.get("mid") if self.xliff(mrk) == "mrk" else None
            if mid is None:
                continue
            if mid in mids:
                self.emit(XLF121, mrk, f"<mrk> mid {mid!r} is already used on line {mids[mid].sourceline} "
                          "of this <file>", uid)
            else:
                mids[mid] = mrk

    def check_language(self, child: etree._Element, name: str, lang: str, file_el: etree._Element,
                       uid: str | None) -> None:
        """A source/target xml:lang agrees with its file's language (XLF140)."""
        message = _language_problem(child, name, lang, file_el)
        if message is not None:
            self.emit(XLF140, child, message, uid)

    def check_inline(self, container: etree._Element, name: str, unit: str | None) -> None:
        """Inline ids unique, bpt/ept paired and bx/ex rids resolved within one source/target."""
        for rule, message, el in self.inline_problems(container, name):
            self.emit(rule, el, message, unit)

    def inline_problems(self, container: etree._Element, name: str) -> list[_Problem]:
        """What :meth:`check_inline` reports for ``container``, in order (nothing: its codes are sound)."""
        where = f"<{name}>"
        problems: list[_Problem] = []
        inline = [(self.xliff(el), el) for el in container.iterdescendants()]
        bx_rids = _bx_rids(inline, where, problems)
        starts: dict[str, etree._Element] = {}
        ends: dict[str, etree._Element] = {}
        open_bpts: list[etree._Element] = []
        for code, el in inline:
            if code is None:
                continue
            if code in START_CODES or code == "ept":
                self.inline_id(code, el, ends if code == "ept" else starts, where, problems)
            if code == "bpt":
                open_bpts.append(el)
            elif code == "ept":
                found = next((b for b in open_bpts if _pairs(b, el)), None)
                if found is None:
                    problems.append((XLF131, f"<ept id=\"{el.get('id')}\"> has no earlier matching <bpt> in {where}",
                                     el))
                else:
                    open_bpts.remove(found)
            elif code == "ex" and el.get("rid") is not None and el.get("rid") not in bx_rids:
                problems.append((XLF132, f"<ex> rid {el.get('rid')!r} names no <bx> in {where}", el))
        problems.extend((XLF131, f"<bpt id=\"{bpt.get('id')}\"> has no matching <ept> in {where}", bpt)
                        for bpt in open_bpts)
        return problems

    def inline_id(self, code: str, el: etree._Element, table: dict[str, etree._Element], where: str,
                  problems: list[_Problem]) -> None:
        """A start code's (or an <ept>'s) id used once in its source/target (XLF130, XLF133)."""
        code_id = el.get("id")
        if code_id is None:
            return
        first = table.get(code_id)
        if first is None:
            table[code_id] = el
        elif code in ("bpt", "ept") and self.xliff(first) in ("bpt", "ept"):
            problems.append((XLF130, f"<{code}> id {code_id!r} is used twice in {where}", el))
        elif not _same_code(first, el):
            problems.append((XLF133, f"<{code}> id {code_id!r} is used twice in {where}", el))


#: The values to check (attribute, kind), and whether the xml:lang must agree with the file's language.
_LanePlan = tuple[tuple[tuple[str, str], ...], bool]
#: A finding to be: its rule, its message and the element it is about.
_Problem = tuple[Rule, str, etree._Element]


def _bx_rids(inline: list[tuple[str | None, etree._Element]], where: str,
             problems: list[_Problem]) -> dict[str, etree._Element]:
    """Every <bx> rid of one source/target, each used once (XLF132)."""
    rids: dict[str, etree._Element] = {}
    for code, bx in inline:
        rid = bx.get("rid") if code == "bx" else None
        if rid is None:
            continue
        if rid in rids:
            problems.append((XLF132, f"<bx> rid {rid!r} is used twice in {where}", bx))
        else:
            rids[rid] = bx
    return rids


def _language_problem(child: etree._Element, name: str, lang: str, file_el: etree._Element) -> str | None:
    """Why a source/target ``xml:lang`` disagrees with its file's language (XLF140), None when it agrees."""
    which = "target-language" if name == "target" else "source-language"
    expected = file_el.get(which)
    if expected and is_well_formed(lang) and not _same_or_subtag(lang, expected):
        return f"<{name}> xml:lang {lang!r} differs from file {which} {expected!r}"
    return None


def _step_of(particles: tuple[Particle, ...], token: str) -> int:
    return next(i for i, part in enumerate(particles) if token in part.names)


def _same_code(a: etree._Element, b: etree._Element) -> bool:
    """The same placeholder written twice (Angular's <x id="INTERPOLATION" equiv-text="{{ n }}"/>): one element
    name, the same attributes and content. Reusing an id for such a copy loses nothing."""
    return (a.tag == b.tag and sorted(a.items()) == sorted(b.items()) and not len(a) and not len(b)
            and (a.text or "") == (b.text or ""))


def _same_or_subtag(lang: str, expected: str) -> bool:
    """``en-US`` under ``en`` (or ``en-US``) agrees; ``en`` under ``en-US`` does not."""
    have, want = normalize(lang).lower(), normalize(expected).lower()
    return have == want or have.startswith(want + "-")


def _pairs(bpt: etree._Element, ept: etree._Element) -> bool:
    """bpt/ept match by rid when both carry one, else by id."""
    if bpt.get("rid") is not None and ept.get("rid") is not None:
        return bpt.get("rid") == ept.get("rid")
    return bpt.get("id") is not None and bpt.get("id") == ept.get("id")
