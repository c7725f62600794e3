"""The engine: discovery, parsing checks (XLF001-004), selection, severities, config, parallelism, CLI exit codes."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pxl10n.cli import cli
from pxl10n.config import load
from pxl10n.errors import ConfigError, XliffError
from pxl10n.sync.validation import validate_paths
from pxl10n.validate import engine
from pxl10n.validate.context import Context
from pxl10n.validate.engine import (
    RuleSelection,
    build_selection,
    check_document,
    check_file,
)
from pxl10n.validate.rules import Document, Family, Severity, error
from pxl10n.xliff.io import parse

ROOT = Path(__file__).resolve().parent.parent

GOOD = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" trgLang="fr-FR">
  <file id="f1">
    <unit id="u1"><segment><source>Save your changes.</source><target>Enregistrez vos modifications.</target></segment></unit>
  </file>
</xliff>
"""
WARN = GOOD.replace(b"Enregistrez vos modifications.", b"Save your changes.")
ERROR = GOOD.replace(b"Save your changes.</source>", b"Hi {{name}}</source>").replace(b"Enregistrez vos modifications.", b"Salut")
BOMB = b"""<?xml version="1.0"?>
<!-- a comment before the DOCTYPE -->
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file><body>&lol3;</body></file></xliff>
"""




def test_clean_file_passes_every_family(tmp_path: Path) -> None:
    assert [f.name for f in engine.FAMILIES] == ["parsing", "xliff12", "xliff20", "qa", "px", "tm", "toolkit"]
    (tmp_path / "a.xlf").write_bytes(GOOD)
    report = validate_paths([tmp_path / "a.xlf"])
    assert report.errors == 0, report.findings


def codes(findings: list) -> list[str]:
    return [f.code for f in findings]


def run_doc(data: bytes, selection: RuleSelection | None = None) -> list:
    return check_document(Document("/tmp/x.xlf", data), Context(), selection or RuleSelection())


# --- parsing -------------------------------------------------------------------


def test_doctype_is_refused_not_expanded() -> None:
    findings = run_doc(BOMB)
    assert codes(findings) == ["XLF003"]
    assert findings[0].line == 3 and "lol" not in findings[0].message


def test_doctype_in_utf16_is_refused() -> None:
    assert codes(run_doc(BOMB.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16"))) == ["XLF003"]


def test_not_well_formed_reports_line_and_column() -> None:
    findings = run_doc(b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n<file><body>\n</bodyx></file></xliff>')
    assert codes(findings) == ["XLF001"]
    assert findings[0].line == 3 and findings[0].col is not None
    assert "line 3, column" not in findings[0].message


_CONFLICTED = (b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n<file><body>\n'
               b'<trans-unit id="u1"><source>Save</source>\n<<<<<<< HEAD\n<target>Enregistrer</target>\n'
               b'=======\n<target>Sauvegarder</target>\n>>>>>>> translator\n</trans-unit></body></file></xliff>')


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_git_conflict_markers_are_named_at_their_line_with_the_fix(newline: bytes) -> None:
    findings = run_doc(_CONFLICTED.replace(b"\n", newline))
    assert codes(findings) == ["XLF001"]
    assert findings[0].line == 4
    assert "git conflict markers" in findings[0].message and "git checkout --ours or --theirs" in findings[0].message


def test_broken_xml_with_only_marker_like_lines_keeps_the_parser_message() -> None:
    """``=======`` and ``>>>>>>>`` lines are text XML may hold; only an unescaped ``<<<<<<<`` line is a conflict."""
    data = _CONFLICTED.replace(b"<<<<<<< HEAD\n", b"").replace(b"</trans-unit>", b"</trans-unitx>")
    findings = run_doc(data)
    assert codes(findings) == ["XLF001"]
    assert "conflict" not in findings[0].message and findings[0].col is not None


def test_reading_a_conflicted_file_outside_validate_names_the_markers() -> None:
    with pytest.raises(XliffError, match=r"^l10n/x\.xlf: line 4: not well-formed XML: git conflict markers"):
        parse(_CONFLICTED, source="l10n/x.xlf")


@pytest.mark.parametrize("data", [b"", b"\xff\xfe\x00garbage", b"<a>&undefined;</a>"])
def test_garbage_is_xlf001(data: bytes) -> None:
    assert codes(run_doc(data)) == ["XLF001"]


@pytest.mark.parametrize(
    "data",
    [
        b"<html/>",
        b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.1" version="1.1"/>',
        b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="3.0" srcLang="en"/>',
        b'<xliff version="1.3"/>',
    ],
)
def test_not_xliff_is_xlf002(data: bytes) -> None:
    assert codes(run_doc(data)) == ["XLF002"]


@pytest.mark.parametrize("data", [GOOD, WARN, ERROR, b"<html/>", b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="3.0" srcLang="en"/>'])
def test_a_document_parsed_by_its_caller_is_not_parsed_again_and_finds_the_same(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """Push hands over the tree it parsed; validate reads it and gives the findings of its own parse."""
    from lxml import etree

    from pxl10n.xliff.io import parse_xml

    alone = run_doc(data)
    handed = Document("/tmp/x.xlf", data, parse_xml(data))

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(etree, "fromstring", no_parse)
    assert check_document(handed, Context(), RuleSelection()) == alone
    assert handed.tree is not None and (handed.version is not None) == (codes(alone) != ["XLF002"])


def test_a_document_handed_over_with_a_doctype_is_still_refused() -> None:
    from pxl10n.xliff.io import parse_xml

    handed = Document("/tmp/x.xlf", BOMB, parse_xml(BOMB))
    assert codes(check_document(handed, Context(), RuleSelection())) == ["XLF003"]


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    folder = tmp_path / "dir.xlf"
    folder.mkdir()
    findings = check_file(folder, Context(), RuleSelection())
    assert codes(findings) == ["XLF004"] and findings[0].severity is Severity.ERROR


def test_crashing_family_becomes_xlf000(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(doc, ctx):
        raise RuntimeError("bug")
        yield

    monkeypatch.setattr(engine, "FAMILIES", (Family("boom", "XLF9", "boom", (error("XLF999", "t", "e"),), boom),))
    findings = run_doc(GOOD)
    assert codes(findings) == ["XLF000"] and "boom" in findings[0].message


# --- selection and severities -----------------------------------------------------


def test_select_and_ignore_prefixes() -> None:
    sel = build_selection(None, ["QA1, XLF001"], ["QA101"])
    assert sel.enabled("QA102") and sel.enabled("XLF001")
    assert not sel.enabled("QA101") and not sel.enabled("QA201") and not sel.enabled("XLF002")
    assert build_selection(None, ["qa"], []).enabled("QA401")
    assert build_selection(None, [], ["QA"]).enabled("XLF001")
    assert not build_selection(None, ["QA101"], ["QA"]).enabled("QA101")  # ignore wins


@pytest.mark.parametrize(("select", "ignore"), [(["QA9"], []), ([], ["NOPE"]), (["QA1,ZZ"], [])])
def test_unknown_prefix_is_a_usage_error(select: list[str], ignore: list[str]) -> None:
    with pytest.raises(ConfigError) as exc:
        build_selection(None, select, ignore)
    assert exc.value.exit_code == 2
    assert any(bad in str(exc.value) for bad in ("QA9", "NOPE", "ZZ"))


def test_severity_override() -> None:
    assert [f.severity for f in run_doc(WARN)] == [Severity.WARNING]
    assert [f.severity for f in run_doc(WARN, build_selection(None, severity={"QA402": "error"}))] == [Severity.ERROR]
    assert run_doc(WARN, build_selection(None, severity={"QA4": "off"})) == []
    both = build_selection(None, severity={"QA": "off", "QA402": "error"})  # the longer prefix wins
    assert [f.code for f in run_doc(WARN, both)] == ["QA402"]
    with pytest.raises(ConfigError):
        build_selection(None, severity={"QA402": "fatal"})


def write_config(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "l10n" / "fr-FR" / "engagement").mkdir(parents=True)
    config = tmp_path / "pxl10n.toml"
    config.write_text(f'[project]\nsource_locale = "en-US"\nlocales = ["fr-FR"]\ndirectory = "l10n"\n{extra}', encoding="utf-8")
    return config


def test_config_defaults_and_cli_override(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[validate]\nignore = ["QA402"]\n[validate.severity]\nQA101 = "warning"\n')
    (tmp_path / "l10n" / "fr-FR" / "engagement" / "a.xlf").write_bytes(WARN)
    (tmp_path / "l10n" / "fr-FR" / "engagement" / "b.xlf").write_bytes(ERROR)
    settings = load(config)
    report = validate_paths(settings=settings, select=["QA"])
    assert report.files == 2
    assert [(f.code, f.severity) for f in report.findings] == [("QA101", Severity.WARNING)]
    report = validate_paths(settings=settings, select=["QA"], ignore=["QA3"], severity={"QA101": "error"})
    assert sorted(f.code for f in report.findings) == ["QA101", "QA402"]
    assert report.files_with_errors() == {(tmp_path / "l10n" / "fr-FR" / "engagement" / "b.xlf").resolve()}


def test_paths_without_config_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "a.xliff").write_bytes(GOOD)
    (tmp_path / "notes.txt").write_text("not xliff")
    report = validate_paths([tmp_path])
    assert report.files == 1 and report.ok
    with pytest.raises(ConfigError):
        validate_paths([tmp_path / "missing"])


def test_parallel_equals_serial(tmp_path: Path) -> None:
    for i in range(engine.PARALLEL_THRESHOLD + 12):
        data = [GOOD, WARN, ERROR, BOMB, b"<broken"][i % 5]
        (tmp_path / f"f{i:03d}.xlf").write_bytes(data)
    serial = validate_paths([tmp_path], jobs=1)
    parallel = validate_paths([tmp_path], jobs=2)
    assert serial.findings == parallel.findings and serial.files == parallel.files
    assert serial.errors > 0 and serial.warnings > 0


def test_parallel_with_threads_alive_does_not_fork(tmp_path: Path) -> None:
    """push validates while other threads live; forking then can deadlock, so another start method is used."""
    for i in range(engine.PARALLEL_THRESHOLD):
        (tmp_path / f"f{i:03d}.xlf").write_bytes(ERROR)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert engine._mp_context().get_start_method() != "fork"
        report = validate_paths([tmp_path], jobs=2, select=["QA"])  # workers import every family afresh
    finally:
        stop.set()
        thread.join()
    assert report.findings == validate_paths([tmp_path], jobs=1, select=["QA"]).findings
    assert report.errors == engine.PARALLEL_THRESHOLD


def test_seeded_corpus_recall_and_no_false_errors(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "validate_vs_pofilter.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = bench
    spec.loader.exec_module(bench)
    corpus = bench.build_corpus(tmp_path / "c", files=24, units_per_file=30, seed=7, defect_rate=0.2)
    _, flags = bench.validate_flags(corpus, corpus.files, 1)
    score = bench.score(corpus, flags, bench.EXPECTED_QA)
    assert score.seeded > 50
    assert score.recall >= 0.99, score.missed
    assert score.clean_errors == 0
    assert score.clean_flagged <= score.clean * 0.01


# --- CLI -------------------------------------------------------------------------


def invoke(args: list[str], cwd: Path) -> Result:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, args, catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.mark.parametrize(("data", "code"), [(GOOD, 0), (WARN, 0), (ERROR, 1), (BOMB, 1)])
def test_cli_exit_codes(tmp_path: Path, data: bytes, code: int) -> None:
    (tmp_path / "a.xlf").write_bytes(data)
    result = invoke(["validate", str(tmp_path / "a.xlf")], tmp_path)
    assert result.exit_code == code, result.output


def test_cli_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "a.xlf").write_bytes(GOOD)
    result = invoke(["validate", "--select", "QA9", "a.xlf"], tmp_path)
    assert result.exit_code == 2 and "QA9" in result.stderr
    assert invoke(["validate", "missing.xlf"], tmp_path).exit_code == 2
    assert invoke(["validate", "--explain", "NOPE1"], tmp_path).exit_code == 2
    assert invoke(["validate", "--format", "xml"], tmp_path).exit_code == 2


def test_cli_json_alone_on_stdout(tmp_path: Path) -> None:
    (tmp_path / "a.xlf").write_bytes(ERROR)
    result = invoke(["validate", "--format", "json", "--select", "QA1,QA4", "a.xlf"], tmp_path)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"] == {"files": 1, "errors": 1, "warnings": 0}
    assert data["findings"][0]["path"] == "a.xlf"
    assert "1 file, 1 error" in result.stderr


def test_cli_uses_discovered_config(tmp_path: Path) -> None:
    write_config(tmp_path, '[validate]\nselect = ["QA4"]\n')
    (tmp_path / "l10n" / "fr-FR" / "engagement" / "a.xlf").write_bytes(ERROR)
    (tmp_path / "outside.xlf").write_bytes(ERROR)
    result = invoke(["validate", "--format", "json"], tmp_path)
    assert json.loads(result.stdout)["summary"]["files"] == 1
    assert result.exit_code == 0  # QA101 is deselected by the config
    assert invoke(["validate", "--select", "QA1"], tmp_path).exit_code == 1


def test_cli_explain_and_list_rules(tmp_path: Path) -> None:
    result = invoke(["validate", "--explain", "qa101"], tmp_path)
    assert result.exit_code == 0 and "QA101" in result.stdout and "error" in result.stdout
    rules = json.loads(invoke(["validate", "--list-rules", "--format", "json"], tmp_path).stdout)
    listed = {r["code"]: r["severity"] for r in rules}
    assert listed["QA101"] == "error" and listed["XLF003"] == "error" and listed["QA402"] == "warning"
    text = invoke(["validate", "--list-rules"], tmp_path).stdout
    assert "QA401" in text and "XLF001" in text


def test_cli_help() -> None:
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    for option in ("--select", "--ignore", "--format", "--explain", "--list-rules", "--jobs"):
        assert option in result.output


def test_cli_writes_github_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.xlf").write_bytes(ERROR)
    outputs = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    assert invoke(["validate", "--format", "github", "a.xlf"], tmp_path).exit_code == 1
    text = outputs.read_text()
    assert "errors<<" in text and "\n1\n" in text and "warnings<<" in text


def test_context_for_names_what_pull_recorded_and_what_the_path_says(tmp_path: Path) -> None:
    from pxl10n.sync.validation import context_for

    config = write_config(tmp_path)
    settings = load(config)
    laid = (tmp_path / "l10n" / "fr-FR" / "engagement" / "e-1.xlf").resolve()
    elsewhere = (tmp_path / "drafts" / "x.xlf").resolve()
    ctx = context_for(settings, [laid, elsewhere])
    assert ctx.configured and ctx.target_locales == ("fr-FR",)
    expected = ctx.expected_for(str(laid))
    assert expected.laid_out is not None and (expected.laid_out.item_id, expected.laid_out.locale) == ("e-1", "fr-FR")
    assert expected.pulled is None
    assert ctx.expected_for(str(elsewhere)).laid_out is None


def test_validate_imports_nothing_from_sync() -> None:
    import ast

    package = ROOT / "pxl10n" / "validate"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            assert not any(name.startswith("pxl10n.sync") for name in names), f"{path.name} imports {names}"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_long_validation_reports_progress_and_a_short_one_stays_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """Progress (files done, files in all) comes only after the quiet period, rises, and ends at the total."""
    for i in range(engine.PARALLEL_THRESHOLD + 5):
        (tmp_path / f"f{i}.xlf").write_bytes(GOOD)
    heard: list[tuple[int, int]] = []
    monkeypatch.setattr(engine._Ticker, "QUIET", 3600.0)  # a run shorter than the quiet period, whatever the machine
    report = validate_paths([tmp_path], jobs=jobs, progress=lambda done, total: heard.append((done, total)))
    assert report.files == engine.PARALLEL_THRESHOLD + 5 and heard == []
    monkeypatch.setattr(engine._Ticker, "QUIET", 0.0)
    monkeypatch.setattr(engine._Ticker, "EVERY", 0.0)
    validate_paths([tmp_path], jobs=jobs, progress=lambda done, total: heard.append((done, total)))
    total = engine.PARALLEL_THRESHOLD + 5
    assert heard and heard[-1] == (total, total) and all(t == total for _, t in heard)
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)
