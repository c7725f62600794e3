"""The 1.2 walk's fast lane answers exactly as the full walk, on documents built to catch it out.

The fast lane (``_Checker.settle_unit``) settles a trans-unit it can prove clean
without the full walk. These tests walk seeded, mutated PX-shaped documents
twice, once with the lane and once with it shut (every unit walked in full),
and require the same findings in the same order; and they require the lane to
have settled units and the mutations to have produced findings, so that an
equal answer means something.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from lxml import etree

from pxl10n.validate import xliff12
from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document
from pxl10n.xliff.io import safe_parser, xliff_version

from .helpers.mutations import drop, drop_attr, duplicate

NS = "urn:oasis:names:tc:xliff:document:1.2"
X = f"{{{NS}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

UNITS = (
    '<trans-unit id="u{n}" resname="r{n}"><source>Hello {n}</source><target state="translated">Bonjour</target>'
    "</trans-unit>",
    '<trans-unit id="u{n}"><source>Click <g id="1" ctype="bold">Save</g><x id="2" ctype="lb"/></source>'
    '<target state="final">Cliquez <g id="1" ctype="bold">Enregistrer</g><x id="2" ctype="lb"/></target>'
    "<note>n</note></trans-unit>",
    '<trans-unit id="u{n}" translate="yes"><source><bpt id="1">&lt;b&gt;</bpt>Bold<ept id="1">&lt;/b&gt;</ept>'
    '<ph id="2">{{x}}</ph></source><target xml:lang="fr-FR"><bpt id="1">&lt;b&gt;</bpt>Gras<ept id="1">'
    '&lt;/b&gt;</ept><ph id="2">{{x}}</ph></target></trans-unit>',
    '<trans-unit id="u{n}"><source xml:lang="en">A <g id="a"><x id="b"/>b</g> <mrk mtype="term">c</mrk>'
    '</source><target><it id="3" pos="open">&lt;i&gt;</it>d<bx id="4" rid="r"/><ex id="5" rid="r"/></target>'
    "</trans-unit>",
)
NAMES = ("source target note g x bx ex ph bpt ept it sub mrk seg-source alt-trans context-group prop-group "
         "bogus trans-unit group").split()
ATTRS = ("id resname translate approved state state-qualifier ctype xid rid mid mtype pos phase-name equiv-text clone "
         "ts reformat datatype size-unit bogus").split() + [XML_LANG, "{urn:x}ext"]
VALUES = ["", "1", "2", "a", "u3", "yes", "no", "maybe", "x-foo", "bold", "lb", "open", "close", "final", "nonsense",
          "en", "en_US", "fr-CA", "de", "term", "seg", "html", "a b"]


def document(units: int, rng: random.Random) -> etree._Element:
    body = "\n".join(UNITS[rng.randrange(len(UNITS))].format(n=n) for n in range(units))
    data = (f'<xliff xmlns="{NS}" version="1.2"><file original="item" source-language="en-US" '
            f'target-language="fr-FR" datatype="html"><body>\n{body}\n</body></file></xliff>')
    return etree.fromstring(data.encode(), safe_parser())


def _pick(root: etree._Element, rng: random.Random) -> etree._Element:
    units = root.findall(f".//{X}trans-unit")
    unit = units[rng.randrange(len(units) // 2, len(units))]  # after the first units, when the memos are warm
    return rng.choice([el for el in unit.iter() if isinstance(el.tag, str)])


def _rename(el: etree._Element, rng: random.Random) -> None:
    el.tag = X + rng.choice(NAMES) if rng.random() < 0.9 else "{urn:x}ext"


def _set_attr(el: etree._Element, rng: random.Random) -> None:
    el.set(rng.choice(ATTRS), rng.choice(VALUES))


def _text(el: etree._Element, rng: random.Random) -> None:
    if rng.random() < 0.5:
        el.text = (el.text or "") + rng.choice(["stray", " "])
    else:
        el.tail = (el.tail or "") + rng.choice(["stray", "\n"])


def _comment(el: etree._Element, rng: random.Random) -> None:
    el.append(etree.Comment("c"))
    el[-1].tail = rng.choice([None, "x", " "])


def _add_code(el: etree._Element, rng: random.Random) -> None:
    code = etree.SubElement(el, X + rng.choice(["x", "g", "ph", "bpt", "ept", "bx", "ex", "it", "sub", "mrk"]))
    for attr in rng.sample(["id", "rid", "ctype", "pos", "mtype", "xid"], rng.randrange(3)):
        code.set(attr, rng.choice(["1", "2", "r", "bold", "open", "term", "u1"]))


def _reuse_id(el: etree._Element, rng: random.Random) -> None:
    """One inline code takes the id of another in the same source/target."""
    container = el if el.tag in (X + "source", X + "target") else el.getparent()
    codes = [c for c in (container.iter() if container is not None else ()) if c.get("id") and c is not container]
    if len(codes) > 1:
        first, second = rng.sample(codes, 2)
        second.set("id", first.get("id") or "")


MUTATIONS: tuple[Callable[[etree._Element, random.Random], None], ...] = (
    _rename, _set_attr, _set_attr, drop_attr, drop, duplicate, _text, _comment, _add_code, _add_code, _reuse_id)


_SETTLE = xliff12._Checker.settle_unit


def _findings(root: etree._Element, fast: bool, monkeypatch: pytest.MonkeyPatch, settled: list[bool]) -> list[object]:
    data = etree.tostring(root)
    tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    doc = Document("t.xlf", data, tree, xliff_version(tree))
    real = _SETTLE

    def settle(self: xliff12._Checker, tu: etree._Element) -> bool:
        answer = fast and real(self, tu)
        settled.append(answer)
        return answer

    monkeypatch.setattr(xliff12._Checker, "settle_unit", settle)
    return [(f.code, f.line, f.unit, f.message) for f in xliff12.check(doc, Context())]


@pytest.mark.parametrize("seed", range(8))
def test_fast_lane_finds_what_the_full_walk_finds(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    settled: list[bool] = []
    found = 0
    for _ in range(40):
        root = document(rng.randrange(6, 16), rng)
        for _ in range(rng.randrange(1, 4)):
            MUTATIONS[rng.randrange(len(MUTATIONS))](_pick(root, rng), rng)
        full = _findings(root, False, monkeypatch, [])
        assert _findings(root, True, monkeypatch, settled) == full, etree.tostring(root).decode()
        found += len(full)
    assert found > 40 and settled.count(True) > len(settled) // 2, (found, settled.count(True), len(settled))


def test_a_settled_unit_still_counts_for_duplicate_ids() -> None:
    """A unit the lane settles records its id: a later unit with the same id is XLF120 either way."""
    root = document(4, random.Random(1))
    units = root.findall(f".//{X}trans-unit")
    units[3].set("id", units[1].get("id") or "")
    tree = etree.ElementTree(etree.fromstring(etree.tostring(root), safe_parser()))
    found = list(xliff12.check(Document("t.xlf", b"", tree, "1.2"), Context()))
    assert [(f.code, f.unit) for f in found] == [("XLF120", units[1].get("id"))]


def test_a_file_nested_where_it_does_not_belong_is_reported_not_a_crash() -> None:
    """A <file> inside a unit is XLF102; the walk goes on with the outer file's index (it used to fail)."""
    data = (f'<xliff xmlns="{NS}" version="1.2"><file original="o" source-language="en" datatype="plaintext">'
            '<body><trans-unit id="a"><file original="i" source-language="en" datatype="plaintext"/>'
            '<source>x</source></trans-unit><trans-unit id="a"><source>y</source></trans-unit></body></file></xliff>')
    tree = etree.ElementTree(etree.fromstring(data.encode(), safe_parser()))
    found = [f.code for f in xliff12.check(Document("t.xlf", data.encode(), tree, "1.2"), Context())]
    assert "XLF102" in found and "XLF120" in found, found
