"""QA rules: a translation (target) compared against its source, unit by unit.

Every unit that has a target is checked; a unit without one is not a finding
(an untranslated file is not broken). Severities are chosen so that a clean
professional translation gives no errors and next to no warnings: what breaks
the product at runtime (placeholders, inline codes, HTML tags, empty targets)
is an error, what a reviewer should look at (whitespace, punctuation, numbers,
links, length, untranslated text) is a warning. Each unit is tokenized once into an
immutable :class:`Unit` record; each rule is a small plain function in :data:`CHECKS` that compares
the record's source and target and returns ``(rule, message)`` pairs (most often none, fast), so
adding one is a constant and a function, and beside it in :data:`PROOFS` its document-level proof:
the units of a document (read once, joined, by :mod:`pxl10n.validate.qa_scan`) the check may report.
Only those go through the check, which is what keeps QA fast; a proof naming every unit
(``lambda s: range(len(s.reads))``) is always right, a tighter one must be held to the check by
``tests/test_qa_document_scan.py``.

The same rules serve XLIFF 1.2, 2.0 and PX's HTML strategy, where markup travels
as escaped text (``&lt;b&gt;``) and so appears as ``<b>`` in the parsed text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import compress, count, pairwise, repeat
from operator import attrgetter, eq, itemgetter, truediv
from typing import NamedTuple

from pxl10n.validate import expansion, html, icu, message_keys, printf
from pxl10n.validate import qa_scan as qs
from pxl10n.validate import qa_text as tx
from pxl10n.validate.context import Context
from pxl10n.validate.langtags import base_language
from pxl10n.validate.rules import Document, Family, Finding, Rule, error, warning
from pxl10n.xliff import states
from pxl10n.xliff.view import Flat

QA101 = error(
    "QA101", 'Placeholder missing in target',
    'A placeholder of the source ({{name}}, {0}, {name}, %s, %1$s, %(name)s, ${name}) is absent from the '
    'target. At runtime the value is lost or the formatter fails. Copy the placeholder verbatim.',
)
QA102 = error(
    "QA102", 'Placeholder in target not in source',
    'The target has a placeholder the source does not; the formatter has no value for it. Placeholders '
    'are copied, never translated or invented.',
)
QA103 = warning(
    "QA103", 'Placeholder count differs',
    'A named placeholder appears a different number of times in target and source. Sometimes deliberate '
    '(a repeated name dropped), often a slip.',
)
QA104 = error(
    "QA104", 'printf arguments differ in order or count',
    'Anonymous printf conversions (%s, %d) are filled by position: a different order or count in the '
    'target swaps or drops values, or crashes. Use positional forms (%1$s) when reordering is needed.',
)
QA105 = error(
    "QA105", 'ICU message structure differs',
    'The target of an ICU MessageFormat message is unreadable or built differently from the source: an argument '
    'changed type, a plural/select lost its required "other" branch, or select keys (gender, status values) were '
    'renamed or dropped. The formatter fails or shows the wrong branch. Branch text is translatable; the keys '
    'and argument names are not. A target may add the plural categories its language needs (few, many).',
)
QA106 = warning(
    "QA106", 'ICU plural detail missing in target',
    'An explicit plural branch of the source (=0, =1) or its "#" count is missing from the target\'s plural. '
    'Often deliberate (a language that spells the number out), worth a look.',
)
QA111 = error(
    "QA111", 'Inline code missing in target',
    'An XLIFF inline code of the source (2.0 ph/pc/sc/ec, 1.2 g/x/bx/ex/ph/bpt/ept/it) is missing from '
    'the target, so formatting or content it stands for disappears on import.',
)
QA112 = error(
    "QA112", 'Inline code in target not in source',
    'The target carries an inline code id the source does not have; the import cannot map it back.',
)
QA113 = warning(
    "QA113", 'Annotation marker missing in target',
    'A <mrk>/<sm>/<em> annotation of the source is not in the target (terms, no-translate spans, '
    'comments).',
)
QA121 = error(
    "QA121", 'HTML tag missing in target',
    "Markup travelling as text (PX's HTML strategy) lost a tag in the target: the rendered content loses "
    'formatting or, for a missing end tag, swallows what follows.',
)
QA122 = error(
    "QA122", 'HTML tag in target not in source',
    'The target adds an HTML tag the source does not have.',
)
QA123 = error(
    "QA123", 'HTML tags badly nested in target',
    "The target's tags are all there but nest differently from well-formed HTML (</b> closing <i>, a tag "
    'never closed) while the source nests correctly.',
)
QA124 = warning(
    "QA124", 'HTML attribute value changed',
    'A non-translatable attribute (href, src, class, id, style, ...) has a different value in the target.'
    ' Localized links are sometimes intended; check them.',
)
QA201 = warning(
    "QA201", 'Leading whitespace differs',
    'Source and target disagree on starting with whitespace; strings are often concatenated at runtime. Not '
    "reported where the edge is layout: a line break and indentation outside xml:space=\"preserve\", or any edge "
    "space of Angular's extract (file original ng2.template or ng.template), which collapses a template's layout to "
    'one space.',
)
QA202 = warning(
    "QA202", 'Trailing whitespace differs',
    'Source and target disagree on ending with whitespace; strings are often concatenated at runtime. Not '
    "reported where the edge is layout, as for QA201.",
)
QA203 = warning(
    "QA203", 'Doubled space introduced',
    'The target has two consecutive spaces where the source has none (a space either side of an inline code, '
    'as in "il y a <x/> minutes", is none).',
)
QA204 = warning(
    "QA204", 'Line break count differs',
    'The target has a different number of line breaks than the source.',
)
QA301 = warning(
    "QA301", 'Final punctuation differs',
    "The sentence-final punctuation of the target does not answer the source's. Locale-aware: '。' and '．'"
    " answer '.', '！' answers '!', '？' answers '?', French spacing before !?:; is fine, Greek ';' answers"
    " '?', CJK targets may drop '!', Thai and Lao may drop '.'.",
)
QA302 = warning(
    "QA302", 'Spanish opening punctuation missing',
    'A Spanish target ends a question or exclamation without the opening ¿ or ¡.',
)
QA311 = warning(
    "QA311", 'Number missing in target',
    'A number of the source is not in the target. Separators are locale-aware: 1,000.5, 1 000,5 and '
    '1.000,5 are the same number.',
)
QA312 = warning(
    "QA312", 'Number in target not in source',
    'The target has a number the source does not. Only checked when the source has numbers, since targets'
    " often write a spelled-out number ('Line one') as digits.",
)
QA321 = warning(
    "QA321", 'URL missing or changed in target',
    'A URL of the source is not in the target. Localized URLs are sometimes intended; check them.',
)
QA322 = warning(
    "QA322", 'E-mail address missing or changed in target',
    'An e-mail address of the source is not in the target.',
)
QA331 = warning(
    "QA331", 'Suspicious length ratio',
    'The target is far longer or shorter than the source (sources under 20 characters are not checked; '
    'CJK targets may be much shorter). Often a truncated or pasted-twice translation.',
)
QA341 = warning(
    "QA341", 'Decomposed characters in target',
    'The target writes a letter as a base and a combining mark (e + U+0301) where Unicode has one character '
    '(é), as text pasted from macOS or a PDF often is, and the source does not. It looks the same, but search, '
    'sorting and comparison treat it as other text. Save the file normalized to NFC. Marks that have no '
    'composed form (Arabic harakat, Thai tone marks, in any order) are not reported.',
)
QA401 = error(
    "QA401", 'Empty target',
    'A target exists but is empty while its source is not: the import would blank the text in PX. Remove '
    'the target element to leave the unit untranslated instead.',
)
QA403 = warning(
    "QA403", 'Source holds message keys, not text',
    'The <source> of these units is a message key (form.label.name), as Symfony translation:extract and Sonata '
    'write it, so the target is not compared with it: placeholder, tag, number and length checks are skipped '
    'for them. Reported once per file. Compare against the source-language catalogue instead.',
)
QA404 = warning(
    "QA404", 'No unit is translated: an exchange template',
    'Every target of the file is empty (two units at least): the file is a template handed out for translation, '
    'not a translation with lost text, so its empty targets are not QA401 errors. Reported once per file.',
)
QA402 = warning(
    "QA402", 'Target identical to source',
    'The target is the source copied verbatim. Not reported for single words or tokens written without a space '
    '(mg/dL, km/h, Wi-Fi: units and names most languages keep), brand-like names, strings '
    'made only of placeholders, numbers or URLs, when both languages are the same, or for a draft: a target whose '
    'state says not translated yet (1.2 new or needs-translation, 2.0 initial), as a CAT tool leaves the source '
    'copied in.',
)

#: Every QA rule.
RULES: tuple[Rule, ...] = (QA101, QA102, QA103, QA104, QA105, QA106, QA111, QA112, QA113, QA121, QA122, QA123, QA124, QA201, QA202, QA203, QA204, QA301, QA302, QA311, QA312, QA321, QA322, QA331, QA341, QA401, QA402, QA403, QA404,)

Issue = tuple[Rule, str]
#: What a check returns: the issues of one unit, most often :data:`NONE`.
Issues = Sequence[Issue]
NONE: Issues = ()
PLACEHOLDER_MARK = "\ue000"


class Unit(NamedTuple):
    """One unit read once for every check: an immutable record built by :func:`read_unit`."""

    pair: tx.Pair
    src: str
    trg: str
    #: source and target without markup, placeholders as a private-use character
    src_visible: str
    trg_visible: str
    #: the target's base language (``fr`` for ``fr-CA``)
    trg_base: str | None
    #: the typical target/source length ratio of this language pair (expansion.expected_ratio)
    length_ratio: float
    #: the source read as an ICU message (``valid`` False for text that is not one)
    icu: icu.Message
    #: the source has a plural/select/selectordinal argument
    icu_branching: bool


_NOT_ICU = icu.Message(False)


def read_unit(pair: tx.Pair, trg_base: str | None, length_ratio: float = 1.0) -> Unit:
    """Tokenize a pair once: what every check reads of it."""
    return _unit(pair, tx.strip_markup(pair.source.text, PLACEHOLDER_MARK),
                 tx.strip_markup(pair.target.text, PLACEHOLDER_MARK), trg_base, length_ratio)


def _unit(pair: tx.Pair, src_visible: str, trg_visible: str, trg_base: str | None, length_ratio: float) -> Unit:
    """:func:`read_unit` with the visible texts already stripped (by the document's :class:`Scan`)."""
    src = pair.source.text
    message = icu.parse(src) if icu.looks_like_icu(src) else _NOT_ICU
    return Unit(pair, src, pair.target.text, src_visible, trg_visible, trg_base, length_ratio, message,
                message is not _NOT_ICU and message.branching)


class Scan(NamedTuple):
    """A document's units as the proofs read them (see :mod:`pxl10n.validate.qa_scan`): each side joined once."""

    #: per unit, its Read when read the long way (inline codes, several segments), None for a plain unit
    reads: Sequence[tx.Read | None]
    src: qs.Side
    trg: qs.Side
    src_visible: qs.Side
    trg_visible: qs.Side
    #: per unit, what :func:`read_unit` takes besides the pair: (target base language, length ratio)
    languages: list[tuple[str | None, float]]


_LANGUAGE_PAIR = attrgetter("src_lang", "trg_lang")


def scan(pairs: list[tx.Pair]) -> Scan:
    """The :class:`Scan` of a document's pairs."""
    return _scan([p.source.text for p in pairs], [p.target.text for p in pairs],
                 [tx.Read(p.source, p.target, p.line, p.empty_lines) for p in pairs], list(map(_LANGUAGE_PAIR, pairs)))


def _scan(sources: list[str], targets: list[str], reads: Sequence[tx.Read | None],
          language_pairs: list[tuple[str | None, str | None]]) -> Scan:
    """Join a document's texts and strip the markup of those that have some: the proofs' one reading."""
    src, trg = qs.side(sources), qs.side(targets)
    known = {key: (base_language(key[1]), expansion.expected_ratio(*key)) for key in set(language_pairs)}
    languages = [known[key] for key in language_pairs] if len(known) > 1 else \
        list(repeat(next(iter(known.values()), (None, 1.0)), len(language_pairs)))
    return Scan(reads, src, trg, tx.visible_side(src, PLACEHOLDER_MARK), tx.visible_side(trg, PLACEHOLDER_MARK),
                languages)


def _q(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def _times(n: int) -> str:
    return f" ({n} times)" if n > 1 else ""


_ICU_RULES = {
    icu.Difference.MISSING_ARGUMENT: QA101,
    icu.Difference.EXTRA_ARGUMENT: QA102,
    icu.Difference.EXACT_KEY_MISSING: QA106,
    icu.Difference.POUND_MISSING: QA106,
}


def check_icu(u: Unit) -> Issues:
    """QA101/QA102/QA105/QA106 on an ICU MessageFormat source: arguments, types and keys, never branch text.

    A target that no longer reads as ICU usually carries a foreign placeholder (``{{name}}``, ``${x}``):
    those are named (QA101/QA102); QA105 says the target is unreadable only when none explains it."""
    issues: list[Issue] = []
    for found in icu.compare(u.icu, icu.parse(u.trg)):
        if found.kind is icu.Difference.TARGET_UNREADABLE:
            issues.extend(_foreign_placeholders(u) or [(QA105, f"target is not a valid ICU message ({found.detail})")])
        else:
            issues.append((_ICU_RULES.get(found.kind, QA105), found.detail))
    return issues or NONE


def _foreign_placeholders(u: Unit) -> list[Issue]:
    """Placeholders that ICU cannot hold (mustache, ``${}``), counted in source and target."""
    def foreign(text: str) -> Counter[str]:
        return Counter(p.key for p in tx.placeholders(text) if p.raw.startswith(("{{", "${")))
    src, trg = foreign(u.src), foreign(u.trg)
    issues: list[Issue] = [(QA101, f"placeholder {key} missing in target") for key in src - trg]
    issues.extend((QA102, f"placeholder {key} in target is not in source") for key in trg - src)
    return issues


def check_printf(u: Unit) -> Issues:
    """QA101/QA102 for a conversion type gone or new, QA104 for the same types read in another number or order.

    Arguments are compared by number and type, so ``%@`` and ``%1$@`` are one
    argument, ``%2$@ %1$@`` may reorder ``%@ %@``, and ``%@U`` is ``%@`` then text.
    """
    if printf.equivalent(u.src, u.trg):
        return NONE
    src, trg = _printf_arguments(u.src), _printf_arguments(u.trg)
    src_kinds, trg_kinds = {k for _, k in src.values()}, {k for _, k in trg.values()}
    issues: list[Issue] = []
    reordered = False
    for index, (raw, kind) in src.items():
        if index not in trg and ("$" in raw or kind not in trg_kinds):
            issues.append((QA101, f"placeholder {raw} missing in target"))
        elif index not in trg or trg[index][1] != kind:
            reordered = True
    for index, (raw, kind) in trg.items():
        if index not in src and ("$" in raw or kind not in src_kinds):
            issues.append((QA102, f"placeholder {raw} in target is not in source"))
        elif index not in src:
            reordered = True
    if reordered:
        issues.append((QA104, "printf arguments differ: " + "; ".join(printf.differences(u.src, u.trg))))
    return issues or NONE


def _printf_arguments(text: str) -> dict[int, tuple[str, str]]:
    """Argument number -> (a conversion reading it as written, its kind)."""
    out: dict[int, tuple[str, str]] = {}
    ordinal = 0
    for conv in printf.conversions(text):
        if not conv.consumes_argument:
            continue
        if conv.position is None and not conv.relative:
            ordinal += 1
        out.setdefault(conv.position or ordinal, (conv.raw, conv.kind))
    return out


def _may_hold_placeholders(text: str) -> bool:
    """Every placeholder grammar starts with one of these characters."""
    return "{" in text or "%" in text or "$" in text


def check_placeholders(u: Unit) -> Issues:
    """QA101-QA104: ICU messages by structure, printf by argument, other placeholders as sets with counts."""
    if not (_may_hold_placeholders(u.src) or _may_hold_placeholders(u.trg)):
        return NONE
    if u.icu_branching and u.icu.valid:
        return check_icu(u)
    issues = list(check_printf(u)) if "%" in u.src or "%" in u.trg else []
    src = [p for p in tx.placeholders(u.src) if not p.printf]
    trg = [p for p in tx.placeholders(u.trg) if not p.printf]
    if [p.key for p in src] != [p.key for p in trg]:  # else the same placeholders in the same order
        issues.extend(_placeholder_sets(src, trg, counted=not (tx.ICU_BRANCHING_HEAD_RE.search(u.src) or _pipe_forms(u.src))))
    return issues or NONE


_PYTHON_OR_ICU_RE = re.compile(r"%\(|" + tx.ICU_BRANCHING_HEAD_RE.pattern)


def needs_placeholders(s: Scan) -> Collection[int]:
    """Units :func:`check_placeholders` may report: ICU or ``%(`` on either side, or placeholders or printf
    runs (:data:`pxl10n.validate.printf.RUN_RE`) that differ; a unit without a placeholder character has
    none to lose."""
    src, trg = s.src.joined, s.trg.joined
    if not (_may_hold_placeholders(src) or _may_hold_placeholders(trg)):
        return ()
    found = qs.differing(tx.PLACEHOLDER_RE, s.src, s.trg, tx.placeholder_matches)
    found |= qs.having(_PYTHON_OR_ICU_RE, *(side for side in (s.src, s.trg) if _may_hold_python_or_icu(side.joined)))
    if "%" in src or "%" in trg:
        found |= qs.differing(printf.RUN_RE, s.src, s.trg)
    return found


def _may_hold_python_or_icu(text: str) -> bool:
    """What every match of :data:`_PYTHON_OR_ICU_RE` holds: ``%(``, or a ``plural``/``select`` keyword."""
    return "%(" in text or "plural" in text or "select" in text


def _placeholder_sets(src: list[tx.Placeholder], trg: list[tx.Placeholder], *, counted: bool = True) -> Iterator[Issue]:
    """Placeholders gone, recounted (unless not ``counted``: the branches of a plural or select that is not strict
    ICU, such as ``{{ user }}`` inside one, differ by language as ICU's do) or new, each named as written."""
    raw = {p.key: p.raw for p in trg}
    raw.update({p.key: p.raw for p in src})
    sc, tc = Counter(p.key for p in src), Counter(p.key for p in trg)
    for key in sc:
        if key not in tc:
            yield QA101, f"placeholder {raw[key]} missing in target"
        elif counted and sc[key] != tc[key]:
            yield QA103, f"placeholder {raw[key]} appears {sc[key]} times in source, {tc[key]} in target"
    for key in tc:
        if key not in sc:
            yield QA102, f"placeholder {raw[key]} in target is not in source"


def check_codes(u: Unit) -> Issues:
    """QA111-QA113: XLIFF inline codes by element and id."""
    s, t = u.pair.source, u.pair.target
    if not (s.has_inline or t.has_inline) or (s.codes == t.codes and s.markers == t.markers):
        return NONE
    sc, tc = _tally(u, s.codes), _tally(u, t.codes)
    issues: list[Issue] = [(QA111, f"inline code {label} missing in target{_times(n)}") for label, n in (sc - tc).items()]
    issues.extend((QA112, f"inline code {label} in target is not in source{_times(n)}") for label, n in (tc - sc).items())
    issues.extend((QA113, f"annotation {label} missing in target") for label in _tally(u, s.markers) - _tally(u, t.markers))
    return issues or NONE


def _tally(u: Unit, labels: Iterable[str]) -> Counter[str]:
    """How often each code or tag occurs, to compare source with target; in an ICU plural or select message, or
    one of Symfony's or Laravel's plural forms, only whether it occurs: each language has its own branches (Polish
    adds ``few`` and ``many``, Japanese keeps ``other``), so a code the source has once may rightly be in three
    branches of the target, or in one."""
    return Counter(set(labels) if (u.icu_branching and u.icu.valid) or _pipe_forms(u.src) else labels)


def _pipe_forms(text: str) -> list[str]:
    """The plural forms of a Symfony or Laravel message (``one apple|%count% apples``, each form maybe led by an
    interval such as ``{0}`` or ``]1,Inf[``), each stripped; [] for text that is not one (no ``|``, or an empty
    form: ``a || b`` is no plural). Russian writes three forms where English writes two, Chinese one."""
    if "|" not in text:
        return []
    forms = [form.strip() for form in text.split("|")]
    return forms if all(forms) else []


def needs_codes(s: Scan) -> Collection[int]:
    """Units with inline codes whose codes or markers differ between source and target."""
    return [index for index, read in enumerate(s.reads)
            if read is not None and (read.source.has_inline or read.target.has_inline)
            and (read.source.codes != read.target.codes or read.source.markers != read.target.markers)]


def check_tags(u: Unit) -> Issues:
    """QA121-QA124: HTML carried as text; same tags, sane nesting, kept attribute values."""
    if "<" not in u.src and "<" not in u.trg:
        return NONE
    src, trg = html.known_tags(u.src), html.known_tags(u.trg)
    if src == trg:
        return NONE  # the same tags with the same attributes: nothing lost, added or re-nested
    sc, tc = _tally(u, (t.label for t in src)), _tally(u, (t.label for t in trg))
    issues: list[Issue] = [(QA121, f"HTML tag {label} missing in target{_times(n)}") for label, n in (sc - tc).items()]
    issues.extend((QA122, f"HTML tag {label} in target is not in source{_times(n)}") for label, n in (tc - sc).items())
    if sc == tc and not html.nesting_problems(src):
        problems = html.nesting_problems(trg)
        if problems:
            issues.append((QA123, f"HTML tags badly nested in target: {problems[0].message}"))
    issues.extend((QA124, f'{name}="{_q(value)}" of <{tag}> changed or missing in target')
                  for tag, name, value in _kept_attributes(src) - _kept_attributes(trg))
    return issues or NONE


_COMMENT_RE = re.compile("<!--")


def needs_tags(s: Scan) -> Collection[int]:
    """Units whose HTML tags (as written, attributes and all) differ, or that hold a comment."""
    if "<" not in s.src.joined and "<" not in s.trg.joined:
        return ()
    found = qs.differing(html.TAG_RE, s.src, s.trg)
    if "<!--" in s.src.joined or "<!--" in s.trg.joined:
        found |= qs.having(_COMMENT_RE, s.src, s.trg)
    return found


def _kept_attributes(tags: list[html.Tag]) -> Counter[tuple[str, str, str]]:
    """(element, attribute, value) of the attributes that travel untranslated."""
    return Counter(
        (tag.name, name, value)
        for tag in tags
        for name, value in tag.attrs
        if name in tx.KEPT_ATTRIBUTES or name.startswith("data-")
    )


def _leading(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _trailing(text: str) -> str:
    return text[len(text.rstrip()):]


def check_whitespace(u: Unit) -> Issues:
    """QA201-QA204: edges, doubled spaces and line breaks.

    A standalone code at an edge is the edge (``Activate <x/>`` -> ``<x/> aktivieren`` moves no
    whitespace). Where xml:space is not "preserve", an edge made of a line break and indentation, and a
    line break followed by indentation inside the text, are template layout (Angular), not text; so is any
    edge space of Angular's extract, which collapses that layout to one space (:func:`~pxl10n.validate.qa_text.collapsed`)."""
    s, t = u.src, u.trg
    src, trg = u.pair.source, u.pair.target
    layout = not u.pair.preserve
    edges_are_layout = layout and u.pair.collapsed
    issues: list[Issue] = []
    s_lead, t_lead = not src.code_first and s[:1].isspace(), not trg.code_first and t[:1].isspace()
    unspaced = u.trg_base in _UNSPACED  # a source's edge space a target in such a language may rightly drop
    if s_lead != t_lead and not edges_are_layout and not (layout and "\n" in _leading(s) + _leading(t)) \
            and not (unspaced and s_lead):
        issues.append((QA201, "leading whitespace differs: " + ("source starts with whitespace, target does not"
                                                                if s_lead else "target starts with whitespace, source does not")))
    s_trail, t_trail = not src.code_last and s[-1:].isspace(), not trg.code_last and t[-1:].isspace()
    if s_trail != t_trail and not edges_are_layout and not (layout and "\n" in _trailing(s) + _trailing(t)) \
            and not (unspaced and s_trail):
        issues.append((QA202, "trailing whitespace differs: " + ("source ends with whitespace, target does not"
                                                                 if s_trail else "target ends with whitespace, source does not")))
    if "  " in t and _doubled(t, layout, trg.gaps) > _doubled(s, layout, src.gaps):
        issues.append((QA203, "doubled space in target"))
    if "\n" in s or "\n" in t:
        count = _hard_breaks if layout else _all_breaks
        ns, nt = count(s), count(t)
        if ns != nt:
            issues.append((QA204, f"source has {ns} line breaks, target {nt}"))
    return issues or NONE


#: Languages written without spaces between words: a fragment's edge space ("Name: " + value) has no place in
#: them ("名前：" + value), so a target without the source's edge space is right.
_UNSPACED = frozenset({"ja", "zh", "yue", "wuu", "th", "lo", "km", "my", "bo"})
_SOFT_BREAK_RE = re.compile(r"\n[ \t]+")
#: A run of whitespace holding a line break: outside xml:space="preserve", layout (a wrap, an indentation).
_WRAP_RE = re.compile(r"[ \t]*\n\s*")
#: Whitespace starting a text (after its separator).
_WHITESPACE_RE = re.compile(r"\x00\s")
_DOUBLE_SPACE_RE = re.compile("  ")
#: Where a standalone code stood, to :func:`_doubled`: no space, so the spaces either side of it are no pair.
_CODE_MARK = "\ue001"
_LINE_BREAK_RE = re.compile("\n")


def needs_whitespace(s: Scan) -> Collection[int]:
    """Units with whitespace at an edge, a doubled space or a line break on either side."""
    found = qs.having(_WHITESPACE_RE, s.src, s.trg)
    for side in (s.src, s.trg):
        joined = side.joined
        if "  " in joined:
            found |= qs.having(_DOUBLE_SPACE_RE, side)
        if "\n" in joined:
            found |= qs.having(_LINE_BREAK_RE, side)
        found |= qs.ending_with(_WHITESPACE_RE, side)
    return found


def _doubled(text: str, layout: bool, gaps: Sequence[int] = ()) -> int:
    """Doubled spaces in ``text`` (its edges aside); with ``layout``, a wrapped line's indentation is none; a
    standalone code where ``gaps`` says parts the spaces around it (``de <x/> cookies`` has none)."""
    if gaps:
        text = _CODE_MARK.join(text[start:end] for start, end in pairwise((0, *gaps, len(text))))
    body = text.strip()
    return (_WRAP_RE.sub(" ", body) if layout and "\n" in body else body).count("  ")


def _all_breaks(text: str) -> int:
    return text.count("\n")


def _hard_breaks(text: str) -> int:
    """Line breaks that are text: not the edges' layout, not a wrap followed by indentation."""
    return _SOFT_BREAK_RE.sub(" ", text.strip()).count("\n")


_PUNCT = {
    ".": ".", "。": ".", "．": ".", "｡": ".", "।": ".", "॥": ".", "။": ".", "።": ".", "։": ".", "۔": ".", "།": ".",
    "!": "!", "！": "!", "?": "?", "？": "?", "؟": "?", "፧": "?", ":": ":", "：": ":", ";": ";", "；": ";", "؛": ";",
    "\u037e": ";", "…": "…",
}
_CLOSERS = "\"'”’»」』)]›）】\ue000 \t\r\n\u00a0\u202f\u2009"
#: (target language, source punctuation) -> what else may answer it (None: nothing).
_LENIENT: dict[tuple[str, str], frozenset[str | None]] = {
    ("el", "?"): frozenset({";"}),
    **{(lang, "!"): frozenset({".", None}) for lang in ("ja", "zh", "ko")},
    **{(lang, "."): frozenset({None}) for lang in ("th", "lo", "km", "my")},
    ("hy", "?"): frozenset({None}),
    ("hy", "!"): frozenset({None}),
    ("hy", ":"): frozenset({"."}),
}


def final_punctuation(visible: str) -> str | None:
    """The class of the sentence-final punctuation ('.', '!', '?', ':', ';', '…') or None."""
    text = visible.rstrip(_CLOSERS)
    if text.endswith(("...", "。。。")):
        return "…"
    return _PUNCT.get(text[-1:])


#: Read over a side's joined texts reversed: a separator, the closers ending the text before it, then an
#: ellipsis or the character before them (none for a text of closers alone), as ``final_punctuation`` reads it.
_FINAL_RE = re.compile("\x00[" + re.escape(_CLOSERS) + "]*(\\.\\.\\.|。。。|[^\x00])?")
#: What :data:`_FINAL_RE` finds -> the class :func:`final_punctuation` gives it (None for anything else).
_FINAL_CLASS = {**_PUNCT, "...": "…", "。。。": "…"}


def final_classes(side: qs.Side) -> list[str | None]:
    """:func:`final_punctuation` of every text of ``side``, last text first (then None for the first separator):
    one scan of the joined string reversed, skipping from separator to separator."""
    return list(map(_FINAL_CLASS.get, _FINAL_RE.findall(side.joined[::-1])))


_OPENED_RE = re.compile("[?!]")
_BASE = itemgetter(0)


def needs_punctuation(s: Scan) -> Collection[int]:
    """Units whose final punctuation differs; in a Spanish target, units with '?' or '!'."""
    last = len(s.reads) - 1
    found = {last - index for index in qs.differing_values(final_classes(s.src_visible), final_classes(s.trg_visible))}
    if "es" in map(_BASE, s.languages):
        found |= {index for index in qs.having(_OPENED_RE, s.trg_visible) if s.languages[index][0] == "es"}
    return found


def _name(punct: str | None) -> str:
    return f"'{punct}'" if punct else "no punctuation"


def check_punctuation(u: Unit) -> Issues:
    """QA301-QA302: final punctuation answers the source's; Spanish opening marks."""
    src, trg = u.src_visible, u.trg_visible
    issues: list[Issue] = []
    sp, tp = final_punctuation(src), final_punctuation(trg)
    if sp != tp and src.strip(_CLOSERS) and trg.strip(_CLOSERS):
        allowed = _LENIENT.get((u.trg_base or "", sp or ""), frozenset())
        if tp not in allowed:
            issues.append((QA301, f"source ends with {_name(sp)}, target with {_name(tp)}"))
    if u.trg_base == "es":
        issues.extend((QA302, f"Spanish target has '{close}' without an opening '{open_}'")
                      for close, open_ in (("?", "¿"), ("!", "¡")) if trg.count(close) > trg.count(open_))
    return issues or NONE


def _match_numbers(src: list[tx.Number], trg: list[tx.Number]) -> tuple[list[tx.Number], list[tx.Number]]:
    left = list(trg)
    missing = []
    for number in sorted(src, key=lambda n: len(n.values)):
        for i, candidate in enumerate(left):
            if number.values & candidate.values:
                del left[i]
                break
        else:
            missing.append(number)
    return missing, left


_ICU_SYNTAX_NUMBER_RE = re.compile(r"=\d+(?=\s*\{)|offset\s*:\s*\d+")


def check_numbers(u: Unit) -> Issues:
    """QA311-QA312: the same numbers, whatever the locale's separators (an ICU ``=0`` key is syntax, not a number)."""
    src_text, trg_text = u.src_visible, u.trg_visible
    if u.icu_branching:
        src_text, trg_text = _ICU_SYNTAX_NUMBER_RE.sub(" ", src_text), _ICU_SYNTAX_NUMBER_RE.sub(" ", trg_text)
    src_raw, trg_raw = tx.number_strings(src_text), tx.number_strings(trg_text)
    if src_raw == trg_raw or sorted(src_raw) == sorted(trg_raw):
        return NONE  # the same numbers, written the same way
    src, trg = tx.numbers(src_raw), tx.numbers(trg_raw)
    missing, extra = _match_numbers(src, trg)
    issues: list[Issue] = []
    if missing:
        issues.append((QA311, "number " + ", ".join(n.raw for n in missing) + " missing in target"))
    if extra and src:
        issues.append((QA312, "number " + ", ".join(n.raw for n in extra) + " in target is not in source"))
    return issues or NONE


def needs_numbers(s: Scan) -> Collection[int]:
    """Units whose numbers, as written and in order, differ between source and target (the check also
    accepts them in another order)."""
    layout = tx.number_layout(s.src_visible, PLACEHOLDER_MARK)
    if layout is not None and layout == tx.number_layout(s.trg_visible, PLACEHOLDER_MARK):
        return ()
    return qs.differing_values(tx.numbers_by_unit(s.src_visible), tx.numbers_by_unit(s.trg_visible))


def check_links(u: Unit) -> Issues:
    """QA321-QA322: URLs and e-mail addresses of the source are kept."""
    src = u.src
    issues: list[Issue] = []
    if ("/" in src or "www" in src) and (src_urls := tx.urls(src)):
        issues.extend((QA321, f"URL {_q(url)} missing or changed in target") for url in _lost(src_urls, tx.urls(u.trg)))
    if "@" in src and (src_emails := tx.emails(src)):
        issues.extend((QA322, f"e-mail address {email} missing or changed in target")
                      for email in _lost(src_emails, tx.emails(u.trg)))
    return issues or NONE


def needs_links(s: Scan) -> Collection[int]:
    """Units whose URLs (as matched, in order) differ between source and target, and units whose source holds an
    ``@`` and whose e-mail addresses differ."""
    joined = s.src.joined
    found = qs.differing(tx.URL_RE, s.src, s.trg, tx.url_matches)
    if "@" in joined:
        src, trg = s.src.texts, s.trg.texts
        found |= {index for index in qs.having(_AT_RE, s.src)
                  if tx.EMAIL_RE.findall(src[index]) != tx.EMAIL_RE.findall(trg[index])}
    return found


def check_composition(u: Unit) -> Issues:
    """QA341: a target that NFC would shorten (compose), beside a source it would not."""
    target = u.trg
    composed = unicodedata.normalize("NFC", target)
    if len(composed) == len(target) or len(unicodedata.normalize("NFC", u.src)) < len(u.src):
        return NONE
    count = len(target) - len(composed)
    at = next((i for i in range(1, len(target)) if len(unicodedata.normalize("NFC", target[i - 1 : i + 1])) == 1), None)
    if at is None:  # marks that compose only once reordered: no pair to show
        return [(QA341, f"target has {count} decomposed character(s); normalize the file to NFC")]
    letter, mark = target[at - 1], target[at]
    return [(QA341, f"target has {count} decomposed character(s), e.g. {unicodedata.normalize('NFC', letter + mark)!r} "
                    f"written as {letter!r} + U+{ord(mark):04X} {unicodedata.name(mark, 'a mark')}; "
                    "normalize the file to NFC")]


def needs_composition(s: Scan) -> Collection[int]:
    """Units whose target is not NFC (one C call over the document first: NUL composes with nothing)."""
    if unicodedata.is_normalized("NFC", s.trg.joined):
        return ()
    return {index for index, text in enumerate(s.trg.texts) if not unicodedata.is_normalized("NFC", text)}


_AT_RE = re.compile("@")


def _lost(src: list[str], trg: list[str]) -> Iterable[str]:
    """What ``src`` has more often than ``trg`` (nothing, at once, when both list the same in the same order)."""
    return () if src == trg else Counter(src) - Counter(trg)


def check_length(u: Unit) -> Issues:
    """QA331: far outside the length this language pair usually has (German long, CJK short)."""
    s, t = _form_length(u.src_visible), _form_length(u.trg_visible)
    if s < expansion.MIN_SOURCE_LENGTH:
        return NONE
    bounds = expansion.outside(s, t, u.length_ratio)
    if bounds is None:
        return NONE
    return [(QA331, f"target is {t / s:.1f} times as long as the source ({t} vs {s} characters; "
                    f"{bounds.low:.0f}-{bounds.high:.0f} expected)")]


def _form_length(text: str) -> int:
    """How long a text is to judge its translation's length by: of plural forms (:func:`_pipe_forms`), the mean of
    the forms, since a language has as many forms as it has (one in Chinese, three in Russian)."""
    forms = _pipe_forms(text)
    return round(sum(map(len, forms)) / len(forms)) if forms else len(text.strip())


def needs_length(s: Scan) -> Collection[int]:
    """Units long enough to judge whose length ratio leaves the band no source length finds suspicious."""
    src = list(map(len, map(str.strip, s.src_visible.texts)))
    judged = list(map(expansion.MIN_SOURCE_LENGTH.__le__, src))
    if True not in judged:
        return ()
    ratios = set(map(itemgetter(1), s.languages))
    indexes = list(compress(count(), judged))
    if len(ratios) > 1:
        return indexes
    low, high = expansion.unsuspicious_ratios(ratios.pop())
    trg = list(map(len, map(str.strip, compress(s.trg_visible.texts, judged))))
    found = list(map(truediv, trg, compress(src, judged)))
    if low <= min(found) and max(found) <= high:
        return ()
    return [index for index, ratio in zip(indexes, found, strict=True) if not low <= ratio <= high]


_WORD_RE = re.compile(r"[^\W\d_]+")


def check_identical(u: Unit) -> Issues:
    """QA402: copied source, except where copying is normal."""
    if u.src.strip() != u.trg.strip():
        return NONE
    if u.trg_base and u.trg_base == base_language(u.pair.src_lang):
        return NONE
    words = _WORD_RE.findall(u.src_visible)
    if len(words) < 2 or (len(words) <= 3 and all(w[0].isupper() for w in words)) or _one_token(u.src_visible):
        return NONE
    return [(QA402, "target is identical to source")]


def _one_token(text: str) -> bool:
    """Written without a space: a unit symbol (mg/dL) or a compound name (Wi-Fi), kept as it is in most languages."""
    return len(text.split()) == 1


def needs_identical(s: Scan) -> Collection[int]:
    """Units whose target is their source."""
    return set(compress(count(), map(eq, map(str.strip, s.src.texts), map(str.strip, s.trg.texts))))


#: The comparisons every translated unit goes through, in the order their findings are reported.
CHECKS: tuple[Callable[[Unit], Issues], ...] = (
    check_placeholders,
    check_codes,
    check_tags,
    check_whitespace,
    check_punctuation,
    check_numbers,
    check_links,
    check_length,
    check_composition,
    check_identical,
)
#: Beside each check, its document-level proof: the units of a :class:`Scan` it cannot clear, which alone go
#: through the check (a unit not named would get nothing from it). Same order as :data:`CHECKS`.
PROOFS: tuple[Callable[[Scan], Collection[int]], ...] = (
    needs_placeholders,
    needs_codes,
    needs_tags,
    needs_whitespace,
    needs_punctuation,
    needs_numbers,
    needs_links,
    needs_length,
    needs_composition,
    needs_identical,
)


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Compare target with source in every unit that has a target."""
    if doc.tree is None or doc.version not in ("1.2", "2.0"):
        return
    reading = tx.Reading(doc.view)
    if not len(reading):
        return
    template = len(reading) >= 2 and states.is_template(reading.targets)
    document = _scan(reading.sources, reading.targets, reading.reads, reading.languages)
    keyed = _keyed(reading) if message_keys.may_hold_keys(document.src.joined) else frozenset()
    yield from _file_findings(doc, reading, template, keyed)
    plan = checks_to_run(document)
    empty = [index for index, read in enumerate(reading.reads) if read is not None and read.empty_lines]
    for index in sorted(plan.keys() | empty) if empty else sorted(plan):
        pair = reading.pair(index)
        if pair.empty_lines:
            if not template:
                for line in pair.empty_lines:
                    yield doc.finding(QA401, "target is empty but the source is not", line=line, unit=pair.unit)
            continue
        if index in keyed or (not pair.source.text.strip() and not pair.source.has_inline):
            continue
        unit = _unit(pair, document.src_visible.texts[index], document.trg_visible.texts[index],
                     *document.languages[index])
        for rule_check in plan[index]:
            issues = rule_check(unit)
            if issues:  # most often NONE
                for rule, message in issues:
                    if rule is QA402 and reading.drafted(index):
                        continue  # a draft of the source copied in is an untranslated unit, as it says
                    yield doc.finding(rule, message, line=pair.line, unit=pair.unit)


def compare(source: str, target: str, src_lang: str | None, trg_lang: str | None) -> list[Issue]:
    """Every issue QA finds comparing a plain-text ``target`` with its ``source`` (no inline codes), as
    :func:`check` would for a unit holding them: for a translation about to be reused elsewhere (leverage's
    exact matches), which should not be written only to be refused by ``validate`` and held back by ``push``."""
    unit = read_unit(tx.Pair(None, None, Flat(source), Flat(target), (), src_lang, trg_lang), base_language(trg_lang))
    return [issue for rule_check in CHECKS for issue in rule_check(unit)]


def _keyed(reading: tx.Reading) -> frozenset[int]:
    return message_keys.keyed_units([message_keys.UnitText(p.source.text, p.unit, p.name)
                                     for p in map(reading.pair, range(len(reading)))])


def checks_to_run(document: Scan) -> dict[int, list[Callable[[Unit], Issues]]]:
    """Unit index -> the checks its document's proofs could not clear, in :data:`CHECKS` order.

    An ICU message is read by structure (its ``=0`` keys are not numbers, its ``{name}`` not placeholders
    as text): such units go through every check."""
    plan: dict[int, list[Callable[[Unit], Issues]]] = {}
    for rule_check, needs in zip(CHECKS, PROOFS, strict=True):
        for index in needs(document):
            plan.setdefault(index, []).append(rule_check)
    if _may_hold_python_or_icu(document.src.joined):  # every ICU head holds plural or select
        for index in qs.having(icu.HEAD_RE, document.src):
            plan[index] = list(CHECKS)
    return plan


def _file_findings(doc: Document, reading: tx.Reading, template: bool, keyed: frozenset[int]) -> Iterator[Finding]:
    """QA404 for an exchange template, QA403 for units keyed by message keys: once per file."""
    if template:
        yield doc.finding(QA404, f"none of the {len(reading)} units is translated; empty targets are not reported",
                          line=reading.pair(0).line)
    if keyed:
        first = reading.pair(min(keyed))
        yield doc.finding(QA403, f"{len(keyed)} of {len(reading)} units have a message key as source "
                          f"(e.g. {_q(first.source.text)}); their targets were not compared", line=first.line,
                          unit=first.unit)


FAMILY = Family("qa", "QA", "Translation quality: the target against its source", RULES, check)
