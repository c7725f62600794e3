"""PX import rules (PX100-PX199): what Gainsight PX refuses, caught before the upload.

PX answers an import with a bare status code (400, 433, 434, 437, 438), and some
mistakes it does not refuse at all but silently loses (units it does not know,
HTML it cannot render). These rules say the same things locally, naming the file,
the unit and the fix. They read both XLIFF versions through one small view
(:class:`FileView`): languages, the values that may carry the item id, the declared
strategy and the units.

PX does not document where the item id lives, so every file-level attribute and
file-level metadata value counts (``file@original``, ``file@id``, 2.0
``<mda:meta>``, 1.2 header ``<prop>``/extension elements, notes). Rules that
compare against configuration or what pull recorded are ``needs_config`` and
stay silent without a ``pxl10n.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator, Mapping

from lxml import etree

from pxl10n.validate import html
from pxl10n.validate.context import Context, LaidOut, Pulled
from pxl10n.validate.langtags import is_rtl, normalize, px_supports
from pxl10n.validate.rules import Document, Family, Finding, Rule, error, warning
from pxl10n.xliff.io import local_name
from pxl10n.xliff.view import FileView, UnitView, text_of

PX100 = error(
    "PX100", "no item id in the file",
    "PX finds the item an import belongs to from inside the XLIFF (file@original, file@id or file-level "
    "metadata); a file without one is refused with 433.",
)
PX101 = error(
    "PX101", "item id differs from the pulled one",
    "The file was pulled for one PX item but no file-level attribute or metadata holds that item's id any "
    "more; PX would refuse it (433) or update another item.",
    needs_config=True,
)
PX110 = error(
    "PX110", "source language differs from the configured source locale",
    "PX imports translations of the item's default language; a file whose source-language/srcLang is not "
    "the project's source_locale (as locale name or PX code) was not exported from this project.",
    needs_config=True,
)
PX111 = error(
    "PX111", "targets without a target language",
    "PX refuses an import whose trgLang/target-language is empty (400): it cannot tell which language the "
    "targets are in.",
)
PX112 = error(
    "PX112", "target language equals the source language",
    "Translating the default language to itself is refused by PX (400).",
)
PX113 = error(
    "PX113", "target language not configured",
    "The file's target language is none of the project's target locales (nor their PX codes); push would "
    "send a language the project does not manage.",
    needs_config=True,
)
PX114 = error(
    "PX114", "right-to-left target language",
    "PX supports left-to-right scripts only: Arabic, Hebrew, Persian, Urdu, Yiddish, Pashto, Sindhi, "
    "Uyghur, Dhivehi, Sorani, Syriac and any -Arab/-Hebr script tag are refused.",
)
PX115 = warning(
    "PX115", "target language unknown to PX",
    "PX offers about 107 languages; this one is not among those pxl10n knows, so the subscription will "
    "probably refuse it (434).",
)
PX116 = error(
    "PX116", "target language differs from the pulled one",
    "The file was pulled for one target language and now names another; PX would store the targets under "
    "the wrong language. It must be PX's own code as pulled: where project.px_languages maps a locale to "
    "another code (zh-Hans to zh-CN), the locale's name is not a language PX knows, and PX refuses the import.",
    needs_config=True,
)
PX120 = error(
    "PX120", "XLIFF version differs from the export",
    "PX only imports a file in the XLIFF version it was exported in (438).",
    needs_config=True,
)
PX121 = error(
    "PX121", "segmentation strategy differs from the export",
    "PX only imports a file with the strategy it was exported with (437); 1.2 files carry it in "
    "file@datatype, 2.0 files in file-level metadata.",
    needs_config=True,
)
PX130 = error(
    "PX130", "unit id not in the pulled file",
    "PX matches translations to its strings by unit id; a unit PX did not export is ignored, so its "
    "translation is lost.",
    needs_config=True,
)
PX131 = error(
    "PX131", "pulled unit id missing",
    "A unit PX exported is gone from the file (deleted or renamed); its string stays untranslated in PX.",
    needs_config=True,
)
PX140 = error(
    "PX140", "malformed HTML in a target (html strategy)",
    "Under the html strategy markup travels as escaped text and PX renders the target as HTML: unclosed, "
    "mis-nested, stray or unknown tags break the engagement's layout. Problems the source has too are "
    "not reported.",
)
PX141 = error(
    "PX141", "target tags unbalanced while the source's are balanced",
    "The source's escaped HTML tags open and close properly but the target's do not: the translation "
    "broke the markup.",
)
PX150 = error(
    "PX150", "file path disagrees with the file's contents",
    "pxl10n lays files out as {directory}/{locale}/{kind}/{id}.xlf and pushes each file to the item and "
    "language its path names; a file whose languages or item id say otherwise was moved or copied.",
    needs_config=True,
)


#: Every PX rule.
RULES: tuple[Rule, ...] = (PX100, PX101, PX110, PX111, PX112, PX113, PX114, PX115, PX116, PX120, PX121, PX130, PX131, PX140, PX141, PX150,)


def _id_values(view: FileView) -> list[str]:
    """Non-empty values of the attributes/metadata whose name says they hold an id."""
    return [value for where, value in view.candidates if value.strip() and _id_like(where)]


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _id_like(name: str) -> bool:
    key = _NOT_ALNUM.sub("", name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower())
    return key in ("original", "id") or key.endswith("id")


def _holds(value: str, item_id: str) -> bool:
    """True when ``value`` is ``item_id`` or holds it as a whole token.

    ``engagement/ID`` and ``ID.json`` hold it; ``ID-copy`` does not (ids contain hyphens).
    """
    if value.strip() == item_id:
        return True
    return bool(re.search(rf"(?<![\w-]){re.escape(item_id)}(?![\w-])", value))


#: Elements whose content is translatable text, never where an item id is kept.
_CONTENT = frozenset({"source", "target", "seg-source"})


def holds_item_id(files: list[FileView], root: etree._Element, item_id: str) -> bool:
    """True when the document names ``item_id`` where PX could keep it.

    File-level attributes and metadata first; then, because PX's placement is not
    documented, any attribute or non-content text in the document, so an id kept
    on the root, a header tool or a unit prefix still counts.
    """
    if any(_holds(value, item_id) for view in files for _, value in view.candidates):
        return True
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if any(isinstance(value, str) and _holds(value, item_id) for value in el.attrib.values()):
            return True
        if local_name(el) not in _CONTENT and el.text and _holds(el.text, item_id):
            parent = el.getparent()
            if parent is None or local_name(parent) not in _CONTENT:
                return True
    return False


def _lookup(mapping: Mapping[str, str], locale: str) -> str | None:
    wanted = normalize(locale)
    return next((code for name, code in mapping.items() if normalize(name) == wanted), None)


def _names(locale: str, px_languages: Mapping[str, str]) -> set[str]:
    """The normalized spellings a locale may take in a file: its name and its PX code."""
    names = {normalize(locale)}
    code = _lookup(px_languages, locale)
    if code:
        names.add(normalize(code))
    return names


def same_source(value: str, locale: str, px_languages: Mapping[str, str]) -> bool:
    """Source languages agree as names, as PX codes, or as a bare language and one of its regions."""
    names = _names(locale, px_languages)
    got = normalize(value)
    if got in names:
        return True
    return any(got == name.split("-")[0] or name == got.split("-")[0] for name in names)


def configured_target(value: str, ctx: Context) -> bool:
    """True when ``value`` names a configured target locale, by name, PX code or bare language."""
    got = normalize(value)
    for locale in ctx.target_locales:
        names = _names(locale, ctx.px_languages)
        if got in names:
            return True
        if _lookup(ctx.px_languages, locale) is None and got == normalize(locale).split("-")[0]:
            return True
    return False


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Every PX1xx finding of a parsed XLIFF 1.2 or 2.0 document."""
    if doc.tree is None or doc.version not in ("1.2", "2.0"):
        return
    files = doc.view.files
    expected = ctx.expected_for(doc.path) if ctx.configured else None
    pulled = expected.pulled if expected else None
    root = doc.tree.getroot()
    foreign = yield from _item_id(doc, ctx, files, pulled, root)
    seen_lang: set[int] = set()
    for view in files:
        if id(view.lang_element) in seen_lang:
            continue
        seen_lang.add(id(view.lang_element))
        sharing = [v for v in files if v.lang_element is view.lang_element]
        has_targets = any(v.has_target for v in sharing)
        yield from _languages(doc, ctx, view, pulled, has_targets)
    if pulled is not None:
        yield from _as_pulled(doc, files, pulled, root, units=not foreign)
    strategy = (pulled.strategy if pulled and pulled.strategy else None) or next(
        (v.strategy for v in files if v.strategy), None)
    if _may_carry_markup(doc.data):
        memo: dict[tuple[str, ...], tuple[list[html.Problem], bool]] = {}  # this document's: no history across files
        for view in files:
            yield from _markup(doc, view, (strategy or "").lower() == "html", memo)
    if expected is not None and expected.laid_out is not None:
        yield from _path(doc, ctx, files, root, expected.laid_out)


def _item_id(doc: Document, ctx: Context, files: list[FileView], pulled: Pulled | None,
             root: etree._Element) -> Generator[Finding, None, bool]:
    """PX100 and PX101; returns True when the file names another item (not this path's, as pulled): a file
    copied over another, whose units are then not compared with this item's (every one would differ)."""
    if not files:
        yield doc.finding(PX100, "no <file> element, so no item id for PX to import into", element=root)
        return False
    for view in files:
        if not _id_values(view):
            yield doc.finding(PX100, "<file> has no original, id or id metadata naming the PX item",
                              element=view.element)
    if pulled is None or holds_item_id(files, root, pulled.item_id):
        return False
    found = [repr(value) for v in files for value in _id_values(v)]
    if not found:
        yield doc.finding(PX101, f"item id {pulled.item_id!r} (as pulled) is not in the file (file-level ids: none)",
                          element=files[0].element)
        return False
    yield doc.finding(PX101, f"item id {pulled.item_id!r} (as pulled) is not in the file, which names "
                      f"{', '.join(found)}: another item's file copied over this one? Its units are not compared "
                      f"with this item's; put back this path's pulled copy (git checkout) and move the file to its own "
                      "item's path", element=files[0].element)
    return True


def _languages(doc: Document, ctx: Context, view: FileView, pulled: Pulled | None,
               has_targets: bool) -> Iterator[Finding]:
    src_attr, trg_attr = ("srcLang", "trgLang") if doc.version == "2.0" else ("source-language", "target-language")
    el = view.lang_element
    if ctx.configured and view.src and not same_source(view.src, ctx.source_locale or "", ctx.px_languages):
        yield doc.finding(PX110, f"{src_attr} {view.src!r} is not the configured source locale "
                          f"{ctx.source_locale!r}", element=el)
    trg = (view.trg or "").strip()
    if not trg:
        if has_targets:
            yield doc.finding(PX111, f"{trg_attr} is missing but the file has <target> elements",
                              element=el)
        return
    if view.src and normalize(trg) == normalize(view.src):
        yield doc.finding(PX112, f"{trg_attr} {trg!r} equals {src_attr} {view.src!r}", element=el)
    if is_rtl(trg):
        yield doc.finding(PX114, f"{trg_attr} {trg!r} is a right-to-left language; PX supports left-to-right "
                          "only", element=el)
    elif not px_supports(trg):
        yield doc.finding(PX115, f"{trg_attr} {trg!r} is not a language PX is known to support",
                          element=el)
    if ctx.configured and ctx.target_locales and not configured_target(trg, ctx):
        yield doc.finding(PX113, f"{trg_attr} {trg!r} is none of the configured locales "
                          f"{', '.join(ctx.target_locales)}", element=el)
    if pulled is not None and normalize(trg) != normalize(pulled.px_language):
        if normalize(trg) == normalize(pulled.locale):  # the name this project gives PX's language (px_languages)
            yield doc.finding(PX116, f"{trg_attr} {trg!r} is this project's name for PX's language "
                              f"{pulled.px_language!r} (project.px_languages), which PX does not know: it refuses the "
                              f"import (434); set {trg_attr}=\"{pulled.px_language}\" as pulled (a CAT tool may have "
                              "rewritten it)", element=el)
        else:
            named = "" if normalize(pulled.locale) == normalize(pulled.px_language) else f" ({pulled.locale})"
            yield doc.finding(PX116, f"{trg_attr} {trg!r} differs from the pulled language "
                              f"{pulled.px_language!r}{named}: the import would go to another language; put the "
                              f"file in that locale's folder if it is that language's translation, or set "
                              f"{trg_attr}=\"{pulled.px_language}\" as pulled", element=el)


def _as_pulled(doc: Document, files: list[FileView], pulled: Pulled, root: etree._Element, *,
               units: bool) -> Iterator[Finding]:
    if doc.version != pulled.xliff_version:
        yield doc.finding(PX120, f"XLIFF {doc.version} but the file was exported as XLIFF "
                          f"{pulled.xliff_version}", element=root)
    declared = next((v.strategy for v in files if v.strategy), None)
    wanted = (pulled.strategy or "").lower()
    if declared and wanted and declared != wanted and not (declared == "text" and wanted != "html"):
        where = "file@datatype" if doc.version == "1.2" else "strategy metadata"
        yield doc.finding(PX121, f"{where} says strategy {declared!r} but the file was exported with "
                          f"{pulled.strategy!r}", element=files[0].element if files else root)
    if not units:
        return
    expected = set(pulled.unit_ids)
    present: set[str] = set()
    for view in files:
        for unit in view.units:
            if unit.id is None:
                continue
            present.add(unit.id)
            if unit.id not in expected:
                yield doc.finding(PX130, f"unit {unit.id!r} was not in the file PX exported",
                                  element=unit.element, unit=unit.id)
    anchor = files[0].element if files else root
    for unit_id in pulled.unit_ids:
        if unit_id not in present:
            yield doc.finding(PX131, f"unit {unit_id!r} exported by PX is missing from the file",
                              element=anchor, unit=unit_id)


def _path(doc: Document, ctx: Context, files: list[FileView], root: etree._Element,
          key: LaidOut) -> Iterator[Finding]:
    for view in files[:1]:
        trg = (view.trg or "").strip()
        if trg and normalize(trg) not in _names(key.locale, ctx.px_languages):
            yield doc.finding(PX150, f"path says locale {key.locale!r} but the file's target language is "
                              f"{trg!r}", element=view.lang_element)
    if files and not holds_item_id(files, root, key.item_id):
        yield doc.finding(PX150, f"path says item {key.item_id!r} but no file-level id in the file holds it",
                          element=files[0].element)


# --- HTML carried as text ------------------------------------------------------------------------

def html_problems(text: str) -> tuple[list[html.Problem], bool]:
    """Problems of the markup ``text`` carries, and whether it has any tag at all."""
    tags = html.scan(text)
    return html.problems(tags), bool(tags)


#: How a ``<`` can get into XML text: escaped, as a character reference, or in a CDATA section (a DTD's
#: entities never get this far: documents with a DTD are refused when parsed).
_ESCAPED_LT = (b"&lt;", b"&#", b"<![CDATA[")
#: The whitespace a document may start with (matched in place: stripping would copy the whole document).
_LEADING_SPACE = re.compile(rb"[ \t\r\n]*")


def _may_carry_markup(data: bytes) -> bool:
    """False when no text of the document can hold a ``<``, so no target carries HTML: one scan of the
    bytes instead of every unit's target text. True whenever the bytes cannot tell (not ASCII-compatible)."""
    if not data.startswith((b"<", b"\xef\xbb\xbf"), _LEADING_SPACE.match(data).end()):  # type: ignore[union-attr]
        return True  # UTF-16 and the like: no byte scan
    return any(marker in data for marker in _ESCAPED_LT)


#: A stretch of text that may be a tag: ``<``, no ``<`` or ``>``, then ``>`` (every tag html.scan finds is one).
_TAG_SPAN = re.compile(r"<[^<>]*>")


def _problems_of(text: str, memo: dict[tuple[str, ...], tuple[list[html.Problem], bool]],
                 ) -> tuple[list[html.Problem], bool]:
    """:func:`html_problems`, worked out once per sequence of tag-like spans of a document.

    A tag never contains ``<`` or ``>``, so the tags found (and so the problems) are a function of the
    ``<...>`` spans alone; only a comment, which the scanner cuts out first, can join spans into new
    ones, so texts with one are scanned directly.
    """
    if "<!--" in text:
        return html_problems(text)
    key = tuple(_TAG_SPAN.findall(text))
    found = memo.get(key)
    if found is None:
        found = memo[key] = html_problems(text)
    return found


def _markup(doc: Document, view: FileView, is_html: bool,
            memo: dict[tuple[str, ...], tuple[list[html.Problem], bool]]) -> Iterator[Finding]:
    """PX140/PX141 for every unit of ``view`` whose target text has a ``<``.

    The texts are the view's (:attr:`FileView.target_texts`, read once for every family); a unit of one
    segment is then read off the file's columns, so no unit record is made for it.
    """
    texts = view.target_texts
    if "<" not in "".join(filter(None, texts)):  # one C scan: no target of the file has markup
        return
    elements, sources, targets, irregular = view.columns
    for at, text in enumerate(texts):
        if text is None or "<" not in text:
            continue
        if at in irregular:
            unit = view.units[at]
            found = _unit_markup(doc, is_html, memo, text, None, unit.first_target, unit.element, unit.id, unit)
        else:
            found = _unit_markup(doc, is_html, memo, text, sources[at], targets[at], elements[at], view.unit_id(at))
        if found is not None:
            yield found


def _unit_markup(doc: Document, is_html: bool, memo: dict[tuple[str, ...], tuple[list[html.Problem], bool]],
                 text: str, source_el: etree._Element | None, target_el: etree._Element | None,
                 unit_el: etree._Element, unit_id: str | None, unit: UnitView | None = None) -> Finding | None:
    """The PX140/PX141 finding of one unit whose target text ``text`` has a ``<`` (None when it has none):
    the unit's source text is ``unit.source``, or its one segment's ``source_el``'s."""
    target, _ = _problems_of(text, memo)
    if not target:
        return None
    source_text = unit.source if unit is not None else text_of(source_el) or ""
    source, source_has_tags = _problems_of(source_text, memo)
    anchor = target_el if target_el is not None else unit_el
    if is_html:
        known = {(p.kind, p.tag) for p in source}
        fresh = [p for p in target if (p.kind, p.tag) not in known]
        if fresh:
            return doc.finding(PX140, f"target HTML: {fresh[0].message}", element=anchor, unit=unit_id)
        return None
    balance = [p for p in target if p.kind != "unknown"]
    if balance and source_has_tags and not any(p.kind != "unknown" for p in source):
        return doc.finding(PX141, f"target tags unbalanced ({balance[0].message}) while the source's are "
                           "balanced", element=anchor, unit=unit_id)
    return None


FAMILY = Family("px", "PX", "What a Gainsight PX import needs", RULES, check)
