"""The XLIFF 2.0 walk's shortcuts: each skips work only where the skipped check could not have fired.

Every shortcut (a memo of one document, a scan proving a check unnecessary, the
one-segment unit) is pinned here by a document where the full check must still
report, next to one where it must not.
"""

from __future__ import annotations

from lxml import etree

from pxl10n.validate import xliff20
from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document
from pxl10n.validate.xliff20_fragments import parse_fragment
from pxl10n.validate.xliff20_units import says_lang_or_space
from pxl10n.xliff.io import safe_parser
from tests.helpers.xliff import document, units


def codes(text: str) -> list[str]:
    data = text.encode()
    doc = Document("walk.xlf", data, etree.ElementTree(etree.fromstring(data, safe_parser())), "2.0")
    return [f.code for f in xliff20.check(doc, Context())]


def test_a_valid_document_has_no_finding() -> None:
    body = units("2.0", [("Save <ph id='1'/>", "Enregistrer <ph id='1'/>"), ("Next", "Suivant")])
    assert codes(document("2.0", body)) == []


def test_inherited_language_is_still_compared_when_a_document_says_xml_lang() -> None:
    segment = '<segment xml:lang="de"><source>Hi</source><target>Salut</target></segment>'
    found = codes(document("2.0", f'<unit id="u1">{segment}</unit>'))
    assert "XLF221" in found and "XLF222" in found  # both sides inherit de from the segment
    assert codes(document("2.0", '<unit id="u1"><segment><source xml:lang="en-US">Hi</source>'
                                 '<target xml:lang="fr-FR">Salut</target></segment></unit>')) == []


def test_kept_space_is_checked_through_the_unit() -> None:
    body = '<unit id="u1" xml:space="preserve"><segment><source>a  b</source><target xml:space="default">a b</target></segment></unit>'
    assert codes(document("2.0", body)) == ["XLF259"]
    kept = '<unit id="u1" xml:space="preserve"><segment><source>a  b</source><target>a  b</target></segment></unit>'
    assert codes(document("2.0", kept)) == []


def test_text_between_elements_is_reported_once_per_element() -> None:
    body = '<unit id="u1">stray<segment><source>Hi</source></segment>tail too</unit>'
    assert codes(document("2.0", body)) == ["XLF203"]
    spaced = '<unit id="u1">\n  <!-- a note to self -->\n  <segment><source>Hi</source></segment>\n</unit>'
    assert codes(document("2.0", spaced)) == []
    after_comment = '<unit id="u1"><!-- c -->text<segment><source>Hi</source></segment></unit>'
    assert codes(document("2.0", after_comment)) == ["XLF203"]


def test_the_attribute_memo_still_checks_every_value() -> None:
    body = ('<unit id="u1"><segment state="final"><source>a</source></segment></unit>'
            '<unit id="u2"><segment state="done"><source>b</source></segment></unit>'
            '<unit id="u3"><segment state="done"><source>c</source></segment></unit>')
    assert codes(document("2.0", body)) == ["XLF206", "XLF206"]


def test_a_good_child_sequence_is_remembered_per_document_only() -> None:
    good = units("2.0", [("a", "b")])
    bad = '<unit id="u2"><segment><target>b</target><source>a</source></segment></unit>'
    assert codes(document("2.0", good + bad)) == ["XLF202"]
    assert codes(document("2.0", bad)) == ["XLF202"]


def test_a_side_nested_in_a_code_is_reported_not_crashed_on() -> None:
    body = ('<unit id="u1"><segment><source>a <sm id="m1"/><ph id="2"><ignorable><source> </source></ignorable></ph>'
            '<em startRef="m1"/></source><target>b <sm id="m1"/><em startRef="m1"/></target></segment></unit>')
    found = codes(document("2.0", body))
    assert found and "XLF201" in found


def test_an_extension_id_repeated_in_a_unit_is_reported() -> None:
    ext = 'xmlns:e="urn:example"'
    body = f'<unit id="u1"><e:a {ext} id="x"/><e:b {ext} id="x"/><segment><source>a</source></segment></unit>'
    assert codes(document("2.0", body)) == ["XLF256"]
    same_twice = f'<unit id="u1"><e:a {ext} id="x" xml:id="x"/><segment><source>a</source></segment></unit>'
    assert codes(document("2.0", same_twice)) == []


def test_fragment_identifiers_parse_into_selectors() -> None:
    assert parse_fragment("#/f=f1/u=u1/t=1") == (("f", "f1"), ("u", "u1"), ("t", "1"))
    assert parse_fragment("#n=n1") == (("n", "n1"),)
    assert isinstance(parse_fragment("#u=1/f=2"), str)
    assert isinstance(parse_fragment("#x=1"), str)
    assert isinstance(parse_fragment("#/u=u1"), str)


def findings(text: str) -> list[tuple[str, int | None, str | None, str]]:
    data = text.encode()
    doc = Document("walk.xlf", data, etree.ElementTree(etree.fromstring(data, safe_parser())), "2.0")
    return [(f.code, f.line, f.unit, f.message) for f in xliff20.check(doc, Context())]


CLEAN_UNIT = '<unit id="{id}"><notes><note id="n1">x</note></notes><segment><source>a <ph id="1"/></source><target>b <ph id="1"/></target></segment></unit>'
#: each breaks one check inside a unit otherwise shaped like CLEAN_UNIT (the fast lane and the shape memo's cases)
BROKEN_UNITS = {
    "XLF226": '<unit id="{id}"><notes><note id="n1">x</note></notes><segment subState="my:x"><source>a <ph id="1"/></source><target>b <ph id="1"/></target></segment></unit>',
    "XLF243": '<unit id="{id}"><notes><note id="n1">x</note></notes><segment><source>a <ph id="1" subType="my:x"/></source><target>b <ph id="1"/></target></segment></unit>',
    "XLF212": '<unit id="{id}"><notes><note id="n1">x</note><note id="n1">y</note></notes><segment><source>a <ph id="1"/></source><target>b <ph id="1"/></target></segment></unit>',
    "XLF203": '<unit id="{id}"><notes><note id="n1">x</note></notes><segment><source>a <ph id="1"> </ph></source><target>b <ph id="1"/></target></segment></unit>',
    "XLF215": '<unit id="{id}"><notes><note id="n1">x</note></notes><segment><source>a <ph id="1"/></source><target>b <pc id="1">c</pc></target></segment></unit>',
    "XLF240": '<unit id="{id}"><notes><note id="n1">x</note></notes><segment><source>a <ph id="1" canDelete="no"/></source><target>b</target></segment></unit>',
}


def test_a_unit_after_clean_ones_of_its_shape_is_still_checked_in_full() -> None:
    # the first units take the general walk and teach the document their shape; the broken one comes after
    for code, broken in BROKEN_UNITS.items():
        alone = findings(document("2.0", broken.format(id="b")))
        assert [c for c, *_ in alone] == [code], code
        body = "".join([CLEAN_UNIT.format(id=f"u{i}") for i in range(3)] + [broken.format(id="b")])
        assert findings(document("2.0", body)) == alone, code


def test_a_repeated_shape_under_another_parent_is_checked_again() -> None:
    clean = CLEAN_UNIT.format(id="u1")
    group = '<group id="g1" xml:lang="de">' + CLEAN_UNIT.format(id="u2") + "</group>"
    found = codes(document("2.0", clean + group))
    assert "XLF221" in found and "XLF222" in found  # the grouped unit's sides inherit de


def test_references_into_units_skipped_for_their_shape_still_resolve() -> None:
    body = "".join(CLEAN_UNIT.format(id=f"u{i}") for i in range(4))
    good = '<unit id="z"><segment><source><mrk id="m" type="comment" ref="#/f=f1/u=u2/n=n1">c</mrk></source></segment></unit>'
    assert codes(document("2.0", body + good)) == ["XLF247"]  # the note is in another unit, which the rule forbids
    to_code = '<unit id="z"><segment><source><mrk id="m" ref="#/f=f1/u=u3/1">c</mrk></source></segment></unit>'
    assert codes(document("2.0", body + to_code)) == []
    to_nothing = '<unit id="z"><segment><source><mrk id="m" ref="#/f=f1/u=u3/9">c</mrk></source></segment></unit>'
    assert codes(document("2.0", body + to_nothing)) == ["XLF247"]


def test_the_language_scan_is_skipped_only_when_the_bytes_prove_it_unneeded() -> None:
    body = '<unit id="u1"><segment xml:lang="de"><source>Hi</source><target>Salut</target></segment></unit>'
    text = document("2.0", body, declaration=False)
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16")
    doc = Document("walk.xlf", utf16, etree.ElementTree(etree.fromstring(utf16, safe_parser())), "2.0")
    found = [f.code for f in xliff20.check(doc, Context())]
    assert "XLF221" in found and "XLF222" in found  # xml:lang is not in the UTF-16 bytes, yet it is read
    assert "XLF221" in codes(text)
    assert says_lang_or_space(etree.fromstring(document("2.0", units("2.0", [("a", "b")])).encode()),
                              document("2.0", units("2.0", [("a", "b")])).encode()) is False


def test_a_repeat_of_a_clean_shape_still_has_its_own_id_checked() -> None:
    body = "".join(CLEAN_UNIT.format(id=f"u{i}") for i in range(3))
    assert codes(document("2.0", body + CLEAN_UNIT.format(id="a b"))) == ["XLF206"]
    assert codes(document("2.0", body + CLEAN_UNIT.replace(' id="{id}"', "", 1))) == ["XLF204"]
