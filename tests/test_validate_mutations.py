"""Fuzz: the project's own fixtures, bent at random as the tree, still get findings, never a crashed family.

A rule family that raises on a document becomes XLF000 ("rule family failed ... please report it"): the
file is not fully checked, and the user is told to file a bug. Every mutation here yields a tree lxml
writes out, so a well-formed document the families must read: elements removed, doubled or moved
inside others, inline codes and structural elements added where they do not belong, attributes set to
odd values or dropped, texts made empty or made of placeholders, markup and combining marks. Every family
runs, on every example. ``PXL10N_FUZZ_EXAMPLES`` raises the number of examples (default 60) for a longer
hunt (17,000 mutations of the XLIFF TC suite and a corpus of real files found nothing when this was written).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pxl10n.validate.context import Context
from pxl10n.validate.engine import build_selection, check_document
from pxl10n.validate.rules import Document

PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _parses(path: Path) -> bool:
    try:
        etree.fromstring(path.read_bytes(), PARSER)
    except etree.XMLSyntaxError:
        return False
    return True


#: Every fixture that is XML (those of XLF001 are not: there is no tree to bend).
FIXTURES = [path for path in sorted((Path(__file__).parents[1] / "fixtures").rglob("*.xlf")) if _parses(path)]
EXAMPLES = int(os.environ.get("PXL10N_FUZZ_EXAMPLES", "60"))
TEXTS = ("", " ", "\n", "  ", "\t", "{0}", "{{x}}", "%s", "%1$@", "${a}", "{n, plural, one {#} other {# x}}", "{", "}",
         "%", "<b>", "</b>", "<a href='x'>", "&amp;", "\u0301", "e\u0301", "\U0001f600", "。", "¿", "http://x.y/z",
         "a@b.co", "1,000.5")
ATTRIBUTES = ("id", "state", "translate", "canResegment", "ctype", "mid", "rid", "startRef", "copyOf", "dataRef", "type",
              "subType", "source-language", "target-language", "srcLang", "trgLang", "original", "datatype",
              "equiv-text", "disp", "mtype", "isolated", "dir", "{http://www.w3.org/XML/1998/namespace}space",
              "{http://www.w3.org/XML/1998/namespace}lang")
VALUES = ("", "1", "2", "x", "no", "yes", "preserve", "default", "new", "final", "translated", "initial", "fr", "en-US",
          "??", "1 2", "start", "ltr")
ELEMENTS = ("x", "g", "ph", "pc", "sc", "ec", "mrk", "sm", "em", "bpt", "ept", "it", "bx", "ex", "sub", "cp", "target",
            "source", "segment", "ignorable", "seg-source", "note", "unit", "trans-unit", "group", "file")

#: One change to the tree: what it does, which element (an index into the document's elements, modulo their
#: count), and a second element or a value to use.
MUTATION = st.tuples(st.sampled_from(("remove", "double", "text", "tail", "set", "drop", "nest", "add", "empty")),
                     st.integers(0, 10_000), st.integers(0, 10_000))


def _mutate(root: etree._Element, mutations: list[tuple[str, int, int]]) -> None:
    for op, at, other in mutations:
        elements = [el for el in root.iter() if isinstance(el.tag, str)]
        el, second = elements[at % len(elements)], elements[other % len(elements)]
        parent = el.getparent()
        if op == "remove" and parent is not None:
            parent.remove(el)
        elif op == "double" and parent is not None:
            el.addnext(copy.deepcopy(el))
        elif op == "text":
            el.text = TEXTS[other % len(TEXTS)] + (el.text or "")[: other % 20]
        elif op == "tail" and parent is not None:
            el.tail = TEXTS[other % len(TEXTS)]
        elif op == "set":
            el.set(ATTRIBUTES[other % len(ATTRIBUTES)], VALUES[(other // len(ATTRIBUTES)) % len(VALUES)])
        elif op == "drop" and el.attrib:
            del el.attrib[sorted(el.attrib)[other % len(el.attrib)]]
        elif op == "nest" and second is not el and el not in second.iterancestors() and second not in el.iterancestors():
            el.append(copy.deepcopy(second))
        elif op == "add":
            namespace = el.tag[: el.tag.index("}") + 1] if el.tag.startswith("{") else ""
            added = etree.SubElement(el, namespace + ELEMENTS[other % len(ELEMENTS)], id=str(other % 3))
            added.text = TEXTS[other % len(TEXTS)] if other % 3 == 0 else None
        elif op == "empty":
            el.text = None


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fixture=st.sampled_from(FIXTURES), mutations=st.lists(MUTATION, min_size=1, max_size=5))
def test_no_family_fails_on_a_bent_fixture(fixture: Path, mutations: list[tuple[str, int, int]]) -> None:
    root = etree.fromstring(fixture.read_bytes(), PARSER)
    _mutate(root, mutations)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    findings = check_document(Document(fixture.name, data), Context(), build_selection(None))
    failed = [f.message for f in findings if f.code == "XLF000"]
    assert not failed, f"{fixture.name} after {mutations}: {failed}\n{data.decode('utf-8', 'replace')}"
