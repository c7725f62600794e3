"""GitHub Actions plumbing: step outputs, the job summary and annotations, when present.

Writes only when ``GITHUB_OUTPUT`` / ``GITHUB_STEP_SUMMARY`` are set (annotations
only when ``GITHUB_ACTIONS=true``), so the same command behaves identically on a
laptop. Values are written with the heredoc delimiter form so multi-line values
cannot inject other outputs, and every annotation is escaped as the runner
expects, so no unit id, file name or PX message can end one workflow command and
start another.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pxl10n.secrets import redact


def on_actions() -> bool:
    """True inside a GitHub Actions job (the runner sets ``GITHUB_ACTIONS=true``)."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def write_outputs(values: Mapping[str, object]) -> bool:
    """Append ``name=value`` pairs to ``$GITHUB_OUTPUT``; False when not on Actions."""
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        return False
    with open(target, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            text = redact(str(value).lower() if isinstance(value, bool) else str(value))
            delimiter = f"pxl10n_{uuid.uuid4().hex}"
            handle.write(f"{name}<<{delimiter}\n{text}\n{delimiter}\n")
    return True


def write_summary(markdown: str) -> bool:
    """Append Markdown to ``$GITHUB_STEP_SUMMARY``; False when not on Actions."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(redact(markdown).rstrip("\n") + "\n\n")
    return True


# --------------------------------------------------------------------------- annotations


def escape_data(value: str) -> str:
    """The message part of a workflow command: ``%``, CR and LF percent-encoded, as the runner decodes them."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A property value (``file=``, ``title=``): also ``:`` and ``,``, which would end it."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True)
class Annotation:
    """One ``::error``/``::warning`` line: what failed (title), where (file) and why."""

    level: str
    message: str
    title: str = ""
    file: str = ""
    line: int | None = None

    def render(self) -> str:
        props = []
        if self.file:
            props.append(f"file={escape_property(self.file)}")
        if self.line is not None:
            props.append(f"line={self.line}")
        if self.title:
            props.append(f"title={escape_property(self.title)}")
        head = f"::{self.level} {','.join(props)}" if props else f"::{self.level}"
        return f"{head}::{escape_data(redact(self.message))}"


def emit(annotations: Iterable[Annotation], stream: TextIO | None = None) -> int:
    """Print annotations (to stderr: stdout may hold JSON) when on Actions; how many were printed."""
    if not on_actions():
        return 0
    out = stream or sys.stderr
    count = 0
    for annotation in annotations:
        out.write(annotation.render() + "\n")
        count += 1
    out.flush()
    return count


def relative_path(path: str | os.PathLike[str], base: Path | None = None) -> str:
    """``path`` relative to ``base`` (default: the current directory) when below it, else as given; a link is
    named as itself, not as its target."""
    root = (base or Path.cwd()).resolve()
    absolute = Path(os.path.abspath(path))
    for spelled in (absolute, absolute.parent.resolve() / absolute.name):
        if spelled.is_relative_to(root):
            return spelled.relative_to(root).as_posix()
    return os.fspath(path)


def annotation_path(path: str | os.PathLike[str]) -> str:
    """A file as an annotation names it: relative to the repository's root on the runner (``$GITHUB_WORKSPACE``),
    which GitHub reads it against, whatever directory pxl10n runs in (a project in a subfolder); else to the
    current directory."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    return relative_path(path, Path(workspace) if workspace else None)


def pull_annotations(summary: Mapping[str, Any]) -> list[Annotation]:
    """An ``::error`` per item x locale a pull could not export (and per item-level failure)."""
    found = []
    for failure in summary.get("failures", []):
        if failure.get("path"):
            title = f"pxl10n pull: {failure.get('kind')} {failure.get('id')} [{failure.get('locale')}]"
            found.append(Annotation("error", failure.get("message", "failed"), title, annotation_path(Path(summary.get("directory", "")) / failure["path"])))
        else:
            found.append(Annotation("error", failure.get("message", "failed"), "pxl10n pull"))
    return found


def push_annotations(summary: Mapping[str, Any], failing: Iterable[str]) -> list[Annotation]:
    """An ``::error`` per file a push did not land (blocked, refused, failed...), and one if it stopped."""
    failing = set(failing)
    found = [
        Annotation("error", f"{f.get('result')}: {f.get('reason', '')}", f"pxl10n push: {f.get('kind')} {f.get('id')} [{f.get('locale')}]",
                   annotation_path(Path(summary.get("directory", "")) / f["path"]))
        for f in summary.get("files", [])
        if f.get("result") in failing and f.get("path")
    ]
    if summary.get("stopped"):
        found.append(Annotation("error", summary["stopped"], "pxl10n push"))
    return found


# --------------------------------------------------------------------------- job summaries


#: Backslash escapes (CommonMark: any ASCII punctuation may be escaped) for what Markdown or HTML would read in a cell.
_LITERAL = str.maketrans({c: "\\" + c for c in "\\`*_[]()!#~|<>&"})


def _cell(value: object) -> str:
    """A Markdown table cell: one line, read as the text it is. Reasons quote texts a pull request wrote (a target)
    or PX sent (a source with HTML): an ``<h2>``, a link or an image there would render in the job summary."""
    return " ".join(str(value).split()).translate(_LITERAL)


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def throttle_note(stats: Mapping[str, float]) -> str:
    """How much PX held us back, in one sentence ('' when it never did)."""
    throttled = int(stats.get("throttled", 0))
    if not throttled:
        return ""
    return f"PX answered 429 (slow down) {throttled} time(s); requests were held back {stats.get('held_seconds', 0.0):.1f} s in total."


def pull_markdown(summary: Mapping[str, Any], throttling: str = "") -> str:
    """The job summary of a pull: counts, the commit, every failure by item."""
    files = summary.get("files", {})
    title = "### pxl10n pull" + (" (dry run)" if summary.get("dry_run") else "")
    parts = [title, "", _table(["items", "files", "new", "updated", "unchanged", "kept (local edits)", "removed", "failed"],
                               [[summary.get("items", 0), files.get("total", 0), files.get("new", 0), files.get("updated", 0),
                                 files.get("unchanged", 0), files.get("kept_local", 0), files.get("removed", 0),
                                 files.get("failed", 0) + sum(1 for f in summary.get("failures", []) if not f.get("path"))]])]
    if summary.get("commit"):
        parts.append(f"Committed `{summary['commit'][:12]}`.\n")
    failures = summary.get("failures", [])
    if failures:
        parts += ["#### Not pulled", "", _table(["item", "locale", "file", "why"],
                                                 [[f"{f.get('kind', '')} {f.get('id', '')}".strip(), f.get("locale", ""), f.get("path", ""), f.get("message", "")] for f in failures])]
    if throttling:
        parts.append(throttling + "\n")
    return "\n".join(parts)


def push_markdown(summary: Mapping[str, Any], failing: Iterable[str], throttling: str = "") -> str:
    """The job summary of a push: counts per result, the commit, every file not landed and why."""
    failing = set(failing)
    counts = {k: v for k, v in summary.get("summary", {}).items() if v}
    title = "### pxl10n push" + (" (dry run)" if summary.get("dry_run") else "")
    parts = [title, "", _table(list(counts) or ["selected"], [list(counts.values()) or [0]])]
    if summary.get("stopped"):
        parts.append(f"**Stopped:** {_cell(summary['stopped'])}\n")
    if summary.get("commit"):
        parts.append(f"Committed `{summary['commit'][:12]}`.\n")
    bad = [f for f in summary.get("files", []) if f.get("result") in failing]
    if bad:
        parts += ["#### Not pushed", "", _table(["file", "result", "why"], [[f.get("path", ""), f.get("result", ""), f.get("reason", "")] for f in bad])]
    if throttling:
        parts.append(throttling + "\n")
    return "\n".join(parts)
