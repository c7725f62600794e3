"""`pxl10n push` end to end: real emulator over loopback HTTP, real git repos."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import git
import pytest
from lxml import etree

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import STATE_NAME, FileKey
from pxl10n.sync.journal import JOURNAL_NAME
from pxl10n.xliff.io import parse, read_info

from .helpers.cli import run
from .helpers.project import API_KEY, commits, content_entries, write_config
from .helpers.pulled import keys_of, l10n, translate
from .helpers.pushed import IMPORT_PREFIX, import_requests, landed, push_json, results, state_entry
from .helpers.zygote import Zygote


def tamper(root: Path, key: FileKey, pattern: str, replacement: str) -> None:
    path = key.path(l10n(root))
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1)
    assert changed != text, pattern
    path.write_text(changed, encoding="utf-8")


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in l10n(root).rglob("*") if p.is_file()}


def mixed_keys(emulator: EmulatorServer) -> list[FileKey]:
    """One file of each kind in fr-FR: exercises every import endpoint (kcVersion, contentId)."""
    return [keys_of(emulator, kind)[0] for kind in ("engagement", "kcbot", "article", "content")]


# --- only what changed ------------------------------------------------------------------


def test_push_sends_exactly_the_translated_files_then_nothing_and_pull_stays_quiet(pulled: Path, emulator: EmulatorServer) -> None:
    keys = mixed_keys(emulator)
    written = {key: translate(pulled, key) for key in keys}
    code, summary = push_json()
    assert code == 0, summary
    assert results(summary) == {key.relpath(): "pushed" for key in keys}
    assert landed(emulator) == Counter((k.kind, k.item_id, "fr-FR") for k in keys)
    assert len(emulator.store.imports()) == len(keys)
    for key, targets in written.items():
        assert emulator.store.translations(key.kind, key.item_id, "fr-FR") == targets
        entry = state_entry(pulled, key)
        assert entry["pushed"] and entry["pulled"]
    assert commits(pulled) == 3
    head = git.Repo(pulled).head.commit
    assert head.message.startswith("pxl10n push: 4 file(s) to PX (fr-FR)")
    assert not git.Repo(pulled).is_dirty(untracked_files=True)
    assert not (l10n(pulled) / JOURNAL_NAME).exists()

    code, summary = push_json()
    assert code == 0 and summary["files"] == [] and summary["commit"] is None
    assert len(emulator.store.imports()) == len(keys)

    before = snapshot(pulled)
    pull = run("pull", "--format", "json")
    assert pull.exit_code == 0
    assert json.loads(pull.stdout)["changed"] == [] and json.loads(pull.stdout)["commit"] is None
    assert snapshot(pulled) == before
    assert commits(pulled) == 3


def test_files_hold_px_copy_after_push(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "article")[0]
    targets = translate(pulled, key)
    assert run("push").exit_code == 0
    info = read_info(parse(key.path(l10n(pulled)).read_bytes()))
    assert {u.id: u.target for u in info.units} == targets
    assert state_entry(pulled, key)["pushed"] != state_entry(pulled, key)["pulled"]


def _saved_by_a_tool(data: bytes, how: str) -> bytes:
    """A translated file as another tool saves it again: other bytes, the same XLIFF."""
    if how == "utf-8 with a BOM":
        return b"\xef\xbb\xbf" + data
    if how == "prefixed namespace":
        text = data.decode("utf-8").replace('xmlns="urn:oasis:names:tc:xliff:document:2.0"',
                                            'xmlns:x="urn:oasis:names:tc:xliff:document:2.0"')
        return re.sub(r"<(/?)([A-Za-z][\w.-]*)(?=[\s/>])", r"<\1x:\2", text).encode("utf-8")
    if how == "pretty-printed":
        tree = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return etree.tostring(etree.fromstring(data), xml_declaration=True, encoding=how)


@pytest.mark.parametrize("how", ["UTF-16", "ISO-8859-1", "utf-8 with a BOM", "prefixed namespace", "pretty-printed"])
def test_a_file_another_tool_saved_again_is_sent_then_holds_px_copy(pulled: Path, emulator: EmulatorServer, how: str) -> None:
    """A CAT tool saves the translated file in UTF-16, Latin-1 (the rest as character references), with a BOM,
    with a prefix on every element or laid out anew: it is still that XLIFF, so it validates, lands whole, and
    then holds PX's copy like any pushed file, which the next pull replaces with PX's newer one."""
    key = keys_of(emulator, "article")[0]
    written = translate(pulled, key)
    path = key.path(l10n(pulled))
    path.write_bytes(_saved_by_a_tool(path.read_bytes(), how))
    assert run("validate", str(path)).exit_code == 0
    code, summary = push_json()
    assert code == 0 and results(summary) == {key.relpath(): "pushed"}, summary
    assert emulator.store.translations(key.kind, key.item_id, key.locale) == written
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert git.Repo(pulled).git.status("--porcelain") == ""
    unit = sorted(written)[0]
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {unit: f"[PX] {written[unit]}"})
    assert run("pull", "--id", key.item_id, "--locale", key.locale).exit_code == 0
    assert {u.id: u.target for u in read_info(parse(path.read_bytes())).units}[unit] == f"[PX] {written[unit]}"


def test_force_sends_every_selected_file_with_translations(pulled: Path, emulator: EmulatorServer) -> None:
    keys = keys_of(emulator, "engagement", "de-DE")
    translated = {k for k in keys if read_info(parse(k.path(l10n(pulled)).read_bytes())).translated_units}
    assert translated and len(translated) < len(keys)
    code, summary = push_json("--force", "--kind", "engagement", "--locale", "de-DE")
    assert code == 0, summary
    assert {p for p, r in results(summary).items() if r == "pushed"} == {k.relpath() for k in translated}
    assert {f["reason"] for f in summary["files"] if f["result"] == "pushed"} == {"forced"}
    assert {p for p, r in results(summary).items() if r == "skipped"} == {k.relpath() for k in set(keys) - translated}
    assert landed(emulator) == Counter((k.kind, k.item_id, "de-DE") for k in translated)


def test_force_never_puts_a_files_older_text_over_pxs_newer_one(pulled: Path, emulator: EmulatorServer) -> None:
    """``--force`` sends files nothing changed here too. It sent them whole, with no look at PX first: a fix made in
    PX's editor since the pull was reverted to the pulled text, in a file nobody touched. Now such a file goes without
    the targets PX holds otherwise (PX keeps its own) and still puts back a target PX lost."""
    key = next(k for k in keys_of(emulator, "engagement", "de-DE")
               if sum(1 for u in read_info(parse(k.path(l10n(pulled)).read_bytes())).units if u.target) >= 2)
    pulled_targets = {u.id: u.target for u in read_info(parse(key.path(l10n(pulled)).read_bytes())).units if u.target}
    fixed, lost = sorted(pulled_targets)[:2]
    item = emulator.store.get(key.kind, key.item_id)
    assert item is not None
    item.translations[key.locale][fixed] = "Im PX-Editor korrigiert"
    del item.translations[key.locale][lost]
    code, summary = push_json("--force", "--id", key.item_id, "--locale", key.locale)
    assert code == 0, summary
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert row["result"] == "pushed" and f"PX's newer text kept in 1 unit(s): {fixed}" in row["reason"], row
    held = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert held[fixed] == "Im PX-Editor korrigiert" and held[lost] == pulled_targets[lost]
    assert "Im PX-Editor korrigiert" in key.path(l10n(pulled)).read_text(encoding="utf-8")  # the file is PX's copy now


def test_force_overrides_a_conflict_in_its_units_only_never_pxs_other_changes(pulled: Path, emulator: EmulatorServer) -> None:
    """The file's title and button were translated here; meanwhile PX's editor changed the title too (a conflict)
    and the body (PX's alone). ``--force`` is the named way to overwrite the title; it also put the pulled body back
    over PX's fix. Now the body keeps PX's text, and the title goes as the file has it."""
    key = next(k for k in keys_of(emulator, "engagement") if {"dialog.title", "dialog.body", "dialog.button.primary"}
               <= {u.id for u in read_info(parse(k.path(l10n(pulled)).read_bytes())).units})
    mine = translate(pulled, key, lambda source: f"[fr] {source}", units=lambda uid: uid in ("dialog.title", "dialog.button.primary"))
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {"dialog.title": "Titre du PX, {{user.firstName}}",
                                                                    "dialog.body": "Corps corrigé dans PX"})
    code, summary = push_json()
    assert code == 1 and results(summary)[key.relpath()] == "conflict"
    code, summary = push_json("--force", "--id", key.item_id, "--locale", key.locale)
    assert code == 0, summary
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert row["result"] == "pushed", row
    assert "which PX keeps: dialog.body" in row["reason"] and "sent as the file has them (--force): dialog.title" in row["reason"]
    held = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert held["dialog.title"] == mine["dialog.title"] and held["dialog.button.primary"] == mine["dialog.button.primary"]
    assert held["dialog.body"] == "Corps corrigé dans PX"


def test_filters_narrow_the_push(pulled: Path, emulator: EmulatorServer) -> None:
    article_fr, article_de = keys_of(emulator, "article")[0], keys_of(emulator, "article", "de-DE")[1]
    engagement = keys_of(emulator, "engagement")[0]
    for key in (article_fr, article_de, engagement):
        translate(pulled, key)
    code, summary = push_json("--kind", "article", "--locale", "de-DE")
    assert code == 0 and results(summary) == {article_de.relpath(): "pushed"}
    code, summary = push_json("--id", engagement.item_id)
    assert code == 0 and results(summary) == {engagement.relpath(): "pushed"}
    assert landed(emulator) == Counter([("article", article_de.item_id, "de-DE"), ("engagement", engagement.item_id, "fr-FR")])
    code, summary = push_json()
    assert code == 0 and results(summary) == {article_fr.relpath(): "pushed"}


@pytest.mark.parametrize("dry_run", [(), ("--dry-run",)])
def test_an_id_no_file_has_stops_the_push_before_anything_is_sent(pulled: Path, emulator: EmulatorServer, dry_run: tuple[str, ...]) -> None:
    """A typo in --id used to select nothing and succeed; with a real id beside it, only half the push would run."""
    article = keys_of(emulator, "article")[0]
    translate(pulled, article)
    result = run("push", *dry_run, "--id", article.item_id, "--id", "no-such-item")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --id no-such-item: no file of engagement, kcbot, article, content in fr-FR, de-DE under l10n has this "
        "item id; check the id (the file name without .xlf), or pull the item first; nothing was sent")
    assert import_requests(emulator) == 0
    result = run("push", "--locale", "de-DE", "--id", article.item_id)
    assert result.exit_code == 0, result.stderr  # the item's de-DE file exists: an id is judged within the selection


def test_a_source_edited_in_the_file_is_pushed_with_a_warning_naming_the_units(pulled: Path, emulator: EmulatorServer) -> None:
    """A translator (or a CAT tool) rewrote a source: the targets land, PX keeps its source, the file gets it back."""
    key = keys_of(emulator, "article")[0]
    path = key.path(l10n(pulled))
    translate(pulled, key)
    tree = parse(path.read_bytes())
    first = tree.getroot().find(".//{*}unit")
    assert first is not None
    source = first.find(".//{*}source")
    assert source is not None and source.text
    pulled_source = source.text
    source.text = "  " + pulled_source.upper() + " "
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    code, summary = push_json()
    assert code == 0
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert row["result"] == "pushed"
    assert row["warnings"] == [f"the source of 1 unit(s) was edited here ({first.get('id')}); PX keeps its own source, so "
                               "check that those targets translate PX's text"]
    assert pulled_source in path.read_text(encoding="utf-8")
    translate(pulled, key, lambda text: f"encore {text}")
    tree = parse(path.read_bytes())
    for source in tree.getroot().iterfind(".//{*}source"):
        source.text = f" {source.text}  " if source.text else source.text  # spaces a CAT tool may add: not an edit
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    code, summary = push_json()
    assert code == 0 and "warnings" not in next(f for f in summary["files"] if f["path"] == key.relpath())


def test_dry_run_shows_reasons_and_sends_and_writes_nothing(pulled: Path, emulator: EmulatorServer) -> None:
    first, second, broken = keys_of(emulator, "article")[:3]
    translate(pulled, first)
    assert run("push").exit_code == 0
    translate(pulled, first, lambda s: f"encore {s}")
    translate(pulled, second)
    translate(pulled, broken, lambda s: "<p>" + s)
    before, count, imports = snapshot(pulled), commits(pulled), len(emulator.store.imports())
    code, summary = push_json("--dry-run")
    assert code == 1
    reasons = {f["path"]: (f["result"], f["reason"]) for f in summary["files"]}
    assert reasons[first.relpath()] == ("would-send", "changed since push")
    assert reasons[second.relpath()] == ("would-send", "changed since pull")
    assert reasons[broken.relpath()][0] == "blocked"
    assert any(f["findings"] for f in summary["files"] if f["path"] == broken.relpath())
    _, summary = push_json("--dry-run", "--force", "--kind", "article", "--locale", "de-DE")
    assert {f["reason"] for f in summary["files"] if f["result"] == "would-send"} >= {"forced"}
    assert snapshot(pulled) == before and commits(pulled) == count
    assert len(emulator.store.imports()) == imports
    assert import_requests(emulator) == imports


# --- what is never sent ---------------------------------------------------------------------


def test_untranslated_and_unpulled_files_are_not_sent(pulled: Path, emulator: EmulatorServer) -> None:
    done, stranger = keys_of(emulator, "article")[:2]
    translate(pulled, done)
    foreign = FileKey("article", "not-from-pxl10n", "fr-FR").path(l10n(pulled))
    foreign.write_bytes(done.path(l10n(pulled)).read_bytes())
    code, summary = push_json("--force", "--kind", "article", "--locale", "fr-FR")
    assert code == 1
    got = results(summary)
    assert got[done.relpath()] == "pushed"
    assert got["fr-FR/article/not-from-pxl10n.xlf"] == "not-pulled"
    assert got[stranger.relpath()] == "skipped"
    assert "pull first" in json.dumps(summary)
    assert landed(emulator) == Counter([("article", done.item_id, "fr-FR")])


def test_version_differing_from_the_state_is_refused(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    state_path = l10n(pulled) / STATE_NAME
    state = json.loads(state_path.read_text())
    state["files"][key.relpath()]["xliff_version"] = "1.2"
    state_path.write_text(json.dumps(state))
    result = run("push")
    assert result.exit_code == 1
    assert "refused" in result.stdout and "pulled as XLIFF 1.2" in result.stdout
    assert import_requests(emulator) == 0


# --- the validation gate ------------------------------------------------------------------


def _broken_placeholder(source: str) -> str:
    return source.replace("{{user.firstName}}", "").replace("{{account.name}}", "") + " x"


def test_gate_blocks_broken_files_and_sends_the_rest(pulled: Path, emulator: EmulatorServer) -> None:
    placeholder = next(k for k in keys_of(emulator, "engagement") if "{{" in k.path(l10n(pulled)).read_text())
    malformed = keys_of(emulator, "article")[0]
    good = keys_of(emulator, "kcbot")[0]
    translate(pulled, placeholder, _broken_placeholder)
    translate(pulled, malformed, lambda s: "<b>" + s)
    translate(pulled, good)
    result = run("push")
    assert result.exit_code == 1
    assert "QA101" in result.output
    code, summary = push_json()
    assert code == 1
    got = results(summary)
    assert got[placeholder.relpath()] == got[malformed.relpath()] == "blocked"
    row = next(f for f in summary["files"] if f["path"] == placeholder.relpath())
    codes = {finding["code"] for finding in row["findings"]}
    assert "QA101" in codes
    assert landed(emulator) == Counter([("kcbot", good.item_id, "fr-FR")])
    assert state_entry(pulled, placeholder)["pushed"] is None


def test_abort_mode_blocks_everything(pulled: Path, emulator: EmulatorServer) -> None:
    write_config(pulled, emulator.base_url, extra='[push]\non_error = "abort"\n', content=content_entries(emulator))
    bad, good = keys_of(emulator, "article")[:2]
    translate(pulled, bad, lambda s: "<i>" + s)
    translate(pulled, good)
    code, summary = push_json()
    assert code == 1
    assert "aborted" in summary["stopped"]
    assert results(summary) == {bad.relpath(): "blocked", good.relpath(): "not-sent"}
    assert import_requests(emulator) == 0


# --- PX's answers --------------------------------------------------------------------------

TAMPERS = {
    432: ("<unit ", "<unit <", ["XLF"]),
    433: (r' original="[^"]*"', "", ["PX101", "PX150"]),
    437: (r'type="strategy">html<', 'type="strategy">text<', ["PX121"]),
    438: ('version="2.0"', 'version="2.1"', []),
    400: ('srcLang="en-US"', 'srcLang="fr-FR"', ["PX110", "PX112"]),
}


@pytest.mark.parametrize("status", sorted(TAMPERS))
def test_px_refusals_fail_that_file_only(pulled: Path, emulator: EmulatorServer, status: int) -> None:
    pattern, replacement, ignore = TAMPERS[status]
    if ignore:
        extra = "[validate]\nignore = [" + ", ".join(f'"{c}"' for c in ignore) + "]\n"
        write_config(pulled, emulator.base_url, extra=extra, content=content_entries(emulator))
    bad, good = keys_of(emulator, "article")[:2]
    translate(pulled, bad)
    tamper(pulled, bad, pattern, replacement)
    translate(pulled, good)
    code, summary = push_json()
    assert code == 1
    rows = {f["path"]: f for f in summary["files"]}
    assert rows[bad.relpath()]["result"] == "rejected"
    assert rows[bad.relpath()]["px_status"] == status
    assert f"({status})" in rows[bad.relpath()]["reason"]
    assert rows[good.relpath()]["result"] == "pushed"
    assert [r.status for r in emulator.store.imports() if r.status != 201] == [status]
    assert state_entry(pulled, bad)["pushed"] is None
    if status == 432:
        assert any(f["code"] == "XLF001" for f in rows[bad.relpath()]["findings"])
    again_code, again = push_json()
    assert again_code == 1 and results(again) == {bad.relpath(): "rejected"}


def test_strategy_tampering_is_caught_by_the_gate(pulled: Path, emulator: EmulatorServer) -> None:
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    tamper(pulled, key, *TAMPERS[437][:2])
    code, summary = push_json()
    assert code == 1
    row = {f["path"]: f for f in summary["files"]}[key.relpath()]
    assert row["result"] == "blocked" and any(f["code"] == "PX121" for f in row["findings"])
    assert emulator.store.imports() == []


def test_language_not_in_subscription_is_named(pulled: Path, emulator: EmulatorServer) -> None:
    emulator.store.allowed_languages.remove("de-DE")
    key = keys_of(emulator, "article", "de-DE")[0]
    translate(pulled, key)
    result = run("push")
    assert result.exit_code == 1
    assert "434" in result.output and "de-DE" in result.output and "not enabled" in result.output


@pytest.mark.parametrize("case", ["wrong", "read-only"])
def test_key_problems_stop_the_push_at_once(pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    key_value = "sk-wrong-key-0123456789" if case == "wrong" else "sk-read-only-key-42"
    if case == "read-only":
        emulator.api_keys[key_value] = {"read"}
    monkeypatch.setenv("PX_API_KEY", key_value)
    keys = keys_of(emulator, "engagement")[:6]
    for key in keys:
        translate(pulled, key)
    result = run("-vv", "push")
    assert result.exit_code == 1
    assert ("401" if case == "wrong" else "Write") in result.output
    assert "stopped" in result.output and "Traceback" not in result.output
    assert key_value not in result.output
    # a wrong key already fails the check of PX's copy that precedes every import
    assert import_requests(emulator) == (0 if case == "wrong" else 1)
    assert landed(emulator) == Counter()
    assert commits(pulled) == 2


# --- partial failure, storms, kill -9 -------------------------------------------------------


def test_partial_failure_then_rerun_sends_only_the_rest(pulled: Path, emulator: EmulatorServer) -> None:
    fr = keys_of(emulator, "engagement")[:3]
    de = keys_of(emulator, "engagement", "de-DE")[0]
    for key in [*fr, de]:
        translate(pulled, key)
    emulator.store.allowed_languages.remove("de-DE")
    code, summary = push_json()
    assert code == 1
    assert {p for p, r in results(summary).items() if r == "pushed"} == {k.relpath() for k in fr}
    assert commits(pulled) == 3
    emulator.store.allowed_languages.append("de-DE")
    code, summary = push_json()
    assert code == 0 and results(summary) == {de.relpath(): "pushed"}
    assert landed(emulator) == Counter((k.kind, k.item_id, k.locale) for k in [*fr, de])


@pytest.mark.parametrize(("status", "count", "retry_after"), [(429, 40, 0), (503, 40, 0), (429, 6, None), (500, 5, None)])
def test_storms_are_survived_and_every_file_lands_once(pulled: Path, emulator: EmulatorServer, status: int, count: int, retry_after: int | None) -> None:
    keys = keys_of(emulator, "engagement")[:5] + keys_of(emulator, "article", "de-DE")[:3]
    for key in keys:
        translate(pulled, key)
    emulator.faults.storm(count, status, prefix=IMPORT_PREFIX, retry_after=retry_after)
    emulator.faults.storm(count, status, prefix="/v1/localization/export", retry_after=retry_after)
    code, summary = push_json()
    assert code == 0, summary
    assert landed(emulator) == Counter((k.kind, k.item_id, k.locale) for k in keys)
    assert len(emulator.store.imports()) == len(keys)


def test_px_dropping_targets_is_reported_and_the_translation_kept_until_it_lands(pulled: Path, emulator: EmulatorServer) -> None:
    """The file stays an edit PX does not hold: no pull replaces it with PX's copy, and the next push sends it."""
    key = keys_of(emulator, "article")[0]
    written = translate(pulled, key)
    path = key.path(l10n(pulled))
    sent = path.read_bytes()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(emulator.store, "apply_import", lambda *args, **kwargs: 0)
        result = run("push")
        assert result.exit_code == 0
        assert "differs from what was sent" in result.output
        assert path.read_bytes() == sent
        assert run("pull").exit_code in (0, 1)
        assert path.read_bytes() == sent, "a pull replaced the translation PX dropped with PX's copy"
    code, summary = push_json()
    assert code == 0 and results(summary) == {key.relpath(): "pushed"}, summary
    assert emulator.store.translations(key.kind, key.item_id, key.locale) == written


def _subprocess_env() -> dict[str, str]:
    return {**os.environ, "PX_API_KEY": API_KEY, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}


@pytest.mark.parametrize("kill_after", [3, 9])
def test_kill_during_push_then_rerun_lands_every_file_exactly_once(pulled: Path, emulator: EmulatorServer, zygote: Zygote, kill_after: int) -> None:
    """A real ``kill -9`` from outside, with sends on the wire (paced, slowed, three at a time).

    The push is a process of its own forked from the zygote (tests/helpers/zygote.py), and the kill goes to it.

    Only the killed push is a child process; the pull before and the rerun after run in-process
    at full speed: what they read is the tree and the journal the killed process left.
    """
    config = (pulled / "pxl10n.toml").read_text()
    keys = [FileKey("engagement", item.id, loc) for item in emulator.store.items("engagement") if item.localizable for loc in ("fr-FR", "de-DE")][:16]
    for key in keys:
        translate(pulled, key)
    write_config(pulled, emulator.base_url, content=content_entries(emulator), concurrency=3, rate_limit=40)
    emulator.faults.latency = 0.05
    child = zygote.start(["push"], cwd=pulled, env=_subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(emulator.store.imports(201)) < kill_after:
        time.sleep(0.005)
    assert child.kill() == -signal.SIGKILL
    emulator.faults.latency = 0.0
    time.sleep(0.2)  # let requests already on the wire finish on the server
    first_run = len(emulator.store.imports(201))
    assert kill_after <= first_run < len(keys)
    assert (l10n(pulled) / JOURNAL_NAME).exists()
    (pulled / "pxl10n.toml").write_text(config)
    code, summary = push_json()
    assert code == 0, summary
    assert landed(emulator) == Counter((k.kind, k.item_id, k.locale) for k in keys)
    assert not (l10n(pulled) / JOURNAL_NAME).exists()
    assert not git.Repo(pulled).git.status("--porcelain", "--", "l10n")
    pull = run("pull", "--kind", "engagement", "--format", "json")  # the files sent; PX got nothing else (landed above)
    assert pull.exit_code == 0 and json.loads(pull.stdout)["changed"] == []


# --- output -------------------------------------------------------------------------------


def test_table_json_outputs_and_no_key_anywhere(pulled: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = tmp_path_factory.mktemp("gh") / "out"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    key = keys_of(emulator, "kcbot")[0]
    translate(pulled, key)
    table = run("-vv", "push", "--dry-run")
    assert table.stdout.splitlines()[0].split() == ["PATH", "RESULT", "REASON"]
    result = run("-vv", "push", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["pushed"] == 1
    assert "pushed<<" in outputs.read_text()
    assert API_KEY not in table.output + result.output
    for path in pulled.rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), path
    assert API_KEY not in git.Repo(pulled).git.log("-p", "--all")


# --- the journal, deterministically ---------------------------------------------------------


def _journal(root: Path, *records: dict) -> None:
    with open(l10n(root) / JOURNAL_NAME, "a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record) + "\n" for record in records)


def test_in_doubt_send_that_landed_is_confirmed_not_resent(pulled: Path, emulator: EmulatorServer) -> None:
    from pxl10n.px.client import PXClient
    from pxl10n.px.kinds import KINDS
    from pxl10n.xliff.io import sha256

    landed_key, lost_key = keys_of(emulator, "article")[:2]
    for key in (landed_key, lost_key):
        translate(pulled, key)
    data = landed_key.path(l10n(pulled)).read_bytes()
    with PXClient(emulator.base_url, API_KEY) as client:
        client.import_file(KINDS["article"], landed_key.item_id, data, "x.xlf", {})
    _journal(
        pulled,
        {"op": "send", "path": landed_key.relpath(), "hash": sha256(data)},
        {"op": "send", "path": lost_key.relpath(), "hash": sha256(lost_key.path(l10n(pulled)).read_bytes())},
    )
    code, summary = push_json()
    assert code == 0, summary
    assert results(summary) == {landed_key.relpath(): "confirmed", lost_key.relpath(): "pushed"}
    assert landed(emulator) == Counter([("article", landed_key.item_id, "fr-FR"), ("article", lost_key.item_id, "fr-FR")])
    assert not (l10n(pulled) / JOURNAL_NAME).exists()


def test_landing_without_reexport_is_refreshed_by_the_next_push(pulled: Path, emulator: EmulatorServer) -> None:
    from pxl10n.sync.state import State, entry_to_dict
    from pxl10n.xliff.io import sha256

    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    data = key.path(l10n(pulled)).read_bytes()
    assert run("push", "--no-commit").exit_code == 0
    key.path(l10n(pulled)).write_bytes(data)  # as if killed between landing and re-export
    state = State.load(l10n(pulled))
    entry = state.get(key)
    _journal(pulled, {"op": "landed", "path": key.relpath(), "entry": {**entry_to_dict(entry), "pulled": "0" * 64, "pushed": sha256(data)}})
    code, summary = push_json()
    assert code == 0 and results(summary) == {key.relpath(): "refreshed"}
    assert len(emulator.store.imports()) == 1
    pull = run("pull", "--kind", "article", "--locale", "fr-FR", "--format", "json")  # the one file PX got
    assert json.loads(pull.stdout)["changed"] == []


# --- work per pushed file -----------------------------------------------------------------


def test_a_pushed_file_is_read_once_parsed_once_and_the_state_loaded_once(pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan reads and parses each file; the gate and TM101's corpus reuse that tree. A landed file is read back
    once, unparsed, only to see that nobody saved it during the push before PX's copy replaces it."""
    import traceback

    from lxml import etree

    from pxl10n.sync.state import State

    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    path = key.path(l10n(pulled)).resolve()
    sent = path.read_bytes()
    reads: list[str] = []
    parses: list[str] = []
    loads: list[Path] = []
    read_bytes, fromstring, load = Path.read_bytes, etree.fromstring, State.load.__func__  # type: ignore[attr-defined]

    def caller() -> str:
        return " < ".join(f"{Path(f.filename).stem}.{f.name}" for f in traceback.extract_stack()[-5:-1][::-1])

    def counting_read(self: Path) -> bytes:
        if self.resolve() == path:
            reads.append(caller())
        return read_bytes(self)

    def counting_parse(text: Any, *args: Any, **kwargs: Any) -> Any:
        if text == sent and not any("emulator" in f.filename for f in traceback.extract_stack()):
            parses.append(caller())
        return fromstring(text, *args, **kwargs)

    def counting_load(cls: type[State], directory: Path) -> State:
        loads.append(directory)
        return load(cls, directory)

    monkeypatch.setattr(Path, "read_bytes", counting_read)
    monkeypatch.setattr(etree, "fromstring", counting_parse)
    monkeypatch.setattr(State, "load", classmethod(counting_load))
    code, summary = push_json()
    assert code == 0 and results(summary) == {key.relpath(): "pushed"}, summary
    assert len(reads) == 2 and "fsutil.holds" in reads[1], reads
    assert len(loads) == 1, loads
    # once, by the plan: the gate validates that tree and TM101's corpus reads it too
    assert len(parses) == 1, parses


def test_a_translation_of_an_item_deleted_in_px_says_how_to_stop_sending_it(pulled: Path, emulator: EmulatorServer) -> None:
    """Pull keeps the edited file (a person's work); push fails on it (435) every run until it goes: the line says so."""
    article = keys_of(emulator, "article")[0]
    translate(pulled, article)
    emulator.store.remove("article", article.item_id)
    result = run("push", "--format", "json")
    assert result.exit_code == 1
    (failed,) = [f for f in json.loads(result.stdout)["files"] if f["path"] == article.relpath()]
    assert failed["result"] == "failed" and "(435)" in failed["reason"]
    assert failed["reason"].endswith("if the article is gone from PX for good, the translation has nowhere to go: `git rm` the "
                                     "file (and its other locales) and commit, or push fails on it every time")
    pulled_again = run("pull")
    assert (f"warning: {article.relpath()}: no longer in PX but edited here and not pushed; kept; push has nowhere to send it "
            "(PX has no such item): keep the translation elsewhere if it is wanted, then `git rm` the file") in pulled_again.stderr.splitlines()
