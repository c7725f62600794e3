"""The document view reads a tree in a few C-level passes and makes its unit records on first read.

These tests pin that the shortcut answers what the long way answers: over seeded,
mutated 1.2 and 2.0 documents (units nested in units, several segments, ignorables,
alt-trans and second targets, comments, renamed elements) every unit, part, column
and text of :func:`build_view` equals a reference that walks each unit's children
one by one, as the view did before; a reference broken on purpose is caught. And
they pin the laziness: reading the columns and texts makes no unit record, and a
:class:`FileView` made by hand behaves as the plain dataclass it was.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator

import pytest
from lxml import etree

from pxl10n.validate.parsing import root_version
from pxl10n.xliff import view as view_module
from pxl10n.xliff.io import safe_parser
from pxl10n.xliff.view import FileView, Part, UnitView, build_view

from .helpers.mutations import drop, drop_attr, duplicate
from .helpers.xliff20_mutations import mutate as mutate20

N12 = "urn:oasis:names:tc:xliff:document:1.2"
N20 = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"

#: (unit's shape, its tree) -> the record the reference makes
Reference = list[tuple[str | None, etree._Element, list[Part]]]


def _doc12(rng: random.Random) -> etree._Element:
    units = []
    for n in range(rng.randrange(0, 5)):
        alt = '<alt-trans><source>alt</source><target>&lt;b&gt;alt</target></alt-trans>' if n % 3 == 1 else ""
        units.append(f'<trans-unit id="u{n}"><source>S&lt;b&gt;{n}</source>'
                     f'<target state="translated">T <g id="1">&lt;i&gt;{n}</g></target>{alt}<note>n</note></trans-unit>')
    group = f'<group id="g">{units.pop()}</group>' if units and rng.random() < 0.4 else ""
    return etree.fromstring(
        f'<xliff xmlns="{N12}" version="1.2"><file original="item" source-language="en" target-language="fr" '
        f'datatype="html"><header><prop-group><prop prop-type="id">i</prop></prop-group></header><body>'
        f'{"".join(units)}{group}</body></file></xliff>', safe_parser())


def _doc20(rng: random.Random) -> etree._Element:
    units = []
    for n in range(rng.randrange(0, 5)):
        extra = '<ignorable><source> </source></ignorable><segment><source>b</source></segment>' if n % 3 == 2 else ""
        units.append(f'<unit id="u{n}"><notes><note>n</note></notes><segment state="translated"><source>S&lt;b&gt;{n}'
                     f'</source><target>T <pc id="1">&lt;i&gt;{n}</pc></target></segment>{extra}</unit>')
    return etree.fromstring(
        f'<xliff xmlns="{N20}" xmlns:mda="{MDA}" version="2.0" srcLang="en" trgLang="fr"><file id="f1" '
        f'original="item"><mda:metadata><mda:metaGroup><mda:meta type="strategy">html</mda:meta></mda:metaGroup>'
        f'</mda:metadata><notes><note>item</note></notes>{"".join(units)}</file></xliff>', safe_parser())


def _nest(el: etree._Element, rng: random.Random) -> None:
    """A copy of ``el`` put inside it (a unit in a unit, a target in a target)."""
    inner = copy.deepcopy(el)
    el.insert(rng.randrange(len(el) + 1), inner)


def _rename(el: etree._Element, rng: random.Random) -> None:
    namespace = etree.QName(el).namespace
    names = ("trans-unit", "source", "target", "group", "note", "alt-trans") if namespace == N12 else (
        "unit", "segment", "ignorable", "source", "target", "group", "notes")
    el.tag = f"{{{namespace}}}{rng.choice(names)}" if namespace else rng.choice(names)


def mutated(seed: int, count: int) -> Iterator[etree._Element]:
    rng = random.Random(seed)
    for _ in range(count):
        root = (_doc20 if rng.random() < 0.5 else _doc12)(rng)
        for _ in range(rng.randrange(0, 5)):
            el = rng.choice(list(root.iter()))
            if not isinstance(el.tag, str):
                continue
            change = rng.choice((drop, drop_attr, duplicate, _nest, _rename, mutate20, mutate20))
            change(el, rng)
        yield root


def reference_units(tree: etree._ElementTree, version: str) -> list[Reference]:
    """Per file, every unit as the view read it before its shortcut: each unit's children one by one."""
    root = tree.getroot()
    out: list[Reference] = []
    if version == "2.0":
        unit_tag, part_tags, source_tag, target_tag = f"{{{N20}}}unit", (f"{{{N20}}}segment", f"{{{N20}}}ignorable"), \
            f"{{{N20}}}source", f"{{{N20}}}target"
        file_tag = f"{{{N20}}}file"
    else:
        namespace = etree.QName(root).namespace
        prefix = f"{{{namespace}}}" if namespace else ""
        unit_tag, part_tags, source_tag, target_tag = prefix + "trans-unit", (), prefix + "source", prefix + "target"
        file_tag = prefix + "file"

    def first(parent: etree._Element, tag: str) -> etree._Element | None:
        return next((child for child in parent if child.tag == tag), None)

    for file_el in root.iterchildren(file_tag):
        units: Reference = []
        for unit in file_el.iter(unit_tag):
            if version == "2.0":
                parts = [Part(child.tag == part_tags[1], first(child, source_tag), first(child, target_tag),
                              child.get("state")) for child in unit if child.tag in part_tags]
            else:
                target = first(unit, target_tag)
                parts = [Part(False, first(unit, source_tag), target, None if target is None else target.get("state"))]
            units.append((unit.get("id"), unit, parts))
        out.append(units)
    return out


def _same(reference: list[Reference], files: list[FileView]) -> bool:
    """The view's units are the reference's, element for element (by identity)."""
    def key(units: Reference) -> list[object]:
        return [(ident, id(el), [(p.ignorable, id(p.source), id(p.target), p.state) for p in parts])
                for ident, el, parts in units]
    return [key(units) for units in reference] == [key([(u.id, u.element, u.parts) for u in f.units]) for f in files]


def _columns_agree(view: FileView) -> bool:
    """Columns, parts_at, unit_id, texts and has_target say what the units say (read before the units are made)."""
    columns = view.columns
    lone_parts = {i: view.parts_at(i) for i in range(len(columns.elements))}  # irregular units' too
    ids = [view.unit_id(i) for i in range(len(columns.elements))]
    targets, has_target = view.target_texts, view.has_target
    units = view.units
    if any(view.parts_at(i) is not unit.parts for i, unit in enumerate(units)) or any(
            parts != units[i].parts for i, parts in lone_parts.items()) or ids != [u.id for u in units] or any(
            view.unit_id(i) is not unit.id for i, unit in enumerate(units)):
        return False
    lone = [len(u.parts) == 1 and not u.parts[0].ignorable for u in units]
    return ([id(el) for el in columns.elements] == [id(u.element) for u in units]
            and columns.irregular == frozenset(i for i, one in enumerate(lone) if not one)
            and [id(el) for el in columns.sources] == [id(u.parts[0].source) if one else id(None)
                                                        for u, one in zip(units, lone, strict=True)]
            and [id(el) for el in columns.targets] == [id(u.parts[0].target) if one else id(None)
                                                        for u, one in zip(units, lone, strict=True)]
            and targets == [u.target for u in units]
            and has_target == any(u.has_target for u in units))


def test_the_mutations_reach_every_shape() -> None:
    shapes = {"nested": 0, "irregular": 0, "alt-trans": 0, "units": 0}
    for root in mutated(3, 600):
        version = root_version(root)
        if version is None:
            continue
        for file_view in build_view(root.getroottree(), version).files:
            shapes["irregular"] += len(file_view.columns.irregular)
            shapes["units"] += len(file_view.units)
            for unit in file_view.units:
                shapes["nested"] += any(a in {u.element for u in file_view.units} for a in unit.element.iterancestors())
                shapes["alt-trans"] += any(isinstance(el.tag, str) and el.tag.endswith("}alt-trans") for el in unit.element)
    assert all(count > 10 for count in shapes.values()), shapes


def test_the_view_reads_every_unit_as_the_long_way_does() -> None:
    compared = 0
    for root in mutated(11, 1500):
        version = root_version(root)
        if version is None:
            continue
        tree = root.getroottree()
        view = build_view(tree, version)
        assert all(_columns_agree(f) for f in view.files)
        assert _same(reference_units(tree, version), view.files)
        compared += 1
    assert compared > 1000


def test_a_reference_broken_on_purpose_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison can fail: a builder that takes any source below a unit (an alt-trans's too) is caught."""
    def loose(scope: etree._Element, tag: str, parents: list[etree._Element | None], at: int) -> list[etree._Element | None]:
        return [None if parent is None else next(parent.iter(tag), None) for parent in parents]
    monkeypatch.setattr(view_module, "_first_children", loose)
    wrong = 0
    for root in mutated(11, 300):
        version = root_version(root)
        if version is not None:
            tree = root.getroottree()
            wrong += not _same(reference_units(tree, version), build_view(tree, version).files)
    assert wrong > 0


def test_a_part_read_alone_wrong_on_purpose_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """_columns_agree can fail: parts_at reading an irregular unit's parts in reverse order is caught."""
    real = view_module._Columns20.parts_at

    def reversed_parts(self: view_module._Columns20, index: int) -> list[Part]:
        return real(self, index)[::-1]
    monkeypatch.setattr(view_module._Columns20, "parts_at", reversed_parts)
    wrong = 0
    for root in mutated(11, 300):
        version = root_version(root)
        if version is not None:
            wrong += not all(_columns_agree(f) for f in build_view(root.getroottree(), version).files)
    assert wrong > 0


#: inline content of a source or target, per version: codes, markers, nesting, edges, foreign elements
_INLINE = {"1.2": ('<x id="1"/>a', 'a<g id="2">b<x id="3"/></g>', '<bx id="4"/>c<ex id="4"/>', 'd<mrk mtype="term">e</mrk>',
                   '<g id="5"><g id="6">f</g></g> ', '<mrk mid="m">g</mrk><x/>', '<foo>h</foo><x id="7"/>'),
           "2.0": ('<ph id="1"/>a', 'a<pc id="2">b<ph id="3"/></pc>', '<sc id="4"/>c<ec startRef="4"/>',
                   'd<mrk id="m1">e</mrk>', '<pc id="5"><pc id="6">f</pc></pc> ', '<sm id="s"/>g<em startRef="s"/>',
                   '<foo>h</foo><ph id="7"/>')}


def test_flatten_reads_inline_codes_as_the_long_way_does() -> None:
    """flatten's one pass (children read once, the text serialized or given) is _flatten_walk, element by element."""
    elements: list[tuple[etree._Element, str]] = []
    rng = random.Random(5)
    for version, namespace in (("1.2", N12), ("2.0", N20)):
        for _ in range(200):
            body = "".join(rng.choice(_INLINE[version]) for _ in range(rng.randrange(1, 4)))
            elements.append((etree.fromstring(f'<target xmlns="{namespace}">{rng.choice(("", "t "))}{body}</target>'),
                             version))
    for root in mutated(11, 600):
        version = root_version(root)
        if version is not None:
            elements += [(el, version) for el in root.iter(f"{{{N12}}}source", f"{{{N12}}}target", f"{{{N20}}}source",
                                                             f"{{{N20}}}target") if len(el)]
    codes = 0
    for el, version in elements:
        expected = view_module._flatten_walk(el, version)
        assert view_module.flatten(el, version) == expected
        assert view_module.flatten(el, version, view_module.all_text(el)) == expected
        codes += len(expected.codes) + len(expected.markers) + expected.code_first + expected.code_last
    assert len(elements) > 1000 and codes > 1000


def test_columns_and_texts_make_no_unit_record(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[UnitView] = []

    class Counted(UnitView):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            made.append(self)
    monkeypatch.setattr(view_module, "UnitView", Counted)
    root = _doc20(random.Random(4))
    file_view = build_view(root.getroottree(), "2.0").files[0]
    columns, texts = file_view.columns, file_view.target_texts
    assert len(columns.elements) > 0 and not columns.irregular and texts and file_view.has_target
    assert made == []
    assert [u.id for u in file_view.units] == [el.get("id") for el in columns.elements] and len(made) == len(texts)


def test_a_file_view_made_by_hand_is_the_dataclass_it_was() -> None:
    root = _doc12(random.Random(1))
    file_el = root[0]
    bare, other = FileView(file_el, file_el, "en", "fr"), FileView(file_el, file_el, "en", "fr")
    assert bare.units == [] and bare.units is not other.units and bare == other
    bare.units.append(UnitView("x", file_el, [Part(False, None, file_el)]))
    assert other.units == [] and bare != other and "UnitView(id='x'" in repr(bare)
    assert bare.columns.targets == [file_el] and bare.target_texts == [bare.units[0].target] and bare.has_target
    bare.units.append(UnitView("y", file_el, []))  # read off the units each time: no stale answer
    assert bare.columns.irregular == frozenset({1}) and bare.target_texts[1] is None
    built = build_view(root.getroottree(), "1.2").files[0]
    given = FileView(built.element, built.lang_element, built.src, built.trg, built.strategy, built.candidates,
                     list(built.units))
    assert given == built and given.columns.elements == built.columns.elements
    built.units = []
    assert built.units == [] and built.columns.elements == [] and built.target_texts == []
