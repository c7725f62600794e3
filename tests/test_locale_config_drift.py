"""project.locales drifting from the files: a locale respelled, a locale dropped.

A locale written in project.locales in another case than its directory (fr-fr for l10n/fr-FR).

Language tags ignore case, so validate reads the files as the locale's; but paths do not (on Linux), so
pull, push and status would work on an empty ``l10n/fr-fr`` and never see the translator's files in
``l10n/fr-FR``: push said "nothing to push" and exited 0 over unsent work, pull exported every file again
beside them. Every command that lays files out stops instead, before it reads or writes anything.

A locale dropped from project.locales while a file of it holds an edit no push sent: nothing pulls or
pushes that locale any more, which is the point, but the edit would wait unsaid; status and push name it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pxl10n.emulator.server import EmulatorServer

from .helpers.cli import run
from .helpers.project import content_entries, write_config
from .helpers.pulled import keys_of, translate
from .helpers.pushed import import_requests

COMMANDS = [("push",), ("push", "--dry-run"), ("pull",), ("pull", "--dry-run"), ("status",), ("leverage", "--dry-run"),
            ("pseudo", "--locale", "de-DE", "--dry-run"), ("tm", "export", "-o", "all.tmx")]


@pytest.fixture
def respelled(pulled: Path, emulator: EmulatorServer) -> Path:
    """A translated, committed fr-FR file; then the config says fr-fr."""
    translate(pulled, keys_of(emulator, "article")[0])
    subprocess.run(["git", "commit", "-qam", "translated"], cwd=pulled, check=True)
    write_config(pulled, emulator.base_url, locales=("fr-fr", "de-DE"), content=content_entries(emulator))
    return pulled


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_that_lays_files_out_stops_naming_the_directory(respelled: Path, emulator: EmulatorServer,
                                                                      command: tuple[str, ...]) -> None:
    before = import_requests(emulator), sorted(p.relative_to(respelled) for p in respelled.rglob("*") if ".git" not in p.parts)
    result = run(*command)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: l10n/fr-FR holds the files of locale fr-fr spelled 'fr-FR', but project.locales in "
        f"{respelled / 'pxl10n.toml'} says 'fr-fr': they would be neither pulled nor pushed; nothing was read or written "
        f"(write the locale as the directory does, or rename the directory: git mv, through a temporary name on macOS "
        f"and Windows)")
    assert (import_requests(emulator), sorted(p.relative_to(respelled) for p in respelled.rglob("*") if ".git" not in p.parts)) == before


def test_doctor_names_it_as_a_problem_and_the_files_push_once_the_names_agree(respelled: Path, emulator: EmulatorServer) -> None:
    doctor = run("doctor", "--no-write-check")
    assert doctor.exit_code == 2  # a config problem, as every command says
    assert "problem  config    l10n/fr-FR holds the files of locale fr-fr spelled 'fr-FR'" in doctor.stdout
    write_config(respelled, emulator.base_url, locales=("fr-FR", "de-DE"), content=content_entries(emulator))
    pushed = run("push")
    assert pushed.exit_code == 0 and "1 pushed" in pushed.stderr, pushed.output


@pytest.mark.parametrize(("dropped", "said", "key"), [
    ("locale", "its locale is not in project.locales any more, so nothing pulls or pushes it (list the locale again to "
               "send it)", "unlisted_locales_changed"),
    ("kind", "its kind is not in [export] kinds any more, so nothing pulls or pushes it (list the kind again to send "
             "it)", "unlisted_kinds_changed"),
])
def test_an_edit_in_a_locale_or_kind_no_longer_listed_is_named_by_status_and_push(pulled: Path, emulator: EmulatorServer,
                                                                                   dropped: str, said: str, key: str) -> None:
    """de-DE dropped from project.locales, or article from ``[export] kinds``, after a translator's de-DE article edit:
    push said "nothing to push" and status counted nothing, so the translation waited unsent and unsaid."""
    edited, untouched = keys_of(emulator, "article", "de-DE")[:2]
    translate(pulled, edited)
    subprocess.run(["git", "commit", "-qam", "translated"], cwd=pulled, check=True)
    if dropped == "locale":
        write_config(pulled, emulator.base_url, locales=("fr-FR",), content=content_entries(emulator))
    else:
        write_config(pulled, emulator.base_url, content=content_entries(emulator),
                     extra='\n[export]\nkinds = ["engagement", "kcbot", "content"]\n')
    said = f"{edited.relpath()}: edited since last pulled or pushed, but {said}"
    status = run("status")
    assert status.exit_code == 0 and said in status.stdout.splitlines(), status.output
    data = json.loads(run("status", "--format", "json").stdout)
    other = {"unlisted_locales_changed", "unlisted_kinds_changed"} - {key}
    assert data[key] == [edited.relpath()] and data[other.pop()] == []
    before = import_requests(emulator)
    for args in (("--dry-run",), ()):
        pushed = run("push", *args)
        assert pushed.exit_code == 0 and f"warning: {said}" in pushed.stderr.splitlines(), pushed.output
    assert json.loads(run("push", "--format", "json").stdout)[key] == [edited.relpath()]
    assert import_requests(emulator) == before
    assert untouched.relpath() not in status.stdout
    write_config(pulled, emulator.base_url, content=content_entries(emulator))
    pushed = run("push")
    assert pushed.exit_code == 0 and "1 pushed" in pushed.stderr and "any more" not in pushed.stderr

def test_a_state_entry_naming_a_path_outside_the_tree_is_never_read(pulled: Path, emulator: EmulatorServer, tmp_path: Path) -> None:
    """The state file is text anyone can commit: an entry of an unlisted locale is looked at only where a file is laid
    out in the tree, never at the path the entry spells (here a directory outside the tree, which a read would fail on)."""
    outside = pulled.parent / "outside.xlf"
    outside.mkdir()
    state_path = pulled / "l10n" / "pxl10n-state.json"
    state = json.loads(state_path.read_text())
    entry = dict(next(iter(state["files"].values())), locale="..", item_id="outside")
    state["files"]["../../outside.xlf"] = entry
    state_path.write_text(json.dumps(state))
    status = run("status")
    assert status.exit_code == 0, status.output
    assert "outside" not in status.stdout and "project.locales any more" not in status.stdout


def test_a_locale_option_in_another_letter_case_names_the_configured_locale(pulled: Path, emulator: EmulatorServer) -> None:
    """``--locale fr-fr`` for the configured fr-FR: a language tag's case carries no meaning, and the config holds one
    spelling of each; it used to stop with "not one of project.locales (fr-FR, de-DE)", a puzzle at 2 a.m."""
    key = keys_of(emulator, "article")[0]
    translate(pulled, key)
    subprocess.run(["git", "commit", "-qam", "translated"], cwd=pulled, check=True)
    result = run("push", "--locale", "FR-fr", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {f["path"]: f["result"] for f in json.loads(result.stdout)["files"]}
    assert rows[key.relpath()] == "pushed" and all(path.startswith("fr-FR/") for path in rows)
    status = json.loads(run("status", "--locale", "fr-fr", "--format", "json").stdout)
    assert {row["locale"] for row in status["locales"]} == {"fr-FR"}
    assert "is not one of project.locales" in run("pull", "--locale", "fr-CA").stderr
