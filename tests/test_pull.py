"""`pxl10n pull` end to end: real emulator over loopback HTTP, real git repos."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import git
import pytest
from lxml import etree

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import STATE_NAME, FileKey
from pxl10n.xliff.io import parse, read_info

from .helpers.cli import run
from .helpers.project import API_KEY, LOCALES, commits, content_entries, write_config
from .helpers.zygote import Zygote

#: A project of one locale: a full pull of every item with half the exports, where a test is about items, not locales.
ONE_LOCALE = ("fr-FR",)


def expected_keys(server: EmulatorServer, locales: tuple[str, ...] = LOCALES) -> set[FileKey]:
    keys = set()
    for kind in ("engagement", "kcbot", "article", "content"):
        for item in server.store.items(kind):
            if item.localizable:
                keys.update(FileKey(kind, item.id, locale) for locale in locales)
    return keys


def xliff_files(root: Path) -> set[Path]:
    return {p for p in (root / "l10n").rglob("*") if p.is_file() and p.suffix == ".xlf"}


def test_pull_writes_every_item_and_locale_once_and_commits(project: Path, emulator: EmulatorServer) -> None:
    result = run("pull", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    expected = expected_keys(emulator)
    assert summary["files"]["new"] == len(expected) == summary["files"]["total"]
    assert {p.relative_to(project / "l10n") for p in xliff_files(project)} == {Path(k.relpath()) for k in expected}
    assert summary["skipped"]["email"] == sum(1 for i in emulator.store.items("engagement") if not i.localizable)
    assert commits(project) == 2
    head = git.Repo(project).head.commit
    assert head.message.startswith(f"pxl10n pull: {len(expected)} file(s) from PX")
    assert not git.Repo(project).is_dirty(untracked_files=True)


def test_pulled_text_is_byte_faithful(pulled: Path, emulator: EmulatorServer) -> None:
    checked = 0
    for kind in ("engagement", "article", "kcbot"):
        for item in emulator.store.items(kind):
            if not item.localizable:
                continue
            info = read_info(parse(FileKey(kind, item.id, "fr-FR").path(pulled / "l10n").read_bytes()))
            sources = {unit.id: unit.source for unit in info.units}
            for unit_id, text in item.units.items():
                assert sources[unit_id] == text
                checked += 1
    assert checked > 50
    assert any(not t.isascii() for item in emulator.store.items("engagement") for t in item.units.values())


def test_second_pull_changes_nothing_and_commits_nothing(pulled: Path) -> None:
    before = {p: p.read_bytes() for p in (pulled / "l10n").rglob("*") if p.is_file()}
    mtimes = {p: p.stat().st_mtime_ns for p in before}
    result = run("pull", "--format", "json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["changed"] == [] and summary["commit"] is None
    assert commits(pulled) == 2
    after = {p: p.read_bytes() for p in (pulled / "l10n").rglob("*") if p.is_file()}
    assert after == before
    assert {p: p.stat().st_mtime_ns for p in after} == mtimes


def test_pull_picks_up_a_change_in_px(pulled: Path, emulator: EmulatorServer) -> None:
    item = next(i for i in emulator.store.items("article"))
    unit_id = next(iter(item.units))
    item.units[unit_id] = "Changed  text — with ünïcode "
    result = run("pull", "--format", "json")
    summary = json.loads(result.stdout)
    assert sorted(summary["changed"]) == sorted(FileKey("article", item.id, loc).relpath() for loc in LOCALES)
    assert commits(pulled) == 3
    text = {u.id: u.source for u in read_info(parse(FileKey("article", item.id, "de-DE").path(pulled / "l10n").read_bytes())).units}
    assert text[unit_id] == "Changed  text — with ünïcode "


def test_items_deleted_in_px_are_removed_on_a_full_pull(pulled: Path, emulator: EmulatorServer) -> None:
    gone, edited = emulator.store.items("article")[:2]
    edited_path = FileKey("article", edited.id, "fr-FR").path(pulled / "l10n")
    edited_path.write_bytes(edited_path.read_bytes().replace(b"</source>", b"</source><target>mine</target>", 1))
    for item in (gone, edited):
        emulator.store.remove("article", item.id)
    assert run("pull", "--kind", "article", "--id", emulator.store.items("article")[0].id).exit_code == 0
    assert FileKey("article", gone.id, "fr-FR").path(pulled / "l10n").exists()
    held = run("pull", "--format", "json")  # 2 of 6 articles is more than the default 10%: nothing removed
    assert held.exit_code == 1 and json.loads(held.stdout)["files"]["prune_held"] == 3
    assert FileKey("article", gone.id, "fr-FR").path(pulled / "l10n").exists()
    result = run("pull", "--prune-all", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["files"]["removed"] == 3
    assert not any(gone.id in p.name for p in xliff_files(pulled))
    assert edited_path.exists() and b"mine" in edited_path.read_bytes()
    state = json.loads((pulled / "l10n" / STATE_NAME).read_text())["files"]
    assert not any(gone.id in rel for rel in state)


def test_items_an_export_filter_leaves_out_are_left_alone_not_taken_for_deleted(pulled: Path, emulator: EmulatorServer) -> None:
    """Narrowing [export] engagement_types narrows PX's listing, so the other engagements were "no longer in PX":
    removed (or held back, past the share), and an edited one "kept; push has nowhere to send it (PX has no such
    item)". PX still has them: pull asks PX for the whole listing, leaves their files as they are and says why; an
    engagement PX really deleted is still removed."""
    engagements = [i for i in emulator.store.items("engagement") if i.localizable]
    kept_type = engagements[0].type
    deleted = next(i for i in engagements if i.type == kept_type and i is not engagements[0])  # the fixtures have two or more
    others = [i for i in engagements if i.type != kept_type]
    edited = FileKey("engagement", others[0].id, "fr-FR").path(pulled / "l10n")
    edited.write_bytes(edited.read_bytes().replace(b"</source>", b"</source><target>mine</target>", 1))
    emulator.store.remove("engagement", deleted.id)
    write_config(pulled, emulator.base_url, content=content_entries(emulator),
                 extra=f'\n[export]\nengagement_types = ["{kept_type}"]\n[pull]\nprune_max_share = 1.0\n')
    result = run("pull", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["files"]["left_out"] == 2 * len(others), summary
    assert all(FileKey("engagement", i.id, loc).path(pulled / "l10n").exists() for i in others for loc in LOCALES)
    assert b"mine" in edited.read_bytes()
    assert (f"{2 * len(others)} file(s) left as they are: PX still has this engagement, but [export] engagement_types "
            "leaves it out (-v names each)") in result.stderr
    said_gone = [line for line in result.stderr.splitlines() if "no longer in PX" in line]
    assert said_gone and all(deleted.id in line for line in said_gone), said_gone
    assert summary["files"]["removed"] == 2 and not FileKey("engagement", deleted.id, "fr-FR").path(pulled / "l10n").exists()


def test_a_content_entry_taken_out_of_the_config_is_said_so_not_that_px_dropped_it(pulled: Path, emulator: EmulatorServer) -> None:
    """PX cannot list content: its "listing" is the config's [[content]] entries, so a file removed (or kept, edited)
    because an entry was taken out must say that, not "no longer in PX", which would send a person looking in PX."""
    entries = content_entries(emulator)
    edited = FileKey("content", entries[0][0], "fr-FR").path(pulled / "l10n")
    edited.write_bytes(edited.read_bytes().replace(b"</source>", b"</source><target>mine</target>", 1))
    write_config(pulled, emulator.base_url, content=entries[1:])
    result = run("pull")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert f"removed  de-DE/content/{entries[0][0]}.xlf (no longer among the [[content]] entries of pxl10n.toml)" in lines
    assert (f"warning: fr-FR/content/{entries[0][0]}.xlf: no longer among the [[content]] entries of pxl10n.toml but "
            f"edited here and not pushed; kept") in lines
    assert "no longer in PX" not in result.stderr and b"mine" in edited.read_bytes()


def test_filters_narrow_the_pull(project: Path, emulator: EmulatorServer) -> None:
    article = emulator.store.items("article")[0]
    result = run("pull", "--kind", "article", "--id", article.id, "--locale", "de-DE", "--format", "json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["changed"] == [FileKey("article", article.id, "de-DE").relpath()]
    assert {p.name for p in xliff_files(project)} == {f"{article.id}.xlf"}


def test_unknown_locale_and_id_are_reported(project: Path) -> None:
    result = run("pull", "--locale", "xx-XX")
    assert result.exit_code == 2
    assert "xx-XX" in result.output and "project.locales" in result.output
    result = run("pull", "--kind", "article", "--id", "no-such-article", "--format", "json")
    assert result.exit_code == 1
    assert "no-such-article" in result.stdout


def test_dry_run_writes_and_commits_nothing(project: Path, emulator: EmulatorServer) -> None:
    write_config(project, emulator.base_url, locales=ONE_LOCALE, content=content_entries(emulator))  # every item, half the exports
    result = run("pull", "--dry-run", "--format", "json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert len(summary["changed"]) == len(expected_keys(emulator, ONE_LOCALE))
    assert not (project / "l10n").exists()
    assert commits(project) == 1


def test_no_commit_leaves_changes_uncommitted(project: Path) -> None:
    assert run("pull", "--no-commit").exit_code == 0
    assert commits(project) == 1
    assert git.Repo(project).is_dirty(untracked_files=True)


def test_pull_commits_only_its_directory(project: Path, emulator: EmulatorServer) -> None:
    write_config(project, emulator.base_url, locales=ONE_LOCALE, content=content_entries(emulator))  # every item, half the exports; left uncommitted
    (project / "notes.txt").write_text("mine\n")
    git.Repo(project).index.add(["notes.txt"])
    assert run("pull").exit_code == 0
    head = git.Repo(project).head.commit
    assert "notes.txt" not in head.stats.files and "pxl10n.toml" not in head.stats.files and head.stats.files
    assert "notes.txt" in [d.a_path for d in git.Repo(project).index.diff("HEAD")]


def test_state_file_records_what_push_needs(pulled: Path, emulator: EmulatorServer) -> None:
    state = json.loads((pulled / "l10n" / STATE_NAME).read_text())
    bot = emulator.store.items("kcbot")[0]
    entry = state["files"][FileKey("kcbot", bot.id, "fr-FR").relpath()]
    assert entry["params"] == {"kcVersion": "v1"} and entry["xliff_version"] == "2.0"
    assert entry["unit_ids"] == sorted(bot.units)
    content = emulator.store.items("content")[0]
    assert state["files"][FileKey("content", content.id, "fr-FR").relpath()]["params"] == {"type": content.type}
    index = json.loads((pulled / "l10n" / "index.json").read_text())
    assert index["kcbot"][bot.id]["name"]


def test_local_unpushed_edit_is_kept(pulled: Path, emulator: EmulatorServer) -> None:
    article = emulator.store.items("article")[0]
    path = FileKey("article", article.id, "fr-FR").path(pulled / "l10n")
    edited = path.read_bytes().replace(b"</source>", b"</source><target>x</target>", 1)
    path.write_bytes(edited)
    article.units[next(iter(article.units))] = "new source"
    result = run("pull", "--no-commit", "--kind", "article")  # the changed item, both locales: de-DE taken, fr-FR kept
    assert result.exit_code == 0
    assert "kept" in result.output
    assert path.read_bytes() == edited


def test_xliff_12_pull(project: Path, emulator: EmulatorServer) -> None:
    write_config(project, emulator.base_url, locales=ONE_LOCALE, extra='[export]\nversion = "1.2"\n', content=content_entries(emulator))
    assert run("pull").exit_code == 0
    files = xliff_files(project)  # every item of every kind, in 1.2
    assert len(files) == len(expected_keys(emulator, ONE_LOCALE))
    assert {read_info(parse(path.read_bytes())).version for path in files} == {"1.2"}


@pytest.mark.parametrize(("status", "count", "retry_after"), [(429, 40, 0), (503, 40, 0), (429, 6, None), (503, 6, None)])
def test_storms_are_survived(project: Path, emulator: EmulatorServer, status: int, count: int, retry_after: int | None) -> None:
    emulator.faults.storm(count, status, retry_after=retry_after)
    result = run("pull", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"]["failed"] == 0
    assert len(xliff_files(project)) == len(expected_keys(emulator))


@pytest.mark.parametrize("fault", ["truncate", "zipslip", "xxe", "bomb", "notzip", 435, 500])
def test_one_bad_export_fails_that_item_only(project: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory, fault: str | int) -> None:
    """A full pull of every item of every kind, in one locale: the fault is the item's (all its exports), not a locale's."""
    write_config(project, emulator.base_url, locales=ONE_LOCALE, content=content_entries(emulator))
    bad = emulator.store.items("article")[1]
    emulator.faults.item(bad.id, fault)
    result = run("pull", "--format", "json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    failed = {(f["id"], f["locale"]) for f in summary["failures"]}
    assert failed == {(bad.id, loc) for loc in ONE_LOCALE}
    files = xliff_files(project)
    assert len(files) == len(expected_keys(emulator, ONE_LOCALE)) - len(ONE_LOCALE)
    assert not any(bad.id in p.name for p in files)
    everything = [p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts]
    assert not any(p.name.endswith(".partial") or p.name == "evil.xlf" for p in everything)
    assert not any(b"root:x:0:0" in p.read_bytes() for p in everything)
    assert not (project.parent / "evil.xlf").exists()
    for path in files:
        parse(path.read_bytes())
    assert commits(project) == 2


def test_cut_off_export_leaves_existing_file_untouched(pulled: Path, emulator: EmulatorServer) -> None:
    article = emulator.store.items("article")[0]
    path = FileKey("article", article.id, "fr-FR").path(pulled / "l10n")
    before = path.read_bytes()
    article.units[next(iter(article.units))] = "changed upstream"
    emulator.faults.item(article.id, "truncate")
    result = run("pull", "--kind", "article")  # the changed item and its neighbours
    assert result.exit_code == 1
    assert "cut off" in result.output
    assert path.read_bytes() == before


def test_wrong_key_fails_cleanly_without_leaking(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PX_API_KEY", "sk-wrong-key-0123456789")
    result = run("-vv", "pull")
    assert result.exit_code == 1
    assert "401" in result.output and "Traceback" not in result.output
    assert "sk-wrong-key-0123456789" not in result.output
    assert not (project / "l10n").exists()


def test_missing_key_is_a_config_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PX_API_KEY")
    result = run("pull")
    assert result.exit_code == 2
    assert "PX_API_KEY" in result.output


def test_key_never_appears_in_output_files_or_commits(project: Path) -> None:
    result = run("-vv", "pull", "--format", "json")
    assert result.exit_code == 0
    assert API_KEY not in result.output
    for path in project.rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), path
    assert API_KEY not in git.Repo(project).git.log("-p", "--all")


def test_kill_during_pull_leaves_whole_files_and_rerun_completes(tmp_path: Path, emulator: EmulatorServer, zygote: Zygote, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real ``kill -9`` of a paced, slowed pull; the rerun (in-process, at full speed) completes it.

    The pull is a process of its own forked from the zygote (tests/helpers/zygote.py), and the kill goes to it."""
    git.Repo.init(tmp_path)
    emulator.faults.latency = 0.05
    write_config(tmp_path, emulator.base_url, content=content_entries(emulator), concurrency=2, rate_limit=40)
    env = {**os.environ, "PX_API_KEY": API_KEY, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    child = zygote.start(["pull"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(xliff_files(tmp_path)) < 10:
        time.sleep(0.02)
    assert child.kill() == -signal.SIGKILL
    partial = xliff_files(tmp_path)
    assert 10 <= len(partial) < len(expected_keys(emulator))
    for path in partial:
        etree.fromstring(path.read_bytes())
    emulator.faults.latency = 0.0
    write_config(tmp_path, emulator.base_url, content=content_entries(emulator))
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "PX_API_KEY"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.chdir(tmp_path)
    again = run("pull", "--format", "json")
    assert again.exit_code == 0, again.output
    assert len(xliff_files(tmp_path)) == len(expected_keys(emulator))
    assert not list(tmp_path.rglob("*.partial"))
    assert not git.Repo(tmp_path).git.status("--porcelain", "--", "l10n")


def test_an_item_name_with_a_newline_or_a_terminal_escape_is_one_line_everywhere(pulled: Path, emulator: EmulatorServer) -> None:
    """An item's name reaches the commit message (one line per file, which the sync pull request's body quotes),
    the terminal and index.json: a newline in it wrote a line of its own (a trailer, a heading) into the message."""
    article = emulator.store.items("article")[0]
    article.fields["articleName"] = "Guide\nSigned-off-by: Mallory <m@example.com>\x1b[31m  red"
    article.units[sorted(article.units)[0]] = "Changed in PX."
    result = run("pull")
    assert result.exit_code == 0, result.output
    body = subprocess.run(["git", "log", "-1", "--format=%b"], cwd=pulled, capture_output=True, text=True, check=True).stdout
    assert "\nSigned-off-by" not in body and "\x1b" not in body
    assert f"fr-FR/article/{article.id}.xlf: updated, 0/" in body
    assert "(Guide Signed-off-by: Mallory <m@example.com> [31m red)" in body  # the escape character gone, its text inert
    index = json.loads((pulled / "l10n" / "index.json").read_text())
    assert "Guide Signed-off-by: Mallory <m@example.com> [31m red" in json.dumps(index, ensure_ascii=False)
