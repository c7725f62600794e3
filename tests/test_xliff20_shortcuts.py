"""The XLIFF 2.0 walk's shortcuts against the full walk, on seeded mutations of documents that repeat unit shapes.

The walk skips work three ways within one document: a unit repeating the shape of
a clean unit is not walked (:mod:`pxl10n.validate.xliff20_shapes`), a plain unit
takes the fast lane, and a child sequence found valid is not matched again. Each
must give exactly the findings of the walk without them (``_Run(...,
shortcuts=False)``). The documents here repeat a few unit shapes, as exports do,
then break one later unit (or the document around them) at random: an attribute
added, dropped or given another value, an element renamed, moved, repeated or
removed, text, comments and module elements put in. Names and values come from
the schema tables, so a new element or attribute is mutated without editing this
file. A shortcut broken on purpose is caught (the last tests), so this test can fail.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pytest
from lxml import etree

from pxl10n.validate import xliff20, xliff20_shapes
from pxl10n.validate.rules import Document
from pxl10n.validate.xliff20_attributes import AttributeChecker
from pxl10n.validate.xliff20_schema import VALUE_TYPES
from pxl10n.xliff.io import parse

from .helpers.xliff20_mutations import VALUES, mutate

XLF = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
#: unit bodies an export repeats; {id} is the unit id
UNITS = (
    '<unit id="{id}"><notes><note id="n1">shown on step 2</note></notes><segment state="translated">'
    '<source>Save <ph id="1"/></source><target>Enregistrer <ph id="1"/></target></segment></unit>',
    '<unit id="{id}"><segment state="translated"><source>Click <pc id="1" type="fmt" subType="xlf:b">Save</pc></source>'
    '<target>Cliquez <pc id="1" type="fmt" subType="xlf:b">Enregistrer</pc></target></segment></unit>',
    '<unit id="{id}"><segment><source>Next</source><target>Suivant</target></segment></unit>',
    '<unit id="{id}"><segment><source>Only a source</source></segment></unit>',
    '<unit id="{id}"><originalData><data id="d1">&lt;b&gt;</data><data id="d2">&lt;/b&gt;</data></originalData>'
    '<segment><source><sc id="1" dataRef="d1"/>bold<ec startRef="1" dataRef="d2"/></source>'
    '<target><sc id="1" dataRef="d1"/>gras<ec startRef="1" dataRef="d2"/></target></segment></unit>',
    '<unit id="{id}"><segment id="s1"><source><mrk id="m1" translate="no">Gainsight</mrk> <sm id="s9" type="comment" '
    'value="c"/>rocks<em startRef="s9"/></source><target><mrk id="m1" translate="no">Gainsight</mrk> assure</target>'
    '</segment><ignorable><source> </source></ignorable><segment id="s2"><source>Two</source><target>Deux</target>'
    "</segment></unit>",
    '<unit id="{id}"><mda:metadata><mda:metaGroup><mda:meta type="k">v</mda:meta></mda:metaGroup></mda:metadata>'
    '<segment><source xml:space="preserve">  a  </source><target xml:space="preserve">  b  </target></segment></unit>',
    '<unit id="{id}" translate="no" canResegment="no"><segment><source><ph id="1" canDelete="no" canCopy="no" '
    'canReorder="firstNo"/><ph id="2" canDelete="no" canCopy="no" canReorder="no"/></source>'
    '<target><ph id="1" canDelete="no" canCopy="no" canReorder="firstNo"/><ph id="2" canDelete="no" canCopy="no" '
    'canReorder="no"/></target></segment></unit>',
)


def _document(units: list[str], rng: random.Random) -> str:
    """A document around ``units``: sometimes in a group, sometimes in a second file, sometimes without trgLang."""
    body = "".join(units)
    if rng.random() < 0.2:
        cut = rng.randrange(len(units) + 1)
        lang = ' xml:lang="de"' if rng.random() < 0.3 else ""
        body = "".join(units[:cut]) + f'<group id="g1"{lang}>' + "".join(units[cut:]) + "</group>"
    files = f'<file id="f1">{body}</file>'
    if rng.random() < 0.1:
        files += f'<file id="f2">{units[0]}</file>'
    trg = ' trgLang="fr"' if rng.random() < 0.9 else ""
    return (f'<xliff xmlns="{XLF}" xmlns:mda="{MDA}" version="2.0" srcLang="en"{trg}>'
            f"{files}</xliff>")


def mutated_documents(seed: int, count: int) -> Iterator[bytes]:
    """``count`` documents: repeated unit shapes, then one to three mutations, mostly inside a later unit."""
    rng = random.Random(seed)
    for _ in range(count):
        shapes = rng.sample(UNITS, rng.randint(1, 3))
        units = [rng.choice(shapes).format(id=f"u{i}") for i in range(rng.randint(2, 7))]
        root = etree.fromstring(_document(units, rng))
        for _ in range(rng.randint(0, 3)):
            unit_els = list(root.iter(f"{{{XLF}}}unit"))
            if unit_els and rng.random() < 0.85:
                late = unit_els[rng.randrange(len(unit_els) // 2, len(unit_els))]
                targets = list(late.iter())
            else:
                targets = list(root.iter())
            mutate(rng.choice(targets), rng)
        yield etree.tostring(root)


Findings = list[tuple[str, int | None, str | None, str]]


def findings(data: bytes, *, shortcuts: bool) -> Findings | None:
    """The walk's findings for ``data`` (None when it does not parse as an XLIFF 2.0 document)."""
    try:
        tree = parse(data)
    except Exception:  # noqa: BLE001 -- a mutation can make a document unparsable; it is then not compared
        return None
    doc = Document("m.xlf", data, tree, "2.0")
    return [(f.code, f.line, f.unit, f.message) for f in xliff20._Run(doc, tree.getroot(), shortcuts=shortcuts).run()]


def first_difference(seed: int, count: int) -> tuple[bytes, Findings | None, Findings | None] | None:
    """The first document where the walk with its shortcuts and the full walk disagree, None when none does."""
    for data in mutated_documents(seed, count):
        fast, full = findings(data, shortcuts=True), findings(data, shortcuts=False)
        if fast != full:
            return data, fast, full
    return None


def test_the_mutations_reach_findings_and_clean_documents_alike() -> None:
    # the generator is only worth something if it produces both: clean documents and many kinds of finding
    # and documents where the shortcuts do their work: units skipped for their shape, units in the fast lane
    found: set[str] = set()
    clean = skipped = fast = 0
    for data in mutated_documents(1, 300):
        result = findings(data, shortcuts=False) or []
        found.update(code for code, *_ in result)
        clean += not result
        tree = parse(data)
        run = xliff20._Run(Document("m.xlf", data, tree, "2.0"), tree.getroot())
        run.run()
        skipped += len(run.shapes.skipped)
        fast += len(run.good_sequences)
    assert clean > 30
    assert len(found) > 20, sorted(found)
    assert skipped > 300 and fast > 300


def test_the_shortcuts_give_the_full_walks_findings() -> None:
    assert first_difference(7, 500) is None


Shape = tuple[xliff20_shapes.Node, ...] | None


def _broken_for(original: Callable[[etree._Element], Shape]) -> Callable[[etree._Element], Shape]:
    """A shape that forgets each element's attributes: units differing only there look alike."""

    def broken(unit_el: etree._Element) -> Shape:
        shape = original(unit_el)
        return None if shape is None else tuple(node[:4] for node in shape)

    return broken


def test_a_shape_memo_broken_on_purpose_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xliff20_shapes, "unit_shape", _broken_for(xliff20_shapes.unit_shape))
    assert first_difference(7, 800) is not None


def test_a_fast_lane_broken_on_purpose_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # the fast lane trusting every attribute: values the general walk rejects pass unseen
    monkeypatch.setattr(AttributeChecker, "clean", lambda self, *args, **kwargs: True)
    assert first_difference(7, 800) is not None


def test_every_value_type_of_the_tables_is_exercised() -> None:
    # the value pool reaches both sides of most value types, so the attribute checks see good and bad values
    both = [kind for kind, check in VALUE_TYPES.items() if {bool(check(v)) for v in VALUES} == {True, False}]
    assert len(both) > len(VALUE_TYPES) // 2, both
