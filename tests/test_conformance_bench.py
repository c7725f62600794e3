"""The conformance benchmark tallies what validate's JSON says, on miniature suites of our own."""

from __future__ import annotations

import importlib.util
import shlex
import sys
from pathlib import Path

import pytest

from .helpers.zygote import Zygote

ROOT = Path(__file__).resolve().parent.parent

GOOD = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">
 <file id="f1"><unit id="u1"><segment><source>Hello</source><target>Bonjour</target></segment></unit></file>
</xliff>
"""
# Two units with one id: an error any version of the XLF family reports.
BAD = GOOD.replace(b"</unit></file>", b"</unit><unit id=\"u1\"><segment><source>A</source></segment></unit></file>")
GOOD12 = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
 <file original="m" source-language="en" target-language="fr" datatype="plaintext"><body>
  <trans-unit id="a"><source>Save</source><target></target></trans-unit>
 </body></file>
</xliff>
"""


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("conformance_bench", ROOT / "benchmarks" / "conformance.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["conformance_bench"] = module
    spec.loader.exec_module(module)
    return module


def _suites(tmp_path: Path) -> tuple[Path, Path]:
    tc = tmp_path / "tc"
    for suite in ("core", "modules"):
        for folder in ("valid", "invalid"):
            (tc / "test-suite" / suite / folder).mkdir(parents=True)
    (tc / "test-suite/core/valid/good.xlf").write_bytes(GOOD)
    (tc / "test-suite/core/valid/rejected.xlf").write_bytes(BAD)
    (tc / "test-suite/core/invalid/caught.xlf").write_bytes(BAD)
    (tc / "test-suite/core/invalid/missed.xlf").write_bytes(GOOD)
    (tc / "test-suite/modules/valid/good.xlf").write_bytes(GOOD)
    world = tmp_path / "world"
    (world / "v12").mkdir(parents=True)
    (world / "v12/empty.xlf").write_bytes(GOOD12)
    (world / "v12/dup.xlf").write_bytes(BAD)
    (world / "SOURCES.tsv").write_text(
        "file\trepo\tpath\tcommit\ttool\texpected\n"
        "v12/empty.xlf\tr\tp\tc\tSome app + translators\tvalid\n"
        "v12/dup.xlf\tr\tp\tc\tA tool's test data\tinvalid: XLF999+XLF998: line 1: not what validate says\n",
        encoding="utf-8")
    return tc, world


def test_parse_verdict(bench) -> None:
    assert bench.parse_verdict("valid").valid
    v = bench.parse_verdict("invalid: XLF122+XLF103: line 2: tool-id 'x' on <file> names no header <tool>")
    assert (v.valid, v.codes) == (False, frozenset({"XLF122", "XLF103"}))
    assert v.note.startswith("line 2")
    free = bench.parse_verdict("invalid: repo marks it invalid; not well-formed XML")
    assert (free.valid, free.codes, free.note) == (False, frozenset(), "repo marks it invalid; not well-formed XML")


def test_tallies_and_disagreements(bench, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tc, world = _suites(tmp_path)
    assert bench.main(["--tc", str(tc), "--realworld", str(world)]) == 0
    out = capsys.readouterr().out
    core = next(line for line in out.splitlines() if line.startswith("TC core"))
    assert core.split()[2:] == ["1/2", "1/2"]
    modules = next(line for line in out.splitlines() if line.startswith("TC modules"))
    assert modules.split()[2:] == ["1/1", "0/0"]
    listed = out.split("Files that disagree")[1]
    assert "core/valid/rejected.xlf" in listed and "core/invalid/missed.xlf" in listed
    assert "core/valid/good.xlf" not in listed and "core/invalid/caught.xlf" not in listed
    assert "other codes" in listed and "expected XLF998+XLF999" in listed
    # The empty target of a valid production file is a QA error (QA401 today): it is counted there.
    production = out.split("QA errors per rule on production files (1:")[1].split("QA errors per rule on tools")[0]
    assert production.splitlines()[0].endswith(" errors on 1 files")


def test_baseline_column(bench, tmp_path: Path, capsys: pytest.CaptureFixture[str], zygote: Zygote) -> None:
    """Both commands are the zygote's ``pxl10n`` (a real process a run, see tests/helpers/zygote.py):
    the default command, a fresh ``python -m pxl10n``, is the one test_tallies_and_disagreements runs."""
    tc, world = _suites(tmp_path)
    me = shlex.quote(str(zygote.client))
    assert bench.main(["--tc", str(tc), "--realworld", str(world), "--pxl10n", me, "--baseline", me]) == 0
    core = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("TC core"))
    assert "1/2 -> 1/2" in core


def test_absent_folder_is_one_line(bench, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--tc", str(tmp_path / "nowhere"), "--realworld", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("conformance: ") and "--tc" in err and err.count("\n") == 1
