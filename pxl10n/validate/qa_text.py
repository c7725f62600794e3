"""Reading source/target pairs out of XLIFF and tokenizing their text for QA.

Kept apart from the rules so each rule stays a few lines: this module knows XLIFF
inline markup (what is code, what is text) and the token grammars (placeholders,
HTML tags, numbers, URLs); :mod:`pxl10n.validate.qa` only compares tokens.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree

from pxl10n.xliff.io import XLIFF20_NS, local_name

_NS20 = f"{{{XLIFF20_NS}}}"

#: Inline elements whose content is native code, not translatable text (XLIFF 1.2).
_CODE_CONTENT = frozenset({"bpt", "ept", "ph", "it", "sub"})
#: Inline codes compared between source and target, per version (mrk/sm/em are markers).
_CODES = {
    "1.2": frozenset({"g", "x", "bx", "ex", "ph", "bpt", "ept", "it"}),
    "2.0": frozenset({"ph", "pc", "sc", "ec"}),
}
_MARKERS = frozenset({"mrk", "sm", "em"})


@dataclass
class Flat:
    """Text of a source/target with inline codes taken out and counted."""

    text: str = ""
    codes: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    has_inline: bool = False


@dataclass
class Pair:
    """One unit's source and target (segments with a target only, joined)."""

    unit: str | None
    line: int | None
    source: Flat
    target: Flat
    #: lines of segments whose target is empty while their source is not
    empty_lines: list[int | None]
    src_lang: str | None
    trg_lang: str | None



def _code_label(name: str, el: etree._Element) -> str | None:
    ident = el.get("id") or el.get("startRef") or el.get("mid")
    if name == "mrk" and ident is None:
        ident = el.get("mtype")
    return f'<{name} id="{ident}">' if ident is not None else None


def flatten(el: etree._Element | None, version: str) -> Flat:
    """Translatable text of ``el`` plus the inline codes it carries."""
    if el is None:
        return Flat()
    if not len(el):
        return Flat(el.text or "")
    flat = Flat()
    parts: list[str] = [el.text or ""]
    codes = _CODES[version]

    def walk(parent: etree._Element) -> None:
        for child in parent:
            name = local_name(child)
            if name:
                flat.has_inline = True
                label = _code_label(name, child)
                if name in codes and label:
                    flat.codes.append(label)
                elif name in _MARKERS and label:
                    flat.markers.append(label)
                if name == "cp" and version == "2.0":
                    try:
                        parts.append(chr(int(child.get("hex", ""), 16)))
                    except ValueError:
                        pass
                elif not (version == "1.2" and name in _CODE_CONTENT):
                    parts.append(child.text or "")
                    walk(child)
            parts.append(child.tail or "")

    walk(el)
    flat.text = "".join(parts)
    return flat


def _join(flats: list[Flat]) -> Flat:
    if len(flats) == 1:
        return flats[0]
    out = Flat("".join(f.text for f in flats))
    for f in flats:
        out.codes.extend(f.codes)
        out.markers.extend(f.markers)
        out.has_inline = out.has_inline or f.has_inline
    return out


def iter_pairs(root: etree._Element, version: str) -> Iterator[Pair]:
    """Every unit that has a target, as a :class:`Pair`; units without one are skipped."""
    if version == "2.0":
        yield from _pairs20(root)
    else:
        yield from _pairs12(root)


def _pairs20(root: etree._Element) -> Iterator[Pair]:
    src_lang, trg_lang = root.get("srcLang"), root.get("trgLang")
    for unit in root.iter(f"{_NS20}unit"):
        sources: list[Flat] = []
        targets: list[Flat] = []
        empty: list[int | None] = []
        line = None
        for part in unit:
            name = local_name(part)
            if name not in ("segment", "ignorable"):
                continue
            source = part.find(f"{_NS20}source")
            target = part.find(f"{_NS20}target")
            src_flat = flatten(source, "2.0")
            if target is None:
                if name == "ignorable":
                    sources.append(src_flat)
                    targets.append(src_flat)
                continue
            trg_flat = flatten(target, "2.0")
            line = line or target.sourceline
            if name == "segment" and src_flat.text.strip() and not trg_flat.text.strip():
                empty.append(target.sourceline)
            sources.append(src_flat)
            targets.append(trg_flat)
        if line is None:
            continue
        yield Pair(unit.get("id"), line, _join(sources), _join(targets), empty, src_lang, trg_lang)


def _pairs12(root: etree._Element) -> Iterator[Pair]:
    ns = etree.QName(root).namespace
    prefix = f"{{{ns}}}" if ns else ""
    for file_el in root.iter(f"{prefix}file"):
        src_lang, trg_lang = file_el.get("source-language"), file_el.get("target-language")
        for tu in file_el.iter(f"{prefix}trans-unit"):
            target = tu.find(f"{prefix}target")
            if target is None:
                continue
            source = flatten(tu.find(f"{prefix}source"), "1.2")
            trg = flatten(target, "1.2")
            empty = [target.sourceline] if source.text.strip() and not trg.text.strip() else []
            yield Pair(tu.get("id"), target.sourceline, source, trg, empty, src_lang, trg_lang)



# --- token grammars -----------------------------------------------------------

PLACEHOLDER_RE = re.compile(
    r"""
    %%                                                            # an escaped percent, not a placeholder
   |\{\{\{[^{}]+\}\}\}                                            # {{{raw}}}
   |\{\{[^{}]+\}\}                                                # {{mustache}}
   |\$\{[^{}]+\}                                                  # ${expr}
   |\{\s*[A-Za-z_][\w.\-]*\s*,\s*(?:plural|select|selectordinal|number|date|time|ordinal|spellout|duration)\b  # ICU head
   |\{\s*(?:\d+|[A-Za-z_][\w.\-]*)\s*\}                           # {0} {name}
   |%\([A-Za-z_]\w*\)[-+#0]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]        # %(name)s
   |%(?:\d+\$)?[-+#0]*(?:\d+|\*)?(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn@](?![A-Za-z])  # printf
    """,
    re.VERBOSE,
)
_ICU_SELECTOR_RE = re.compile(r"(?:zero|one|two|few|many|other|=\d+)\s*$")
_ANON_PRINTF_RE = re.compile(r"%[-+#0]*(?:\d+|\*)?(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn@]$")

HTML_ELEMENTS = frozenset(
    {
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo", "big",
        "blockquote", "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup",
        "data", "datalist", "dd", "del", "details", "dfn", "dialog", "div", "dl", "dt", "em", "embed", "fieldset",
        "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header",
        "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label", "legend", "li", "link", "main", "map",
        "mark", "meta", "meter", "nav", "noscript", "object", "ol", "optgroup", "option", "output", "p", "param",
        "picture", "pre", "progress", "q", "rp", "rt", "ruby", "s", "samp", "script", "section", "select",
        "small", "source", "span", "strike", "strong", "style", "sub", "summary", "sup", "svg", "table", "tbody",
        "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "tt", "u", "ul",
        "var", "video", "wbr",
    }
)
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})
#: Attributes whose values must travel unchanged (alt, title, aria-label are translatable).
KEPT_ATTRIBUTES = frozenset({"href", "src", "class", "id", "style", "target", "rel", "name", "type", "width", "height"})

_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)((?:\s[^<>]*?)?)\s*(/?)>")
_ATTR_RE = re.compile(r"""([A-Za-z_:][\w:.\-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
URL_RE = re.compile(r"""(?<![A-Za-z0-9])(?:https?://|ftp://|www\.)[^\s<>"'{}|\\^`\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]+""", re.IGNORECASE)
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9.+_\-])[A-Za-z0-9.+_\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9\-])")
_NUMBER_RE = re.compile(r"(?<!\d)(?:\d{1,3}([,. '’])\d{3}(?:\1\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)")
_DIGIT_RE = re.compile(r"\d")
_URL_TRAIL = ".,;:!?)]}»”’'\""
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True)
class Placeholder:
    """A placeholder as written, and the key two spellings of it compare by."""

    raw: str
    key: str

    @property
    def anonymous_printf(self) -> bool:
        """``%s``/``%d``: order and count carry meaning, names do not exist."""
        return bool(_ANON_PRINTF_RE.match(self.raw))


def placeholders(text: str) -> list[Placeholder]:
    """Placeholders in order of appearance; ``{{ a }}`` and ``{{a}}`` share a key."""
    found = []
    icu = None
    for m in PLACEHOLDER_RE.finditer(text):
        raw = m.group()
        if raw == "%%":
            continue
        if raw.startswith("{") and not raw.startswith("{{") and "," not in raw:
            if icu is None:
                icu = bool(re.search(r"\{\s*[A-Za-z_][\w.\-]*\s*,\s*(?:plural|select|selectordinal)\b", text))
            if icu and _ICU_SELECTOR_RE.search(text[: m.start()]):
                continue  # an ICU sub-message body like `other {items}`, which is text
        found.append(Placeholder(raw, re.sub(r"\s+", "", raw)))
    return found


@dataclass(frozen=True)
class Tag:
    """One HTML tag found in the text."""

    name: str
    closing: bool
    self_closing: bool
    attrs: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        """How the tag is named in messages."""
        return f"</{self.name}>" if self.closing else f"<{self.name}>"


def html_tags(text: str) -> list[Tag]:
    """HTML (and custom-element) tags in order; ``a < b`` or ``<Enter>`` are not tags."""
    if "<" not in text:
        return []
    tags = []
    for m in _TAG_RE.finditer(text):
        name = m.group(2).lower()
        if name not in HTML_ELEMENTS and "-" not in name:
            continue
        attrs = tuple(
            (a.group(1).lower(), a.group(2) if a.group(2) is not None else a.group(3) if a.group(3) is not None else a.group(4))
            for a in _ATTR_RE.finditer(m.group(3) or "")
        )
        tags.append(Tag(name, bool(m.group(1)), bool(m.group(4)) or name in VOID_ELEMENTS, attrs))
    return tags


def nesting_problem(tags: list[Tag]) -> str | None:
    """The first nesting error (``</b> closes <i>``, ``<b> never closed``), or None."""
    stack: list[str] = []
    for tag in tags:
        if tag.self_closing and not tag.closing:
            continue
        if not tag.closing:
            stack.append(tag.name)
        elif tag.name in VOID_ELEMENTS:
            continue
        elif not stack:
            return f"</{tag.name}> closes nothing"
        elif stack[-1] != tag.name:
            return f"</{tag.name}> closes <{stack[-1]}>"
        else:
            stack.pop()
    return f"<{stack[-1]}> is never closed" if stack else None


def urls(text: str) -> list[str]:
    """URLs without the sentence punctuation that may follow them."""
    return [m.group().rstrip(_URL_TRAIL) for m in URL_RE.finditer(text)]


def emails(text: str) -> list[str]:
    """E-mail addresses."""
    return EMAIL_RE.findall(text)


def strip_markup(text: str, replacement: str = "") -> str:
    """Text without HTML tags, placeholders, URLs and e-mails; entities decoded."""
    if "<" in text:
        text = _TAG_RE.sub(lambda m: m.group() if (m.group(2).lower() not in HTML_ELEMENTS and "-" not in m.group(2)) else "", text)
    if "{" in text or "%" in text or "$" in text:
        text = PLACEHOLDER_RE.sub(lambda m: "%" if m.group() == "%%" else replacement, text)
    if "/" in text or "www" in text.lower():
        text = URL_RE.sub(lambda m: replacement + m.group()[len(m.group().rstrip(_URL_TRAIL)) :], text)
    if "@" in text:
        text = EMAIL_RE.sub(replacement, text)
    if "&" in text:
        text = html.unescape(text)
    return text


@dataclass(frozen=True)
class Number:
    """A number as written and the values it may mean (``1,000`` is 1000 or 1.0)."""

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


def numbers(visible: str) -> list[Number]:
    """Numbers in text already stripped of markup, spelled in any locale's separators."""
    if not _DIGIT_RE.search(visible):
        return []
    text = unicodedata.normalize("NFKC", visible)
    return [Number(m.group(), _values(m.group())) for m in _NUMBER_RE.finditer(text)]


def is_cjk(text: str, lang: str | None) -> bool:
    """Chinese, Japanese or Korean text (by language tag, else by script)."""
    if lang and lang.split("-")[0].lower() in ("ja", "zh", "ko"):
        return True
    if not text:
        return False
    return len(_CJK_RE.findall(text)) * 3 >= len(text)


def base_lang(lang: str | None) -> str | None:
    """``fr`` for ``fr-FR``/``fr_CA``, lower-cased."""
    return re.split(r"[-_]", lang)[0].lower() if lang else None
