"""Output on a console that cannot hold every character: a legacy code page, output piped on Windows.

A finding quotes the file's text (a placeholder ``{{user.prénom}}``, a Japanese item name). Written to a stream
whose encoding lacks the character, it used to end the command with an internal error (UnicodeEncodeError), and
the findings were lost. Text output now shows such a character escaped; machine output (JSON, JUnit XML) is UTF-8
whatever the console's encoding, so it parses and says exactly what the file says. A real child process, so the
streams are the interpreter's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from .helpers.cli import run_subprocess

FILE = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" trgLang="ja-JP">
  <file id="f1">
    <unit id="greeting">
      <segment state="translated">
        <source>Hello {{user.prénom}}</source>
        <target>こんにちは</target>
      </segment>
    </unit>
  </file>
</xliff>
"""


@pytest.fixture
def finding(tmp_path: Path) -> Path:
    path = tmp_path / "日本.xlf"
    path.write_text(FILE, encoding="utf-8")
    return path


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
def test_text_output_escapes_what_the_console_cannot_hold(finding: Path, encoding: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pxl10n", "validate", str(finding)], cwd=finding.parent,
                            env={**os.environ, "PYTHONIOENCODING": encoding}, capture_output=True, encoding=encoding,
                            timeout=120)
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert "QA101" in result.stdout and "\\u65e5\\u672c.xlf" in result.stdout  # the file's name, escaped
    assert ("{{user.pr\\xe9nom}}" if encoding == "ascii" else "{{user.prénom}}") in result.stdout


def test_json_and_junit_are_utf8_on_an_ascii_console(finding: Path) -> None:
    ascii_console = {"PYTHONIOENCODING": "ascii"}
    result = run_subprocess("validate", "--format", "json", str(finding), cwd=finding.parent, env=ascii_console)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["findings"][0]["message"] == "placeholder {{user.prénom}} missing in target"
    assert data["findings"][0]["path"].endswith("日本.xlf")
    junit = run_subprocess("validate", "--format", "junit", str(finding), cwd=finding.parent, env=ascii_console)
    root = etree.fromstring(junit.stdout.encode("utf-8"))
    assert "{{user.prénom}}" in root.find(".//failure").get("message")
    rules = run_subprocess("validate", "--list-rules", "--format", "json", cwd=finding.parent, env=ascii_console)
    assert rules.returncode == 0 and any(r["code"] == "QA101" for r in json.loads(rules.stdout))
