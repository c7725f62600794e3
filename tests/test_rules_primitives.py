"""The primitives every family shares: one language-tag judgment, one HTML scanner, one content-model
matcher, one document view."""

from __future__ import annotations

import pytest
from lxml import etree

from pxl10n.validate import content_model as cm
from pxl10n.validate import html, langtags
from pxl10n.validate.context import Context
from pxl10n.validate.engine import RuleSelection, check_document
from pxl10n.validate.rules import Document
from pxl10n.xliff.io import read_info, safe_parser
from pxl10n.xliff.view import build_view, flatten

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"


def doc12(src: str) -> bytes:
    return (f'<xliff xmlns="{NS12}" version="1.2"><file original="o" source-language="{src}" datatype="html">'
            '<body><trans-unit id="u"><source>Hi</source></trans-unit></body></file></xliff>').encode()


def doc20(src: str) -> bytes:
    return (f'<xliff xmlns="{NS20}" version="2.0" srcLang="{src}"><file id="f"><unit id="u"><segment>'
            "<source>Hi</source></segment></unit></file></xliff>").encode()


def xlf(data: bytes) -> set[str]:
    return {f.code for f in check_document(Document("t.xlf", data), Context(), RuleSelection(("XLF",)))}


@pytest.mark.parametrize(("tag", "ok"), [
    ("en-US", True), ("zh-Hant-TW", True), ("es-419", True), ("x-pseudo", True), ("i-klingon", True),
    ("english", False), ("French", False), ("engl", False), ("en_US", False), ("e", False), ("en-", False),
])
def test_both_versions_judge_a_language_tag_alike(tag: str, ok: bool) -> None:
    assert langtags.is_well_formed(tag) is ok
    assert ("XLF114" in xlf(doc12(tag))) is not ok
    assert ("XLF208" in xlf(doc20(tag))) is not ok


def test_html_scanner_knows_custom_elements_and_skips_comments() -> None:
    tags = html.scan("<!-- <b> --><my-widget>x</my-widget> <Enter> <br>")
    assert [(t.name, t.known) for t in tags] == [("my-widget", True), ("my-widget", True), ("enter", False),
                                                 ("br", True)]
    assert [p.kind for p in html.problems(tags)] == ["unknown"]
    assert html.nesting_problems(html.scan("<b><i>x</b></i>"))[0].kind == "misnested"


def test_content_model_reports_order_repeats_strays_and_omissions() -> None:
    model = (cm.one("source"), cm.opt("target"), cm.star("note", cm.OTHER))
    assert cm.match(model, [("source", False), ("target", False), ("{urn:e}x", True)]).ok
    out_of_order = cm.match(model, [("target", False), ("source", False)])
    assert out_of_order.misfits == [(1, cm.Misfit.ORDER)] and out_of_order.missing == []
    assert cm.match(model, [("source", False), ("target", False), ("target", False)]).misfits == [
        (2, cm.Misfit.TOO_MANY)]
    assert cm.match(model, [("source", False), ("bogus", False)]).misfits == [(1, cm.Misfit.NOT_ALLOWED)]
    assert cm.match(model, [("note", False)]).missing == [(0, 0)]


def test_one_view_serves_qa_and_describe() -> None:
    data = (f'<xliff xmlns="{NS20}" version="2.0" srcLang="en" trgLang="fr"><file id="f" original="item-1">'
            '<unit id="u"><segment><source>Hi <ph id="1" disp="{x}"/>!</source><target>Salut <ph id="1"/> !</target>'
            '</segment><ignorable><source> </source></ignorable></unit></file></xliff>').encode()
    tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    view = build_view(tree, "2.0")
    [unit] = view.units
    assert (unit.id, unit.source, unit.target) == ("u", "Hi ! ", "Salut  !")
    flat = flatten(unit.parts[0].target, "2.0")
    assert flat.codes == ('<ph id="1">',) and flat.text == "Salut  !"
    info = read_info(tree)
    assert [(u.id, u.source, u.target) for u in info.units] == [("u", "Hi ! ", "Salut  !")]
    assert info.file_ids == ["f", "item-1"]


def test_results_do_not_depend_on_what_ran_before() -> None:
    bad = (f'<xliff xmlns="{NS20}" version="2.0" srcLang="en"><file id="f"><unit id="u"><segment>'
           '<source><ph id="1" canCopy="maybe"/></source></segment></unit></file></xliff>').encode()
    good = bad.replace(b'canCopy="maybe"', b'canCopy="no"')
    first = xlf(bad)
    for _ in range(3):
        assert xlf(good) == set()
    assert xlf(bad) == first == {"XLF206"}
