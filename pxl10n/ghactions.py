"""GitHub Actions plumbing: step outputs and the job summary, when present.

Writes only when ``GITHUB_OUTPUT`` / ``GITHUB_STEP_SUMMARY`` are set, so the same
command behaves identically on a laptop. Values are written with the heredoc
delimiter form so multi-line values cannot inject other outputs.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping

from pxl10n.secrets import redact


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
