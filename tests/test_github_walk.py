"""A random walk through the GitHub flow: the example workflows, two people and PX's editor, and nothing lost.

The other walk (tests/test_sync_random_walk.py) plays one repository. This one plays the
repository as a team has it on GitHub (tests/helpers/github_world.py: a bare remote, the
fake ``gh``, the runner playing the example workflows from their YAML): a translator's
long-lived clone, where targets are edited and committed, ``git pull`` merges main (the
state file through pxl10n's merge driver; a translation file both sides changed resolved
by a person taking one side), ``pxl10n pull`` runs now and then, and main is pushed, which
runs *push-to-px*; *sync-from-px* opening or updating its pull request, which a
maintainer merges as GitHub's button does (no merge driver there: a pull request that
conflicts waits for the next sync to rebuild it); a reviewer settling the units of
push-to-px's rebase pull request and merging it; PX's editor changing targets and sources
meanwhile. Now and then main moves, PX changes or sync-from-px runs while push-to-px runs
(before its push, or before it commits the state back), as on a busy repository; the push
that main's move triggers then runs after it, as the workflow's concurrency group queues it.

After every step the walk holds the flow to the two promises of the other walk, read off
the files (the translator's clone, main and the workflow branches on the remote) and PX,
never off pxl10n's records:

* **nothing lost**: the newest text the translator wrote in each unit is in their clone, on a
  branch of the remote, or in PX, until a person or PX replaces it;
* **PX never reverted**: every target a push-to-px run changes in PX is main's, written by the
  translator against the source PX holds now, over no text PX's editor wrote that the
  translator had not seen (pulled, shown by git in a conflict they resolved, or shown by the
  rebase pull request and accepted by the reviewer).

Every workflow run must also end with a clear word: success, or a failure whose log holds
an ``::error`` annotation, and never a traceback.
"""

from __future__ import annotations

import os
import random
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.px.kinds import KIND_NAMES

from .helpers.github_world import SYNC_BRANCH, JobResult, World, git, pxl10n_in, world_in
from .helpers.pulled import keys_of
from .helpers.unit_files import Unit, dressed, px_source, px_target, read_units, write_units, written_over
from .helpers.zygote import Zygote

REBASE_BRANCH = "l10n/px-rebase"
LOCALES = ("fr-FR", "de-DE")
STEPS = 20
#: The stories that found a bug: 232 (a file a rebase review emptied to keep PX's text stayed empty, and a translator
#: wrote over PX's text unseen) and 301 (a merge taking main's older copy of a file was sent as a copy put back,
#: reverting a translation in PX); each also has a test of its own (test_push_empty_targets, test_sync_revert).
FOUND = (232, 301)
#: The stories played: the first ``GITHUB_WALK_SEEDS`` (6 by default, about 7 s each; more for a deep search) and
#: :data:`FOUND`, or the seeds ``GITHUB_WALK_ONLY`` lists (``3,17``). ``GITHUB_WALK_VERBOSE=1`` (with ``-s``) prints
#: the paths taken.
SEEDS = ([int(seed) for seed in os.environ["GITHUB_WALK_ONLY"].split(",")] if os.environ.get("GITHUB_WALK_ONLY")
         else (*range(int(os.environ.get("GITHUB_WALK_SEEDS", "6"))), *FOUND))
MOVES = (("edit", 5), ("publish", 3), ("px_edit", 3), ("px_new_source", 1), ("sync", 2), ("merge_sync", 2),
         ("review_rebase", 4), ("local_pull", 1), ("local_push", 1))
#: How often main moves, PX changes or sync-from-px runs, before a push-to-px run's push, or before it commits its state
#: back.
RACE_RATE = 0.4
#: How often push-to-px's pxl10n dies (a lost runner, a cancelled job), and where (:mod:`pxl10n.sync.crash`; met once
#: per file: the first or second).
KILL_RATE = 0.15
CRASH_POINTS = ("push-sending", "push-sent", "push-landed", "push-reexported", "push-saved")
#: The paths the stories must take between them (with the default seeds or more).
PATHS = ("sent", "sent over PX's editor", "rebase proposed", "rebase merged", "sync merged", "conflict taken ours",
         "conflict taken theirs", "raced at push", "raced at commit-back", "state commit replayed", "sync beside push-to-px",
         "push-to-px killed")


@dataclass
class Flow:
    """One story on GitHub: the world, the translator's clone, what the promises need to know, and the moves."""

    world: World
    zygote: Zygote
    rng: random.Random
    #: where kills are drawn from (a generator of their own: the stories play alike with or without them)
    kills: random.Random
    keys: list[FileKey]
    clone: Path = field(init=False)
    latest: dict[tuple[FileKey, str], str] = field(default_factory=dict)
    against: dict[tuple[FileKey, str, str], str] = field(default_factory=dict)
    based_on: dict[tuple[FileKey, str, str], str | None] = field(default_factory=dict)
    #: every text the translator wrote -> when (their texts replace each other in PX in that order only)
    written: dict[str, int] = field(default_factory=dict)
    #: (file, unit, text) the translator chose over a newer text of theirs that git showed beside it
    chosen: set[tuple[FileKey, str, str]] = field(default_factory=set)
    #: every text PX's editor wrote (so a change PX's editor makes during a run is not taken for the run's)
    editor: set[str] = field(default_factory=set)
    #: pushes to main whose push-to-px run is still queued
    queued: int = 0
    counter: int = 0
    log: list[str] = field(default_factory=list)
    seen: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.clone = self.world.clone("translator")
        git(self.clone, "config", "merge.pxl10n-state.driver", f"{self.zygote.client} merge-state %O %A %B")
        (self.clone / ".git" / "info" / "attributes").write_text("**/pxl10n-state.json merge=pxl10n-state\n")

    # --- the world -----------------------------------------------------------------------------------------------

    @property
    def emulator(self) -> EmulatorServer:
        return self.world.emulator

    def path(self, key: FileKey) -> Path:
        return key.path(self.clone / "l10n")

    def on_branch(self, branch: str) -> dict[FileKey, dict[str, Unit]] | None:
        """The story's files as ``branch`` of the remote holds them; None when there is no such branch."""
        files = {}
        for key in self.keys:
            shown = subprocess.run(["git", "show", f"refs/heads/{branch}:l10n/{key.relpath()}"], cwd=self.world.remote,
                                   capture_output=True, check=False)
            if shown.returncode:
                return None
            files[key] = read_units(shown.stdout)
        return files

    def px_target(self, key: FileKey, unit: str) -> str | None:
        return px_target(self.emulator, key, unit)

    def source_in_px(self, key: FileKey, unit: str) -> str:
        return px_source(self.emulator, key, unit)

    def mark(self, who: str) -> str:
        self.counter += 1
        return f"{who}{self.counter}"

    def open_pr(self, branch: str) -> int | None:
        return next((p["number"] for p in self.world.runner.gh()["prs"] if p["head"] == branch and p["state"] == "open"),
                    None)

    # --- the translator ------------------------------------------------------------------------------------------

    def edit(self) -> None:
        """The translator writes new targets into one or two units of a file and commits."""
        key = self.rng.choice(self.keys)
        units = read_units(self.path(key))
        plain = sorted(unit for unit, found in units.items() if "<" not in found.source)
        changes = {}
        for unit in self.rng.sample(plain, k=min(2, len(plain))):
            text = dressed(units[unit].source, self.mark("T"))
            changes[unit] = (text, "translated")
            self.latest[(key, unit)] = text
            self.written[text] = self.counter
            self.against[(key, unit, text)] = units[unit].source
            written_over(self.based_on, key, unit, text, units[unit].target, self.px_target(key, unit))
        write_units(self.path(key), changes)
        git(self.clone, "commit", "-qam", f"translator: {key.item_id} {key.locale} {sorted(changes)}")
        self.log.append(f"edit {key.locale}/{key.item_id[:8]} {sorted(changes)}")

    def local_pull(self) -> None:
        """The translator runs ``pxl10n pull`` in their clone (it commits what it takes)."""
        result = pxl10n_in(self.clone, "pull")
        self.log.append(f"local pull -> {result.exit_code}")
        assert result.exit_code in (0, 1), f"{self.log}\n{result.output}"
        assert not git(self.clone, "status", "--porcelain"), f"{self.log}\n{result.output}"

    def publish(self, run: bool = True) -> None:
        """The translator merges main into their clone and pushes it (their pull request merged), which runs
        push-to-px (now, or after the run under way when ``run`` is False)."""
        merged = subprocess.run(["git", "pull", "-q", "--no-rebase", "--no-edit", "origin", "main"], cwd=self.clone,
                                capture_output=True, text=True, check=False,
                                env={**os.environ, "GIT_AUTHOR_NAME": "Human", "GIT_AUTHOR_EMAIL": "h@example.com",
                                     "GIT_COMMITTER_NAME": "Human", "GIT_COMMITTER_EMAIL": "h@example.com"})
        if merged.returncode:
            self.resolve()
        git(self.clone, "push", "-q", "origin", "HEAD:main")
        self.log.append("publish")
        self.queued += 1
        if run:
            self.push_to_px()

    def resolve(self) -> None:
        """A merge that conflicts in translation files: the translator takes one side of each, as git shows both
        (the state file never conflicts: pxl10n's driver merges it)."""
        conflicted = git(self.clone, "diff", "--name-only", "--diff-filter=U").split()
        assert conflicted and all(p.endswith(".xlf") for p in conflicted), f"not translation files: {conflicted}"
        for path in conflicted:
            key = next(k for k in self.keys if self.path(k) == self.clone / path)
            ours, theirs = (read_units(subprocess.run(["git", "show", f":{stage}:{path}"], cwd=self.clone,
                                                      capture_output=True, check=True).stdout) for stage in (2, 3))
            side = self.rng.choice(("ours", "theirs"))
            taken, dropped = (ours, theirs) if side == "ours" else (theirs, ours)
            git(self.clone, "checkout", f"--{side}", "--", path)
            git(self.clone, "add", "--", path)
            self.seen[f"conflict taken {side}"] += 1
            for unit, kept in taken.items():
                other = dropped[unit].target if unit in dropped else None
                if kept.target and other is not None and other != kept.target:
                    # git showed both: the translator chose this text over the other, seen
                    self.based_on[(key, unit, kept.target)] = self.based_on.get((key, unit, other), other)
                    if other in self.written and kept.target in self.written and self.written[other] > self.written[kept.target]:
                        self.chosen.add((key, unit, kept.target))
            for (k, unit), text in list(self.latest.items()):
                if k == key and (unit not in taken or taken[unit].target != text) and self.px_target(k, unit) != text:
                    del self.latest[(k, unit)]  # the translator's choice: the other side's text over it
        git(self.clone, "commit", "-q", "--no-edit")
        self.log.append(f"merge conflict in {len(conflicted)} file(s) resolved")

    # --- PX's editor ---------------------------------------------------------------------------------------------

    def px_edit(self) -> None:
        key = self.rng.choice(self.keys)
        units = self.emulator.store.get(key.kind, key.item_id).units
        unit = self.rng.choice(sorted(u for u, source in units.items() if "<" not in source))
        if (key, unit) in self.latest and self.latest[(key, unit)] == self.px_target(key, unit):
            del self.latest[(key, unit)]  # it had landed: PX's editor replaces it, PX's doing
        text = dressed(self.source_in_px(key, unit), self.mark("PX"))
        self.editor.add(text)
        self.emulator.store.apply_import(key.kind, key.item_id, key.locale, {unit: text})
        self.log.append(f"px_edit {key.locale}/{key.item_id[:8]} {unit}")

    def px_new_source(self) -> None:
        key = self.rng.choice(self.keys)
        item = self.emulator.store.get(key.kind, key.item_id)
        assert item is not None
        unit = self.rng.choice(sorted(u for u, source in item.units.items() if "<" not in source))
        with self.emulator.store.lock:
            old = item.units[unit]
            body = old.rstrip()
            item.units[unit] = f"{body} (v{self.mark('S')}){old[len(body):]}"
        self.log.append(f"px_source {key.item_id[:8]} {unit}")

    # --- the workflows -------------------------------------------------------------------------------------------

    def workflow(self, name: str, *, before_step: Callable[[str], None] | None = None, dies_at: str | None = None) -> JobResult:
        """Run a workflow; ``dies_at``, a crash point of :mod:`pxl10n.sync.crash`, kills its pxl10n there (SIGKILL:
        the runner's machine lost, the job cancelled), and then what the dead run had sent lands as its doing."""
        job = {"push-to-px.yml": "push", "sync-from-px.yml": "sync"}[name]
        event = "push" if name == "push-to-px.yml" else "schedule"
        result = self.world.runner.run(name, job, event=event, before_step=before_step,
                                       machine_env={"PXL10N_CRASH_AT": f"{dies_at}:KILL"} if dies_at else None)
        died = dies_at is not None and result.step("push").outcome == "failure"
        if dies_at is not None:
            assert self.emulator.drain(), f"PX still handles a request of the killed run\n{self.log}"
        self.log.append(f"{name} -> {result.conclusion}" + (f", killed at {dies_at}" if died else ""))
        assert "Traceback" not in result.log, f"{self.log}\n{result.log}"
        assert result.conclusion == "success" or "::error" in result.log or died, f"{self.log}\n{result.log}"
        if died:
            self.seen["push-to-px killed"] += 1
        return result

    def push_to_px(self) -> None:
        """The queued push-to-px runs, one after another, each held to the promise; now and then the world moves
        while one runs."""
        while self.queued:
            self.queued -= 1
            self.one_push_to_px()

    def one_push_to_px(self) -> None:
        main = self.on_branch("main")
        assert main is not None
        raced: list[str] = []

        def meanwhile(step: str) -> None:
            """Before its push, PX changes, main moves or a sync runs; before it commits its state back (when it has
            one), main moves or a sync runs."""
            if raced or step not in ("push", "commit-back") or self.rng.random() >= RACE_RATE:
                return
            runner = self.world.runner
            if step == "commit-back" and not git(runner.root / f"run{runner.runs}" / "workspace", "rev-list",
                                                 "origin/main..HEAD"):
                return  # nothing to commit back: main moving now changes nothing for this run
            how = self.rng.choice(("PX changes", "main moves", "sync runs")) if step == "push" else \
                self.rng.choice(("main moves", "sync runs"))
            raced.append(step)
            self.seen[f"raced at {step}"] += 1
            self.log.append(f"meanwhile, before {step}: {how}")
            if how == "PX changes":
                self.rng.choice((self.px_edit, self.px_new_source))()
            elif how == "sync runs":
                self.sync()  # its own concurrency group: it runs beside push-to-px
                self.seen["sync beside push-to-px"] += 1
            else:
                self.edit()
                self.publish(run=False)  # its own run is queued behind this one

        dies_at = (f"{self.kills.choice(CRASH_POINTS)}:{self.kills.randint(1, 2)}" if self.kills.random() < KILL_RATE
                   else None)

        def run(before_push: Callable[[], None]) -> str:
            result = self.workflow("push-to-px.yml", dies_at=dies_at,
                                   before_step=lambda step: (meanwhile(step), step == "push" and before_push()))
            if "replaying the state commit on top" in result.log:
                self.seen["state commit replayed"] += 1
            if result.step("rebase").outcome == "success":
                self.seen["rebase proposed"] += 1
                self.shown()
            return result.log

        self.promised("push-to-px", main, run)

    def local_push(self) -> None:
        """The translator runs ``pxl10n push`` in their clone (it commits the state; main gets it when they publish)."""
        files = {key: read_units(self.path(key)) for key in self.keys}

        def run(before_push: Callable[[], None]) -> str:
            before_push()
            result = pxl10n_in(self.clone, "push")
            self.log.append(f"local push -> {result.exit_code}")
            assert result.exit_code in (0, 1), f"{self.log}\n{result.output}"
            assert not git(self.clone, "status", "--porcelain"), f"{self.log}\n{result.output}"
            return result.output

        self.promised("local push", files, run)

    def promised(self, what: str, files: dict[FileKey, dict[str, Unit]], run: Callable[[Callable[[], None]], str]) -> None:
        """Run a push of ``files`` (``run`` calls the hook it is given right before the push starts, when the sources
        it must translate are read), holding every target it changes in PX to the promise."""
        before = {(key, unit): self.px_target(key, unit) for key in self.keys for unit in files[key]}
        sources: dict[tuple[FileKey, str], str] = {}

        def before_push() -> None:
            sources.update({(key, unit): self.source_in_px(key, unit) for key in self.keys for unit in files[key]})

        output = run(before_push)
        assert sources, f"{what} never reached its push\n{self.log}\n{output}"
        for (key, unit), old in before.items():
            new = self.px_target(key, unit)
            if new == old or new in self.editor:
                continue
            where = f"{what} set {key.locale}/{key.item_id} {unit} from {old!r} to {new!r}\n{self.log}\n{output}"
            assert new is not None and new == files[key][unit].target, where
            assert (key, unit, new) in self.against, f"not a text the translator wrote: {where}"
            if old is not None and old in self.written:
                assert self.written[old] < self.written[new] or (key, unit, new) in self.chosen, \
                    f"the translator's newer text replaced by an older one: {where}"
            assert self.against[(key, unit, new)] == sources[(key, unit)], f"sent against an old source: {where}"
            self.seen["sent"] += 1
            if old is not None and "[PX" in old:
                assert self.based_on.get((key, unit, new), "") == old, f"PX's editor's text replaced unseen: {where}"
                self.seen["sent over PX's editor"] += 1

    def shown(self) -> None:
        """The rebase pull request shows PX's text beside each unit it marked for review."""
        files = self.on_branch(REBASE_BRANCH)
        assert files is not None, self.log
        for key, units in files.items():
            for unit, found in units.items():
                if found.state == "initial" and found.target:
                    self.based_on[(key, unit, found.target)] = self.px_target(key, unit)

    def sync(self) -> None:
        self.workflow("sync-from-px.yml")

    def merged(self, branch: str, what: str) -> None:
        """A maintainer merges ``branch``'s pull request as GitHub's button does (a merge commit, no merge driver),
        then push-to-px runs; nothing is merged when it conflicts (GitHub says so and offers no button)."""
        work = self.world.clone("maintainer")
        git(work, "fetch", "-q", "origin", branch)
        done = subprocess.run(["git", "merge", "-q", "--no-ff", "--no-edit", "FETCH_HEAD"], cwd=work, capture_output=True,
                              text=True, check=False,
                              env={**os.environ, "GIT_AUTHOR_NAME": "M", "GIT_AUTHOR_EMAIL": "m@example.com",
                                   "GIT_COMMITTER_NAME": "M", "GIT_COMMITTER_EMAIL": "m@example.com"})
        if done.returncode:
            self.log.append(f"{what} pull request conflicts with main: not merged")
            self.seen[f"{what} conflicts"] += 1
            return
        git(work, "push", "-q", "origin", "HEAD:main")
        number = self.open_pr(branch)
        assert number is not None
        self.world.runner.merge_pr(number)
        self.log.append(f"{what} pull request merged")
        self.seen[f"{what} merged"] += 1
        self.queued += 1
        self.push_to_px()

    def merge_sync(self) -> None:
        if self.open_pr(SYNC_BRANCH) is not None:
            self.merged(SYNC_BRANCH, "sync")

    def review_rebase(self) -> None:
        """A reviewer settles the units the rebase pull request marked (keeps the edit, or empties it to keep PX's),
        commits on its branch, and merges it."""
        if self.open_pr(REBASE_BRANCH) is None:
            return
        work = self.world.clone("reviewer", REBASE_BRANCH)
        changes: dict[FileKey, dict[str, tuple[str, str]]] = {}
        for key in self.keys:
            for unit, found in read_units(key.path(work / "l10n")).items():
                if found.state != "initial" or not found.target:
                    continue
                if self.rng.random() < 0.7:
                    changes.setdefault(key, {})[unit] = (found.target, "translated")
                    self.against[(key, unit, found.target)] = found.source
                else:
                    changes.setdefault(key, {})[unit] = ("", "initial")
                    if self.latest.get((key, unit)) == found.target:
                        del self.latest[(key, unit)]  # the reviewer's choice: PX's text stays
        for key, units in changes.items():
            write_units(key.path(work / "l10n"), units)
        if changes:
            git(work, "commit", "-qam", "review")
            git(work, "push", "-q", "origin", REBASE_BRANCH)
        self.log.append(f"review {[(k.locale, sorted(u)) for k, u in changes.items()]}")
        self.merged(REBASE_BRANCH, "rebase")

    # --- the promise ---------------------------------------------------------------------------------------------

    def check(self) -> None:
        """Nothing lost: each unit's newest translator text is in the clone, on a branch of the remote, or in PX."""
        places = [{key: read_units(self.path(key)) for key in self.keys}]
        places += [files for branch in ("main", SYNC_BRANCH, REBASE_BRANCH) if (files := self.on_branch(branch))]
        for (key, unit), text in self.latest.items():
            held = [files[key][unit].target for files in places if unit in files[key]]
            assert text in held or self.px_target(key, unit) == text, (
                f"lost {text!r} of {key.locale}/{key.item_id} {unit}: held {held}, PX {self.px_target(key, unit)!r}\n"
                f"{self.log}")

    def step(self) -> None:
        moves, weights = zip(*MOVES, strict=True)
        getattr(self, self.rng.choices(moves, weights)[0])()
        self.check()


def test_the_github_flow_loses_no_edit_and_reverts_no_px_text(emulator: EmulatorServer, zygote: Zygote,
                                                               pulled_remote_template: Path, setup_python: Path,
                                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each seed's story on a GitHub of its own (a copy of the pulled remote), against the emulator's first store."""
    seen: Counter[str] = Counter()
    for seed in SEEDS:
        world = world_in(tmp_path_factory.mktemp(f"github-{seed}"), pulled_remote_template, emulator.reset(), zygote,
                         setup_python)
        rng = random.Random(seed)
        items = sorted({(kind, key.item_id) for kind in KIND_NAMES for key in keys_of(emulator, kind)
                        if len(emulator.store.get(kind, key.item_id).units) >= 3})
        flow = Flow(world, zygote, rng, random.Random(f"kills {seed}"),
                    [FileKey(kind, item, locale) for kind, item in rng.sample(items, 2) for locale in LOCALES])
        flow.log.append(f"seed {seed}")
        for _ in range(STEPS):
            flow.step()
        flow.publish()  # the translator's last work reaches main, and push-to-px runs
        flow.check()
        seen += flow.seen
    if os.environ.get("GITHUB_WALK_VERBOSE"):
        print(f"\npaths taken: {dict(seen)}")
    if len(SEEDS) >= 6:
        assert all(seen[path] for path in PATHS), f"the stories never took {[p for p in PATHS if not seen[p]]}: {seen}"
