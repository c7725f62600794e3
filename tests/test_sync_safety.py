"""Issue 8: pull and push never lose, revert or misattribute a translator's work.

One test (or a few) per numbered case of the issue, then kills at named points
of pull and push (``PXL10N_CRASH_AT``) followed by changes in PX. Real emulator
over loopback HTTP, real git repositories, real child processes: each forked from
the test zygote (tests/helpers/zygote.py), a process of its own without the imports.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
from collections import Counter
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import STATE_NAME, FileKey, key_for
from pxl10n.sync.journal import JOURNAL_NAME
from pxl10n.xliff.io import parse, read_info

from .helpers.branches import install_driver
from .helpers.children import KILLED, child_env, pxl10n
from .helpers.cli import run
from .helpers.project import API_KEY, commits, content_entries, units_not_as_pulled, write_config
from .helpers.pulled import keys_of, l10n, translate
from .helpers.pushed import landed, push_json, results
from .helpers.zygote import Zygote


#: How a run stopped at a crash point ends: by the signal itself (KILL), or interrupted (INT: exit 130).
def px_targets(emulator: EmulatorServer, key: FileKey) -> dict[str, str]:
    return emulator.store.translations(key.kind, key.item_id, key.locale)


def change_in_px(emulator: EmulatorServer, key: FileKey, marker: str) -> str:
    """Someone edits one target directly in PX (a valid one: source markup kept); returns the unit id."""
    item = emulator.store.get(key.kind, key.item_id)
    unit_id = sorted(item.units)[0]
    source = item.units[unit_id]
    core = source.strip()
    lead, trail = source[: len(source) - len(source.lstrip())], source[len(source.rstrip()) :]
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {unit_id: f"{lead}[{marker}] {core}{trail}"})
    return unit_id


def holds(targets: dict, marker: str) -> bool:
    return any(marker in (text or "") for text in targets.values())


def file_targets(root: Path, key: FileKey) -> dict[str, str | None]:
    return {u.id: u.target for u in read_info(parse(key.path(l10n(root)).read_bytes())).units}


#: A pull of the French articles, where these tests change PX: 6 of the 68 files a full pull exports.
ARTICLES_FR = ("--kind", "article", "--locale", "fr-FR")


def pull_json(*args: str) -> tuple[int, dict]:
    result = run("pull", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}


# --- 1. a killed pull never reverts PX ---------------------------------------------------


@pytest.mark.parametrize("point", ["pull-recorded:1", "pull-wrote:1", "pull-wrote:2"])
@pytest.mark.parametrize("sig", ["KILL", "INT"])
def test_killed_pull_then_px_change_takes_px_and_push_sends_nothing(pulled: Path, emulator: EmulatorServer, zygote: Zygote, point: str, sig: str) -> None:
    keys = keys_of(emulator, "article")[:3]
    for key in keys:
        change_in_px(emulator, key, f"first change {key.item_id}")
    died = pxl10n(zygote, pulled, "pull", *ARTICLES_FR, PXL10N_CRASH_AT=f"{point}:{sig}")  # the points come at PX's changes only
    assert died.returncode == KILLED[sig], died.stderr
    for key in keys:
        change_in_px(emulator, key, f"newer change {key.item_id}")
    code, summary = pull_json(*ARTICLES_FR)  # over every file PX changed; the push and git status below check the whole tree
    assert code == 0, summary
    assert summary["files"]["kept_local"] == 0
    for key in keys:
        assert holds(file_targets(pulled, key), f"newer change {key.item_id}")
    code, summary = push_json()
    assert code == 0 and summary["summary"].get("pushed", 0) == 0
    assert landed(emulator) == Counter()
    assert not git.Repo(pulled).git.status("--porcelain", "--", "l10n")
    assert units_not_as_pulled(pulled) == []


def test_stale_state_never_sends_an_old_px_copy_back(pulled: Path, emulator: EmulatorServer) -> None:
    """The tree a killed pull of the old code left: PX's bytes on disk, the state not knowing them."""
    key = keys_of(emulator, "kcbot")[0]
    state_before = (l10n(pulled) / STATE_NAME).read_bytes()
    change_in_px(emulator, key, "first change")
    assert run("pull", "--no-commit", "--kind", "kcbot", "--locale", "fr-FR").exit_code == 0  # PX's bytes of the one file it changed
    (l10n(pulled) / STATE_NAME).write_bytes(state_before)
    change_in_px(emulator, key, "newer change")
    code, summary = push_json()
    assert results(summary)[key.relpath()] in ("conflict", "confirmed")
    assert landed(emulator) == Counter()
    assert holds(px_targets(emulator, key), "newer change")


def test_px_changed_since_pull_is_a_conflict_not_a_revert(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "kcbot")[0]
    translate(pulled, key)
    unit = change_in_px(emulator, key, "edited in PX meanwhile")
    code, summary = push_json()
    assert code == 1 and results(summary) == {key.relpath(): "conflict"}
    assert "edited in PX meanwhile" in px_targets(emulator, key)[unit]
    code, summary = push_json("--force", "--id", key.item_id)
    assert code == 0 and results(summary)[key.relpath()] == "pushed"


# --- 2. a damaged or lost state never costs work -------------------------------------------


def _conflicted(root: Path) -> None:
    path = l10n(root) / STATE_NAME
    lines = path.read_text().splitlines()
    lines[3:3] = ["<<<<<<< HEAD"]
    lines[6:6] = ["=======", lines[4].replace('"pulled": "', '"pulled": "0'), ">>>>>>> other"]
    path.write_text("\n".join(lines) + "\n")


def test_conflicted_state_stops_both_commands_with_a_lossless_fix(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    _conflicted(pulled)
    before = (l10n(pulled) / STATE_NAME).read_text()
    for command in ("pull", "push"):
        result = run(command)
        assert result.exit_code == 2, result.output
        assert "conflict markers" in result.output and "merge-state --repair" in result.output
    assert (l10n(pulled) / STATE_NAME).read_text() == before
    assert landed(emulator) == Counter()
    assert run("merge-state", "--repair", str(l10n(pulled) / STATE_NAME)).exit_code == 0
    code, summary = push_json()
    assert code == 0 and results(summary) == {key.relpath(): "pushed"}


def test_an_xliff_file_a_merge_left_conflicted_is_kept_by_pull_which_says_resolve_it(pulled: Path, emulator: EmulatorServer) -> None:
    """Two branches translated one file differently; the merge stopped with markers in it. Pull keeps it (a person's
    work) and used to say "push it", which cannot work: push blocks a file that is not XML."""
    repo = git.Repo(pulled)
    key = keys_of(emulator, "article")[0]
    path = key.path(l10n(pulled))
    repo.git.switch("-q", "-c", "other")
    translate(pulled, key, lambda source: f"[other] {source}")
    repo.git.commit("-qam", "other")
    repo.git.switch("-q", "-")
    translate(pulled, key, lambda source: f"[main] {source}")
    repo.git.commit("-qam", "main")
    with pytest.raises(git.GitCommandError, match="conflict"):
        repo.git.merge("--no-edit", "other")
    conflicted = path.read_bytes()
    result = run("pull", "--no-commit")
    assert f"{key.relpath()}: line " in result.stderr, result.output
    assert "git conflict markers (<<<<<<<) from a merge left unresolved" in result.stderr
    assert "kept as it is, and pushed once the conflict is resolved" in result.stderr and "push it" not in result.stderr
    assert path.read_bytes() == conflicted


@pytest.mark.parametrize(("damage", "said"), [(b"", "empty"), (b"<xliff><file", "not XLIFF pxl10n can read (")])
def test_a_file_a_tool_left_unreadable_is_kept_by_pull_which_names_the_ways_out(pulled: Path, emulator: EmulatorServer,
                                                                                  damage: bytes, said: str) -> None:
    """An editor that crashed while saving left the file empty or cut short: not a copy pxl10n wrote, so pull keeps
    it (whatever is left may be a person's), but it used to say "push it", which push refuses for such a file."""
    key = keys_of(emulator, "article")[0]
    path = key.path(l10n(pulled))
    path.write_bytes(damage)
    result = run("pull", "--no-commit")
    assert f"warning: {key.relpath()}: {said}" in result.stderr, result.output
    assert "kept as it is: fix it (`pxl10n validate` says where), take the committed copy back" in result.stderr
    assert "push it" not in result.stderr and path.read_bytes() == damage
    status = run("status")
    assert f"unreadable (not counted): {key.relpath()}: line 1, column " in status.stdout, status.output  # and why


def test_deleted_state_then_pull_keeps_committed_unpushed_translations(pulled: Path, emulator: EmulatorServer) -> None:
    mine, theirs = keys_of(emulator, "article")[:2]
    written = translate(pulled, mine)
    repo = git.Repo(pulled)
    repo.index.add([str(mine.path(l10n(pulled)))])
    repo.index.commit("translate one article")
    change_in_px(emulator, mine, "PX moved on")
    change_in_px(emulator, theirs, "PX moved on too")
    (l10n(pulled) / STATE_NAME).unlink()
    code, summary = pull_json()
    assert code == 0, summary
    assert set(written.values()) <= set(file_targets(pulled, mine).values())
    assert holds(file_targets(pulled, theirs), "PX moved on too")  # a pulled copy, re-learnt from git history
    assert summary["files"]["kept_local"] == 1
    assert mine.relpath() not in summary["changed"]
    assert units_not_as_pulled(pulled) == []  # the kept file's entry, adopted, names no copy of PX's and keeps no units


def test_a_lost_state_in_a_shallow_clone_keeps_the_files_and_says_the_history_was_cut(
        pulled: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The older states a lost one is re-learnt from are not in a one-commit clone: nothing is overwritten, and
    the message says why every file looked like a person's and how to fetch what would tell."""
    theirs = keys_of(emulator, "article")[0]
    repo = git.Repo(pulled)
    repo.index.remove([str(l10n(pulled) / STATE_NAME)], working_tree=True)
    repo.index.commit("lose the state file")
    change_in_px(emulator, theirs, "PX moved on")
    runner = tmp_path_factory.mktemp("runner") / "checkout"
    git.Repo.clone_from(f"file://{pulled}", str(runner), depth=1)
    monkeypatch.chdir(runner)
    result = run("pull", "--no-commit")
    assert result.exit_code == 0, result.stderr
    assert "this shallow clone: `git fetch --unshallow`, then pull again" in result.stderr
    assert not holds(file_targets(runner, theirs), "PX moved on")  # kept, never guessed
    git.Repo(runner).git.fetch("-q", "--unshallow")
    (runner / "l10n" / STATE_NAME).unlink()
    result = run("pull", "--no-commit")
    assert result.exit_code == 0 and "shallow" not in result.stderr
    assert holds(file_targets(runner, theirs), "PX moved on")  # re-learnt from the history, so replaced


# --- 3. commits hold exactly what pxl10n wrote ---------------------------------------------


def test_pull_and_push_commit_only_their_own_paths(pulled: Path, emulator: EmulatorServer) -> None:
    repo = git.Repo(pulled)
    other, pushed = keys_of(emulator, "engagement")[:2]
    de = FileKey("engagement", pushed.item_id, "de-DE")
    translate(pulled, other)  # a translator's edit, not committed
    (pulled / "README.md").write_text("staged change\n")
    repo.index.add(["README.md"])
    change_in_px(emulator, keys_of(emulator, "article")[0], "px change")
    assert run("pull").exit_code == 0
    assert set(repo.head.commit.stats.files) <= {f"l10n/{keys_of(emulator, 'article')[0].relpath()}", f"l10n/{STATE_NAME}", "l10n/index.json"}
    translate(pulled, de)
    assert run("push", "--locale", "de-DE").exit_code == 0
    assert set(repo.head.commit.stats.files) == {f"l10n/{de.relpath()}", f"l10n/{STATE_NAME}"}
    status = repo.git.status("--porcelain")
    assert f" M l10n/{other.relpath()}" in status.splitlines() and "M  README.md" in status.splitlines()


# --- 4. pruning cannot wipe a tree ----------------------------------------------------------


def test_empty_listing_removes_nothing(pulled: Path, emulator: EmulatorServer) -> None:
    files = sorted(p for p in (l10n(pulled) / "fr-FR" / "article").iterdir())
    for item in list(emulator.store.items("article")):
        emulator.store.remove("article", item.id)
    code, summary = pull_json("--prune-all")
    assert code == 1 and summary["files"]["removed"] == 0
    assert "listed no article" in summary["failures"][0]["message"]
    assert sorted((l10n(pulled) / "fr-FR" / "article").iterdir()) == files


def test_shrunken_listing_is_held_and_dry_run_lists_every_removal(pulled: Path, emulator: EmulatorServer) -> None:
    gone = emulator.store.items("engagement")[:5]
    for item in gone:
        emulator.store.remove("engagement", item.id)
    ids = {i.id for i in gone if i.localizable}
    code, summary = pull_json()
    assert code == 1 and summary["files"]["prune_held"] == 2 * len(ids) and summary["files"]["removed"] == 0
    dry = run("pull", "--dry-run", "--prune-all")
    assert sum(1 for line in dry.output.splitlines() if line.startswith("would remove")) == 2 * len(ids)
    assert all(FileKey("engagement", i, "fr-FR").path(l10n(pulled)).exists() for i in ids)
    code, summary = pull_json("--prune-all")
    assert code == 0 and len(summary["removed"]) == 2 * len(ids)


def test_undocumented_engagement_type_is_a_config_error(project: Path) -> None:
    cfg = project / "pxl10n.toml"
    cfg.write_text(cfg.read_text() + '\n[export]\nengagement_types = ["SURVEY"]\n')
    result = run("pull")
    assert result.exit_code == 2 and "SURVEY" in result.output and "IN_APP_GUIDE" in result.output
    cfg.write_text(cfg.read_text().replace('"SURVEY"', '"IN_APP_NPS_SURVEY", "in_app_guide"'))
    assert run("pull", "--dry-run").exit_code == 0


# --- 5. two branches, one state file --------------------------------------------------------


def _merge_world(pulled: Path, emulator: EmulatorServer, zygote: Zygote) -> tuple[git.Repo, FileKey, FileKey]:
    """main: a translation merged and pushed (its state commit); ``sync``: cut before, pulls a PX change next door.

    Both sides change the pushed file's entry (the sync pull re-exported it after the push), so this
    needs the merge driver `pxl10n init` wires; the neighbour's entry merges on the layout alone.
    """
    repo = git.Repo(pulled)
    repo.git.branch("-M", "main")
    install_driver(repo, zygote)
    a, b = sorted(keys_of(emulator, "article"), key=FileKey.relpath)[:2]  # neighbours in the state file
    repo.git.branch("sync")
    translate(pulled, a)
    repo.index.add([str(a.path(l10n(pulled)))])
    repo.index.commit("translate a")
    assert run("push").exit_code == 0
    repo.git.checkout("-q", "sync")
    change_in_px(emulator, b, "changed in PX")
    assert run("pull", *ARTICLES_FR).exit_code == 0  # a and b (PX's post-push copy of a: both sides change its entry)
    repo.git.checkout("-q", "main")
    return repo, a, b


@pytest.mark.parametrize("how", ["merge-into-main", "merge-main-into-sync", "rebase-sync"])
def test_two_branches_merge_without_conflict_and_nothing_is_sent_again(pulled: Path, emulator: EmulatorServer, zygote: Zygote, how: str) -> None:
    repo, a, b = _merge_world(pulled, emulator, zygote)
    if how == "merge-into-main":
        repo.git.merge("-q", "--no-edit", "sync")
    else:
        repo.git.checkout("-q", "sync")
        repo.git.rebase("main") if how == "rebase-sync" else repo.git.merge("-q", "--no-edit", "main")
    assert "<<<<<<<" not in (l10n(pulled) / STATE_NAME).read_text()
    code, summary = push_json()
    assert code == 0 and summary["summary"].get("pushed", 0) == 0, summary
    code, summary = pull_json(*ARTICLES_FR)  # the files either side changed; the push above read every entry
    assert code == 0 and summary["changed"] == [], summary
    assert landed(emulator) == Counter([(a.kind, a.item_id, a.locale)])
    assert holds(file_targets(pulled, b), "changed in PX")


def test_merge_driver_merges_the_same_entry_changed_on_both_sides(pulled: Path, emulator: EmulatorServer, zygote: Zygote) -> None:
    repo = git.Repo(pulled)
    install_driver(repo, zygote)
    key = keys_of(emulator, "article")[0]
    base = repo.active_branch.name
    repo.git.branch("sync")  # a sync branch cut before the push below
    translate(pulled, key)
    assert run("push").exit_code == 0
    repo.git.checkout("-q", "sync")
    assert run("pull", *ARTICLES_FR).exit_code == 0  # takes PX's post-push copy: the same entry, changed differently
    repo.git.checkout("-q", base)
    repo.git.merge("--no-edit", "sync")
    text = (l10n(pulled) / STATE_NAME).read_text()
    assert "<<<<<<<" not in text and not repo.git.status("--porcelain")
    code, summary = push_json()
    assert code == 0 and summary["summary"].get("pushed", 0) == 0
    code, summary = pull_json(*ARTICLES_FR)  # the file both sides changed; the push above read every entry
    assert code == 0 and summary["changed"] == []
    assert landed(emulator) == Counter([(key.kind, key.item_id, key.locale)])


def test_neighbouring_entries_merge_on_the_layout_alone(tmp_path: Path) -> None:
    """No driver: two branches changing entries of different, adjacent files, or adding one between."""
    from pxl10n.sync.state import FileState, State

    def entry(item_id: str, pulled: str) -> FileState:
        return FileState("article", item_id, "fr-FR", "fr-FR", "2.0", None, pulled=pulled)

    repo = git.Repo.init(tmp_path)
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "t")
        cfg.set_value("user", "email", "t@e")
    state = State(tmp_path)
    state.put_all([entry("a", "1"), entry("c", "1"), entry("e", "1")])
    state.save()
    repo.index.add([STATE_NAME])
    repo.index.commit("base")
    repo.git.checkout("-q", "-b", "one")
    state = State.load(tmp_path)
    state.put_all([entry("a", "2"), entry("d", "1")])
    state.save()
    repo.index.add([STATE_NAME])
    repo.index.commit("one")
    repo.git.checkout("-q", "-")
    state = State.load(tmp_path)
    state.put_all([entry("c", "3"), entry("b", "1")])
    state.save()
    repo.index.add([STATE_NAME])
    repo.index.commit("two")
    repo.git.merge("-q", "--no-edit", "one")
    merged = State.load(tmp_path).entries
    assert {rel: e.pulled for rel, e in merged.items()} == {f"fr-FR/article/{i}.xlf": p for i, p in [("a", "2"), ("b", "1"), ("c", "3"), ("d", "1"), ("e", "1")]}


# --- 6. outside git ------------------------------------------------------------------------


def test_outside_git_pull_says_it_does_not_commit(tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(tmp_path, emulator.base_url, locales=("fr-FR",), content=content_entries(emulator))  # every item: one message, not one a file
    monkeypatch.setenv("PX_API_KEY", API_KEY)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = run("pull")
    assert result.exit_code == 0
    assert sum("without committing" in line for line in result.output.splitlines()) == 1


# --- 7. one writer at a time ----------------------------------------------------------------


def test_two_pulls_at_once_leave_every_file_in_the_state(project: Path, emulator: EmulatorServer, zygote: Zygote) -> None:
    emulator.faults.latency = 0.01
    children = [subprocess.Popen([str(zygote.client), "pull", "--locale", loc], cwd=project, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for loc in ("fr-FR", "de-DE")]
    for child in children:
        _, err = child.communicate(timeout=120)  # reads and closes the stderr pipe (no ResourceWarning)
        assert child.returncode == 0, err
    state = json.loads((l10n(project) / STATE_NAME).read_text())["files"]
    on_disk = {p.relative_to(l10n(project)).as_posix() for p in l10n(project).rglob("*.xlf")}
    assert on_disk and on_disk <= set(state)
    assert not git.Repo(project).git.status("--porcelain")


def test_two_pushes_at_once_import_each_file_once(pulled: Path, emulator: EmulatorServer, zygote: Zygote) -> None:
    keys = keys_of(emulator, "engagement")[:6]
    for key in keys:
        translate(pulled, key)
    emulator.faults.latency = 0.02
    children = [subprocess.Popen([str(zygote.client), "push"], cwd=pulled, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    for child in children:
        _, err = child.communicate(timeout=120)  # reads and closes the stderr pipe (no ResourceWarning)
        assert child.returncode == 0, err
    assert landed(emulator) == Counter((k.kind, k.item_id, k.locale) for k in keys)


def test_a_held_lock_stops_a_second_run_with_a_clear_message(pulled: Path, zygote: Zygote) -> None:
    from pxl10n.sync import lock

    with lock.hold(l10n(pulled), "push", git.Repo(pulled).git_dir):
        result = pxl10n(zygote, pulled, "pull", PXL10N_LOCK_WAIT="0.3")
    assert result.returncode == 1
    assert "pxl10n push (pid" in result.stderr and "still running" in result.stderr and "Traceback" not in result.stderr


def test_pull_never_drops_an_open_push_journal(pulled: Path) -> None:
    (l10n(pulled) / JOURNAL_NAME).write_text('{"op": "send", "path": "fr-FR/article/x.xlf", "hash": "abc"}\n')
    result = run("pull")
    assert result.exit_code == 2 and "run `pxl10n push` first" in result.output
    assert (l10n(pulled) / JOURNAL_NAME).exists()


# --- 8. CRLF checkouts ------------------------------------------------------------------------


def test_autocrlf_checkout_does_not_freeze_pull(pulled: Path, emulator: EmulatorServer) -> None:
    repo = git.Repo(pulled)
    repo.git.config("core.autocrlf", "true")
    for path in l10n(pulled).rglob("*.xlf"):
        path.unlink()
    repo.git.checkout("--", "l10n")
    key = keys_of(emulator, "article")[0]
    assert b"\r\n" in key.path(l10n(pulled)).read_bytes()
    code, summary = pull_json()
    assert code == 0 and summary["changed"] == [] and summary["files"]["kept_local"] == 0
    change_in_px(emulator, key, "after crlf")
    code, summary = pull_json(*ARTICLES_FR)  # the first pull above read every CRLF file: this one is about the change
    assert code == 0 and key.relpath() in summary["changed"]
    code, summary = push_json()
    assert code == 0 and summary["summary"].get("pushed", 0) == 0


# --- 9. ids the file system cannot hold --------------------------------------------------------


@pytest.mark.parametrize("item_id", ["x" * 400, "CON", "aux.1", "ü" * 150])
def test_any_id_maps_to_a_safe_path_and_back(pulled: Path, emulator: EmulatorServer, item_id: str) -> None:
    model = emulator.store.items("article")[0]
    emulator.store.add(copy.deepcopy(dataclasses.replace(model, id=item_id, translations={})))
    code, summary = pull_json("--kind", "article")  # over a pulled tree: only the new item is new to it; it comes from PX's listing
    assert code == 0, summary
    path = FileKey("article", item_id, "fr-FR").path(l10n(pulled))
    assert path.exists() and len(path.name.encode()) <= 130
    assert path.stem.split(".")[0].upper() not in ("CON", "AUX")
    assert key_for(l10n(pulled), path) == FileKey("article", item_id, "fr-FR")
    key = FileKey("article", item_id, "fr-FR")
    translate(pulled, key)
    code, summary = push_json("--id", item_id)
    assert code == 0 and results(summary) == {key.relpath(): "pushed"}


def test_an_unwritable_path_fails_that_item_only(project: Path, emulator: EmulatorServer) -> None:
    write_config(project, emulator.base_url, locales=("fr-FR",), content=content_entries(emulator))  # every item, the locale blocked
    blocker = l10n(project) / "fr-FR" / "kcbot"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where a directory must be")
    code, summary = pull_json()
    assert code == 1
    failed = {f["path"] for f in summary["failures"] if "path" in f}
    assert failed == {k.relpath() for k in keys_of(emulator, "kcbot")}
    assert summary["files"]["new"] == summary["files"]["total"] - len(failed)
    assert commits(project) == 2


# --- kills in push, then PX changes --------------------------------------------------------------


@pytest.mark.parametrize("point", ["push-sending:2", "push-sent:3", "push-landed:1", "push-landed:4", "push-saved:1"])
@pytest.mark.parametrize("sig", ["KILL", "INT"])
def test_killed_push_then_px_change_lands_each_file_once_and_reverts_nothing(pulled: Path, emulator: EmulatorServer, zygote: Zygote, point: str, sig: str) -> None:
    keys = keys_of(emulator, "engagement")[:6]
    written = {key: translate(pulled, key) for key in keys}
    cfg = pulled / "pxl10n.toml"
    cfg.write_text(cfg.read_text().replace("retries = 8", "retries = 8\nconcurrency = 2"))
    others = _others(pulled, keys)
    died = pxl10n(zygote, pulled, "push", PXL10N_CRASH_AT=f"{point}:{sig}")
    assert died.returncode == KILLED[sig] and "Traceback" not in died.stderr, died.stderr
    first = landed(emulator)
    assert all(n == 1 for n in first.values())
    # PX changes meanwhile: someone edits a file that landed, and one that did not
    done = [k for k in keys if (k.kind, k.item_id, k.locale) in first]
    waiting = [k for k in keys if k not in done]
    edits = {}
    if done:
        edits[done[0]] = change_in_px(emulator, done[0], "edited in PX after landing")
    code, summary = push_json()  # the rerun in-process: the kill above is what needs a real child
    assert landed(emulator) == Counter((k.kind, k.item_id, k.locale) for k in keys), summary
    # The one honest doubt: killed between PX's answer and the journal line, then edited in PX,
    # the file may be a send that landed or one PX never saw; either way it is not sent (conflict).
    conflicts = {f["path"] for f in summary["files"] if f["result"] == "conflict"}
    assert conflicts <= {k.relpath() for k in edits}
    assert code == (1 if conflicts else 0), summary
    for key, unit in edits.items():
        assert "edited in PX after landing" in px_targets(emulator, key)[unit]
    for key in waiting:
        assert set(written[key].values()) <= set(px_targets(emulator, key).values())
    assert not (l10n(pulled) / JOURNAL_NAME).exists()
    code, summary = pull_json("--kind", "engagement", "--locale", "fr-FR")  # the files the push sent: see _others for the rest
    assert code == 0 and summary["files"]["kept_local"] == len(conflicts)
    # a kill between recording PX's copy and writing it leaves the sent bytes (known): pull refreshes them
    assert set(summary["changed"]) <= {k.relpath() for k in keys}
    for key in keys:
        if key not in edits:
            assert set(written[key].values()) <= set(file_targets(pulled, key).values())
    run("push")
    assert all(n == 1 for n in landed(emulator).values())
    assert _others(pulled, keys) == others
    assert units_not_as_pulled(pulled) == []


def _others(root: Path, keys: list[FileKey]) -> tuple[dict[str, bytes], dict[str, object]]:
    """Every other file's bytes and state entry: PX never got them (``landed``), so nothing may have changed them."""
    sent = {k.relpath() for k in keys}
    files = {p.relative_to(l10n(root)).as_posix(): p.read_bytes() for p in l10n(root).rglob("*.xlf")}
    entries = json.loads((l10n(root) / STATE_NAME).read_text())["files"]
    return {rel: data for rel, data in files.items() if rel not in sent}, {rel: e for rel, e in entries.items() if rel not in sent}


# --- init and the merge driver as git calls it ----------------------------------------------------


def test_init_wires_the_merge_driver_and_lf_line_endings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = git.Repo.init(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run("init", "--locale", "fr-FR").exit_code == 0
    attributes = (tmp_path / ".gitattributes").read_text().splitlines()
    assert "**/pxl10n-state.json merge=pxl10n-state" in attributes and "l10n/** text eol=lf" in attributes
    assert repo.git.config("merge.pxl10n-state.driver") == "pxl10n merge-state %O %A %B"
    ignored = (tmp_path / ".gitignore").read_text()
    assert repo.git.check_ignore("l10n/.pxl10n-journal") == "l10n/.pxl10n-journal"
    assert run("merge-state", "--install").exit_code == 0  # idempotent
    assert (tmp_path / ".gitattributes").read_text().splitlines() == attributes
    assert (tmp_path / ".gitignore").read_text() == ignored


def test_merge_state_keeps_both_sides_knowledge(tmp_path: Path) -> None:
    from pxl10n.sync.state import FileState, dumps, read_entries

    def entry(**kw: str) -> FileState:
        return FileState("article", "a", "fr-FR", "fr-FR", "2.0", None, **kw)

    rel = "fr-FR/article/a.xlf"
    files = {}
    for name, e in {"base": entry(pulled="h0"), "ours": entry(pulled="h1", pushed="hp"), "theirs": entry(pulled="h1")}.items():
        files[name] = tmp_path / name
        files[name].write_text(dumps({rel: e}))
    assert run("merge-state", str(files["base"]), str(files["ours"]), str(files["theirs"])).exit_code == 0
    merged = read_entries(files["ours"])[rel]
    assert merged.pulled == "h1" and merged.pushed == "hp"
    assert {"h0", "h1", "hp"} >= merged.known_hashes() >= {"h1", "hp"}
    assert run("merge-state", str(files["base"])).exit_code == 2


@pytest.mark.parametrize("point", ["pull-removed:1", "pull-removed:3"])
def test_killed_prune_then_rerun_removes_the_rest_and_keeps_edits(pulled: Path, emulator: EmulatorServer, zygote: Zygote, point: str) -> None:
    gone = [i for i in emulator.store.items("engagement") if i.localizable][:3]
    edited = FileKey("engagement", gone[0].id, "de-DE")
    translate(pulled, edited)
    for item in gone:
        emulator.store.remove("engagement", item.id)
    died = pxl10n(zygote, pulled, "pull", "--prune-all", PXL10N_CRASH_AT=point)
    assert died.returncode == KILLED["KILL"], died.stderr
    code, summary = pull_json("--prune-all")
    assert code == 0, summary
    remaining = {p.stem for p in l10n(pulled).rglob("*.xlf")}
    assert edited.path(l10n(pulled)).exists()
    assert {i.id for i in gone} & remaining == {edited.item_id}
    assert not git.Repo(pulled).git.status("--porcelain", "--", "l10n").replace(f" M l10n/{edited.relpath()}", "").strip()


@pytest.mark.parametrize("delay", [0.05, 0.12, 0.2])
def test_real_kill_at_a_random_moment_of_an_updating_pull(pulled: Path, emulator: EmulatorServer, zygote: Zygote, delay: float) -> None:
    """A SIGKILL from outside, to the run itself, early, midway and late in a pull updating every engagement and article (about 0.25 s).

    The run is forked from the zygote: no import time before the pull starts (a fresh
    interpreter spent 0.2-0.45 s importing, so the old delays 0.15/0.4/0.8 hit the imports,
    the pull, and often a pull already over).
    """
    import time

    keys = [k for kind in ("engagement", "article") for k in keys_of(emulator, kind)]
    for key in keys:
        change_in_px(emulator, key, "first")
    emulator.faults.latency = 0.01
    started = zygote.start(["pull"], cwd=pulled, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    started.kill()
    emulator.faults.latency = 0.0
    for key in keys:
        change_in_px(emulator, key, "second")
    code, summary = pull_json("--kind", "engagement", "--kind", "article", "--locale", "fr-FR")  # every file PX changed; the push checks all
    assert code == 0 and summary["files"]["kept_local"] == 0, summary
    assert all(holds(file_targets(pulled, key), "second") for key in keys)
    code, summary = push_json()
    assert code == 0 and landed(emulator) == Counter()
    assert units_not_as_pulled(pulled) == []


def test_repair_writes_nothing_over_a_file_that_is_not_a_conflicted_state(pulled: Path) -> None:
    """A wrong path (the config, an XLIFF file) used to be "repaired" into an empty state file over its content."""
    for path in (pulled / "pxl10n.toml", next(l10n(pulled).rglob("*.xlf"))):
        before = path.read_bytes()
        result = run("merge-state", "--repair", str(path))
        assert result.exit_code == 2 and "not a pxl10n state file" in result.stderr and "nothing was written" in result.stderr
        assert path.read_bytes() == before
    state = l10n(pulled) / STATE_NAME
    before = state.read_bytes()
    result = run("merge-state", "--repair", str(state))
    assert result.exit_code == 0 and "clean state file already" in result.stderr
    assert state.read_bytes() == before
