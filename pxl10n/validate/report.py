"""Turn a :class:`~pxl10n.validate.engine.Report` into text, JSON, GitHub annotations or JUnit XML.

Renderers return strings and never print, so the CLI decides where output goes
(machine formats alone on stdout). Paths are shown relative to the current
directory when the file is below it, as editors and CI annotations expect.

JUnit: one ``<testsuite>`` (inside ``<testsuites>``), one ``<testcase>`` per file,
at most one ``<failure>`` per test case listing every error of the file; warnings do
not fail the test case and are listed in its ``<system-out>``, so CI dashboards show
them without going red. Only what the common ``junit-10.xsd`` (Jenkins) and the older
one-failure-per-case schemas allow: no ``file`` on ``<testcase>``, a ``time`` everywhere.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from pxl10n.console import printable
from pxl10n.ghactions import annotation_path, escape_data, escape_property, relative_path
from pxl10n.validate.engine import Report
from pxl10n.validate.registry import all_rules
from pxl10n.validate.rules import Finding, Rule, Severity

FORMATS = ("text", "json", "github", "junit")

_RED, _YELLOW, _BOLD, _DIM, _RESET = "\033[31m", "\033[33m", "\033[1m", "\033[2m", "\033[0m"


def display_path(path: str, cwd: Path | None = None) -> str:
    """``path`` relative to the current directory when below it, else as given."""
    return relative_path(path, cwd)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(report: Report) -> str:
    """``N files, E errors, W warnings``."""
    return f"{_plural(report.files, 'file')}, {_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')}"


def _location(f: Finding, path: str) -> str:
    if f.line is None:
        return f"{path}:"
    return f"{path}:{f.line}:{f.col or 1}:"


def _one_line(text: str) -> str:
    """One finding, one line: line breaks and control characters shown escaped, no workflow command."""
    return printable(text)


def render_text(report: Report, *, color: bool = False) -> str:
    """``path:line:col: CODE message [unit]`` per finding and a summary line."""
    lines = []
    for f in report.findings:
        code = f.code
        if color:
            code = f"{_RED if f.severity is Severity.ERROR else _YELLOW}{_BOLD}{code}{_RESET}"
        unit = f" [{_one_line(f.unit)}]" if f.unit else ""
        if color and unit:
            unit = f"{_DIM}{unit}{_RESET}"
        lines.append(f"{_location(f, _one_line(display_path(f.path)))} {code} {_one_line(f.message)}{unit}")
    summary = summary_line(report)
    if color:
        summary = f"{_BOLD}{_RED if report.errors else ''}{summary}{_RESET}"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    """The contract's object: ``{"summary": {files, errors, warnings}, "findings": [...]}``."""
    findings = []
    for f in report.findings:
        item = f.as_dict()
        item["path"] = display_path(f.path)
        findings.append(item)
    data = {
        "summary": {"files": report.files, "errors": report.errors, "warnings": report.warnings},
        "findings": findings,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_github(report: Report) -> str:
    """GitHub Actions workflow commands: one ``::error``/``::warning`` annotation per finding."""
    lines = []
    for f in report.findings:
        props = [f"file={escape_property(annotation_path(f.path))}"]
        if f.line is not None:
            props.append(f"line={f.line}")
            if f.col is not None:
                props.append(f"col={f.col}")
        props.append(f"title={escape_property(f.code)}")
        unit = f" [{f.unit}]" if f.unit else ""
        level = "error" if f.severity is Severity.ERROR else "warning"
        lines.append(f"::{level} {','.join(props)}::{escape_data(f.message + unit)}")
    return "\n".join(lines) + ("\n" if lines else "")


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_BAD.sub("\ufffd", text)


def _junit_line(f: Finding, shown: str) -> str:
    return _xml_safe(f"{_location(f, shown)} {f.code} {f.message}" + (f" [{f.unit}]" if f.unit else ""))


def render_junit(report: Report) -> str:
    """JUnit XML: a test case per file, one failure listing its errors, warnings in system-out."""
    by_path: dict[str, list[Finding]] = {str(p): [] for p in report.paths}
    for f in report.findings:
        by_path.setdefault(f.path, []).append(f)
    failed = sum(1 for items in by_path.values() if any(f.severity is Severity.ERROR for f in items))
    counts = {"tests": str(len(by_path)), "failures": str(failed), "errors": "0", "time": "0"}
    suites = etree.Element("testsuites", {"name": "pxl10n validate", **counts})
    suite = etree.SubElement(suites, "testsuite", {"name": "pxl10n validate", **counts, "skipped": "0"})
    for path in sorted(by_path):
        shown = display_path(path)
        case = etree.SubElement(suite, "testcase", classname="pxl10n.validate", name=_xml_safe(shown), time="0")
        errors = [f for f in by_path[path] if f.severity is Severity.ERROR]
        warnings = [f for f in by_path[path] if f.severity is not Severity.ERROR]
        if errors:
            first, more = errors[0], f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            summary = f"{_plural(len(errors), 'error')}: {first.code} {first.message}{more}"
            failure = etree.SubElement(case, "failure", type=first.code, message=_xml_safe(summary))
            failure.text = "\n".join(_junit_line(f, shown) for f in errors)
        if warnings:
            etree.SubElement(case, "system-out").text = "\n".join(f"warning: {_junit_line(f, shown)}" for f in warnings)
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "junit": render_junit,
}


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """Render in one of :data:`FORMATS`."""
    if fmt == "text":
        return render_text(report, color=color)
    return RENDERERS[fmt](report)


def explain(rule: Rule) -> str:
    """What ``--explain CODE`` prints."""
    scope = "\nRuns only with a pxl10n.toml (it needs the project configuration)." if rule.needs_config else ""
    return f"{rule.code}: {rule.title}\nDefault severity: {rule.severity.value}\n\n{rule.explanation}{scope}\n"


def list_rules(fmt: str = "text") -> str:
    """Every registered rule: code, severity and title (text table, JSON list, or the markdown reference)."""
    if fmt == "markdown":
        from pxl10n.validate.ruledoc import markdown

        return markdown()
    rules = all_rules()
    if fmt == "json":
        data = [
            {"code": r.code, "severity": r.severity.value, "title": r.title, "needs_config": r.needs_config}
            for r in rules
        ]
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return "".join(f"{r.code:<8} {r.severity.value:<8} {r.title}\n" for r in rules)


def use_color(stream: object | None = None) -> bool:
    """Colour only on a terminal (stdout by default), and never when NO_COLOR is set."""
    stream = sys.stdout if stream is None else stream
    return not os.environ.get("NO_COLOR") and bool(getattr(stream, "isatty", lambda: False)())
