"""The 2.0 gate proves a document clean only when the full walk finds nothing in it.

:func:`pxl10n.validate.xliff20_gate.proves_clean` answers from the bytes. These
tests build seeded PX-shaped documents (notes, metadata, several segments, codes
nested and shared between source and target, several files), mutate them as
trees (with the table-driven mutations of :mod:`tests.helpers.xliff20_mutations`: names and values
from the schema tables) and as bytes (the spellings a lexical gate could
misread: quotes, references, whitespace, comments, namespaces, encodings, ids
moved between elements), and require that wherever the gate says clean the full
walk (``shortcuts=False``) reports nothing; that the gate says clean often (so
the check means something); and that gates broken on purpose are caught.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator

import pytest
from lxml import etree

from pxl10n.validate import xliff20, xliff20_gate
from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document, Finding
from pxl10n.validate.xliff20_schema import VALUE_TYPES
from pxl10n.xliff.io import parse

from .helpers.xliff20_mutations import mutate

XLF = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"

#: unit bodies ({n} the unit number); each clean, in the shape the gate admits
UNITS = (
    '<unit id="u{n}"><segment state="translated"><source>Hello {n}</source><target>Bonjour</target></segment></unit>',
    '<unit id="u{n}" name="r{n}"><notes><note id="n1">shown on step 2</note></notes><segment state="final">'
    '<source>Click <pc id="1" type="fmt" subType="xlf:b">Save</pc></source>'
    '<target>Cliquez <pc id="1" type="fmt" subType="xlf:b">Enregistrer</pc></target></segment></unit>',
    '<unit id="u{n}"><segment><source>Line one<ph id="2" type="fmt" subType="xlf:lb"/>two</source>'
    '<target>Ligne un<ph subType="xlf:lb" type="fmt" id="2"/>deux</target></segment></unit>',
    '<unit id="u{n}" translate="no" canResegment="yes"><notes><note id="a" appliesTo="source" priority="3">x</note>'
    '<note id="b" category="c">y</note><note>z</note></notes><segment id="s1"><source>One <ph id="1"/></source>'
    '<target>Un <ph id="1"/></target></segment>\n  <segment id="s2" canResegment="no"><source>Two '
    '<pc id="2" canCopy="no" dispStart="&lt;b&gt;" equivStart="x"><pc id="3" type="ui" subType="xlf:var">v</pc></pc>'
    '</source></segment></unit>',
    '<unit id="u{n}"><mda:metadata><mda:metaGroup category="k"><mda:meta type="t">v</mda:meta></mda:metaGroup>'
    '</mda:metadata><segment><source>Only a source</source></segment><segment><source/><target/></segment></unit>',
    '<unit id="u{n}" xml:space="preserve"><segment state="translated"><source>  Two  spaces </source>'
    "<target> deux </target></segment></unit>",
    '<unit id="u{n}" srcDir="ltr" trgDir="rtl"><segment state="initial"><source><pc id="a"><ph id="b"/></pc> '
    '&amp; <ph id="c" disp="&quot;"/></source><target><ph id="c"/><pc id="a">x<ph id="b"></ph></pc></target>'
    "</segment></unit>",
)
#: (pattern, replacement): each applied to one random occurrence; spellings and near misses of the shape
BYTE_MUTATIONS: tuple[tuple[bytes, bytes], ...] = (
    (rb'="([^"]*)"', rb"='\1'"),  # single quotes
    (rb'(\s[\w:-]+)="', rb'\1 = "'),  # spaces around =
    (rb'id="([^"]*)"', rb'id="\1&#x20;"'),  # a character reference in an id
    (rb'id="u(\d)', rb'id="&#117;\1'),  # an id spelled with a reference
    (rb'id="u(\d+)"', rb'id="&#117;0"'),  # another unit's id, spelled differently
    (rb'id="u(\d+)"', rb'id="u0"'),  # another unit's id
    (rb'id="[^"]*"', rb'id="1"'),  # any element takes a code's id
    (rb'id="[^"]*"', rb'id="s1"'),  # any element takes a segment's id
    (rb'id="[^"]*"', rb'id="n1"'),
    (rb'<ph id="[^"]*"', rb'<ph id="a"'),
    (rb'<pc id="[^"]*"', rb'<pc id="1"'),
    (rb'<segment', rb'<segment id="1"'),
    (rb'<segment', rb'<segment id="2"'),
    (rb'<note id="[^"]*"', rb'<note id="a"'),
    (rb'<file id="[^"]*"', rb'<file id="f1"'),
    (rb'id="(\w+)"', rb'id="\1	"'),  # a literal tab in an id
    (rb'id="(\w+)"', b'id="\\1\xc3\xa9"'),  # a non-ASCII id
    (rb'state="(\w+)"', rb'state="&#102;inal"'),  # an enumerated value through a reference
    (rb'state="', rb'state=" '),
    (rb'state="(\w+)"', rb'state="done"'),
    (rb'type="fmt"', rb'type="ui"'),  # a subType with the wrong type
    (rb'subType="xlf:(\w+)"', rb'subType="xlf:bogus"'),
    (rb'subType="xlf:(\w+)"', rb'subType="my:b"'),
    (rb' type="fmt"', rb''),  # a subType without type
    (rb'<segment', rb'<segment subState="my:x"'),
    (rb'<target>', rb'<target xml:lang="de">'),
    (rb'<source>', rb'<source xml:space="preserve">'),
    (rb'<target>', rb'<target xml:space="default">'),
    (rb'<target>', rb'<target xml:space="preserve">'),
    (rb'<unit id', rb'<unit xml:space="preserve" id'),
    (rb'<file id', rb'<file xml:space="preserve" id'),
    (rb'<unit id', rb'<unit xml:lang="fr-FR" id'),
    (rb'xml:space="preserve"', rb'xml:space="keep"'),
    (rb'xml:space="preserve"', rb'xml:space="default"'),
    (rb'<segment', rb'<segment xml:space="preserve"'),
    (rb'<target>', rb'<target order="1">'),
    (rb'<ph id', rb'<ph dataRef="d1" id'),
    (rb'<ph id', rb'<ph canReorder="no" id'),
    (rb'<pc id', rb'<pc canDelete="no" id'),
    (rb'<unit id', rb'<unit type="xlf:x" id'),
    (rb'<unit id', rb'<unit type="my:x" id'),
    (rb'priority="\d+"', rb'priority="11"'),
    (rb'priority="\d+"', rb'priority="0"'),
    (rb'<file', rb'<file>\n<!-- c --></file><file'),
    (rb"<source>", b"<source><![CDATA[x]]>"),
    (rb"</source>", b"</source >"),
    (rb"<unit ", b"<unit\n"),
    (rb"<unit>", b'<unit>&#32;'),
    (rb"<segment>", b'<segment> x'),
    (rb"</note>", b'</note>x'),
    (rb"<ph ([^>]*)/>", rb"<ph \1> </ph>"),
    (rb"<ph ([^>]*)/>", rb"<ph \1>t</ph>"),
    (rb'version="2.0"', b'version="2.1"'),
    (rb'srcLang="[^"]*"', b'srcLang="en_US"'),
    (rb'srcLang="[^"]*"', b'srcLang="en-&#85;S"'),
    (rb'trgLang="[^"]*"', b'trgLang="english"'),
    (rb' trgLang="[^"]*"', b''),
    (rb'xmlns:mda="[^"]*"', b'xmlns:mda="urn:example:other"'),
    (rb'xmlns="[^"]*"', b'xmlns="urn:oasis:names:tc:xliff:document:2.0" xmlns:p="urn:x"'),
    (rb"<unit ", b'<unit xmlns="urn:x" '),
    (rb"<mda:metadata>", b"<mda:metadata id=\"m\">"),
    (rb"</mda:metadata>", b"</mda:metadata><mda:metadata><mda:metaGroup><mda:meta type=\"a\">b</mda:meta>"
                          b"</mda:metaGroup></mda:metadata>"),
    (rb"<mda:meta ", b"<mda:meta category=\"a\" "),
    (rb"\?>", b'?><?pi x?>'),
    (rb'encoding="UTF-8"', b'encoding="ISO-8859-1"'),
    (rb'<ph id="(\w+)"', rb'<ph id="\1" equiv="a id=" disp="1"'),
    (rb'<pc id="(\w+)"', rb'<pc equiv="x id=" id="\1"'),
    (rb'<unit id="(\w+)"', rb'<unit name="x id=" id="\1"'),
    (rb"<pc ", b"<sc "),
    (rb"<ph ", b"<cp hex=\"1\" "),
    (rb"<segment", b"<ignorable"),
    (rb"</segment>", b"</segment><ignorable><source>i</source></ignorable>"),
    (rb"</target>", b"</target><target>x</target>"),
)


def base(units: int, rng: random.Random) -> bytes:
    """A clean PX-shaped document (the gate proves it clean)."""
    files = []
    for f in range(rng.choice([1, 1, 1, 2])):
        body = "\n".join(UNITS[rng.randrange(len(UNITS))].format(n=n) for n in range(units))
        notes = rng.choice(["", '<notes><note id="n1">file</note><note id="n2" priority="10">x</note></notes>'])
        meta = rng.choice(["", '<mda:metadata><mda:metaGroup appliesTo="target"><mda:meta type="strategy">html'
                               '</mda:meta><mda:meta type="k"/></mda:metaGroup></mda:metadata>\n'])
        attrs = rng.choice(["", ' original="item-1"', ' translate="yes" srcDir="auto"', ' xml:space="default"'])
        files.append(f'<file id="f{f + 1}"{attrs}>{meta}{notes}\n{body}\n</file>')
    declaration = rng.choice(['<?xml version="1.0" encoding="UTF-8"?>\n', "", '\ufeff<?xml version="1.0"?>'])
    mda = rng.choice([f' xmlns:mda="{MDA}"', f' xmlns:mda="{MDA}"', ""]) if "mda:" not in "".join(files) \
        else f' xmlns:mda="{MDA}"'
    space = rng.choice(["", "", ' xml:space="preserve"'])
    return (f'{declaration}<xliff xmlns="{XLF}"{mda} version="2.0"{space} srcLang="en-US" trgLang="fr-FR">'
            + "".join(files) + "</xliff>\n").encode()


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    pattern, replacement = BYTE_MUTATIONS[rng.randrange(len(BYTE_MUTATIONS))]
    spots = list(re.finditer(pattern, data))
    if not spots:
        return data
    spot = rng.choice(spots)
    return data[:spot.start()] + spot.expand(replacement) + data[spot.end():]


def documents(seed: int, count: int) -> Iterator[bytes]:
    """``count`` seeded documents: clean ones, tree-mutated ones and byte-mutated ones, all well-formed."""
    rng = random.Random(seed)
    made = 0
    while made < count:
        data = base(rng.randrange(1, 7), rng)
        kind = rng.randrange(4)
        if kind == 1 or (kind == 3 and rng.random() < 0.5):
            root = etree.fromstring(data, etree.XMLParser(remove_blank_text=False))
            for _ in range(rng.randrange(1, 3)):
                mutate(rng.choice(list(root.iter())), rng)
            data = etree.tostring(root.getroottree(), xml_declaration=rng.random() < 0.5, encoding="UTF-8")
        if kind >= 2:
            for _ in range(rng.randrange(1, 4)):
                data = _mutate_bytes(data, rng)
        try:
            etree.fromstring(data)
        except etree.XMLSyntaxError:
            continue
        made += 1
        yield data


def load(data: bytes) -> Document | None:
    """A Document as the engine builds it, or None when it is no 2.0 document the family would check."""
    try:
        tree = parse(data)
    except Exception:  # noqa: BLE001 -- a mutation may make a document unreadable as XLIFF: then not compared
        return None
    if etree.QName(tree.getroot()).namespace != XLF:
        return None
    return Document("t.xlf", data, tree, "2.0")


Findings = list[tuple[str, int | None, str | None, str]]


def walk(doc: Document) -> Findings:
    """The full walk's findings: no gate, no shortcut."""
    assert doc.tree is not None
    return [(f.code, f.line, f.unit, f.message) for f in xliff20._Run(doc, doc.tree.getroot(), shortcuts=False).run()]


def verdicts(gate: Callable[[Document], bool], seed: int, count: int) -> Iterator[tuple[bytes, Findings, bool]]:
    """For each seeded 2.0 document: its bytes, the full walk's findings, whether the gate proved it clean."""
    for data in documents(seed, count):
        doc = load(data)
        if doc is not None:
            yield data, walk(doc), gate(doc)


@pytest.mark.parametrize("seed", range(4))
def test_the_gate_proves_clean_only_what_the_walk_finds_clean(seed: int) -> None:
    seen = list(verdicts(xliff20_gate.proves_clean, seed, 400))
    wrong = [(data, found) for data, found, proved in seen if found and proved]
    assert not wrong, (wrong[0][1], wrong[0][0].decode("utf-8", "replace"))
    proved, dirty = sum(p for _, _, p in seen), sum(bool(f) for _, f, _ in seen)
    # meaningful: many documents proved clean, many the walk finds fault with, and clean ones the gate leaves
    assert proved > 100 and dirty > 150, (proved, dirty)


def test_the_benchmark_and_base_shapes_are_proved_clean() -> None:
    """The PX shape the gate is for: every clean base document passes it (else the gate pays nothing)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from validate_speed import document20

    rng = random.Random(5)
    for n in range(30):
        for data in (base(rng.randrange(1, 12), rng), document20(n, rng.randrange(1, 60), rng).encode()):
            doc = load(data)
            assert doc is not None and walk(doc) == [] and xliff20_gate.proves_clean(doc), data.decode()


def test_the_emulators_px_exports_are_proved_clean() -> None:
    """What the PX emulator exports in 2.0 (metadata, xml:space="preserve" units, translated or not)."""
    from pxl10n.emulator.store import Store
    from pxl10n.emulator.xliff import export_document

    store = Store.synthetic(6, ["fr-FR", "de-DE"], seed=3)
    exported = [export_document(item, lang, version="2.0", strategy="html", translated=translated)
                for kind in ("engagement", "kcbot", "article", "content") for item in store.items(kind)
                if item.localizable and item.units for lang in ("fr-FR", "de-DE") for translated in (True, False)]
    assert len(exported) > 8
    for data in exported:
        doc = load(data)
        assert doc is not None and walk(doc) == [] and xliff20_gate.proves_clean(doc), data.decode()


def _broken_gate(pattern: re.Pattern[bytes]) -> Callable[[Document], bool]:
    assert pattern.pattern != xliff20_gate.DOCUMENT.pattern, "the breakage did not change the pattern"

    def gate(doc: Document) -> bool:
        original = xliff20_gate.DOCUMENT
        xliff20_gate.DOCUMENT = pattern
        try:
            return xliff20_gate.proves_clean(doc)
        finally:
            xliff20_gate.DOCUMENT = original
    return gate


@pytest.mark.parametrize("breakage", ["any value", "no unit scope ids", "no note ids", "no unit ids",
                                      "any subType", "ids as spelled", "xml:space on sides"])
def test_a_broken_gate_is_caught(breakage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same check fails a gate with one hole knocked in it, so its passing above means something."""
    source = xliff20_gate.DOCUMENT.pattern
    if breakage == "any value":
        gate = _broken_gate(re.compile(re.sub(rb'="\(\?:[^"]*?\)"', rb'="[^"]*"', source)))
    elif breakage == "any subType":
        gate = _broken_gate(re.compile(source.replace(b'subType="(?:', b'subType="(?:[^"]*|')))
    elif breakage == "xml:space on sides":
        gate = _broken_gate(re.compile(source.replace(b"<source", b'<source(?:[ ]xml:space="(?:default|preserve)")?')
                                       .replace(b"<target", b'<target(?:[ ]xml:space="(?:default|preserve)")?')))
    elif breakage == "ids as spelled":
        gate = _broken_gate(re.compile(source.replace(rb'id="(?:[A-Za-z0-9_.:-]++)"', b'id="[^"]*"')))
    else:
        name = {"no unit scope ids": "_UNIT_CLASH", "no note ids": "_NOTE_CLASH", "no unit ids": "_UNIT_ID"}[breakage]
        monkeypatch.setattr(xliff20_gate, name, re.compile(b"(?!)"))
        if breakage == "no note ids":
            monkeypatch.setattr(xliff20_gate, "_notes_distinct", lambda data: True)
        gate = xliff20_gate.proves_clean
    caught = next((data for seed in range(8) for data, found, proved in verdicts(gate, seed, 400)
                   if found and proved), None)
    assert caught is not None, f"a gate that lets {breakage!r} through was not caught"


def test_check_skips_the_walk_only_for_a_proved_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """``check`` consults the gate: a document it proves clean is not walked, any other is."""
    walked: list[bool] = []
    real = xliff20._Run.run

    def run(self: xliff20._Run) -> list[Finding]:
        walked.append(True)
        return real(self)

    monkeypatch.setattr(xliff20._Run, "run", run)
    clean = load(base(3, random.Random(2)))
    assert clean is not None and list(xliff20.check(clean, Context())) == [] and not walked
    dirty = load(base(3, random.Random(2)).replace(b'srcLang="en-US"', b'srcLang="en_US"', 1))
    assert dirty is not None and list(xliff20.check(dirty, Context())) and walked


#: strings the value patterns are tried on: each kind's own values, and near misses
_PROBES = ["", " ", "yes", "no", "Yes", "yes ", "2.0", "2.1", "2.00", "ltr", "auto", "final", "Final", "fmt", "ui",
           "source", "target", "ignorable", "1", "10", "11", "0", "01", "+1", "a", "a:b", "xlf:b", "a:b:c", ":b",
           "a.b-c_d", "\u00e9", "a b", "initial", "translated", "reviewed", "quote", "link", "image", "other",
           "default", "preserve", "Preserve"]


@pytest.mark.parametrize("kind", sorted(xliff20_gate.LEXICAL_TYPES))
def test_each_lexical_type_accepts_only_what_its_test_accepts(kind: str) -> None:
    """A pattern standing in for a ``VALUE_TYPES`` test is never looser than the test (so the gate stays sound)."""
    pattern = re.compile(b"(?:" + xliff20_gate.LEXICAL_TYPES[kind] + b")")
    test = VALUE_TYPES[kind]
    probes = _PROBES + [p + s for p in _PROBES for s in ("", "s", "0", ".0", ":", "\t")]
    accepted = [p for p in probes if pattern.fullmatch(p.encode())]
    assert accepted and all(test(p) for p in accepted), [p for p in accepted if not test(p)]
