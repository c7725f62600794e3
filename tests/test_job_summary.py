"""What pull, push and validate write for GitHub Actions: job summaries and annotations.

Summaries: text quoted from a pull request or from PX is text.

A push's reasons quote targets (a pull request's own text, from a fork too: check-translations runs
``push --dry-run`` on it) and PX's sources (HTML); pull's quote what PX answered. In a summary's table a
quoted ``<h2>``, link or image rendered as one: a fork could put a "fixed, click here" link in the base
repository's run. Each cell now carries its text as text (CommonMark backslash escapes).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.ghactions import pull_markdown, push_markdown

from .helpers.cli import run
from .helpers.pulled import keys_of

HOSTILE = 'see [the fix](https://evil.example/) ![pixel](https://t.example/p.png) <h2>Done</h2> a|b `code` *all good*'


def _unescaped(text: str) -> list[str]:
    """Markdown or HTML syntax left live: a character of ``[]()!<>|`*`` not preceded by a backslash."""
    return re.findall(r"(?<!\\)[\[\]()!<>|`*]", text)


def test_a_push_reason_quoting_a_target_renders_as_its_text() -> None:
    summary = {"summary": {"selected": 1, "conflict": 1},
               "files": [{"path": "fr-FR/article/a_b.xlf", "result": "conflict", "reason": HOSTILE}]}
    markdown = push_markdown(summary, {"conflict"})
    row = next(line for line in markdown.splitlines() if "evil" in line)
    cells = [cell.strip() for cell in row.strip("|").split(" | ")]
    assert len(cells) == 3, row  # the reason's own | broke no column
    assert _unescaped(cells[2]) == [] and _unescaped(cells[0]) == []
    assert cells[2].replace("\\", "") == HOSTILE


def test_a_pull_failure_quoting_px_renders_as_its_text() -> None:
    summary = {"files": {"failed": 1}, "failures": [{"kind": "article", "id": "a1", "locale": "fr-FR", "path": "", "message": HOSTILE}]}
    row = next(line for line in pull_markdown(summary).splitlines() if "evil" in line)
    assert _unescaped(row.strip("|").split(" | ")[-1]) == []


def test_annotations_name_files_from_the_repository_root_whatever_directory_pxl10n_runs_in(
        pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """GitHub reads an annotation's file against the repository's root ($GITHUB_WORKSPACE). A project in a subfolder,
    run from there (``working-directory: apps/web``), named its files from the subfolder: the annotations of a
    pull request then pointed at files that do not exist and never showed on its diff."""
    key = keys_of(emulator, "article")[0]
    path = key.path(pulled / "l10n")
    path.write_bytes(path.read_bytes().replace(b"</source>", b"</source><target></target>", 1))  # QA401
    monkeypatch.setenv("GITHUB_WORKSPACE", str(pulled.parent))
    result = run("validate", "--format", "github")
    assert result.exit_code == 1
    files = {re.search(r"file=([^,]+)", line).group(1) for line in result.stdout.splitlines() if line.startswith("::error")}
    assert files == {f"{pulled.name}/l10n/{key.relpath()}"}
