"""``pxl10n status``: translation progress per locale and kind, from the files.

Offline by default: the numbers come from the pulled XLIFF files alone, so a CI
job or a translator can ask without a key. ``--remote`` adds PX's own view (the
``translated`` flag of each language in the item listings) and flags drift both
ways: complete here but not in PX (push pending), or complete in PX but not here
(pull pending). Files edited since they were last pulled or pushed are listed
either way, since they are what the next push would send.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pxl10n.assets.wordcount import words
from pxl10n.config import Settings
from pxl10n.console import Console, some
from pxl10n.errors import XliffError
from pxl10n.fsutil import links_under, normalized, read_bytes
from pxl10n.layout import FileKey, laid_out_keys, stray_files
from pxl10n.px.kinds import KIND_NAMES
from pxl10n.sync import git as gitops
from pxl10n.sync import landing
from pxl10n.sync.ownership import Unlisted, pulled_units, remembered, unlisted_edits
from pxl10n.sync.selection import Selection
from pxl10n.sync.state import FileState, State
from pxl10n.sync.unit_merge import edited, own_drafts
from pxl10n.xliff.io import XliffInfo, parse, read_info, sha256

BAR_WIDTH = 20


class Measure(StrEnum):
    """What ``--fail-under`` measures: translated units or translated (source) words."""

    UNITS = "units"
    WORDS = "words"


def parse_threshold(text: str) -> tuple[float, Measure]:
    """``80``, ``80%``, ``80units``, ``80% words`` -> (80.0, measure); ValueError when it is none of those."""
    value = text.strip().lower()
    measure = Measure.UNITS
    for candidate in Measure:
        if value.endswith(candidate.value):
            measure, value = candidate, value[: -len(candidate.value)]
    number = float(value.strip().rstrip("%").strip())
    if not 0 <= number <= 100:
        raise ValueError(f"{number:g} is not between 0 and 100")
    return number, measure


def percent(done: int, total: int) -> float:
    """Share of ``total`` that is done, in percent; 0 when there is nothing."""
    return 100.0 * done / total if total else 0.0


@dataclass
class Row:
    """Figures of one locale x kind (or a total, with ``kind`` "all")."""

    locale: str
    kind: str
    items: int = 0
    complete: int = 0
    units: int = 0
    translated: int = 0
    words: int = 0
    translated_words: int = 0
    changed: int = 0
    px_items: int | None = None
    px_translated: int | None = None

    @property
    def percent(self) -> float:
        return percent(self.translated, self.units)

    @property
    def words_percent(self) -> float:
        return percent(self.translated_words, self.words)

    @property
    def words_to_translate(self) -> int:
        return self.words - self.translated_words

    def share(self, measure: Measure) -> float:
        """The translated share in percent, of units or of words."""
        return self.words_percent if measure is Measure.WORDS else self.percent

    def add(self, other: Row) -> None:
        for name in ("items", "complete", "units", "translated", "words", "translated_words", "changed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.px_items is not None:
            self.px_items = (self.px_items or 0) + other.px_items
            self.px_translated = (self.px_translated or 0) + (other.px_translated or 0)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "locale": self.locale,
            "kind": self.kind,
            "items": self.items,
            "complete_items": self.complete,
            "units": self.units,
            "translated_units": self.translated,
            "percent": round(self.percent, 1),
            "words": self.words,
            "translated_words": self.translated_words,
            "words_to_translate": self.words_to_translate,
            "words_percent": round(self.words_percent, 1),
            "changed_since_push": self.changed,
        }
        if self.px_items is not None:
            data["px_items"] = self.px_items
            data["px_translated_items"] = self.px_translated
        return data


@dataclass
class StatusReport:
    """Rows per locale x kind, totals per locale and overall, drift and local changes."""

    rows: list[Row] = field(default_factory=list)
    locales: list[Row] = field(default_factory=list)
    overall: Row = field(default_factory=lambda: Row("all", "all"))
    remote: bool = False
    changed: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    #: symbolic links under the l10n directory (never read: pull and push refuse them), each "path -> where"
    links: list[str] = field(default_factory=list)
    #: why each of ``unreadable`` cannot be read (the path, then where and why), for the text report
    unreadable_why: list[str] = field(default_factory=list)
    #: files laid out like pulled ones that no pull wrote (no state entry: a copy, a rename): push never sends them
    not_pulled: list[str] = field(default_factory=list)
    #: files of locales or kinds the config no longer lists that hold an edit no push sent (neither counted nor sent)
    unlisted: Unlisted = field(default_factory=Unlisted)
    #: changed files push holds back for their own draft targets (path -> units), a part of ``changed``
    drafts_held: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: changed files with no translated unit and no draft (a revert, targets emptied): push sends nothing of them
    nothing_to_send: list[str] = field(default_factory=list)
    #: changed files whose entry keeps the units as pulled (path -> the units edited since): () when only the form
    #: changed (no unit's source or target)
    edited: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: (path, "push pending" | "pull pending") where the file and PX disagree on "translated"
    drift: list[tuple[str, str]] = field(default_factory=list)
    #: the commit of a rebase that stopped before it landed (its files written, uncommitted), or None
    rebase_waiting: str | None = None

    def below(self, threshold: float, measure: Measure = Measure.UNITS) -> list[tuple[str, float]]:
        """Locales whose translated share (of units or words) is under ``threshold`` percent (the --fail-under rule)."""
        return [(row.locale, row.share(measure)) for row in self.locales if row.share(measure) < threshold]

    def as_dict(self, fail_under: float | None = None, measure: Measure = Measure.UNITS) -> dict[str, Any]:
        data: dict[str, Any] = {
            "command": "status",
            "remote": self.remote,
            "overall": self.overall.as_dict(),
            "locales": [row.as_dict() for row in self.locales],
            "rows": [row.as_dict() for row in self.rows],
            "changed_since_push": self.changed,
            "unreadable": self.unreadable,
            "links": self.links,
            "not_pulled": self.not_pulled,
            "drafts_held": [{"path": path, "units": list(units)} for path, units in self.drafts_held.items()],
            "nothing_to_send": self.nothing_to_send,
            "units_changed": [{"path": path, "units": list(units)} for path, units in self.edited.items()],
            "unlisted_locales_changed": list(self.unlisted.locales),
            "unlisted_kinds_changed": list(self.unlisted.kinds),
            "rebase_waiting": self.rebase_waiting,
        }
        if self.remote:
            data["drift"] = [{"path": path, "drift": what} for path, what in self.drift]
        if fail_under is not None:
            data["fail_under"] = {"threshold": fail_under, "measure": measure.value, "below": [loc for loc, _ in self.below(fail_under, measure)]}
        return data


def _px_flags(settings: Settings, kinds: tuple[str, ...], locales: tuple[str, ...], console: Console) -> dict[FileKey, bool]:
    """(kind, id, locale) -> PX's ``translated`` flag, for every listable item and selected locale."""
    # only --remote talks to PX: a local status never pays for the HTTP stack (httpx, ssl)
    from pxl10n.px.client import PXClient
    from pxl10n.sync.listing import list_items

    flags: dict[FileKey, bool] = {}
    with PXClient.from_settings(settings) as client:
        listed = list_items(client, settings, [k for k in kinds if k != "content"], console)
        for item in (item for items in listed.values() for item in items):
            if not item.localizable:
                continue
            for code, translated in item.languages:
                locale = settings.locale_for(code)
                if locale in locales:
                    flags[FileKey(item.kind, item.id, locale)] = translated
    return flags


def collect(settings: Settings, selection: Selection | None = None, *, remote: bool = False, console: Console | None = None) -> StatusReport:
    """Count items, units and translated units per locale and kind (and PX's view with ``remote``)."""
    console = console or Console()
    kinds, locales = (selection or Selection()).resolve(settings)
    state = State.load(settings.directory)
    with gitops.work_tree(settings.directory) as repo:
        history = remembered(repo, settings.directory)
        waiting = landing.waiting(repo, settings.directory)
    report = StatusReport(remote=remote, rebase_waiting=waiting.sha if waiting is not None else None)
    rows = {(locale, kind): Row(locale, kind) for locale in locales for kind in kinds}
    complete: dict[FileKey, bool] = {}
    drafted: list[tuple[FileKey, FileState, XliffInfo]] = []
    keys, report.not_pulled = _files(settings, state, kinds, locales)
    linked = links_under(settings.directory)
    report.links = [f"{link.relative_to(settings.directory).as_posix()} -> {os.readlink(link)}" for link in linked]
    for key in keys:
        path = key.path(settings.directory)
        if any(link == path or link in path.parents for link in linked):
            continue  # a link: neither counted nor read (it could point anywhere on the machine)
        entry = state.get(key)
        if entry is None:  # push calls it not-pulled and sends nothing: neither progress nor a pending change
            report.not_pulled.append(key.relpath())
            continue
        data = read_bytes(path) or b""
        try:
            info = read_info(parse(data, source=key.relpath()))
        except XliffError as exc:
            report.unreadable.append(key.relpath())
            report.unreadable_why.append(str(exc))
            continue
        row = rows[(key.locale, key.kind)]
        row.items += 1
        row.units += len(info.units)
        row.translated += info.translated_units
        for unit in info.units:
            count = words(unit.source)
            row.words += count
            row.translated_words += count if unit.translated else 0
        complete[key] = bool(info.units) and info.translated_units == len(info.units)
        row.complete += complete[key]
        if not history.owns(key.relpath(), sha256(normalized(data)), entry):
            row.changed += 1
            report.changed.append(key.relpath())
            if entry.pulled is not None and entry.pulled_units is not None:
                report.edited[key.relpath()] = edited(entry.pulled_units, info)
            if any(unit.draft for unit in info.units):
                drafted.append((key, entry, info))
            if not info.translated_units:  # push skips it (drafts_reason when it holds drafts)
                report.nothing_to_send.append(key.relpath())
    report.drafts_held = _drafts_held(settings, drafted)
    report.nothing_to_send = [path for path in report.nothing_to_send if path not in report.drafts_held]
    report.unlisted = unlisted_edits(settings.directory, state, history, settings.locales, settings.kinds)
    if remote:
        _compare_remote(report, rows, complete, _px_flags(settings, kinds, locales, console))
    report.rows = [rows[k] for k in sorted(rows)]
    per_locale: dict[str, Row] = defaultdict(lambda: Row("", "all"))
    for row in report.rows:
        total = per_locale[row.locale]
        total.locale = row.locale
        total.add(row)
        report.overall.add(row)
    report.locales = [per_locale[loc] for loc in locales if loc in per_locale]
    report.not_pulled.sort()
    return report


def _compare_remote(report: StatusReport, rows: dict[tuple[str, str], Row], complete: dict[FileKey, bool], flags: dict[FileKey, bool]) -> None:
    for (_, kind), row in rows.items():
        if kind != "content":
            row.px_items, row.px_translated = 0, 0
    for key, translated in flags.items():
        row = rows[(key.locale, key.kind)]
        row.px_items = (row.px_items or 0) + 1
        row.px_translated = (row.px_translated or 0) + translated
    for key in sorted(set(flags) | {k for k in complete if k.kind != "content"}):
        here, there = complete.get(key, False), flags.get(key, False)
        if here and not there:
            report.drift.append((key.relpath(), "translated here, not in PX: push pending"))
        elif there and not here:
            report.drift.append((key.relpath(), "translated in PX, not here: pull pending"))


# --- rendering --------------------------------------------------------------------------


def _bar(pct: float) -> str:
    filled = round(BAR_WIDTH * pct / 100)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _cells(row: Row, remote: bool) -> list[str]:
    cells = [row.locale, row.kind, str(row.items), str(row.units), str(row.translated), f"{row.percent:.1f}%", str(row.words), str(row.words_to_translate)]
    if remote:
        cells.append("n/a" if row.px_items is None else f"{row.complete}/{row.px_translated}/{row.px_items}")
    cells.append(str(row.changed))
    return cells


def _headers(remote: bool) -> list[str]:
    head = ["LOCALE", "KIND", "ITEMS", "UNITS", "TRANSLATED", "%", "WORDS", "TO-TRANSLATE"]
    if remote:
        head.append("COMPLETE HERE/PX/PX ITEMS")
    return head + ["CHANGED"]


def _table_rows(report: StatusReport) -> list[Row]:
    rows: list[Row] = []
    for total in report.locales:
        rows += [r for r in report.rows if r.locale == total.locale]
        if len([r for r in report.rows if r.locale == total.locale]) > 1:
            rows.append(total)
    return rows + [report.overall]


def render_text(report: StatusReport, *, bars: bool = False) -> str:
    """An aligned table (with progress bars on a terminal), drift and changed files below."""
    table = [_headers(report.remote)] + [_cells(row, report.remote) for row in _table_rows(report)]
    rows = _table_rows(report)
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    numeric = {2, 3, 4, 5, 6, 7} | ({8} if report.remote else set()) | {len(widths) - 1}
    out = []
    for n, line in enumerate(table):
        cells = [cell.rjust(w) if i in numeric else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths, strict=True))]
        text = "  ".join(cells)
        if bars and n:
            text += "  " + _bar(rows[n - 1].percent)
        out.append(text.rstrip())
    out += _notes(report)
    return "\n".join(out) + "\n"


def _files(settings: Settings, state: State, kinds: tuple[str, ...], locales: tuple[str, ...]) -> tuple[list[FileKey], list[str]]:
    """The selected files to count, as push finds them (laid out, or named by the state file: a shortened name
    maps back through index.json, which may be broken), and the stray XLIFF files beside them (a copy, a merge
    tool's file, one in no kind's folder) by path."""
    directory = settings.directory
    entered = {(directory / rel).resolve() for rel in state.entries}
    strays = (path.relative_to(directory).parts for path in stray_files(directory, locales) if path.resolve() not in entered)
    named = ["/".join(parts) for parts in strays if len(parts) < 3 or parts[1] in kinds or parts[1] not in KIND_NAMES]
    keys = {k for k in laid_out_keys(directory, locales) if k.kind in kinds}
    keys |= {entry.key for entry in state.entries.values() if entry.kind in kinds and entry.locale in locales
             and entry.key.path(directory).exists()}
    return sorted(keys), named


def _drafts_held(settings: Settings, drafted: list[tuple[FileKey, FileState, XliffInfo]]) -> dict[str, tuple[str, ...]]:
    """Of the changed files holding a draft, those push holds back for a draft of their own (one PX did not export:
    :func:`~pxl10n.sync.unit_merge.own_drafts`), by path, with the units."""
    if not drafted:
        return {}
    held = {}
    with gitops.work_tree(settings.directory) as repo:
        for key, entry, info in drafted:
            own = own_drafts(info, pulled_units(repo, key.path(settings.directory), entry))
            if own:
                held[key.relpath()] = own
    return held


def _edited(report: StatusReport, path: str) -> str:
    """The units a changed file edits, as pulled, for its line ('' when its entry does not keep them)."""
    if path not in report.edited:
        return ""
    units = list(report.edited[path])
    if not units:
        return ": no unit's source or target edited (it differs otherwise: states, notes, layout)"
    return f": {len(units)} unit(s) edited ({some(units, 5)})"


def _notes(report: StatusReport) -> list[str]:
    lines = []
    if report.rebase_waiting:
        lines.append(f"a pxl10n rebase stopped before its commit {report.rebase_waiting[:12]} landed (or is running "
                     "now): the files it wrote show as changed; the next pull, push or rebase lands it, or says "
                     "why it cannot")
    if report.remote:
        lines.append("COMPLETE HERE/PX/PX ITEMS: items fully translated in the files / that PX counts as translated / PX lists")
        lines += [f"drift: {path}: {what}" for path, what in report.drift] or ["no drift between the files and PX"]
    sent = [path for path in report.changed if path not in report.drafts_held and path not in report.nothing_to_send]
    if sent:
        lines.append(f"{len(sent)} file(s) changed since last pulled or pushed (the next push sends them):")
        lines += [f"  {path}{_edited(report, path)}" for path in sent]
    if report.drafts_held:
        lines.append(f"{len(report.drafts_held)} file(s) changed, held back by draft targets until they are marked "
                     "translated (or emptied, to leave those units to PX):")
        lines += [f"  {path}: {some(list(units), 5)}" for path, units in report.drafts_held.items()]
    if report.nothing_to_send:
        lines.append(f"{len(report.nothing_to_send)} file(s) changed, but with no translated unit: push sends nothing of "
                     "them (an import never removes a translation PX holds: remove it in PX's editor, or delete the "
                     "file and pull to take PX's copy):")
        lines += [f"  {path}{_edited(report, path)}" for path in report.nothing_to_send]
    lines += [f"unreadable (not counted): {why}" for why in report.unreadable_why]
    lines += [f"a symbolic link, not read (not counted; pull and push refuse links under the l10n directory: replace it "
              f"with the real file or folder, or remove it): {link}" for link in report.links]
    lines += [f"not pulled by pxl10n (not counted, push does not send it; pull, then translate the pulled file): {path}"
              for path in report.not_pulled]
    lines += [f"{path}: {said}" for path, said in report.unlisted.said()]
    return lines


def render_markdown(report: StatusReport) -> str:
    """A Markdown table for PR comments and job summaries."""
    head = _headers(report.remote)
    lines = ["### Translation status", "", "| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|"]
    for row in _table_rows(report):
        cells = _cells(row, report.remote)
        if row.kind == "all":
            cells = [f"**{c}**" for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    notes = _notes(report)
    if notes:
        lines += [""] + [f"- {note.strip()}" for note in notes]
    return "\n".join(lines) + "\n"
