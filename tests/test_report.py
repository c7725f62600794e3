"""Report formats: text, the contract's JSON, GitHub workflow commands, JUnit XML, explain and list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from pxl10n.validate import report as rp
from pxl10n.validate.engine import Report
from pxl10n.validate.parsing import XLF001
from pxl10n.validate.qa import QA101
from pxl10n.validate.rules import Finding, Severity


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "l10n").mkdir()
    a, b, c = (tmp_path / "l10n" / n for n in ("a.xlf", "b,c:d.xlf", "clean.xlf"))
    findings = [
        Finding(str(a), 14, None, "QA101", Severity.ERROR, "placeholder {{user.firstName}} missing in target", "step-1.title"),
        Finding(str(a), 20, 3, "QA301", Severity.WARNING, "100% sure,\r\nreally: yes", None),
        Finding(str(b), 2, 5, "XLF001", Severity.ERROR, "not well-formed XML: <bad> & \x01", None),
    ]
    return Report([a, b, c], findings)


def test_text(sample: Report) -> None:
    lines = rp.render_text(sample).splitlines()
    assert lines[0] == "l10n/a.xlf:14:1: QA101 placeholder {{user.firstName}} missing in target [step-1.title]"
    assert lines[1] == "l10n/a.xlf:20:3: QA301 100% sure,\\r\\nreally: yes"
    assert lines[2].startswith("l10n/b,c:d.xlf:2:5: XLF001 ") and len(lines) == 4
    assert lines[-1] == "3 files, 2 errors, 1 warning"
    assert "\033[" not in rp.render_text(sample) and "\033[" in rp.render_text(sample, color=True)


def test_json_shape_is_the_contract(sample: Report) -> None:
    data = json.loads(rp.render_json(sample))
    assert set(data) == {"summary", "findings"}
    assert data["summary"] == {"files": 3, "errors": 2, "warnings": 1}
    first = data["findings"][0]
    assert {k: first[k] for k in ("path", "line", "severity", "code", "message", "unit")} == {
        "path": "l10n/a.xlf", "line": 14, "severity": "error", "code": "QA101",
        "message": "placeholder {{user.firstName}} missing in target", "unit": "step-1.title",
    }
    assert set(first) <= {"path", "line", "col", "severity", "code", "message", "unit"}
    assert data["findings"][1]["unit"] is None


def test_json_empty_report() -> None:
    assert json.loads(rp.render_json(Report([]))) == {"summary": {"files": 0, "errors": 0, "warnings": 0}, "findings": []}


def test_github_escaping(sample: Report) -> None:
    lines = rp.render_github(sample).splitlines()
    assert lines[0] == "::error file=l10n/a.xlf,line=14,title=QA101::placeholder {{user.firstName}} missing in target [step-1.title]"
    assert lines[1] == "::warning file=l10n/a.xlf,line=20,col=3,title=QA301::100%25 sure,%0D%0Areally: yes"
    assert lines[2].startswith("::error file=l10n/b%2Cc%3Ad.xlf,line=2,col=5,title=XLF001::")
    assert rp.render_github(Report([])) == ""


def test_junit_parses_and_counts(sample: Report) -> None:
    root = etree.fromstring(rp.render_junit(sample).encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    assert suite.get("tests") == "3" and suite.get("failures") == "2"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"l10n/a.xlf", "l10n/b,c:d.xlf", "l10n/clean.xlf"}
    assert [f.get("type") for f in cases["l10n/a.xlf"].findall("failure")] == ["QA101"]
    assert "QA301" in cases["l10n/a.xlf"].findtext("system-out")
    assert cases["l10n/clean.xlf"].find("failure") is None
    assert "\ufffd" in cases["l10n/b,c:d.xlf"].find("failure").text  # control characters made XML-safe


def test_paths_outside_cwd_stay_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    outside = str(tmp_path / "there.xlf")
    assert rp.display_path(outside) == outside


def test_explain_and_list_rules() -> None:
    text = rp.explain(QA101)
    assert text.startswith("QA101: Placeholder missing in target\nDefault severity: error\n")
    assert "XLF001" in rp.explain(XLF001)
    listed = json.loads(rp.list_rules("json"))
    assert [r["code"] for r in listed] == sorted(r["code"] for r in listed)
    assert any(line.startswith("QA402    warning") for line in rp.list_rules().splitlines())


def test_every_format_renders(sample: Report) -> None:
    for fmt in rp.FORMATS:
        assert rp.render(sample, fmt)
