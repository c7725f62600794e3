"""What the hostile-PX tests share: a snapshot of everything a run may write, and checks on it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import git

from pxl10n.secrets import spellings


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (outside .git) by relative path -> sha256, plus git HEAD."""
    files = {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }
    files["<HEAD>"] = git.Repo(root).head.commit.hexsha
    return files


def written_text(root: Path, *extra: str) -> str:
    """Everything a run left behind as one text: files under ``root`` (with .git), git log -p, and ``extra``."""
    parts = list(extra)
    for path in root.rglob("*"):
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    repo = git.Repo(root)
    parts.append(repo.git.log("-p", "--all", "--format=%H %s%n%b"))
    return "\n".join(parts)


def leaks(text: str, key: str) -> list[str]:
    """The spellings of ``key`` found in ``text`` (empty: no leak)."""
    return sorted(form for form in spellings(key) if form in text)


def one_line_errors(stderr: str) -> bool:
    """No traceback, and every error is a single line."""
    return "Traceback" not in stderr and all(line.startswith(("error: ", "warning: ")) or not line.startswith(" ") for line in stderr.splitlines())
