"""PX import rules (PX1xx): what PX would refuse or silently lose, on both XLIFF versions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from pxl10n.validate import px
from pxl10n.validate.context import Context, Expected, LaidOut, Pulled
from pxl10n.validate.langtags import is_rtl, is_well_formed, px_supports
from pxl10n.validate.registry import RULES as REGISTRY
from pxl10n.validate.rules import Document, Finding, Severity
from pxl10n.xliff.io import safe_parser, xliff_version

from .helpers.xliff import document

LOCALES = ("fr-FR", "de-DE", "ja-JP", "es-ES")
CTX = Context(source_locale="en-US", target_locales=LOCALES, px_languages={loc: loc for loc in LOCALES})
ITEM = "c6bd79cc-b706-5b59-8c7e-fdaaf91d61c0"


def load(data: str, path: str = "test.xlf") -> Document:
    raw = data.encode("utf-8")
    tree = etree.ElementTree(etree.fromstring(raw, safe_parser()))
    return Document(path, raw, tree, xliff_version(tree))


def run(doc: Document, ctx: Context = CTX) -> list[Finding]:
    return list(px.check(doc, ctx))


def codes(doc: Document, ctx: Context = CTX) -> set[str]:
    return {f.code for f in run(doc, ctx)}


def doc12(units: str = '<trans-unit id="a"><source>Hi</source><target>Salut</target></trans-unit>', *,
          src: str = "en-US", trg: str | None = "fr-FR", datatype: str = "html", original: str = ITEM) -> str:
    return document("1.2", units, src=src, trg=trg, datatype=datatype, original=original)


def doc20(units: str = '<unit id="a"><segment><source>Hi</source><target>Salut</target></segment></unit>', *,
          src: str = "en-US", trg: str | None = "fr-FR", strategy: str = "html", original: str | None = ITEM,
          meta: str = "") -> str:
    return document("2.0", units, src=src, trg=trg, strategy=strategy, original=original, meta=meta)


def pulled_ctx(path: Path, px_languages: dict[str, str] | None = None, **info: object) -> Context:
    data: dict[str, object] = {"kind": "engagement", "item_id": ITEM, "locale": "fr-FR", "px_language": "fr-FR",
                               "xliff_version": "1.2", "strategy": "html", "unit_ids": ("a",)}
    data.update(info)
    languages = px_languages if px_languages is not None else {loc: loc for loc in LOCALES}
    return Context(source_locale="en-US", target_locales=LOCALES, px_languages=languages,
                   expected={str(path.resolve()): Expected(pulled=Pulled(**data))})  # type: ignore[arg-type]


# --- languages ------------------------------------------------------------------------------------------

NEIGHBOURS: list[tuple[str, str, str]] = [
    ("PX100", doc12(original=""), doc12(original="engagement/" + ITEM)),
    ("PX100", doc20(original=None).replace(' id="f1"', ' id=""'), doc20(original=None)),
    ("PX110", doc12(src="en-GB"), doc12(src="en")),
    ("PX110", doc20(src="de"), doc20(src="EN-us")),
    ("PX111", doc12(trg=None), doc12('<trans-unit id="a"><source>Hi</source></trans-unit>', trg=None)),
    ("PX111", doc20(trg=None), doc20('<unit id="a"><segment><source>Hi</source></segment></unit>', trg=None)),
    ("PX112", doc12(trg="en-US"), doc12(trg="fr-FR")),
    ("PX113", doc12(trg="fr-CA"), doc12(trg="FR_fr")),
    ("PX114", doc12(trg="he-IL"), doc12(trg="ja-JP")),
    ("PX114", doc20(trg="ur-PK"), doc20(trg="de-DE")),
    ("PX114", doc12(trg="sd-Arab"), doc12(trg="es-ES")),
    ("PX140", doc12('<trans-unit id="a"><source>&lt;b&gt;Hi &lt;i&gt;x&lt;/i&gt;&lt;/b&gt;</source>'
                    '<target>&lt;b&gt;Salut &lt;i&gt;x&lt;/b&gt;&lt;/i&gt;</target></trans-unit>'),
     doc12('<trans-unit id="a"><source>&lt;b&gt;Hi &lt;i&gt;x&lt;/i&gt;&lt;/b&gt;</source>'
           '<target>&lt;b&gt;Salut &lt;i&gt;x&lt;/i&gt;&lt;/b&gt;</target></trans-unit>')),
    ("PX140", doc20('<unit id="a"><segment><source>&lt;p&gt;Hi&lt;/p&gt;</source><target>&lt;p&gt;Salut</target>'
                    "</segment></unit>"),
     doc20('<unit id="a"><segment><source>&lt;p&gt;Hi</source><target>&lt;p&gt;Sa</target></segment>'
           '<segment><source>&lt;/p&gt;</source><target>lut&lt;/p&gt;</target></segment></unit>')),
    ("PX141", doc12('<trans-unit id="a"><source>&lt;b&gt;Hi&lt;/b&gt;</source><target>&lt;b&gt;Salut</target>'
                    "</trans-unit>", datatype="po"),
     doc12('<trans-unit id="a"><source>&lt;b&gt;Hi</source><target>&lt;b&gt;Salut</target></trans-unit>',
           datatype="po")),
]


@pytest.mark.parametrize(("code", "bad", "good"), NEIGHBOURS,
                         ids=[f"{c}-{n}" for n, (c, _, _) in enumerate(NEIGHBOURS)])
def test_rule_fires_on_bad_and_not_on_its_neighbour(code: str, bad: str, good: str) -> None:
    assert code in codes(load(bad))
    assert run(load(good)) == []


def test_target_language_through_px_code_mapping() -> None:
    ctx = Context(source_locale="en-US", target_locales=("fr-FR", "zh-TW"),
                  px_languages={"fr-FR": "fr", "zh-TW": "zh-Hant"})
    assert codes(load(doc12(trg="zh-hant")), ctx) == set()
    assert codes(load(doc12(trg="FR")), ctx) == set()
    assert codes(load(doc12(trg="zh")), ctx) == {"PX113"}


def test_config_rules_are_silent_without_config_but_px_refusals_are_not() -> None:
    bare = Context()
    assert codes(load(doc12(src="de-DE", trg="it-IT")), bare) == set()
    assert codes(load(doc12(trg="ar")), bare) == {"PX114"}
    assert codes(load(doc12(trg="en-us")), bare) == {"PX112"}
    assert codes(load(doc12(trg=None)), bare) == {"PX111"}


def test_unsupported_language_is_a_warning_and_rtl_is_not_doubled() -> None:
    [finding] = run(load(doc12(trg="tlh")), Context())
    assert (finding.code, finding.severity) == ("PX115", Severity.WARNING)
    assert [f.code for f in run(load(doc12(trg="fa")), Context())] == ["PX114"]


@pytest.mark.parametrize("tag", ["ar", "ar-EG", "he", "iw", "fa-IR", "ur", "yi", "ps", "sd", "ug", "dv", "ckb",
                                 "syr", "ku-Arab", "az-Arab", "uz-Arab-AF", "pa-Arab", "ms-arab", "yi-Hebr"])
def test_rtl_tags(tag: str) -> None:
    assert is_rtl(tag)


@pytest.mark.parametrize("tag", ["en", "fr-FR", "sd-Deva", "az-Latn", "ku", "zh-Hant-TW", "ja", "sr-Cyrl"])
def test_ltr_tags(tag: str) -> None:
    assert not is_rtl(tag)


@pytest.mark.parametrize(("tag", "ok"), [("en-US", True), ("zh-Hant-TW", True), ("x-pseudo", True),
                                         ("de-CH-1996", True), ("en_US", False), ("english", False),
                                         ("e", False), ("en-", False), ("", False), ("i-klingon", True)])
def test_language_tag_syntax(tag: str, ok: bool) -> None:
    assert is_well_formed(tag) is ok


def test_px_supported_languages() -> None:
    assert px_supports("pt-BR") and px_supports("nb-NO") and px_supports("iw") is False and not px_supports("tlh")


# --- as pulled ------------------------------------------------------------------------------------------


def test_item_id_must_match_pulled(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    ctx = pulled_ctx(path)
    assert codes(load(doc12(), str(path)), ctx) == set()
    assert codes(load(doc12(original=f"engagements/{ITEM}.json"), str(path)), ctx) == set()
    assert codes(load(doc12(original=ITEM + "-copy2"), str(path)), ctx) == {"PX101"}
    assert codes(load(doc12(original="other-item"), str(path)), ctx) == {"PX101"}


def test_item_id_found_in_20_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    ctx = pulled_ctx(path, xliff_version="2.0")
    with_meta = doc20(original=None, meta=f'<mda:meta type="itemId">{ITEM}</mda:meta>')
    assert codes(load(with_meta, str(path)), ctx) == set()
    assert codes(load(doc20(original=None), str(path)), ctx) == {"PX101"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('version="2.0"', f'version="2.0" xmlns:px="urn:px" px:itemId="{ITEM}"'),
        ('<unit id="', f'<unit xmlns:px="urn:px" px:item="{ITEM}" id="'),
    ],
)
def test_item_id_found_elsewhere_outside_content(tmp_path: Path, old: str, new: str) -> None:
    path = tmp_path / "a.xlf"
    ctx = pulled_ctx(path, xliff_version="2.0")
    text = doc20(original=None)
    assert old in text
    assert codes(load(text.replace(old, new, 1), str(path)), ctx) == set()
    in_source = text.replace("</source>", f" {ITEM}</source>", 1)
    assert codes(load(in_source, str(path)), ctx) == {"PX101"}


def test_item_id_found_in_12_header_prop_or_extension(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    ctx = pulled_ctx(path)
    header = (f'<header><px:item xmlns:px="urn:example:px" id="{ITEM}"/></header>')
    doc = doc12(original="strings").replace("<body>", header + "<body>")
    assert codes(load(doc, str(path)), ctx) == set()


def test_version_and_strategy_as_pulled(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    assert codes(load(doc20(), str(path)), pulled_ctx(path)) == {"PX120"}
    assert codes(load(doc20(), str(path)), pulled_ctx(path, xliff_version="2.0")) == set()
    assert codes(load(doc20(strategy="text"), str(path)), pulled_ctx(path, xliff_version="2.0")) == {"PX121"}
    assert codes(load(doc12(datatype="plaintext"), str(path)), pulled_ctx(path)) == {"PX121"}
    assert codes(load(doc12(datatype="plaintext"), str(path)), pulled_ctx(path, strategy="text")) == set()
    assert codes(load(doc12(datatype="html"), str(path)), pulled_ctx(path, strategy="text")) == {"PX121"}
    assert codes(load(doc12(datatype="resx"), str(path)), pulled_ctx(path, strategy="text")) == set()
    assert codes(load(doc12(datatype="html"), str(path)), pulled_ctx(path, strategy=None)) == set()


def test_unit_ids_as_pulled(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    ctx = pulled_ctx(path, unit_ids=("a", "b"))
    units = ('<trans-unit id="a"><source>Hi</source></trans-unit>'
             '<trans-unit id="c"><source>New</source></trans-unit>')
    found = run(load(doc12(units), str(path)), ctx)
    assert sorted((f.code, f.unit) for f in found) == [("PX130", "c"), ("PX131", "b")]
    both = units.replace('id="c"', 'id="b"')
    assert run(load(doc12(both), str(path)), ctx) == []


def test_another_items_file_copied_over_is_one_finding_not_one_per_unit(tmp_path: Path) -> None:
    """A file of another item (a translator's copy into the wrong name) differs in every unit; PX101 says
    what it is and the units are not compared, or the real finding drowns in PX130 and PX131."""
    path = tmp_path / "a.xlf"
    ctx = pulled_ctx(path, unit_ids=("a", "b"))
    units = ('<trans-unit id="c"><source>Hi</source><target>Salut</target></trans-unit>'
             '<trans-unit id="d"><source>New</source><target>Neuf</target></trans-unit>')
    found = run(load(doc12(units, original="other-item"), str(path)), ctx)
    assert [f.code for f in found] == ["PX101"]
    assert "'other-item'" in found[0].message and "another item's file" in found[0].message
    nameless = run(load(doc12(units, original=""), str(path)), ctx)
    assert sorted(f.code for f in nameless) == ["PX100", "PX101", "PX130", "PX130", "PX131", "PX131"]


def test_target_language_as_pulled(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    ctx = pulled_ctx(path, {"fr-FR": "fr", "de-DE": "de"}, locale="de-DE", px_language="de")
    assert codes(load(doc12(trg="de"), str(path)), ctx) == set()
    (other,) = run(load(doc12(trg="fr-FR"), str(path)), ctx)
    assert other.code == "PX116" and "'de' (de-DE)" in other.message and 'target-language="de"' in other.message
    same = pulled_ctx(path, locale="de-DE", px_language="de-DE")
    (fr,) = run(load(doc12(trg="fr-FR"), str(path)), same)
    assert "'de-DE': the import" in fr.message  # the locale is named once when PX's language is its name
    # the project's name for a language PX calls "de": PX does not know it and refuses the import (434)
    (finding,) = run(load(doc12(trg="de-DE"), str(path)), ctx)
    assert finding.code == "PX116" and "project.px_languages" in finding.message and 'target-language="de"' in finding.message


def test_pulled_rules_skip_files_not_pulled(tmp_path: Path) -> None:
    ctx = pulled_ctx(tmp_path / "other.xlf", xliff_version="2.0", unit_ids=("zzz",))
    assert codes(load(doc12(), str(tmp_path / "a.xlf")), ctx) == set()


# --- path ----------------------------------------------------------------------------------------------


def test_path_agrees_with_languages_and_item() -> None:
    def ctx_for(path: str, locale: str, item: str) -> Context:
        laid_out = LaidOut("engagement", item, locale)
        return Context(source_locale="en-US", target_locales=LOCALES, px_languages={loc: loc for loc in LOCALES},
                       expected={path: Expected(laid_out=laid_out)})

    assert codes(load(doc12(), "a.xlf"), ctx_for("a.xlf", "fr-FR", ITEM)) == set()
    [finding] = run(load(doc12(), "a.xlf"), ctx_for("a.xlf", "de-DE", ITEM))
    assert finding.code == "PX150" and "'de-DE'" in finding.message
    assert codes(load(doc12(), "a.xlf"), ctx_for("a.xlf", "fr-FR", "another")) == {"PX150"}
    assert codes(load(doc12(), "elsewhere.xlf"), ctx_for("a.xlf", "de-DE", "another")) == set()


# --- HTML carried as text --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kinds"), [
    ("<b>Hi <i>x</b></i>", ["misnested", "stray"]),
    ("<p>Hi <b>x</b></p>", []),
    ("Line<br>next<br/><img src='a.png'>", []),
    ("<p>open", ["unclosed"]),
    ("close</span>", ["stray"]),
    ("<blink>x</blink>", ["unknown"]),
    ("a < b and c > d, {{user.name}}", []),
    ("<!-- note --><a href='x?a=1&amp;b=2'>x</a>", []),
])
def test_html_problems(text: str, kinds: list[str]) -> None:
    problems, _ = px.html_problems(text)
    assert [p.kind for p in problems] == kinds


def test_html_problems_the_source_shares_are_not_reported() -> None:
    units = ('<trans-unit id="a"><source>&lt;custom-tag&gt;Hi&lt;/custom-tag&gt; &lt;p&gt;x</source>'
             '<target>&lt;custom-tag&gt;Salut&lt;/custom-tag&gt; &lt;p&gt;x</target></trans-unit>')
    assert run(load(doc12(units))) == []


def test_html_finding_names_unit_and_first_problem() -> None:
    units = ('<trans-unit id="step-1.title"><source>&lt;b&gt;Hi &lt;i&gt;x&lt;/i&gt;&lt;/b&gt;</source>'
             '<target>&lt;b&gt;Salut &lt;i&gt;x&lt;/b&gt;&lt;/i&gt;</target></trans-unit>')
    [finding] = run(load(doc12(units)))
    assert (finding.code, finding.unit) == ("PX140", "step-1.title")
    assert "</b>" in finding.message and "<i>" in finding.message


def test_pulled_strategy_decides_html_checks(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    units = ('<trans-unit id="a"><source>&lt;b&gt;Hi&lt;/b&gt;</source><target>&lt;bold&gt;Salut&lt;/bold&gt;'
             "</target></trans-unit>")
    assert "PX140" in codes(load(doc12(units, datatype="x-px"), str(path)), pulled_ctx(path, strategy="html"))
    assert codes(load(doc12(units, datatype="plaintext"), str(path)), pulled_ctx(path, strategy="text")) == set()


def test_rules_are_registered_with_documented_severities() -> None:
    ours = {code: rule for code, rule in REGISTRY.items() if re.fullmatch(r"PX1\d\d", code)}
    assert {c for c, r in ours.items() if r.severity is Severity.WARNING} == {"PX115"}
    assert {c for c, r in ours.items() if r.needs_config} == {
        "PX101", "PX110", "PX113", "PX116", "PX120", "PX121", "PX130", "PX131", "PX150"}


@pytest.mark.parametrize(("target", "encoding"), [
    ("&lt;b&gt;Salut", "utf-8"),  # escaped
    ("&#60;b&#x3E;Salut", "utf-8"),  # character references
    ("<![CDATA[<b>Salut]]>", "utf-8"),  # CDATA
    ("&lt;b&gt;Salut", "utf-16"),  # no byte scan can see it
])
def test_markup_is_found_however_the_lt_is_written(target: str, encoding: str) -> None:
    """The markup rules skip documents whose bytes cannot hold a '<' in text; every way of writing one counts."""
    text = doc12(f'<trans-unit id="a"><source>Hi</source><target>{target}</target></trans-unit>')
    text = text.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"')
    raw = text.encode(encoding)
    tree = etree.ElementTree(etree.fromstring(raw, safe_parser()))
    doc = Document("t.xlf", raw, tree, xliff_version(tree))
    assert "PX140" in codes(doc)
