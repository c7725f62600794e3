"""QA's one-pass reading: the per-unit record, the plain-function checks and their fast paths.

The fast paths (a check answering NONE at once, xml:space read once per parent,
length bounds without an object) must answer exactly like the long way; these
tests hold them to it on the cases where the two could part.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from lxml import etree

from pxl10n.validate import expansion, parsing, qa
from pxl10n.validate import qa_text as tx
from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document
from pxl10n.xliff import view as view_module
from pxl10n.xliff.view import Flat, build_view

from .helpers import qa_pairs
from .helpers.mutations import drop, drop_attr, duplicate
from .helpers.xliff20_mutations import mutate as mutate20

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"


def _pair(source: str, target: str, *, preserve: bool = False, src_lang: str = "en", trg_lang: str = "fr") -> tx.Pair:
    return tx.Pair("u1", 3, Flat(source), Flat(target), (), src_lang, trg_lang, None, preserve)


def _issues(source: str, target: str, trg_base: str = "fr") -> list[tuple[str, str]]:
    unit = qa.read_unit(_pair(source, target), trg_base, 1.2)
    return [(rule.code, message) for check in qa.CHECKS for rule, message in check(unit)]


def _parsed(xml: str) -> Document:
    doc = Document("x.xlf", xml.encode())
    assert parsing.parse(doc) == []
    return doc


def _qa(xml: str) -> list[tuple[str, int | None, str | None]]:
    doc = _parsed(xml)
    return [(f.code, f.line, f.unit) for f in qa.check(doc, Context())]


def test_the_record_holds_what_every_check_reads_once() -> None:
    unit = qa.read_unit(_pair("Hi {{name}}, see <b>https://x.example/a</b>.", "Salut {{name}} !"), "fr", 1.2)
    assert unit.src_visible == f"Hi {qa.PLACEHOLDER_MARK}, see {qa.PLACEHOLDER_MARK}."
    assert unit.trg_visible == f"Salut {qa.PLACEHOLDER_MARK} !"
    assert not unit.icu_branching and not unit.icu.valid
    with pytest.raises(AttributeError):
        unit.src = "changed"  # type: ignore[misc]  # the record is immutable: that is what this asserts


def test_an_icu_source_is_read_once_and_branches() -> None:
    unit = qa.read_unit(_pair("{n, plural, one {# file} other {# files}}", "{n, plural, one {# fichier} other {# fichiers}}"),
                        "fr")
    assert unit.icu.valid and unit.icu_branching
    assert _issues("{n, plural, =0 {no file} other {# files}}", "{n, plural, other {# fichiers}}") == [
        ("QA106", "{n} branch '=0' missing in target")]


def test_a_clean_translation_answers_none_from_every_check() -> None:
    unit = qa.read_unit(_pair("You have {0} new messages (step 3).", "Vous avez {0} nouveaux messages (étape 3)."), "fr", 1.2)
    assert all(check(unit) is qa.NONE for check in qa.CHECKS)


@pytest.mark.parametrize(("source", "target", "codes"), [
    ("Read https://a.example/x and https://b.example/y.", "Lisez https://b.example/y et https://a.example/x.", []),
    ("Read https://a.example/x twice: https://a.example/x.", "Lisez https://a.example/x.", ["QA321"]),
    ("Mail a@example.com or b@example.com.", "Écrivez à b@example.com.", ["QA322"]),
    ("1,000 items and 2 more.", "2 de plus et 1 000 articles.", []),
    ("Price 1.5 of 3.", "Prix 3 sur 7.", ["QA311", "QA312"]),
])
def test_links_and_numbers_in_another_order_are_kept_and_lost_ones_reported(source: str, target: str,
                                                                           codes: list[str]) -> None:
    assert [code for code, _ in _issues(source, target)] == codes


@pytest.mark.parametrize(("visible", "expected"), [
    ("step ２ of ３", ["2", "3"]),  # fullwidth digits are numbers once NFKC-normalized
    ("x² and ①", []),  # NFKC would make digits of text that has none: no numbers
    ("étape 1\u00a0000", ["1 000"]),  # a no-break space as thousands separator
    ("sans chiffres é", []),
])
def test_number_strings_normalize_only_text_that_has_digits(visible: str, expected: list[str]) -> None:
    assert tx.number_strings(visible) == expected


@pytest.mark.parametrize("alphabet", ["0123456789,. 'ax", "12 ,.", "1,.x"])
def test_ascii_text_finds_the_numbers_the_unicode_grammar_finds(alphabet: str) -> None:
    rng = random.Random(alphabet)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 18)))
        assert tx.number_strings(text) == [m.group() for m in tx._NUMBER_RE.finditer(text)], text


@pytest.mark.parametrize("ratio", [0.35, 1.0, 1.3, 1 / 0.55])
def test_outside_agrees_with_bounds(ratio: float) -> None:
    for source in range(0, 120, 7):
        for target in range(0, 400, 3):
            bounds = expansion.bounds(source, ratio)
            found = expansion.outside(source, target, ratio)
            assert (found is not None) == (bounds is not None and target not in bounds)
            assert found is None or dataclasses.astuple(found) == dataclasses.astuple(bounds)


def _doc12(body: str) -> str:
    return (f'<xliff xmlns="{NS12}" version="1.2"><file original="f" source-language="en" target-language="fr" '
            f'datatype="plaintext"><body>\n{body}\n</body></file></xliff>')


def test_xml_space_is_inherited_per_group() -> None:
    layout = "<source>\n  Save\n</source><target>Enregistrer</target>"
    xml = _doc12(f'<group xml:space="preserve"><trans-unit id="kept">{layout}</trans-unit></group>\n'
                 f'<group><trans-unit id="laid">{layout}</trans-unit></group>\n'
                 f'<group xml:space="preserve"><group xml:space="default"><trans-unit id="inner">{layout}</trans-unit>'
                 f'</group><trans-unit id="outer">{layout}</trans-unit></group>')
    found = _qa(xml)
    assert sorted({unit for _, _, unit in found}) == ["kept", "outer"]
    assert {code for code, _, _ in found} == {"QA201", "QA202", "QA204"}


def test_a_document_without_xml_space_reads_every_unit_as_layout() -> None:
    assert _qa(_doc12('<trans-unit id="a"><source>\n  Save\n</source><target>Enregistrer</target></trans-unit>')) == []


def test_segments_of_a_unit_are_joined_and_each_empty_target_is_reported() -> None:
    xml = (f'<xliff xmlns="{NS20}" version="2.0" srcLang="en" trgLang="fr"><file id="f"><unit id="u">\n'
           '<segment><source>One.</source><target></target></segment><ignorable><source> </source></ignorable>\n'
           '<segment><source>Two.</source><target/></segment>\n'
           '<segment><source>Three.</source><target>Trois.</target></segment>\n'
           '<segment state="initial"><source>Four.</source><target/></segment></unit>\n'
           '<unit id="v"><segment><source>Five.</source></segment><ignorable><source> </source></ignorable></unit>'
           '</file></xliff>')
    assert _qa(xml) == [("QA401", 2, "u"), ("QA401", 3, "u")]
    pairs = (qa_pairs.pairs(_parsed(xml).view))
    assert [(p.unit, p.line, p.source.text, p.target.text, p.empty_lines) for p in pairs] == [
        ("u", 2, "One. Two.Three.", " Trois.", (2, 3))]


# --- Reading (the whole-document read) against the unit records read one by one (helpers/qa_pairs) ----------------

_XML = "http://www.w3.org/XML/1998/namespace"
#: (1.2, 2.0) texts of a source or target: plain, blank, inline codes and markers, a comment, native code
_BODIES = (("Save", "Save"), ("", ""), ("  ", "  "), ("a <x id='1'/> b", "a <ph id='1'/> b"),
           ("<g id='2'>bold</g> text", "<pc id='2'>bold</pc> text"), ("<x id='3'/>", "<ph id='3'/>"),
           ("t <mrk mtype='term'>m</mrk>", "t <mrk id='m1'>m</mrk>"), ("c<!-- note -->d", "c<!-- note -->d"),
           ("<bpt id='4'>&lt;b&gt;</bpt>x<ept id='4'>&lt;/b&gt;</ept>", "x<cp hex='41'/>y"), ("Tom &amp; Jerry", "R&amp;D"))


def _reading_unit(version: str, n: int, rng: random.Random) -> str:
    def body() -> str:
        return (_BODIES[0] if rng.random() < 0.5 else rng.choice(_BODIES))[version == "2.0"]

    def space() -> str:  # on a unit or a source, each its own
        return rng.choice(("", "", "", ' xml:space="preserve"', ' xml:space="default"'))
    def target() -> str:
        state = rng.choice(("", "", ' state="new"'))
        return "" if rng.random() < 0.15 else f"<target{state}>{body()}</target>"
    if version == "1.2":
        resname = f' resname="k{n}"' if rng.random() < 0.5 else ""
        return f'<trans-unit id="u{n}"{resname}{space()}><source{space()}>{body()}</source>{target()}</trans-unit>'
    parts = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if rng.random() < 0.2:
            parts.append(f"<ignorable><source>{rng.choice((' ', 'x'))}</source>"
                         f"{rng.choice(('', '<target> </target>'))}</ignorable>")
        state = rng.choice(("", ' state="initial"', ' state="translated"'))
        parts.append(f"<segment{state}><source{space()}>{body()}</source>{target()}</segment>")
    name = f' name="k{n}"' if rng.random() < 0.5 else ""
    return f'<unit id="u{n}"{name}{space()}>{"".join(parts)}</unit>'


def _reading_doc(rng: random.Random) -> tuple[etree._Element, str]:
    version = rng.choice(("1.2", "2.0"))
    files = []
    for f in range(rng.choice((1, 1, 2))):
        units = [_reading_unit(version, n, rng) for n in range(rng.randrange(0, 7))]
        if units and rng.random() < 0.4:
            space = rng.choice(("", ' xml:space="preserve"'))
            units.append(f'<group id="g"{space}>{units.pop()}</group>')
        if version == "1.2":
            files.append(f'<file original="f{f}" source-language="en" target-language="{rng.choice(("fr", "de"))}" '
                         f'datatype="plaintext"><body>{"".join(units)}</body></file>')
        else:
            files.append(f'<file id="f{f}">{"".join(units)}</file>')
    head = (f'<xliff xmlns="{NS12}" version="1.2">' if version == "1.2"
            else f'<xliff xmlns="{NS20}" version="2.0" srcLang="en" trgLang="fr">')
    root = etree.fromstring(f'{head}{"".join(files)}</xliff>')
    for _ in range(rng.randrange(0, 3)):
        el = rng.choice([el for el in root.iter() if isinstance(el.tag, str)])
        rng.choice((drop, drop_attr, duplicate, mutate20))(el, rng)
    return root, version


def _pairs_of(reading: tx.Reading) -> list[tx.Pair]:
    return [reading.pair(index) for index in range(len(reading))]


def test_reading_reads_every_unit_as_the_unit_records_do() -> None:
    """Reading (columns, shared texts, Pairs on demand) gives the pairs of the unit records read one by one."""
    shapes = {"read": 0, "on demand": 0, "inline": 0, "empty": 0, "preserve": 0, "irregular": 0}
    for seed in range(1500):
        root, version = _reading_doc(random.Random(seed))
        tree = root.getroottree()
        expected = (qa_pairs.pairs(build_view(tree, version)))
        view = build_view(tree, version)
        reading = tx.Reading(view)
        assert _pairs_of(reading) == expected
        assert reading.sources == [p.source.text for p in expected]
        assert reading.targets == [p.target.text for p in expected]
        assert reading.languages == [(p.src_lang, p.trg_lang) for p in expected]
        for pair, read in zip(expected, reading.reads, strict=True):
            assert read is None or read == (pair.source, pair.target, pair.line, pair.empty_lines)
            assert read is not None or not (pair.source.has_inline or pair.target.has_inline or pair.empty_lines)
            shapes["read" if read is not None else "on demand"] += 1
            shapes["inline"] += pair.source.has_inline
            shapes["empty"] += bool(pair.empty_lines)
            shapes["preserve"] += pair.preserve
        shapes["irregular"] += sum(len(f.columns.irregular) for f in view.files)
        assert _pairs_of(tx.Reading(view)) == expected  # the unit records made now: read the same
    assert all(count > 50 for count in shapes.values()), shapes


def test_a_unit_built_in_memory_is_left_out_as_the_records_leave_it_out() -> None:
    """A target with no source line (a unit added to a parsed tree by hand) counts as no target, in a file of
    plain units (read column by column at once) as in a file with every shape (read unit by unit)."""
    for version, unit_tag, inline in (("1.2", "trans-unit", "x"), ("2.0", "unit", "ph")):
        for extra in ("", f'<{unit_tag} id="odd"><source>a <{inline} id="1"/></source></{unit_tag}>'):
            body = (f'<trans-unit id="a"><source>Open</source><target>Ouvrir</target></trans-unit>{extra}'
                    if version == "1.2" else
                    f'<unit id="a"><segment><source>Open</source><target>Ouvrir</target></segment></unit>{extra}')
            head = (f'<xliff xmlns="{NS12}" version="1.2"><file original="f" source-language="en" '
                    f'target-language="fr"><body>{body}</body></file></xliff>' if version == "1.2" else
                    f'<xliff xmlns="{NS20}" version="2.0" srcLang="en" trgLang="fr"><file id="f">{body}</file></xliff>')
            root = etree.fromstring(head)
            parent = root[0][0] if version == "1.2" else root[0]
            built = etree.SubElement(parent, f"{{{NS12 if version == '1.2' else NS20}}}{unit_tag}", id="built")
            holder = built if version == "1.2" else etree.SubElement(built, f"{{{NS20}}}segment")
            for side, text in (("source", "Close"), ("target", "Fermer")):
                etree.SubElement(holder, f"{{{NS12 if version == '1.2' else NS20}}}{side}").text = text
            tree = root.getroottree()
            expected = qa_pairs.pairs(build_view(tree, version))
            assert [p.unit for p in expected] == ["a"]
            assert _pairs_of(tx.Reading(build_view(tree, version))) == expected


def test_reading_makes_no_unit_record(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []

    class Counted(view_module.UnitView):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            made.append(self)
    monkeypatch.setattr(view_module, "UnitView", Counted)
    for version, body in (("1.2", '<trans-unit id="a" resname="k"><source>Save <x id="1"/></source><target>'
                                  'Enregistrer <x id="1"/></target></trans-unit><trans-unit id="b"><source>Open'
                                  '</source><target>Ouvrir</target></trans-unit><trans-unit id="c"><source>x'
                                  '</source></trans-unit>'),
                          ("2.0", '<unit id="a" name="k"><segment><source>Save <ph id="1"/></source><target>'
                                  'Enregistrer <ph id="1"/></target></segment></unit><unit id="b"><segment><source>'
                                  'Open</source><target>Ouvrir</target></segment></unit>')):
        file = (f'<file original="f" source-language="en" target-language="fr"><body>{body}</body></file>'
                if version == "1.2" else f'<file id="f">{body}</file>')
        head = (f'<xliff xmlns="{NS12}" version="1.2">' if version == "1.2"
                else f'<xliff xmlns="{NS20}" version="2.0" srcLang="en" trgLang="fr">')
        view = build_view(etree.fromstring(f"{head}{file}</xliff>").getroottree(), version)
        reading = tx.Reading(view)
        assert [(p.unit, p.name, p.target.text) for p in _pairs_of(reading)] == [
            ("a", "k", "Enregistrer "), ("b", None, "Ouvrir")]
        assert reading.reads[0] is not None and reading.reads[1] is None
        assert made == []
        assert len(view.files[0].units) == len(made) > 0  # the records are counted when they are made
        made.clear()
