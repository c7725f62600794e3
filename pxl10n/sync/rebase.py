"""Put the edits of a file on PX's newer copy of it: the way out of a push conflict that loses nobody's work.

When PX changed a file after it was pulled and it was edited here too, push sends
what the two sides changed apart and stops at a unit both changed: ``conflict``.
Until now the ways out were to discard the edits (check out, pull) or to put them
over PX's (``push --force``). ``pxl10n rebase`` makes a third: it takes PX's copy
now (its units, its sources, its targets) and puts back on it the target of every
unit edited here, three ways, against the copy the file was pulled as:

* a unit PX left as it was: the edit goes as it is, push sends it;
* a unit whose source PX changed, or whose target PX changed otherwise: the edit
  is kept, marked not translated yet (1.2 ``needs-translation``, 2.0 ``initial``),
  so push holds the file back until a person has checked it against PX's text and
  marked it translated (or emptied it, to leave PX's);
* a unit PX removed: named, with its text; it is in git history, nowhere else;
* a unit the edit leaves empty, or PX already holds as edited: PX's, as it is.

The copy it was pulled as is read as its units, which the state entry keeps
(:func:`~pxl10n.sync.ownership.pulled_units`). Without them (an entry of a pxl10n
before state format 3 whose copy history no longer holds: a shallow clone, a squash)
nothing tells who changed a unit, so every edit whose text differs from PX's is kept for review.

When PX has not changed the file, the conflict push found is a stale target
(:mod:`pxl10n.sync.translated_against`: a merge put a translation beside PX's new
source, or PX's older text back over its newer one): the first is kept marked for
review, the second gives way to PX's text now. One commit then, and no state change.
When PX has changed the file too, the same stale targets are read against PX's copy
now and settled the same way beside the rows above (:func:`_stale_too`).

Two commits land at once (HEAD moves once, after both are made from git objects):
PX's copy, recorded as pulled (its units, the base of any later merge, in the state entry), then
the edits on it. The work tree and index are written before HEAD moves, so a
crash leaves either nothing done, or the result written and staged, never a file
without the edits; the next run lands what it left (:mod:`pxl10n.sync.landing`).
Only a file whose edits are committed is rebased: the commit before keeps the
file as it was. Made from objects (``git commit-tree``), the two
commits run no commit hooks, as a rebase or merge made by git's own plumbing does not.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from lxml import etree

from pxl10n.config import Settings
from pxl10n.conflict_markers import UNRESOLVED, opening_line
from pxl10n.console import Console, some
from pxl10n.errors import GitError, GitNotReadyError, Pxl10nError, XliffError
from pxl10n.fsutil import atomic_write, read_normalized, refuse_links, remove_partials
from pxl10n.layout import STATE_NAME, FileKey, require_ids
from pxl10n.px.client import PXClient
from pxl10n.sync import crash, journal, landing, lock
from pxl10n.sync import git as gitops
from pxl10n.sync.ownership import pulled_units
from pxl10n.sync.push import reexport
from pxl10n.sync.selection import Selection
from pxl10n.sync.state import FileState, State, digest
from pxl10n.sync.translated_against import StaleTarget, Why, reverted_px_texts, spaced, stale_targets
from pxl10n.sync.unit_merge import Base, units_by_id
from pxl10n.xliff.carry import carry_targets
from pxl10n.xliff.io import XliffInfo, canonical_bytes, parse, read_info, sha256


class RebaseStatus(StrEnum):
    """What became of one selected file."""

    REBASED = "rebased"
    #: dry run: would be rebased
    WOULD_REBASE = "would-rebase"
    #: nothing to do: not edited here, or PX has not changed it since it was pulled
    UNCHANGED = "unchanged"
    #: cannot be rebased as it is (uncommitted edits, unreadable, no pulled copy in history): the reason says why
    REFUSED = "refused"
    #: PX could not be asked
    FAILED = "failed"


S = RebaseStatus


@dataclass(frozen=True)
class Review:
    """A unit whose edit is kept for a person to check against PX's text, and why; an immutable record."""

    unit: str
    why: str


@dataclass(frozen=True)
class RebaseOutcome:
    """One file's outcome; an immutable record."""

    key: FileKey
    status: RebaseStatus
    reason: str
    #: edits put on PX's copy as they are (push sends them)
    carried: tuple[str, ...] = ()
    #: edits kept marked not translated yet, for review
    review: tuple[Review, ...] = ()
    #: (unit, target) of the edits of units PX removed
    dropped: tuple[tuple[str, str], ...] = ()
    merged: bytes | None = field(default=None, repr=False, compare=False)
    px_copy: bytes | None = field(default=None, repr=False, compare=False)
    entry: FileState | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of one file."""
        return {"path": self.key.relpath(), "result": self.status.value, "reason": self.reason, "carried": list(self.carried),
                "review": [{"unit": r.unit, "why": r.why} for r in self.review],
                "dropped": [{"unit": unit, "target": target} for unit, target in self.dropped]}


@dataclass(frozen=True)
class RebaseResult:
    """Every selected file's outcome, and the commit; an immutable record."""

    files: tuple[RebaseOutcome, ...]
    commit: str | None = None
    dry_run: bool = False
    #: said after the commit's sha (gitops.detached_note): '' on a branch
    committed_where: str = ""

    @property
    def exit_code(self) -> int:
        """1 when a file could not be rebased (refused or failed), else 0."""
        return 1 if any(f.status in (S.REFUSED, S.FAILED) for f in self.files) else 0

    def as_dict(self) -> dict[str, Any]:
        """The JSON summary."""
        counts = {status.value: sum(1 for f in self.files if f.status is status) for status in RebaseStatus}
        return {"files": [f.as_dict() for f in self.files], "counts": counts, "commit": self.commit, "dry_run": self.dry_run}


def rebase(settings: Settings, selection: Selection | None = None, *, console: Console | None = None, dry_run: bool = False,
           client: PXClient | None = None) -> RebaseResult:
    """Rebase every selected file edited here that PX changed since it was pulled; see the module docstring."""
    console = console or Console()
    directory = settings.directory
    refuse_links(directory, "rebase", settings.directory_link)
    with gitops.work_tree(directory) as found:
        repo = gitops.require_git(found, "rebase reads the copy each file was pulled as from git history and commits")
        if repo is None:
            raise GitError(f"{directory} is in no git work tree: rebase reads the copy each file was pulled as from git "
                           "history; pull into a git repository first")
        problem = gitops.unfinished(repo, "pxl10n rebase")
        if problem:
            raise GitNotReadyError(f"{problem}; nothing was done")
        with lock.hold(directory, "rebase", repo.git_dir):
            remove_partials(directory)  # a killed run's, as pull and push remove them: the lock says none is running
            landing.finish(repo, directory, "pxl10n rebase", console)
            journal.check_closed(directory)  # what an interrupted push sent is recorded first, or it could go twice
            result = _rebase(settings, selection or Selection(), console, repo, client, dry_run=dry_run)
    _report(result, console)
    return result


def _rebase(settings: Settings, selection: Selection, console: Console, repo: Any, client: PXClient | None, *,
            dry_run: bool) -> RebaseResult:
    directory = settings.directory
    state = State.load(directory)
    uncommitted = {path.resolve() for path in gitops.changed_paths(repo, directory)}
    if (directory / STATE_NAME).resolve() in uncommitted:
        raise GitNotReadyError(f"{directory / STATE_NAME} has changes no commit holds; nothing was done. A run that "
                               "stopped before its commit (a killed rebase, a push --no-commit) leaves them with the files "
                               "it wrote: review them (`git status`, `git diff HEAD`) and commit them together, or take the "
                               f"committed state back with `git checkout HEAD -- {directory / STATE_NAME}`")
    keys = _selected(settings, state, selection)
    if not keys:
        return RebaseResult((), dry_run=dry_run)
    own_client = client is None
    client = client or PXClient.from_settings(settings)
    try:
        console.info(f"asking PX for its copy of {len(keys)} edited file(s)")
        planned_list = []
        for done, key in enumerate(keys, 1):
            planned_list.append(_plan(repo, settings, state, key, client, uncommitted))
            console.progress(done, len(keys), "rebasing")
        planned = tuple(planned_list)
    finally:
        if own_client:
            client.close()
    ready = [o for o in planned if o.status is S.REBASED]
    if dry_run:
        return RebaseResult(tuple(replace(o, status=S.WOULD_REBASE) if o.status is S.REBASED else o for o in planned),
                            dry_run=True)
    if not ready:
        return RebaseResult(planned)
    sha = _commit(repo, state, ready)
    return RebaseResult(planned, commit=sha, committed_where=gitops.detached_note(repo, sha))


def _selected(settings: Settings, state: State, selection: Selection) -> list[FileKey]:
    """The selected files with a state entry that hold other content than PX does (an edit, or an older copy put
    back)."""
    kinds, locales = selection.resolve(settings)
    ids = set(selection.ids)
    entries = [e for e in state.entries.values() if e.kind in kinds and e.locale in locales and (not ids or e.item_id in ids)]
    require_ids(ids, [e.key for e in entries], kinds, locales, settings.directory, "nothing was done")
    keys = []
    for entry in entries:
        data = read_normalized(entry.key.path(settings.directory))
        if data is not None and sha256(data) not in entry.px_hashes():
            keys.append(entry.key)
    return sorted(keys)


def _plan(repo: Any, settings: Settings, state: State, key: FileKey, client: PXClient, uncommitted: set[Path]) -> RebaseOutcome:
    """What rebasing one file gives (nothing written): the merged bytes, PX's copy and the new state entry."""
    entry = state.get(key)
    assert entry is not None
    path = key.path(settings.directory)
    if path.resolve() in uncommitted:
        return RebaseOutcome(key, S.REFUSED, "edited and not committed: commit the file first (rebase rewrites it, and "
                             "the commit before keeps it as it was)")
    ours_bytes = read_normalized(path) or b""
    try:
        ours_tree = parse(ours_bytes, source=key.relpath())
        ours = read_info(ours_tree)
    except XliffError as exc:
        marker = opening_line(ours_bytes)
        if marker is not None:
            return RebaseOutcome(key, S.REFUSED, f"line {marker}: {UNRESOLVED}; then rebase")
        return RebaseOutcome(key, S.REFUSED, f"not XLIFF pxl10n can read ({exc}): fix it first (`pxl10n validate` says where)")
    base = pulled_units(repo, path, entry)
    try:
        canonical, held = reexport(client, settings, entry)
    except Pxl10nError as exc:
        return RebaseOutcome(key, S.FAILED, str(exc))
    if sha256(canonical) in entry.px_hashes():
        return _stale_marked(repo, settings, key, path, ours_bytes, ours_tree, ours, canonical, entry)
    carry, review, dropped = _decide(base, ours, held)
    carry, review, restored = _stale_too(repo, settings, path, ours_tree, ours, canonical, entry, carry, review)
    tree = parse(canonical, source=key.relpath())
    for_review = {r.unit for r in review}
    done = carry_targets(tree, ours_tree, {uid: uid in for_review for uid in carry})
    missed = set(done.missed)
    reviews = tuple(sorted([*(r for r in review if r.unit not in done.joined and r.unit not in missed),
                            *(Review(uid, "split into segments here, one in PX: joined as one target") for uid in done.joined)],
                           key=lambda r: r.unit))
    merged = canonical_bytes(tree)
    new = entry.as_pulled(sha256(canonical), held, pushed=None)
    reviewed = {r.unit for r in reviews}
    carried = tuple(uid for uid in carry if uid not in missed and uid not in reviewed)
    edited = units_by_id(ours)
    lost = tuple(dropped) + tuple((uid, edited[uid].target or "") for uid in sorted(missed))
    reason = _reason(carried, reviews, lost, restored)
    if base is None:
        shallow = ": this clone is shallow (`git fetch --unshallow`)" if gitops.is_shallow(repo) else ""
        reason = (f"no copy it was pulled as in git history{shallow}, so every edit PX's text differs from is kept for "
                  f"review; {reason}")
    return RebaseOutcome(key, S.REBASED, reason, carried, reviews, lost, merged, canonical, entry.succeeded_by(new))


def _stale_too(repo: Any, settings: Settings, path: Path, ours_tree: etree._ElementTree, ours: XliffInfo, canonical: bytes,
               entry: FileState, carry: list[str], review: list[Review]) -> tuple[list[str], list[Review], list[str]]:
    """``carry`` and ``review`` (a :func:`_decide`'s, against the pulled copy) with the stale targets a merge brought in
    (:mod:`pxl10n.sync.translated_against`, read against PX's copy now), which the pulled copy cannot show when the
    merge took its source too: a target written against an older source is kept for review, never carried as it is
    (push refused it; once the rebase commit has rewritten its lines, nothing would say what it translates), and PX's
    own older text gives way to PX's text now. Returns the carry, the review and the units given PX's text."""
    stale = stale_targets(repo, settings.directory, path, ours_tree, ours, canonical, entry.known_hashes())
    if not stale:
        return carry, review, []
    carried, reviewed = set(carry), {r.unit for r in review}
    older = sorted(t.unit for t in stale if t.why is Why.OLDER_COPY and t.unit in carried)
    more = [_older_source(t) for t in stale if t.why is not Why.OLDER_COPY and t.unit in carried and t.unit not in reviewed]
    return [uid for uid in carry if uid not in older], sorted([*review, *more], key=lambda r: r.unit), older


def _older_source(target: StaleTarget) -> Review:
    """The review of a target translated against a source PX has changed since."""
    return Review(target.unit, f"translated against an older source {_quoted(target.written_against)}; PX's is "
                  f"{_quoted(target.px_source)}")


def _stale_marked(repo: Any, settings: Settings, key: FileKey, path: Path, ours_bytes: bytes, ours_tree: etree._ElementTree,
                  ours: XliffInfo, canonical: bytes, entry: FileState) -> RebaseOutcome:
    """PX has not changed the file since it was pulled, but a merge brought a stale target into it
    (:mod:`pxl10n.sync.translated_against`), which push refuses: a target written against an older source is kept
    for review, and PX's own older text, put over its newer one, gives way to PX's text now."""
    known = entry.known_hashes()
    stale = stale_targets(repo, settings.directory, path, ours_tree, ours, canonical, known)
    if sha256(ours_bytes) in known:  # an older copy of pxl10n's put back (checked out, reverted)
        found = {t.unit for t in stale}
        stale += [t for t in reverted_px_texts(repo, settings.directory, path, ours, canonical, known) if t.unit not in found]
    if not stale:
        return RebaseOutcome(key, S.UNCHANGED, "PX has not changed it since it was pulled: `pxl10n push` sends it as it is")
    older = {t.unit for t in stale if t.why is Why.OLDER_COPY}
    tree = copy.deepcopy(ours_tree)
    carry_targets(tree, ours_tree, {t.unit: True for t in stale if t.unit not in older})
    carry_targets(tree, parse(canonical, source=key.relpath()), dict.fromkeys(older, False))
    review = tuple(_older_source(t) for t in stale if t.unit not in older)
    restored = tuple(sorted(older))
    said = []
    if review:
        said.append(f"{len(review)} unit(s) translated against an older source marked not translated yet, for review: "
                    + _reviews(review) + " (translate PX's text, then mark it translated; push holds the file back until then)")
    if restored:
        said.append(_given_px_text(restored))
    return RebaseOutcome(key, S.REBASED, "; ".join(said), restored, review, (), canonical_bytes(tree), None, None)


def _decide(base: Base | None, ours: XliffInfo, px: XliffInfo) -> tuple[list[str], list[Review], list[tuple[str, str]]]:
    """The units whose edit goes on PX's copy, those of them kept for review, and the edits of units PX removed.
    Without ``base`` (no pulled copy known) nothing tells who changed a unit: each that differs is reviewed."""
    before, now = base or {}, units_by_id(px)
    carry: list[str] = []
    review: list[Review] = []
    dropped: list[tuple[str, str]] = []
    for unit in ours.units:
        if not unit.id:
            continue
        was, theirs = before.get(unit.id), now.get(unit.id)
        edited = (unit.target or "").strip() and (was is None or digest(unit.target) != was.target)
        if not edited:
            continue
        if theirs is None:
            dropped.append((unit.id, unit.target or ""))
            continue
        if theirs.target == unit.target:
            continue
        carry.append(unit.id)
        if base is None:
            review.append(Review(unit.id, f"PX has {_quoted(theirs.target or '')}"))
        elif was is None:
            review.append(Review(unit.id, "the copy it was pulled as had no such unit"))
        elif digest(theirs.source) != was.source:
            review.append(Review(unit.id, f"PX changed its source to {_quoted(theirs.source)}"))
        elif digest(theirs.target) != was.target:
            review.append(Review(unit.id, f"PX translated it otherwise: {_quoted(theirs.target or '')}"))
    return sorted(carry), sorted(review, key=lambda r: r.unit), sorted(dropped)


def _quoted(text: str, limit: int = 80) -> str:
    flat = spaced(text)
    return repr(flat if len(flat) <= limit else flat[: limit - 3] + "...")


def _reviews(review: Sequence[Review]) -> str:
    """The first few units kept for review, each with why, for a reason."""
    return "; ".join(f"{r.unit}: {r.why}" for r in review[:3]) + (f" and {len(review) - 3} more" if len(review) > 3 else "")


def _reason(carried: Sequence[str], review: Sequence[Review], dropped: Sequence[tuple[str, str]],
            restored: Sequence[str] = ()) -> str:
    said = [f"PX's copy now, with the edits of {len(carried) + len(review)} unit(s) put back"]
    if carried:
        said.append(f"{len(carried)} as they are ({some(list(carried), 3)})")
    if review:
        said.append(f"{len(review)} marked not translated yet, for review against PX's text: "
                    + _reviews(review) + " (check each, then mark it translated, or empty it to keep PX's; push holds the file back until then)")
    if dropped:
        said.append(f"{len(dropped)} edit(s) of unit(s) PX removed or changed past carrying, left out (in git history): "
                    + some([f"{unit} {_quoted(text, 40)}" for unit, text in dropped], 3))
    if restored:
        said.append(_given_px_text(restored))
    return "; ".join(said)


def _given_px_text(restored: Sequence[str]) -> str:
    return f"{len(restored)} unit(s) holding PX's older text over its newer one given PX's text now ({some(list(restored), 3)})"


def _commit(repo: Any, state: State, ready: list[RebaseOutcome]) -> str:
    """Both commits from git objects, then the work tree and index, then HEAD (see the module docstring)."""
    directory = state.directory
    based = [o for o in ready if o.px_copy is not None and o.entry is not None]
    for outcome in based:
        assert outcome.entry is not None
        state.put(outcome.entry)
    state_rel = gitops.relative(repo, directory / STATE_NAME)
    rels = {o.key: gitops.relative(repo, o.key.path(directory)) for o in ready}
    names = ", ".join(sorted({o.key.locale for o in ready}))
    state_bytes = state.dumps().encode("utf-8")
    before = repo.head.commit.hexsha
    steps = [(f"pxl10n rebase: PX's copy of {len(based)} file(s) as pulled ({names})",
              {state_rel: state_bytes, **{rels[o.key]: o.px_copy or b"" for o in based}})] if based else []
    steps.append((gitops.commit_message(f"pxl10n rebase: edits of {len(ready)} file(s) put on PX's copy ({names})",
                                        [f"- {o.key.relpath()}: {o.reason}" for o in ready]),
                  {rels[o.key]: o.merged or b"" for o in ready}))
    sha, blobs = gitops.commit_contents(repo, steps)
    landing.begin(repo, directory, landing.Landing(sha, before))
    crash.point("rebase-committed")
    for outcome in ready:
        atomic_write(outcome.key.path(directory), outcome.merged or b"")
    if based:
        atomic_write(directory / STATE_NAME, state_bytes)
    crash.point("rebase-written")
    gitops.stage_blobs(repo, blobs)
    crash.point("rebase-staged")
    try:
        gitops.move_head(repo, sha, before, "pxl10n rebase")
    except GitError as exc:
        landing.end(repo, directory)  # HEAD is elsewhere: the files stay for the person, as the message says
        raise GitError(f"{exc}; the rebased files are written and staged, not committed: review them and commit "
                       f"(`git commit`), or undo it (`git checkout HEAD -- {' '.join(sorted(rels.values()))} {state_rel}`)") from None
    landing.end(repo, directory)
    return sha


def _report(result: RebaseResult, console: Console) -> None:
    for outcome in result.files:
        if outcome.status in (S.REFUSED, S.FAILED):
            console.warn(f"{outcome.key.relpath()}: {outcome.status.value}: {outcome.reason}")
        else:
            console.info(f"{outcome.key.relpath()}: {outcome.status.value}: {outcome.reason}")
    counts = ", ".join(f"{n} {status}" for status, n in result.as_dict()["counts"].items() if n)
    committed = f"; committed {result.commit[:10]}{result.committed_where}" if result.commit else ""
    console.info(f"rebase: {len(result.files)} edited file(s) selected{', ' + counts if counts else ''}{committed}")
