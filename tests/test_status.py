"""`pxl10n status`: numbers from the files on a known fixture, PX's view, gates and formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey

from .helpers.cli import run
from .helpers.project import API_KEY, LOCALES
from .helpers.pulled import keys_of, translate


def expected(emulator: EmulatorServer, locale: str, kind: str) -> tuple[int, int, int]:
    """(items, units, translated units) straight from the emulator's data."""
    items = [i for i in emulator.store.items(kind) if i.localizable]
    units = sum(len(i.units) for i in items)
    done = sum(1 for i in items for uid, src in i.units.items() if (i.translations.get(locale, {}).get(uid) or "").strip() or (uid in i.translations.get(locale, {}) and not src.strip()))
    return len(items), units, done


def status_json(*args: str) -> tuple[int, dict]:
    result = run("status", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_numbers_match_the_fixture_offline(pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PX_API_KEY")
    code, data = status_json()
    assert code == 0
    rows = {(r["locale"], r["kind"]): r for r in data["rows"]}
    assert set(rows) == {(loc, kind) for loc in LOCALES for kind in ("engagement", "kcbot", "article", "content")}
    total_units = total_done = 0
    for (locale, kind), row in rows.items():
        items, units, done = expected(emulator, locale, kind)
        assert (row["items"], row["units"], row["translated_units"]) == (items, units, done), (locale, kind)
        assert row["percent"] == round(100 * done / units, 1)
        total_units += units
        total_done += done
    assert data["overall"]["units"] == total_units and data["overall"]["translated_units"] == total_done
    assert 0 < total_done < total_units
    assert data["changed_since_push"] == []


def test_edited_files_are_listed_and_counted(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    before = status_json("--locale", "fr-FR", "--kind", "article")[1]
    assert before["changed_since_push"] == [key.relpath()]
    assert before["overall"]["complete_items"] == 1
    assert before["locales"][0]["locale"] == "fr-FR" and len(before["rows"]) == 1


def test_each_changed_file_names_the_units_edited_since_it_was_pulled(pulled: Path, emulator: EmulatorServer) -> None:
    """Offline, from the units the state entry keeps as pulled: what a reviewer looks at before the push."""
    key, other = [k for k in keys_of(emulator, "engagement") if len(emulator.store.get(k.kind, k.item_id).units) >= 3][:2]
    picked = sorted(emulator.store.get(key.kind, key.item_id).units)[:2]
    translate(pulled, key, units=lambda uid: uid in picked)
    path = other.path(pulled / "l10n")
    path.write_text(path.read_text(encoding="utf-8").replace("<unit ", '<unit translate="yes" ', 1), encoding="utf-8")
    data = status_json("--locale", "fr-FR", "--kind", "engagement")[1]
    assert data["units_changed"] == sorted([{"path": key.relpath(), "units": picked}, {"path": other.relpath(), "units": []}],
                                           key=lambda d: d["path"])
    text = run("status", "--locale", "fr-FR", "--kind", "engagement").output
    assert f"  {key.relpath()}: 2 unit(s) edited ({picked[0]}, {picked[1]})" in text, text
    assert f"  {other.relpath()}: no unit's source or target edited (it differs otherwise" in text, text


def test_a_file_no_pull_wrote_is_neither_progress_nor_pending_as_push_sees_it(pulled: Path, emulator: EmulatorServer) -> None:
    """A translated copy under a new name has no state entry: push calls it not-pulled and sends nothing, so status
    must not promise that the next push sends it, nor count its units."""
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    before = status_json("--locale", "fr-FR", "--kind", "article")[1]
    copy = FileKey(key.kind, "copied-by-hand", key.locale)
    copy.path(pulled / "l10n").write_bytes(key.path(pulled / "l10n").read_bytes())
    after = status_json("--locale", "fr-FR", "--kind", "article")[1]
    assert after["not_pulled"] == [copy.relpath()]
    assert after["changed_since_push"] == [key.relpath()]
    assert after["overall"] == before["overall"]
    text = run("status", "--locale", "fr-FR", "--kind", "article").output
    assert f"not pulled by pxl10n (not counted, push does not send it; pull, then translate the pulled file): {copy.relpath()}" in text
    pushed = json.loads(run("push", "--dry-run", "--format", "json").stdout)
    assert {f["path"]: f["result"] for f in pushed["files"]}[copy.relpath()] == "not-pulled"


def test_fail_under_is_per_locale(pulled: Path) -> None:
    data = status_json()[1]
    pct = {row["locale"]: row["percent"] for row in data["locales"]}
    low, high = sorted(pct, key=pct.get)
    between = (pct[low] + pct[high]) / 2
    result = run("status", "--fail-under", f"{between}")
    assert result.exit_code == 1
    assert low in result.stderr and high not in result.stderr.split("below", 1)[1]
    assert run("status", "--fail-under", f"{between}", "--locale", high).exit_code == 0
    assert run("status", "--fail-under", f"{pct[low] / 2}").exit_code == 0
    assert run("status", "--fail-under", "100").exit_code == 1


def test_markdown_table_and_job_summary(pulled: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path_factory.mktemp("gh") / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run("status", "--format", "markdown")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "### Translation status"
    assert lines[2].startswith("| LOCALE | KIND |") and set(lines[3]) <= set("|-:")
    assert any(line.startswith("| fr-FR | article |") for line in lines)
    assert any(line.startswith("| **all** | **all** |") for line in lines)
    assert summary.read_text().startswith("### Translation status")


def test_text_table_is_aligned(pulled: Path) -> None:
    result = run("status", "--kind", "article")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["LOCALE", "KIND", "ITEMS", "UNITS", "TRANSLATED", "%", "WORDS", "TO-TRANSLATE", "CHANGED"]
    assert len({len(line) for line in lines[:4]}) == 1


def test_remote_flags_drift_both_ways_without_leaking_the_key(pulled: Path, emulator: EmulatorServer) -> None:
    here = keys_of(emulator, "article")[0]
    translate(pulled, here)
    there = emulator.store.items("kcbot")[0]
    with emulator.store.lock:
        there.translations["de-DE"] = {uid: f"DE {src}" for uid, src in there.units.items()}
    result = run("-vv", "status", "--remote", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    drift = {d["path"]: d["drift"] for d in data["drift"]}
    assert "push pending" in drift[here.relpath()]
    assert "pull pending" in drift[FileKey("kcbot", there.id, "de-DE").relpath()]
    rows = {(r["locale"], r["kind"]): r for r in data["rows"]}
    assert rows[("de-DE", "kcbot")]["px_translated_items"] >= 1
    assert "px_items" not in rows[("fr-FR", "content")]
    text = run("-vv", "status", "--remote")
    assert "drift:" in text.stdout
    assert API_KEY not in result.output + text.output


def test_a_copy_or_a_merge_tools_file_beside_a_pulled_one_is_named_where_it_is(pulled: Path, emulator: EmulatorServer) -> None:
    """``ID (copy).xlf`` reads as an item id whose file pxl10n would name otherwise (``ID%20%28copy%29.xlf``): push
    used to call it "in the state file but not on disk", and status named a path that does not exist."""
    key = keys_of(emulator, "article")[0]
    original = key.path(pulled / "l10n")
    names = [f"{original.stem} (copy).xlf", f"{original.stem}_LOCAL_1234.xlf", "notes.xlf"]
    for name in names:
        original.with_name(name).write_bytes(original.read_bytes())
    (pulled / "l10n" / key.locale / "loose.xlf").write_bytes(original.read_bytes())
    folder = f"{key.locale}/{key.kind}"
    code, data = status_json("--locale", key.locale)
    assert code == 0
    assert data["not_pulled"] == sorted([f"{key.locale}/loose.xlf", *(f"{folder}/{name}" for name in names)])
    assert status_json("--locale", key.locale, "--kind", "engagement")[1]["not_pulled"] == [f"{key.locale}/loose.xlf"]
    pushed = json.loads(run("push", "--dry-run", "--format", "json").stdout)
    results = {f["path"]: f["result"] for f in pushed["files"]}
    assert "missing" not in results.values(), results
    assert results[f"{folder}/{original.stem}_LOCAL_1234.xlf"] == "not-pulled"


def test_a_changed_file_push_holds_back_for_its_own_draft_is_said_so(pulled: Path, emulator: EmulatorServer) -> None:
    """Push holds back a file with a draft of its own: status says which, instead of promising every changed file to
    the next push."""
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    path = key.path(pulled / "l10n")
    assert json.loads(run("status", "--format", "json").stdout)["drafts_held"] == []
    path.write_text(re.sub(r'<segment( state="[^"]*")?', '<segment state="initial"', path.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")
    data = json.loads(run("status", "--format", "json").stdout)
    assert [d["path"] for d in data["drafts_held"]] == [key.relpath()] and data["changed_since_push"] == [key.relpath()]
    pushed = json.loads(run("push", "--dry-run", "--format", "json").stdout)
    assert {f["path"]: f["result"] for f in pushed["files"]}[key.relpath()] == "blocked"


def test_a_changed_file_with_nothing_to_send_is_not_promised_to_the_next_push(pulled: Path, emulator: EmulatorServer) -> None:
    """A translation pushed, then reverted in git: the file differs from PX's copy only by emptied targets. Push skips
    it (an import never removes a translation), yet status listed it under "the next push sends them"."""
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    path = key.path(pulled / "l10n")
    assert run("push").exit_code == 0
    path.write_text(re.sub(r"<target>.*?</target>", "<target></target>", path.read_text(encoding="utf-8"), flags=re.S),
                    encoding="utf-8")
    data = json.loads(run("status", "--format", "json").stdout)
    assert data["nothing_to_send"] == [key.relpath()] and data["changed_since_push"] == [key.relpath()]
    text = run("status").stdout
    assert "the next push sends them" not in text and "push sends nothing of them" in text and key.relpath() in text
    pushed = json.loads(run("push", "--dry-run", "--format", "json").stdout)
    assert {f["path"]: f["result"] for f in pushed["files"]}[key.relpath()] == "skipped"
    translate(pulled, key, lambda source: f"[fr] {source}")
    assert json.loads(run("status", "--format", "json").stdout)["nothing_to_send"] == []


def test_a_shortened_file_name_is_counted_through_the_state_file_when_index_json_is_broken(pulled: Path, emulator: EmulatorServer) -> None:
    """An id too long for a file name is hashed into it and mapped back by index.json; push finds the file through
    the state file either way, so status must count it (not call it "not pulled") when index.json is broken."""
    import copy
    import dataclasses

    model = emulator.store.items("article")[0]
    item_id = "x" * 400
    emulator.store.add(copy.deepcopy(dataclasses.replace(model, id=item_id, translations={})))
    assert run("pull", "--kind", "article").exit_code == 0
    key = FileKey("article", item_id, "fr-FR")
    assert "~" in key.path(pulled / "l10n").name
    before = status_json("--kind", "article")[1]
    (pulled / "l10n" / "index.json").write_text("{ broken", encoding="utf-8")
    after = status_json("--kind", "article")[1]
    assert after["not_pulled"] == [] and after["overall"] == before["overall"]
    translate(pulled, key)
    assert status_json("--kind", "article")[1]["changed_since_push"] == [key.relpath()]


def test_a_symbolic_link_under_the_directory_is_named_and_never_read(pulled: Path, emulator: EmulatorServer,
                                                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    """Pull and push refuse links under the l10n directory (a committed link could point anywhere on a CI runner):
    status does not read through one either, and says where each points."""
    before = status_json("--locale", "fr-FR", "--kind", "article")[1]
    key = keys_of(emulator, "article")[0]
    path = key.path(pulled / "l10n")
    outside = tmp_path_factory.mktemp("outside") / "elsewhere.xlf"
    outside.write_bytes(path.read_bytes().replace(b"<source>", b"<source>", 1))
    path.unlink()
    path.symlink_to(outside)
    (path.parent / "stray.xlf").symlink_to("/etc/hostname")
    code, after = status_json("--locale", "fr-FR", "--kind", "article")
    assert code == 0
    assert after["links"] == sorted([f"{key.relpath()} -> {outside}", "fr-FR/article/stray.xlf -> /etc/hostname"])
    assert after["overall"]["items"] == before["overall"]["items"] - 1 and after["changed_since_push"] == []
    text = run("status", "--locale", "fr-FR", "--kind", "article").output
    assert "a symbolic link, not read (not counted; pull and push refuse links" in text and f"{key.relpath()} -> {outside}" in text
