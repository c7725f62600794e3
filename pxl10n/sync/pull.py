"""``pxl10n pull``: plan, export concurrently, write what changed, commit once.

Every localizable item x target locale becomes one canonical XLIFF file. A file
is rewritten only when its bytes change, so a pull with nothing new touches
nothing and commits nothing. One failing item never stops the others; its old
file stays as it was, and the result says so (exit 1). A file edited locally and
not pushed yet is never overwritten: it is reported and kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pxl10n.config import Settings
from pxl10n.console import Console
from pxl10n.errors import AuthError, ConfigError, Pxl10nError
from pxl10n.fsutil import atomic_write, read_bytes, remove_partials
from pxl10n.px.archive import extract_xliff
from pxl10n.px.client import PXClient
from pxl10n.px.kinds import KINDS, Item
from pxl10n.sync import git as gitops
from pxl10n.sync.layout import INDEX_NAME, FileKey
from pxl10n.sync.session import Selection, export_query, kind_params, open_client, run_concurrently
from pxl10n.sync.state import FileState, State
from pxl10n.xliff.io import sha256

NEW, UPDATED, UNCHANGED, KEPT, FAILED, REMOVED = "new", "updated", "unchanged", "kept-local", "failed", "removed"


@dataclass
class FileResult:
    """The outcome for one item x locale."""

    key: FileKey
    status: str
    name: str = ""
    message: str = ""
    units: int = 0
    translated: int = 0
    entry: FileState | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.key.kind,
            "id": self.key.item_id,
            "locale": self.key.locale,
            "path": self.key.relpath(),
            "status": self.status,
            "units": self.units,
            "translated": self.translated,
            **({"message": self.message} if self.message else {}),
        }


@dataclass
class PullResult:
    """What a pull did; ``exit_code`` is 1 as soon as anything failed."""

    items: int = 0
    files: list[FileResult] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    commit: str | None = None
    dry_run: bool = False
    directory: str = ""

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def changed(self) -> list[FileResult]:
        return [f for f in self.files if f.status in (NEW, UPDATED, REMOVED)]

    @property
    def exit_code(self) -> int:
        return 1 if self.failures or self.count(FAILED) else 0

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
                "failed": self.count(FAILED),
            },
            "skipped": self.skipped,
            "changed": [f.key.relpath() for f in self.changed],
            "failures": [f.as_dict() for f in self.files if f.status == FAILED] + [{"message": m} for m in self.failures],
            "commit": self.commit,
        }


def list_items(client: PXClient, settings: Settings, kinds: Iterable[str], console: Console) -> list[Item]:
    """Every item of the selected kinds; content entries come from the config."""
    items: list[Item] = []
    for name in kinds:
        kind = KINDS[name]
        if name == "content":
            items.extend(Item("content", entry.id, f"{entry.type} {entry.id}", item_type=entry.type) for entry in settings.content)
            continue
        params: dict[str, Any] = {}
        if name == "engagement" and settings.engagement_types:
            params["contentTypes"] = ",".join(settings.engagement_types)
        if name in ("article", "kcbot") and settings.product_id:
            params["productId"] = settings.product_id
        listed = client.list(kind, params=params)
        console.detail(f"listed {len(listed)} {name}(s)")
        items.extend(listed)
    return items


def _write_index(directory: Path, items: list[Item], dry_run: bool) -> None:
    """Keep ``index.json``: id -> name and type, the readable side of id-based paths."""
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
    if not dry_run and read_bytes(path) != data:
        atomic_write(path, data)


def commit_message(result: PullResult) -> str:
    """A stable, useful commit message: counts first, then the files."""
    changed = sorted(result.changed, key=lambda f: f.key)
    locales = sorted({f.key.locale for f in changed})
    head = f"pxl10n pull: {len(changed)} file(s) from PX ({', '.join(locales) or 'state only'})"
    lines = [f"- {f.key.relpath()}: {f.status}, {f.translated}/{f.units} translated" + (f" ({f.name})" if f.name else "") for f in changed[:200]]
    if len(changed) > 200:
        lines.append(f"- ... and {len(changed) - 200} more")
    return head + ("\n\n" + "\n".join(lines) if lines else "") + "\n"


def pull(
    settings: Settings,
    selection: Selection | None = None,
    *,
    console: Console | None = None,
    dry_run: bool = False,
    commit: bool = True,
    branch: str | None = None,
    client: PXClient | None = None,
) -> PullResult:
    """Export the selection from PX into ``settings.directory``; see the module docstring."""
    console = console or Console()
    selection = selection or Selection()
    kinds, locales = selection.resolve(settings)
    directory = settings.directory
    repo = gitops.find_repo(directory) if (commit or branch) and not dry_run else None
    if branch and not dry_run:
        if repo is None:
            raise ConfigError(f"--branch {branch} needs {directory} to be inside a git work tree")
        if gitops.switch_branch(repo, branch):
            console.info(f"created branch {branch}")
    result = PullResult(dry_run=dry_run, directory=str(directory))
    if not dry_run:
        remove_partials(directory)
    state = State.load(directory)
    own_client = client is None
    client = client or open_client(settings)
    try:
        console.info(f"listing {', '.join(kinds)} from {settings.base_url}")
        items = list_items(client, settings, kinds, console)
        if selection.ids:
            wanted = set(selection.ids)
            found = {item.id for item in items}
            result.failures.extend(f"item {item_id} not found in PX among {', '.join(kinds)}" for item_id in sorted(wanted - found))
            items = [item for item in items if item.id in wanted]
        localizable = [item for item in items if item.localizable]
        if len(localizable) < len(items):
            result.skipped["email"] = len(items) - len(localizable)
            console.detail(f"skipping {result.skipped['email']} email engagement(s): PX cannot localize them")
        result.items = len(localizable)
        tasks = []
        for item in localizable:
            for locale in locales:
                if item.default_language and item.default_language == settings.px_language(locale):
                    result.skipped["same_language"] = result.skipped.get("same_language", 0) + 1
                    continue
                tasks.append((item, locale))
        console.info(f"exporting {len(tasks)} file(s): {len(localizable)} item(s) x {len(locales)} locale(s)")

        def work(task: tuple[Item, str]) -> FileResult:
            item, locale = task
            return _pull_one(client, settings, state, item, locale, dry_run)

        result.files = run_concurrently(tasks, work, workers=settings.concurrency, console=console, label="exporting")
        if not selection.ids:
            result.files.extend(_obsolete(settings, state, kinds, locales, {(i.kind, i.id) for i in localizable}, dry_run))
    finally:
        if own_client:
            client.close()
    for file_result in result.files:
        if file_result.status == REMOVED:
            state.entries.pop(file_result.key.relpath(), None)
        elif file_result.entry is not None:
            state.put(file_result.entry)
        if file_result.status == FAILED:
            console.error(file_result.message)
        elif file_result.status == KEPT:
            console.warn(f"{file_result.key.relpath()}: {file_result.message}")
        elif file_result.status in (NEW, UPDATED, REMOVED):
            console.detail(f"{file_result.status:>9}  {file_result.key.relpath()}")
    for message in result.failures:
        console.error(message)
    if not dry_run:
        directory.mkdir(parents=True, exist_ok=True)
        _write_index(directory, localizable, dry_run)
        state.save()
        if repo is not None and commit:
            result.commit = gitops.commit_paths(repo, directory, commit_message(result))
    _summarize(result, console)
    return result


def _pull_one(client: PXClient, settings: Settings, state: State, item: Item, locale: str, dry_run: bool) -> FileResult:
    key = FileKey(item.kind, item.id, locale)
    px_language = settings.px_language(locale)
    params = kind_params(settings, item.kind, item)
    label = f"{item.kind} {item.id} [{locale}]"
    try:
        data = client.export(KINDS[item.kind], item.id, export_query(settings, item.kind, params, px_language), language=locale)
        canonical, info = extract_xliff(data, source=label, language=px_language)
    except AuthError:
        raise
    except Pxl10nError as exc:
        return FileResult(key, FAILED, item.name, str(exc))
    digest = sha256(canonical)
    path = key.path(settings.directory)
    current = read_bytes(path)
    previous = state.get(key)
    entry = FileState(
        kind=item.kind,
        item_id=item.id,
        locale=locale,
        px_language=px_language,
        xliff_version=info.version,
        strategy=settings.strategy or info.strategy,
        params=params,
        unit_ids=tuple(sorted(u.id for u in info.units if u.id)),
        source_language=info.src_lang,
        pulled=digest,
        pushed=previous.pushed if previous is not None and previous.pulled == digest else None,
    )
    counts = {"units": len(info.units), "translated": info.translated_units}
    if current == canonical:
        return FileResult(key, UNCHANGED, item.name, entry=entry, **counts)
    if current is not None and previous is not None and sha256(current) not in previous.known_hashes():
        return FileResult(key, KEPT, item.name, "edited here and not pushed yet; kept (push it, or discard the edit with git checkout)", **counts)
    if not dry_run:
        atomic_write(path, canonical)
    return FileResult(key, NEW if current is None else UPDATED, item.name, entry=entry, **counts)


def _obsolete(settings: Settings, state: State, kinds: tuple[str, ...], locales: tuple[str, ...], listed: set[tuple[str, str]], dry_run: bool) -> list[FileResult]:
    """Remove files pxl10n pulled for items PX no longer lists (never ones edited and not pushed)."""
    removed = []
    for _, entry in sorted(state.entries.items()):
        if entry.kind not in kinds or entry.locale not in locales or (entry.kind, entry.item_id) in listed:
            continue
        path = entry.key.path(settings.directory)
        current = read_bytes(path)
        if current is not None and sha256(current) not in entry.known_hashes():
            removed.append(FileResult(entry.key, KEPT, message="no longer in PX but edited here and not pushed; kept"))
            continue
        if current is not None and not dry_run:
            path.unlink()
        removed.append(FileResult(entry.key, REMOVED, message="no longer in PX"))
    return removed


def _summarize(result: PullResult, console: Console) -> None:
    verb = "would change" if result.dry_run else "changed"
    parts = [f"{result.items} item(s)", f"{len(result.files)} file(s)", f"{len(result.changed)} {verb}"]
    if result.count(KEPT):
        parts.append(f"{result.count(KEPT)} kept with local edits")
    failed = result.count(FAILED) + len(result.failures)
    parts.append(f"{failed} failed")
    console.info("pull: " + ", ".join(parts) + (f"; committed {result.commit[:10]}" if result.commit else ""))
