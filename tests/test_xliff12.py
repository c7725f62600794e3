"""XLIFF 1.2 conformance rules (XLF1xx): fixtures, close neighbours, and the family's contract."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from pxl10n.validate import xliff12
from pxl10n.validate.context import Context
from pxl10n.validate.registry import RULES as REGISTRY
from pxl10n.validate.rules import Document, Finding, Severity
from pxl10n.xliff.io import safe_parser, xliff_version

from .helpers.xliff import NS as XLIFF_NS
from .helpers.xliff import document

CTX = Context(
    source_locale="en-US",
    target_locales=("fr-FR", "de-DE", "ja-JP", "es-ES"),
    px_languages={"fr-FR": "fr-FR", "de-DE": "de-DE", "ja-JP": "ja-JP", "es-ES": "es-ES"},
)
NS = XLIFF_NS["1.2"]


def load(data: bytes | str, path: str = "test.xlf") -> Document:
    """A Document as the engine builds it: parsed with the safe parser, version set."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tree = etree.ElementTree(etree.fromstring(raw, safe_parser()))
    return Document(path, raw, tree, xliff_version(tree))


def xlf(doc: Document) -> list[Finding]:
    return list(xliff12.check(doc, CTX))


def codes(doc: Document) -> set[str]:
    return {f.code for f in xlf(doc)}


def wrap(units: str, *, file_attrs: str = 'original="eng-1" source-language="en-US" target-language="fr-FR" '
         'datatype="html"', header: str = "", root: str = f'version="1.2" xmlns="{NS}"') -> str:
    """A minimal, valid XLIFF 1.2 document around ``units``; ``file_attrs`` / ``root`` replace those attributes."""
    return document("1.2", units, header=header, root=root, file=file_attrs, declaration=True)


# Each rule: a document that breaks it and a close neighbour that does not.
TU = '<trans-unit id="u1"><source>{s}</source><target>{t}</target>{x}</trans-unit>'
PAIRS: list[tuple[str, str, str]] = [
    ("XLF100", wrap(TU.format(s="a", t="b", x=""), root='version="1.2"'), wrap(TU.format(s="a", t="b", x=""))),
    ("XLF101", wrap(TU.format(s="a", t="b", x="<comment>c</comment>")),
     wrap(TU.format(s="a", t="b", x="<note>c</note>"))),
    ("XLF102", wrap(TU.format(s="a", t="b", x="") + '<e:m xmlns:e="urn:e"/>'),
     wrap(TU.format(s="a", t="b", x='<e:m xmlns:e="urn:e"/>'))),
    ("XLF102", wrap(TU.format(s="a <sub>b</sub>", t="b", x="")),
     wrap(TU.format(s='a <ph id="1">&lt;i title="<sub>b</sub>"&gt;</ph>', t="b", x=""))),
    ("XLF103", wrap('<trans-unit id="u1"><source>a</source><note>n</note><target>b</target></trans-unit>'),
     wrap('<trans-unit id="u1"><source>a</source><target>b</target><note>n</note></trans-unit>')),
    ("XLF104", wrap('<trans-unit id="u1"><note>n</note></trans-unit>'),
     wrap('<trans-unit id="u1"><source/><note>n</note></trans-unit>')),
    ("XLF105", wrap(TU.format(s="a", t="b", x="<target>c</target>")),
     wrap(TU.format(s="a", t="b", x="<alt-trans><target>c</target></alt-trans>"))),
    ("XLF106", wrap('<trans-unit id="u1">oops<source>a</source></trans-unit>'),
     wrap('<trans-unit id="u1"><source>oops a</source></trans-unit>')),
    ("XLF110", wrap(TU.format(s='<it id="1">&lt;b&gt;</it>a', t="b", x="")),
     wrap(TU.format(s='<it id="1" pos="open">&lt;b&gt;</it>a', t="b", x=""))),
    ("XLF110", wrap(TU.format(s="a", t="b", x=""), file_attrs='original="o" source-language="en-US"'),
     wrap(TU.format(s="a", t="b", x=""), file_attrs='original="o" source-language="en-US" datatype="x-px"')),
    ("XLF111", wrap(TU.format(s="a", t="b", x='<note e:k="1" xmlns:e="urn:e">n</note>')),
     wrap(TU.format(s="a", t="b", x="<note>n</note>").replace("<trans-unit ", '<trans-unit e:k="1" xmlns:e="urn:e" '))),
    ("XLF111", wrap(TU.format(s="a", t="b", x="").replace('id="u1"', 'id="u1" priority="1"')),
     wrap(TU.format(s="a", t="b", x='<note priority="1">n</note>'))),
    ("XLF112", wrap(TU.format(s="a", t="b", x="").replace("<target>", '<target state="done">')),
     wrap(TU.format(s="a", t="b", x="").replace("<target>", '<target state="x-done">'))),
    ("XLF112", wrap(TU.format(s='<it id="1" pos="x-open">c</it>', t="b", x="")),
     wrap(TU.format(s='<it id="1" pos="close">c</it>', t="b", x=""))),
    ("XLF113", wrap(TU.format(s="a", t="b", x="").replace('id="u1"', 'id="u1" translate="true"')),
     wrap(TU.format(s="a", t="b", x="").replace('id="u1"', 'id="u1" translate="no"'))),
    ("XLF114", wrap("", file_attrs='original="o" source-language="en_US" datatype="po"'),
     wrap("", file_attrs='original="o" source-language="en-US" datatype="po"')),
    ("XLF114", wrap("", file_attrs='original="o" source-language="e" datatype="po"'),
     wrap("", file_attrs='original="o" source-language="zh-Hant-TW" datatype="po"')),
    ("XLF115", wrap(TU.format(s="a", t="b", x="").replace('id="u1"', 'id="u1" xml:space="keep"')),
     wrap(TU.format(s="a", t="b", x="").replace('id="u1"', 'id="u1" xml:space="preserve"'))),
    ("XLF116", wrap("", file_attrs='original="o" source-language="en" datatype="po" date="2024-05-01"'),
     wrap("", file_attrs='original="o" source-language="en" datatype="po" date="2024-05-01T08:00:00Z"')),
    ("XLF116", wrap(TU.format(s="a", t="b", x='<note priority="0">n</note>')),
     wrap(TU.format(s="a", t="b", x='<note priority="10">n</note>'))),
    ("XLF117", wrap("", root=f'version="2.0" xmlns="{NS}"'), wrap("")),
    ("XLF120", wrap(TU.format(s="a", t="b", x="") * 2),
     wrap(TU.format(s="a", t="b", x="")).replace(
         "</file>", f'</file><file original="o2" source-language="en-US" datatype="html"><body>'
                    f'{TU.format(s="a", t="b", x="")}</body></file>')),
    ("XLF121", wrap('<group id="g"><trans-unit id="1"><source/></trans-unit></group>'
                    '<group id="g"><trans-unit id="2"><source/></trans-unit></group>'),
     wrap('<group id="g"><trans-unit id="1"><source/></trans-unit></group>'
          '<group id="h"><trans-unit id="2"><source/></trans-unit></group>')),
    ("XLF122", wrap(TU.format(s='<x id="1" xid="u9"/>', t="b", x="")),
     wrap(TU.format(s='<x id="1" xid="u1"/>', t="b", x=""))),
    ("XLF122", wrap(TU.format(s="a", t="b", x='<alt-trans tool-id="mt"><target>c</target></alt-trans>'),
                    header='<tool tool-id="tm" tool-name="TM"/>'),
     wrap(TU.format(s="a", t="b", x='<alt-trans tool-id="mt"><target>c</target></alt-trans>'),
          header='<tool tool-id="mt" tool-name="MT"/>')),
    ("XLF130", wrap(TU.format(s='<bpt id="1">[</bpt>a<ept id="1">]</ept> <bpt id="1">(</bpt>c<ept id="2">)</ept>', t="b", x="")),
     wrap(TU.format(s='<bpt id="1">[</bpt>a<ept id="1">]</ept> <bpt id="2">(</bpt>c<ept id="2">)</ept>', t="b", x=""))),
    ("XLF133", wrap(TU.format(s='<g id="1">a</g><x id="1"/>', t="b", x="")),
     wrap(TU.format(s='<g id="1">a</g><x id="2"/>', t='<g id="1">b</g><x id="2"/>', x=""))),
    ("XLF131", wrap(TU.format(s='<bpt id="1">[</bpt>a', t='b<ept id="1">]</ept>', x="")),
     wrap(TU.format(s='<bpt id="1">[</bpt>a<ept id="1">]</ept>', t='<bpt id="1">[</bpt>b<ept id="1">]</ept>', x=""))),
    ("XLF131", wrap(TU.format(s='<bpt id="1" rid="r">[</bpt>a<ept id="1" rid="s">]</ept>', t="b", x="")),
     wrap(TU.format(s='<bpt id="1" rid="r">[</bpt>a<ept id="2" rid="r">]</ept>', t="b", x=""))),
    ("XLF131", wrap(TU.format(s='<bpt id="1">[</bpt>a<ept id="2">]</ept>', t="b", x="")),
     wrap(TU.format(s='<bpt id="2">[</bpt>a<ept id="2">]</ept>', t="b", x=""))),
    ("XLF132", wrap(TU.format(s='<bx id="1" rid="r"/>a<ex id="2" rid="q"/>', t="b", x="")),
     wrap(TU.format(s='<bx id="1" rid="r"/>a<ex id="2" rid="r"/>', t="b", x=""))),
    ("XLF140", wrap(TU.format(s="a", t="b", x="").replace("<target>", '<target xml:lang="de-DE">')),
     wrap(TU.format(s="a", t="b", x='<alt-trans><target xml:lang="de-DE">c</target></alt-trans>')
          .replace("<target>", '<target xml:lang="fr-fr">'))),
    ("XLF150", wrap(TU.format(s="a", t="b", x="").replace('id="u1"', 'id="u1" ts="x"')),
     wrap(TU.format(s="a", t="b", x=""))),
    ("XLF151", wrap('<group id="g"/>'), wrap('<group id="g"><trans-unit id="u1"><source/></trans-unit></group>')),
]


@pytest.mark.parametrize(("code", "bad", "good"), PAIRS, ids=[f"{c}-{n}" for n, (c, _, _) in enumerate(PAIRS)])
def test_rule_fires_on_bad_and_not_on_its_neighbour(code: str, bad: str, good: str) -> None:
    assert code in codes(load(bad))
    assert xlf(load(good)) == []


def test_every_xlf1xx_rule_has_a_neighbour_pair() -> None:
    registered = {code for code in REGISTRY if re.fullmatch(r"XLF1\d\d", code)}
    assert registered <= {code for code, _, _ in PAIRS}, registered - {code for code, _, _ in PAIRS}


def test_findings_name_line_unit_and_element() -> None:
    doc = load(wrap('\n<trans-unit id="greet">\n<source>a</source>\n<target state="done">b</target>\n</trans-unit>'))
    [finding] = xlf(doc)
    assert (finding.code, finding.line, finding.unit, finding.severity) == ("XLF112", 5, "greet", Severity.ERROR)
    assert "state" in finding.message and "'done'" in finding.message and "\n" not in finding.message


def test_out_of_order_is_not_also_reported_missing() -> None:
    doc = load(wrap('<trans-unit id="u1"><target>b</target><source>a</source></trans-unit>'))
    assert [f.code for f in xlf(doc)] == ["XLF103"]


def test_deprecated_constructs_are_warnings() -> None:
    doc = load(wrap(TU.format(s="a", t="b", x='<prop-group><prop prop-type="k">v</prop></prop-group>')))
    assert [(f.code, f.severity) for f in xlf(doc)] == [("XLF150", Severity.WARNING)]


def test_prop_group_where_transitional_never_had_it_is_an_error() -> None:
    doc = load(wrap(TU.format(s="a", t="b", x="<alt-trans><target>c</target><prop-group/></alt-trans>")))
    assert codes(doc) == {"XLF102"}


def test_extension_language_tags_and_xml_lang_empty_are_accepted() -> None:
    units = TU.format(s="a", t="b", x='<note xml:lang="">n</note>').replace("<target>", '<target xml:lang="x-pseudo">')
    doc = load(wrap(units, file_attrs='original="o" source-language="i-klingon" target-language="x-pseudo" '
                    'datatype="x-whatever"'))
    assert xlf(doc) == []


def test_other_versions_and_unparsed_documents_are_skipped() -> None:
    doc20 = load('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en"><foo/></xliff>')
    assert xlf(doc20) == []
    assert list(xliff12.check(Document("x.xlf", b"<xliff", None, None), CTX)) == []


def test_root_other_than_xliff_is_reported() -> None:
    doc = load(f'<file xmlns="{NS}" original="o" source-language="en" datatype="po"><body/></file>')
    assert codes(doc) == {"XLF102"}


def test_rules_are_registered_with_documented_severities() -> None:
    ours = {code: rule for code, rule in REGISTRY.items() if re.fullmatch(r"XLF1\d\d", code)}
    assert {code for code, rule in ours.items() if rule.severity is Severity.WARNING} == {"XLF133", "XLF140", "XLF150", "XLF151"}
    assert all(rule.title and rule.explanation and not rule.needs_config for rule in ours.values())


def test_large_document_has_no_finding() -> None:
    units = "".join(
        f'<trans-unit id="u{i}"><source>Hello <g id="1">w</g> <x id="2"/></source>'
        f'<target state="translated">Bonjour <g id="1">m</g> <x id="2"/></target><note>n</note></trans-unit>'
        for i in range(5000)
    )
    doc = load(wrap(units))
    assert xlf(doc) == []
