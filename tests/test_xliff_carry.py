"""Carrying chosen units' targets from one copy of a file into another (what ``pxl10n rebase`` writes)."""

from __future__ import annotations

from lxml import etree

from pxl10n.xliff.carry import Carried, carry_targets
from pxl10n.xliff.io import parse, read_info

N12 = "urn:oasis:names:tc:xliff:document:1.2"
N20 = "urn:oasis:names:tc:xliff:document:2.0"


def doc12(*units: str) -> etree._ElementTree:
    return parse((f'<xliff xmlns="{N12}" version="1.2"><file original="i" source-language="en" target-language="fr" '
                  f'datatype="html"><body>{"".join(units)}</body></file></xliff>').encode())


def doc20(*units: str) -> etree._ElementTree:
    return parse((f'<xliff xmlns="{N20}" version="2.0" srcLang="en" trgLang="fr"><file id="f">{"".join(units)}</file>'
                  "</xliff>").encode())


def targets(tree: etree._ElementTree) -> dict[str, tuple[str | None, bool]]:
    return {u.id or "": (u.target, u.draft) for u in read_info(tree).units}


def test_12_targets_are_carried_with_their_inline_codes_and_the_ones_for_review_marked() -> None:
    px = doc12('<trans-unit id="a"><source>New <g id="1">text</g></source><target state="translated">PX</target></trans-unit>',
               '<trans-unit id="b"><source>Two</source></trans-unit>',
               '<trans-unit id="c"><source>Three</source><target>Trois</target></trans-unit>')
    ours = doc12('<trans-unit id="a"><source>Old</source><target state="translated">Neuf <g id="1">texte</g></target></trans-unit>',
                 '<trans-unit id="b"><source>Two</source><target state="final">Deux</target></trans-unit>',
                 '<trans-unit id="gone"><source>x</source><target>y</target></trans-unit>')
    assert carry_targets(px, ours, {"a": True, "b": False, "gone": False}) == Carried(missed=("gone",))
    assert targets(px) == {"a": ("Neuf texte", True), "b": ("Deux", False), "c": ("Trois", False)}
    assert px.getroot().find(f".//{{{N12}}}target").get("state") == "needs-translation"


def test_20_state_moves_with_the_target_and_a_segment_count_that_differs_is_not_carried() -> None:
    px = doc20('<unit id="a"><segment state="final"><source>A</source><target>PX</target></segment></unit>',
               '<unit id="b"><segment><source>B</source></segment></unit>',
               '<unit id="two"><segment><source>C</source></segment><segment><source>D</source></segment></unit>')
    ours = doc20('<unit id="a"><segment state="reviewed" subState="x:y"><source>A</source><target>Nous</target></segment></unit>',
                 '<unit id="b"><segment state="translated"><source>B</source><target>Bé</target></segment></unit>',
                 '<unit id="two"><segment><source>CD</source><target>cd</target></segment></unit>')
    assert carry_targets(px, ours, {"a": False, "b": True, "two": False}) == Carried(missed=("two",))
    segments = px.getroot().findall(f".//{{{N20}}}segment")
    assert [(s.get("state"), s.get("subState")) for s in segments[:2]] == [("reviewed", "x:y"), ("initial", None)]
    assert targets(px) == {"a": ("Nous", False), "b": ("Bé", True), "two": (None, False)}


def test_a_segment_a_cat_tool_split_goes_back_as_one_target_for_review() -> None:
    px = doc20('<unit id="u"><segment state="translated"><source>One. Two.</source><target>PX</target></segment></unit>')
    ours = doc20('<unit id="u"><segment state="translated"><source>One.</source><target>Un <ph id="1"/>.</target></segment>'
                 '<ignorable><source> </source></ignorable>'
                 '<segment state="final"><source>Two.</source><target>Deux.</target></segment></unit>')
    assert carry_targets(px, ours, {"u": False}) == Carried(joined=("u",))
    assert targets(px) == {"u": ("Un . Deux.", True)}
    target = px.getroot().find(f".//{{{N20}}}target")
    assert [etree.QName(c).localname for c in target] == ["ph"] and target.text == "Un " and target[0].tail == ". Deux."
    half = doc20('<unit id="u"><segment><source>One.</source><target>Un.</target></segment>'
                 '<segment><source>Two.</source></segment></unit>')
    assert carry_targets(doc20('<unit id="u"><segment><source>One. Two.</source></segment></unit>'), half, {"u": False}) == Carried(missed=("u",))


def test_a_12_target_goes_after_the_seg_source_as_the_schema_orders_them() -> None:
    px = doc12('<trans-unit id="a"><source>Hi</source><seg-source><mrk mtype="seg" mid="1">Hi</mrk></seg-source></trans-unit>')
    ours = doc12('<trans-unit id="a"><source>Hi</source><target>Salut</target></trans-unit>')
    assert carry_targets(px, ours, {"a": False}) == Carried()
    unit = px.getroot().find(f".//{{{N12}}}trans-unit")
    assert [etree.QName(child).localname for child in unit] == ["source", "seg-source", "target"]
