"""``pxl10n push``: plan, validate, ask PX, import, re-export, record, commit once.

A file is sent when its content hash is not one pxl10n knows (pulled, pushed or
seen; ``--force``: every selected file). Files of the source locale, files with
no translated unit and files pull never wrote are never sent. Every file to send
passes the validation gate first; ``push.on_error`` decides whether an error
skips that file or aborts the push.

Exactly once, whatever died before: right before an import, push exports the
file. When PX already holds every target, the file is recorded as landed, not
sent (a killed push, a lost journal, a stale or rebased state, a re-run CI job).
When PX changed since the file was pulled, it is never sent whole (that would
revert someone's newer work in PX): the units PX changed are left out of what is
sent (:mod:`pxl10n.sync.unit_merge`), and a unit changed on both sides makes the
file a ``conflict``. So is a file whose target, in some unit, was written against a source PX has changed
since (a merge brought the two together: :mod:`pxl10n.sync.translated_against`), found offline, so
``--dry-run`` says it too. Each landing is journaled
(fsynced) the moment PX accepts it, then the file is re-exported so the l10n
directory holds PX's own bytes. The decision table is ``docs/sync-model.md``.
A 401/403 stops the push at once; every other refusal fails that file only.
A sick machine (the journal, a re-exported file or the state cannot be written:
full disk, read-only tree, I/O error) stops it at once too: no import starts
after the fault, and push ends with one :class:`~pxl10n.errors.EnvironmentFault`
line (exit 2); the journal keeps every landing, so the next push finishes.
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from pxl10n.config import Settings, ValidateSettings
from pxl10n.console import Console, some
from pxl10n.errors import AuthError, GitError, PXError, Pxl10nError, PXStatusError, XliffError
from pxl10n.fsutil import atomic_write, describe_os_error, holds, is_environment_fault, normalized, read_normalized, refuse_links, remove_partials, shown
from pxl10n.layout import STATE_NAME, FileKey, laid_out_keys, require_ids
from pxl10n.px.archive import extract_xliff
from pxl10n.px.client import PXClient
from pxl10n.px.kinds import KINDS
from pxl10n.sync import crash, landing, lock, unit_merge
from pxl10n.sync import git as gitops
from pxl10n.sync import journal as jr
from pxl10n.sync.faults import Guard, refused_commit, stop_at_fault
from pxl10n.sync.ownership import Remembered, Unlisted, committed_copy, own_uncommitted, pulled_units, remembered, unlisted_edits
from pxl10n.sync.pool import run_concurrently
from pxl10n.sync.selection import Selection
from pxl10n.sync.state import FileState, State
from pxl10n.sync.translated_against import StaleTarget, Why, contrasted, reverted_px_texts, spaced, stale_targets
from pxl10n.validate.rules import Document
from pxl10n.xliff.io import XliffInfo, canonical_bytes, parse, read_info, sha256
from pxl10n.xliff.withhold import Withheld, withhold, withhold_targets


class PushStatus(StrEnum):
    """What push did (or would do) with one file (a row of the decision table)."""

    PUSHED = "pushed"
    CONFIRMED = "confirmed"
    REFRESHED = "refreshed"
    WOULD_SEND = "would-send"
    WOULD_REFRESH = "would-refresh"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    MISSING = "missing"
    BLOCKED = "blocked"
    REJECTED = "rejected"
    FAILED = "failed"
    NOT_SENT = "not-sent"
    NOT_PULLED = "not-pulled"
    REFUSED = "refused"
    CONFLICT = "conflict"


class Action(StrEnum):
    """What the plan asks the sender to do."""

    SEND = "send"
    #: re-export a file a killed push had landed, and store PX's copy
    REFRESH = "refresh"
    #: nothing to send (no target with text): take PX's copy, whose text the file's empty targets leave to PX
    TAKE = "take"
    NONE = "none"


S = PushStatus
FAILING = frozenset({S.BLOCKED, S.REJECTED, S.FAILED, S.NOT_SENT, S.NOT_PULLED, S.REFUSED, S.CONFLICT})
LANDED = frozenset({S.PUSHED, S.CONFIRMED, S.REFRESHED})

CHANGED_SINCE_PULL, CHANGED_SINCE_PUSH, FORCED = "changed since pull", "changed since push", "forced"
#: An older copy of the file put back by a person (a revert): their edit, sent like any other.
SET_BACK = "set back to an older copy (a revert?) since PX's newer one was recorded"
LEFT_TO_PX = ("no translated unit: nothing to send; its empty targets, marked not translated yet, leave those units to "
              "PX, so the file takes PX's copy (an import never removes a translation: to remove one, remove it in PX's "
              "editor)")


@dataclass(frozen=True)
class PushPlan:
    """What push decided for one file before any network call, and the bytes it read."""

    key: FileKey
    action: Action
    status: PushStatus | None = None
    reason: str = ""
    entry: FileState | None = None
    data: bytes = b""
    digest: str = ""
    info: XliffInfo | None = None
    in_doubt: bool = False
    #: the bytes to import: ``data`` without its empty targets (hashes and journal stay on ``data``)
    payload: bytes = b""
    #: unit id of each empty target kept out of ``payload``
    withheld: tuple[str, ...] = ()
    #: ``data`` parsed once, under the file's absolute path: the gate validates this tree
    document: Document | None = None
    #: unit id of each target the file says is not translated yet (:attr:`~pxl10n.xliff.io.Unit.draft`)
    drafts: tuple[str, ...] = ()

    @property
    def rel(self) -> str:
        return self.key.relpath()


@dataclass(frozen=True)
class PushOutcome:
    """What happened to one planned file."""

    plan: PushPlan
    status: PushStatus
    reason: str = ""
    px_status: int | None = None
    findings: tuple[dict[str, Any], ...] = ()
    warnings: tuple[str, ...] = ()
    #: the file on disk stays a person's edit, left out of the commit: it was saved again while it was being pushed,
    #: or PX's copy after the import lacks some of what was sent
    kept_as_edit: bool = False

    @property
    def key(self) -> FileKey:
        return self.plan.key

    @property
    def rel(self) -> str:
        return self.plan.rel

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.rel,
            "kind": self.key.kind,
            "id": self.key.item_id,
            "locale": self.key.locale,
            "result": str(self.status),
            "reason": self.reason,
        }
        if self.px_status is not None:
            data["px_status"] = self.px_status
        if self.findings:
            data["findings"] = list(self.findings)
        if self.warnings:
            data["warnings"] = list(self.warnings)
        if self.plan.withheld:
            data["withheld"] = len(self.plan.withheld)
        return data


@dataclass(frozen=True)
class PushResult:
    """What a push did; ``exit_code`` is 1 as soon as any selected file was not handled."""

    files: tuple[PushOutcome, ...] = ()
    dry_run: bool = False
    directory: str = ""
    stopped: str | None = None
    commit: str | None = None
    #: files of locales or kinds the config no longer lists that hold an edit no push sent (ownership.unlisted_edits)
    unlisted: Unlisted = Unlisted()
    #: said after the commit's sha (gitops.detached_note): '' on a branch
    committed_where: str = ""

    def with_status(self, *statuses: PushStatus) -> list[PushOutcome]:
        return [f for f in self.files if f.status in statuses]

    @property
    def landed(self) -> list[PushOutcome]:
        return self.with_status(*LANDED)

    @property
    def failed(self) -> list[PushOutcome]:
        return [f for f in self.files if f.status in FAILING]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.stopped else 0

    def as_dict(self) -> dict[str, Any]:
        counts = Counter(str(f.status) for f in self.files)
        return {
            "command": "push",
            "dry_run": self.dry_run,
            "directory": self.directory,
            "summary": {"selected": len(self.files), **{status: counts[status] for status in sorted(counts)}},
            "stopped": self.stopped,
            "files": [f.as_dict() for f in self.files if f.status != S.UNCHANGED],
            "commit": self.commit,
            "unlisted_locales_changed": list(self.unlisted.locales),
            "unlisted_kinds_changed": list(self.unlisted.kinds),
        }


# --- plan -----------------------------------------------------------------------------


def _selected_keys(settings: Settings, state: State, selection: Selection) -> list[FileKey]:
    """Every file the filters select: known to the state file or present on disk."""
    kinds, locales = selection.resolve(settings)
    ids = set(selection.ids)

    def wanted(key: FileKey) -> bool:
        return key.kind in kinds and key.locale in locales and (not ids or key.item_id in ids)

    keys = {entry.key for entry in state.entries.values() if wanted(entry.key)}
    keys.update(key for key in laid_out_keys(settings.directory, locales) if wanted(key))
    require_ids(ids, keys, kinds, locales, settings.directory, "nothing was sent")
    return sorted(keys)


def _outgoing(data: bytes, path: Path, rel: str) -> tuple[Document, XliffInfo | None, Withheld]:
    """The file parsed once, and what it holds *as it would be sent* (empty targets withheld).

    The document keeps the tree of the file as it is, for the validation gate and
    TM101's corpus; withholding edits a copy. The info is None when the file does not
    parse (the gate says why); every comparison with PX's targets reads it, never D's
    empty targets.
    """
    try:
        tree = parse(data, source=rel)
    except XliffError:
        return Document(str(path), data), None, Withheld(data)
    document = Document(str(path), data, tree)
    try:
        sending = copy.deepcopy(tree)
        sent = withhold(sending, data)
        return document, read_info(sending), sent
    except XliffError:
        return document, None, Withheld(data)


def drafts_reason(units: Sequence[str]) -> str:
    """Why a file holding drafts is not sent, and the way out."""
    return (f"{len(units)} draft target(s), whose state says not translated yet (a machine proposal, the source "
            f"copied, or an edit `pxl10n rebase` kept for review against PX's text): unit {some(list(units))}; "
            "a draft is never sent: mark them translated once they are (1.2 target state=\"translated\", 2.0 segment "
            "state=\"translated\"), or empty them to leave those units to PX, then push")


def _plan_one(settings: Settings, state: State, recovery: jr.Recovery, history: Remembered, key: FileKey, force: bool) -> PushPlan:
    entry = state.get(key)
    data = read_normalized(key.path(settings.directory))
    if data is None:
        return PushPlan(key, Action.NONE, S.MISSING, "in the state file but not on disk; `pxl10n pull` restores it", entry)
    if entry is None:
        return PushPlan(key, Action.NONE, S.NOT_PULLED, "not pulled by pxl10n (no state entry): pull first, then translate the pulled file")
    if key.locale == settings.source_locale or (entry.source_language and entry.px_language == entry.source_language):
        return PushPlan(key, Action.NONE, S.SKIPPED, "source locale: never pushed", entry)
    digest = sha256(data)
    path = key.path(settings.directory).resolve()
    if key.relpath() in recovery.unrefreshed and digest == entry.pushed and not force:
        return PushPlan(key, Action.REFRESH, None, "landed before an interruption; re-exported from PX now", entry, data, digest, _outgoing(data, path, key.relpath())[1])
    ours = history.owns(key.relpath(), digest, entry)
    if ours and not force:
        return PushPlan(key, Action.NONE, S.UNCHANGED, "PX holds this content", entry)
    document, info, sent = _outgoing(data, path, key.relpath())
    drafts = [u.id or "" for u in info.units if u.draft] if info is not None else []
    if info is not None and info.translated_units == 0:
        if sent.left_to_px and not drafts:  # emptied as a rebase review empties a unit to keep PX's text
            return PushPlan(key, Action.TAKE, None, LEFT_TO_PX, entry, data, digest, info)
        why = drafts_reason(drafts) if drafts else ("an import never removes a translation PX holds; remove it in PX's "
                                                     "editor")
        return PushPlan(key, Action.NONE, S.SKIPPED, f"no translated unit: nothing to send ({why})", entry)
    if info is not None and info.version != entry.xliff_version:
        reason = (
            f"XLIFF {info.version} but pulled as XLIFF {entry.xliff_version}; PX imports only the version it "
            "exported (438): restore the pulled version (git checkout) or pull again"
        )
        return PushPlan(key, Action.NONE, S.REFUSED, reason, entry)
    if ours:
        reason = FORCED
    elif digest in entry.known_hashes():
        reason = SET_BACK
    else:
        reason = CHANGED_SINCE_PUSH if entry.pushed else CHANGED_SINCE_PULL
    in_doubt = recovery.in_doubt.get(key.relpath()) == digest
    return PushPlan(key, Action.SEND, None, reason, entry, data, digest, info, in_doubt, sent.data, sent.units, document,
                    tuple(drafts))


def plan(settings: Settings, state: State, selection: Selection | None = None, *, force: bool = False, recovery: jr.Recovery | None = None,
         history: Remembered | None = None) -> list[PushPlan]:
    """Decide, file by file, what would be sent and why (no network, no writes; ``history``: what git remembers)."""
    recovery = recovery or jr.Recovery()
    history = history or Remembered()
    return [_plan_one(settings, state, recovery, history, key, force) for key in _selected_keys(settings, state, selection or Selection())]


# --- validation gate --------------------------------------------------------------------


def _finding_dicts(report: Any, path: str) -> list[dict[str, Any]]:
    return [{**f.as_dict(), "path": path} for f in report.for_file(path)]


def _document(plan_: PushPlan) -> Document:
    assert plan_.document is not None, "only a file planned for sending is validated"
    return plan_.document


def gate(settings: Settings, plans: list[PushPlan]) -> dict[str, tuple[dict[str, Any], ...]]:
    """Validate every file about to be sent; the error findings of each file that must not go."""
    from pxl10n.sync.validation import gate_report

    pending = [p for p in plans if p.action == Action.SEND]
    if not pending:
        return {}
    report = gate_report(settings, [(_document(p), p.entry) for p in pending])
    bad = {str(path) for path in report.files_with_errors()}
    return {
        p.rel: tuple(d for d in _finding_dicts(report, _document(p).path) if d["severity"] == "error")
        for p in pending
        if _document(p).path in bad
    }


def _blocked(plan_: PushPlan, findings: tuple[dict[str, Any], ...]) -> PushOutcome:
    codes = ", ".join(sorted({d["code"] for d in findings}))
    return PushOutcome(plan_, S.BLOCKED, f"validation: {len(findings)} error(s) ({codes})", findings=findings)


def validator_view(settings: Settings, plan_: PushPlan) -> tuple[dict[str, Any], ...]:
    """Every finding on one planned file with no rule deselected: what to show when PX cannot parse it."""
    from pxl10n.sync.validation import gate_report

    document = _document(plan_)
    report = gate_report(replace(settings, validate=ValidateSettings()), [(document, plan_.entry)])
    return tuple(_finding_dicts(report, document.path))


# --- sending ------------------------------------------------------------------------------


def _targets(info: XliffInfo) -> dict[str, str]:
    return {u.id: u.target for u in info.units if u.id and u.target is not None}


def target_differences(sent: XliffInfo, held: XliffInfo) -> list[str]:
    """Units whose target PX does not hold as sent (dropped or changed)."""
    have = _targets(held)
    return [uid for uid, text in _targets(sent).items() if have.get(uid) != text]


def source_differences(sent: XliffInfo, held: XliffInfo) -> list[str]:
    """Units sent with a target whose source, spaces aside, is not PX's: edited in the file (by hand or a CAT
    tool), so the target may translate text PX does not show. A unit sent without a target (withheld, or left for
    PX to keep by a merge, whose source PX itself may have changed) says nothing of the file."""
    have = {u.id: spaced(u.source) for u in held.units if u.id}
    return [u.id for u in sent.units if u.id and u.target is not None and u.id in have and spaced(u.source) != have[u.id]]


def px_newer(sent: XliffInfo, held: XliffInfo) -> list[str]:
    """Units of a file nothing changed here whose target PX holds otherwise (not empty: PX's newer text, not a lost
    one), or whose source PX has changed since, spaces aside: the file's target there is older than PX's."""
    have = {u.id: u for u in held.units if u.id}
    return [u.id for u in sent.units if u.id and u.target is not None and (px := have.get(u.id)) is not None
            and (((px.target or "").strip() and px.target != u.target) or spaced(px.source) != spaced(u.source))]


def _without_targets(plan_: PushPlan, units: Collection[str], reason: str) -> PushPlan:
    """``plan_`` sending its file without the targets of ``units`` (PX keeps its own there), for ``reason``. The
    file is parsed again: the gate's document may have let its tree go."""
    sending = parse(plan_.data, source=plan_.rel)
    withhold_targets(sending, frozenset(units))
    return replace(plan_, payload=canonical_bytes(sending), info=read_info(sending), reason=reason)


def reexport(client: PXClient, settings: Settings, entry: FileState) -> tuple[bytes, XliffInfo]:
    """PX's canonical bytes for one file, exported exactly as pull exported it."""
    kind = KINDS[entry.kind]
    query = kind.export_query(
        entry.params, px_language=entry.px_language, version=entry.xliff_version, translated=settings.translated, strategy=entry.strategy
    )
    label = f"{entry.kind} {entry.item_id} [{entry.locale}]"
    data = client.export(kind, entry.item_id, query, language=entry.locale)
    return extract_xliff(data, source=label, language=entry.px_language)


def _conflict(plan_: PushPlan, why: str) -> PushOutcome:
    """Not sent: PX changed the file since it was pulled and ``why`` its changes cannot be merged with the file's."""
    return PushOutcome(
        plan_, S.CONFLICT,
        f"PX changed this file since it was pulled (someone edited it there){why}: not sent, so PX is not reverted; "
        f"`pxl10n rebase --id {plan_.key.item_id} --locale {plan_.key.locale}` puts the committed edits on PX's copy (those PX changed too kept for "
        "review); or discard yours with git checkout and pull, or overwrite PX with "
        f"`pxl10n push --force --id {plan_.key.item_id} --locale {plan_.key.locale}`",
    )


def pulled_bases(repo: Any, directory: Path) -> Callable[[PushPlan], unit_merge.Base | None]:
    """For a planned file, the units of the copy it was pulled as (:func:`~pxl10n.sync.ownership.pulled_units`)."""
    lock = threading.Lock()

    def find(plan_: PushPlan) -> unit_merge.Base | None:
        if plan_.entry is None:
            return None
        with lock:  # one GitPython repository serves every sending thread
            return pulled_units(repo, plan_.key.path(directory), plan_.entry)
    return find


def held_drafts(repo: Any, directory: Path, plans: list[PushPlan]) -> dict[str, PushOutcome]:
    """The files to send that hold a draft of their own (:func:`~pxl10n.sync.unit_merge.own_drafts`), each
    ``blocked`` by path, ``--force`` or not."""
    pulled_base = pulled_bases(repo, directory)
    out = {}
    for plan_ in plans:
        if plan_.action != Action.SEND or not plan_.drafts:
            continue
        assert plan_.info is not None
        own = unit_merge.own_drafts(plan_.info, pulled_base(plan_))
        if own:
            out[plan_.rel] = PushOutcome(plan_, S.BLOCKED, drafts_reason(own))
    return out


#: From how many files the history check counts aloud (about 20 ms a file: a git blame and two git logs each).
_COUNTED_FROM = 50


def stale_conflicts(repo: Any, directory: Path, plans: list[PushPlan], console: Console | None = None) -> dict[str, PushOutcome]:
    """The files to send that translate, in some unit, a source PX has changed since the target was written
    (:mod:`pxl10n.sync.translated_against`): each a ``conflict``, by path. None outside git, or for a file whose
    pulled copy git history does not hold. ``console`` hears the progress of a long check."""
    if repo is None:
        return {}
    shallow = gitops.is_shallow(repo)
    out = {}
    checked = [p for p in plans if p.action == Action.SEND and p.reason in (CHANGED_SINCE_PULL, CHANGED_SINCE_PUSH, SET_BACK)
               and p.info is not None and not p.in_doubt]  # in doubt: an interrupted push sent it, PX is asked as ever
    for done, plan_ in enumerate(checked, 1):
        if console is not None and len(checked) >= _COUNTED_FROM:
            console.progress(done, len(checked), "checking what each target was translated against")
        assert plan_.entry is not None and plan_.info is not None
        path = plan_.key.path(directory)
        if shallow and not _edits_uncommitted(repo, path, plan_.entry):
            out[plan_.rel] = PushOutcome(plan_, S.CONFLICT, _shallow_reason(plan_))
            continue
        base = committed_copy(repo, path, plan_.entry.pulled) if plan_.entry.pulled else None
        if base is None:
            continue
        if plan_.reason == SET_BACK:  # every line an older copy's: only PX's own newer text is at stake
            stale = reverted_px_texts(repo, directory, path, plan_.info, base, plan_.entry.known_hashes())
        else:
            tree = plan_.document.tree if plan_.document is not None else None  # read before the gate lets it go
            stale = stale_targets(repo, directory, path, tree if tree is not None else parse(plan_.data, source=plan_.rel),
                                  plan_.info, base, plan_.entry.known_hashes())
        if stale:
            out[plan_.rel] = PushOutcome(plan_, S.CONFLICT, _stale_reason(plan_, stale))
    return out


def _edits_uncommitted(repo: Any, path: Path, entry: FileState) -> bool:
    """HEAD holds the file as pulled, or not at all (its edits are not committed yet): then every changed target
    was written now, against the file's own source, and no history is needed to say so."""
    head = gitops.at_head(repo, path)
    return head is None or (entry.pulled is not None and sha256(normalized(head)) == entry.pulled)


def _shallow_reason(plan_: PushPlan) -> str:
    """Why a file with committed edits is not sent from a shallow clone, and the ways out."""
    return ("not sent: this clone is shallow, and push reads from git history which source each target was translated "
            "against, and whether a target is PX's older text brought back by a merge or a copy: without it nothing "
            "tells that sending puts no stale translation over PX's; fetch the history (`git fetch --unshallow`, or "
            "actions/checkout with fetch-depth: 0), or send it anyway with "
            f"`pxl10n push --force --id {plan_.key.item_id} --locale {plan_.key.locale}`")


def _stale_reason(plan_: PushPlan, stale: list[StaleTarget]) -> str:
    """What is wrong with each kind of stale target, what is done (nothing sent) and the ways out."""
    parts = []
    translated = [s for s in stale if s.why is Why.SOURCE_CHANGED]
    if translated:
        first = translated[0]
        now, then = contrasted(first.px_source, first.written_against)
        parts.append(f"the target of {len(translated)} unit(s) translates a source PX has changed since: "
                     f"{some([s.unit for s in translated])} ({first.unit}: PX's source is now {now}, "
                     f"its target translates {then}); translate PX's source (and put it in the "
                     "file as the unit's source), or, where the target still fits it, mark the unit reviewed (2.0 segment "
                     "state, 1.2 target state) and commit")
    older = [s for s in stale if s.why is Why.OLDER_COPY]
    if older:
        first = older[0]
        now, then = contrasted(first.px_target or "", first.target or "")
        parts.append(f"the target of {len(older)} unit(s) is PX's older text from an earlier pull, which PX has changed "
                     "since (a merge that took one side's file whole, an older copy checked out, or a file copied over "
                     f"from an older copy, such as a vendor's or a TMS's?): {some([s.unit for s in older])} "
                     f"({first.unit}: PX's target is now {now}, the file's is {then}); put PX's text back in those units")
    return (f"{plan_.reason}, but " + "; and ".join(parts) + "; not sent, so PX neither shows an old translation under "
            f"its new text nor loses its newer one; `pxl10n rebase --id {plan_.key.item_id} --locale {plan_.key.locale}` "
            "does both once committed (the first kept for review); or send the file as it is with "
            f"`pxl10n push --force --id {plan_.key.item_id} --locale {plan_.key.locale}`")


#: A file not sent because the machine stopped the push (the run ends with an EnvironmentFault)
AT_FAULT = "not sent: the push stopped at an environment fault"


class Sender:
    """Sends planned files, journaling each landing; one instance per push.

    The first environment fault (the journal or a re-exported file cannot be
    written) trips ``guard``: no import starts after it, and push ends with that fault.
    """

    def __init__(self, client: PXClient, settings: Settings, state: State, journal: jr.Journal, guard: Guard, *, force: bool,
                 pulled_base: Callable[[PushPlan], unit_merge.Base | None] = lambda plan_: None, shallow: bool = False) -> None:
        self.client, self.settings, self.state, self.journal, self.guard, self.force = client, settings, state, journal, guard, force
        self.pulled_base, self.shallow = pulled_base, shallow
        self.stop_reason: str | None = None
        self._lock = threading.Lock()

    def _journal(self, record: jr.Record) -> None:
        self.journal.append(record)
        self.guard.wrote = True

    def _record(self, record: jr.Landed | jr.Entry) -> None:
        self._journal(record)
        with self._lock:
            self.state.put(record.entry)

    def __call__(self, plan_: PushPlan) -> PushOutcome:
        """Send one file (or confirm it landed already); never raises for PX or network failures or environment faults."""
        if self.guard.tripped:
            return PushOutcome(plan_, S.NOT_SENT, AT_FAULT)
        if self.stop_reason:
            return PushOutcome(plan_, S.NOT_SENT, f"not sent: {self.stop_reason}")
        try:
            return self._handle(plan_)
        except OSError as exc:
            if not is_environment_fault(exc):
                raise
            self.guard.trip(exc)
            return PushOutcome(plan_, S.FAILED, f"stopped: {describe_os_error(exc)}")

    def _handle(self, plan_: PushPlan) -> PushOutcome:
        assert plan_.entry is not None
        if plan_.action == Action.REFRESH:
            return self._refresh(plan_, S.REFRESHED, plan_.reason)
        if plan_.action == Action.TAKE:
            return self._take(plan_)
        found = self._export(plan_, lambda exc: _not_checked(plan_, exc))
        if isinstance(found, PushOutcome):
            return found
        canonical, held = found
        if plan_.reason == FORCED:
            return self._forced(plan_, held)
        if self.force:  # changed here: the override the conflict messages name, over PX's changes to the same units only
            return self._merged(plan_, canonical, held) if sha256(canonical) not in plan_.entry.px_hashes() else self._send(plan_)
        if plan_.info is not None and not target_differences(plan_.info, held):
            self._record(jr.Landed(plan_.rel, replace(plan_.entry, pushed=plan_.digest)))
            note = "; landed before an interruption" if plan_.in_doubt else ""
            return self._store(plan_, S.CONFIRMED, f"{plan_.reason}{note}; PX already holds its targets (not sent again)", canonical, held)
        if sha256(canonical) not in plan_.entry.px_hashes():
            return self._merged(plan_, canonical, held)
        if plan_.reason == SET_BACK and plan_.info is not None and (stale := source_differences(plan_.info, held)):
            return PushOutcome(plan_, S.CONFLICT, (
                f"{SET_BACK}, whose source PX has changed since in {len(stale)} unit(s): {some(stale)}; not sent, since "
                "those targets translate the old text: translate PX's text in the pulled copy (delete the file and pull), "
                f"or send this one anyway with `pxl10n push --force --id {plan_.key.item_id} --locale {plan_.key.locale}`"))
        return self._send(plan_)

    def _merged(self, plan_: PushPlan, canonical: bytes, held: XliffInfo) -> PushOutcome:
        """PX changed the file since it was pulled: send what changed here alone, when PX changed other units. With
        ``--force`` a unit changed on both sides goes as the file has it, and a file that cannot be merged goes whole;
        a unit PX alone changed still keeps PX's text."""
        base = self.pulled_base(plan_)
        if (base is None or plan_.info is None) and self.force:
            return self._send(plan_)
        if base is None or plan_.info is None:
            shallow = ("; this clone is shallow (fetch the history: `git fetch --unshallow`, or actions/checkout with "
                       "fetch-depth: 0)") if self.shallow else ""
            return _conflict(plan_, f" and the copy it was pulled as is not in git history{shallow}, so the units cannot be merged")
        merged = unit_merge.merge(base, plan_.info, held)
        if merged.conflicts and not self.force:
            causes = unit_merge.conflict_causes(base, held, merged.conflicts)
            return _conflict(plan_, f"; {len(merged.conflicts)} of its unit(s) also changed here: {some(causes)}")
        reason = plan_.reason
        if merged.keep:
            reason += f"; merged with PX's newer {len(merged.keep)} unit(s), which PX keeps: {some(merged.keep)}"
        if merged.conflicts:  # only with --force
            reason += (f"; {len(merged.conflicts)} unit(s) changed in PX too sent as the file has them (--force): "
                       f"{some(merged.conflicts)}")
        plan_ = _without_targets(plan_, merged.keep, reason)
        assert plan_.info is not None and plan_.entry is not None
        if not target_differences(plan_.info, held):
            self._record(jr.Landed(plan_.rel, replace(plan_.entry, pushed=plan_.digest)))
            return self._store(plan_, S.CONFIRMED, f"{reason}; PX already holds the rest (not sent again)", canonical, held)
        return self._send(plan_)

    def _forced(self, plan_: PushPlan, held: XliffInfo) -> PushOutcome:
        """``--force`` of a file nothing changed here (pxl10n's own copy): sent, to put back what PX lacks (a target
        PX lost), but never its older text over PX's newer one: a unit whose target PX holds otherwise, or whose
        source PX has changed, goes without its target, so PX keeps its own."""
        assert plan_.info is not None
        newer = px_newer(plan_.info, held)
        if newer:
            plan_ = _without_targets(plan_, newer, f"{plan_.reason}; PX's newer text kept in {len(newer)} unit(s): {some(newer)}")
        return self._send(plan_)

    def _send(self, plan_: PushPlan) -> PushOutcome:
        assert plan_.entry is not None
        kind = KINDS[plan_.key.kind]
        if self.guard.tripped:
            return PushOutcome(plan_, S.NOT_SENT, AT_FAULT)
        self._journal(jr.Send(plan_.rel, plan_.digest))
        crash.point("push-sending")
        if self.guard.tripped:  # another worker's fault since: this import must not start
            return PushOutcome(plan_, S.NOT_SENT, AT_FAULT)
        try:
            self.client.import_file(
                kind, plan_.key.item_id, plan_.payload, plan_.key.path(self.settings.directory).name,
                kind.import_query(plan_.key.item_id, plan_.entry.params), language=plan_.entry.px_language,
            )
        except AuthError as exc:
            self._journal(jr.Refused(plan_.rel))
            self.stop_reason = f"push stopped: {exc}"
            return PushOutcome(plan_, S.REJECTED, str(exc), exc.status)
        except PXStatusError as exc:
            self._journal(jr.Refused(plan_.rel))
            findings = validator_view(self.settings, plan_) if exc.status == 432 else ()
            return PushOutcome(plan_, S.REJECTED, str(exc), exc.status, findings)
        except PXError as exc:
            return PushOutcome(plan_, S.FAILED, str(exc), exc.status)
        crash.point("push-sent")
        self._record(jr.Landed(plan_.rel, replace(plan_.entry, pushed=plan_.digest)))
        crash.point("push-landed")
        return self._refresh(plan_, S.PUSHED, plan_.reason, just_sent=True)

    def _refresh(self, plan_: PushPlan, status: PushStatus, reason: str, *, just_sent: bool = False) -> PushOutcome:
        assert plan_.entry is not None
        try:
            canonical, held = reexport(self.client, self.settings, plan_.entry)
        except Pxl10nError as exc:
            return PushOutcome(plan_, status, reason, warnings=(f"landed, but the re-export failed ({exc}); `pxl10n pull` will refresh the file",))
        crash.point("push-reexported")
        return self._store(plan_, status, reason, canonical, held, just_sent=just_sent)

    def _take(self, plan_: PushPlan) -> PushOutcome:
        """A file with no target to send, PX's copy written over it: its empty targets said to leave those units to
        PX (as a rebase review empties one to keep PX's text). Left as it is, the file would show those units
        untranslated while PX holds text, and a translator writing there later would replace that text unseen."""
        found = self._export(plan_, lambda exc: f"nothing to send, and PX's copy could not be read ({exc})")
        if isinstance(found, PushOutcome):
            return found
        return self._store(plan_, S.REFRESHED, plan_.reason, *found)

    def _export(self, plan_: PushPlan, failed: Callable[[Pxl10nError], str]) -> tuple[bytes, XliffInfo] | PushOutcome:
        """PX's copy of the file now, or the outcome when PX does not give it: a refused key stops the push, any
        other failure fails the file, as ``failed`` says."""
        assert plan_.entry is not None
        try:
            return reexport(self.client, self.settings, plan_.entry)
        except AuthError as exc:
            self.stop_reason = f"push stopped: {exc}"
            return PushOutcome(plan_, S.REJECTED, str(exc), exc.status)
        except Pxl10nError as exc:
            return PushOutcome(plan_, S.FAILED, failed(exc), getattr(exc, "status", None))

    def _store(self, plan_: PushPlan, status: PushStatus, reason: str, canonical: bytes, held: XliffInfo, *,
               just_sent: bool = False) -> PushOutcome:
        """Record PX's regenerated copy as pulled, then write it: a crash in between leaves the sent bytes, still known.

        When PX's copy, re-exported ``just_sent`` (right after the import), lacks targets that were sent (PX
        dropped them, or another clone's push of the file landed right after this one: which text is newer nothing
        says), the file stays what it was before the push, an edit PX does not hold: the entry forgets the sent
        bytes, so no pull replaces the file with PX's copy, and the next push sends it again where PX is unchanged
        or names the units a conflict where PX changed them. Re-exported by a later run (this one was killed after
        the import), the difference is PX's change since, as any other: PX's copy is written, as a pull would write
        it, so the file on disk is the copy its entry says it was pulled as, the base of the next merge (the sent
        bytes left there would make a later edit of them send the sent text back over PX's newer one). A file saved
        again meanwhile is an edit of the sent bytes, not of PX's copy: its entry is left as it was, so the next push
        merges it against the copy it was pulled as and names the units PX changed a conflict.
        """
        assert plan_.entry is not None
        lost = target_differences(plan_.info, held) if plan_.info is not None else []
        if lost and just_sent:
            self._record(jr.Entry(plan_.rel, plan_.entry.not_holding(plan_.digest)))
            return PushOutcome(plan_, status, reason, kept_as_edit=True, warnings=(
                f"PX's copy differs from what was sent in {len(lost)} unit(s): {some(lost)} (PX dropped the text, or "
                "another push of the file landed right after this one); the file is kept as an edit: the next push "
                "sends it again, or names a conflict where PX's text is now another",))
        path = plan_.key.path(self.settings.directory)
        if lost and not holds(path, plan_.data):  # an edit made on the sent bytes, some of which PX has changed since
            return PushOutcome(plan_, status, reason, kept_as_edit=True, warnings=(
                f"the file was saved again during the push, and PX's copy differs from what was sent in {len(lost)} "
                f"unit(s): {some(lost)} (changed in PX since it landed); the newer edit is kept on disk, not committed, "
                "and its entry keeps the copy it was pulled as: the next push names those units a conflict",))
        entry = plan_.entry.as_pulled(sha256(canonical), held, pushed=plan_.digest)
        self._record(jr.Entry(plan_.rel, plan_.entry.succeeded_by(entry)))
        edited = source_differences(plan_.info, held) if plan_.info is not None else []
        warnings = (f"the source of {len(edited)} unit(s) was edited here ({some(edited)}); PX keeps its own source, so "
                    f"check that those targets translate PX's text",) if edited else ()
        if not holds(path, plan_.data):  # saved again since it was read: that edit is a person's, never replaced
            return PushOutcome(plan_, status, reason, kept_as_edit=True, warnings=(
                "the file was saved again during the push: PX holds what was sent, and the newer edit is kept on disk, "
                "not committed; the next push sends it", *warnings))
        if lost:
            warnings = (f"PX's copy differs from what was sent in {len(lost)} unit(s): {some(lost)} (changed in PX since "
                        "it landed); the file now holds PX's copy, as a pull would write it", *warnings)
        if canonical != plan_.data:
            atomic_write(path, canonical)
        return PushOutcome(plan_, status, reason, warnings=warnings)


def _not_checked(plan_: PushPlan, exc: Pxl10nError) -> str:
    """Why a file was not sent when PX's copy could not be read first, and, when PX says the item is gone, the way out."""
    gone = (f"; if the {plan_.key.kind} is gone from PX for good, the translation has nowhere to go: `git rm` the file "
            "(and its other locales) and commit, or push fails on it every time") if getattr(exc, "status", None) == 435 else ""
    return f"not sent: PX's copy could not be checked first ({exc}){gone}"


def _send_all(plans: list[PushPlan], sender: Sender, settings: Settings, console: Console) -> list[PushOutcome]:
    """The first file alone (a wrong key or missing Write permission stops there), then the rest concurrently."""
    if not plans:
        return []
    console.info(f"importing {len(plans)} file(s) into PX")
    first = sender(plans[0])
    if sender.guard.tripped:
        return [first, *(PushOutcome(p, S.NOT_SENT, AT_FAULT) for p in plans[1:])]
    return [first, *run_concurrently(plans[1:], sender, workers=settings.concurrency, console=console, label="importing", already_done=1)]


# --- the command ------------------------------------------------------------------------


def commit_message(result: PushResult, leftover: Sequence[str] = ()) -> str:
    """A stable commit message: counts and locales first, then the files, then ``leftover``
    (:func:`~pxl10n.sync.git.leftover_lines`: what an earlier run wrote and could not commit)."""
    landed = sorted(result.landed, key=lambda f: f.key)
    locales = sorted({f.key.locale for f in landed})
    head = f"pxl10n push: {len(landed)} file(s) to PX ({', '.join(locales) or 'state only'})"
    return gitops.commit_message(head, [f"- {f.rel}: {f.reason}" for f in landed] + list(leftover))


def push(
    settings: Settings,
    selection: Selection | None = None,
    *,
    console: Console | None = None,
    dry_run: bool = False,
    force: bool = False,
    commit: bool = True,
    client: PXClient | None = None,
) -> PushResult:
    """Import the changed files of the selection into PX; see the module docstring."""
    console = console or Console()
    directory = settings.directory
    refuse_links(directory, "push", settings.directory_link)
    with gitops.work_tree(directory) as found:
        if dry_run:
            state = State.load(directory)
            known = remembered(found, directory)
            planned = plan(settings, state, selection, force=force, recovery=jr.recover(state), history=known)
            result = replace(_dry_run(settings, state, planned, directory, found, force=force, console=console),
                             unlisted=unlisted_edits(directory, state, known, settings.locales, settings.kinds))
        else:
            repo = gitops.require_git(found)
            if repo is not None and commit:
                committed = [directory / STATE_NAME, *(key.path(directory) for key in laid_out_keys(directory, settings.locales))]
                gitops.check_committable(repo, committed, "pxl10n push")
            guard = _guard(directory)
            with stop_at_fault(guard), lock.hold(directory, "push", repo.git_dir if repo is not None else None):
                landing.finish(repo if commit else None, directory, "pxl10n push", console)  # a run that commits
                result = _push(settings, selection, console, guard, repo=repo if commit else None, history=repo, force=force,
                               client=client)
    _report(result, console)
    return result


def _guard(directory: Path) -> Guard:
    return Guard(
        "push",
        written=f"every import PX accepted before it is recorded ({shown(jr.journal_path(directory))}); the next push finishes recording and sends nothing twice",
        untouched="nothing was sent or changed",
    )


def _outcomes_before_sending(settings: Settings, plans: list[PushPlan], history: Any, *, force: bool,
                             console: Console | None = None) -> tuple[list[PushOutcome], list[PushPlan], str | None]:
    """Outcomes decided offline, the plans still to send or refresh, and why the gate stopped everything
    (``history``: the work tree whose history tells what each target was translated against)."""
    held = held_drafts(history, settings.directory, plans)  # then, of the rest, what git history holds back
    if not force:
        held |= stale_conflicts(history, settings.directory, [p for p in plans if p.rel not in held], console)
    blocked = gate(settings, [p for p in plans if p.rel not in held])
    done = [PushOutcome(p, p.status, p.reason) for p in plans if p.action == Action.NONE and p.status is not None]
    done += [*held.values(), *(_blocked(p, blocked[p.rel]) for p in plans if p.rel in blocked)]
    pending = [p for p in plans if p.action != Action.NONE and p.rel not in blocked and p.rel not in held]
    if blocked and settings.push_on_error == "abort":
        done += [PushOutcome(p, S.NOT_SENT, "not sent: push aborted by the validation gate") for p in pending]
        return done, [], f"push aborted: {len(blocked)} file(s) failed validation (push.on_error = \"abort\")"
    return done, pending, None


def _dry_run(settings: Settings, state: State, plans: list[PushPlan], directory: Path, history: Any, *, force: bool,
             console: Console | None = None) -> PushResult:
    done, pending, stopped = _outcomes_before_sending(settings, plans, history, force=force, console=console)
    for p in pending:
        note = "; an interrupted push sent it: PX is checked before sending again" if p.in_doubt else ""
        done.append(PushOutcome(p, S.WOULD_SEND if p.action == Action.SEND else S.WOULD_REFRESH, p.reason + note))
    return PushResult(files=_in_plan_order(plans, done), dry_run=True, directory=str(directory), stopped=stopped)


def _in_plan_order(plans: list[PushPlan], outcomes: list[PushOutcome]) -> tuple[PushOutcome, ...]:
    by_rel = {o.rel: o for o in outcomes}
    return tuple(by_rel[p.rel] for p in plans if p.rel in by_rel)


def _push(settings: Settings, selection: Selection | None, console: Console, guard: Guard, *, repo: Any, history: Any, force: bool,
          client: PXClient | None) -> PushResult:
    """The push under its lock; an environment fault ends it at once, the journal left for the next push to finish.

    ``repo`` commits (None: --no-commit); ``history`` is the work tree whose history holds each file's pulled copy."""
    directory = settings.directory
    remove_partials(directory)
    state = State.load(directory)
    recovery = jr.recover(state)
    known = remembered(history, directory)
    plans = plan(settings, state, selection, force=force, recovery=recovery, history=known)
    done, pending, stopped = _outcomes_before_sending(settings, plans, history, force=force, console=console)
    if pending:
        sent, stop_reason = _execute(settings, state, pending, console, client, guard, force=force, history=history,
                                     shallow=known.shallow)
        if guard.tripped:
            raise guard.error()
        done += sent
        stopped = stopped or stop_reason
    result = PushResult(files=_in_plan_order(plans, done), directory=str(directory), stopped=stopped,
                        unlisted=unlisted_edits(directory, state, known, settings.locales, settings.kinds))
    guard.wrote |= state.save()
    crash.point("push-saved")
    if repo is not None:
        selected = {p.key.path(directory) for p in plans}
        paths = {directory / STATE_NAME} | {f.key.path(directory) for f in result.landed if not f.kept_as_edit}
        leftover = set(own_uncommitted(repo, directory, state, among=selected - paths))
        paths |= leftover
        try:
            message = commit_message(result, gitops.leftover_lines(directory, leftover))
            sha = gitops.commit_paths(repo, sorted(paths), message)
            result = replace(result, commit=sha, committed_where=gitops.detached_note(repo, sha))
        except GitError as exc:
            raise refused_commit(exc, repo.git_dir, guard) from None
    jr.remove(directory)
    return result


def _execute(
    settings: Settings, state: State, pending: list[PushPlan], console: Console, client: PXClient | None, guard: Guard, *, force: bool,
    history: Any = None, shallow: bool = False,
) -> tuple[list[PushOutcome], str | None]:
    """Send ``pending``; the outcomes and the reason the push stopped early, if it did (``history``: the work tree
    holding each file's pulled copy, ``shallow`` when it holds only part of it)."""
    own_client = client is None
    client = client or PXClient.from_settings(settings)
    journal = jr.Journal(settings.directory)
    try:
        sender = Sender(client, settings, state, journal, guard, force=force, pulled_base=pulled_bases(history, settings.directory),
                        shallow=shallow)
        return _send_all(pending, sender, settings, console), sender.stop_reason
    finally:
        journal.close()
        if own_client:
            client.close()


# --- output -----------------------------------------------------------------------------


def _report(result: PushResult, console: Console) -> None:
    for file in result.files:
        for finding in file.findings:
            where = f"{file.rel}:{finding['line']}" if finding.get("line") else file.rel
            unit = f" [{finding['unit']}]" if finding.get("unit") else ""
            console.info(f"  {where}: {finding['code']} {finding['message']}{unit}")
        for warning in file.warnings:
            console.warn(f"{file.rel}: {warning}")
        if file.status == S.CONFLICT:
            console.warn(f"{file.rel}: {file.reason}")
        if file.plan.withheld and file.status in (S.PUSHED, S.WOULD_SEND, S.CONFIRMED):
            console.info(f"{file.rel}: {_withheld_note(file.plan.withheld)}")
    for rel, said in result.unlisted.said():
        console.warn(f"{rel}: {said}")
    if result.stopped:
        console.error(result.stopped)
    counts = Counter(f.status for f in result.files)
    verb = "would send" if result.dry_run else "pushed"
    sent = counts[S.WOULD_SEND] if result.dry_run else counts[S.PUSHED]
    parts = [f"{len(result.files)} file(s) selected", f"{sent} {verb}", f"{counts[S.UNCHANGED]} unchanged"]
    others = (S.CONFIRMED, S.REFRESHED, S.WOULD_REFRESH, S.SKIPPED, S.MISSING, S.BLOCKED, S.REJECTED, S.FAILED, S.NOT_SENT, S.NOT_PULLED, S.REFUSED, S.CONFLICT)
    parts += [f"{counts[s]} {s}" for s in others if counts[s]]
    console.info("push: " + ", ".join(parts) + (f"; committed {result.commit[:10]}{result.committed_where}" if result.commit else ""))


def _withheld_note(units: tuple[str, ...]) -> str:
    return f"{len(units)} empty target(s) withheld, PX keeps what it holds for them (unit {some(units)})"


def render_table(result: PushResult) -> str:
    """The per-file result table (path, result, reason); unchanged files are only counted."""
    rows = [(f.rel, str(f.status), f.reason + "".join(f"; warning: {w}" for w in f.warnings)) for f in result.files if f.status != S.UNCHANGED]
    if not rows:
        return "nothing to push: every selected file is as PX holds it\n"
    width = max(len("PATH"), *(len(r[0]) for r in rows))
    status_width = max(len("RESULT"), *(len(r[1]) for r in rows))
    lines = [f"{'PATH':<{width}}  {'RESULT':<{status_width}}  REASON"]
    lines += [f"{path:<{width}}  {status:<{status_width}}  {reason}" for path, status, reason in rows]
    return "\n".join(lines) + "\n"
