"""The engine's own costs, kept low without changing an answer: one read per file, the pool's traffic.

Workers get only their chunk's expectations and send findings back as tuples;
the parent's objects are frozen out of the collector only while workers fork.
Each of these must leave every finding as it was: the tests compare the pool
with one core on a configured project, and the packed findings with the real ones.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from pxl10n.validate import engine, parsing
from pxl10n.validate.context import Context, Expected, LaidOut, Pulled
from pxl10n.validate.engine import build_selection, validate_files
from pxl10n.validate.rules import Finding, Severity
from pxl10n.xliff import io

N12 = "urn:oasis:names:tc:xliff:document:1.2"


def _doc(item: str, target_language: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="{N12}" version="1.2"><file original="{item}" '
            f'source-language="en-US" target-language="{target_language}" datatype="html"><body>\n'
            '<trans-unit id="a"><source>Save</source><target>Enregistrer</target></trans-unit>\n'
            "</body></file></xliff>\n").encode()


def _project(tmp_path: Path, files: int) -> tuple[list[Path], Context]:
    """Files that each disagree with what was pulled in their own way, so every expectation shows."""
    paths: list[Path] = []
    expected: dict[str, Expected] = {}
    for i in range(files):
        path = tmp_path / f"f{i:03d}.xlf"
        path.write_bytes(_doc(f"item-{i}", "de-DE" if i % 3 == 0 else "fr-FR"))
        pulled = Pulled("engagement", f"item-{i if i % 4 else i + 1}", "fr-FR", "fr-FR", "1.2", "html",
                        ("a",) if i % 5 else ("a", f"gone-{i}"))
        expected[str(path)] = Expected(pulled, LaidOut("engagement", f"item-{i}", "fr-FR"))
        paths.append(path)
    ctx = Context(source_locale="en-US", target_locales=("fr-FR", "de-DE"),
                  px_languages={"fr-FR": "fr-FR", "de-DE": "de-DE"}, expected=expected)
    return paths, ctx


def test_the_pool_sends_each_chunk_its_expectations_and_answers_as_one_core(tmp_path: Path) -> None:
    paths, ctx = _project(tmp_path, engine.PARALLEL_THRESHOLD + 13)
    selection = build_selection(None, select=["PX"])
    serial = validate_files(paths, ctx, selection, jobs=1).findings
    parallel = validate_files(paths, ctx, selection, jobs=2).findings
    assert parallel == serial
    assert {"PX101", "PX116", "PX131"} <= {f.code for f in serial}
    assert all(type(f) is Finding and type(f.severity) is Severity for f in parallel)
    assert gc.get_freeze_count() == 0, "the pool left the parent's objects frozen"


def test_a_caller_that_froze_objects_keeps_them_frozen(tmp_path: Path) -> None:
    paths, ctx = _project(tmp_path, engine.PARALLEL_THRESHOLD)
    gc.freeze()
    try:
        validate_files(paths, ctx, build_selection(None, select=["PX"]), jobs=2)
        assert gc.get_freeze_count() > 0, "validate unfroze what its caller had frozen"
    finally:
        gc.unfreeze()


def test_context_only_keeps_the_named_files_expectations_and_everything_else() -> None:
    one, two = Expected(laid_out=LaidOut("engagement", "1", "fr-FR")), Expected(laid_out=LaidOut("article", "2", "de"))
    ctx = Context(source_locale="en-US", target_locales=("fr-FR",), expected={"a.xlf": one, "b.xlf": two})
    part = ctx.only(["b.xlf", "missing.xlf"])
    assert dict(part.expected) == {"b.xlf": two}
    assert (part.source_locale, part.target_locales) == (ctx.source_locale, ctx.target_locales)
    bare = Context()
    assert bare.only(["a.xlf"]) is bare


@pytest.mark.parametrize("finding", [
    Finding("a.xlf", 3, 7, "QA101", Severity.ERROR, "placeholder {0} missing", "u1"),
    Finding("b.xlf", None, None, "XLF004", Severity.WARNING, "cannot read file", None),
])
def test_packed_findings_come_back_equal(finding: Finding) -> None:
    packed = (finding.path, finding.line, finding.col, finding.code, finding.severity.value, finding.message,
              finding.unit)
    assert engine._unpack(packed) == finding


def test_read_refuses_a_file_over_the_cap_before_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.xlf"
    path.write_bytes(b"<x/>" * 10)
    monkeypatch.setattr(io, "MAX_DOCUMENT_BYTES", 39)
    monkeypatch.setattr(parsing, "MAX_DOCUMENT_BYTES", 39)
    refused = parsing.read(str(path))
    assert isinstance(refused, Finding) and refused.code == "XLF004"
    assert refused.message == "file is over the 39 byte cap; refused"
    monkeypatch.setattr(io, "MAX_DOCUMENT_BYTES", 40)
    doc = parsing.read(str(path))
    assert not isinstance(doc, Finding) and doc.data == b"<x/>" * 10


def test_read_names_why_a_file_cannot_be_read(tmp_path: Path) -> None:
    missing = parsing.read(str(tmp_path / "gone.xlf"))
    folder = parsing.read(str(tmp_path))
    assert isinstance(missing, Finding) and missing.message == "cannot read file: No such file or directory"
    assert isinstance(folder, Finding) and folder.message == "cannot read file: Is a directory"


def test_a_checked_file_lets_go_of_its_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.xlf"
    path.write_bytes(_doc("item-1", "fr-FR"))
    released = []
    real = parsing.release

    def spy(doc: object) -> None:
        real(doc)  # type: ignore[arg-type]
        released.append(doc)
    monkeypatch.setattr(parsing, "release", spy)
    validate_files([path], Context(), build_selection(None), jobs=1)
    assert len(released) == 1 and released[0].tree is None and released[0]._view is None  # type: ignore[attr-defined]


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_named_by_strings_are_named_as_their_paths_spell_them(tmp_path: Path, jobs: int) -> None:
    """A name is read as ``str(Path(name))``, so a finding (and an expectation) names the file one way."""
    paths, ctx = _project(tmp_path, engine.PARALLEL_THRESHOLD)
    odd = [str(p).replace(str(tmp_path), f"{tmp_path}/./") for p in paths]
    selection = build_selection(None, select=["PX"])
    as_strings = validate_files(odd, ctx, selection, jobs=jobs).findings  # type: ignore[arg-type]
    assert as_strings == validate_files(paths, ctx, selection, jobs=1).findings
    assert as_strings and all(f.path in ctx.expected for f in as_strings)
