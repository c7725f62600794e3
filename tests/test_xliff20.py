"""XLIFF 2.0 conformance rules beyond the fixtures (``tests/test_rules_fixtures.py`` runs those)."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from pxl10n.validate import xliff20
from pxl10n.validate.context import Context
from pxl10n.validate.registry import RULES as REGISTRY
from pxl10n.validate.rules import Document, Finding
from pxl10n.xliff.io import safe_parser

from .helpers.xliff import NS, document

CODE_RE = re.compile(r"XLF2\d\d")


def load(path: Path | str, data: bytes | None = None) -> Document:
    """A Document the way the engine builds it: safe parser, version from the namespace."""
    if data is None:
        data = Path(path).read_bytes()
    tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    return Document(str(path), data, tree, "2.0")


def findings(doc: Document) -> list[Finding]:
    return list(xliff20.check(doc, Context()))


def findings_for(text: str) -> list[Finding]:
    return findings(load("inline.xlf", text.encode()))


def xliff(body: str, root: str = 'version="2.0" srcLang="en" trgLang="fr"') -> str:
    """A 2.0 document around ``body`` whose ``<xliff>`` carries the namespace and ``root``."""
    return document("2.0", body, original=None, root=f'xmlns="{NS["2.0"]}" {root}')


def xliff20_codes() -> list[str]:
    return sorted(code for code in REGISTRY if code.startswith("XLF2"))


def test_rules_are_registered_with_title_and_explanation() -> None:
    codes = xliff20_codes()
    assert len(codes) >= 45
    for code in codes:
        rule = REGISTRY[code]
        assert CODE_RE.fullmatch(code)
        assert rule.title and rule.explanation and len(rule.explanation) > len(rule.title)


def test_other_versions_are_left_alone() -> None:
    doc = load("v12.xlf", b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file/></xliff>')
    doc.version = "1.2"
    assert findings(doc) == []
    assert list(xliff20.check(Document("broken.xlf", b"<", None, None), Context())) == []


def test_finding_names_unit_and_line() -> None:
    text = xliff('\n<unit id="u-7">\n<segment>\n<source>a <ph id="1" dataRef="nope"/></source>\n</segment>\n</unit>')
    [finding] = findings_for(text)
    assert finding.code == "XLF235"
    assert finding.unit == "u-7"
    assert finding.line == 4
    assert "unit=" not in finding.message and 'dataRef="nope"' in finding.message and "<ph id=\"1\">" in finding.message


def test_finding_outside_unit_has_no_unit() -> None:
    [finding] = findings_for(xliff('<unit id="u1"><segment><source>a</source></segment></unit>', root='version="2.0" srcLang="en_US"'))
    assert finding.code == "XLF208" and finding.unit is None and "srcLang" in finding.message


def test_target_order_governs_target_pairing() -> None:
    # The targets are swapped by order: in display order the target sc precedes its ec, the source's does not.
    body = (
        '<unit id="u1">'
        '<segment><source>a<ec startRef="1"/></source><target order="2">A<ec startRef="1"/></target></segment>'
        '<segment><source><sc id="1"/>b</source><target order="1"><sc id="1"/>B</target></segment>'
        "</unit>"
    )
    codes = [f.code for f in findings_for(xliff(body))]
    assert codes.count("XLF230") == 1  # only the source side, where the ec comes first
    assert "XLF232" in codes


def test_many_errors_in_one_document_are_all_reported() -> None:
    body = '<unit id="u1" translate="maybe"><segment state="done"><source><ph/><ec startRef="x"/></source></segment></unit><unit id="u1"><ignorable><source/></ignorable></unit>'
    codes = {f.code for f in findings_for(xliff(body))}
    assert {"XLF206", "XLF204", "XLF230", "XLF211", "XLF225"} <= codes


def test_findings_are_sorted_by_line() -> None:
    body = "\n".join(f'<unit id="u{i}"><segment><source><ph id="1" type="bad{i}"/></source></segment></unit>' for i in range(5))
    lines = [f.line for f in findings_for(xliff("\n" + body))]
    assert lines == sorted(lines) and len(lines) == 5


def big_document(units: int) -> bytes:
    parts = []
    for i in range(units):
        parts.append(
            f'<unit id="u{i}"><notes><note id="n">note</note></notes>'
            '<originalData><data id="d1">&lt;b&gt;</data><data id="d2">&lt;/b&gt;</data></originalData>'
            f'<segment id="s1" state="translated"><source>Hello <pc id="1" dataRefStart="d1" dataRefEnd="d2">bold {i}</pc> '
            '<ph id="2"/> <sc id="3"/>x<ec startRef="3"/> <mrk id="m" type="comment" ref="#n=n">m</mrk></source>'
            f'<target>Bonjour <pc id="1" dataRefStart="d1" dataRefEnd="d2">gras {i}</pc> <ph id="2"/> <sc id="3"/>x'
            '<ec startRef="3"/> <mrk id="m" type="comment" ref="#n=n">m</mrk></target></segment>'
            '<ignorable><source> </source></ignorable><segment id="s2"><source>Second</source><target>Deux</target></segment></unit>'
        )
    return xliff("".join(parts)).encode()


def test_large_document_has_no_finding() -> None:
    doc = load("big.xlf", big_document(5000))
    assert findings(doc) == []
