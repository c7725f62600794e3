"""The speed work of issue 9 changes no verdict: reused checkers, fast paths and the benchmark itself.

Fast paths are only worth having when they answer exactly like the long way;
these tests hold them to it (the ratio itself is measured by
``benchmarks/validate_speed.py``, never asserted here).
"""

from __future__ import annotations

import importlib.util
import random
import re
import sys
from pathlib import Path

import pytest

from pxl10n.validate import qa_text
from pxl10n.validate.context import Context
from pxl10n.validate.engine import RuleSelection, build_selection, check_document, validate_documents
from pxl10n.validate.rules import Document, Severity

ROOT = Path(__file__).resolve().parent.parent

DOC12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
<file original="item-1" source-language="en-US" target-language="fr-FR" datatype="html"><body>
<trans-unit id="a"><source>Click <g id="1">Save</g> in {0} days.</source><target>TARGET</target></trans-unit>
<trans-unit id="b" ATTR><source>Step 1 of 3</source><target>Étape 1 sur 3</target></trans-unit>
</body></file></xliff>
"""
GOOD_TARGET = 'Cliquez sur <g id="1">Enregistrer</g> dans {0} jours.'


def _doc(target: str, attr: str = "") -> str:
    return DOC12.replace("TARGET", target).replace("ATTR", attr)


DOCS = [
    _doc(GOOD_TARGET),
    _doc("Cliquez sur Enregistrer dans 3 jours."),  # code, placeholder, number lost
    _doc(GOOD_TARGET, 'translate="maybe"'),  # a bad value where the clean one was memoized
    _doc(GOOD_TARGET, 'bogus="1"'),  # a bad attribute name on the same element
    "<xliff>not closed",
    _doc(GOOD_TARGET),
]


def _codes(findings: list) -> list[tuple[str, str, Severity]]:
    return [(f.path, f.code, f.severity) for f in findings]


@pytest.mark.parametrize("selection", [
    RuleSelection(),
    build_selection(None, severity={"QA": "error", "XLF1": "warning"}),
    build_selection(None, ignore=["QA3"]),
])
def test_one_checker_over_many_documents_answers_as_one_per_document(selection: RuleSelection) -> None:
    """The engine reuses one parser and its per-code severities over a chunk: no document sees another's."""
    alone = [f for i, text in enumerate(DOCS) for f in check_document(Document(f"d{i}.xlf", text.encode()),
                                                                     Context(), selection)]
    together = validate_documents([Document(f"d{i}.xlf", text.encode()) for i, text in enumerate(DOCS)], Context(), selection)
    assert sorted(_codes(alone)) == sorted(_codes(together.findings))
    by_doc = {path for path, _, _ in _codes(alone)}
    assert {"d1.xlf", "d2.xlf", "d3.xlf", "d4.xlf"} <= by_doc and "d0.xlf" not in by_doc and "d5.xlf" not in by_doc


def test_memoized_clean_attributes_do_not_hide_a_bad_value() -> None:
    """An element whose attributes were found clean is remembered by names *and* values."""
    units = "\n".join(
        f'<trans-unit id="u{n}"><source>Next</source><target state="{state}">Suivant</target></trans-unit>'
        for n, state in enumerate(["translated", "translated", "nonsense", "translated"])
    )
    data = ('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="i" '
            f'source-language="en" target-language="fr" datatype="plaintext"><body>\n{units}\n</body></file></xliff>')
    found = check_document(Document("x.xlf", data.encode()), Context(), RuleSelection(("XLF",)))
    assert [(f.code, f.line) for f in found] == [("XLF112", 4)]


#: The number grammar as first written (a lookbehind, both branches starting with their digits).
_REFERENCE_NUMBER = re.compile(r"(?<!\d)(?:\d{1,3}([,. '’])\d{3}(?:\1\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)")


@pytest.mark.parametrize("alphabet", ["0123456789٣١,. '’ax", "0123,. ", "12 ,.’'", "1,.x"])
def test_number_scan_matches_the_reference_grammar(alphabet: str) -> None:
    rng = random.Random(alphabet)
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 18)))
        expected = [m.group() for m in _REFERENCE_NUMBER.finditer(text)]
        assert [m.group() for m in qa_text._NUMBER_RE.finditer(text)] == expected, text


def test_benchmark_prints_both_ratios_and_the_split(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("validate_speed", ROOT / "benchmarks" / "validate_speed.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["validate_speed"] = bench
    spec.loader.exec_module(bench)
    assert bench.main(["--files", "3", "--units", "4", "--jobs", "2", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    for version in ("1.2", "2.0"):
        rows = [line.split() for line in out.splitlines() if line.startswith(version + " ")]
        assert [row[1] for row in rows[:3]] == ["1", "2", "2"], out
        assert all(any(token.endswith("x") for token in row) for row in rows[:3]), out
        assert all(row[-1] == "0" for row in rows[:3]), out  # the generated corpus is clean
    assert "xliff12" in out and "xliff20" in out and "qa" in out and "px" in out
    for line in out.splitlines():
        if " CPU ms per 100 files " in line:  # the split comes from inside validate: its stages never exceed it
            cells = dict(re.findall(r"(\w+) (-?[\d.]+) \(", line.split("one core: ", 1)[1]))
            assert {"read", "parse", "view", "px", "free", "other"} <= set(cells) and float(cells["other"]) >= 0, line
    budgets = [line for line in out.splitlines() if " budget for 5x the bare parse " in line]
    assert [line.split()[0] for line in budgets] == ["1.2", "2.0"], out
    for line in budgets:  # every stage against its share of 5x the bare parse, OVER exactly where it is over
        cells = re.findall(r"([\w+]+)(?: \(\w+\))? (-?[\d.]+)/([\d.]+)( OVER)?", line.split("spent/allowed: ", 1)[1])
        assert {"read+parse", "walk", "qa", "px", "free", "other", "validate"} <= {c[0] for c in cells}, line
        assert all((float(spent) > float(allowed)) == bool(over) or spent == allowed  # equal once rounded: either
                   for _, spent, allowed, over in cells), line
    pools = [line for line in out.splitlines() if " pool on 2 cores: " in line]
    assert [line.split()[0] for line in pools] == ["1.2", "2.0"], out


def test_benchmark_long_texts_corpus_is_clean_and_longer(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``--texts long``: the same pairs, five sentences a unit; still no finding, so validate does all its work."""
    spec = importlib.util.spec_from_file_location("validate_speed", ROOT / "benchmarks" / "validate_speed.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["validate_speed"] = bench
    spec.loader.exec_module(bench)
    assert bench.main(["--files", "2", "--units", "6", "--jobs", "1", "--repeat", "1", "--texts", "long"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if line[:4] in ("1.2 ", "2.0 ")]
    assert [row[-1] for row in rows if row[1] == "1"] == ["0", "0"]
    ui, long = (bench.build(tmp_path / name, 1, 20, texts) for name, texts in (("ui", bench.TEXTS), ("long", bench.LONG_TEXTS)))
    assert long["1.2"][0].stat().st_size > 2 * ui["1.2"][0].stat().st_size


@pytest.mark.parametrize("xml", [
    b"<s>a<!-- c -->b<?pi x?>c<g>d<![CDATA[<e>]]></g>f</s>",
    b"<s>&#x1F600; x&#13;y<g/>\t</s>",
    "<s>é<g>ü<x/>&amp;&lt;b&gt;</g>\u00a0</s>tail".encode(),
    b'<s xmlns="urn:oasis:names:tc:xliff:document:2.0">Click <pc id="1">Save</pc><ph id="2"/> now</s>',
])
def test_view_text_is_what_itertext_gives(xml: bytes) -> None:
    """The view serializes text in one libxml2 call; it must equal joining lxml's text iterator."""
    from lxml import etree

    from pxl10n.xliff.io import safe_parser
    from pxl10n.xliff.view import text_of

    element = etree.fromstring(b"<r>" + xml + b"</r>", safe_parser())[0]
    assert text_of(element) == "".join(element.itertext())


def _xliff12(body: str) -> bytes:
    return ('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="i" '
            f'source-language="en" target-language="fr" datatype="plaintext"><body>\n{body}\n</body></file></xliff>'
            ).encode()


def _xlf_findings(data: bytes) -> list[tuple[str, int | None]]:
    found = check_document(Document("x.xlf", data), Context(), RuleSelection(("XLF",)))
    return sorted((f.code, f.line) for f in found)


def test_memoized_attribute_names_do_not_hide_a_bad_name_or_a_bad_xml_lang() -> None:
    """The walk remembers, per document, which attribute-name sets are allowed and which values are valid:
    a later element with the same names but a bad xml:lang, or one more attribute, is still reported."""
    units = [
        '<trans-unit id="u0"><source xml:lang="en">a</source></trans-unit>',
        '<trans-unit id="u1"><source xml:lang="en">b</source></trans-unit>',
        '<trans-unit id="u2"><source xml:lang="en_GB">c</source></trans-unit>',
        '<trans-unit id="u3" bogus="1"><source>d</source></trans-unit>',
        '<trans-unit id="u4"><source xml:lang="en">e</source></trans-unit>',
    ]
    assert _xlf_findings(_xliff12("\n".join(units))) == [("XLF111", 5), ("XLF114", 4)]


@pytest.mark.parametrize(("body", "expected"), [
    ('<group id="g"/>', [("XLF151", 2)]),  # a childless group still holds no unit
    ('<trans-unit id="a"><source>x<x id="1">text</x></source></trans-unit>', [("XLF106", 2)]),  # empty code, text
    ('<trans-unit id="a"/>', [("XLF104", 2)]),  # childless unit lacks its source
    ('<trans-unit id="a"><source>x</source></trans-unit>\n<trans-unit id="b"/>', [("XLF104", 3)]),
])
def test_childless_elements_are_still_checked(body: str, expected: list[tuple[str, int]]) -> None:
    """Elements without children skip the sequence check only where their model cannot fail."""
    assert _xlf_findings(_xliff12(body)) == expected


def test_a_childless_file_lacks_its_body() -> None:
    data = (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="i" '
            b'source-language="en" datatype="plaintext"/></xliff>')
    assert _xlf_findings(data) == [("XLF104", 1)]
