"""A translation written against a source PX has changed since, brought together with PX's new source by git.

A vendor translates on a branch; meanwhile PX's source changes and a pull on main
takes it. Merging the branch puts the vendor's target beside PX's new source (git
merges them cleanly when a line lies between them, or a conflict is resolved by
keeping one side). Push used to send such a file: PX then showed a translation of
the old text under the new one (or, for a file that kept the old source, with a
warning that the source "was edited here"). Now it is a conflict naming the units,
found from git blame; nothing is sent until the target translates PX's text.
Real repositories, real merges, the emulator over loopback.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import git
import pytest
from lxml import etree

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.sync.translated_against import contrasted

from .helpers.branches import UNIT, item_with_two_lines, vendor_branch_then_px_changes_the_source
from .helpers.cli import run
from .helpers.project import API_KEY, content_entries, write_config
from .helpers.pulled import l10n, translate
from .helpers.pushed import import_requests, landed, push_json, results
from .helpers.zygote import Zygote


def _vendor_button_merged_their_side(pulled: Path, emulator: EmulatorServer, px_fixes: dict[str, str]) -> FileKey:
    """The vendor translates the button on a branch; PX's ``px_fixes`` (the button's among them) are pulled on main;
    the merge conflicts on the button and is resolved by taking the vendor's file whole, committed."""
    repo = git.Repo(pulled)
    key, _ = item_with_two_lines(emulator)
    path = key.path(l10n(pulled))
    repo.git.switch("-q", "-c", "vendor")
    translate(pulled, key, lambda source: f"[vendor] {source}", units=lambda uid: uid == "dialog.button.primary")
    repo.git.commit("-qam", "vendor translation")
    repo.git.switch("-q", "-")
    emulator.store.apply_import(key.kind, key.item_id, key.locale, px_fixes)
    assert run("pull").exit_code == 0
    with pytest.raises(git.GitCommandError, match="conflict"):
        repo.git.merge("--no-edit", "vendor")
    repo.git.checkout("--theirs", "--", str(path))
    repo.git.add(str(path))
    repo.git.commit("-qm", "merge vendor, their side")
    return key


def _row(summary: dict[str, object], key: FileKey) -> dict[str, str]:
    files = summary["files"]
    assert isinstance(files, list)
    return next(f for f in files if f["path"] == key.relpath())


def test_a_clean_merge_of_a_target_beside_pxs_new_source_is_a_conflict_naming_the_unit(pulled: Path, emulator: EmulatorServer) -> None:
    repo, key, new_source = vendor_branch_then_px_changes_the_source(pulled, emulator)
    repo.git.merge("-q", "--no-edit", "vendor")  # no conflict: the source's unchanged second line lies between
    text = key.path(l10n(pulled)).read_text(encoding="utf-8")
    assert "Hi there" in text and "[vendor] &lt;p&gt;Hello" in text  # PX's new source, the old text's translation
    before = import_requests(emulator)
    px = dict(emulator.store.translations(key.kind, key.item_id, key.locale))

    code, summary = push_json("--dry-run")
    assert code == 1 and _row(summary, key)["result"] == "conflict"
    code, summary = push_json()
    row = _row(summary, key)
    assert code == 1 and row["result"] == "conflict", row
    assert f"translates a source PX has changed since: {UNIT}" in row["reason"]
    assert "Hi there" in row["reason"] and "--force --id " + key.item_id in row["reason"]
    assert import_requests(emulator) == before and emulator.store.translations(key.kind, key.item_id, key.locale) == px
    pulled_again = run("pull")
    assert pulled_again.exit_code == 0
    assert (f"{key.relpath()}: edited here and not pushed yet; kept, but push will not send it as it is: the target of "
            f"1 unit(s) ({UNIT}) translates a source PX has changed since") in pulled_again.stderr

    # the vendor translates PX's new text (not committed yet): that target is sent
    translate(pulled, key, lambda source: f"[vendor, again] {source}", units=lambda uid: uid == UNIT)
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    assert emulator.store.translations(key.kind, key.item_id, key.locale)[UNIT] == f"[vendor, again] {new_source}"


@pytest.mark.parametrize("how", ["checkout --theirs", "merge -X theirs"])
def test_a_conflict_resolved_to_the_vendors_side_is_a_conflict_for_push(pulled: Path, emulator: EmulatorServer, how: str) -> None:
    """PX also fixed the title's translation, so the merge conflicts there. Taking the vendor's file whole keeps PX's
    old source under the vendor's target; ``-X theirs`` takes the vendor's side of that hunk only, PX's new source
    beside the vendor's target. Either way the target translates text PX no longer has."""
    emulator.store.apply_import("engagement", item_with_two_lines(emulator)[0].item_id, "fr-FR", {"dialog.title": "Titre corrigé dans PX"})
    repo, key, new_source = vendor_branch_then_px_changes_the_source(pulled, emulator)
    path = key.path(l10n(pulled))
    if how == "checkout --theirs":
        with pytest.raises(git.GitCommandError, match="conflict"):
            repo.git.merge("--no-edit", "vendor")
        repo.git.checkout("--theirs", "--", str(path))
        repo.git.add(str(path))
        repo.git.commit("-qm", "merge vendor, their side")
        assert "Hi there" not in path.read_text(encoding="utf-8")
    else:
        repo.git.merge("-q", "--no-edit", "-X", "theirs", "vendor")
        assert "Hi there" in path.read_text(encoding="utf-8")
    before = import_requests(emulator)
    code, summary = push_json()
    row = _row(summary, key)
    assert code == 1 and row["result"] == "conflict" and f"changed since: {UNIT}" in row["reason"], row
    assert import_requests(emulator) == before
    code, summary = push_json("--force", "--id", key.item_id, "--locale", key.locale)  # the way out it names
    assert code == 0 and results(summary)[key.relpath()] == "pushed"
    assert emulator.store.get(key.kind, key.item_id).units[UNIT] == new_source


def test_a_source_a_person_rewrote_and_committed_with_its_target_is_pushed_with_the_warning(
        pulled: Path, emulator: EmulatorServer) -> None:
    """Not PX's older text: the target translates what the file says, and push warns as it always did."""
    repo = git.Repo(pulled)
    key, _ = item_with_two_lines(emulator)
    path = key.path(l10n(pulled))
    translate(pulled, key, lambda source: f"[fr] {source}")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("<source>Get started</source>", "<source>Get started now</source>"), encoding="utf-8")
    repo.git.commit("-qam", "translate, and a better source")
    code, summary = push_json()
    row = _row(summary, key)
    assert code == 0 and row["result"] == "pushed", row
    assert any("was edited here (dialog.button.primary)" in w for w in row.get("warnings", []))


def test_a_target_translated_after_the_source_changed_is_pushed(pulled: Path, emulator: EmulatorServer) -> None:
    """The ordinary order: PX's new source pulled first, then translated on a branch and merged."""
    repo = git.Repo(pulled)
    key, units = item_with_two_lines(emulator)
    units[UNIT] = units[UNIT].replace("Hello", "Hi there")
    assert run("pull").exit_code == 0
    repo.git.switch("-q", "-c", "vendor")
    translate(pulled, key, lambda source: f"[vendor] {source}")
    repo.git.commit("-qam", "vendor translation")
    repo.git.switch("-q", "-")
    repo.git.merge("-q", "--no-edit", "vendor")
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary


def test_a_merge_that_took_the_vendors_file_whole_still_finds_the_pulled_copy(pulled: Path, emulator: EmulatorServer) -> None:
    """``git log -- path`` follows only the side a merge took whole, so the copy main pulled was not found and a file
    PX changed again since could not be merged ("not in git history"); every side of each merge is read now."""
    key = _vendor_button_merged_their_side(pulled, emulator, {"dialog.button.primary": "Démarrer"})
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {"dialog.title": "Titre corrigé dans PX"})
    code, summary = push_json()
    row = _row(summary, key)
    assert code == 0 and row["result"] == "pushed" and "merged with PX's newer 1 unit(s), which PX keeps: dialog.title" in row["reason"], row
    held = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert held["dialog.title"] == "Titre corrigé dans PX" and held["dialog.button.primary"] == "[vendor] Get started"


def test_target_lines_are_the_units_own_targets_never_an_alt_trans_proposal() -> None:
    from pxl10n.sync.translated_against import target_lines
    from pxl10n.xliff.io import parse

    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
<file original="x" source-language="en" target-language="fr" datatype="html"><body>
<trans-unit id="a"><source>One</source>
<target>Un
deux</target>
<alt-trans><target>Proposal</target></alt-trans>
</trans-unit>
<trans-unit id="b"><source>Two</source><target>Deux</target></trans-unit>
</body></file></xliff>
"""
    assert target_lines(parse(data), {"a"}) == {"a": [5, 6]}
    assert target_lines(parse(data), {"a", "b"})["b"] == [9]


def test_main_merged_into_the_vendor_branch_shows_the_conflict_there_before_a_squash_merge(
        pulled: Path, emulator: EmulatorServer) -> None:
    """A squash merge leaves main no trace of the source the vendor saw: the branch, with main merged in, has it."""
    repo, key, _ = vendor_branch_then_px_changes_the_source(pulled, emulator)
    trunk = repo.active_branch.name
    repo.git.switch("-q", "vendor")
    repo.git.merge("-q", "--no-edit", trunk)
    code, summary = push_json("--dry-run")
    assert code == 1 and _row(summary, key)["result"] == "conflict"
    assert f"changed since: {UNIT}" in _row(summary, key)["reason"]


def test_a_forced_push_killed_after_px_took_it_is_confirmed_by_a_plain_rerun_not_a_conflict(
        pulled: Path, emulator: EmulatorServer, zygote: Zygote) -> None:
    """The journal says the bytes were sent: PX is asked whether they landed, as for any interrupted push."""
    repo, key, _ = vendor_branch_then_px_changes_the_source(pulled, emulator)
    repo.git.merge("-q", "--no-edit", "vendor")
    env = {**os.environ, "PX_API_KEY": API_KEY, "PXL10N_CRASH_AT": "push-sent:1"}
    died = subprocess.run([str(zygote.client), "push", "--force", "--id", key.item_id, "--locale", key.locale],
                          cwd=pulled, env=env, capture_output=True, text=True, timeout=120)
    assert died.returncode == -signal.SIGKILL, died.stderr
    assert landed(emulator)[(key.kind, key.item_id, key.locale)] == 1
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "confirmed", summary
    assert landed(emulator)[(key.kind, key.item_id, key.locale)] == 1


def test_a_12_file_merged_beside_pxs_new_source_is_a_conflict_too(project: Path, emulator: EmulatorServer) -> None:
    """XLIFF 1.2: the target of a ``<trans-unit>`` (its own, never an alt-trans proposal) is what git blame reads."""
    write_config(project, emulator.base_url, content=content_entries(emulator), extra='[export]\nversion = "1.2"\n')
    assert run("pull").exit_code == 0
    repo = git.Repo(project)
    repo.git.add("-A")
    repo.git.commit("-qm", "1.2 pull and config")
    key, units = item_with_two_lines(emulator)
    path = key.path(l10n(project))
    repo.git.switch("-q", "-c", "vendor")
    tree = etree.parse(str(path))
    for tu in tree.getroot().iter("{urn:oasis:names:tc:xliff:document:1.2}trans-unit"):
        source, target = tu.find("{*}source"), tu.find("{*}target")
        if target is None:
            target = etree.Element("{urn:oasis:names:tc:xliff:document:1.2}target")
            source.addnext(target)
        target.text, target.attrib["state"] = f"[vendor] {source.text}", "translated"
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    repo.git.commit("-qam", "vendor translation")
    repo.git.switch("-q", "-")
    first, rest = units[UNIT].split("\n", 1)
    units[UNIT] = f"{first.replace('Hello', 'Hi there')}\n{rest}"
    assert run("pull").exit_code == 0
    repo.git.merge("-q", "--no-edit", "vendor")
    code, summary = push_json("--dry-run")
    row = _row(summary, key)
    assert code == 1 and row["result"] == "conflict" and f"changed since: {UNIT}" in row["reason"], row
    text = path.read_text(encoding="utf-8")  # the reviewer confirms the target against PX's new text
    at = text.index(f'id="{UNIT}"')
    path.write_text(text[:at] + text[at:].replace('state="translated"', 'state="signed-off"', 1), encoding="utf-8")
    repo.git.commit("-qam", "signed off against PX's new source")
    code, summary = push_json("--dry-run")
    assert code == 0 and results(summary)[key.relpath()] == "would-send", summary


def test_a_merge_taking_the_vendors_file_whole_never_puts_pxs_older_text_back(pulled: Path, emulator: EmulatorServer) -> None:
    """PX fixed the title's translation and the button's; the vendor translated the button. Their button conflicts,
    and taking the vendor's file whole brings back the vendor's copy of the title too: PX's text from before the fix,
    which no person wrote. Push used to send it, reverting the fix in PX; now it is a conflict naming the title."""
    key = _vendor_button_merged_their_side(pulled, emulator, {"dialog.button.primary": "Démarrer",
                                                              "dialog.title": "Titre corrigé dans PX"})
    before = import_requests(emulator)
    code, summary = push_json()
    row = _row(summary, key)
    assert code == 1 and row["result"] == "conflict", row
    assert "is PX's older text from an earlier pull, which PX has changed since" in row["reason"]
    assert "dialog.title (dialog.title: PX's target is now 'Titre corrigé dans PX', the file's is 'Bienvenue" in row["reason"]
    assert "dialog.button.primary" not in row["reason"]
    assert import_requests(emulator) == before
    assert emulator.store.translations(key.kind, key.item_id, key.locale)["dialog.title"] == "Titre corrigé dans PX"


def _vendors_copy_over_a_newer_pull(pulled: Path, emulator: EmulatorServer, *, commit: bool) -> FileKey:
    """The file goes to a vendor (a copy of its bytes); PX's editor then fixes the title's translation and a pull on
    main takes it; the vendor returns the old copy with the button translated, and it is copied over the path on a
    branch (``commit``: and committed, and the branch merged into main)."""
    repo = git.Repo(pulled)
    key, _ = item_with_two_lines(emulator)
    path = key.path(l10n(pulled))
    sent_to_vendor = path.read_bytes()
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {"dialog.title": "Bienvenue, {{user.firstName}} (corrigé dans PX)"})
    assert run("pull").exit_code == 0
    assert "Bienvenue, {{user.firstName}} (corrigé dans PX)" in path.read_text(encoding="utf-8")
    repo.git.switch("-q", "-c", "vendor")
    path.write_bytes(sent_to_vendor)
    translate(pulled, key, lambda source: "Démarrer", units=lambda uid: uid == "dialog.button.primary")
    if commit:
        repo.git.commit("-qam", "vendor files, copied in")
        repo.git.switch("-q", "-")
        repo.git.merge("-q", "--no-edit", "vendor")
    return key


@pytest.mark.parametrize("commit", [True, False], ids=["committed and merged", "copied in, not committed"])
def test_a_vendors_old_copy_put_over_a_newer_pull_never_reverts_pxs_change(pulled: Path, emulator: EmulatorServer,
                                                                              commit: bool) -> None:
    """No merge brings PX's older text back here: the person's commit wrote every changed line. Push used to send
    the vendor's file whole, putting the title's older translation back over the fix made in PX's editor."""
    key = _vendors_copy_over_a_newer_pull(pulled, emulator, commit=commit)
    before = import_requests(emulator)
    for args in (("--dry-run",), ()):
        code, summary = push_json(*args)
        row = _row(summary, key)
        assert code == 1 and row["result"] == "conflict", row
        assert "1 unit(s) is PX's older text from an earlier pull, which PX has changed since" in row["reason"]
        assert ("dialog.title (dialog.title: PX's target is now 'Bienvenue, {{user.firstName}} (corrigé dans PX)', the file's is 'Bienvenue à bord"
                in row["reason"]), row
        assert "dialog.button.primary" not in row["reason"]
    assert import_requests(emulator) == before
    assert emulator.store.translations(key.kind, key.item_id, key.locale)["dialog.title"] == "Bienvenue, {{user.firstName}} (corrigé dans PX)"
    if commit:
        pulled_again = run("pull")
        assert pulled_again.exit_code == 0
        assert f"{key.relpath()}: edited here and not pushed yet; kept, but push will not send it" in pulled_again.stderr

    # the way out it names: PX's text back in the title; then the button is sent and PX keeps its fix
    path = key.path(l10n(pulled))
    translate(pulled, key, lambda source: "Bienvenue, {{user.firstName}} (corrigé dans PX)", units=lambda uid: uid == "dialog.title")
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    held = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert held["dialog.title"] == "Bienvenue, {{user.firstName}} (corrigé dans PX)" and held["dialog.button.primary"] == "Démarrer"
    assert path.exists()


def test_a_translation_written_here_then_undone_is_sent_though_a_pull_holds_it_since(pulled: Path,
                                                                                      emulator: EmulatorServer) -> None:
    """The older text is PX's, but the text it replaces was written here (a translator's commit), not in PX: a
    ``git revert`` of one's own translation is sent, even after a pull brought that translation back from PX."""
    repo = git.Repo(pulled)
    key, _ = item_with_two_lines(emulator)
    px_before = dict(emulator.store.translations(key.kind, key.item_id, key.locale))
    translate(pulled, key, lambda source: "Un titre de traducteur, {{user.firstName}}", units=lambda uid: uid == "dialog.title")
    repo.git.commit("-qam", "a translator's title")
    translated = repo.head.commit.hexsha
    assert push_json()[0] == 0
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {"dialog.button.primary": "Démarrer"})
    assert run("pull").exit_code == 0  # PX's export, with the translator's title, and PX's own fix of the button
    repo.git.revert("--no-edit", translated)
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    held = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert held["dialog.title"] == px_before["dialog.title"] and held["dialog.button.primary"] == "Démarrer"


def test_a_target_still_right_for_pxs_new_source_is_confirmed_by_setting_its_state_again(pulled: Path, emulator: EmulatorServer) -> None:
    """The reviewer checks the vendor's target against PX's new source and marks the segment reviewed (what a CAT tool
    does on confirming it): that is a person's word that the target fits the new text, so it is sent."""
    repo, key, new_source = vendor_branch_then_px_changes_the_source(pulled, emulator)
    repo.git.merge("-q", "--no-edit", "vendor")
    assert push_json("--dry-run")[0] == 1
    path = key.path(l10n(pulled))
    tree = etree.parse(str(path))
    unit = next(u for u in tree.getroot().iter("{*}unit") if u.get("id") == UNIT)
    segment = unit.find("{*}segment")
    assert segment is not None
    segment.set("state", "reviewed")
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    repo.git.commit("-qam", "reviewed against PX's new source")
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    assert emulator.store.translations(key.kind, key.item_id, key.locale)[UNIT].startswith("[vendor] <p>Hello")


def test_a_long_history_check_counts_aloud(pulled: Path, emulator: EmulatorServer) -> None:
    """About 10 ms a file (a git log and a git blame each): from 50 files on, the check says how far it is."""
    keys = [key for locale in ("fr-FR", "de-DE") for key in
            (FileKey(kind, item.id, locale) for kind in ("engagement", "kcbot", "article") for item in emulator.store.items(kind)
             if item.localizable)]
    assert len(keys) >= 50
    for key in keys:
        translate(pulled, key)
    subprocess.run(["git", "commit", "-qam", "a big delivery"], cwd=pulled, check=True)
    dry = run("push", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"checking what each target was translated against: {len(keys)}/{len(keys)}" in dry.stderr.splitlines()
    few = run("push", "--dry-run", "--kind", "article")
    assert few.exit_code == 0 and "checking what each target" not in few.stderr


def test_two_texts_that_differ_late_are_quoted_where_they_differ() -> None:
    """A conflict's message quotes PX's text beside the file's; cut at the same length from their start, two long
    texts differing near the end read the same, and the reader cannot tell what changed."""
    common = "<p>Hello <b>{{user.firstName}}</b>, welcome to <i>{{account.name}}</i>.</p>\n<p>Let us set you up.</p>"
    now, then = contrasted(common + " (updated)", common)
    assert now != then and now.endswith("(updated)'") and now.startswith("'...") and then.startswith("'...")
    assert contrasted("Démarrer", "Commencer") == ("'Démarrer'", "'Commencer'")
    first, second = contrasted("a" * 100, "b" * 100)
    assert len(first) == len(second) == 62 and first.endswith("...'")  # 60 characters, quoted
