"""``pxl10n pull``: plan, export concurrently, record, write what changed, commit once.

Every localizable item x target locale becomes one canonical XLIFF file. A file
is rewritten only when its bytes change, so a pull with nothing new touches
nothing and commits nothing. One failing item never stops the others; its old
file stays as it was, and the result says so (exit 1). Content that is not
pxl10n's own (a person's edit, pushed or not) is never overwritten or removed.
The decision table is ``docs/sync-model.md``; :class:`PullStatus` names its rows.
A kind PX fails to list is left exactly as it was (never pruned) while the
others pull. A sick machine (full disk, read-only tree, permission denied) is
different: the run stops at the first fault, starts no new write, removes what
it staged, and ends with one :class:`EnvironmentFault` line (exit 2).

Crash safety comes from one ordering rule: the state (with the old hash kept in
``seen``) is saved *before* the new bytes are renamed into place, batch by batch
(in the main thread, while the next exports run).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pxl10n.config import CONFIG_NAME, Settings
from pxl10n.conflict_markers import UNRESOLVED, opening_line
from pxl10n.console import Console, some
from pxl10n.errors import AuthError, ConfigError, GitError, PXError, Pxl10nError, XliffError
from pxl10n.fsutil import (
    atomic_write,
    discard,
    holds,
    is_environment_fault,
    place,
    read_normalized,
    refuse_links,
    remove_partials,
    stage,
)
from pxl10n.layout import INDEX_NAME, STATE_NAME, FileKey, laid_out_keys, written_paths
from pxl10n.px.archive import extract_xliff
from pxl10n.px.client import PXClient
from pxl10n.px.kinds import KINDS, Item
from pxl10n.sync import crash, journal, landing, lock
from pxl10n.sync import git as gitops
from pxl10n.sync.faults import Guard, refused_commit, stop_at_fault
from pxl10n.sync.listing import filter_names, list_items, pulled_kinds, unfiltered_ids
from pxl10n.sync.ownership import Remembered, committed_copy, own_uncommitted, remembered
from pxl10n.sync.pool import run_concurrently
from pxl10n.sync.selection import Selection
from pxl10n.sync.state import FileState, State, parse
from pxl10n.sync.translated_against import stale_targets
from pxl10n.sync.unit_merge import Base, conflict_causes, drafted_only, emptied, merge
from pxl10n.xliff.io import XliffInfo, read_info, sha256
from pxl10n.xliff.io import parse as parse_xliff
from pxl10n.xliff.withhold import withhold_units

if TYPE_CHECKING:
    from git import Repo

#: files recorded and renamed into place together: at least this many, or 1/16 of the pull
BATCH = 32


class PullStatus(StrEnum):
    """What pull did with one file (a row of the decision table)."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept-local"
    FAILED = "failed"
    REMOVED = "removed"
    PRUNE_HELD = "prune-held"
    #: an item PX still has that the config's ``[export]`` filters now leave out: its file is left as it is
    LEFT_OUT = "left-out"


NEW, UPDATED, UNCHANGED, KEPT, FAILED, REMOVED, PRUNE_HELD, LEFT_OUT = tuple(PullStatus)
CHANGING = frozenset({NEW, UPDATED, REMOVED})


@dataclass(frozen=True)
class FileResult:
    """The decision and outcome for one item x locale; ``staged`` holds the bytes to place (not reported)."""

    key: FileKey
    status: PullStatus
    name: str = ""
    message: str = ""
    units: int = 0
    translated: int = 0
    entry: FileState | None = None
    staged: Path | None = None
    #: the bytes on disk the decision read (None: no file), which the file must still hold to be replaced
    judged: bytes | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.key.kind,
            "id": self.key.item_id,
            "locale": self.key.locale,
            "path": self.key.relpath(),
            "status": str(self.status),
            "units": self.units,
            "translated": self.translated,
            **({"message": self.message} if self.message else {}),
        }


@dataclass(frozen=True)
class ListingFailure:
    """A kind PX could not list: its files stay exactly as they were (nothing pulled, nothing pruned)."""

    kind: str
    page: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "page": self.page, "message": self.message}


@dataclass(frozen=True)
class PullResult:
    """What a pull did; ``exit_code`` is 1 as soon as anything failed or a removal was held back."""

    items: int = 0
    files: tuple[FileResult, ...] = ()
    skipped: tuple[tuple[str, int], ...] = ()
    failures: tuple[str, ...] = ()
    listing_failures: tuple[ListingFailure, ...] = ()
    commit: str | None = None
    dry_run: bool = False
    directory: str = ""
    #: said after the commit's sha (gitops.detached_note): '' on a branch
    committed_where: str = ""

    def count(self, status: PullStatus) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def changed(self) -> list[FileResult]:
        return [f for f in self.files if f.status in CHANGING]

    @property
    def exit_code(self) -> int:
        return 1 if self.failures or self.listing_failures or self.count(FAILED) or self.count(PRUNE_HELD) else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "command": "pull",
            "dry_run": self.dry_run,
            "directory": self.directory,
            "items": self.items,
            "files": {
                "total": len(self.files),
                "new": self.count(NEW),
                "updated": self.count(UPDATED),
                "unchanged": self.count(UNCHANGED),
                "kept_local": self.count(KEPT),
                "removed": self.count(REMOVED),
                "prune_held": self.count(PRUNE_HELD),
                "left_out": self.count(LEFT_OUT),
                "failed": self.count(FAILED),
            },
            "skipped": dict(self.skipped),
            "changed": [f.key.relpath() for f in self.changed],
            "removed": [f.key.relpath() for f in self.files if f.status == REMOVED],
            "failures": [f.as_dict() for f in self.files if f.status in (FAILED, PRUNE_HELD)]
            + [failure.as_dict() for failure in self.listing_failures]
            + [{"message": m} for m in self.failures],
            "commit": self.commit,
        }


def _write_index(directory: Path, items: list[Item]) -> bool:
    """Keep ``index.json``: id -> name and type, the readable side of id-based paths; True when written."""
    path = directory / INDEX_NAME
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(index, dict):
            index = {}
    except (FileNotFoundError, ValueError):
        index = {}
    for item in items:
        entry = {"name": item.name}
        if item.item_type:
            entry["type"] = item.item_type
        index.setdefault(item.kind, {})[item.id] = entry
    data = (json.dumps(index, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    if read_normalized(path) == data:  # a CRLF checkout of the same text is not rewritten
        return False
    atomic_write(path, data)
    return True


def commit_message(result: PullResult, leftover: Sequence[str] = ()) -> str:
    """A stable, useful commit message: counts first, then the files, then ``leftover``
    (:func:`~pxl10n.sync.git.leftover_lines`: what an earlier run wrote and could not commit)."""
    changed = sorted(result.changed, key=lambda f: f.key)
    locales = sorted({f.key.locale for f in changed})
    head = f"pxl10n pull: {len(changed)} file(s) from PX ({', '.join(locales) or 'state only'})"
    lines = [f"- {f.key.relpath()}: {f.status}, {f.translated}/{f.units} translated" + (f" ({f.name})" if f.name else "") for f in changed]
    return gitops.commit_message(head, lines + list(leftover))


def learn_from_history(repo: Repo | None, directory: Path, rels: set[str], limit: int = 50) -> dict[str, set[str]]:
    """Hashes the committed versions of the state file knew for ``rels``: what a lost state forgot."""
    known: dict[str, set[str]] = {}
    if repo is None or not rels:
        return known
    for blob in gitops.committed_versions(repo, directory / STATE_NAME, limit):
        try:
            entries = parse(blob.decode("utf-8"), directory / STATE_NAME)
        except (Pxl10nError, UnicodeDecodeError):
            continue
        for rel in rels & entries.keys():
            known.setdefault(rel, set()).update(entries[rel].known_hashes())
    return known


def pull(
    settings: Settings,
    selection: Selection | None = None,
    *,
    console: Console | None = None,
    dry_run: bool = False,
    commit: bool = True,
    branch: str | None = None,
    client: PXClient | None = None,
    prune_all: bool = False,
) -> PullResult:
    """Export the selection from PX into ``settings.directory``; see the module docstring."""
    console = console or Console()
    selection = selection or Selection()
    directory = settings.directory
    refuse_links(directory, "pull", settings.directory_link)
    with gitops.work_tree(directory) as found:
        return _pull_in(settings, selection, console, gitops.require_git(found), dry_run=dry_run, commit=commit, branch=branch,
                        client=client, prune_all=prune_all)


def _pull_in(settings: Settings, selection: Selection, console: Console, repo: Repo | None, *, dry_run: bool, commit: bool,
             branch: str | None, client: PXClient | None, prune_all: bool) -> PullResult:
    """:func:`pull` in the work tree ``repo`` (None: outside git)."""
    kinds, locales = selection.resolve(settings)
    directory = settings.directory
    if repo is not None and commit and not dry_run:
        gitops.check_committable(repo, written_paths(directory, locales, pulled_kinds(settings, kinds)), "pxl10n pull")
    _prepare_branch(repo, directory, branch, console, dry_run=dry_run, commit=commit)
    with stop_at_fault(_guard()):
        if dry_run:
            journal.check_closed(directory)
            return _run(settings, selection, console, State.load(directory), repo, client, dry_run=True, commit=False, prune_all=prune_all)
        with lock.hold(directory, "pull", str(repo.git_dir) if repo is not None else None):
            landing.finish(repo if commit else None, directory, "pxl10n pull", console)  # a run that commits
            journal.check_closed(directory)
            remove_partials(directory)
            return _run(settings, selection, console, State.load(directory), repo, client, dry_run=False, commit=commit, prune_all=prune_all)


def _guard() -> Guard:
    return Guard("pull", written="what was written before it is whole and recorded; the next pull finishes and commits it")


def _prepare_branch(repo: Repo | None, directory: Path, branch: str | None, console: Console, *, dry_run: bool, commit: bool) -> None:
    """Switch to ``--branch`` (created when new), or say why nothing will be committed."""
    if branch and not dry_run:
        if repo is None:
            raise ConfigError(f"--branch {branch} needs {directory} to be inside a git work tree")
        if gitops.switch_branch(repo, branch):
            console.info(f"created branch {branch}")
    if commit and not dry_run and repo is None:
        console.info(f"{directory} is not inside a git work tree: pull writes the files without committing")


@dataclass(frozen=True)
class _Plan:
    """What the listings leave to do: the localizable items and one task per item x locale."""

    localizable: tuple[Item, ...]
    tasks: tuple[tuple[Item, str], ...]
    skipped: tuple[tuple[str, int], ...]
    failures: tuple[str, ...]


def _run(
    settings: Settings,
    selection: Selection,
    console: Console,
    state: State,
    repo: Repo | None,
    client: PXClient | None,
    *,
    dry_run: bool,
    commit: bool,
    prune_all: bool,
) -> PullResult:
    kinds, locales = selection.resolve(settings)
    directory = settings.directory
    guard = _guard()
    own_client = client is None
    client = client or PXClient.from_settings(settings)
    try:
        console.info(f"listing {', '.join(kinds)} from {settings.base_url}")
        listed, listing_failures = _list_each(client, settings, kinds, console)
        plan = _plan(settings, selection, listed, listing_failures, console)
        unknown = {key.relpath() for key in laid_out_keys(directory, locales)} - state.entries.keys()
        history = remembered(repo, directory, learn_from_history(repo, directory, unknown))
        console.info(f"exporting {len(plan.tasks)} file(s): {len(plan.localizable)} item(s) x {len(locales)} locale(s)")
        files = _export_all(client, settings, state, history, plan, console, guard, dry_run=dry_run)
        if not selection.ids:
            files += _obsolete(settings, state, history, tuple(listed), locales, listed, guard, dry_run=dry_run, prune_all=prune_all,
                               unfiltered=lambda kind: unfiltered_ids(client, kind))
    finally:
        if own_client:
            client.close()
    files = [_with_stale_note(repo, directory, state, f) if f.status is KEPT else f for f in files]
    result = PullResult(
        items=len(plan.localizable), files=tuple(files), skipped=plan.skipped, failures=plan.failures,
        listing_failures=listing_failures, dry_run=dry_run, directory=str(directory),
    )
    _report(result, console)
    if not dry_run:
        result = _finish(settings, state, repo, result, list(plan.localizable), guard, commit=commit)
    _summarize(result, console)
    return result


def _list_each(client: PXClient, settings: Settings, kinds: tuple[str, ...], console: Console) -> tuple[dict[str, list[Item]], tuple[ListingFailure, ...]]:
    """List kind by kind: a kind PX fails to list is named and left alone; the other kinds still pull.

    A wrong key fails every kind alike, so it stops the run instead.
    """
    listed: dict[str, list[Item]] = {}
    failed: list[ListingFailure] = []
    for kind in kinds:
        try:
            listed.update(list_items(client, settings, [kind], console))
        except AuthError:
            raise
        except PXError as exc:
            said = str(exc)
            what = said if f"listing {kind}s" in said else f"listing {kind}s failed: {said}"
            kept = f"; every {kind} file kept as it was (nothing of it pulled or removed)"
            failed.append(ListingFailure(kind, exc.page, f"{what}{kept}"))
    return listed, tuple(failed)


def _plan(settings: Settings, selection: Selection, listed: dict[str, list[Item]], listing_failures: tuple[ListingFailure, ...], console: Console) -> _Plan:
    """The items to export (narrowed by ``--id``, emails and same-language pairs left out) and their tasks."""
    kinds, locales = selection.resolve(settings)
    items = [item for kind_items in listed.values() for item in kind_items]
    failures: list[str] = []
    if selection.ids:
        wanted = set(selection.ids)
        found = {item.id for item in items}
        unlisted = f" ({', '.join(f.kind for f in listing_failures)} could not be listed)" if listing_failures else ""
        failures.extend(f"item {item_id} not found in PX among {', '.join(kinds)}{unlisted}" for item_id in sorted(wanted - found))
        items = [item for item in items if item.id in wanted]
    localizable = [item for item in items if item.localizable]
    skipped: dict[str, int] = {}
    if len(localizable) < len(items):
        skipped["email"] = len(items) - len(localizable)
        console.detail(f"skipping {skipped['email']} email engagement(s): PX cannot localize them")
    tasks = []
    for item in localizable:
        for locale in locales:
            if item.default_language and item.default_language == settings.px_language(locale):
                skipped["same_language"] = skipped.get("same_language", 0) + 1
                continue
            tasks.append((item, locale))
    return _Plan(tuple(localizable), tuple(tasks), tuple(skipped.items()), tuple(failures))


def _export_all(
    client: PXClient, settings: Settings, state: State, history: Remembered, plan: _Plan, console: Console, guard: Guard, *, dry_run: bool
) -> list[FileResult]:
    """Export every task concurrently; record and place each full batch while the next exports run.

    On any error (an environment fault included) the pool stops starting tasks and
    every staged file not placed is removed before the error goes on.
    """
    batch = max(BATCH, math.ceil(len(plan.tasks) / 16))
    files: list[FileResult] = []
    waiting: list[FileResult] = []

    def work(task: tuple[Item, str]) -> FileResult:
        item, locale = task
        return _decide(client, settings, state, history, item, locale, guard, dry_run=dry_run)

    def collect(decided: FileResult) -> None:
        if guard.tripped:
            raise guard.error()
        waiting.append(decided)
        if len(waiting) >= batch and not dry_run:
            files.extend(_apply(settings, state, waiting, guard))
            waiting.clear()

    try:
        run_concurrently(plan.tasks, work, workers=settings.concurrency, console=console, label="exporting", on_result=collect)
        files += waiting if dry_run else _apply(settings, state, waiting, guard)
    except BaseException:
        if not dry_run:
            remove_partials(settings.directory)  # the run holds the lock: every .partial is one of ours
        raise
    return files


def _apply(settings: Settings, state: State, decided: list[FileResult], guard: Guard) -> list[FileResult]:
    """Record a batch's entries, then rename its staged files in: a crash between leaves only pxl10n hashes on disk.

    A file saved since its decision read it (a translator kept working during the pull) is a person's
    edit now: it is kept, its entry and staged copy dropped, before anything is recorded."""
    decided = [_still_as_judged(settings, file) for file in decided]
    state.put_all(f.entry for f in decided if f.entry is not None)
    with stop_at_fault(guard, state.path):
        guard.wrote |= state.save()
    crash.point("pull-recorded")
    return [_place(settings, file, guard) for file in decided]


def _still_as_judged(settings: Settings, file: FileResult) -> FileResult:
    """``file``, or KEPT when the path no longer holds the bytes its decision read (its staged copy removed)."""
    if file.staged is None or holds(file.key.path(settings.directory), file.judged):
        return file
    discard(file.staged)
    return replace(file, status=KEPT, entry=None, staged=None, judged=None,
                   message="saved again during this pull: kept as a person's edit (push it, or delete the file and pull to take PX's copy)")


def _place(settings: Settings, file: FileResult, guard: Guard) -> FileResult:
    """Rename one staged file into place; a file that cannot be written fails alone, a sick machine stops the run."""
    if file.staged is None:
        return file
    target = file.key.path(settings.directory)
    try:
        with stop_at_fault(guard, target):
            place(file.staged, target)
    except OSError as exc:
        return replace(file, status=FAILED, staged=None, message=f"{file.key.relpath()}: cannot write the file ({exc.strerror or exc}); other files go on")
    guard.wrote = True
    crash.point("pull-wrote")
    return replace(file, staged=None)


def _decide(
    client: PXClient, settings: Settings, state: State, history: Remembered, item: Item, locale: str, guard: Guard, *, dry_run: bool
) -> FileResult:
    """One row of the pull table: export, compare, decide; new bytes are only staged (never in a dry run)."""
    key = FileKey(item.kind, item.id, locale)
    if guard.tripped:
        return FileResult(key, FAILED, item.name, "not exported: the run stopped at an environment fault")
    px_language = settings.px_language(locale)
    kind = KINDS[item.kind]
    params = kind.export_params(settings, item.item_type)
    query = kind.export_query(params, px_language=px_language, version=settings.xliff_version, translated=settings.translated, strategy=settings.strategy)
    label = f"{item.kind} {item.id} [{locale}]"
    path = key.path(settings.directory)
    try:
        data = client.export(kind, item.id, query, language=locale)
        canonical, info = extract_xliff(data, source=label, language=px_language)
        current = read_normalized(path)
    except AuthError:
        raise
    except Pxl10nError as exc:
        return FileResult(key, FAILED, item.name, str(exc))
    except OSError as exc:
        if is_environment_fault(exc):
            guard.trip(exc, path)
        return FileResult(key, FAILED, item.name, f"{label}: cannot read {key.relpath()} ({exc.strerror or exc})")
    previous = state.get(key)
    known = history.known(key.relpath(), previous)
    if current is not None and history.set_back(key.relpath(), sha256(current), previous):
        known = known - {sha256(current)}  # put back by a person: theirs now, never replaced
    entry = _entry(settings, key, params, info, sha256(canonical), previous, known)
    decided = _judge(item, entry, known, current, canonical, info, had_entry=previous is not None, looked=history.looked,
                     base=previous.pulled_units if previous is not None else None)
    crash.point("pull-decided")
    if decided.status not in (NEW, UPDATED) or dry_run:
        return decided
    return _stage(settings, decided, canonical, guard)


def _entry(
    settings: Settings, key: FileKey, params: dict[str, str], info: XliffInfo, digest: str, previous: FileState | None, known: set[str]
) -> FileState:
    """The state entry for PX's copy: ``previous`` succeeded (its hash kept in ``seen``), or hashes learnt from git."""
    entry = FileState(
        kind=key.kind,
        item_id=key.item_id,
        locale=key.locale,
        px_language=settings.px_language(key.locale),
        xliff_version=info.version,
        strategy=settings.strategy or info.strategy,
        params=params,
    ).as_pulled(digest, info, pushed=previous.pushed if previous is not None and previous.pulled == digest else None)
    if previous is not None:
        return previous.succeeded_by(entry)
    return replace(entry, seen=tuple(sorted(known))) if known else entry


def _kept_why(current: bytes, px: XliffInfo, key: FileKey, *, changed_in_px: bool, base: Base | None) -> str:
    """Why a file edited here is kept, and the way out that works for it (committed or not). ``base``, the units as
    pulled when the entry keeps them, says what PX's change means for the next push: which units it leaves to PX,
    and which it will call a conflict (PX changed them too), or nothing at all when no unit changed in PX."""
    try:
        tree = parse_xliff(current)
        here = read_info(tree)
    except XliffError as exc:  # "push it" cannot work: push blocks a file validate cannot read
        marker = opening_line(current)
        if marker is not None:
            return f"line {marker}: {UNRESOLVED}; kept as it is, and pushed once the conflict is resolved"
        said = "empty" if not current.strip() else f"not XLIFF pxl10n can read ({exc})"
        return (f"{said}, and not a copy pxl10n wrote; kept as it is: fix it (`pxl10n validate` says where), take "
                "the committed copy back (`git checkout -- FILE`), or delete it and pull to take PX's copy")
    removed = emptied(here, px)
    drafts = drafted_only(here, px)
    if drafts:
        return (f"edited here only by {len(drafts)} draft target(s) ({some(drafts, 3)}), whose state says not translated "
                "yet; kept, and pushed once they are marked translated")
    if removed and (here.translated_units or withhold_units(tree)[1]):
        return (f"edited here only by emptying {len(removed)} unit(s) PX has translated ({some(removed, 3)}); kept, but an "
                "import never removes a translation: the next push sends nothing and takes PX's copy, their text with it "
                "(to remove a translation, remove it in PX's editor)")
    if removed:
        return (f"edited here only by emptying {len(removed)} unit(s) PX has translated ({some(removed, 3)}; a revert?); kept, "
                "but push cannot send that: an import never removes a translation from PX. Remove them in PX's editor, "
                "or delete the file and pull to take PX's copy")
    both = _px_too(here, px, key, base) if changed_in_px else ""
    return f"edited here and not pushed yet; kept{both} (push it, or delete the file and pull to take PX's copy)"


def _px_too(here: XliffInfo, px: XliffInfo, key: FileKey, base: Base | None) -> str:
    """What PX's change to a file edited here means for the next push, for the kept warning."""
    if base is None:  # an entry of an older pxl10n: push reads the units as pulled from history
        return ("; PX changed it too: push sends the units changed here and leaves PX's to PX (a unit changed on both "
                "sides is a conflict, which `pxl10n rebase` resolves keeping both)")
    merged = merge(base, here, px)
    if merged.conflicts:
        causes = conflict_causes(base, px, merged.conflicts)
        return (f"; PX changed {len(causes)} of the units edited here too ({some(causes, 3)}), so push will call it a "
                f"conflict and send nothing: `pxl10n rebase --id {key.item_id} --locale {key.locale}` puts the edits on "
                "PX's copy, keeping those for review against PX's text")
    if merged.keep:
        return (f"; PX changed {len(merged.keep)} other unit(s) ({some(list(merged.keep), 3)}): push sends the units "
                "changed here and leaves those to PX")
    return ""  # PX's copy differs in form only (another XLIFF version, say): no unit's source or target changed


def _with_stale_note(repo: Repo | None, directory: Path, state: State, file: FileResult) -> FileResult:
    """A kept file whose push would be a conflict for a stale target (:mod:`pxl10n.sync.translated_against`) says
    so, instead of "push it"."""
    entry = state.get(file.key)
    if repo is None or entry is None or entry.pulled is None:
        return file
    path = file.key.path(directory)
    data = read_normalized(path)
    base = committed_copy(repo, path, entry.pulled) if data is not None else None
    if data is None or base is None:
        return file
    try:
        tree = parse_xliff(data)
        stale = stale_targets(repo, directory, path, tree, read_info(tree), base, entry.known_hashes())
    except XliffError:
        return file
    if not stale:
        return file
    return replace(file, message=(
        f"edited here and not pushed yet; kept, but push will not send it as it is: the target of {len(stale)} unit(s) "
        f"({some([s.unit for s in stale], 3)}) translates a source PX has changed since, or is PX's older text (a merge, "
        "or an older copy put over it?); `pxl10n push --dry-run` names each with PX's text now"))


def _judge(item: Item, entry: FileState, known: set[str], current: bytes | None, canonical: bytes, info: XliffInfo, *, had_entry: bool,
           looked: str = "git history checked", base: Base | None = None) -> FileResult:
    """The decision table's row for bytes ``current`` on disk against PX's ``canonical`` (``base``: the units of the
    copy the file on disk was pulled as, when its entry keeps them)."""
    key = entry.key
    units, translated = len(info.units), info.translated_units
    if current == canonical:
        return FileResult(key, UNCHANGED, item.name, entry=entry, units=units, translated=translated)
    if current is not None and sha256(current) not in known:
        if had_entry:
            return FileResult(key, KEPT, item.name, _kept_why(current, info, key, changed_in_px=sha256(canonical) not in known,
                                                              base=base),
                              units=units, translated=translated)
        return FileResult(
            key, KEPT, item.name,
            f"no state entry and not a copy pxl10n ever wrote ({looked}): kept as a person's work; "
            f"`pxl10n push --force --id {item.id}` sends it, deleting the file takes PX's copy",
            entry=entry.without_px(), units=units, translated=translated,
        )
    return FileResult(key, NEW if current is None else UPDATED, item.name, entry=entry, units=units, translated=translated, judged=current)


def _stage(settings: Settings, decided: FileResult, canonical: bytes, guard: Guard) -> FileResult:
    """Write PX's bytes to a hidden temporary beside the file (the slow part, in the worker); none once the run stops."""
    if guard.tripped:
        return replace(decided, status=FAILED, entry=None, message="not written: the run stopped at an environment fault")
    try:
        staged = stage(decided.key.path(settings.directory), canonical)
    except OSError as exc:
        if is_environment_fault(exc):
            guard.trip(exc, decided.key.path(settings.directory))
        return replace(decided, status=FAILED, entry=None, message=f"{decided.key.relpath()}: cannot write the file ({exc.strerror or exc}); other files go on")
    return replace(decided, staged=staged)


def _obsolete(
    settings: Settings,
    state: State,
    history: Remembered,
    kinds: tuple[str, ...],
    locales: tuple[str, ...],
    listed: dict[str, list[Item]],
    guard: Guard,
    *,
    dry_run: bool,
    prune_all: bool,
    unfiltered: Callable[[str], set[str]],
) -> list[FileResult]:
    """Remove files of items PX no longer lists: never a person's work, never on an empty or shrunken listing.

    ``kinds`` are the kinds listed in full this run: a kind whose listing failed is never pruned. A listing the
    config's ``[export]`` filters narrow says nothing of the items they leave out, so PX is asked for the kind's whole
    listing (``unfiltered``): an item it still has is left out, its file left as it is; only the rest is gone.
    """
    results: list[FileResult] = []
    for kind in kinds:
        ids = {item.id for item in listed.get(kind, []) if item.localizable}
        entries = [entry for _, entry in sorted(state.entries.items()) if entry.kind == kind and entry.locale in locales]
        gone = [entry for entry in entries if entry.item_id not in ids]
        filters = filter_names(settings, kind) if gone else []
        if filters:
            left, gone = _left_out(kind, gone, filters, unfiltered)
            results += left
        if not gone:
            continue
        held = _prune_held(settings, kind, listed, entries, gone, prune_all=prune_all)
        why = _gone(settings, kind)
        for entry in gone:
            path = entry.key.path(settings.directory)
            with stop_at_fault(guard, path):
                results.append(_remove(entry, path, state, history, guard, held, why, dry_run=dry_run))
    return results


#: Ends the why of every left-out file; what comes before it is said once for them all, in the summary.
_LEFT_AS_IT_IS = ": left as it is"


def _left_out(kind: str, gone: list[FileState], filters: list[str], unfiltered: Callable[[str], set[str]]
              ) -> tuple[list[FileResult], list[FileState]]:
    """Which of ``gone`` PX still has (their files left as they are) and which it has not (still gone); when PX
    cannot list the kind whole, none is taken for gone (kept as they are, and said so)."""
    named = " and ".join(f"[export] {name}" for name in filters)
    try:
        still = unfiltered(kind)
    except AuthError:
        raise
    except PXError as exc:
        why = (f"not in the {kind} listing {named} narrows, and PX could not list every {kind} to tell whether it still "
               f"has it ({exc}){_LEFT_AS_IT_IS}")
        return [FileResult(entry.key, LEFT_OUT, message=why) for entry in gone], []
    why = (f"PX still has this {kind}, but {named} leaves it out{_LEFT_AS_IT_IS} (neither pulled nor removed; "
           "`git rm` it if it is not wanted)")
    return ([FileResult(entry.key, LEFT_OUT, message=why) for entry in gone if entry.item_id in still],
            [entry for entry in gone if entry.item_id not in still])


def _gone(settings: Settings, kind: str) -> str:
    """Why an item's files go: PX no longer lists it, or (content, which PX cannot list) the config no longer names it."""
    if kind == "content":
        return f"no longer among the [[content]] entries of {_config_name(settings)}"
    return "no longer in PX"


def _config_name(settings: Settings) -> str:
    return settings.path.name if settings.path is not None else CONFIG_NAME


def _prune_held(settings: Settings, kind: str, listed: dict[str, list[Item]], entries: list[FileState], gone: list[FileState], *, prune_all: bool) -> str:
    """Why none of ``gone`` may be removed ('' when they may): an empty listing, or more than the allowed share."""
    known_items = {entry.item_id for entry in entries}
    gone_items = {entry.item_id for entry in gone}
    allowed = max(1, math.floor(settings.prune_max_share * len(known_items)))
    if not listed.get(kind):
        return f"PX listed no {kind} at all: nothing removed (check the key and export settings; if every {kind} is really gone, run `pxl10n pull --prune-all`)"
    if len(gone_items) > allowed and not prune_all:
        lister = f"{_config_name(settings)} no longer names" if kind == "content" else "PX no longer lists"
        return (
            f"{lister} {len(gone_items)} of {len(known_items)} {kind}(s), more than pull.prune_max_share "
            f"({settings.prune_max_share:.0%}) allows: nothing removed; run `pxl10n pull --prune-all` to remove them"
        )
    return ""


def _remove(entry: FileState, path: Path, state: State, history: Remembered, guard: Guard, held: str, why: str, *,
            dry_run: bool) -> FileResult:
    """One file of an item gone (``why``): kept when edited here, held, or removed with its entry."""
    current = read_normalized(path)
    if current is not None and not history.owns(entry.key.relpath(), sha256(current), entry):
        lost = "" if entry.kind == "content" else (
            "; push has nowhere to send it (PX has no such item): keep the translation elsewhere if it is wanted, then "
            "`git rm` the file")
        return FileResult(entry.key, KEPT, message=f"{why} but edited here and not pushed; kept{lost}")
    if held:
        return FileResult(entry.key, PRUNE_HELD, message=held)
    if not dry_run:
        path.unlink(missing_ok=True)
        guard.wrote = True
        crash.point("pull-removed")
        state.drop(entry.key.relpath())
    return FileResult(entry.key, REMOVED, message=why)


def _finish(settings: Settings, state: State, repo: Repo | None, result: PullResult, localizable: list[Item], guard: Guard, *, commit: bool) -> PullResult:
    """Keep ``index.json`` and the state, then commit exactly what pxl10n wrote; a sick machine stops here with one line."""
    with stop_at_fault(guard):
        _write_index(settings.directory, localizable)
        guard.wrote |= state.save()
        if repo is None or not commit:
            return result
        paths, leftover = _ours_to_commit(repo, settings, state, result)
        try:
            sha = gitops.commit_paths(repo, paths, commit_message(result, leftover))
            return replace(result, commit=sha, committed_where=gitops.detached_note(repo, sha))
        except GitError as exc:
            raise refused_commit(exc, repo.git_dir, guard) from None


def _ours_to_commit(repo: Repo, settings: Settings, state: State, result: PullResult) -> tuple[list[Path], list[str]]:
    """Exactly what pxl10n wrote: this run's files, plus pxl10n's bytes an interrupted run left uncommitted
    (also as the commit message's lines for them)."""
    directory = settings.directory
    paths = {f.key.path(directory) for f in result.changed}
    paths |= {directory / STATE_NAME, directory / INDEX_NAME}
    leftover = set(own_uncommitted(repo, directory, state)) - paths
    return sorted(paths | leftover), gitops.leftover_lines(directory, leftover)


def _report(result: PullResult, console: Console) -> None:
    for file in result.files:
        if file.status == FAILED:
            console.error(file.message)
        elif file.status in (KEPT, PRUNE_HELD):
            console.warn(f"{file.key.relpath()}: {file.message}")
        elif file.status == LEFT_OUT:
            console.detail(f"{file.key.relpath()}: {file.message}")
        elif file.status == REMOVED:
            console.info(f"{'would remove' if result.dry_run else 'removed'}  {file.key.relpath()} ({file.message})")
        elif file.status in (NEW, UPDATED):
            console.detail(f"{file.status:>9}  {file.key.relpath()}")
    for listing in result.listing_failures:
        console.error(listing.message)
    for message in result.failures:
        console.error(message)


def _summarize(result: PullResult, console: Console) -> None:
    verb = "would change" if result.dry_run else "changed"
    parts = [f"{result.items} item(s)", f"{len(result.files)} file(s)", f"{len(result.changed)} {verb}"]
    if result.count(REMOVED):
        parts.append(f"{result.count(REMOVED)} {'would be ' if result.dry_run else ''}removed")
    if result.count(PRUNE_HELD):
        parts.append(f"{result.count(PRUNE_HELD)} removal(s) held back")
    if result.count(KEPT):
        parts.append(f"{result.count(KEPT)} kept with local edits")
    if result.count(LEFT_OUT):
        first = next(f for f in result.files if f.status == LEFT_OUT)
        console.info(f"{result.count(LEFT_OUT)} file(s) left as they are: {first.message.partition(_LEFT_AS_IT_IS)[0]} "
                     "(-v names each)")
        parts.append(f"{result.count(LEFT_OUT)} left out by [export] filters")
    failed = result.count(FAILED) + len(result.failures) + len(result.listing_failures)
    parts.append(f"{failed} failed")
    console.info("pull: " + ", ".join(parts) + (f"; committed {result.commit[:10]}{result.committed_where}" if result.commit else ""))
