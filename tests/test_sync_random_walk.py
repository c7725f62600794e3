"""A random walk through the whole sync loop: no translator's edit is ever lost, PX is never reverted.

Each seed plays a different story on two items of any kind (engagements,
Knowledge Center bots, articles, content) in two locales, their files in XLIFF
2.0 or 1.2, in a real repository against the emulator over loopback HTTP: a translator edits and
commits targets on main, a vendor on a branch that is merged now and then (a
conflict resolved by taking the vendor's file), PX's editor changes targets and
sources meanwhile, and pull, push and rebase run in any order, with a reviewer
settling what rebase marked for review (keeping the edit, or emptying it to keep
PX's text). Now and then a pull, push or rebase is killed (SIGKILL or Ctrl-C, in
a process of its own, at a named point of :mod:`pxl10n.sync.crash`), PX may
change next, and then the checkout is thrown away (as a CI runner's is) or the
same command is run again in it. After every step the walk holds the loop to two
promises, read off the files and PX, never off pxl10n's own records:

* **nothing lost**: the newest text a translator wrote in each unit is in the
  file or in PX, until a person or PX replaces it (a later edit, a reviewer's
  choice, PX's editor changing the text PX holds);
* **PX never reverted**: every target a push (killed or not) changes in PX is the file's,
  written by a translator, against the source PX holds now, over no text PX's
  editor wrote that the translator had not seen (pulled; shown by rebase and
  accepted by the reviewer; or shown by git beside the vendor's text in a merge
  conflict that a person resolved by taking the vendor's).

Each command must also end cleanly (exit 0 or 1, no traceback) and leave
nothing of its own uncommitted; a command run again after a kill included (it
found a killed rebase left for a person to commit by hand: :mod:`pxl10n.sync.landing`).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import git
import pytest
from lxml import etree

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.px.kinds import KIND_NAMES

from .helpers.branches import install_driver
from .helpers.children import KILLED, child_env, pxl10n
from .helpers.cli import run
from .helpers.pulled import keys_of, l10n
from .helpers.unit_files import dressed, px_source, px_target, read_units, units_in, write_units, written_over
from .helpers.zygote import Zygote

LOCALES = ("fr-FR", "de-DE")
STEPS = 24
#: The stories played: the first ``WALK_SEEDS`` (16; 400 for a deep search, about 1 s each), and those that found a
#: bug: 110 and 195 (played without kills, as then: a stale target a merge brought in lost its review mark in a rebase
#: while PX had changed the file too, and push sent it) and 44 (a killed rebase's files, left uncommitted, stopped
#: the rebase run again); both are in tests/test_rebase.py. ``WALK_VERBOSE=1`` (with ``-s``) prints every command's
#: output; a failing story's assertion lists its moves.
#: ``WALK_TIMED_KILLS=1`` kills at a random moment instead (a SIGKILL from outside within 0.6 s of the start, PX
#: answering in 10 ms; not repeatable, so a deep search's tool, not the default).
TIMED_KILLS = bool(os.environ.get("WALK_TIMED_KILLS"))
FOUND = (110, 195)
SEEDS = (*range(int(os.environ.get("WALK_SEEDS", "16"))), 44, *FOUND)
#: What each step does, by weight.
MOVES = (("edit", 5), ("vendor", 2), ("merge", 1), ("px_edit", 3), ("px_new_source", 2), ("pull", 3), ("push", 4),
         ("rebase", 1), ("review", 1))
#: How often a pull, push or rebase is made to die (drawn from a second generator, so the seeds that found a bug
#: play, without kills, the stories they played then).
KILL_RATE = 0.25
#: Where each command can be made to die (:mod:`pxl10n.sync.crash`): each point is met once per file or unit.
CRASH_POINTS = {"pull": ("pull-recorded", "pull-wrote", "pull-decided"),
                "push": ("push-sending", "push-sent", "push-landed", "push-reexported", "push-saved"),
                "rebase": ("rebase-committed", "rebase-written", "rebase-staged")}


@dataclass
class Walk:
    """One story: the world (the repository, PX), what the promises need to know of it, and the moves."""

    root: Path
    emulator: EmulatorServer
    zygote: Zygote
    rng: random.Random
    #: where kills are drawn from, and how often (0: never)
    kills: random.Random
    kill_rate: float
    keys: list[FileKey]
    repo: git.Repo = field(init=False)
    #: (file, unit) -> the newest text a translator (or a reviewer keeping it) put there, until replaced
    latest: dict[tuple[FileKey, str], str] = field(default_factory=dict)
    #: (file, unit, text) -> the source the text was written (or reviewed) against
    against: dict[tuple[FileKey, str, str], str] = field(default_factory=dict)
    #: (file, unit, text) -> the target PX held when the translator's line of edits of the unit began (written over
    #: the target PX held then, or over their own earlier edit), or when a reviewer shown it kept the text
    based_on: dict[tuple[FileKey, str, str], str | None] = field(default_factory=dict)
    #: the vendor's branch, when one is open: (file, unit) -> the newest text written there
    branch: dict[tuple[FileKey, str], str] | None = None
    counter: int = 0
    log: list[str] = field(default_factory=list)
    #: how often each path of the loop was taken (the walk is held to have taken each)
    seen: Counter[str] = field(default_factory=Counter)
    #: whether the last killed run died (else it never met its crash point)
    died: bool = False

    def __post_init__(self) -> None:
        self.repo = git.Repo(self.root)

    # --- the world -----------------------------------------------------------------------------------------------

    def path(self, key: FileKey) -> Path:
        return key.path(l10n(self.root))

    def px_target(self, key: FileKey, unit: str) -> str | None:
        return px_target(self.emulator, key, unit)

    def source_in_px(self, key: FileKey, unit: str) -> str:
        return px_source(self.emulator, key, unit)

    def plain_units(self, key: FileKey) -> list[str]:
        """The units a translator may edit as text (no inline element in the source)."""
        return sorted(unit for unit, source, _, _ in units_in(etree.parse(str(self.path(key))).getroot()) if not len(source))

    def mark(self, who: str) -> str:
        self.counter += 1
        return f"{who}{self.counter}"

    def command(self, *args: str) -> str:
        result = run(*args)
        self.log.append(f"{' '.join(args)} -> {result.exit_code}")
        if os.environ.get("WALK_VERBOSE"):
            print(f"\n$ {' '.join(args)} -> {result.exit_code}\n{result.output}")
        assert result.exit_code in (0, 1), f"{self.log}\n{result.output}"
        leftover = [line for line in self.repo.git.status("--porcelain").splitlines() if line.strip()]
        assert not leftover, f"{args} left {leftover}\n{self.log}\n{result.output}"
        return result.output

    # --- the moves -----------------------------------------------------------------------------------------------

    def edit(self, latest: dict[tuple[FileKey, str], str] | None = None, who: str = "translator") -> None:
        """A translator writes new targets into one or two units of a file and commits (on the branch checked out;
        ``latest`` is where the texts are remembered: the vendor's branch keeps its own until it is merged)."""
        latest = self.latest if latest is None else latest
        key = self.rng.choice(self.keys)
        units = read_units(self.path(key))
        plain = self.plain_units(key)
        changes = {}
        for unit in self.rng.sample(plain, k=min(2, len(plain))):
            text = dressed(units[unit].source, self.mark("T"))
            changes[unit] = (text, "translated")
            latest[(key, unit)] = text
            self.against[(key, unit, text)] = units[unit].source
            written_over(self.based_on, key, unit, text, units[unit].target, self.px_target(key, unit))
        write_units(self.path(key), changes)
        self.repo.git.commit("-qam", f"{who}: {key.item_id} {key.locale} {sorted(changes)}")
        self.log.append(f"{who} edit {key.locale}/{key.item_id[:8]} {sorted(changes)}")

    def vendor(self) -> None:
        """A vendor edits on their branch (cut from main now, when there is none open), then main is checked out."""
        if self.branch is None:
            self.repo.git.branch("vendor")
            self.branch = {}
        self.repo.git.switch("-q", "vendor")
        try:
            self.edit(self.branch, "vendor")
        finally:
            self.repo.git.switch("-q", "main")

    def merge(self) -> None:
        """The vendor's branch is merged into main; a file both sides changed is resolved by taking the vendor's
        whole (a person's choice: what main had there and nowhere else is theirs to drop)."""
        if self.branch is None:
            return
        try:
            self.repo.git.merge("-q", "--no-edit", "vendor")
            how = "merged"
        except git.GitCommandError:
            conflicted = self.repo.git.diff("--name-only", "--diff-filter=U").split()
            assert all(path.endswith(".xlf") for path in conflicted), f"the state file did not merge: {conflicted}"
            for path in conflicted:
                self.repo.git.checkout("--ours", "--", path)  # main's side, as HEAD holds it
                ours = read_units(self.root / path)
                self.repo.git.checkout("--theirs", "--", path)
                self.repo.git.add("--", path)
                key = next(k for k in self.keys if self.path(k) == self.root / path)
                for unit, theirs in read_units(self.root / path).items():
                    mine = ours[unit].target if unit in ours else None
                    if theirs.target and mine is not None and mine != theirs.target:
                        # git showed both targets of the unit: the person taking the vendor's chose it over main's
                        # (over PX's text, or over a translator's edit of it, whose line of work it continues)
                        self.based_on[(key, unit, theirs.target)] = self.based_on.get((key, unit, mine), mine)
            self.repo.git.commit("-q", "--no-edit")
            how = f"merged taking the vendor's {len(conflicted)} file(s)"
            self.seen["merge took the vendor's file"] += 1
        self.repo.git.branch("-q", "-D", "vendor")
        files = {key: read_units(self.path(key)) for key in self.keys}
        for (key, unit), text in self.branch.items():
            if files[key][unit].target == text:
                self.latest[(key, unit)] = text
        for (key, unit), text in list(self.latest.items()):
            if files[key][unit].target != text and self.px_target(key, unit) != text:
                del self.latest[(key, unit)]  # the resolution chose the vendor's file over it
        self.branch = None
        self.log.append(how)

    def px_edit(self) -> None:
        """Someone changes a target in PX's editor."""
        key = self.rng.choice(self.keys)
        unit = self.rng.choice(self.plain_units(key))
        if (key, unit) in self.latest and self.latest[(key, unit)] == self.px_target(key, unit):
            del self.latest[(key, unit)]  # it had landed: PX's editor replaces it, PX's doing, not a loss
        self.emulator.store.apply_import(key.kind, key.item_id, key.locale,
                                         {unit: dressed(self.source_in_px(key, unit), self.mark("PX"))})
        self.log.append(f"px_edit {key.locale}/{key.item_id[:8]} {unit}")

    def px_new_source(self) -> None:
        """Someone changes a unit's source text in PX (every locale's translation of it is then stale)."""
        key = self.rng.choice(self.keys)
        unit = self.rng.choice(self.plain_units(key))
        item = self.emulator.store.get(key.kind, key.item_id)
        assert item is not None
        with self.emulator.store.lock:
            old = item.units[unit]
            body = old.rstrip()
            item.units[unit] = f"{body} (v{self.mark('S')}){old[len(body):]}"
        self.log.append(f"px_source {key.item_id[:8]} {unit}")

    def pull(self) -> None:
        self.run("pull")

    def rebase(self) -> None:
        output = self.run("rebase")
        self.seen.update(word for word in ("rebased", "marked not translated yet") if word in output)
        self.shown()

    def shown(self) -> None:
        """A unit rebase marked for review shows PX's text beside the edit, so what a person writes there next
        (or keeps, reviewing) is written knowing PX's text."""
        for key in self.keys:
            for unit, found in read_units(self.path(key)).items():
                if found.state == "initial" and found.target:
                    self.based_on[(key, unit, found.target)] = self.px_target(key, unit)

    def run(self, name: str) -> str:
        """Run pull, push or rebase, now and then (:data:`KILL_RATE`) made to die first."""
        if self.kills.random() < self.kill_rate:
            return self.killed(name)
        return self.promised(lambda: self.command(*self.arguments(name)))

    def push(self) -> None:
        output = self.run("push")
        self.seen.update(word for word in ("conflict", "pushed", "blocked", "withheld") if word in output)

    def promised(self, command: Callable[[], str]) -> str:
        """Run ``command`` (which returns what it printed), holding every target it changes in PX to the promise
        above."""
        before = {(key, unit): (self.px_target(key, unit), self.source_in_px(key, unit))
                  for key in self.keys for unit in read_units(self.path(key))}
        files = {key: read_units(self.path(key)) for key in self.keys}
        output = command()
        for (key, unit), (old, source) in before.items():
            new = self.px_target(key, unit)
            if new == old:
                continue
            where = f"push set {key.locale}/{key.item_id} {unit} from {old!r} to {new!r}\n{self.log}\n{output}"
            assert new is not None and new == files[key][unit].target, where
            assert new == self.latest.get((key, unit)), f"not the translator's newest text: {where}"
            assert self.against[(key, unit, new)] == source, f"sent against an old source: {where}"
            self.seen["sent"] += 1
            if old is not None and "[PX" in old:
                assert self.based_on.get((key, unit, new), "") == old, f"PX's editor's text replaced unseen: {where}"
                self.seen["sent over PX's editor"] += 1
        return output

    def drained(self) -> None:
        """What a killed run had sent lands even so, as at PX: its doing, held to the promise with it (a change in
        PX's editor while it lands is a race no client can close without conditional imports)."""
        assert self.emulator.drain(), f"PX still handles a request of the killed run\n{self.log}"

    def stale_lock(self, args: Sequence[str]) -> None:
        """A git command the killed run had started (its output a closed pipe now) may die holding the index's lock:
        pxl10n then refuses, naming it, and the person removes it as told."""
        lock = Path(self.repo.git_dir) / "index.lock"
        for _ in range(40):  # or it ends on its own
            if not lock.exists():
                return
            time.sleep(0.05)
        result = run(*args)
        assert result.exit_code == 2 and f"`rm {lock}`" in result.stderr, f"{self.log}\n{result.output}"
        lock.unlink()
        self.log.append("a stale index.lock, removed as told")
        self.seen["stale index lock"] += 1

    def killed(self, name: str) -> str:
        """A pull, push or rebase dies at a named point (SIGKILL, or Ctrl-C) in a process of its own; then either
        the CI runner throws its checkout away (what the run had not committed is gone, the journal with it) or
        the person runs the same command again in the same tree."""
        rng = self.kills
        spec = f"{rng.choice(CRASH_POINTS[name])}:{rng.randint(1, 3)}:{rng.choice(sorted(KILLED))}"
        args = self.arguments(name)

        def die() -> str:
            if TIMED_KILLS:  # a SIGKILL from outside, at a moment no crash point names
                delay = rng.uniform(0.0, 0.6)
                self.emulator.faults.latency = 0.01  # 10 ms a request: the run is killed mid-request often
                try:
                    started = self.zygote.start(args, cwd=self.root, env=child_env(), stdout=subprocess.PIPE,
                                                stderr=subprocess.PIPE, text=True)
                    time.sleep(delay)
                    code = started.kill()
                finally:
                    self.emulator.faults.latency = 0.0
                self.drained()
                self.stale_lock(args)
                died = subprocess.CompletedProcess(args, code, started.client.stdout.read(), started.client.stderr.read())
                started.client.stdout.close()
                started.client.stderr.close()
                at = f"{delay:.3f} s"
            else:
                died = pxl10n(self.zygote, self.root, *args, PXL10N_CRASH_AT=spec)
                self.drained()
                at = spec
            self.log.append(f"{' '.join(args)} killed at {at} -> {died.returncode}")
            assert died.returncode in (0, 1, *KILLED.values()), f"{self.log}\n{died.stdout}{died.stderr}"
            assert "Traceback" not in died.stderr, f"{self.log}\n{died.stderr}"
            self.died = died.returncode in KILLED.values()
            return died.stdout

        output = self.promised(die)
        if name == "rebase":
            self.shown()
        self.check()  # nothing lost at the moment of death either
        if not self.died:  # the point was not reached: a run like any other
            leftover = [line for line in self.repo.git.status("--porcelain").splitlines() if line.strip()]
            assert not leftover, f"{args} left {leftover}\n{self.log}"
            return output
        self.seen["killed"] += 1
        if rng.random() < 0.5:  # the world moves on before anyone looks
            rng.choice((self.px_edit, self.px_new_source))()
        if rng.random() < 0.5:
            self.repo.git.reset("-q", "--hard")
            self.repo.git.clean("-q", "-f", "-d", "-x")
            self.log.append("the checkout is thrown away")
            self.seen["checkout thrown away after a kill"] += 1
            return output
        self.seen["run again after a kill"] += 1
        return self.promised(lambda: self.command(*args))

    def review(self) -> None:
        """A reviewer settles the units rebase marked for review: keeps the edit, or empties it to keep PX's."""
        changes: dict[FileKey, dict[str, tuple[str, str]]] = {}
        for key in self.keys:
            for unit, found in read_units(self.path(key)).items():
                if found.state != "initial" or not found.target:
                    continue
                self.seen["reviewed"] += 1
                if self.rng.random() < 0.7:
                    changes.setdefault(key, {})[unit] = (found.target, "translated")
                    self.against[(key, unit, found.target)] = found.source
                    self.based_on[(key, unit, found.target)] = self.px_target(key, unit)
                else:
                    changes.setdefault(key, {})[unit] = ("", "initial")
                    self.latest.pop((key, unit), None)  # the reviewer's choice: PX's text stays
        if not changes:
            return
        for key, units in changes.items():
            write_units(self.path(key), units)
        self.repo.git.commit("-qam", "review")
        self.log.append(f"review {[(k.locale, sorted(u)) for k, u in changes.items()]}")

    def arguments(self, command: str) -> list[str]:
        """``command`` over the story's files, by item id (their two kinds and two locales: no set of paths)."""
        return [command, *(arg for item_id in sorted({key.item_id for key in self.keys}) for arg in ("--id", item_id))]

    # --- the promise ---------------------------------------------------------------------------------------------

    def check(self) -> None:
        """Nothing lost: each unit's newest translator text is in the file or in PX."""
        files = {key: read_units(self.path(key)) for key in self.keys}
        for (key, unit), text in self.latest.items():
            held = files[key].get(unit)
            assert (held is not None and held.target == text) or self.px_target(key, unit) == text, (
                f"lost {text!r} of {key.locale}/{key.item_id} {unit}: file {held}, PX {self.px_target(key, unit)!r}\n"
                f"{self.log}")

    def step(self) -> None:
        moves, weights = zip(*MOVES, strict=True)
        move = self.rng.choices(moves, weights)[0]
        getattr(self, move)()
        self.check()


#: The paths of the loop the stories must take between them, so a change that makes them miss one fails here.
PATHS = ("sent", "conflict", "rebased", "marked not translated yet", "reviewed", "blocked",
         "merge took the vendor's file", "sent over PX's editor", "killed", "checkout thrown away after a kill",
         "run again after a kill")


def _in_xliff12(pulled: Path, where: Path) -> Path:
    """A copy of the pulled project exporting XLIFF 1.2, pulled again (every file PX's 1.2 copy, committed)."""
    root = where / "project"
    shutil.copytree(pulled, root, symlinks=True)
    config = root / "pxl10n.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[export]\nversion = "1.2"\n', encoding="utf-8")
    git.Repo(root).git.commit("-qam", "export XLIFF 1.2")
    os.chdir(root)
    result = run("pull")
    assert result.exit_code == 0 and not git.Repo(root).git.status("--porcelain"), result.output
    assert all(etree.parse(str(path)).getroot().get("version") == "1.2" for path in l10n(root).rglob("*.xlf"))
    return root


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_random_stories_lose_no_edit_and_revert_no_px_text(pulled: Path, emulator: EmulatorServer, zygote: Zygote,
                                                           tmp_path_factory: pytest.TempPathFactory,
                                                           monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    """Each seed's story in its own copy of the pulled project (its files in ``version``), against the emulator's
    first store again."""
    repo = git.Repo(pulled)
    repo.git.branch("-M", "main")
    install_driver(repo, zygote)
    monkeypatch.chdir(pulled)  # put back after the test, wherever the stories went
    template = pulled if version == "2.0" else _in_xliff12(pulled, tmp_path_factory.mktemp("xliff12"))
    seen: Counter[str] = Counter()
    for seed in SEEDS:
        root = tmp_path_factory.mktemp(f"story-{seed}") / "project"
        shutil.copytree(template, root, symlinks=True)
        os.chdir(root)
        emulator.reset()
        rng = random.Random(seed)
        kill_rate = 0.0 if seed in FOUND else KILL_RATE
        kinds = ("engagement",) if seed in FOUND else KIND_NAMES  # the stories found on engagements, as then
        items = sorted({(kind, key.item_id) for kind in kinds for key in keys_of(emulator, kind)
                        if len(emulator.store.get(kind, key.item_id).units) >= 3})
        walk = Walk(root, emulator, zygote, rng, random.Random(f"kills {seed}"), kill_rate,
                    [FileKey(kind, item, locale) for kind, item in rng.sample(items, 2) for locale in LOCALES])
        walk.log.append(f"seed {seed}, XLIFF {version}")
        for _ in range(STEPS):
            walk.step()
        walk.kill_rate = 0.0  # the last push runs to its end
        walk.push()
        walk.check()
        seen += walk.seen
    if len(SEEDS) >= 16:  # the default stories, or more (a few chosen with WALK_SEEDS need not take every path)
        assert all(seen[path] for path in PATHS), f"the stories never took {[p for p in PATHS if not seen[p]]}: {seen}"
