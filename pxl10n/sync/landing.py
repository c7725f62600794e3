"""A rebase's commit that a killed run left unlanded is landed by the next run, never left for a person to untangle.

Rebase makes its two commits from git objects, writes the work tree and the
index to match, then moves HEAD (:func:`pxl10n.sync.rebase._commit`). Killed in
between, the tree holds the rebased files and the state uncommitted, and the
commit holding them is made but reachable from nothing. Committing them by hand
would leave PX's copy, the first of the two commits and the base of every later
merge of those files, out of history; and nothing tells a person which of those
changes are a rebase's and which are someone's edits.

So before it writes the tree, rebase notes in the git directory the commit it is
landing and the commit HEAD was at (:func:`begin`); once HEAD has moved, the note
goes (:func:`end`). The next pull, push or rebase holds the directory's lock, so
no live rebase is between its note and its HEAD. It reads the note before
anything else (:func:`finish`):

* HEAD is at the commit: only the note was left, and it goes;
* HEAD is neither there nor where the rebase started (someone committed, reset,
  switched branches): the note goes and the tree is left alone; what it holds
  is judged as any other change;
* HEAD is where the rebase started and no path shows anything of the commit
  (killed before it wrote, or a person put the files back): the note goes, as if
  the rebase had not run (a rebase run again does it afresh);
* HEAD is where the rebase started, and every path the commit changes holds, in
  the work tree and in the index, what it held before or what the commit holds,
  some of them the commit's (a kill can fall between two files): the rest is
  written and staged, and HEAD moves: the rebase has landed as it would have;
* otherwise (a person changed one of those files since): stop, naming the file,
  with the two ways out; nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pxl10n.console import Console
from pxl10n.errors import GitNotReadyError
from pxl10n.fsutil import PARTIAL_SUFFIX, atomic_write
from pxl10n.sync import git as gitops
from pxl10n.sync import lock

if TYPE_CHECKING:  # GitPython is imported by pxl10n.sync.git, which first quiets its check for a git command
    import git


class Landing(NamedTuple):
    """A rebase's commit on its way to HEAD: ``sha``, made on top of ``before``."""

    sha: str
    before: str


def note_path(repo: git.Repo, directory: Path) -> Path:
    """The note of ``directory``'s rebase in the git directory: one per l10n directory, as the lock is."""
    return Path(repo.git_dir) / f"pxl10n-{lock.directory_digest(directory)}.rebase"


def begin(repo: git.Repo, directory: Path, landing: Landing) -> None:
    """Note ``landing`` before the tree is written (one rename: the note is whole or absent)."""
    atomic_write(note_path(repo, directory), f"{landing.sha} {landing.before}\n".encode("ascii"))


def end(repo: git.Repo, directory: Path) -> None:
    """HEAD has moved: the note goes."""
    note_path(repo, directory).unlink(missing_ok=True)


def finish(repo: git.Repo | None, directory: Path, command: str, console: Console) -> Landing | None:
    """Land the rebase a killed run left (see the module docstring), saying so; the landing when one landed now."""
    if repo is None:
        return None
    landed = _finish(repo, directory, command)
    if landed is not None:
        console.info(f"finished the rebase a stopped run had left (its files were written, not committed): "
                     f"HEAD moved from {landed.before[:12]} to its commit {landed.sha[:12]}")
    return landed


def waiting(repo: git.Repo | None, directory: Path) -> Landing | None:
    """The landing a note names that the next run would land, or stop at (for status: read only, no lock taken,
    so a rebase running now shows as one too)."""
    if repo is None:
        return None
    noted = _noted(note_path(repo, directory))
    return noted if noted is not None and _waits(repo, noted) and _Paths.of(repo, noted).shown else None


def _noted(note: Path) -> Landing | None:
    try:
        sha, before = note.read_text(encoding="ascii").split()
    except (OSError, ValueError, UnicodeDecodeError):
        return None  # none, or not one rebase wrote whole (it writes it in one rename)
    return Landing(sha, before)


def _waits(repo: git.Repo, landing: Landing) -> bool:
    return repo.head.commit.hexsha == landing.before and gitops.commit_exists(repo, landing.sha)


class _Paths(NamedTuple):
    """What each path the landing changes holds: in its commit, before it, in the work tree and in the index."""

    rels: list[str]
    wanted: dict[str, str]
    old: dict[str, str]
    on_disk: dict[str, str]
    staged: dict[str, str]

    @classmethod
    def of(cls, repo: git.Repo, landing: Landing) -> _Paths:
        rels = gitops.paths_changed(repo, landing.before, landing.sha)
        return cls(rels, gitops.blobs_at(repo, landing.sha, rels), gitops.blobs_at(repo, landing.before, rels),
                   gitops.work_tree_blobs(repo, rels), gitops.staged_blobs(repo, rels))

    @property
    def changed_since(self) -> tuple[str, str] | None:
        """The first (path, "work tree" | "index") holding neither the old content nor the commit's."""
        for rel in self.rels:
            for where, found in (("work tree", self.on_disk), ("index", self.staged)):
                if found.get(rel) not in (self.wanted.get(rel), self.old.get(rel)):
                    return rel, where
        return None

    @property
    def shown(self) -> bool:
        """Some path holds the commit's content (where it differs from the old)."""
        return any(found.get(rel) == self.wanted.get(rel) != self.old.get(rel)
                   for rel in self.rels for found in (self.on_disk, self.staged))


def _finish(repo: git.Repo, directory: Path, command: str) -> Landing | None:
    note = note_path(repo, directory)
    for torn in note.parent.glob(f".{note.name}.*{PARTIAL_SUFFIX}"):  # a note a killed rebase was writing
        torn.unlink(missing_ok=True)
    noted = _noted(note)
    if noted is None or not _waits(repo, noted):
        note.unlink(missing_ok=True)
        return None
    sha, before = noted
    paths = _Paths.of(repo, noted)
    changed = paths.changed_since
    if changed is not None:
        raise GitNotReadyError(
            f"{changed[0]}: a pxl10n rebase that stopped before its commit left it, and it has changed since (in the "
            f"{changed[1]}); nothing was done. Commit {sha[:12]} holds what the rebase wrote: take it "
            f"(`git reset --hard {sha[:12]}`, dropping the changes made since) or drop it "
            f"(`git checkout HEAD -- {' '.join(paths.rels)}`, then `rm {note}`), then run {command} again")
    if not paths.shown:
        end(repo, directory)
        return None
    for rel, blob in paths.wanted.items():  # a rebase writes every path it changes, and removes none
        if paths.on_disk.get(rel) != blob:
            atomic_write(Path(repo.working_tree_dir or ".") / rel, gitops.version_at(repo, sha, rel) or b"")
    gitops.stage_blobs(repo, {rel: blob for rel, blob in paths.wanted.items() if paths.staged.get(rel) != blob})
    gitops.move_head(repo, sha, before, "pxl10n rebase (landed by the next run)")
    end(repo, directory)
    return noted
