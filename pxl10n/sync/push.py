"""``pxl10n push``: plan, validate, import concurrently, re-export, record, commit once.

A file is sent when its content hash is neither what was pulled nor what was
last pushed (``--force``: every selected file). Files of the source locale,
files with no translated unit and files pull never wrote are never sent. Every
file to send passes the validation gate first; ``push.on_error`` decides
whether an error skips that file or aborts the push.

Each landing is journaled (fsynced) the moment PX accepts it, then the file is
re-exported so the l10n directory holds PX's own bytes and the next pull
changes nothing. A ``kill -9`` at any point is safe to re-run: landed files are
in the journal; a file whose request was in flight is *in doubt* and is checked
against PX's export before it is sent again (see :mod:`pxl10n.sync.journal`).
A 401/403 stops the push at once; every other refusal fails that file only.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pxl10n.config import Settings, ValidateSettings
from pxl10n.console import Console
from pxl10n.errors import AuthError, PXError, Pxl10nError, PXStatusError, XliffError
from pxl10n.fsutil import atomic_write, read_bytes, remove_partials
from pxl10n.px.archive import extract_xliff
from pxl10n.px.client import PXClient
from pxl10n.px.kinds import KINDS
from pxl10n.sync import git as gitops
from pxl10n.sync.journal import Journal
from pxl10n.sync.layout import FileKey, laid_out_keys
from pxl10n.sync.session import (
    Selection,
    export_query,
    import_query,
    open_client,
    run_concurrently,
)
from pxl10n.sync.state import FileState, State, entry_to_dict
from pxl10n.xliff.io import XliffInfo, describe, parse, sha256

# results
PUSHED, CONFIRMED, REFRESHED, WOULD_SEND, WOULD_REFRESH = "pushed", "confirmed", "refreshed", "would-send", "would-refresh"
UNCHANGED, SKIPPED, MISSING = "unchanged", "skipped", "missing"
BLOCKED, REJECTED, FAILED, NOT_SENT, NOT_PULLED, REFUSED = "blocked", "rejected", "failed", "not-sent", "not-pulled", "refused"
FAILING = frozenset({BLOCKED, REJECTED, FAILED, NOT_SENT, NOT_PULLED, REFUSED})
LANDED = frozenset({PUSHED, CONFIRMED, REFRESHED})
#: internal: planned to send, not decided yet; landed earlier but not re-exported yet
_PENDING, _REFRESH = "pending", "refresh"

CHANGED_SINCE_PULL, CHANGED_SINCE_PUSH, FORCED = "changed since pull", "changed since push", "forced"


@dataclass
class PushFile:
    """One selected file: what push decided, did, and why."""

    key: FileKey
    status: str
    reason: str = ""
    entry: FileState | None = None
    data: bytes = b""
    digest: str = ""
    info: XliffInfo | None = None
    in_doubt: bool = False
    px_status: int | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rel(self) -> str:
        return self.key.relpath()

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.rel,
            "kind": self.key.kind,
            "id": self.key.item_id,
            "locale": self.key.locale,
            "result": self.status,
            "reason": self.reason,
        }
        if self.px_status is not None:
            data["px_status"] = self.px_status
        if self.findings:
            data["findings"] = self.findings
        if self.warnings:
            data["warnings"] = self.warnings
        return data


@dataclass
class PushResult:
    """What a push did; ``exit_code`` is 1 as soon as any selected file was not handled."""

    files: list[PushFile] = field(default_factory=list)
    dry_run: bool = False
    directory: str = ""
    stopped: str | None = None
    commit: str | None = None

    def with_status(self, *statuses: str) -> list[PushFile]:
        return [f for f in self.files if f.status in statuses]

    @property
    def landed(self) -> list[PushFile]:
        return self.with_status(*LANDED)

    @property
    def failed(self) -> list[PushFile]:
        return [f for f in self.files if f.status in FAILING]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.stopped else 0

    def as_dict(self) -> dict[str, Any]:
        counts = Counter(f.status for f in self.files)
        return {
            "command": "push",
            "dry_run": self.dry_run,
            "directory": self.directory,
            "summary": {"selected": len(self.files), **{status: counts[status] for status in sorted(counts)}},
            "stopped": self.stopped,
            "files": [f.as_dict() for f in self.files if f.status != UNCHANGED],
            "commit": self.commit,
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
    return sorted(keys)


def _describe(data: bytes, rel: str) -> XliffInfo | None:
    """What a file holds, or None when it does not parse (the validation gate says why)."""
    try:
        return describe(parse(data, source=rel))
    except XliffError:
        return None


def _plan_one(settings: Settings, state: State, key: FileKey, force: bool) -> PushFile:
    entry = state.get(key)
    data = read_bytes(key.path(settings.directory))
    if data is None:
        return PushFile(key, MISSING, "in the state file but not on disk; `pxl10n pull` restores it", entry)
    if entry is None:
        return PushFile(key, NOT_PULLED, "not pulled by pxl10n (no state entry): pull first, then translate the pulled file")
    if key.locale == settings.source_locale or (entry.source_language and entry.px_language == entry.source_language):
        return PushFile(key, SKIPPED, "source locale: never pushed", entry)
    digest = sha256(data)
    file = PushFile(key, _PENDING, entry=entry, data=data, digest=digest)
    if key.relpath() in state.unrefreshed and digest == entry.pushed and not force:
        file.status, file.reason = _REFRESH, "landed before an interruption; re-exported from PX now"
        return file
    if digest in entry.known_hashes() and not force:
        file.status, file.reason = UNCHANGED, "PX holds this content"
        return file
    file.info = _describe(data, file.rel)
    if file.info is not None and file.info.translated_units == 0:
        file.status, file.reason = SKIPPED, "no translated unit"
        return file
    if file.info is not None and file.info.version != entry.xliff_version:
        file.status = REFUSED
        file.reason = (
            f"XLIFF {file.info.version} but pulled as XLIFF {entry.xliff_version}; PX imports only the version it "
            "exported (438): restore the pulled version (git checkout) or pull again"
        )
        return file
    file.in_doubt = state.in_doubt.get(file.rel) == digest
    if digest in entry.known_hashes():
        file.reason = FORCED
    else:
        file.reason = CHANGED_SINCE_PUSH if entry.pushed else CHANGED_SINCE_PULL
    return file


def plan(settings: Settings, state: State, selection: Selection | None = None, *, force: bool = False) -> list[PushFile]:
    """Decide, file by file, what would be sent and why (no network, no writes)."""
    return [_plan_one(settings, state, key, force) for key in _selected_keys(settings, state, selection or Selection())]


# --- validation gate --------------------------------------------------------------------


def _finding_dicts(report: Any, path: Path) -> list[dict[str, Any]]:
    return [{**f.as_dict(), "path": str(path)} for f in report.for_file(path)]


def gate(settings: Settings, files: list[PushFile]) -> int:
    """Validate every file about to be sent; mark those with errors BLOCKED. Returns how many."""
    from pxl10n.sync.validation import gate_report

    pending = [f for f in files if f.status == _PENDING]
    if not pending:
        return 0
    paths = {f.rel: f.key.path(settings.directory).resolve() for f in pending}
    report = gate_report(settings, [(paths[f.rel], f.data, f.entry) for f in pending])
    bad = report.files_with_errors()
    for file in pending:
        if paths[file.rel] in bad:
            file.findings = [d for d in _finding_dicts(report, paths[file.rel]) if d["severity"] == "error"]
            file.status = BLOCKED
            file.reason = f"validation: {len(file.findings)} error(s) ({', '.join(sorted({d['code'] for d in file.findings}))})"
    return sum(1 for f in pending if f.status == BLOCKED)


def validator_view(settings: Settings, path: Path) -> list[dict[str, Any]]:
    """Every finding on one file with no rule deselected: what to show when PX cannot parse it."""
    from pxl10n.sync.validation import validate_paths

    report = validate_paths([path], settings=replace(settings, validate=ValidateSettings()))
    return _finding_dicts(report, path.resolve())


# --- sending ------------------------------------------------------------------------------


def _targets(info: XliffInfo) -> dict[str, str]:
    return {u.id: u.target for u in info.units if u.id and u.target is not None}


def target_differences(sent: XliffInfo, held: XliffInfo) -> list[str]:
    """Units whose target PX does not hold as sent (dropped or changed)."""
    have = _targets(held)
    return [uid for uid, text in _targets(sent).items() if have.get(uid) != text]


def reexport(client: PXClient, settings: Settings, entry: FileState) -> tuple[bytes, XliffInfo]:
    """PX's canonical bytes for one file, exported exactly as pull exported it."""
    query = export_query(settings, entry.kind, entry.params, entry.px_language)
    query["version"] = entry.xliff_version
    query.pop("strategy", None)
    if entry.strategy:
        query["strategy"] = entry.strategy
    label = f"{entry.kind} {entry.item_id} [{entry.locale}]"
    data = client.export(KINDS[entry.kind], entry.item_id, query, language=entry.locale)
    return extract_xliff(data, source=label, language=entry.px_language)


class Sender:
    """Sends planned files, journaling each landing; one instance per push."""

    def __init__(self, client: PXClient, settings: Settings, state: State, journal: Journal) -> None:
        self.client, self.settings, self.state, self.journal = client, settings, state, journal
        self.stop_reason: str | None = None
        self._lock = threading.Lock()

    def _record(self, entry: FileState, op: str = "entry") -> None:
        self.journal.append({"op": op, "path": entry.key.relpath(), "entry": entry_to_dict(entry)})
        with self._lock:
            self.state.put(entry)

    def __call__(self, file: PushFile) -> PushFile:
        """Send one file (or confirm an in-doubt one); never raises for PX or network failures."""
        if self.stop_reason:
            file.status, file.reason = NOT_SENT, f"not sent: {self.stop_reason}"
            return file
        if file.status == _REFRESH:
            file.status = REFRESHED
            file.info = _describe(file.data, file.rel)
            self._refresh(file)
            return file
        if file.in_doubt and self._confirm(file):
            return file
        assert file.entry is not None
        kind = KINDS[file.key.kind]
        self.journal.append({"op": "send", "path": file.rel, "hash": file.digest})
        try:
            self.client.import_file(
                kind, file.key.item_id, file.data, file.key.path(self.settings.directory).name,
                import_query(file.key.kind, file.key.item_id, file.entry.params), language=file.entry.px_language,
            )
        except AuthError as exc:
            self.journal.append({"op": "refused", "path": file.rel})
            self.stop_reason = f"push stopped: {exc}"
            file.status, file.reason, file.px_status = REJECTED, str(exc), exc.status
            return file
        except PXStatusError as exc:
            self.journal.append({"op": "refused", "path": file.rel})
            file.status, file.reason, file.px_status = REJECTED, str(exc), exc.status
            if exc.status == 432:
                file.findings = validator_view(self.settings, file.key.path(self.settings.directory))
            return file
        except PXError as exc:
            file.status, file.reason, file.px_status = FAILED, str(exc), exc.status
            return file
        self._record(replace(file.entry, pushed=file.digest), "landed")
        file.status = PUSHED
        self._refresh(file)
        return file

    def _confirm(self, file: PushFile) -> bool:
        """An interrupted push sent these bytes: True (and recorded) when PX already holds their targets."""
        assert file.entry is not None
        try:
            canonical, held = reexport(self.client, self.settings, file.entry)
        except AuthError as exc:
            self.stop_reason = f"push stopped: {exc}"
            file.status, file.reason, file.px_status = REJECTED, str(exc), exc.status
            return True
        except Pxl10nError:
            return False
        if file.info is None or target_differences(file.info, held):
            return False
        self._record(replace(file.entry, pushed=file.digest), "landed")
        file.status, file.reason = CONFIRMED, f"{file.reason}; landed before an interruption (PX holds its targets)"
        self._store(file, canonical, held)
        return True

    def _refresh(self, file: PushFile) -> None:
        assert file.entry is not None
        try:
            canonical, held = reexport(self.client, self.settings, file.entry)
        except Pxl10nError as exc:
            file.warnings.append(f"landed, but the re-export failed ({exc}); `pxl10n pull` will refresh the file")
            return
        self._store(file, canonical, held)

    def _store(self, file: PushFile, canonical: bytes, held: XliffInfo) -> None:
        """Record PX's regenerated copy as pulled, then write it: a crash in between leaves the sent bytes, still known.

        When PX's copy lacks targets that were sent, the sent file is kept (and committed) rather
        than overwritten, so no translation is lost; the next pull shows PX's version as a diff.
        """
        assert file.entry is not None
        lost = target_differences(file.info, held) if file.info is not None else []
        self._record(
            replace(
                file.entry,
                pushed=file.digest,
                pulled=sha256(canonical),
                xliff_version=held.version,
                source_language=held.src_lang,
                unit_ids=tuple(sorted(u.id for u in held.units if u.id)),
            )
        )
        if lost:
            shown = ", ".join(lost[:5]) + (f" and {len(lost) - 5} more" if len(lost) > 5 else "")
            file.warnings.append(f"PX's copy differs from what was sent in {len(lost)} unit(s): {shown}; the sent file is kept")
        elif canonical != file.data:
            atomic_write(file.key.path(self.settings.directory), canonical)


def _send_all(files: list[PushFile], sender: Sender, settings: Settings, console: Console) -> None:
    """The first file alone (a wrong key or missing Write permission stops there), then the rest concurrently."""
    if not files:
        return
    console.info(f"importing {len(files)} file(s) into PX")
    sender(files[0])
    run_concurrently(files[1:], sender, workers=settings.concurrency, console=console, label="importing", already_done=1)


# --- the command ------------------------------------------------------------------------


def commit_message(result: PushResult) -> str:
    """A stable commit message: counts and locales first, then the files."""
    landed = sorted(result.landed, key=lambda f: f.key)
    locales = sorted({f.key.locale for f in landed})
    head = f"pxl10n push: {len(landed)} file(s) to PX ({', '.join(locales) or 'state only'})"
    lines = [f"- {f.rel}: {f.reason}" for f in landed[:200]]
    if len(landed) > 200:
        lines.append(f"- ... and {len(landed) - 200} more")
    return head + ("\n\n" + "\n".join(lines) if lines else "") + "\n"


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
    result = PushResult(dry_run=dry_run, directory=str(directory))
    if not dry_run:
        remove_partials(directory)
    state = State.load(directory)
    result.files = plan(settings, state, selection, force=force)
    blocked = gate(settings, result.files)
    pending = [f for f in result.files if f.status in (_PENDING, _REFRESH)]
    if blocked and settings.push_on_error == "abort":
        result.stopped = f"push aborted: {blocked} file(s) failed validation (push.on_error = \"abort\")"
        for file in pending:
            file.status, file.reason = NOT_SENT, "not sent: push aborted by the validation gate"
        pending = []
    if dry_run:
        for file in pending:
            file.status = WOULD_REFRESH if file.status == _REFRESH else WOULD_SEND
            if file.in_doubt:
                file.reason += "; an interrupted push sent it: PX is checked before sending again"
    else:
        if pending:
            result.stopped = result.stopped or _execute(settings, state, pending, console, client)
        changed = state.save() if state.entries else False
        repo = gitops.find_repo(directory) if commit and (changed or result.landed) else None
        if repo is not None:
            result.commit = gitops.commit_paths(repo, directory, commit_message(result))
    _report(result, console)
    return result


def _execute(settings: Settings, state: State, pending: list[PushFile], console: Console, client: PXClient | None) -> str | None:
    """Send ``pending``; the reason the push stopped early, if it did."""
    own_client = client is None
    client = client or open_client(settings)
    journal = Journal(settings.directory)
    try:
        sender = Sender(client, settings, state, journal)
        _send_all(pending, sender, settings, console)
        return sender.stop_reason
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
    if result.stopped:
        console.error(result.stopped)
    counts = Counter(f.status for f in result.files)
    verb = "would send" if result.dry_run else "pushed"
    sent = counts[WOULD_SEND] if result.dry_run else counts[PUSHED]
    parts = [f"{len(result.files)} file(s) selected", f"{sent} {verb}", f"{counts[UNCHANGED]} unchanged"]
    parts += [f"{counts[s]} {s}" for s in (CONFIRMED, REFRESHED, WOULD_REFRESH, SKIPPED, MISSING, BLOCKED, REJECTED, FAILED, NOT_SENT, NOT_PULLED, REFUSED) if counts[s]]
    console.info("push: " + ", ".join(parts) + (f"; committed {result.commit[:10]}" if result.commit else ""))


def render_table(result: PushResult) -> str:
    """The per-file result table (path, result, reason); unchanged files are only counted."""
    rows = [(f.rel, f.status, f.reason + "".join(f"; warning: {w}" for w in f.warnings)) for f in result.files if f.status != UNCHANGED]
    if not rows:
        return "nothing to push: every selected file is as PX holds it\n"
    width = max(len("PATH"), *(len(r[0]) for r in rows))
    status_width = max(len("RESULT"), *(len(r[1]) for r in rows))
    lines = [f"{'PATH':<{width}}  {'RESULT':<{status_width}}  REASON"]
    lines += [f"{path:<{width}}  {status:<{status_width}}  {reason}" for path, status, reason in rows]
    return "\n".join(lines) + "\n"

