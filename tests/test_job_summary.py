"""The job summaries pull and push write on GitHub Actions: text quoted from a pull request or from PX is text.

A push's reasons quote targets (a pull request's own text, from a fork too: check-translations runs
``push --dry-run`` on it) and PX's sources (HTML); pull's quote what PX answered. In a summary's table a
quoted ``<h2>``, link or image rendered as one: a fork could put a "fixed, click here" link in the base
repository's run. Each cell now carries its text as text (CommonMark backslash escapes).
"""

from __future__ import annotations

import re

from pxl10n.ghactions import pull_markdown, push_markdown

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
