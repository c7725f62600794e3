"""The example workflows, run for real against the emulator, a bare "remote" and a fake ``gh``: one story each.

tests/helpers/github_world.py holds that GitHub of our own and its runner, which plays a job step by step from
the YAML itself (so an edit to a workflow is what gets tested), and says what it stands in for.
tests/test_github_walk.py plays the same workflows at random.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.xliff.io import XLIFF20_NS, parse

from .helpers import github_world
from .helpers.actions import EXAMPLES, load_yaml
from .helpers.github_world import (
    BOT_TOKEN,
    CONSOLE_SCRIPT,
    REPOSITORY,
    SYNC_BRANCH,
    JobResult,
    World,
    calls,
    git,
    keys,
    pxl10n_in,
    remote_ref,
    translate,
    world_in,
)
from .helpers.zygote import Zygote

# =========================================================================== tests


def test_sync_opens_one_pr_stays_quiet_without_change_and_updates_it(world: World) -> None:
    runner, remote = world.runner, world.remote
    main_before = remote_ref(remote, "main")

    first = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert first.conclusion == "success", first.log
    branch = remote_ref(remote, SYNC_BRANCH)
    assert branch, first.log
    assert git(remote, "rev-list", "--count", f"main..{SYNC_BRANCH}") == "1"
    assert git(remote, "rev-parse", f"{SYNC_BRANCH}^") == main_before == remote_ref(remote, "main")
    assert git(remote, "log", "-1", "--format=%s", SYNC_BRANCH).startswith("pxl10n pull: ")
    assert git(remote, "log", "-1", "--format=%an", SYNC_BRANCH) == "github-actions[bot]"
    assert calls(runner, 0) == [["pr", "list"], ["pr", "create"]]
    (pr,) = runner.gh()["prs"]
    assert all(c["token"] == BOT_TOKEN for c in runner.gh()["calls"]), "the PR must be made with the bot token"
    assert pr["head"] == SYNC_BRANCH and pr["base"] == "main"
    assert pr["title"] == git(remote, "log", "-1", "--format=%s", SYNC_BRANCH)
    assert "## What changed" in pr["body"] and "## Translation status" in pr["body"] and "fr-FR" in pr["body"]
    assert "- fr-FR/article/" in pr["body"]
    assert first.outputs == {"pull-request-url": f"https://github.com/{REPOSITORY}/pull/1", "pull-request-number": "1"}
    assert "Pull request: https://github.com/" in first.summary and "fr-FR" in first.summary
    assert first.step("publish").outputs["pushed"] == "true"

    # Nothing new in PX: no push, no new or edited pull request, no error.
    n = len(runner.gh()["calls"])
    second = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert second.conclusion == "success", second.log
    assert remote_ref(remote, SYNC_BRANCH) == branch
    assert second.step("publish").outputs["pushed"] == "false"
    assert calls(runner, n) == [["pr", "list"]]
    assert second.outputs["pull-request-number"] == "1"
    assert len(runner.gh()["prs"]) == 1 and runner.gh()["prs"][0]["edits"] == 0

    # PX changes: the branch is rebuilt (still one commit on main) and the same PR updated.
    article = world.emulator.store.items("article")[0]
    article.units[next(iter(article.units))] = "A brand new sentence."
    n = len(runner.gh()["calls"])
    third = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert third.conclusion == "success", third.log
    assert remote_ref(remote, SYNC_BRANCH) not in (None, branch)
    assert git(remote, "rev-list", "--count", f"main..{SYNC_BRANCH}") == "1"
    assert calls(runner, n) == [["pr", "list"], ["pr", "edit"]]
    (pr,) = runner.gh()["prs"]
    assert pr["edits"] == 1 and third.outputs["pull-request-number"] == "1"

    # The pull request is merged: PX and main agree, so the next run does nothing at all.
    work = world.clone("maintainer")
    git(work, "fetch", "-q", "origin", SYNC_BRANCH)
    git(work, "merge", "-q", "--ff-only", "FETCH_HEAD")
    git(work, "push", "-q", "origin", "main")
    runner.merge_pr(1)
    synced = remote_ref(remote, SYNC_BRANCH)
    n = len(runner.gh()["calls"])
    fourth = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert fourth.conclusion == "success", fourth.log
    assert fourth.step("pull").outputs["commit"] == "" and fourth.step("publish").outcome == "skipped"
    assert remote_ref(remote, SYNC_BRANCH) == synced
    assert calls(runner, n) == []
    assert fourth.outputs == {"pull-request-url": "", "pull-request-number": ""}

    # And new PX content after the merge: a fresh branch on the new main, a new pull request.
    article.units[next(iter(article.units))] = "Another sentence."
    fifth = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert fifth.conclusion == "success", fifth.log
    assert git(remote, "rev-parse", f"{SYNC_BRANCH}^") == remote_ref(remote, "main")
    assert [p["state"] for p in runner.gh()["prs"]] == ["merged", "open"]
    assert fifth.outputs["pull-request-number"] == "2"


@pytest.mark.parametrize("px_changes", [False, True], ids=["PX unchanged", "PX changed too"])
def test_sync_never_overwrites_a_persons_commit_on_its_branch(world: World, px_changes: bool) -> None:
    """A reviewer fixes a translation in the sync's pull request (a commit pushed to its branch, or GitHub's web
    editor). The next run rebuilt the branch from main and force-pushed it, lease and all (the lease was the tip it
    had just fetched): the reviewer's commit left the pull request without a word. Now the run pushes nothing and
    says why, naming the commit; the branch keeps it."""
    runner, remote = world.runner, world.remote
    first = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert first.conclusion == "success", first.log
    work = world.clone("reviewer", SYNC_BRANCH)
    key = keys(world.emulator, "article", "fr-FR")[0]
    translate(work, key)
    git(work, "commit", "-q", "-am", "fr-FR: fix in the PR")  # by "Human" (git's identity in these tests)
    git(work, "push", "-q", "origin", SYNC_BRANCH)
    reviewed = remote_ref(remote, SYNC_BRANCH)
    if px_changes:
        article = world.emulator.store.items("article")[1]
        article.units[next(iter(article.units))] = "A brand new sentence."
    n = len(runner.gh()["calls"])

    second = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert second.conclusion == "failure", second.log
    assert remote_ref(remote, SYNC_BRANCH) == reviewed
    log = second.step("publish").log
    assert f"::error title=pxl10n sync::{SYNC_BRANCH} holds a commit that is not this workflow's" in log, log
    assert "Human: fr-FR: fix in the PR" in log and "nothing was pushed" in log
    assert calls(runner, n) == []  # no pull request edited


@dataclass
class FailedSync:
    world: World
    result: JobResult
    bad: str  # the article PX answers 500 for


@pytest.fixture(scope="module")
def failed_sync(tmp_path_factory: pytest.TempPathFactory, emulator_server: EmulatorServer, zygote: Zygote, remote_template: Path,
                setup_python: Path) -> FailedSync:
    """One sync-from-px run (workflow_dispatch) while PX answers 500 for one article; the two tests after this read it.

    The run, the remote and the pull requests it leaves are only read by them, so they are
    checked on one run as they would be on two alike.
    """
    emulator = emulator_server.reset()
    world = world_in(tmp_path_factory.mktemp("failed-sync"), remote_template, emulator, zygote, setup_python)
    bad = emulator.store.items("article")[0].id
    emulator.faults.item(bad, 500)
    try:
        return FailedSync(world, world.runner.run("sync-from-px.yml", "sync", event="workflow_dispatch"), bad)
    finally:
        emulator_server.reset()  # no fault left for whatever runs next


def test_sync_reports_a_failed_item_after_proposing_the_rest(failed_sync: FailedSync) -> None:
    world, result = failed_sync.world, failed_sync.result
    assert result.conclusion == "failure"
    assert result.step("pull").outcome == "failure" and result.step("pr").outcome == "success"
    assert remote_ref(world.remote, SYNC_BRANCH) and len(world.runner.gh()["prs"]) == 1
    assert "::error title=pxl10n pull::" in result.log


def test_pull_failure_is_an_annotation_naming_the_item_and_the_job_summary_lists_it(failed_sync: FailedSync) -> None:
    result, bad = failed_sync.result, failed_sync.bad
    log = result.step("pull").log
    path = f"l10n/{FileKey('article', bad, 'fr-FR').relpath()}"
    assert f"::error file={path},title=pxl10n pull%3A article {bad} [fr-FR]::" in log, log
    assert "### pxl10n pull" in result.summary and f"article {bad}" in result.summary and "#### Not pulled" in result.summary


def test_check_translations_annotates_changed_files_and_summarizes(pulled_world: World) -> None:
    good, bad = keys(pulled_world.emulator, "article", "fr-FR")[:2]
    work = pulled_world.clone("translator")
    git(work, "checkout", "-q", "-b", "translate/fr-FR")
    translate(work, good)
    git(work, "commit", "-q", "-am", "fr-FR: one article")
    git(work, "push", "-q", "origin", "translate/fr-FR")

    clean = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="translate/fr-FR")
    assert clean.conclusion == "success", clean.log
    assert "::error" not in clean.step("validate").log
    assert f"validate --format github l10n/{good.relpath()}\n" in clean.step("validate").log  # only the changed file
    assert "fr-FR" in clean.summary and "|" in clean.summary  # the status table

    translate(work, bad, empty_first=True)
    git(work, "commit", "-q", "-am", "fr-FR: another article")
    git(work, "push", "-q", "origin", "translate/fr-FR")
    broken = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="translate/fr-FR")
    assert broken.conclusion == "failure"
    log = broken.step("validate").log
    assert f"::error file=l10n/{bad.relpath()},line=" in log, log
    assert f"file=l10n/{good.relpath()}" not in log.replace(f"::group::pxl10n validate --format github l10n/{good.relpath()}", "")
    assert broken.step("validate").outputs["exit-code"] == "1"
    assert broken.step("status").outcome == "success"
    assert "fr-FR" in broken.summary and "|" in broken.summary


def test_action_outputs_come_from_pxl10n(pulled_world: World) -> None:
    """What the action declares per mode is really written to GITHUB_OUTPUT by pxl10n (the real console script, fresh interpreters)."""
    pulled_world.runner.pxl10n = CONSOLE_SCRIPT
    bad = keys(pulled_world.emulator, "article", "fr-FR")[0]
    work = pulled_world.clone("translator")
    git(work, "checkout", "-q", "-b", "t")
    translate(work, bad, empty_first=True)
    git(work, "commit", "-q", "-am", "t")
    git(work, "push", "-q", "origin", "t")
    check = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="t")
    validate = check.step("validate").outputs
    assert validate["exit-code"] == "1" and Path(validate["report"]).read_text().startswith("::error")
    assert int(validate["errors"]) >= 1 and int(validate["warnings"]) >= 0, "pxl10n validate must write errors= and warnings= to GITHUB_OUTPUT"
    sync = pulled_world.runner.run("sync-from-px.yml", "sync", event="schedule")
    pull = sync.step("pull").outputs
    assert pull["files-changed"] == "0" and pull["commit"] == "" and pull["failed"] == "0" and pull["exit-code"] == "0"
    status = sync.step("status")
    assert status.outcome == "skipped"


def test_push_to_px_sends_each_translated_file_once_and_commits_the_state(pulled_world: World) -> None:
    chosen = [keys(pulled_world.emulator, "article", "fr-FR")[0], keys(pulled_world.emulator, "kcbot", "de-DE")[0], keys(pulled_world.emulator, "engagement", "fr-FR")[0]]
    work = pulled_world.clone("translator")
    for key in chosen:
        translate(work, key)
    git(work, "commit", "-q", "-am", "translations")
    git(work, "push", "-q", "origin", "main")  # the merge of the translators' pull request
    merged = remote_ref(pulled_world.remote, "main")
    imports_before = len(pulled_world.emulator.store.imports())

    first = pulled_world.runner.run("push-to-px.yml", "push", event="push")
    assert first.conclusion == "success", first.log
    sent = Counter((r.kind, r.id, r.locale) for r in pulled_world.emulator.store.imports()[imports_before:])
    assert sent == Counter((k.kind, k.item_id, k.locale) for k in chosen), first.log
    assert first.step("push").outputs["pushed"] == "3"
    assert git(pulled_world.remote, "rev-parse", "main^") == merged, "one state commit on top of the merge"
    assert git(pulled_world.remote, "log", "-1", "--format=%s", "main").startswith("pxl10n push: 3 file(s) to PX")
    assert "l10n/pxl10n-state.json" in git(pulled_world.remote, "show", "--name-only", "--format=", "main").splitlines()

    # A second run (the state commit's own push event, or a re-run) sends nothing.
    state_commit = remote_ref(pulled_world.remote, "main")
    imports_mid = len(pulled_world.emulator.store.imports())
    second = pulled_world.runner.run("push-to-px.yml", "push", event="push")
    assert second.conclusion == "success", second.log
    assert len(pulled_world.emulator.store.imports()) == imports_mid
    assert second.step("push").outputs["pushed"] == "0"
    assert remote_ref(pulled_world.remote, "main") == state_commit


def test_push_to_px_commit_back_survives_a_sync_merged_meanwhile(pulled_world: World) -> None:
    """A sync pull request touching the same state entries lands on main while push-to-px runs."""
    ordered = sorted(keys(pulled_world.emulator, "article", "fr-FR"), key=FileKey.relpath)
    chosen, other = [ordered[0], ordered[2]], ordered[1]  # the sync touches the entry between the pushed ones
    work = pulled_world.clone("translator")
    for key in chosen:
        translate(work, key)
    git(work, "commit", "-q", "-am", "translations")
    git(work, "push", "-q", "origin", "main")
    before = len(pulled_world.emulator.store.imports())

    def sync_merged_meanwhile(step: str) -> None:
        if step != "commit-back":
            return
        item = pulled_world.emulator.store.get("article", other.item_id)
        unit = sorted(item.units)[0]
        pulled_world.emulator.store.apply_import("article", other.item_id, "fr-FR", {unit: f"[fr] {item.units[unit]}"})
        pulled_world.pull_to_main()  # re-pulls the pushed files too: their entries change on main as well

    first = pulled_world.runner.run("push-to-px.yml", "push", event="push", before_step=sync_merged_meanwhile)
    assert first.conclusion == "success", first.log
    sent = Counter((r.kind, r.id, r.locale) for r in pulled_world.emulator.store.imports()[before:])
    assert sent == Counter((k.kind, k.item_id, k.locale) for k in chosen), first.log
    check = pulled_world.clone("checker")
    text = (check / "l10n" / "pxl10n-state.json").read_text()
    assert "<<<<<<<" not in text
    files = json.loads(text)["files"]
    assert all(files[k.relpath()]["pushed"] for k in chosen)
    assert "[fr] " in (check / "l10n" / other.relpath()).read_text()
    assert git(check, "log", "-1", "--format=%s").startswith("pxl10n push: 2 file(s) to PX")

    again = pulled_world.runner.run("push-to-px.yml", "push", event="push")
    assert again.conclusion == "success", again.log
    assert len(pulled_world.emulator.store.imports()) == before + 2
    dry = pxl10n_in(check, "pull", "--dry-run", "--format", "json")
    assert dry.exit_code == 0 and json.loads(dry.stdout)["changed"] == []


def test_push_to_px_skips_a_broken_file_but_records_the_rest(pulled_world: World) -> None:
    good, bad = keys(pulled_world.emulator, "article", "fr-FR")[:2]
    work = pulled_world.clone("translator")
    translate(work, good)
    translate(work, bad, empty_first=True)
    git(work, "commit", "-q", "-am", "translations")
    git(work, "push", "-q", "origin", "main")
    merged = remote_ref(pulled_world.remote, "main")
    before = len(pulled_world.emulator.store.imports())

    result = pulled_world.runner.run("push-to-px.yml", "push", event="push")
    assert result.conclusion == "failure"
    assert [(r.id, r.locale) for r in pulled_world.emulator.store.imports()[before:]] == [(good.item_id, "fr-FR")]
    assert f"::error file=l10n/{bad.relpath()}" in result.step("validate").log
    # pxl10n push itself names the file it did not send, and the job summary lists it.
    push_log = result.step("push").log
    assert f"::error file=l10n/{bad.relpath()},title=pxl10n push%3A article {bad.item_id} [fr-FR]::blocked" in push_log, push_log
    assert "### pxl10n push" in result.summary and "#### Not pushed" in result.summary and bad.relpath() in result.summary
    assert git(pulled_world.remote, "rev-parse", "main^") == merged, "what landed is recorded even though the run failed"

    again = pulled_world.runner.run("push-to-px.yml", "push", event="push")
    assert [(r.id, r.locale) for r in pulled_world.emulator.store.imports()[before:]] == [(good.item_id, "fr-FR")]
    assert again.conclusion == "failure"  # the broken file is still there, and still not sent


def test_runner_notices_a_broken_workflow(pulled_world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner is strict enough to fail: an unknown action input and a failing step both show."""
    workflow = load_yaml(EXAMPLES / "check-translations.yml")
    workflow["jobs"]["check"]["steps"][2]["with"]["colour"] = "blue"
    broken = tmp_path / "examples"
    broken.mkdir()
    (broken / "check-translations.yml").write_text(yaml.safe_dump(workflow))
    monkeypatch.setattr(github_world, "EXAMPLES", broken)
    work = pulled_world.clone("translator")
    git(work, "checkout", "-q", "-b", "t")
    translate(work, keys(pulled_world.emulator, "article", "fr-FR")[0])
    git(work, "commit", "-q", "-am", "t")
    git(work, "push", "-q", "origin", "t")
    with pytest.raises(AssertionError, match="colour"):
        pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="t")


def test_check_translations_reports_success_on_a_pull_request_without_l10n_changes(pulled_world: World) -> None:
    """The required check must report on every pull request, not only on those touching l10n/."""
    work = pulled_world.clone("developer")
    git(work, "checkout", "-q", "-b", "docs")
    (work / "README.md").write_text("app, documented\n")
    git(work, "commit", "-q", "-am", "docs only")
    git(work, "push", "-q", "origin", "docs")
    result = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="docs")
    assert result.conclusion == "success", result.log
    assert result.step("validate").outcome == "skipped" and result.step("status").outcome == "skipped"
    assert "nothing to check" in result.summary


def test_check_translations_fails_a_pull_request_whose_target_translates_a_source_px_changed_since(pulled_world: World) -> None:
    """A vendor's branch, then a sync on main took PX's new source: GitHub's merge of the two puts the old text's
    translation beside the new text (no conflict: a line lies between). The push check finds it on that merge, offline
    and without a key, before a squash merge could hide it; merging main in and translating again clears it."""
    emulator = pulled_world.emulator
    item = next(i for i in emulator.store.items("engagement") if "\n" in i.units.get("dialog.body", ""))
    key = FileKey("engagement", item.id, "fr-FR")
    work = pulled_world.clone("vendor")
    git(work, "checkout", "-q", "-b", "translate/fr-FR")
    translate(work, key)
    git(work, "commit", "-q", "-am", "fr-FR: the welcome dialog")
    git(work, "push", "-q", "origin", "translate/fr-FR")
    first, rest = item.units["dialog.body"].split("\n", 1)
    item.units["dialog.body"] = f"{first.replace('Hello', 'Hi there')}\n{rest}"
    pulled_world.pull_to_main()

    stale = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="translate/fr-FR")
    assert stale.conclusion == "failure", stale.log
    assert stale.step("validate").outcome == "success"
    log = stale.step("push-check").log
    assert f"::error file=l10n/{key.relpath()}" in log and "translates a source PX has changed since: dialog.body" in log, log
    assert stale.step("status").outcome == "success"

    git(work, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    path = key.path(work / "l10n")
    path.write_text(path.read_text(encoding="utf-8").replace("[fr-FR] &lt;p&gt;Hello", "[fr-FR] &lt;p&gt;Salut"), encoding="utf-8")
    git(work, "commit", "-q", "-am", "fr-FR: the dialog's new text")
    git(work, "push", "-q", "origin", "translate/fr-FR")
    clean = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="translate/fr-FR")
    assert clean.conclusion == "success", clean.log
    assert "would-send" in clean.step("push-check").log


REBASE_BRANCH = "l10n/px-rebase"


def test_push_to_px_proposes_a_rebase_of_a_conflict_and_never_overwrites_its_review(pulled_world: World) -> None:
    """A translation merged to main, while someone translated the same unit in PX's editor: push calls it a conflict and
    sends nothing, and the run used to end there, with a person to run `pxl10n rebase` by hand. Now the run proposes it
    as one pull request: PX's copy with the edits put back, the unit PX changed too kept for review. A re-run leaves the
    branch and pull request alone; a reviewer's commit on the branch is never overwritten; once merged, push sends it."""
    world, runner, remote = pulled_world, pulled_world.runner, pulled_world.remote
    key = keys(world.emulator, "article", "fr-FR")[0]
    item = world.emulator.store.get("article", key.item_id)
    contested, *untouched = sorted(item.units)
    work = world.clone("translator")
    translate(work, key)
    git(work, "commit", "-q", "-am", "fr-FR: an article")
    git(work, "push", "-q", "origin", "main")
    world.emulator.store.apply_import("article", key.item_id, "fr-FR", {contested: "Traduit dans PX"})
    before = len(world.emulator.store.imports())

    first = runner.run("push-to-px.yml", "push", event="push")
    assert first.conclusion == "failure", first.log  # the file is still not in PX
    assert first.step("push").outputs["conflicts"] == "1"
    assert len(world.emulator.store.imports()) == before, "nothing sent over PX's change"
    rebase = first.step("rebase")
    assert rebase.outcome == "success", rebase.log
    (pr,) = runner.gh()["prs"]
    assert pr["head"] == REBASE_BRANCH and pr["base"] == "main" and pr["state"] == "open"
    assert pr["title"].startswith("pxl10n rebase: edits of 1 file(s) put on PX's copy"), pr["title"]
    assert contested in pr["body"] and "Traduit dans PX" in pr["body"] and "marked not translated yet" in pr["body"]
    assert rebase.outputs["url"].endswith(f"/pull/{pr['number']}") and rebase.outputs["url"] in first.summary
    proposed = remote_ref(remote, REBASE_BRANCH)
    git(remote, "merge-base", "--is-ancestor", "main", REBASE_BRANCH)  # built on main as pushed, state commit and all
    review = world.clone("reviewer", REBASE_BRANCH)
    segments = {u.get("id"): u.find(f"{{{XLIFF20_NS}}}segment")
                for u in parse(key.path(review / "l10n").read_bytes()).getroot().iter(f"{{{XLIFF20_NS}}}unit")}
    assert segments[contested].get("state") == "initial", "the unit PX changed too waits for review"
    assert all(segments[u].get("state") != "initial" and "[fr-FR]" in segments[u].findtext(f"{{{XLIFF20_NS}}}target")
               for u in untouched), "the units PX left alone keep the edit as it is"

    unreviewed = runner.run("check-translations.yml", "check", event="pull_request", pr_head=REBASE_BRANCH)
    assert unreviewed.conclusion == "failure", unreviewed.log  # merged now, the file would be held back
    assert contested in unreviewed.step("push-check").log, unreviewed.step("push-check").log
    n = len(runner.gh()["calls"])
    again = runner.run("push-to-px.yml", "push", event="push")
    assert again.step("rebase").outcome == "success", again.step("rebase").log
    assert remote_ref(remote, REBASE_BRANCH) == proposed and "nothing to push" in again.step("rebase").log
    assert [c for c in calls(runner, n) if c != ["pr", "list"]] == [] and len(runner.gh()["prs"]) == 1

    path = key.path(review / "l10n")
    path.write_text(path.read_text(encoding="utf-8").replace('state="initial"', 'state="translated"'), encoding="utf-8")
    git(review, "commit", "-q", "-am", "fr-FR: checked against PX's text")  # by "Human"
    git(review, "push", "-q", "origin", REBASE_BRANCH)
    reviewed = remote_ref(remote, REBASE_BRANCH)
    checked = runner.run("check-translations.yml", "check", event="pull_request", pr_head=REBASE_BRANCH)
    assert checked.conclusion == "success", checked.log  # reviewed: what push would send once merged
    n = len(runner.gh()["calls"])
    third = runner.run("push-to-px.yml", "push", event="push")
    log = third.step("rebase").log
    assert remote_ref(remote, REBASE_BRANCH) == reviewed, "the review is not overwritten"
    assert f"::warning title=pxl10n rebase::{REBASE_BRANCH} holds a review under way" in log, log
    assert "Human: fr-FR: checked against PX's text" in log
    assert calls(runner, n) == []

    merger = world.clone("merger")
    git(merger, "merge", "-q", "--no-ff", "--no-edit", f"origin/{REBASE_BRANCH}")
    git(merger, "push", "-q", "origin", "main")
    runner.merge_pr(pr["number"])
    done = runner.run("push-to-px.yml", "push", event="push")
    assert done.conclusion == "success", done.log
    assert done.step("push").outputs["pushed"] == "1" and done.step("rebase").outcome == "skipped"
    sent = world.emulator.store.get("article", key.item_id).translations["fr-FR"]
    assert sent[contested].startswith("[fr-FR]") and all(sent[u].startswith("[fr-FR]") for u in untouched), sent
