"""Language tags, the one place they are judged: BCP 47 syntax, script direction, what PX holds.

XLIFF 1.2 (``source-language``, ``target-language``, ``xml:lang``) and 2.0
(``srcLang``, ``trgLang``, ``xml:lang``) both type these attributes as BCP 47
language tags, and PX refuses right-to-left languages outright, so every family
reads a tag through this module.

What counts as well-formed, decided once: RFC 5646 section 2.1 syntax
(``langtag``, ``privateuse``, ``grandfathered``), with a primary language
subtag of two or three letters. RFC 5646 reserves four-letter primary subtags
and registers no five-to-eight-letter ones, so ``english`` or ``French`` is
always a language *name* written where a tag belongs; both XLIFF versions refuse
it (XLF114, XLF208). Underscores (``en_US``) are not BCP 47 either.
"""

from __future__ import annotations

import re

_ALNUM = "[A-Za-z0-9]"
#: RFC 5646 section 2.1 ``langtag`` / ``privateuse`` (well-formedness only; 4-8 letter primaries refused)
_LANGTAG = (
    r"(?P<language>[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3})"
    r"(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"
    rf"(?:-[0-9A-WYZa-wyz](?:-{_ALNUM}{{2,8}})+)*"
    rf"(?:-[xX](?:-{_ALNUM}{{1,8}})+)?"
)
_PRIVATE = rf"[xX](?:-{_ALNUM}{{1,8}})+"
_GRANDFATHERED = frozenset(
    tag.lower()
    for tag in (
        "en-GB-oed i-ami i-bnn i-default i-enochian i-hak i-klingon i-lux i-mingo i-navajo i-pwn i-tao "
        "i-tay i-tsu sgn-BE-FR sgn-BE-NL sgn-CH-DE art-lojban cel-gaulish no-bok no-nyn zh-guoyu "
        "zh-hakka zh-min zh-min-nan zh-xiang"
    ).split()
)
_LANGTAG_RE = re.compile(rf"(?:{_LANGTAG}|{_PRIVATE})\Z")

#: Primary subtags written right to left by default (a LTR script subtag overrides them).
RTL_LANGUAGES = frozenset(
    "ar arc arz ayl acm apc ary aeb ckb dv fa glk he iw ji ks lrc mzn nqo pnb prs ps sam sd syr ug ur yi "
    "azb bal bqi haz skr".split()
)
#: Script subtags of right-to-left scripts (ISO 15924).
RTL_SCRIPTS = frozenset("arab hebr thaa syrc nkoo adlm rohg samr mand mend avst phnx".split())

#: Primary subtags of the (left-to-right) languages PX offers; PX advertises 107
#: languages. The public material does not list them, so this is the LTR set of
#: the machine-translation language list PX's picker follows; anything outside is
#: a warning, never an error.
PX_LANGUAGES = frozenset(
    """
    af am az be bg bn bs ca ceb co cs cy da de el en eo es et eu fi fil fr fy ga gd gl gu ha haw hi hmn
    hr ht hu hy id ig is it ja jv ka kk km kn ko ky la lb lo lt lv mg mi mk ml mn mr ms mt my nb ne nl nn
    no ny or pa pl pt ro ru rw sk sl sm sn so sq sr st su sv sw ta te tg th tk tl tr tt uk uz vi xh yo
    zh zu
    """.split()
)
#: Deprecated primary subtags still seen in the wild, and what they mean now.
_ALIASES = {"iw": "he", "ji": "yi", "in": "id", "jw": "jv", "tl": "fil", "mo": "ro"}


def normalize(tag: str) -> str:
    """Lower-case, trimmed, with ``_`` read as ``-``: how tags compare (BCP 47 is case-insensitive)."""
    return tag.strip().replace("_", "-").lower()


def is_well_formed(tag: str) -> bool:
    """True when ``tag`` is a well-formed BCP 47 tag whose primary subtag could exist (see above)."""
    return _LANGTAG_RE.match(tag) is not None or tag.lower() in _GRANDFATHERED


def primary(tag: str) -> str:
    """The primary language subtag, lower-case, with deprecated aliases resolved."""
    first = normalize(tag).split("-")[0]
    return _ALIASES.get(first, first)


def base_language(tag: str | None) -> str | None:
    """:func:`primary` of a tag that may be missing (``pt-BR``, ``zh_Hant_TW``, ``iw`` -> ``pt``, ``zh``, ``he``):
    what QA's per-language tables (expansion, punctuation) are keyed by; None for no tag or an empty one."""
    return (primary(tag) or None) if tag else None


def script(tag: str) -> str | None:
    """The script subtag (lower-case) when the tag names one."""
    match = _LANGTAG_RE.match(tag.strip().replace("_", "-"))
    if not match or not match.group("script"):
        return None
    return match.group("script").lower()


def is_rtl(tag: str) -> bool:
    """True when text in ``tag`` runs right to left; an explicit script subtag decides first."""
    written = script(tag)
    if written is not None:
        return written in RTL_SCRIPTS
    first = normalize(tag).split("-")[0]
    return first in RTL_LANGUAGES or primary(tag) in RTL_LANGUAGES


def px_supports(tag: str) -> bool:
    """True when PX is known to offer the language (by its primary subtag)."""
    return primary(tag) in PX_LANGUAGES or normalize(tag).split("-")[0] in PX_LANGUAGES
