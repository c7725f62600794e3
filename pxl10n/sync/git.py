"""Git through GitPython: find the work tree, switch branches, commit our paths only.

Only the l10n directory is ever staged and committed, with ``git commit -- paths``
semantics, so whatever else a user has staged stays as it was. Commits work on a
CI runner with no git identity configured (pxl10n signs as itself then).
"""

from __future__ import annotations

import os
from pathlib import Path

import git

from pxl10n.errors import GitError

FALLBACK_NAME = "pxl10n"
FALLBACK_EMAIL = "pxl10n@users.noreply.local"


def find_repo(path: Path) -> git.Repo | None:
    """The git work tree containing ``path``, or None when there is none."""
    probe = path if path.exists() else path.parent
    while not probe.exists():
        probe = probe.parent
    try:
        repo = git.Repo(probe, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.bare:
        return None
    return repo


def _identity_env(repo: git.Repo) -> dict[str, str]:
    env = {}
    reader = repo.config_reader()
    if not (os.environ.get("GIT_AUTHOR_NAME") or reader.has_option("user", "name")):
        env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = FALLBACK_NAME
    if not (os.environ.get("GIT_AUTHOR_EMAIL") or reader.has_option("user", "email")):
        env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = FALLBACK_EMAIL
    return env


def has_changes(repo: git.Repo, path: Path) -> bool:
    """True when ``path`` has untracked, modified or staged changes."""
    rel = os.path.relpath(path, repo.working_tree_dir)
    return bool(repo.git.status("--porcelain", "--untracked-files=all", "--", rel).strip())


def commit_paths(repo: git.Repo, path: Path, message: str) -> str | None:
    """Stage and commit everything under ``path`` alone; the new sha, or None when nothing changed."""
    rel = os.path.relpath(path, repo.working_tree_dir)
    try:
        if not has_changes(repo, path):
            return None
        repo.git.add("-A", "--", rel)
        if not repo.git.diff("--cached", "--name-only", "--", rel).strip():
            return None
        with repo.git.custom_environment(**_identity_env(repo)):
            repo.git.commit("-q", "-m", message, "--", rel)
        return repo.head.commit.hexsha
    except git.GitCommandError as exc:
        raise GitError(f"git commit of {rel} failed: {exc.stderr.strip() or exc}") from None


def switch_branch(repo: git.Repo, branch: str) -> bool:
    """Check out ``branch``, creating it from HEAD when new; True when it was created."""
    try:
        if repo.is_dirty(untracked_files=False):
            raise GitError(f"cannot switch to branch {branch}: the work tree has uncommitted changes; commit or stash them first")
        if branch in repo.heads:
            repo.heads[branch].checkout()
            return False
        remote_ref = next((ref for ref in repo.refs if ref.path.endswith(f"remotes/origin/{branch}")), None)
        if remote_ref is not None:
            repo.git.checkout("-q", "-b", branch, "--track", f"origin/{branch}")
        else:
            repo.git.checkout("-q", "-b", branch)
        return True
    except git.GitCommandError as exc:
        raise GitError(f"cannot switch to branch {branch}: {exc.stderr.strip() or exc}") from None
