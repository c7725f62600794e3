"""The 1.2 gate proves a document clean only when the full walk finds nothing in it.

:func:`pxl10n.validate.xliff12_gate.proves_clean` answers from the bytes. These
tests build seeded PX-shaped documents, mutate them both as trees (elements,
attributes, values, nesting, ids, text) and as bytes (the spellings a lexical
gate could misread: quotes, references, whitespace, comments, namespaces,
encodings), and require that wherever the gate says clean the walk reports
nothing; that the gate says clean often (so the check means something); and
that a gate broken on purpose is caught by the same check.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator

import pytest
from lxml import etree

from pxl10n.emulator.store import Item
from pxl10n.emulator.xliff import export_document
from pxl10n.errors import XliffError
from pxl10n.validate import xliff12, xliff12_gate
from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document, Finding
from pxl10n.validate.xliff12_schema import ENUMS, TYPES
from pxl10n.xliff.io import canonical_bytes, parse, safe_parser, xliff_version

from .helpers.mutations import drop, drop_attr, duplicate

NS = "urn:oasis:names:tc:xliff:document:1.2"
X = f"{{{NS}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

UNITS = (
    '<trans-unit id="u{n}" resname="r{n}"><source>Hello {n}</source><target state="translated">Bonjour</target>'
    "</trans-unit>",
    '<trans-unit id="u{n}" approved="yes"><source>Click <g id="1" ctype="bold">Save</g><x id="2" ctype="lb"/>'
    '</source><target state="final">Cliquez <g id="1" ctype="bold">Enregistrer</g><x id="2" ctype="lb"/></target>'
    "<note>n</note></trans-unit>",
    '<trans-unit id="u{n}" translate="yes" xml:space="preserve"><source><ph id="1">{{{{x}}}}</ph> and '
    '<it id="2" pos="open">&lt;i&gt;</it></source><target><ph id="1">{{{{x}}}}</ph> et <it id="2" pos="open">'
    "&lt;i&gt;</it></target></trans-unit>",
    '<trans-unit id="u{n}"><source>A <g id="a"><x id="b"/>b</g> <mrk mtype="term">c</mrk></source>'
    '<target state="x-custom">A <g id="a"><x id="b"/>b</g> <mrk mtype="term">c</mrk></target>'
    '<note from="dev" annotates="source">n</note></trans-unit>',
    '<trans-unit id="u{n}"><source>Line<x id="1"/>two<x id="2"/></source><seg-source>Line<x id="1"/></seg-source>'
    "<target/></trans-unit>",
)
NAMES = ("source target note g x bx ex ph bpt ept it sub mrk seg-source alt-trans context-group prop-group "
         "bogus trans-unit group header body file").split()
ATTRS = ("id resname translate approved state state-qualifier ctype xid rid mid mtype pos phase-name equiv-text clone "
         "ts reformat datatype size-unit annotates from priority date source-language target-language original "
         "version bogus").split() + [XML_LANG, XML_SPACE, "{urn:x}ext", f"{X}id"]
VALUES = ["", "1", "2", "a", "u3", "yes", "no", "maybe", "x-foo", "x-", "bold", "lb", "open", "close", "final",
          "translated", "nonsense", "en", "en_US", "fr-CA", "de", "english", "term", "seg", "html", "a b", " yes",
          "preserve", "default", "1.2", "2.0", "5", "11", "2024-05-01T12:00:00Z", "x-a\u00a0b", "u1"]


def base(units: int, rng: random.Random) -> bytes:
    """A clean PX-shaped document (the gate proves it clean)."""
    body = "\n".join(UNITS[rng.randrange(len(UNITS))].format(n=n) for n in range(units))
    header = rng.choice(["", "<header/>", "<header><note>engagement</note></header>", "<header>\n</header>"])
    declaration = rng.choice(['<?xml version="1.0" encoding="UTF-8"?>\n', "", '\ufeff<?xml version="1.0"?>'])
    extras = ["", ' date="2024-05-01T12:00:00Z"', ' xml:space="default"']
    files = "".join(
        f'<file original="item-{i}" source-language="en-US" target-language="fr-FR" datatype="html"'
        f"{rng.choice(extras)}>{header}<body>\n{body}\n</body></file>" for i in range(rng.choice([1, 1, 1, 2])))
    return f'{declaration}<xliff xmlns="{NS}" version="1.2">{files}</xliff>\n'.encode()


# -- tree mutations ---------------------------------------------------------------------------------

def _pick(root: etree._Element, rng: random.Random) -> etree._Element:
    return rng.choice([el for el in root.iter() if isinstance(el.tag, str)])


def _rename(el: etree._Element, rng: random.Random) -> None:
    el.tag = X + rng.choice(NAMES) if rng.random() < 0.9 else "{urn:x}ext"


def _set_attr(el: etree._Element, rng: random.Random) -> None:
    el.set(rng.choice(ATTRS), rng.choice(VALUES))


def _move(el: etree._Element, rng: random.Random) -> None:
    """An element re-hung elsewhere in the tree (nesting and order)."""
    parent = el.getparent()
    others = [o for o in el.getroottree().getroot().iter() if isinstance(o.tag, str) and el not in o.iterancestors()
              and o is not el]
    if parent is not None and others:
        target = rng.choice(others)
        parent.remove(el)
        target.insert(rng.randrange(len(target) + 1), el)


def _text(el: etree._Element, rng: random.Random) -> None:
    stray = rng.choice(["stray", " ", "\u00a0", "\n"])
    if rng.random() < 0.5:
        el.text = (el.text or "") + stray
    else:
        el.tail = (el.tail or "") + stray


def _comment(el: etree._Element, rng: random.Random) -> None:
    el.append(etree.Comment("c") if rng.random() < 0.7 else etree.ProcessingInstruction("pi", "x"))
    el[-1].tail = rng.choice([None, "x", " "])


def _add_code(el: etree._Element, rng: random.Random) -> None:
    code = etree.SubElement(el, X + rng.choice(["x", "g", "ph", "bpt", "ept", "bx", "ex", "it", "sub", "mrk"]))
    for attr in rng.sample(["id", "rid", "ctype", "pos", "mtype", "xid"], rng.randrange(4)):
        code.set(attr, rng.choice(["1", "2", "r", "bold", "open", "term", "u1", "a"]))


def _reuse_id(el: etree._Element, rng: random.Random) -> None:
    """One element takes the id of another (a unit's, or a code's in the same source or target)."""
    root = el.getroottree().getroot()
    holders = [c for c in root.iter() if isinstance(c.tag, str) and c.get("id") is not None]
    if len(holders) > 1:
        first, second = rng.sample(holders, 2)
        second.set("id", first.get("id") or "")


def _namespace(el: etree._Element, rng: random.Random) -> None:
    """Another namespace: an extension element or attribute, or an XLIFF element in another namespace."""
    choice = rng.randrange(3)
    if choice == 0:
        etree.SubElement(el, "{urn:x}ext").text = "e"
    elif choice == 1:
        el.set("{urn:x}ext", "v")
    else:
        el.tag = "{urn:oasis:names:tc:xliff:document:2.0}" + etree.QName(el).localname


TREE_MUTATIONS: tuple[Callable[[etree._Element, random.Random], None], ...] = (
    _rename, _set_attr, _set_attr, _set_attr, drop_attr, drop, duplicate, _move, _text, _comment, _add_code,
    _add_code, _reuse_id, _reuse_id, _namespace)

# -- byte mutations: spellings of the same or of a nearly same tree ---------------------------------

#: (pattern, replacement): each applied to one random occurrence
BYTE_MUTATIONS: tuple[tuple[bytes, bytes], ...] = (
    (rb'="([^"]*)"', rb"='\1'"),  # single quotes
    (rb'(\s[\w:-]+)="', rb'\1 = "'),  # spaces around =
    (rb'id="([^"]*)"', rb'id="\1&#x20;"'),  # a character reference in an id
    (rb'id="u(\d)', rb'id="&#117;\1'),  # an id spelled with a reference
    (rb'id="u(\d+)"', rb'id="&#117;0"'),  # another unit's id, spelled differently
    (rb'id="2"', rb'id="&#49;"'),  # another code's id, spelled differently
    (rb'id="u(\d+)"', rb'id="u\1&#9;"'),  # a tab the parser turns into a space
    (rb'id="(\d)"', rb'id="\1	"'),  # a literal tab in a code id
    (rb'state="(\w+)"', rb'state="&#102;inal"'),  # an enumerated value through a reference
    (rb'state="', rb'state=" '),  # a leading space in an enumerated value
    (rb'state="(\w+)"', rb'state="done"'),  # not in the enumeration
    (rb'ctype="(\w+)"', b'ctype="x-a\xc2\xa0b"'),  # an extension with a no-break space (not \\S)
    (rb"<body>", b"<body><!-- c -->"),
    (rb"<source>", b"<source><![CDATA[x]]>"),
    (rb"</source>", b"</source >"),
    (rb'<xliff xmlns="[^"]*"', b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:p="urn:x"'),
    (rb'<xliff xmlns="[^"]*"', b'<p:xliff xmlns:p="urn:oasis:names:tc:xliff:document:1.2"'),
    (rb"<trans-unit ", b'<trans-unit xmlns="urn:x" '),
    (rb"<body>", b'<body>&#32;'),
    (rb"<body>", b'<body>&#160;'),
    (rb'version="1.2"', b'version="1.2 "'),
    (rb'source-language="[^"]*"', b'source-language="en&#95;US"'),
    (rb'source-language="[^"]*"', b'source-language="en_US"'),
    (rb"<target", b"<target xml:lang=\"de\""),
    (rb"<note", b"<note priority=\"5\""),
    (rb"\?>", b'?><?pi x?>'),
    (rb"<\?xml version=\"1.0\" encoding=\"UTF-8\"\?>", b'<?xml version="1.0" encoding="ISO-8859-1"?>'),
    (rb'<x id="(\w)"', rb'<x id="\1" id2="\1"'),
    (rb'<g id="(\w)"', rb'<g resname="a id=" id="\1"'),
    (rb'<trans-unit id="(\w+)"', rb'<trans-unit resname="x id=" id="\1"'),
)


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
        data = base(rng.randrange(2, 9), rng)
        kind = rng.randrange(4)
        if kind >= 1:
            root = etree.fromstring(data, safe_parser())
            for _ in range(rng.randrange(1, 3)):
                TREE_MUTATIONS[rng.randrange(len(TREE_MUTATIONS))](_pick(root, rng), rng)
            data = etree.tostring(root.getroottree(), xml_declaration=rng.random() < 0.5, encoding="UTF-8")
        if kind >= 2 or rng.random() < 0.3:
            for _ in range(rng.randrange(1, 3)):
                data = _mutate_bytes(data, rng)
        try:
            etree.fromstring(data, safe_parser())
        except etree.XMLSyntaxError:
            continue
        made += 1
        yield data


def load(data: bytes) -> Document:
    """A Document as the engine builds it (no version for a root that is not XLIFF: no family walks it)."""
    tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    try:
        version: str | None = xliff_version(tree)
    except XliffError:
        version = None
    return Document("t.xlf", data, tree, version)


def walk(doc: Document) -> list[tuple[str, int | None, str | None, str]]:
    """The full walk's findings, the gate bypassed."""
    return [(f.code, f.line, f.unit, f.message) for f in xliff12._Checker(doc).run()]


def verdicts(gate: Callable[[Document], bool], seed: int, count: int) -> Iterator[tuple[bytes, bool, bool]]:
    """For each seeded 1.2 document: its bytes, whether the walk found something, whether the gate proved it."""
    for data in documents(seed, count):
        doc = load(data)
        if doc.version == "1.2":
            yield data, bool(walk(doc)), gate(doc)


@pytest.mark.parametrize("seed", range(4))
def test_the_gate_proves_clean_only_what_the_walk_finds_clean(seed: int) -> None:
    seen = list(verdicts(xliff12_gate.proves_clean, seed, 300))
    wrong = [data for data, found, proved in seen if found and proved]
    assert not wrong, wrong[0].decode("utf-8", "replace")
    proved, findings = sum(p for _, _, p in seen), sum(f for _, f, _ in seen)
    assert proved > 40 and findings > 120, (proved, findings)


def test_the_benchmark_shape_is_proved_clean() -> None:
    """The PX shape the gate is for: every clean base document passes it (else the gate pays nothing)."""
    rng = random.Random(5)
    for _ in range(30):
        doc = load(base(rng.randrange(1, 12), rng))
        assert walk(doc) == [] and xliff12_gate.proves_clean(doc)


@pytest.mark.parametrize("translated", [True, False])
def test_a_px_export_and_its_pulled_bytes_are_proved_clean(translated: bool) -> None:
    """What PX exports (the emulator's 1.2 export) and what pull writes of it (canonical bytes) pass the gate."""
    item = Item("engagement", "e-1", {}, "en-US", ["fr-FR"], {"u1": "Hello <b>x</b> & more", "u2": "Bye"},
                {"fr-FR": {"u1": "Salut <b>x</b> & plus", "u2": "Au revoir"}})
    exported = export_document(item, "fr-FR", version="1.2", strategy="html", translated=translated)
    for data in (exported, canonical_bytes(parse(exported))):
        doc = load(data)
        assert walk(doc) == [] and xliff12_gate.proves_clean(doc), data.decode()


def test_a_crowded_source_is_left_to_the_walk() -> None:
    """Each start code looks for a repeat of its id only so far ahead (the gate stays linear): a source whose
    end is farther is not proved, and the walk, which finds it clean, decides."""
    def unit(codes: int) -> bytes:
        body = "".join(f'<x id="c{i}"/>t' for i in range(codes))
        return base(1, random.Random(3)).replace(b"<source>", f"<source>{body}".encode(), 1)
    few, many = load(unit(5)), load(unit(40))
    assert walk(few) == walk(many) == []
    assert xliff12_gate.proves_clean(few) and not xliff12_gate.proves_clean(many)


def _broken_gate(pattern: re.Pattern[bytes]) -> Callable[[Document], bool]:
    assert pattern.pattern != xliff12_gate.DOCUMENT.pattern, "the breakage did not change the pattern"

    def gate(doc: Document) -> bool:
        original = xliff12_gate.DOCUMENT
        xliff12_gate.DOCUMENT = pattern
        try:
            return xliff12_gate.proves_clean(doc)
        finally:
            xliff12_gate.DOCUMENT = original
    return gate


@pytest.mark.parametrize("breakage", ["any state", "no unit ids", "no code ids", "ids as spelled",
                                      "any xml:lang"])
def test_a_broken_gate_is_caught(breakage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same check fails a gate with one hole knocked in it, so its passing above means something."""
    source = xliff12_gate.DOCUMENT.pattern
    if breakage == "any state":
        gate = _broken_gate(re.compile(source.replace(b'state="(?:', b'state="(?:[^"]*|')))
    elif breakage == "ids as spelled":
        gate = _broken_gate(re.compile(source.replace(rb'"[^"&\t\n\r]*"', b'"[^"]*"')))
    elif breakage == "any xml:lang":
        gate = _broken_gate(re.compile(source.replace(b'xml:space="(?:default|preserve)"',
                                                      b'xml:(?:space="(?:default|preserve)"|lang="[^"]*")')))
    elif breakage == "no code ids":  # a later code never seen to repeat an id (it would have to follow a NUL)
        gate = _broken_gate(re.compile(source.replace(b"(?P=", rb"\x00(?P=")))
    else:
        monkeypatch.setattr(xliff12_gate, "_UNIT_ID", re.compile(b"(?!)"))
        gate = xliff12_gate.proves_clean
    caught = next((data for seed in range(8) for data, found, proved in verdicts(gate, seed, 300)
                   if found and proved), None)
    assert caught is not None, f"a gate that lets {breakage!r} through was not caught"


def test_check_skips_the_walk_only_for_a_proved_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """``check`` consults the gate: a document it proves clean is not walked, any other is."""
    walked: list[bool] = []
    real = xliff12._Checker.run

    def run(self: xliff12._Checker) -> list[Finding]:
        walked.append(True)
        return real(self)

    monkeypatch.setattr(xliff12._Checker, "run", run)
    clean = load(base(3, random.Random(2)))
    assert list(xliff12.check(clean, Context())) == [] and not walked
    dirty = load(base(3, random.Random(2)).replace(b'state="translated"', b'state="done"', 1))
    assert list(xliff12.check(dirty, Context())) and walked


#: strings the value patterns are tried on: each kind's own values, and near misses
_PROBES = ["", " ", "yes", "no", "Yes", "yes ", "1.2", "1.20", "1.2\n", "x-", "x-a", "x-a b", "x-\u00e9", "x-a\u00a0b"]


@pytest.mark.parametrize("kind", sorted(xliff12_gate.LEXICAL_TYPES))
def test_each_lexical_type_accepts_only_what_its_test_accepts(kind: str) -> None:
    """A pattern standing in for a ``TYPES`` test is never looser than the test (so the gate stays sound)."""
    pattern = re.compile(b"(?:" + xliff12_gate.LEXICAL_TYPES[kind] + b")")
    test = TYPES[kind][0]
    probes = _PROBES + [p + q for p in _PROBES for q in ("", "s", "0", ".2")]
    accepted = [p for p in probes if pattern.fullmatch(p.encode())]
    assert accepted and all(test(p) for p in accepted), [p for p in accepted if not test(p)]


@pytest.mark.parametrize("kind", sorted(ENUMS))
def test_each_enumeration_pattern_accepts_only_what_the_table_accepts(kind: str) -> None:
    enum = ENUMS[kind]
    pattern = re.compile(xliff12_gate._enum(enum))
    values = sorted(enum.values)
    probes = values + [v.upper() for v in values] + [" ".join(values[:2]), f" {values[0]} ", values[0] + "\t"] \
        + _PROBES
    accepted = [p for p in probes if pattern.fullmatch(p.encode())]
    assert set(values) <= set(accepted) and all(enum.accepts(p) for p in accepted), \
        [p for p in accepted if not enum.accepts(p)]
