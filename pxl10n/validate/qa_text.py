"""Reading source/target pairs out of XLIFF and tokenizing their text for QA.

Kept apart from the rules so each rule stays a few lines: this module knows XLIFF
inline markup (what is code, what is text) and the token grammars (placeholders,
HTML tags, numbers, URLs); :mod:`pxl10n.validate.qa` only compares tokens.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from itertools import accumulate, compress, count, repeat
from operator import attrgetter, le, not_, or_
from typing import NamedTuple, cast

from lxml import etree

from pxl10n.validate import qa_scan as qs
from pxl10n.validate.html import strip_tags
from pxl10n.xliff import namespaces as ns
from pxl10n.xliff import states
from pxl10n.xliff.io import source_line
from pxl10n.xliff.view import DocumentView, FileView, Flat, Part, flatten


class Pair(NamedTuple):
    """One unit's source and target (segments with a target only, joined); an immutable record."""

    unit: str | None
    line: int | None
    source: Flat
    target: Flat
    #: lines of segments whose target is empty while their source is not
    empty_lines: tuple[int | None, ...]
    src_lang: str | None
    trg_lang: str | None
    #: the unit's resname (1.2) or name (2.0): Symfony and Weblate keep the message key there
    name: str | None = None
    #: xml:space="preserve" is in force for the unit (set on it or inherited)
    preserve: bool = False
    #: the file is Angular's extract (:func:`collapsed`), whose edge spaces are the template's layout
    collapsed: bool = False


#: ``<file original>`` of Angular's ``extract-i18n`` (XLIFF 1.2, and 2.0 with ``--format xlf2``).
ANGULAR_ORIGINALS = frozenset({"ng2.template", "ng.template"})


def collapsed(file: etree._Element) -> bool:
    """Whether ``file`` is Angular's extract: Angular collapses a template's whitespace (``preserveWhitespaces``
    off, its default), so the line breaks and indentation around an element's text come out as one space at each
    edge of the source (``<h1 i18n>`` over three lines gives " Manage Configs "), which a translation need not
    copy: the browser collapses it too."""
    return file.get("original") in ANGULAR_ORIGINALS


def _join(flats: list[Flat]) -> Flat:
    if len(flats) == 1:
        return flats[0]
    starts = list(accumulate((len(f.text) for f in flats[:-1]), initial=0))
    return Flat("".join(f.text for f in flats), tuple(c for f in flats for c in f.codes),
                tuple(m for f in flats for m in f.markers), any(f.has_inline for f in flats),
                flats[0].code_first, flats[-1].code_last,
                tuple(start + gap for start, f in zip(starts, flats, strict=True) for gap in f.gaps))


class Read(NamedTuple):
    """A segment (or a unit's segments, joined) as QA reads it: its flattened source and target, and where the
    target is; an immutable record, what a :class:`Pair` adds to it (ids, languages) read only on demand."""

    source: Flat
    target: Flat
    #: the target's line; None for a 2.0 ignorable without a target (it counts as its own translation)
    line: int | None
    #: lines of the targets that are empty while their source is not (QA401 candidates)
    empty_lines: tuple[int | None, ...] = ()


def _read_part(part: Part, version: str) -> Read | None:
    """A segment flattened, or None when it does not count: no target, or one declared untranslated.

    A 2.0 ignorable without a target counts as its own translation (whitespace
    between segments travels unchanged); a segment without one is left out.
    """
    target = part.target
    if target is None:
        if not part.ignorable:
            return None
        src_flat = flatten(part.source, version)
        return Read(src_flat, src_flat, None)
    return _read_segment(part.source, target, version, None, part.ignorable)


def _read_segment(source: etree._Element | None, target: etree._Element, version: str, text: str | None,
                  ignorable: bool = False) -> Read | None:
    """:func:`_read_part` of a part with a target, from its elements (no :class:`Part` made for it). ``text``
    is the target's :func:`~pxl10n.xliff.view.all_text` when the caller has it (see :func:`flatten`)."""
    src_flat, trg_flat = flatten(source, version), flatten(target, version, text)
    if version == "1.2" and len(target) and (segmented := _seg_source(target)) is not None:
        src_flat = flatten(segmented, version)._replace(codes=src_flat.codes)
    line = source_line(target)
    if trg_flat.text.strip():
        return tuple.__new__(Read, (src_flat, trg_flat, line, ()))  # Read(src_flat, trg_flat, line), without __new__
    if states.not_translated_yet(target, version):
        return None  # declared untranslated (state, or the CAT tool's marks): as if there were no target
    return Read(src_flat, trg_flat, line, (line,) if not ignorable and src_flat.text.strip() else ())


_SEG_SOURCE = f"{{{ns.XLIFF12}}}seg-source"


def _seg_source(target: etree._Element) -> etree._Element | None:
    """The 1.2 ``<seg-source>`` right before ``target`` (the schema's order), if there is one: a target segmented
    into ``<mrk mtype="seg">`` mirrors its text, what lies between segments included (Matecat and Okapi lay that
    out on lines of its own, under xml:space="preserve"), so the target's text is compared with it rather than
    with the unsegmented ``<source>``; its inline codes still answer the source's, the content itself (a
    segmenter may move or drop a code in the seg-source)."""
    previous = target.getprevious()
    return previous if previous is not None and previous.tag == _SEG_SOURCE else None


def _read_unit(parts: list[Part], version: str) -> Read | None:
    """A unit's segments with a target (and ignorables) joined; None when no segment has a target."""
    if len(parts) == 1:  # every 1.2 unit, most 2.0 ones
        read = _read_part(parts[0], version)
        return read if read is not None and read.line is not None else None
    reads = [read for read in (_read_part(part, version) for part in parts) if read is not None]
    line = next((read.line for read in reads if read.line), None)
    if line is None:
        return None
    return Read(_join([r.source for r in reads]), _join([r.target for r in reads]), line,
                 tuple(empty for r in reads for empty in r.empty_lines))


_HAS_XML_SPACE = etree.XPath("boolean(//@xml:space)")
_TEXT = attrgetter("text")
_LINE = attrgetter("sourceline")


def _odd_units(sources: Sequence[etree._Element | None], targets: Sequence[etree._Element | None],
               texts: Sequence[str | None], irregular: frozenset[int]) -> list[int]:
    """The units of a file's columns off the common path of :class:`Reading`, in order: no target or no source,
    not one segment, an inline element on either side, a blank target, or a target with no line (a built one).

    When every unit has a source and a target, each condition is one C-level map over the columns."""
    if irregular or None in targets or None in sources:
        return [at for at, (source, target, text) in enumerate(zip(sources, targets, texts, strict=True))
                if target is None or source is None or len(target) or len(source) or not (text and text.strip())
                or source_line(target) is None]
    elements = cast("Sequence[etree._Element]", targets)  # no None in either column, nor in the target texts
    odd = set(compress(count(), map(or_, map(len, elements), map(len, cast("Sequence[etree._Element]", sources)))))
    strings = cast("Sequence[str]", texts)
    if not all(map(str.strip, strings)):
        odd.update(compress(count(), map(not_, map(str.strip, strings))))
    if None in map(_LINE, elements):
        odd.update(at for at, target in enumerate(elements) if source_line(target) is None)
    return sorted(odd)


class Reading:
    """A document's units with a target, each as a :class:`Pair` would give it, read for a whole-document scan.

    The texts come at once, in one pass over each file's columns (:attr:`FileView.columns`, the target
    texts the view shares, :attr:`FileView.target_texts`): no unit record is made. A unit off the common path
    (inline elements, several segments, a blank target) is read the long way at once (:attr:`reads`), its one
    segment off the columns, an irregular unit's parts through :meth:`FileView.parts_at`. A :class:`Pair` is
    built only for the units that ask for one (:meth:`pair`): QA's proofs clear most units from their texts
    and reads alone, and a Pair costs several element reads (and, the first time, a look for ``xml:space``
    over the whole document)."""

    __slots__ = ("sources", "targets", "reads", "languages", "_starts", "_files", "_version", "_name", "_root",
                 "_spaced", "_inherited")

    def __init__(self, doc: DocumentView) -> None:
        self._version = doc.version
        self._name = "resname" if doc.version == "1.2" else "name"
        self._root = doc.root
        self._spaced: bool | None = None  # whether the document says xml:space anywhere, once a Pair asks
        self._inherited: dict[etree._Element, bool] = {}  # xml:space in force at each unit's parent, for this document only
        #: per unit, its source and target text
        self.sources: list[str] = []
        self.targets: list[str] = []
        #: per unit, its :class:`Read` when it was read the long way, else None (one segment, no inline element)
        self.reads: list[Read | None] = []
        #: per unit, (source language, target language)
        self.languages: list[tuple[str | None, str | None]] = []
        #: per file, where its units start in the lists above, and the file with each unit's index in it
        self._starts: list[int] = []
        self._files: list[tuple[FileView, Sequence[int]]] = []
        for file_view in doc.files:
            self._read_file(file_view)

    def _read_file(self, file_view: FileView) -> None:
        elements, sources, targets, irregular = file_view.columns
        texts = file_view.target_texts
        version = self._version
        # On the common path (one segment, no inline element, a target that is not blank) a unit's texts are its
        # source's text and the target text the view shares: read for every unit at once, in C-level maps; the
        # others (:func:`_odd_units`) are then read one by one, or left out when they have no target to compare.
        src: list[str | None] = [None if source is None else source.text for source in sources] \
            if None in sources else list(map(_TEXT, sources))
        trg: list[str | None] = list(texts)
        reads: dict[int, Read] = {}
        dropped: list[int] = []
        for at in _odd_units(sources, targets, texts, irregular):
            target = targets[at]
            if target is None:  # no target, or an irregular unit (not one segment): read through its parts
                read = _read_unit(file_view.parts_at(at), version) if irregular and at in irregular else None
            else:
                read = _read_segment(sources[at], target, version, texts[at])
            if read is None or read.line is None:
                dropped.append(at)
                continue
            reads[at] = read
            src[at], trg[at] = read.source.text, read.target.text
        order: Sequence[int] = range(len(targets))  # the file's index of each unit read, in document order
        if dropped:
            left_out = set(dropped)
            order = [at for at in order if at not in left_out]
            src, trg = [src[at] for at in order], [trg[at] for at in order]
        if None in src:  # a plain unit's empty source
            src = [text or "" for text in src]
        self.sources.extend(cast("list[str]", src))
        self.targets.extend(cast("list[str]", trg))
        self._starts.append(len(self.reads))
        self._files.append((file_view, order))
        self.reads.extend(map(reads.get, order) if reads else repeat(None, len(order)))
        self.languages.extend(repeat((file_view.src, file_view.trg), len(order)))

    def __len__(self) -> int:
        return len(self.sources)

    def pair(self, index: int) -> Pair:
        """The unit's :class:`Pair` (tests hold it to the unit records read one by one: tests/helpers/qa_pairs.py)."""
        file_view, at = self._located(index)
        elements, sources, targets, irregular = file_view.columns
        read = self.reads[index]
        if read is None:  # read on the common path: one segment with a target
            target = targets[at]
            assert target is not None
            read = Read(Flat(self.sources[index]), Flat(self.targets[index]), source_line(target))
        source = file_view.parts_at(at)[0].source if irregular and at in irregular else sources[at]
        if self._spaced is None:
            self._spaced = bool(_HAS_XML_SPACE(self._root))  # most documents never say xml:space: one look
        element = elements[at]
        preserve = self._spaced and _preserves(element, source, self._inherited)
        return Pair(file_view.unit_id(at), read.line, read.source, read.target, read.empty_lines,
                    *self.languages[index], element.get(self._name), preserve, collapsed(file_view.element))


    def drafted(self, index: int) -> bool:
        """Whether the unit's target is a draft (:func:`pxl10n.xliff.states.is_draft`: its state says not translated
        yet, as when a CAT tool copies the source in): read from its elements, for the few units that ask."""
        file_view, at = self._located(index)
        return any(part.target is not None and states.is_draft(part.target, self._version) for part in file_view.parts_at(at))

    def _located(self, index: int) -> tuple[FileView, int]:
        """The file unit ``index`` is in, and its index there."""
        file = bisect_right(self._starts, index) - 1 if len(self._starts) > 1 else 0
        file_view, order = self._files[file]
        return file_view, order[index - self._starts[file]]


def _preserves(unit: etree._Element, source: etree._Element | None, inherited: dict[etree._Element, bool]) -> bool:
    """xml:space in force at the unit's source: its own, the unit's, or the nearest ancestor's.

    What the ancestors say is the same for every unit of a group, so it is read once per parent into
    ``inherited`` (the caller's, living as long as one document's walk)."""
    for holder in (source, unit):
        value = holder.get(ns.XML_SPACE) if holder is not None else None
        if value is not None:
            return value == "preserve"
    parent = unit.getparent()
    if parent is None:
        return False
    found = inherited.get(parent)
    if found is None:
        found = inherited[parent] = _preserves(parent, None, inherited)
    return found


# --- token grammars -----------------------------------------------------------

#: The placeholder grammar, by the character every spelling starts with: each a literal first, so a scan skips
#: to it (a pattern whose alternatives start with different characters is tried at every position).
_PERCENT_PLACEHOLDER = r"""
    %(?:%                                                         # an escaped percent, not a placeholder
   |\([A-Za-z_]\w*\)[-+#0]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]        # %(name)s
   |(?:\d+\$)?[-+#0]*(?:\d+|\*)?(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn@](?![A-Za-z])  # printf
    )"""
_BRACE_PLACEHOLDER = r"""
    \{(?:\{\{[^{}]+\}\}\}                                         # {{{raw}}}
   |\{[^{}]+\}\}                                                  # {{mustache}}
   |\s*[A-Za-z_][\w.\-]*\s*,\s*(?:plural|select|selectordinal|number|date|time|ordinal|spellout|duration)\b  # ICU head
   |\s*(?:\d+|[A-Za-z_][\w.\-]*)\s*\}                             # {0} {name}
    )"""
_DOLLAR_PLACEHOLDER = r"""
    \$\{[^{}]+\}                                                  # ${expr}
    """
#: Every placeholder; alternatives starting with different characters never compete for a position, so
#: their order is free (within each, the order above decides).
PLACEHOLDER_RE = re.compile("|".join((_PERCENT_PLACEHOLDER, _BRACE_PLACEHOLDER, _DOLLAR_PLACEHOLDER)), re.VERBOSE)
_PLACEHOLDERS_BY_FIRST = tuple((first, re.compile(pattern, re.VERBOSE)) for first, pattern in
                               (("%", _PERCENT_PLACEHOLDER), ("{", _BRACE_PLACEHOLDER), ("$", _DOLLAR_PLACEHOLDER)))
_ICU_BRANCHING_HEAD_RE = re.compile(r"\{\s*[A-Za-z_][\w.\-]*\s*,\s*(?:plural|select|selectordinal)\b")
_ICU_SELECTOR_RE = re.compile(r"(?:zero|one|two|few|many|other|=\d+)\s*$")

#: Attributes whose values must travel unchanged (alt, title, aria-label are translatable).
KEPT_ATTRIBUTES = frozenset({"href", "src", "class", "id", "style", "target", "rel", "name", "type", "width", "height"})

#: A URL; it never holds NUL, which no XML text holds either, so over QA's joined texts (see
#: :mod:`pxl10n.validate.qa_scan`) a URL ending a text stops at the separator as it stops at the text's end.
URL_RE = re.compile(r"""(?<![A-Za-z0-9])(?:https?://|ftp://|www\.)[^\s<>"'{}|\\^`\x00\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]+""", re.IGNORECASE)
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9.+_\-])[A-Za-z0-9.+_\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9\-])")
#: Starts with its one digit outside the alternation so the scan skips non-digits fast; no lookbehind is
#: needed, since a match always begins a digit run (``\d*`` takes the whole run, then ``(?!\d)`` holds).
#: A group of thousands repeats its first separator: one branch per separator rather than a back-reference,
#: so the pattern has no group and ``findall`` returns the numbers themselves.
_NUMBER_RE = re.compile(
    r"\d(?:\d{0,2}(?:,\d{3}(?:,\d{3})*|\.\d{3}(?:\.\d{3})*| \d{3}(?: \d{3})*|'\d{3}(?:'\d{3})*|’\d{3}(?:’\d{3})*)"
    r"(?:[.,]\d+)?|\d*(?:[.,]\d+)?)(?!\d)"
)
#: The same grammar for ASCII text, where ``\d`` is ``[0-9]`` either way and the ASCII scan is quicker.
_NUMBER_ASCII_RE = re.compile(_NUMBER_RE.pattern, re.ASCII)
_DIGIT_RE = re.compile(r"\d")
_URL_TRAIL = ".,;:!?)]}»”’'\""


def placeholder_matches(text: str) -> list[re.Match[str]]:
    """``list(PLACEHOLDER_RE.finditer(text))``, from one quick scan per starting character.

    Each scan finds its spelling's matches as the whole pattern would where they do not overlap (the whole
    pattern tries the same alternatives, in the same order, at each position, and a scan resumes past each
    match); when two scans' matches overlap (``${x}`` holds ``{x}``), which one the whole pattern keeps
    depends on where it resumed, so the whole pattern decides."""
    found = [m for first, pattern in _PLACEHOLDERS_BY_FIRST if first in text for m in pattern.finditer(text)]
    if len(found) < 2:
        return found
    found.sort(key=re.Match.start)
    if all(map(le, map(re.Match.end, found), map(re.Match.start, found[1:]))):  # each ends before the next
        return found
    return list(PLACEHOLDER_RE.finditer(text))


def replace_placeholders(text: str, replacement: str) -> str:
    """``text`` with each placeholder as ``replacement``, an escaped ``%%`` as ``%``."""
    return _substitute(text, placeholder_matches(text), lambda raw: "%" if raw == "%%" else replacement)


def _substitute(text: str, found: list[re.Match[str]], by: Callable[[str], str]) -> str:
    """``text`` with each of ``found`` (matches in it, in order, none overlapping) as ``by`` makes it: what
    ``re.sub`` does, for matches found without a scan of the whole pattern."""
    if not found:
        return text
    pieces: list[str] = []
    end = 0
    for m in found:
        pieces += (text[end : m.start()], by(m.group()))
        end = m.end()
    pieces.append(text[end:])
    return "".join(pieces)


class Placeholder(NamedTuple):
    """A placeholder as written, and the key two spellings of it compare by (immutable, built per match)."""

    raw: str
    key: str

    @property
    def printf(self) -> bool:
        """``%s``, ``%1$@``: read by :mod:`pxl10n.validate.printf` (by argument), not compared as text."""
        return self.raw.startswith("%") and not self.raw.startswith("%(")


def placeholders(text: str) -> list[Placeholder]:
    """Placeholders in order of appearance; ``{{ a }}`` and ``{{a}}`` share a key."""
    found = []
    icu = None
    for m in placeholder_matches(text):
        raw = m.group()
        if raw == "%%":
            continue
        if raw.startswith("{") and not raw.startswith("{{") and "," not in raw:
            if icu is None:
                icu = _ICU_BRANCHING_HEAD_RE.search(text) is not None
            if icu and _ICU_SELECTOR_RE.search(text[: m.start()]):
                continue  # an ICU sub-message body like `other {items}`, which is text
        found.append(Placeholder(raw, "".join(raw.split())))
    return found


#: A dot ending "www." in any case (only W lower-cases to w): a literal first, so a scan skips from dot to dot.
WWW_DOT_RE = re.compile(r"\.(?<=[wW][wW][wW]\.)")


#: What each scheme letter that places a match matches in :data:`URL_RE` (case-folded, as ``re`` does it).
_S, _P, _H, _F = frozenset("sSſ"), frozenset("pP"), frozenset("hH"), frozenset("fF")


def url_matches(text: str) -> list[re.Match[str]]:
    """``list(URL_RE.finditer(text))``, found without running :data:`URL_RE` at every position.

    Its leading lookbehind leaves ``re`` no first character to skip to, so a scan tries the whole pattern at
    each one. Every match starts with its scheme (``http``, ``https``, ``ftp``, then ``://``; or ``www.``), each
    pattern letter one character even case-folded (``ſ`` for ``s``): a match starts 4, 5 or 3 characters before
    a ``://`` whose letters before it may spell the scheme, or at a ``www.``, so trying :data:`URL_RE` there
    alone, left to right and past each match's end, finds what ``finditer`` finds (``match`` at a position
    reads the characters before it, as a scan does)."""
    starts: list[int] = []
    found = text.find("://")
    while found >= 0:
        last = text[found - 1] if found else ""
        if last in _S and found >= 5 and text[found - 5] in _H:  # https
            starts.append(found - 5)
        elif last in _P:
            if found >= 4 and text[found - 4] in _H:  # http
                starts.append(found - 4)
            if found >= 3 and text[found - 3] in _F:  # ftp
                starts.append(found - 3)
        found = text.find("://", found + 1)
    starts += (m.start() - 3 for m in WWW_DOT_RE.finditer(text))  # quicker than looking for "w." first
    if not starts:
        return []
    out: list[re.Match[str]] = []
    end = 0
    match = URL_RE.match
    for start in sorted(starts):
        if start >= end and (m := match(text, start)) is not None:
            out.append(m)
            end = m.end()
    return out


def urls(text: str) -> list[str]:
    """URLs without the sentence punctuation that may follow them."""
    return [m.group().rstrip(_URL_TRAIL) for m in url_matches(text)]


def emails(text: str) -> list[str]:
    """E-mail addresses."""
    return EMAIL_RE.findall(text)


def strip_markup(text: str, replacement: str = "") -> str:
    """Text without HTML tags, placeholders, URLs and e-mails; entities decoded."""
    text = _strip_tokens(text, replacement)
    if "&" in text:
        text = html.unescape(text)
    return text


def _strip_tokens(text: str, replacement: str) -> str:
    """:func:`strip_markup` but for the entities: tags out, then placeholders, URLs and e-mails as
    ``replacement``, in that order (a tag's attribute may hold a URL, and a URL a placeholder: a URL stops at a
    brace but runs on over the placeholders' stand-in). Whether a step runs at all (``"<" in text``) only saves a
    scan that would find nothing."""
    if "<" in text:
        text = strip_tags(text)
    if "{" in text or "%" in text or "$" in text:
        text = replace_placeholders(text, replacement)
    text = _replace_urls(text, replacement)
    if "@" in text:
        text = EMAIL_RE.sub(replacement, text)
    return text


def _replace_urls(text: str, replacement: str) -> str:
    """``URL_RE.sub`` of each URL by ``replacement``, the sentence punctuation after it kept."""
    return _substitute(text, url_matches(text), lambda url: replacement + url[len(url.rstrip(_URL_TRAIL)) :])


class Number(NamedTuple):
    """A number as written and the values it may mean (``1,000`` is 1000 or 1.0); immutable."""

    raw: str
    values: frozenset[str]


def _norm(value: str) -> str:
    try:
        return str(Decimal(value).normalize())
    except InvalidOperation:
        return value


def _values(raw: str) -> frozenset[str]:
    t = raw.replace(" ", "").replace("'", "").replace("’", "")
    if "," in t and "." in t:
        dec = max(t.rfind(","), t.rfind("."))
        return frozenset({_norm(re.sub(r"[,.]", "", t[:dec]) + "." + t[dec + 1 :])})
    for sep in ",.":
        if sep in t:
            parts = t.split(sep)
            values = set()
            if len(parts) == 2:
                values.add(_norm(parts[0] + "." + parts[1]))
            if 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]):
                values.add(_norm("".join(parts)))
            return frozenset(values or {t})
    return frozenset({_norm(t)})


def number_strings(visible: str) -> list[str]:
    """The numbers of text already stripped of markup, as written (NFKC-normalized)."""
    if visible.isascii():
        return _NUMBER_ASCII_RE.findall(visible)
    normalized = unicodedata.normalize("NFKC", visible)
    if normalized != visible and not _DIGIT_RE.search(visible):
        return []  # NFKC may make digits (², ①) of text that has none: such text has no numbers
    return _NUMBER_RE.findall(normalized)


def numbers(written: list[str]) -> list[Number]:
    """Numbers as :func:`number_strings` found them, with every value each may mean in any locale."""
    return [Number(raw, _values(raw)) for raw in written]


# --- whole documents (see qa_scan) ---------------------------------------------

#: Where :func:`placeholders` reads ICU sub-message bodies as text (public for QA's whole-document scans).
ICU_BRANCHING_HEAD_RE = _ICU_BRANCHING_HEAD_RE


def visible_side(side: qs.Side, replacement: str) -> qs.Side:
    """Every text of ``side`` through :func:`strip_markup`, each step once over the joined texts.

    Each step of :func:`strip_markup` replaces matches that start at a markup character (never at a
    separator) and reads a separator as the end of a text (the URL and e-mail lookarounds take NUL for a
    character outside their classes), so over the joined string it does to each text what it does to the
    text alone, unless a match runs across a separator (``{{a`` then ``b}}``): then the separators are fewer
    and each text is stripped alone. Entities are decoded per text, in the few texts with ``&`` (``html.unescape``
    reads up to 32 characters of a name, across a separator too)."""
    texts = side.texts
    joined = side.joined
    if not texts:
        return side
    text = _strip_tokens(joined, replacement)
    if text == joined and "&" not in text:
        return side
    if text.count(qs.SEPARATOR) != len(texts) + 1:  # a match ran across a separator: text by text
        return qs.side([strip_markup(t, replacement) for t in texts])
    stripped = text[1:-1].split(qs.SEPARATOR)
    if "&" not in text:
        return qs.Side(stripped, text, qs.separators(stripped))
    for index in compress(count(), map(str.__contains__, stripped, repeat("&"))):
        stripped[index] = html.unescape(stripped[index])
    return qs.side(stripped)


#: Bytes of a Latin-1 text, for :func:`number_layout`: each digit as ``0``, the separators a number may hold
#: as they are, anything else (the separator between texts too) as ``x``.
_SHAPES = bytes(ord("0") if chr(b) in "0123456789" else b if chr(b) in ",.' " else ord("x") for b in range(256))
#: Every byte but a digit and the separator between texts, to delete.
_NOT_DIGITS = bytes(b for b in range(256) if chr(b) not in "0123456789\x00")
#: A run of digits and number separators, in :data:`_SHAPES` (a literal first: the scan skips to each digit).
_SHAPE_RE = re.compile(rb"0[0,.' ]*")


def number_layout(visible: qs.Side, mark: str) -> tuple[list[bytes], bytes] | None:
    """What fixes every text's :func:`number_strings` on a side, read without the number grammar (whose
    scan for a first digit costs more than anything else QA does): the runs of digits and separators, each
    digit as ``0``, and the digits of each text. None for a side beyond Latin-1 (but for ``mark``, the
    placeholders' stand-in, read as any other character) or one NFKC would change.

    A number is read from a digit through digits and separators (``,`` ``.`` space ``'``; ``’`` is beyond
    Latin-1, and so is every decimal digit but 0-9) and ends before a digit only where another begins, so a
    text's numbers are the numbers of its runs, each read alone: two sides with the same runs (the same
    shapes in the same order, with the same digits, text by text) have the same numbers text by text. The
    digits count each text's runs off the shapes, every run holding one."""
    joined = visible.joined.replace(mark, "x") if mark in visible.joined else visible.joined
    if joined.isascii():
        data = joined.encode("ascii")
    else:
        try:
            data = joined.encode("latin-1")
        except UnicodeEncodeError:
            return None
        if not unicodedata.is_normalized("NFKC", joined):
            return None
    return _SHAPE_RE.findall(data.translate(_SHAPES)), data.translate(None, _NOT_DIGITS)


def numbers_by_unit(visible: qs.Side) -> list[list[str]]:
    """:func:`number_strings` of every text of ``visible``: one C ``findall`` per text through ``map`` when
    the whole side is ASCII or NFKC leaves it alone (then every text takes the plain path), else per text."""
    joined = visible.joined
    if joined.isascii():
        return list(map(_NUMBER_ASCII_RE.findall, visible.texts))
    if unicodedata.is_normalized("NFKC", joined):
        return list(map(_NUMBER_RE.findall, visible.texts))
    return list(map(number_strings, visible.texts))
