"""The XLIFF 2.0 rules (XLF200-XLF299), one constant each.

Kept apart from the checking code so the helpers of :mod:`pxl10n.validate.xliff20`
can import the rule objects without an import cycle. Clauses cite OASIS XLIFF
Version 2.0 (core: chapter 4, fragment identification: chapter 3, modules:
chapter 5).
"""

from __future__ import annotations

from pxl10n.validate.rules import Rule, error, warning

XLF201 = error(
    "XLF201",
    'element not allowed here',
    'The element is not part of XLIFF 2.0 (an unknown name in the core or a module namespace, or an element in no'
    " namespace), or its parent's content model has no place for it: extension elements from other namespaces are"
    ' allowed only at the extension points of <file>, <skeleton>, <group>, <unit> and the module points that '
    'declare them (core 4.2, 4.9.1 Extension Points), and inline elements only inside <source>, <target>, <pc> '
    'and <mrk>.',
    "XLIFF 2.0 core 4.2, 4.9.1 Extension Points",
)

XLF202 = error(
    "XLF202",
    'child missing, repeated or out of order',
    'Each XLIFF 2.0 element has a fixed sequence of children (core 4.2, e.g. <unit>: extensions, then zero or one'
    ' <notes>, then zero or one <originalData>, then one or more <segment>/<ignorable>). A required child is '
    'missing, a zero-or-one child or module element occurs twice, or children come in the wrong order.',
    "XLIFF 2.0 core 4.2 (element content models)",
)

XLF203 = error(
    "XLF203",
    'text where only elements are allowed',
    'Only <skeleton>, <note>, <data>, <source>, <target>, <pc>, <mrk> and the text-bearing module elements hold '
    'character data (core 4.2); structural elements such as <file>, <unit> or <segment> may contain only '
    'whitespace between their children, and empty elements such as <ph>, <sc> or <cp> none at all.',
    "XLIFF 2.0 core 4.2",
)

XLF204 = error(
    "XLF204",
    'required attribute missing',
    'The schema marks this attribute as required.',
    "XLIFF 2.0 core 4.2, 4.3 (required attributes)",
)

XLF205 = error(
    "XLF205",
    'attribute not allowed',
    'The attribute is not defined for this element. Attributes from other namespaces are allowed only on <xliff>,'
    ' <file>, <group>, <unit>, <note>, <mrk>, <sm>, <pc>, <sc>, <ec> and <ph> (core 4.9.1 Extension Points); '
    'attributes in a module namespace must be ones the module defines.',
    "XLIFF 2.0 chapter 5",
)

XLF206 = error(
    "XLF206",
    'attribute value outside its value space',
    "The value does not belong to the attribute's type (core 4.3.1): yes|no flags, canReorder yes|no|firstNo, "
    'state initial|translated|reviewed|final, type fmt|ui|quote|link|image|other on codes, prefix:value for '
    'subType/subState/group and unit type (the xlf prefix being reserved), dir ltr|rtl|auto, appliesTo '
    'source|target, priority 1-10, positive integer order, NMTOKEN ids, xml:space default|preserve, and the '
    'module attribute types.',
    "XLIFF 2.0 core 4.3.1",
)

XLF207 = error(
    "XLF207",
    'unsupported XLIFF version',
    'The version attribute of <xliff> must be 2.0 for an XLIFF 2.0 document; 2.1 documents use the same '
    'namespace and are accepted.',
    "XLIFF 2.0 core 4.2.2.1 xliff",
)

XLF208 = error(
    "XLF208",
    'malformed language tag',
    'srcLang, trgLang and xml:lang hold language tags as defined by BCP 47 (core 4.3.1 srcLang/trgLang, 4.3.2.1 '
    'xml:lang); this value is not a well-formed tag.',
    "XLIFF 2.0 core 4.3.1 srcLang/trgLang, 4.3.2.1 xml:lang",
)

XLF210 = error(
    "XLF210",
    'duplicate file id',
    'The id of a <file> must be unique among all <file> ids of the enclosing <xliff>.',
    "XLIFF 2.0 core 4.3.1 id",
)

XLF211 = error(
    "XLF211",
    'duplicate group or unit id',
    'The id of a <group> must be unique among the <group> ids of its <file>, and the id of a <unit> among the '
    '<unit> ids of its <file> (core 4.3.1 id); fragment identifiers and subFlows rely on it.',
    "XLIFF 2.0 core 4.3.1 id",
)

XLF212 = error(
    "XLF212",
    'duplicate note id',
    'The id of a <note> must be unique among the <note> ids of its enclosing <notes>.',
    "XLIFF 2.0 core 4.3.1 id",
)

XLF213 = error(
    "XLF213",
    'duplicate data id',
    'The id of a <data> must be unique among the <data> ids of its enclosing <originalData>.',
    "XLIFF 2.0 core 4.3.1 id",
)

XLF214 = error(
    "XLF214",
    'duplicate id within a unit',
    'The ids of <segment>, <ignorable>, <mrk>, <sm>, <pc>, <sc>, <ec> and <ph> must be unique within their <unit>'
    ' (core 4.3.1 id). Inline elements of <target> reuse the ids of their counterparts in <source>, so target ids'
    ' are checked among the targets of the unit.',
    "XLIFF 2.0 core 4.3.1 id",
)

XLF215 = error(
    "XLF215",
    'target element id matches a different source element',
    'An inline element in <target> must use the id of its corresponding element in <source> (core 4.3.1 id, 4.7.7'
    ' Target Content Modification); this id belongs to a source element of another kind (or to a segment).',
    "XLIFF 2.0 core 4.3.1 id, 4.7.7 Target Content Modification",
)

XLF220 = error(
    "XLF220",
    'trgLang missing while targets exist',
    'The trgLang attribute of <xliff> is required when the document contains <target> elements in <segment> or '
    '<ignorable>.',
    "XLIFF 2.0 core 4.3.1 trgLang",
)

XLF221 = error(
    "XLF221",
    'source xml:lang differs from srcLang',
    'The xml:lang of a <source> in a <segment> or <ignorable> must equal the srcLang of <xliff>.',
    "XLIFF 2.0 core 4.2.2.12",
)

XLF222 = error(
    "XLF222",
    'target xml:lang differs from trgLang',
    'The xml:lang of a <target> in a <segment> or <ignorable> must equal the trgLang of <xliff>.',
    "XLIFF 2.0 core 4.2.2.13",
)

XLF225 = error(
    "XLF225",
    'unit without a segment',
    'A <unit> must contain at least one <segment>; <ignorable> elements alone do not make a unit.',
    "XLIFF 2.0 core 4.2.2.5",
)

XLF226 = error(
    "XLF226",
    'subState without state',
    'When subState is used on a <segment>, state must be explicitly set as well.',
    "XLIFF 2.0 core 4.3.1 subState",
)

XLF227 = error(
    "XLF227",
    'invalid target order',
    'The order attribute of <target> must be between 1 and the number of <segment> and <ignorable> elements of '
    "the unit, and the resulting positions (explicit order, or the element's own position by default) must be "
    'unique within the unit.',
    "XLIFF 2.0 core 4.3.1 order, 4.8.2 Segments Order",
)

XLF228 = error(
    "XLF228",
    'skeleton needs href or content, not both',
    'A <skeleton> either points to an external skeleton with href and is empty, or holds the skeleton as content '
    'without href.',
    "XLIFF 2.0 core 4.2.2.3",
)

XLF230 = error(
    "XLF230",
    'ec/startRef does not match a preceding sc',
    'The startRef of a non-isolated <ec> must be the id of an <sc> that precedes it in the same unit, on the same'
    ' side (source or target), and each <sc> is closed at most once.',
    "XLIFF 2.0 core 4.2.3.5 ec, 4.7.2 Inline Codes",
)

XLF231 = error(
    "XLF231",
    'ec uses id/startRef inconsistently with isolated',
    "If and only if isolated='yes', an <ec> uses id instead of startRef; otherwise it must have startRef and no "
    'id.',
    "XLIFF 2.0 core 4.2.3.5 ec",
)

XLF232 = error(
    "XLF232",
    'isolated flag does not match the pairing',
    "isolated must be 'yes' on an <sc> if and only if its <ec> is not in the same unit (core 4.2.3.4 sc, 4.3.1 "
    "isolated): an <sc> without <ec> must say isolated='yes', and an isolated <sc> must not be closed in the "
    'unit.',
    "XLIFF 2.0 core 4.2.3.4 sc, 4.3.1 isolated",
)

XLF233 = error(
    "XLF233",
    'em/startRef does not match a preceding sm',
    'The startRef of an <em> must be the id of an <sm> that precedes it in the same unit and on the same side.',
    "XLIFF 2.0 core 4.2.3.8 em, 4.7.3 Annotations",
)

XLF234 = error(
    "XLF234",
    'sm without em',
    'An annotation started with <sm> must be ended by an <em> in the same unit; markers have no isolated form.',
    "XLIFF 2.0 core 4.2.3.7 sm",
)

XLF235 = error(
    "XLF235",
    'dataRef does not resolve',
    'dataRef, dataRefStart and dataRefEnd must hold the id of a <data> element in the <originalData> of the '
    'enclosing unit (or of the enclosing <mtc:match>).',
    "XLIFF 2.0 core 4.3.1 dataRef, dataRefStart, dataRefEnd",
)

XLF236 = error(
    "XLF236",
    'subFlows references an unknown unit',
    'subFlows, subFlowsStart and subFlowsEnd list ids of <unit> elements of the same <file>.',
    "XLIFF 2.0 core 4.3.1 subFlows, 4.7.4 Sub-Flows",
)

XLF237 = error(
    "XLF237",
    'copyOf does not reference a copyable code of the same kind',
    'copyOf holds the id of the base code this code copies: an existing inline code of the same kind in the unit,'
    " whose canCopy is not 'no', and which has no original data (a copy of a code with data refers to that data "
    "with dataRef instead).",
    "XLIFF 2.1 4.3.1.8 copyOf; 4.7.2.4.1 Duplicating an existing code: 'The copyOf attribute MUST be used when, "
    "and only when, the base code has no associated original data'",
)

XLF238 = error(
    "XLF238",
    'canReorder no/firstNo with copy or delete allowed',
    "When canReorder is 'no' or 'firstNo', canCopy and canDelete must both be 'no'.",
    "XLIFF 2.0 core 4.3.1 canReorder",
)

XLF239 = error(
    "XLF239",
    'canReorder sequence broken',
    "A sequence of codes that cannot be reordered starts with a code having canReorder='firstNo'; a code with "
    "canReorder='no' must follow such a code, and the codes of the sequence keep their source order in the "
    'target.',
    "XLIFF 2.0 core 4.3.1 canReorder, 4.7.2 Inline Codes: editing hints",
)

XLF240 = error(
    "XLF240",
    "code with canDelete='no' missing from target",
    "A code with canDelete='no' in the source of a segment that has a target must be present (same id) in the "
    "unit's target content.",
    "XLIFF 2.0 core 4.3.1 canDelete, 4.7.7 Target Content Modification",
)

XLF241 = error(
    "XLF241",
    'ec editing hints differ from its sc',
    'canCopy, canDelete, canReorder and canOverlap of an <ec> must have the same values as on its corresponding '
    '<sc>.',
    "XLIFF 2.0 core 4.2.3.5 ec",
)

XLF242 = error(
    "XLF242",
    "overlapping spans where canOverlap='no'",
    "A spanning code with canOverlap='no' (the default for <pc>) must not enclose a start or end code whose "
    'partner lies outside it.',
    "XLIFF 2.0 core 4.3.1 canOverlap",
)

XLF243 = error(
    "XLF243",
    'subType without type or xlf: subType with wrong type',
    "subType requires type; the xlf: values are xlf:lb, xlf:pb, xlf:b, xlf:i, xlf:u (type='fmt') and xlf:var "
    "(type='ui'); no other xlf: value exists.",
    "XLIFF 2.0 core 4.3.1 subType",
)

XLF244 = error(
    "XLF244",
    'cp/hex is not an invalid-XML code point',
    '<cp> represents a Unicode code point that XML cannot carry; hex must be a code point up to U+10FFFF that is '
    'not an allowed XML character.',
    "XLIFF 2.0 core 4.2.3.1 cp, 4.7.1 Text",
)

XLF245 = error(
    "XLF245",
    'comment annotation without exactly one of value/ref',
    "A <mrk> or <sm> of type 'comment' carries its comment either in value or as a ref to a <note>, exactly one "
    'of them.',
    "XLIFF 2.0 core 4.7.3.x Comment Annotation",
)

XLF246 = error(
    "XLF246",
    'malformed XLIFF fragment identifier',
    "A same-document reference must follow chapter 3 Fragment Identification: '#' optionally '/', then prefix=id "
    "selectors separated by '/', each prefix at most once, f first, g/u before the note, data, target or segment "
    'selector that ends the path, NMTOKEN ids.',
    "XLIFF 2.0 chapter 3 Fragment Identification",
)

XLF247 = error(
    "XLF247",
    'fragment identifier does not resolve',
    'The fragment identifier (mrk/sm ref, mtc:match ref, gls ref) points to a file, group, unit, note, data, '
    'segment or inline element that does not exist (chapter 3), or the ref of a comment annotation does not point'
    ' to a <note> of the same enclosing <unit>.',
    "XLIFF 2.0 chapter 3 Fragment Identification, core 4.7.3 Comment Annotation",
)

XLF248 = error(
    "XLF248",
    'module reference points outside its unit',
    'The ref of <mtc:match>, <gls:glossEntry> and <gls:translation> must point to a span of text within the same '
    '<unit> as the referencing element.',
    "XLIFF 2.0 5.1 Translation Candidates, 5.2 Glossary",
)

XLF249 = error(
    "XLF249",
    'dir on an ec that is not isolated',
    "An <ec> may carry dir only when isolated='yes'; a paired <ec> takes its directionality from its <sc>.",
    "XLIFF 2.0 core 4.2.3.5 ec",
)

XLF250 = error(
    "XLF250",
    'module element in the wrong place',
    'Module elements may appear only at the points their module names: mtc:matches and gls:glossary in <unit>; '
    'slr:profiles in <file>; mda:metadata, res:resourceData, ctr:changeTrack, slr:data and val:validation in '
    '<file>, <group> or <unit>.',
    "XLIFF 2.0 chapter 5",
)

XLF251 = error(
    "XLF251",
    'glossEntry without translation or definition',
    'A <gls:glossEntry> must contain at least one <gls:translation> or a <gls:definition>.',
    "XLIFF 2.0 5.2 Glossary Module",
)

XLF252 = error(
    "XLF252",
    'fs:subFs without fs:fs, malformed, or fs on a paired ec',
    'fs:subFs may be used only together with fs:fs, and holds comma-separated name,value pairs separated by '
    'backslashes; fs:fs and fs:subFs go on an <ec> only when it is isolated (the <sc> carries them otherwise).',
    "XLIFF 2.1 5.3 Format Style Module; 5.3.5.1 fs: 'The fs MUST only be used with <ec> in cases where the "
    "isolated attribute is set to yes'",
)

XLF253 = error(
    "XLF253",
    'size restriction attribute misused',
    'slr:sizeInfo and slr:sizeInfoRef must not be used on the same element; slr:equivStorage, slr:sizeInfo and '
    'slr:sizeInfoRef go on an <ec> only when it is isolated; slr:sizeInfoRef names an element inside an '
    '<slr:data> that is a sibling of the element or of one of its ancestors; under the standard profiles '
    '(xliff:codepoints, xliff:utf8/16/32) a restriction is "[min,]max" with max an integer or *, and sizeInfo '
    'and equivStorage are integers.',
    "XLIFF 2.1 5.7.5.6-5.7.5.10 (sizeInfo/sizeInfoRef constraints, ec only if isolated, sizeInfoRef target), "
    "5.7.6.1.1, 5.7.6.1.2, 5.7.6.2.1, 5.7.6.2.2 (standard profile values)",
)

XLF254 = error(
    "XLF254",
    'malformed validation rule',
    'A <val:rule> states exactly one of isPresent, isNotPresent, startsWith, endsWith (or a custom rule as an '
    'attribute from another namespace); occurs is allowed only with isPresent, existsInSource only with '
    'isPresent, startsWith or endsWith.',
    "XLIFF 2.0 5.8 Validation Module",
)

XLF255 = error(
    "XLF255",
    'malformed resource data',
    '<res:resourceData> and <res:resourceItem> must not be empty, <res:source>/<res:target> have either href or '
    'content but not both, and <res:resourceItemRef> ref must be the id of a <res:resourceItem>.',
    "XLIFF 2.0 5.5 Resource Data Module",
)

XLF256 = error(
    "XLF256",
    'duplicate module or extension element id',
    'Module element ids are unique within their container: <mtc:match> within <mtc:matches>, <gls:glossEntry> '
    'within <gls:glossary>, <gls:translation> within its <gls:glossEntry>, <mda:metaGroup> within its '
    '<mda:metadata>, and <res:resourceItem> within its <res:resourceData>. Extension elements (other namespaces) '
    'identify themselves with id or xml:id, one value space, unique within their immediate <file>, <group> or '
    '<unit>.',
    "XLIFF 2.0 chapter 5 (module id constraints); 2.1 4.9.2 Extension Constraints: 'Extensions identifiers MUST "
    "be unique within their immediate <file>, <group> or <unit> enclosing element'",
)

#: Every XLIFF 2.0 rule, in code order.
XLF257 = error(
    "XLF257",
    'change-tracking revisions point at nothing or at too much',
    'A <ctr:revisions> names, with appliesTo, the element its history belongs to, a sibling of the '
    '<ctr:changeTrack> or a child of one. Its ref must be the id of such an element; when several of them carry '
    'ids, ref is required to say which one. Otherwise the history is attached to no element, or to an ambiguous one.',
    "XLIFF 2.1 5.6.4.3 revisions: 'the ref attribute MUST be used to reference an individual instance if and only "
    "if the referenced instance has an id'; 5.6.5.5 ref",
)

XLF258 = warning(
    "XLF258",
    'val:rule occurs without isPresent',
    'occurs gives the exact number of times an isPresent string must appear; on any other rule kind it has no '
    'effect. The text describes the use but states no MUST, so this is a warning.',
    "XLIFF 2.1 5.8.5.2 occurs: 'This rule attribute is used with the isPresent rule attribute'",
)

XLF259 = error(
    "XLF259",
    'target does not preserve the whitespace its source preserves',
    "In an XLIFF 2.0 document, a <target> whose source says xml:space='preserve' (set or inherited) must say so "
    "too; otherwise the next tool may collapse the target's whitespace and lose it. XLIFF 2.1 dropped the "
    "constraint (its <target> source keeps it commented out), so 2.1 documents are not checked.",
    "XLIFF 2.0 <target>: xml:space 'must be set to preserve if the xml:space attribute of the sibling <source> "
    "element is set to preserve' (removed in 2.1 per csprd03 comment 235); 2.1 4.3.2.2 xml:space inheritance",
)

RULES: tuple[Rule, ...] = (
    XLF201,
    XLF202,
    XLF203,
    XLF204,
    XLF205,
    XLF206,
    XLF207,
    XLF208,
    XLF210,
    XLF211,
    XLF212,
    XLF213,
    XLF214,
    XLF215,
    XLF220,
    XLF221,
    XLF222,
    XLF225,
    XLF226,
    XLF227,
    XLF228,
    XLF230,
    XLF231,
    XLF232,
    XLF233,
    XLF234,
    XLF235,
    XLF236,
    XLF237,
    XLF238,
    XLF239,
    XLF240,
    XLF241,
    XLF242,
    XLF243,
    XLF244,
    XLF245,
    XLF246,
    XLF247,
    XLF248,
    XLF249,
    XLF250,
    XLF251,
    XLF252,
    XLF253,
    XLF254,
    XLF255,
    XLF256,
    XLF257,
    XLF258,
    XLF259,
)
