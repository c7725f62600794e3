"""Git through GitPython: find the work tree, switch branches, commit our paths only.

Only the paths a run names are staged and committed (``git commit --only``), so
whatever else a user changed, staged or not, stays exactly as it was. Commits
work on a CI runner with no git identity configured (pxl10n signs as itself then).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

# A missing git is reported where it is needed (status and validate never need it), not at import.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
import git  # noqa: E402

from pxl10n.errors import GitError, GitMissingError, GitNotReadyError
from pxl10n.secrets import holders

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


@contextmanager
def work_tree(path: Path) -> Iterator[git.Repo | None]:
    """:func:`find_repo`, closed on leaving: the git processes GitPython keeps for reading objects (``cat-file
    --batch``) end with the command that started them, not whenever the garbage collector comes by."""
    repo = find_repo(path)
    try:
        yield repo
    finally:
        if repo is not None:
            repo.close()


def require_git(repo: git.Repo | None, why: str = "pull and push commit with it") -> git.Repo | None:
    """Pull and push commit with the git command: say so in one line (and ``why`` it is needed) when a work tree
    has no git to run."""
    if repo is not None and shutil.which(git.Git.GIT_PYTHON_GIT_EXECUTABLE or "git") is None:
        raise GitMissingError(f"{repo.working_tree_dir} is a git work tree, but the `git` command is not on the PATH; install git ({why})")
    return repo


#: What git leaves in its directory while an operation waits for the user: the operation, how to finish it (after
#: resolving), how to abort it.
_UNFINISHED = (
    ("rebase-merge", "a rebase", "git rebase --continue", "git rebase --abort"),
    ("rebase-apply", "a rebase or git am", "git rebase --continue, or git am --continue", "git rebase --abort, or git am --abort"),
    ("MERGE_HEAD", "a merge", "git commit", "git merge --abort"),
    ("CHERRY_PICK_HEAD", "a cherry-pick", "git cherry-pick --continue", "git cherry-pick --abort"),
    ("REVERT_HEAD", "a revert", "git revert --continue", "git revert --abort"),
    ("BISECT_LOG", "a bisect", None, "git bisect reset"),
)


def check_committable(repo: git.Repo, paths: Sequence[Path], command: str) -> None:
    """Before ``command`` writes anything it will commit: git must not be mid-operation, nor ignore ``paths``."""
    problem = unfinished(repo, command) or ignored(repo, paths, command)
    if problem:
        raise GitNotReadyError(f"{problem}; nothing was done")


def unfinished(repo: git.Repo, command: str) -> str | None:
    """Why ``command`` must wait when git waits for the user (its commit would land inside the operation), and the fix.

    A merge or cherry-pick refuses our partial commit only after the files are written (and staged into the
    merge); a rebase or bisect accepts it, on a detached HEAD the operation then leaves behind. Unmerged
    paths alone (a ``git stash pop`` that conflicted) make any commit fail. Nothing is guessed: the sentence
    says what git is doing and how to finish or abort it."""
    git_dir = Path(repo.git_dir)
    locked = _index_lock(git_dir)
    if locked is not None:
        return (f"{repo.working_tree_dir}: git's index is locked ({locked} exists): another git command is running, "
                f"or one was killed before it ended (a killed pxl10n run's, say); once none runs, remove it "
                f"(`rm {locked}`), then run {command} again")
    unmerged = sorted({line.split("\t", 1)[-1] for line in repo.git.ls_files("--unmerged").splitlines() if line})
    files = f" ({_count(unmerged)}, e.g. {unmerged[0]})" if unmerged else ""
    again = f"then run {command} again"
    for name, operation, finish, abort in _UNFINISHED:
        if (git_dir / name).exists():
            how = f"finish it (resolve and git add the files, then {finish}) or abort it ({abort})" if finish else f"end it ({abort})"
            return f"{repo.working_tree_dir}: git is in the middle of {operation}{files}; {how}, {again}"
    if unmerged:
        return (f"{repo.working_tree_dir}: git holds {_count(unmerged)}, e.g. {unmerged[0]}; resolve them (edit, then "
                f"git add), or take one side (git checkout --ours or --theirs PATH, then git add), {again}")
    return None


#: How long a lock on the index may take to go away before it is called in the way: an editor's or a prompt's
#: ``git status`` holds it for a moment.
INDEX_LOCK_WAIT = 2.0


def _index_lock(git_dir: Path) -> Path | None:
    """``index.lock`` when it stays: every commit would fail on it, after PX was sent what it records."""
    lock = git_dir / "index.lock"
    deadline = time.monotonic() + INDEX_LOCK_WAIT
    while lock.exists():
        if time.monotonic() >= deadline:
            return lock
        time.sleep(0.05)
    return None


def ignored(repo: git.Repo, paths: Sequence[Path], command: str) -> str | None:
    """Why ``command`` cannot commit when git ignores any of ``paths`` (what it will commit, existing or not; a
    tracked file is never ignored), and the fix: they would be written and silently left out of every commit,
    out of teammates' reach."""
    rels = [relative(repo, path) for path in paths]
    out = ""
    for start in range(0, len(rels), 500):
        status, out, _ = repo.git.check_ignore("-v", "--", *rels[start : start + 500],
                                               with_extended_output=True, with_exceptions=False)
        if status == 0 and out.strip():
            break
    else:
        return None
    rule, _, path = out.splitlines()[0].partition("\t")
    source, line, pattern = rule.rsplit(":", 2) if rule.count(":") >= 2 else (rule, "", "")
    what = f"the files {command} writes under {path.rsplit('/', 1)[0]}/" if path.endswith(".xlf") else path
    return (f"{repo.working_tree_dir}: git ignores {what} ({source} line {line}: {pattern}), so {command} could not "
            f"commit them; remove or narrow that rule, or run with --no-commit to keep the files out of git")


def _count(unmerged: Sequence[str]) -> str:
    return f"{len(unmerged)} unmerged file{'s' if len(unmerged) != 1 else ''}"


def _without_secrets() -> dict[str, str]:
    """Empty values for the variables holding the API key: git and its hooks (the repository's code) never see it."""
    return {name: "" for name in holders()}


def _identity_env(repo: git.Repo) -> dict[str, str]:
    """The environment a commit runs in: without the key, and with pxl10n's own name and e-mail where git has none."""
    env = _without_secrets()
    if not (os.environ.get("GIT_AUTHOR_NAME") or configured(repo, "user.name")):
        env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = FALLBACK_NAME
    if not (os.environ.get("GIT_AUTHOR_EMAIL") or configured(repo, "user.email")):
        env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = FALLBACK_EMAIL
    return env


def configured(repo: git.Repo, name: str) -> bool:
    """Whether git itself finds ``name`` set: asked of git, which reads the files it reads (GitPython's reader finds
    ``~/.gitconfig`` through the password database when HOME is unset, where git reads no global file)."""
    try:
        return bool(repo.git.config("--get", name).strip())
    except git.CommandError:  # not set (exit 1), or no git command at all
        return False


def relative(repo: git.Repo, path: Path) -> str:
    """``path`` as git names it: relative to the work tree's root, with forward slashes."""
    return Path(os.path.relpath(path, repo.working_tree_dir)).as_posix()


def changed_paths(repo: git.Repo, directory: Path) -> list[Path]:
    """Paths under ``directory`` that differ from HEAD: modified, deleted, untracked (not ignored)."""
    out = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", relative(repo, directory))
    root = Path(repo.working_tree_dir or ".")
    return [root / item[3:] for item in out.split("\0") if len(item) > 3]


def uncommitted_under(directory: Path, why: str) -> list[Path]:
    """:func:`changed_paths` of the work tree holding ``directory``: the files there whose edits no commit holds
    (none outside git; GitMissingError, saying ``why`` git is asked, in a work tree without a git command)."""
    with work_tree(directory) as found:
        repo = require_git(found, why)
        return changed_paths(repo, directory) if repo is not None else []


def commit_paths(repo: git.Repo, paths: Iterable[Path], message: str) -> str | None:
    """Stage and commit exactly ``paths`` (written or deleted); the new sha, or None when none changed."""
    rels = sorted({relative(repo, path) for path in paths})
    if not rels:
        return None
    try:
        dirty: set[str] = set()
        for start in range(0, len(rels), 500):
            chunk = rels[start : start + 500]
            out = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", *chunk)
            dirty.update(item[3:] for item in out.split("\0") if len(item) > 3)
        rels = [rel for rel in rels if rel in dirty]
        if not rels:
            return None
        staged: set[str] = set()
        for start in range(0, len(rels), 500):
            chunk = rels[start : start + 500]
            repo.git.add("-A", "--", *chunk)
            staged.update(_staged_changes(repo, chunk))
        rels = [rel for rel in rels if rel in staged]
        if not rels:
            return None
        with tempfile.TemporaryDirectory(prefix="pxl10n-") as tmp:
            pathspec = Path(tmp) / "paths"
            pathspec.write_text("".join(f"{rel}\0" for rel in rels), encoding="utf-8")
            with repo.git.custom_environment(**_identity_env(repo)):
                repo.git.commit("-q", "--only", "-m", message, f"--pathspec-from-file={pathspec}", "--pathspec-file-nul")
        return repo.head.commit.hexsha
    except git.GitCommandError as exc:
        hooks = commit_hooks(repo)
        by = f" (the repository's {' and '.join(hooks)} hook ran)" if hooks else ""
        raise GitError(f"git refused the commit of {len(rels)} path(s){by}: {_said(exc)}") from None


def commit_contents(repo: git.Repo, steps: Sequence[tuple[str, dict[str, bytes]]]) -> tuple[str, dict[str, str]]:
    """Commits on top of HEAD, one per step (its message, and the bytes of each path it changes), made of git
    objects alone: the work tree, the index and HEAD are untouched, so nothing shows until :func:`move_head`.
    The last commit's sha, and the blob each path ends as (for :func:`stage_blobs`)."""
    parent = repo.head.commit.hexsha
    blobs: dict[str, str] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="pxl10n-") as tmp:
            env = {**_identity_env(repo), "GIT_INDEX_FILE": str(Path(tmp) / "index")}
            content = Path(tmp) / "content"
            with repo.git.custom_environment(**env):
                repo.git.read_tree(parent)
                for message, files in steps:
                    for rel, data in files.items():
                        content.write_bytes(data)
                        blobs[rel] = repo.git.hash_object("-w", f"--path={rel}", str(content)).strip()
                        repo.git.update_index("--add", "--cacheinfo", f"{_mode(repo, parent, rel)},{blobs[rel]},{rel}")
                    tree = repo.git.write_tree().strip()
                    parent = repo.git.commit_tree(tree, "-p", parent, *_signing(repo), "-m", message).strip()
    except git.GitCommandError as exc:
        raise GitError(f"git could not make the commit: {_said(exc)}") from None
    return parent, blobs


def _signing(repo: git.Repo) -> list[str]:
    """``-S`` where ``commit.gpgSign`` asks for signed commits: ``git commit`` honours it, ``commit-tree`` does not, so
    a repository that requires signed commits would get unsigned ones from rebase alone."""
    try:
        wanted = repo.git.config("--type=bool", "--get", "commit.gpgSign").strip() == "true"
    except git.CommandError:  # not set
        return []
    return ["-S"] if wanted else []


def _mode(repo: git.Repo, commit: str, rel: str) -> str:
    """The file mode ``commit`` gives ``rel`` (an executable bit kept), else a plain file's."""
    listed = repo.git.ls_tree(commit, "--", rel).split()
    return listed[0] if listed else "100644"


def stage_blobs(repo: git.Repo, blobs: dict[str, str]) -> None:
    """Put ``blobs`` (path -> blob) in the index as they are: staged, whatever else the index holds."""
    head = repo.head.commit.hexsha
    try:
        for rel, blob in blobs.items():
            repo.git.update_index("--add", "--cacheinfo", f"{_mode(repo, head, rel)},{blob},{rel}")
    except git.GitCommandError as exc:
        raise GitError(f"git could not stage {', '.join(blobs)}: {_said(exc)}") from None


def move_head(repo: git.Repo, sha: str, expected: str, reason: str) -> None:
    """Move HEAD (its branch, or HEAD itself when detached) to ``sha``, only if it is still at ``expected``."""
    try:
        repo.git.update_ref("-m", reason, "HEAD", sha, expected)
    except git.GitCommandError as exc:
        raise GitError(f"git did not move HEAD to the new commit (did another commit land meanwhile?): {_said(exc)}") from None


def _said(exc: git.GitCommandError) -> str:
    """What git (or a hook) wrote on stderr, on one line and short; GitPython's wrapping taken off."""
    said = str(exc.stderr or "").strip()
    if said.startswith("stderr: '") and said.endswith("'"):
        said = said[len("stderr: '") : -1]
    said = " / ".join(line.strip() for line in said.splitlines() if line.strip())
    return (said[:297] + "...") if len(said) > 300 else (said or f"exit status {exc.status}")


#: The hooks that run before a commit is made and can refuse it (post-commit runs after it is made).
_COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg")


def commit_hooks(repo: git.Repo) -> list[str]:
    """The names of the hooks that may refuse a commit here (``core.hooksPath`` honoured), for a refused commit's message."""
    root = Path(repo.working_tree_dir or repo.git_dir)
    found = []
    for name in _COMMIT_HOOKS:
        try:
            path = root / repo.git.rev_parse("--git-path", f"hooks/{name}")
        except git.GitCommandError:
            continue
        if path.is_file() and os.access(path, os.X_OK):
            found.append(name)
    return found


def _staged_changes(repo: git.Repo, rels: Sequence[str]) -> list[str]:
    """Which of ``rels`` the index now holds differently from HEAD, by content.

    ``git status`` can call a file modified that ``git add`` then stages exactly as HEAD
    has it: with ``core.autocrlf`` and stale stat information, an LF rewrite of a CRLF
    checkout is such a file. Committing it alone would fail with "nothing to commit".
    """
    if not repo.head.is_valid():
        return list(rels)
    out = repo.git.diff("--cached", "--name-only", "-z", "--no-renames", "HEAD", "--", *rels)
    return [rel for rel in out.split("\0") if rel]


def leftover_lines(directory: Path, paths: Iterable[Path]) -> list[str]:
    """Commit-message lines for files below ``directory`` that an earlier run wrote and could not commit
    (killed, or a refused commit), by their path in the directory."""
    return [f"- {_below(directory, path)}: written by an earlier run that could not commit it" for path in sorted(paths)]


def _below(directory: Path, path: Path) -> str:
    for spelled in (path, path.resolve()):
        if spelled.is_relative_to(directory):
            return spelled.relative_to(directory).as_posix()
    return str(path)


def commit_message(head: str, lines: Sequence[str], limit: int = 200) -> str:
    """A stable commit message: the head line (counts first), then one line per file, at most ``limit``."""
    shown = [*lines[:limit], *([f"- ... and {len(lines) - limit} more"] if len(lines) > limit else [])]
    return head + ("\n\n" + "\n".join(shown) if shown else "") + "\n"


def detached_note(repo: git.Repo, sha: str | None) -> str:
    """What to add to "committed <sha>" when HEAD is detached (a checked-out tag or commit): the commit is on no
    branch, and the next checkout leaves it behind; '' on a branch or without a commit."""
    if not sha or not repo.head.is_detached:
        return ""
    return f" on no branch (HEAD is detached): `git branch <name> {sha[:10]}` keeps it"


def is_shallow(repo: git.Repo) -> bool:
    """Whether the clone holds only part of the history (``git clone --depth``, actions/checkout's default)."""
    return (Path(repo.common_dir) / "shallow").is_file()


def at_head(repo: git.Repo, path: Path) -> bytes | None:
    """The bytes HEAD holds for ``path``; None when it holds none, there is no commit yet, or no git to read it."""
    return version_at(repo, "HEAD", relative(repo, path))


def last_change(repo: git.Repo, path: Path) -> str | None:
    """The commit that last changed ``path`` in HEAD's history as ``git log`` follows it by default: a merge that
    took one side's copy whole reads as the commit on that side that made it. None when none did (or no git)."""
    try:
        found = repo.git.log("-n1", "--format=%H", "--", relative(repo, path)).strip()
    except git.CommandError:  # GitCommandError, or no git command at all
        return None
    return found or None


def committed_versions(repo: git.Repo, path: Path, limit: int = 50) -> Iterator[bytes]:
    """The committed contents of ``path``, newest first (HEAD included), at most ``limit``, from every side of
    each merge."""
    return (data for _, data in committed_versions_at(repo, path, limit))


def committed_versions_at(repo: git.Repo, path: Path, limit: int = 50) -> Iterator[tuple[str, bytes]]:
    """:func:`committed_versions`, each with the commit that holds it."""
    rel = relative(repo, path)
    try:  # --full-history: a merge that took one side's copy whole must not hide the other side's
        shas = repo.git.log(f"-n{limit}", "--full-history", "--format=%H", "--", rel).split()
    except git.CommandError:  # GitCommandError, or no git command at all
        return
    for sha in shas:
        data = version_at(repo, sha, rel)
        if data is not None:
            yield sha, data


@dataclass(frozen=True)
class Blamed:
    """Who last wrote one line of a file, as ``git blame`` says; an immutable record."""

    #: the commit, None for a line not committed yet
    commit: str | None
    #: the file's path in that commit (blame follows renames)
    path: str


_UNCOMMITTED = "0" * 40


def blame(repo: git.Repo, path: Path) -> list[Blamed] | None:
    """Per line of the work tree's ``path`` (index 0 is line 1), who last wrote it; None when git cannot say
    (the path was never committed, or git fails)."""
    try:
        out = repo.git.blame("--line-porcelain", "--", relative(repo, path), stdout_as_string=False)
    except git.CommandError:  # GitCommandError, or no git command at all
        return None
    lines: list[Blamed] = []
    sha, name = "", ""
    for line in bytes(out).split(b"\n"):
        if line.startswith(b"\t"):
            lines.append(Blamed(None if sha == _UNCOMMITTED else sha, name))
            sha = ""
        elif not sha:
            sha = line.split(b" ", 1)[0].decode("ascii", "replace")
        elif line.startswith(b"filename "):
            name = line[9:].decode("utf-8", "surrogateescape")
    return lines


def recency(repo: git.Repo, path: Path) -> dict[str, int]:
    """The commits that changed ``path``, from every side of each merge, by how recent they are in HEAD's history:
    0 for the newest, a commit always below its parents (topological order, not clock time, which two commits of
    the same second share)."""
    try:
        shas = repo.git.rev_list("--topo-order", "--full-history", "HEAD", "--", relative(repo, path)).split()
    except git.CommandError:  # GitCommandError, or no git command at all
        return {}
    return {sha: rank for rank, sha in enumerate(shas)}


def version_at(repo: git.Repo, commit: str, rel: str) -> bytes | None:
    """The bytes commit ``commit`` holds at ``rel`` (a path from the work tree's root); None when it holds none
    (or no commit is there, or no git to read it). Read through git's persistent ``cat-file --batch``."""
    try:
        _, kind, _, data = repo.git.get_object_data(f"{commit}:{rel}")
    except (ValueError, git.CommandError):  # CommandError: GitCommandError, or no git command at all
        return None
    return bytes(data) if cast(bytes, kind) == b"blob" else None  # GitPython's stubs say str; it is bytes


def commit_exists(repo: git.Repo, sha: str) -> bool:
    """Whether ``sha`` names a commit this repository holds (reachable or not)."""
    status, _, _ = repo.git.cat_file("-e", f"{sha}^{{commit}}", with_extended_output=True, with_exceptions=False)
    return bool(status == 0)


def paths_changed(repo: git.Repo, old: str, new: str) -> list[str]:
    """The paths commit ``new`` changes from commit ``old``, from the work tree's root."""
    return [rel for rel in _plumbing(repo, "diff", "--name-only", "-z", "--no-renames", old, new).split("\0") if rel]


def blobs_at(repo: git.Repo, commit: str, rels: Sequence[str]) -> dict[str, str]:
    """Path -> the blob ``commit`` holds there (a path it lacks is absent)."""
    listed = _plumbing(repo, "ls_tree", "-z", commit, "--", *rels).split("\0") if rels else []
    return {line.split("\t", 1)[1]: line.split()[2] for line in listed if line}


def staged_blobs(repo: git.Repo, rels: Sequence[str]) -> dict[str, str]:
    """Path -> the blob the index holds there (a path it lacks is absent)."""
    listed = _plumbing(repo, "ls_files", "-s", "-z", "--", *rels).split("\0") if rels else []
    return {line.split("\t", 1)[1]: line.split()[1] for line in listed if line}


def work_tree_blobs(repo: git.Repo, rels: Sequence[str]) -> dict[str, str]:
    """Path -> the blob each file of the work tree would be (git's clean filters applied, as ``git add`` would)."""
    root = Path(repo.working_tree_dir or ".")
    present = [rel for rel in rels if (root / rel).is_file()]
    hashed = _plumbing(repo, "hash_object", "--", *present).split() if present else []
    return dict(zip(present, hashed, strict=True))


def _plumbing(repo: git.Repo, command: str, *args: str) -> str:
    """What a git plumbing command prints; GitError (git's words) when it fails."""
    try:
        return str(getattr(repo.git, command)(*args))
    except git.GitCommandError as exc:
        raise GitError(f"git {command.replace('_', '-')} failed: {_said(exc)}") from None


def switch_branch(repo: git.Repo, branch: str) -> bool:
    """Check out ``branch``, creating it from HEAD when new; True when it was created."""
    try:
        if repo.is_dirty(untracked_files=False):
            raise GitError(f"cannot switch to branch {branch}: the work tree has uncommitted changes; commit or stash them first")
        with repo.git.custom_environment(**_without_secrets()):  # a post-checkout hook runs here
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
        raise GitError(f"cannot switch to branch {branch}: {_said(exc)}") from None
