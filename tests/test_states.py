"""Untranslated-by-declaration units and template files, on snippets shaped like CAT tool output."""

from __future__ import annotations

import pytest
from lxml import etree

from pxl10n.xliff.states import is_template, not_translated_yet, state_untranslated

X12 = "urn:oasis:names:tc:xliff:document:1.2"
X20 = "urn:oasis:names:tc:xliff:document:2.0"


def target12(unit: str) -> etree._Element:
    root = etree.fromstring(
        f'<xliff xmlns="{X12}" xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0" '
        f'xmlns:MadCap="http://www.madcapsoftware.com/Schemas/MadCap.xsd" xmlns:iws="http://www.idiominc.com/ws/asset" '
        f'xmlns:mq="MQXliff" version="1.2"><file original="a" source-language="en" target-language="fr" datatype="plaintext">'
        f"<body>{unit}</body></file></xliff>"
    )
    return next(root.iter(f"{{{X12}}}target"))


def target20(segment_attrs: str) -> etree._Element:
    root = etree.fromstring(
        f'<xliff xmlns="{X20}" version="2.0" srcLang="en" trgLang="fr"><file id="f"><unit id="u">'
        f"<segment {segment_attrs}><source>Hello</source><target/></segment></unit></file></xliff>"
    )
    return next(root.iter(f"{{{X20}}}target"))


@pytest.mark.parametrize(("version", "state", "expected"), [
    ("1.2", "new", True), ("1.2", "needs-translation", True), ("1.2", "translated", False), ("1.2", "final", False),
    ("1.2", "needs-review-translation", False), ("1.2", None, False), ("1.2", "initial", False),
    ("2.0", "initial", True), ("2.1", "initial", True), ("2.0", "translated", False), ("2.0", "new", False),
])
def test_state_untranslated(version: str, state: str | None, expected: bool) -> None:
    assert state_untranslated(version, state) is expected


def test_xliff12_state() -> None:
    assert not_translated_yet(target12('<trans-unit id="1"><source>Save</source><target state="new"/></trans-unit>'), "1.2")
    assert not not_translated_yet(target12('<trans-unit id="1"><source>Save</source><target state="translated"/></trans-unit>'), "1.2")
    assert not not_translated_yet(target12('<trans-unit id="1"><source>Save</source><target/></trans-unit>'), "1.2")


def test_xliff20_segment_state() -> None:
    assert not_translated_yet(target20('state="initial"'), "2.0")
    assert not not_translated_yet(target20('state="translated"'), "2.0")
    assert not not_translated_yet(target20(""), "2.0")


SDL_UNIT = (
    '<trans-unit id="t"><source>A. B.</source><seg-source><mrk mtype="seg" mid="1">A.</mrk> <mrk mtype="seg" mid="2">B.</mrk></seg-source>'
    '<target><mrk mtype="seg" mid="1"/> <mrk mtype="seg" mid="2"/></target>'
    '<sdl:seg-defs><sdl:seg id="1" origin="not-translated"/><sdl:seg id="2" {second}/></sdl:seg-defs></trans-unit>'
)


def test_trados_segments_without_confirmation() -> None:
    assert not_translated_yet(target12(SDL_UNIT.format(second='origin="not-translated"')), "1.2")
    assert not_translated_yet(target12(SDL_UNIT.format(second="")), "1.2")
    # one segment is a confirmed translation: the unit claims a translation
    assert not not_translated_yet(target12(SDL_UNIT.format(second='conf="Translated" origin="interactive"')), "1.2")


@pytest.mark.parametrize(("conf", "untranslated"), [
    ("Draft", True), ("Translated", False), ("RejectedTranslation", False), ("ApprovedTranslation", False),
    ("RejectedSignOff", False), ("ApprovedSignOff", False),
])
def test_a_trados_draft_is_not_translated_yet_every_other_confirmation_level_claims_a_translation(
        conf: str, untranslated: bool) -> None:
    """Studio's levels as its own test file writes them (matecat's "Test stati" sdlxliff): Draft is a segment edited and
    never confirmed; a rejected translation is one to rework, as 1.2's needs-review states are."""
    unit = SDL_UNIT.format(second=f'conf="{conf}" origin="interactive"').replace('origin="not-translated"', 'conf="Draft"')
    assert not_translated_yet(target12(unit), "1.2") is untranslated


def test_madcap_worldserver_memoq() -> None:
    madcap = ('<trans-unit id="1"><source>Tools</source><seg-source><mrk mtype="seg" mid="1">Tools</mrk></seg-source>'
              '<target><mrk mtype="seg" mid="1" MadCap:segmentStatus="{s}"/></target></trans-unit>')
    assert not_translated_yet(target12(madcap.format(s="Untranslated")), "1.2")
    assert not not_translated_yet(target12(madcap.format(s="Translated")), "1.2")
    iws = ('<trans-unit id="2"><source>d/Lux</source><target/><iws:segment-metadata><iws:status {a}/>'
           "</iws:segment-metadata></trans-unit>")
    assert not_translated_yet(target12(iws.format(a='target_content="placeholders_only"')), "1.2")
    assert not not_translated_yet(target12(iws.format(a='translation_status="finished"')), "1.2")
    assert not_translated_yet(target12('<trans-unit id="3" mq:status="NotStarted"><source>x</source><target/></trans-unit>'), "1.2")


@pytest.mark.parametrize(("targets", "expected"), [
    ([None, "", "  "], True),
    (["", "Bonjour"], False),
    ([None], True),
    ([], False),
])
def test_is_template(targets: list[str | None], expected: bool) -> None:
    assert is_template(targets) is expected
