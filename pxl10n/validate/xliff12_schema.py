"""XLIFF 1.2 strict schema as tables: content models, attribute types, enumerations.

``xliff-core-1.2-strict.xsd`` as data, so one walker (:mod:`pxl10n.validate.xliff12`)
checks every element without an XSD engine and names the trans-unit in its
messages:

* :data:`MODELS` -- for each element, its content (ordered particles of allowed
  children with their cardinality), its attributes and their types, which are
  required, and whether attributes from other namespaces (``##other``) are allowed;
* :data:`ENUMS` -- every enumerated attribute type, with the ``x-`` extension
  where the schema allows one; :data:`TYPES` -- the other typed values;
* the deprecated constructs the transitional schema still had.

What the specification states lives here; which rule reports a breach lives in
the checker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pxl10n.validate.content_model import OTHER, UNBOUNDED, Particle
from pxl10n.validate.langtags import is_well_formed

# --- value types ---------------------------------------------------------------------------------

_X = re.compile(r"^x-\S+$")
_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_NMTOKEN = re.compile(r"^[\w.\-:\u00B7]+$")
_MIME = re.compile(r"^(text|multipart|message|application|image|audio|video|model)(/.+)*$")


@dataclass(frozen=True)
class Enum:
    """An enumerated attribute type; ``extensible`` admits ``x-`` values, ``is_list`` a space-separated list."""

    values: frozenset[str]
    extensible: bool = True
    is_list: bool = False

    def accepts(self, value: str) -> bool:
        """True when ``value`` (or each token of it, for lists) is listed or an allowed extension."""
        tokens = value.split() if self.is_list else [value]
        return bool(tokens) and all(t in self.values or (self.extensible and _X.match(t)) for t in tokens)


def words(text: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated names in ``text``."""
    return frozenset(text.split())


_RESTYPE = words(
    """auto3state autocheckbox autoradiobutton bedit bitmap button caption cell checkbox checkboxmenuitem
    checkedlistbox colorchooser combobox comboboxexitem comboboxitem component contextmenu ctext cursor
    datetimepicker defpushbutton dialog dlginit edit file filechooser fn font footer frame grid groupbox
    header heading hedit hscrollbar icon iedit keywords label linklabel list listbox listitem ltext menu
    menubar menuitem menuseparator message monthcalendar numericupdown panel popupmenu pushbox pushbutton
    radio radiobuttonmenuitem rcdata row rtext scrollpane separator shortcut spinner splitter state3
    statusbar string tabcontrol table textbox togglebutton toolbar tooltip trackbar tree uri userbutton
    usercontrol var versioninfo vscrollbar window"""
)
_UNIT = words("word page trans-unit bin-unit glyph item instance character line sentence paragraph segment placeable")

#: Every enumerated attribute type of the strict schema.
ENUMS: dict[str, Enum] = {
    "datatype": Enum(words(
        """asp c cdf cfm cpp csharp cstring csv database documentfooter documentheader filedialog form html
        htmlbody ini interleaf javaclass javapropertyresourcebundle javalistresourcebundle javascript jscript
        layout lisp margin menufile messagefile mif mimetype mo msglib pagefooter pageheader parameters pascal
        php plaintext po report resources resx rtf sgml sgmldtd svg vbscript warning winres xhtml xml xmldtd
        xsl xul""")),
    "state": Enum(words(
        """final needs-adaptation needs-l10n needs-review-adaptation needs-review-l10n
        needs-review-translation needs-translation new signed-off translated""")),
    "state-qualifier": Enum(words(
        """exact-match fuzzy-match id-match leveraged-glossary leveraged-inherited leveraged-mt
        leveraged-repository leveraged-tm mt-suggestion rejected-grammar rejected-inaccurate rejected-length
        rejected-spelling tm-suggestion""")),
    "context-type": Enum(words(
        "database element elementtitle linenumber numparams paramnotes record recordtitle sourcefile")),
    "count-type": Enum(words("num-usages repetition total") | _RESTYPE | _UNIT),
    "unit": Enum(_UNIT),
    "restype": Enum(_RESTYPE),
    "size-unit": Enum(words("byte char col cm dlgunit em ex glyph in mm percent pixel point row")),
    "ctype": Enum(words("bold italic underlined link image pb lb")),
    "pos": Enum(words("open close"), extensible=False),
    "assoc": Enum(words("p f b"), extensible=False),
    "annotates": Enum(words("source target general"), extensible=False),
    "alttranstype": Enum(words("proposal previous-version rejected reference accepted")),
    "purpose": Enum(words("information location match"), is_list=True),
    "mtype": Enum(words(
        """abbrev abbreviated-form abbreviation acronym appellation collocation common-name datetime equation
        expanded-form formula head-term initialism international-scientific-term internationalism
        logical-expression materials-management-unit name near-synonym part-number phrase phraseological-unit
        protected romanized-form seg set-phrase short-form sku standard-text symbol synonym synonymous-phrase
        term transcribed-form transliterated-form truncated-term variant""")),
    "reformat": Enum(words(
        "yes no coord coord-x coord-y coord-cx coord-cy font font-name font-size font-weight css-style style "
        "ex-style"), is_list=True),
}
_YESNO = frozenset({"yes", "no"})


def _priority(value: str) -> bool:
    return value.strip().isdigit() and 1 <= int(value) <= 10


#: Non-enumerated typed attributes: type name -> (test, what is expected).
TYPES: dict[str, tuple[Callable[[str], bool], str]] = {
    "yesno": (lambda v: v in _YESNO, "'yes' or 'no'"),
    "lang": (is_well_formed, "a BCP 47 language tag"),
    "datetime": (lambda v: bool(_DATETIME.match(v)), "an xsd:dateTime such as 2024-05-01T12:00:00Z"),
    "nmtoken": (lambda v: bool(_NMTOKEN.match(v)), "an NMTOKEN (no spaces)"),
    "priority": (_priority, "an integer from 1 to 10"),
    "mime": (lambda v: bool(_MIME.match(v)), "a MIME type such as image/png"),
    "version": (lambda v: v == "1.2", "'1.2'"),
}

# --- content models ------------------------------------------------------------------------------

def _p(names: str, low: int = 0, high: int = UNBOUNDED) -> Particle:
    return Particle(words(names), low, high)


@dataclass(frozen=True)
class Model:
    """What one element may hold: ``content`` is elements / mixed / text / empty / any."""

    content: str
    particles: tuple[Particle, ...] = ()
    attrs: Mapping[str, str] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    other_attrs: bool = False
    xml_attrs: frozenset[str] = frozenset()


S = "string"
_RES = {"restype": "restype", "resname": S, "extradata": S, "extype": S, "help-id": S, "menu": S,
        "menu-option": S, "menu-name": S}
_FMT = {"coord": S, "font": S, "css-style": S, "style": S, "exstyle": S}
_SIZE = {"maxbytes": S, "minbytes": S, "size-unit": "size-unit", "maxheight": S, "minheight": S,
         "maxwidth": S, "minwidth": S, "charclass": S}
_TEXT_CONTENT = (_p("g bpt ept ph it mrk x bx ex"),)
_CODE_CONTENT = (_p("sub"),)
_EXTERNAL_REF = (_p("internal-file external-file", 1, 1),)
_INLINE = {"id": S, "xid": S, "equiv-text": S}
_LANG = frozenset({"lang"})
_LANG_SPACE = frozenset({"lang", "space"})
_SPACE_ONLY = frozenset({"space"})


def _req(names: str) -> frozenset[str]:
    return words(names)


#: The strict schema, one entry per element.
MODELS: dict[str, Model] = {
    # strict XSD: <xsd:sequence maxOccurs="unbounded"><xsd:any namespace="##other"/>*<file/></xsd:sequence>;
    # "at least one <file>, the last child a <file>" is checked by the walk (check_root_children)
    "xliff": Model("elements", (_p(f"file {OTHER}"),), {"version": "version"}, _req("version"), True, _LANG),
    "file": Model(
        "elements", (_p("header", 0, 1), _p("body", 1, 1)),
        {"original": S, "source-language": "lang", "datatype": "datatype", "tool-id": S, "date": "datetime",
         "category": S, "target-language": "lang", "product-name": S, "product-version": S, "build-num": S},
        _req("original source-language datatype"), True, _SPACE_ONLY),
    "header": Model("elements", (_p("skl", 0, 1), _p("phase-group", 0, 1),
                                 _p("glossary reference count-group note tool"), _p(OTHER))),
    "skl": Model("elements", _EXTERNAL_REF),
    "glossary": Model("elements", _EXTERNAL_REF),
    "reference": Model("elements", _EXTERNAL_REF),
    "internal-file": Model("text", attrs={"form": S, "crc": S}),
    "external-file": Model("empty", attrs={"href": S, "crc": S, "uid": "nmtoken"}, required=_req("href")),
    "phase-group": Model("elements", (_p("phase", 1),)),
    "phase": Model(
        "elements", (_p("note"),),
        {"phase-name": S, "process-name": S, "company-name": S, "tool-id": S, "date": "datetime", "job-id": S,
         "contact-name": S, "contact-email": S, "contact-phone": S},
        _req("phase-name process-name")),
    "tool": Model("any", attrs={"tool-id": S, "tool-name": S, "tool-version": S, "tool-company": S},
                  required=_req("tool-id tool-name"), other_attrs=True),
    "note": Model("text", attrs={"priority": "priority", "from": S, "annotates": "annotates"}, xml_attrs=_LANG),
    "count-group": Model("elements", (_p("count"),), {"name": S}, _req("name")),
    "count": Model("text", attrs={"count-type": "count-type", "phase-name": S, "unit": "unit"}),  # XSD: count-type optional
    "context-group": Model("elements", (_p("context", 1),), {"name": S, "crc": S, "purpose": "purpose"}),
    "context": Model("text", attrs={"context-type": "context-type", "match-mandatory": "yesno", "crc": S},
                     required=_req("context-type")),
    "body": Model("elements", (_p("group trans-unit bin-unit"),)),
    "group": Model(
        "elements", (_p(f"context-group count-group note {OTHER}"), _p("group trans-unit bin-unit")),
        {"id": S, "datatype": "datatype", **_RES, **_FMT, **_SIZE, "translate": "yesno", "reformat": "reformat",
         "merged-trans": "yesno"},
        other_attrs=True, xml_attrs=_SPACE_ONLY),
    "trans-unit": Model(
        "elements",
        (_p("source", 1, 1), _p("seg-source", 0, 1), _p("target", 0, 1),
         _p("context-group count-group note alt-trans"), _p(OTHER)),
        {"id": S, "approved": "yesno", "translate": "yesno", "reformat": "reformat", "datatype": "datatype",
         "phase-name": S, **_RES, **_FMT, **_SIZE, "merged-trans": "yesno"},
        _req("id"), True, _SPACE_ONLY),
    "source": Model("mixed", _TEXT_CONTENT, other_attrs=True, xml_attrs=_LANG),
    "seg-source": Model("mixed", _TEXT_CONTENT, other_attrs=True, xml_attrs=_LANG),
    "target": Model(
        "mixed", _TEXT_CONTENT,
        {"state": "state", "state-qualifier": "state-qualifier", "phase-name": S, "resname": S,
         "equiv-trans": "yesno", **_FMT},
        other_attrs=True, xml_attrs=_LANG),
    "alt-trans": Model(
        "elements",
        (_p("source", 0, 1), _p("seg-source", 0, 1), _p("target", 1, 1), _p("context-group"), _p("note"),
         _p(OTHER)),
        {"match-quality": S, "tool-id": S, "crc": S, "origin": S, "datatype": "datatype", **_RES, **_FMT,
         "mid": "nmtoken", "phase-name": S, "alttranstype": "alttranstype"},
        other_attrs=True, xml_attrs=_LANG_SPACE),
    "bin-unit": Model(
        "elements",
        (_p("bin-source", 1, 1), _p("bin-target", 0, 1), _p("context-group count-group note trans-unit"),
         _p(OTHER)),
        {"id": S, "mime-type": "mime", "approved": "yesno", "translate": "yesno", "reformat": "reformat",
         "restype": "restype", "resname": S, "phase-name": S},
        _req("id mime-type"), True),
    "bin-source": Model("elements", _EXTERNAL_REF, other_attrs=True),
    "bin-target": Model(
        "elements", _EXTERNAL_REF,
        {"mime-type": "mime", "state": "state", "state-qualifier": "state-qualifier", "phase-name": S,
         "restype": "restype", "resname": S},
        other_attrs=True),
    "g": Model("mixed", _TEXT_CONTENT, {**_INLINE, "ctype": "ctype", "clone": "yesno"}, _req("id"), True),
    "x": Model("empty", attrs={**_INLINE, "ctype": "ctype", "clone": "yesno"}, required=_req("id"),
               other_attrs=True),
    "bx": Model("empty", attrs={**_INLINE, "rid": "nmtoken", "ctype": "ctype", "clone": "yesno"},
                required=_req("id"), other_attrs=True),
    "ex": Model("empty", attrs={**_INLINE, "rid": "nmtoken"}, required=_req("id"), other_attrs=True),
    "bpt": Model("mixed", _CODE_CONTENT, {**_INLINE, "rid": "nmtoken", "ctype": "ctype", "crc": S},
                 _req("id"), True),
    "ept": Model("mixed", _CODE_CONTENT, {**_INLINE, "rid": "nmtoken", "crc": S}, _req("id"), True),
    "ph": Model("mixed", _CODE_CONTENT, {**_INLINE, "ctype": "ctype", "crc": S, "assoc": "assoc"},
                _req("id"), True),
    "it": Model("mixed", _CODE_CONTENT,
                {**_INLINE, "pos": "pos", "rid": "nmtoken", "ctype": "ctype", "crc": S},
                _req("id pos"), True),
    "sub": Model("mixed", _TEXT_CONTENT, {"datatype": "datatype", "ctype": "ctype", "xid": S},
                 other_attrs=True),
    "mrk": Model("mixed", _TEXT_CONTENT, {"mtype": "mtype", "mid": "nmtoken", "comment": S},
                 _req("mtype"), True),
}

#: Deprecated constructs: element -> parents where the transitional schema still had it.
DEPRECATED_ELEMENTS: dict[str, frozenset[str]] = {
    "prop-group": words("header group trans-unit bin-unit"),
    "prop": frozenset(),  # only inside prop-group, which is not descended into
}
#: Deprecated attributes: name -> elements that carried it (None: any XLIFF element).
DEPRECATED_ATTRS: dict[str, frozenset[str] | None] = {"ts": None, "tool": words("file phase alt-trans")}

#: Attributes that define or refer to an identifier of the file or a segment (tool-id, phase-name, xid, mid):
#: the walk records them and resolves them when the <file> ends.
REFERENCE_ATTRS = frozenset({"xid", "phase-name", "mid", "tool-id"})
#: Inline codes that open something: their ids are unique within one source or target (XLF130, XLF133).
START_CODES = words("g x bx ph bpt it")
