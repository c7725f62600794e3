"""Which bytes are pxl10n's own: uncommitted paths a run commits, and older copies a person put back.

A killed pull or push leaves files it wrote (or removed) uncommitted; the next
run commits them along with its own, and only them: a path whose content is a
hash PX produced for its entry (pulled or pushed), or whose entry and file are
both gone. Anything else under the l10n directory is someone's work and stays
out of pxl10n's commits.

An older copy pxl10n once wrote (a hash in ``seen``) is pxl10n's to replace only
when a run died before renaming the new one in; when the committed state already
names a newer copy, a person put the old one back (``git revert``, a checkout of an
old version) and it is theirs (:func:`set_back`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pxl10n.errors import Pxl10nError
from pxl10n.fsutil import normalized, read_normalized
from pxl10n.layout import STATE_NAME, FileKey, folders, key_for, laid_out_keys
from pxl10n.px.kinds import KIND_NAMES
from pxl10n.sync import git as gitops
from pxl10n.sync.state import FileState, State, parse, unit_prints
from pxl10n.sync.unit_merge import Base
from pxl10n.xliff.io import info_or_none, sha256

if TYPE_CHECKING:
    import git  # imported through pxl10n.sync.git at run time, which quiets GitPython's check first


def own_uncommitted(repo: git.Repo, directory: Path, state: State, among: Collection[Path] | None = None) -> list[Path]:
    """Changed paths under ``directory`` (only those ``among``, when given) whose content is pxl10n's own
    (hash P or Q), or whose entry pxl10n dropped."""
    own = []
    for path in gitops.changed_paths(repo, directory):
        if among is not None and path not in among:
            continue
        key = key_for(directory, path)
        if key is None:
            continue
        entry = state.get(key)
        data = read_normalized(path)
        if (data is None and entry is None) or (data is not None and entry is not None and sha256(data) in entry.px_hashes()
                                                and not _line_ends_only(repo, path, data)):
            own.append(path)
    return own


def _line_ends_only(repo: git.Repo, path: Path, data: bytes) -> bool:
    """The file differs from HEAD's copy only in its line ends (a tool or a checkout wrote CRLF): a person's choice
    for the work tree, not a run's write left uncommitted."""
    head = gitops.at_head(repo, path)
    return head is not None and normalized(head) == data


def committed_copy(repo: git.Repo, path: Path, digest: str) -> bytes | None:
    """The committed copy of ``path`` (line ends normalized) whose hash is ``digest``, such as the copy PX last gave:
    HEAD's when it is that one (no history read), else the newest in history that is; None when none is."""
    head = gitops.at_head(repo, path)
    if head is not None and sha256(normalized(head)) == digest:
        return normalized(head)
    for data in gitops.committed_versions(repo, path):
        if sha256(normalized(data)) == digest:
            return normalized(data)
    return None


def pulled_units(repo: git.Repo | None, path: Path, entry: FileState) -> Base | None:
    """The units of the copy ``entry`` says ``path`` was pulled as, the base of a three-way merge: the entry's own
    prints, or for an entry written before they were kept (state format 3) that copy's from git history; None when
    the entry names no pulled copy, or history does not hold it (a shallow clone, a squash merge)."""
    if entry.pulled is None:
        return None
    if entry.pulled_units is not None:
        return entry.pulled_units
    if repo is None:
        return None
    info = info_or_none(committed_copy(repo, path, entry.pulled), source=str(path))
    return unit_prints(info) if info is not None else None


def committed_entries(repo: git.Repo | None, directory: Path, commit: str = "HEAD") -> dict[str, FileState]:
    """The state file's entries as ``commit`` holds them; none outside git, before the first commit, or when
    unreadable."""
    if repo is None:
        return {}
    data = gitops.version_at(repo, commit, gitops.relative(repo, directory / STATE_NAME))
    if data is None:
        return {}
    try:
        return parse(data.decode("utf-8"), directory / STATE_NAME)
    except (Pxl10nError, UnicodeDecodeError):
        return {}


@dataclass(frozen=True)
class Remembered:
    """What git remembers beyond the state file on disk, read once per run; an immutable record."""

    #: per file (relative path) without a state entry now: the hashes committed states knew (a lost state)
    learned: Mapping[str, set[str]] = field(default_factory=dict)
    #: per file: its entry as HEAD's state file holds it
    committed: Mapping[str, FileState] = field(default_factory=dict)
    #: the clone holds only the last commits, so older states could not be read
    shallow: bool = False
    #: the work tree and the l10n directory, to ask git what brought a file (none outside git)
    repo: git.Repo | None = field(default=None, compare=False, repr=False)
    directory: Path | None = None

    @property
    def looked(self) -> str:
        """How far git history was read, for a message that says a file was judged a person's work."""
        if self.shallow:
            return "git history checked only as deep as this shallow clone: `git fetch --unshallow`, then pull again, may find it"
        return "git history checked"

    def known(self, rel: str, entry: FileState | None) -> set[str]:
        """The hashes of pxl10n's copies of the file: its entry's, else what git history knew."""
        return entry.known_hashes() if entry is not None else self.learned.get(rel, set())

    def set_back(self, rel: str, digest: str, entry: FileState | None) -> bool:
        """:func:`set_back` against the file's committed entry, unless a merge brought the bytes as the copy pxl10n
        held on one side (:meth:`brought_as_current`)."""
        return set_back(digest, entry, self.committed.get(rel)) and not self.brought_as_current(rel, digest)

    def brought_as_current(self, rel: str, digest: str) -> bool:
        """Whether the commit that last changed the file made bytes of hash ``digest`` as the copy its own state
        names as pulled or pushed. So it is when a merge took one side's file whole (a conflict resolved by taking
        the other branch's copy, a sync pull request's older copy of PX's): the bytes are pxl10n's copy of that
        line of history, older than the other side's, not a copy a person put back on purpose (a revert, a
        checkout of an old version, which its own commit makes while its state names the newer copy). Sent, they
        would revert PX to them; as pxl10n's own, the next pull replaces them with PX's copy."""
        if self.repo is None or self.directory is None:
            return False
        path = self.directory / rel
        commit = gitops.last_change(self.repo, path)
        if commit is None:
            return False
        data = gitops.version_at(self.repo, commit, gitops.relative(self.repo, path))
        if data is None or sha256(normalized(data)) != digest:
            return False
        entry = committed_entries(self.repo, self.directory, commit).get(rel)
        return entry is not None and digest in entry.px_hashes()

    def owns(self, rel: str, digest: str, entry: FileState | None) -> bool:
        """Whether bytes of hash ``digest`` are pxl10n's own copy of the file (unchanged, replaceable), not a person's."""
        return digest in self.known(rel, entry) and not self.set_back(rel, digest, entry)


def remembered(repo: git.Repo | None, directory: Path, learned: Mapping[str, set[str]] | None = None) -> Remembered:
    """What git remembers for a run over ``directory`` (``learned``: the caller's look into older states)."""
    return Remembered(learned or {}, committed_entries(repo, directory), repo is not None and gitops.is_shallow(repo),
                      repo, directory)


#: What is said of each file :func:`unlisted_edits` finds, by status and push: its locale, or its kind, dropped.
UNLISTED = ("edited since last pulled or pushed, but its locale is not in project.locales any more, so nothing pulls or "
            "pushes it (list the locale again to send it)")
UNLISTED_KIND = ("edited since last pulled or pushed, but its kind is not in [export] kinds any more, so nothing pulls or "
                 "pushes it (list the kind again to send it)")


@dataclass(frozen=True)
class Unlisted:
    """Files (relative paths) holding a person's edit that no pull or push reads any more; an immutable record."""

    #: of locales project.locales no longer lists
    locales: tuple[str, ...] = ()
    #: of listed locales, but of kinds [export] kinds no longer lists
    kinds: tuple[str, ...] = ()

    def said(self) -> list[tuple[str, str]]:
        """Each file with what is said of it."""
        return [(rel, UNLISTED) for rel in self.locales] + [(rel, UNLISTED_KIND) for rel in self.kinds]


def unlisted_edits(directory: Path, state: State, history: Remembered, locales: Collection[str],
                   kinds: Collection[str]) -> Unlisted:
    """The files of locales ``locales`` does not list, or of kinds ``kinds`` does not, that hold a person's edit:
    the state knows them from a pull, but with the locale or kind gone from the config no pull or push reads them
    again, so a translation there would wait unsent and unsaid. Only files laid out in the tree count (the state's
    own paths are text anyone can commit), none read through a link."""
    names = folders(directory)
    dropped = laid_out_keys(directory, [name for name in names if name not in locales])
    listed = [key for key in laid_out_keys(directory, [name for name in names if name in locales])
              if key.kind not in kinds] if set(KIND_NAMES) - set(kinds) else []
    return Unlisted(tuple(_edited(directory, state, history, dropped)), tuple(_edited(directory, state, history, listed)))


def _edited(directory: Path, state: State, history: Remembered, keys: Iterable[FileKey]) -> Iterator[str]:
    """The relative paths of ``keys`` whose file holds a person's edit of a copy the state knows."""
    for key in keys:
        rel = key.relpath()
        entry = state.get(key)
        data = read_normalized(directory / rel) if entry is not None else None
        if entry is not None and data is not None and not history.owns(rel, sha256(data), entry):
            yield rel


def set_back(digest: str, entry: FileState | None, committed: FileState | None) -> bool:
    """Whether bytes of hash ``digest`` are an older copy a person put back, not one a killed pull left.

    Pull records the new copy before it renames it in, so a pull killed in between leaves the
    old copy with its hash in ``seen`` while the committed entry still names that old copy.
    When the committed entry already names a newer one, the old copy came back later, by hand."""
    if entry is None or committed is None or digest not in entry.seen or digest in entry.px_hashes():
        return False
    newer = committed.px_hashes()
    return bool(newer) and digest not in newer
