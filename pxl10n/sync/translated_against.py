"""Which source each target about to be sent was translated against, read from git history.

A translator writes a target against the source the file holds at that moment.
When PX changes that source later, and a merge brings PX's new source into the
translator's file (git merges the two lines cleanly, or a conflict is resolved by
keeping one side), the file pairs a translation of the old text with the new one,
or with the old one PX no longer shows. Either way, sending it would put a stale
translation in PX, under a source it does not translate, and nothing after would
say so: push must stop there and name the units.

The moment a target was written is the commit ``git blame`` names for its lines
(the newest in the history's order, when they differ; not committed yet: now), or
a later commit of a person's that set its 2.0 segment's ``state`` again (a reviewer
who confirms the target against PX's new text; a 1.2 state is on the target's line). The source the file held
in that commit is the one it was translated against. It is stale when it is not
PX's source as last pulled, and either the file's source has changed under the
target since, or the file still holds an older source of PX's (one of pxl10n's
own copies in history has it). A source a person rewrote in the file, with the
target written against it, is neither: push sends it with a warning, as before.

The same reading finds the other thing such a merge does: a target no person
wrote since an older pull, which PX has changed since (a conflict resolved by
taking the vendor's file whole brings back the vendor's copy of every unit, PX's
older text included). The newest commit that wrote its lines holds one of
pxl10n's own copies with that very target: sending it would put PX's older text
back over its newer one.

A copy can bring PX's older text back without any merge: a vendor returns the
files of a zip sent before PX changed a unit (in PX's editor, say), and they are
copied over the paths; a TMS writes back its own older copy. Then the person's
commit wrote the line, but the text it wrote is one PX held earlier for that unit
(one of pxl10n's copies in history has it), and PX's text now came from PX: every
committed copy holding it is a pull's (the state file committed with it names it
as pulled, and no push), so neither a person's commit nor a push from here ever
held it. Sending the file would revert PX's text; a translation made here and
undone (``git revert``, an older copy checked out) still goes. Nothing here talks to PX or writes anything.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from pxl10n.errors import Pxl10nError, XliffError
from pxl10n.fsutil import normalized
from pxl10n.layout import STATE_NAME
from pxl10n.sync import git as gitops
from pxl10n.sync.state import FileState
from pxl10n.sync.state import parse as parse_state
from pxl10n.xliff.io import Unit, XliffInfo, local_name, parse, read_info, sha256, source_line

if TYPE_CHECKING:
    import git


class Why(StrEnum):
    """Why a target must not be sent as it is."""

    #: written against a source PX has changed since
    SOURCE_CHANGED = "source changed"
    #: PX's own older text, from an older pull, which PX has changed since
    OLDER_COPY = "older copy"


@dataclass(frozen=True)
class StaleTarget:
    """A unit whose target must not be sent as it is, and why; an immutable record."""

    unit: str
    why: Why
    #: the source the file held when the target was written
    written_against: str
    #: PX's source, as last pulled
    px_source: str
    #: PX's target, as last pulled
    px_target: str | None = None
    #: the file's target
    target: str | None = None


def spaced(text: str) -> str:
    """``text`` with its runs of whitespace as one space and none at the edges: what a CAT tool may change
    in a source without changing it."""
    return " ".join(text.split())


def reverted_px_texts(repo: git.Repo, directory: Path, path: Path, sent: XliffInfo, base: bytes,
                      known: Collection[str]) -> list[StaleTarget]:
    """Of a copy put back (``sent``, every unit as an older copy of pxl10n's had it): the units whose target is
    PX's older text over a newer one that came from PX alone (:meth:`History.sets_back`). Undoing a translation
    made here is the point of putting a copy back; undoing a fix made in PX's editor since is not."""
    try:
        pulled = {unit.id: unit for unit in read_info(parse(base, source=str(path))).units if unit.id}
    except XliffError:
        return []
    history = History(repo, directory, path, known)
    return [StaleTarget(unit.id, Why.OLDER_COPY, unit.source, pulled[unit.id].source, pulled[unit.id].target, unit.target)
            for unit in sent.units if unit.id and unit.id in pulled
            and history.sets_back(unit.id, unit.target, pulled[unit.id].target)]


def contrasted(one: str, other: str, limit: int = 60) -> tuple[str, str]:
    """Two texts quoted (spaced) for a message that sets them side by side: each cut to ``limit`` characters
    around where they first differ, so two long texts with a common start never read the same."""
    texts = spaced(one), spaced(other)
    if max(map(len, texts)) <= limit:
        return repr(texts[0]), repr(texts[1])
    common = next((at for at, (a, b) in enumerate(zip(*texts, strict=False)) if a != b), min(map(len, texts)))
    start = max(0, common - limit // 3)
    return _window(texts[0], start, limit), _window(texts[1], start, limit)


def _window(text: str, start: int, limit: int) -> str:
    """``text[start:]`` cut to ``limit`` characters, each cut end marked ``...``."""
    head = "..." if start else ""
    body = text[start:]
    return repr(head + body if len(head + body) <= limit else head + body[: limit - len(head) - 3] + "...")


def stale_targets(repo: git.Repo, directory: Path, path: Path, tree: etree._ElementTree, sent: XliffInfo, base: bytes,
                  known: Collection[str]) -> list[StaleTarget]:
    """The units of ``sent`` (the file at ``path`` under the l10n ``directory`` as it would be sent, ``tree`` as it
    is) whose target changed since ``base`` (the copy PX last gave, from git history) and was written against a
    source PX has changed since, or is PX's older text; ``known`` are the hashes of pxl10n's copies of the file.
    ``[]`` when git cannot say."""
    try:
        pulled = read_info(parse(base, source=str(path)))
    except XliffError:
        return []
    px = {unit.id: unit for unit in pulled.units if unit.id}
    changed = {unit.id: unit for unit in sent.units
               if unit.id and unit.id in px and (unit.target or "").strip() and unit.target != px[unit.id].target}
    if not changed:
        return []
    history = History(repo, directory, path, known)
    committed = gitops.at_head(repo, path)
    if committed is not None and normalized(committed) == base:  # every changed target is written now, uncommitted
        return _judged(changed, px, {uid: Written(unit.source) for uid, unit in changed.items()}, history)
    lines = gitops.blame(repo, path)
    if lines is None:
        return []
    seen = _written_against(repo, lines, lambda: gitops.recency(repo, path), target_lines(tree, changed),
                            state_lines(tree, changed), changed, known)
    return _judged(changed, px, seen, history)


@dataclass(frozen=True)
class Written:
    """How a target came to be: the source its file held then, and whether no person wrote it (the commit holds one
    of pxl10n's copies with that very target); an immutable record."""

    source: str
    px_copy: bool = False


def _judged(changed: dict[str, Unit], px: dict[str, Unit], seen: dict[str, Written], history: History) -> list[StaleTarget]:
    """The stale ones among ``changed``, given how each target was written (``seen``)."""
    stale = []
    for uid in sorted(seen):
        written, was = seen[uid], px[uid]
        if written.px_copy or (  # PX's own older text: PX changed it since (the file's target is not PX's now)
                spaced(written.source) == spaced(was.source) and history.sets_back(uid, changed[uid].target, was.target)):
            stale.append(StaleTarget(uid, Why.OLDER_COPY, written.source, was.source, was.target, changed[uid].target))
            continue
        against, now, here = spaced(written.source), spaced(was.source), spaced(changed[uid].source)
        if against == now:
            continue
        if against == here and against not in history.px_sources(uid):  # PX's older text, or a person's rewrite?
            continue  # a person's rewrite: sent, with push's warning that the source was edited here
        stale.append(StaleTarget(uid, Why.SOURCE_CHANGED, written.source, was.source, was.target))
    return stale


@dataclass(frozen=True)
class _Copy:
    """One committed version of the file: its commit, its units, whether it is one of pxl10n's copies."""

    commit: str
    digest: str
    units: dict[str, Unit]
    ours: bool


class History:
    """The file's committed versions, read from git the first time a question needs them, and what they say
    about each unit: the sources and targets PX gave it, and whether a person here ever wrote a given target."""

    def __init__(self, repo: git.Repo, directory: Path, path: Path, known: Collection[str]) -> None:
        self._repo, self._directory, self._path, self._known = repo, directory, path, known
        self._copies: list[_Copy] | None = None
        self._pulled_at: dict[str, bool] = {}

    def _read(self) -> list[_Copy]:
        if self._copies is None:
            self._copies = []
            for commit, data in gitops.committed_versions_at(self._repo, self._path):
                digest = sha256(normalized(data))
                self._copies.append(_Copy(commit, digest, _units(data, str(self._path)), digest in self._known))
        return self._copies

    def px_sources(self, uid: str) -> set[str]:
        """Every source (spaced) the unit had in pxl10n's copies of the file (copies PX gave)."""
        return {spaced(c.units[uid].source) for c in self._read() if c.ours and uid in c.units}

    def sets_back(self, uid: str, target: str | None, px_target: str | None) -> bool:
        """Whether ``target`` puts back PX's older text over ``px_target``, its text now, that came from PX:
        one of pxl10n's copies held ``target`` for the unit, and every committed copy holding ``px_target`` is a
        pull's (never a person's commit, nor push's re-export of what it sent: text made here is here to undo)."""
        if not target or spaced(target) == spaced(px_target or ""):  # the same text, but for spacing PX may normalize
            return False
        copies = self._read()
        if not any(c.ours and uid in c.units and c.units[uid].target == target for c in copies):
            return False
        holders = [c for c in copies if uid in c.units and c.units[uid].target == px_target]
        return bool(holders) and all(self._pulled(c) for c in holders)

    def _pulled(self, copy: _Copy) -> bool:
        """Whether ``copy`` is a pull's copy of PX's export: the state file committed with it names its hash as pulled,
        and no push (push's re-export may hold what it sent from here: the repository's own text)."""
        if copy.commit not in self._pulled_at:
            entry = self._entry_at(copy.commit)
            self._pulled_at[copy.commit] = entry is not None and entry.pulled == copy.digest and not entry.pushed
        return self._pulled_at[copy.commit]

    def _entry_at(self, commit: str) -> FileState | None:
        """The file's entry in the state file as ``commit`` holds it."""
        state = self._directory / STATE_NAME
        data = gitops.version_at(self._repo, commit, gitops.relative(self._repo, state))
        if data is None:
            return None
        try:
            entries = parse_state(data.decode("utf-8"), state)
        except (Pxl10nError, UnicodeDecodeError):
            return None
        return entries.get(self._path.relative_to(self._directory).as_posix())


def target_lines(tree: etree._ElementTree, units: Collection[str]) -> dict[str, list[int]]:
    """The lines (1-based) the targets of each of ``units`` span in the file ``tree`` was parsed from: a 1.2
    ``<trans-unit>``'s own target, a 2.0 unit's segment and ignorable targets (never an ``<alt-trans>`` proposal)."""
    out: dict[str, list[int]] = {}
    for target in tree.getroot().iter("{*}target"):
        parent = target.getparent()
        if parent is None:
            continue
        unit: etree._Element | None = None
        if local_name(parent) == "trans-unit":
            unit = parent
        elif local_name(parent) in ("segment", "ignorable"):
            unit = parent.getparent()
        else:
            continue  # an alt-trans proposal, or a target out of place
        uid = unit.get("id") if unit is not None else None
        start = source_line(target)
        if uid is None or uid not in units or start is None:
            continue
        end = start + etree.tostring(target, encoding="unicode", with_tail=False).count("\n")
        out.setdefault(uid, []).extend(range(start, end + 1))
    return out


def state_lines(tree: etree._ElementTree, units: Collection[str]) -> dict[str, list[int]]:
    """The line of each 2.0 ``<segment>`` with a target of ``units`` (where its ``state`` is written): a person who
    sets it again after PX's source changed (``reviewed``) has checked the target against that source. In 1.2 the
    state is on the target's own first line."""
    out: dict[str, list[int]] = {}
    for segment in tree.getroot().iter("{*}segment"):
        unit = segment.getparent()
        uid = unit.get("id") if unit is not None else None
        line = source_line(segment)
        if uid in units and uid is not None and line is not None and segment.find("{*}target") is not None:
            out.setdefault(uid, []).append(line)
    return out


def _written_against(repo: git.Repo, lines: list[gitops.Blamed], recency: Callable[[], dict[str, int]],
                     targets: dict[str, list[int]], states: dict[str, list[int]], now: dict[str, Unit],
                     known: Collection[str]) -> dict[str, Written]:
    """Per unit, how its target was written: in the newest commit that wrote its lines (now, for a target not
    committed yet), or later, where a person set its segment's state again; a unit that commit's file does not have
    is left out (nothing to judge)."""
    versions: dict[tuple[str, str], tuple[dict[str, Unit], bool]] = {}

    def version(blamed: gitops.Blamed) -> tuple[dict[str, Unit], bool]:
        assert blamed.commit is not None
        where = (blamed.commit, blamed.path)
        if where not in versions:
            data = gitops.version_at(repo, *where)
            versions[where] = (_units(data, blamed.path), data is not None and sha256(normalized(data)) in known)
        return versions[where]

    ranks: dict[str, int] | None = None

    def age(blamed: gitops.Blamed) -> int:  # 0: the newest; a commit rev-list did not name counts as the oldest
        nonlocal ranks
        ranks = recency() if ranks is None else ranks  # read once, and only when two commits must be ordered
        return ranks.get(blamed.commit or "", len(ranks))

    out: dict[str, Written] = {}
    for uid, numbers in targets.items():
        blamed = [lines[n - 1] for n in numbers if 0 < n <= len(lines)]
        if not blamed:
            continue
        confirmed = [lines[n - 1] for n in states.get(uid, ()) if 0 < n <= len(lines)]
        if any(b.commit is None for b in blamed + confirmed):
            out[uid] = Written(now[uid].source)
            continue
        commits = {b.commit for b in blamed}
        newest = min(blamed, key=age) if len(commits) > 1 else blamed[0]
        later = [b for b in confirmed  # set again later, by a person (a pull's copy is never a confirmation)
                 if b.commit not in commits and not version(b)[1] and age(b) < age(newest)]
        units, ours = version(min(later, key=age) if later else newest)
        if uid in units:
            out[uid] = Written(units[uid].source, not later and ours and units[uid].target == now[uid].target)
    return out


def _units(data: bytes | None, name: str) -> dict[str, Unit]:
    """Unit id -> unit of a file's bytes; empty when there are none or they do not read as XLIFF."""
    if data is None:
        return {}
    try:
        return {unit.id: unit for unit in read_info(parse(normalized(data), source=name)).units if unit.id}
    except XliffError:
        return {}
