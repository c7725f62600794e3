"""The one HTML tag scanner: markup carried as text, as QA (QA12x) and PX (PX14x) rules read it.

Under PX's html strategy markup travels escaped (``&lt;b&gt;``), so after parsing
it is plain text such as ``<b>Save</b>``. This module finds the tags in such
text and judges their nesting, once, for every rule that cares:

* a *tag* is ``<name ...>``, ``</name>`` or ``<name/>`` whose name starts with a
  letter; ``a < b`` or ``<3`` are text. Comments are skipped.
* a tag is *known* when its name is an HTML element or a custom element (a name
  with a hyphen); ``<Enter>`` or ``<blink>`` are unknown and never take part in
  nesting, they are only reported as unknown by the rules that care.
* nesting is judged over known tags: void elements and ``<x/>`` need no end
  tag; an end tag that closes an outer element while inner ones are open is
  ``misnested``, one that closes nothing ``stray``, an element never closed
  ``unclosed``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

#: Every HTML element name PX's editor may produce (the living standard's elements plus the legacy ones).
HTML_ELEMENTS = frozenset(
    """a abbr acronym address area article aside audio b base bdi bdo big blockquote body br button canvas
    caption center cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed
    fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input
    ins kbd label legend li link main map mark meta meter nav noscript object ol optgroup option output p
    param picture pre progress q rp rt ruby s samp script section select small source span strike strong
    style sub summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul
    var video wbr""".split()
)
#: Elements that never have an end tag.
VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta param source track wbr".split())

_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)((?:\s[^<>]*?)?)\s*(/?)>")
#: The tag grammar itself, for QA's whole-document scans (:func:`pxl10n.validate.qa_scan.differing`).
TAG_RE = _TAG_RE


def _names(names: frozenset[str]) -> str:
    """An alternation of ``names`` grouped by first letter (``b(?:lockquote|utton|...|)``): ``re`` tries the
    letter once instead of every name. Followed by a lookahead that no name character comes next, at most
    one name can match, so their order does not matter."""
    by_letter: dict[str, list[str]] = {}
    for name in names:
        by_letter.setdefault(name[0], []).append(name[1:])
    return "|".join(f"{letter}(?:{'|'.join(sorted(rests, key=len, reverse=True))})"
                    for letter, rests in sorted(by_letter.items()))


#: :data:`_TAG_RE` for known tags alone: an HTML element's name, whole (not the start of a longer name), in
#: any case, or a custom element's. A tag spans no ``<`` but its first, so no tag :data:`_TAG_RE` skips as
#: unknown hides a known one: removing these matches removes exactly the known tags, without a call per tag.
_KNOWN_TAG_RE = re.compile(
    r"<(/?)((?ai:" + _names(HTML_ELEMENTS) + r")(?![A-Za-z0-9]|-[A-Za-z0-9])"
    r"|[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)((?:\s[^<>]*?)?)\s*(/?)>"
)
_ATTR_RE = re.compile(r"""([A-Za-z_:][\w:.\-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


class Tag(NamedTuple):
    """One tag found in the text (a named tuple: texts carry many, and they are built per unit)."""

    name: str
    closing: bool
    self_closing: bool
    attrs: tuple[tuple[str, str], ...]
    known: bool

    @property
    def label(self) -> str:
        """How the tag is named in messages."""
        return f"</{self.name}>" if self.closing else f"<{self.name}>"


@dataclass(frozen=True)
class Problem:
    """What is wrong with a text's markup: ``kind`` is unknown, misnested, stray or unclosed."""

    kind: str
    tag: str
    message: str


def _attrs(raw: str) -> tuple[tuple[str, str], ...]:
    if "=" not in raw:
        return ()
    return tuple(
        (m.group(1).lower(), next(v for v in (m.group(2), m.group(3), m.group(4)) if v is not None))
        for m in _ATTR_RE.finditer(raw)
    )


def scan(text: str) -> list[Tag]:
    """Every tag of ``text`` in order, known or not."""
    if "<" not in text:
        return []
    if "<!--" in text:
        text = _COMMENT_RE.sub("", text)
    tags = []
    for closing, raw_name, attrs, slash in _TAG_RE.findall(text):
        name = raw_name.lower()
        known = name in HTML_ELEMENTS or "-" in name
        tags.append(Tag(name, bool(closing), bool(slash) or name in VOID_ELEMENTS, _attrs(attrs), known))
    return tags


def known_tags(text: str) -> list[Tag]:
    """The HTML (and custom-element) tags of ``text``, in order."""
    return [tag for tag in scan(text) if tag.known]


def problems(tags: list[Tag]) -> list[Problem]:
    """Unknown tags (once per name) and nesting problems of known tags, in order of discovery."""
    found: list[Problem] = []
    unknown: set[str] = set()
    stack: list[str] = []
    for tag in tags:
        name = tag.name
        if not tag.known:
            if name not in unknown:
                unknown.add(name)
                found.append(Problem("unknown", name, f"unknown tag <{name}>"))
            continue
        if tag.self_closing or name in VOID_ELEMENTS:
            continue
        if not tag.closing:
            stack.append(name)
        elif stack and stack[-1] == name:
            stack.pop()
        elif name in stack:
            found.append(Problem("misnested", name, f"</{name}> closes while <{stack[-1]}> is still open "
                                 "(unclosed or mis-nested)"))
            while stack.pop() != name:
                pass
        else:
            found.append(Problem("stray", name, f"</{name}> has no opening <{name}>"))
    found.extend(Problem("unclosed", name, f"<{name}> is never closed") for name in reversed(stack))
    return found


def nesting_problems(tags: list[Tag]) -> list[Problem]:
    """The nesting problems alone (unknown tags left out)."""
    return [p for p in problems(tags) if p.kind != "unknown"]


def strip_tags(text: str) -> str:
    """``text`` without its known tags (unknown ones are text and stay)."""
    if "<" not in text:
        return text
    return _KNOWN_TAG_RE.sub("", text)
