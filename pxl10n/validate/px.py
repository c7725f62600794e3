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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from lxml import etree

from pxl10n.sync.layout import key_for
from pxl10n.validate.languages import is_rtl, normalize, px_supports
from pxl10n.validate.rules import Context, Document, Finding, PulledInfo, Severity, register
from pxl10n.xliff.io import MDA_NS, datatype_strategy, local_name, metadata_strategy, text_of

E, W = Severity.ERROR, Severity.WARNING

R_NO_ID = register(
    "PX100", E, "no item id in the file",
    "PX finds the item an import belongs to from inside the XLIFF (file@original, file@id or file-level "
    "metadata); a file without one is refused with 433.",
)
R_ID_MISMATCH = register(
    "PX101", E, "item id differs from the pulled one",
    "The file was pulled for one PX item but no file-level attribute or metadata holds that item's id any "
    "more; PX would refuse it (433) or update another item.",
    needs_config=True,
)
R_SOURCE = register(
    "PX110", E, "source language differs from the configured source locale",
    "PX imports translations of the item's default language; a file whose source-language/srcLang is not "
    "the project's source_locale (as locale name or PX code) was not exported from this project.",
    needs_config=True,
)
R_NO_TARGET_LANG = register(
    "PX111", E, "targets without a target language",
    "PX refuses an import whose trgLang/target-language is empty (400): it cannot tell which language the "
    "targets are in.",
)
R_SAME_LANG = register(
    "PX112", E, "target language equals the source language",
    "Translating the default language to itself is refused by PX (400).",
)
R_NOT_CONFIGURED = register(
    "PX113", E, "target language not configured",
    "The file's target language is none of the project's target locales (nor their PX codes); push would "
    "send a language the project does not manage.",
    needs_config=True,
)
R_RTL = register(
    "PX114", E, "right-to-left target language",
    "PX supports left-to-right scripts only: Arabic, Hebrew, Persian, Urdu, Yiddish, Pashto, Sindhi, "
    "Uyghur, Dhivehi, Sorani, Syriac and any -Arab/-Hebr script tag are refused.",
)
R_UNSUPPORTED = register(
    "PX115", W, "target language unknown to PX",
    "PX offers about 107 languages; this one is not among those pxl10n knows, so the subscription will "
    "probably refuse it (434).",
)
R_PULLED_LANG = register(
    "PX116", E, "target language differs from the pulled one",
    "The file was pulled for one target language and now names another; PX would store the targets under "
    "the wrong language.",
    needs_config=True,
)
R_VERSION = register(
    "PX120", E, "XLIFF version differs from the export",
    "PX only imports a file in the XLIFF version it was exported in (438).",
    needs_config=True,
)
R_STRATEGY = register(
    "PX121", E, "segmentation strategy differs from the export",
    "PX only imports a file with the strategy it was exported with (437); 1.2 files carry it in "
    "file@datatype, 2.0 files in file-level metadata.",
    needs_config=True,
)
R_UNIT_ADDED = register(
    "PX130", E, "unit id not in the pulled file",
    "PX matches translations to its strings by unit id; a unit PX did not export is ignored, so its "
    "translation is lost.",
    needs_config=True,
)
R_UNIT_DROPPED = register(
    "PX131", E, "pulled unit id missing",
    "A unit PX exported is gone from the file (deleted or renamed); its string stays untranslated in PX.",
    needs_config=True,
)
R_HTML = register(
    "PX140", E, "malformed HTML in a target (html strategy)",
    "Under the html strategy markup travels as escaped text and PX renders the target as HTML: unclosed, "
    "mis-nested, stray or unknown tags break the engagement's layout. Problems the source has too are "
    "not reported.",
)
R_UNBALANCED = register(
    "PX141", E, "target tags unbalanced while the source's are balanced",
    "The source's escaped HTML tags open and close properly but the target's do not: the translation "
    "broke the markup.",
)
R_PATH = register(
    "PX150", E, "file path disagrees with the file's contents",
    "pxl10n lays files out as {directory}/{locale}/{kind}/{id}.xlf and pushes each file to the item and "
    "language its path names; a file whose languages or item id say otherwise was moved or copied.",
    needs_config=True,
)


@dataclass
class UnitView:
    """One unit: id, element (for its line), flattened source and target (None without a target)."""

    id: str | None
    element: etree._Element
    source: str
    target: str | None
    target_element: etree._Element | None = None


@dataclass
class FileView:
    """What the PX rules need from one ``<file>``, whatever the XLIFF version."""

    element: etree._Element
    lang_element: etree._Element
    src: str | None
    trg: str | None
    #: (where, value) of every file-level attribute/metadata that may hold the item id
    candidates: list[tuple[str, str]] = field(default_factory=list)
    strategy: str | None = None
    units: list[UnitView] = field(default_factory=list)

    @property
    def id_values(self) -> list[str]:
        """Non-empty values of the attributes/metadata whose name says they hold an id."""
        return [value for where, value in self.candidates if value.strip() and _id_like(where)]


def _id_like(name: str) -> bool:
    key = re.sub(r"[^a-z0-9]", "", name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower())
    return key in ("original", "id") or key.endswith("id")




def views(doc: Document) -> list[FileView]:
    """One :class:`FileView` per ``<file>`` of a parsed 1.2 or 2.0 document."""
    assert doc.tree is not None
    root = doc.tree.getroot()
    ns = etree.QName(root).namespace
    q = (lambda n: f"{{{ns}}}{n}") if ns else (lambda n: n)
    result = []
    for file_el in root.iterchildren(q("file")):
        attrs = [(key, value) for key, value in file_el.attrib.items()
                 if key not in ("source-language", "target-language", "datatype", "date")]
        if doc.version == "2.0":
            view = FileView(file_el, root, root.get("srcLang"), root.get("trgLang"), attrs)
            for meta in file_el.iterfind(f"{{{MDA_NS}}}metadata//{{{MDA_NS}}}meta"):
                view.candidates.append((f"meta {meta.get('type', '')}", (meta.text or "").strip()))
            view.strategy = metadata_strategy(file_el)
            for note in file_el.iterfind(f"{q('notes')}/{q('note')}"):
                view.candidates.append(("note", text_of(note) or ""))
            for unit in file_el.iter(q("unit")):
                parts = [p for p in unit if local_name(p) in ("segment", "ignorable")]
                targets = [p.find(q("target")) for p in parts]
                target = ("".join(text_of(t) or "" for t in targets if t is not None)
                          if any(t is not None for t in targets) else None)
                source = "".join(text_of(p.find(q("source"))) or "" for p in parts)
                first = next((t for t in targets if t is not None), None)
                view.units.append(UnitView(unit.get("id"), unit, source, target, first))
        else:
            view = FileView(file_el, file_el, file_el.get("source-language"), file_el.get("target-language"),
                            attrs)
            view.strategy = datatype_strategy(file_el.get("datatype") or "")
            header = file_el.find(q("header"))
            for el in header.iter() if header is not None else ():
                if el is header or not isinstance(el.tag, str):
                    continue
                name = local_name(el)
                if name == "prop":
                    view.candidates.append((el.get("prop-type", "prop"), (el.text or "").strip()))
                elif name == "note":
                    view.candidates.append(("note", el.text or ""))
                elif etree.QName(el).namespace != ns:
                    view.candidates.extend((key, value) for key, value in el.attrib.items())
                    view.candidates.append((name, (el.text or "").strip()))
            for tu in file_el.iter(q("trans-unit")):
                target_el = tu.find(q("target"))
                view.units.append(UnitView(tu.get("id"), tu, text_of(tu.find(q("source"))) or "", text_of(target_el),
                                           target_el))
        result.append(view)
    return result


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
        if any(_holds(value, item_id) for value in el.attrib.values()):
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


def _pulled(doc: Document, ctx: Context) -> PulledInfo | None:
    if not ctx.pulled:
        return None
    path = Path(doc.path)
    for candidate in (path, path.absolute(), path.resolve()):
        if candidate in ctx.pulled:
            return ctx.pulled[candidate]
    return None


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Every PX1xx finding of a parsed XLIFF 1.2 or 2.0 document."""
    if doc.tree is None or doc.version not in ("1.2", "2.0"):
        return
    files = views(doc)
    pulled = _pulled(doc, ctx) if ctx.configured else None
    root = doc.tree.getroot()
    yield from _item_id(doc, ctx, files, pulled, root)
    seen_lang: set[int] = set()
    for view in files:
        if id(view.lang_element) in seen_lang:
            continue
        seen_lang.add(id(view.lang_element))
        sharing = [v for v in files if v.lang_element is view.lang_element]
        has_targets = any(unit.target is not None for v in sharing for unit in v.units)
        yield from _languages(doc, ctx, view, pulled, has_targets)
    if pulled is not None:
        yield from _as_pulled(doc, files, pulled, root)
    strategy = (pulled.strategy if pulled and pulled.strategy else None) or next(
        (v.strategy for v in files if v.strategy), None)
    for view in files:
        yield from _markup(doc, view, (strategy or "").lower() == "html")
    if ctx.configured and ctx.directory is not None:
        yield from _path(doc, ctx, files, root)


def _item_id(doc: Document, ctx: Context, files: list[FileView], pulled: PulledInfo | None,
             root: etree._Element) -> Iterator[Finding]:
    if not files:
        yield doc.finding(R_NO_ID, "no <file> element, so no item id for PX to import into", element=root)
        return
    for view in files:
        if not view.id_values:
            yield doc.finding(R_NO_ID, "<file> has no original, id or id metadata naming the PX item",
                              element=view.element)
    if pulled is not None and not holds_item_id(files, root, pulled.item_id):
        found = ", ".join(repr(value) for v in files for value in v.id_values) or "none"
        yield doc.finding(R_ID_MISMATCH, f"item id {pulled.item_id!r} (as pulled) is not in the file "
                          f"(file-level ids: {found})", element=files[0].element)


def _languages(doc: Document, ctx: Context, view: FileView, pulled: PulledInfo | None,
               has_targets: bool) -> Iterator[Finding]:
    src_attr, trg_attr = ("srcLang", "trgLang") if doc.version == "2.0" else ("source-language", "target-language")
    el = view.lang_element
    if ctx.configured and view.src and not same_source(view.src, ctx.source_locale or "", ctx.px_languages):
        yield doc.finding(R_SOURCE, f"{src_attr} {view.src!r} is not the configured source locale "
                          f"{ctx.source_locale!r}", element=el)
    trg = (view.trg or "").strip()
    if not trg:
        if has_targets:
            yield doc.finding(R_NO_TARGET_LANG, f"{trg_attr} is missing but the file has <target> elements",
                              element=el)
        return
    if view.src and normalize(trg) == normalize(view.src):
        yield doc.finding(R_SAME_LANG, f"{trg_attr} {trg!r} equals {src_attr} {view.src!r}", element=el)
    if is_rtl(trg):
        yield doc.finding(R_RTL, f"{trg_attr} {trg!r} is a right-to-left language; PX supports left-to-right "
                          "only", element=el)
    elif not px_supports(trg):
        yield doc.finding(R_UNSUPPORTED, f"{trg_attr} {trg!r} is not a language PX is known to support",
                          element=el)
    if ctx.configured and ctx.target_locales and not configured_target(trg, ctx):
        yield doc.finding(R_NOT_CONFIGURED, f"{trg_attr} {trg!r} is none of the configured locales "
                          f"{', '.join(ctx.target_locales)}", element=el)
    if pulled is not None and normalize(trg) not in {normalize(pulled.locale), normalize(pulled.px_language)}:
        yield doc.finding(R_PULLED_LANG, f"{trg_attr} {trg!r} differs from the pulled language "
                          f"{pulled.px_language!r} ({pulled.locale})", element=el)


def _as_pulled(doc: Document, files: list[FileView], pulled: PulledInfo, root: etree._Element) -> Iterator[Finding]:
    if doc.version != pulled.xliff_version:
        yield doc.finding(R_VERSION, f"XLIFF {doc.version} but the file was exported as XLIFF "
                          f"{pulled.xliff_version}", element=root)
    declared = next((v.strategy for v in files if v.strategy), None)
    wanted = (pulled.strategy or "").lower()
    if declared and wanted and declared != wanted and not (declared == "text" and wanted != "html"):
        where = "file@datatype" if doc.version == "1.2" else "strategy metadata"
        yield doc.finding(R_STRATEGY, f"{where} says strategy {declared!r} but the file was exported with "
                          f"{pulled.strategy!r}", element=files[0].element if files else root)
    expected = set(pulled.unit_ids)
    present: set[str] = set()
    for view in files:
        for unit in view.units:
            if unit.id is None:
                continue
            present.add(unit.id)
            if unit.id not in expected:
                yield doc.finding(R_UNIT_ADDED, f"unit {unit.id!r} was not in the file PX exported",
                                  element=unit.element, unit=unit.id)
    anchor = files[0].element if files else root
    for unit_id in pulled.unit_ids:
        if unit_id not in present:
            yield doc.finding(R_UNIT_DROPPED, f"unit {unit_id!r} exported by PX is missing from the file",
                              element=anchor, unit=unit_id)


def _path(doc: Document, ctx: Context, files: list[FileView], root: etree._Element) -> Iterator[Finding]:
    assert ctx.directory is not None
    key = key_for(ctx.directory, Path(doc.path))
    if key is None:
        return
    for view in files[:1]:
        trg = (view.trg or "").strip()
        if trg and normalize(trg) not in _names(key.locale, ctx.px_languages):
            yield doc.finding(R_PATH, f"path says locale {key.locale!r} but the file's target language is "
                              f"{trg!r}", element=view.lang_element)
    if files and not holds_item_id(files, root, key.item_id):
        yield doc.finding(R_PATH, f"path says item {key.item_id!r} but no file-level id in the file holds it",
                          element=files[0].element)


# --- HTML carried as text ------------------------------------------------------------------------

HTML_TAGS = frozenset(
    """a abbr acronym address area article aside audio b bdi bdo big blockquote body br button canvas
    caption center cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed
    fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input
    ins kbd label legend li link main map mark meta meter nav noscript object ol optgroup option output p
    param picture pre progress q rp rt ruby s samp script section select small source span strike strong
    style sub summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul
    var video wbr""".split()
)
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())


class _Tags(HTMLParser):
    """Collects start/end tags of an HTML fragment, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("empty", tag))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))


def html_problems(text: str) -> tuple[list[tuple[str, str, str]], bool]:
    """Problems of an HTML fragment as (kind, tag, message), and whether it has any tag at all.

    Kinds: ``unknown`` (not an HTML element), ``misnested``, ``stray`` (end tag
    never opened) and ``unclosed``. Void elements need no end tag.
    """
    scanner = _Tags()
    scanner.feed(text)
    scanner.close()
    problems: list[tuple[str, str, str]] = []
    stack: list[str] = []
    unknown: set[str] = set()
    for kind, tag in scanner.events:
        if tag not in HTML_TAGS and tag not in unknown:
            unknown.add(tag)
            problems.append(("unknown", tag, f"unknown tag <{tag}>"))
        if kind == "empty" or tag in VOID_TAGS:
            continue
        if kind == "start":
            stack.append(tag)
        elif stack and stack[-1] == tag:
            stack.pop()
        elif tag in stack:
            problems.append(("misnested", tag, f"</{tag}> closes while <{stack[-1]}> is still open (unclosed or mis-nested)"))
            while stack.pop() != tag:
                pass
        else:
            problems.append(("stray", tag, f"</{tag}> has no opening <{tag}>"))
    problems.extend(("unclosed", tag, f"<{tag}> is never closed") for tag in reversed(stack))
    return problems, bool(scanner.events)


def _markup(doc: Document, view: FileView, html: bool) -> Iterator[Finding]:
    for unit in view.units:
        if unit.target is None or "<" not in unit.target:
            continue
        target, _ = html_problems(unit.target)
        if not target:
            continue
        source, source_has_tags = html_problems(unit.source)
        anchor = unit.target_element if unit.target_element is not None else unit.element
        if html:
            known = {(kind, tag) for kind, tag, _ in source}
            fresh = [p for p in target if (p[0], p[1]) not in known]
            if fresh:
                yield doc.finding(R_HTML, f"target HTML: {fresh[0][2]}", element=anchor, unit=unit.id)
            continue
        balance = [p for p in target if p[0] != "unknown"]
        if balance and source_has_tags and not any(p[0] != "unknown" for p in source):
            yield doc.finding(R_UNBALANCED, f"target tags unbalanced ({balance[0][2]}) while the source's are "
                              "balanced", element=anchor, unit=unit.id)
