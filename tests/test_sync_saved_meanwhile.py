"""A file saved while pull or push is working on it: the newer save is a person's, never replaced.

A translator starts `pxl10n push` (minutes, for many files at PX's rate limit) and
keeps translating. Push used to write PX's re-export over every landed file
unconditionally, and commit it: an edit saved in between was gone. Pull judged a
file, then renamed PX's copy over it a batch later, whatever the file held by then.
Both now look again right before replacing a file, and keep it when it changed.
The edit lands at the named points of :mod:`pxl10n.sync.crash` (patched to save the
file there instead of dying): the emulator over loopback, a real repository.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.sync import crash

from .helpers.children import KILLED, pxl10n
from .helpers.cli import run
from .helpers.pulled import keys_of, l10n, translate
from .helpers.pushed import import_requests, push_json, results
from .helpers.zygote import Zygote


def _at(monkeypatch: pytest.MonkeyPatch, name: str, act: Callable[[], None]) -> None:
    """Run ``act`` the first time a run reaches the point ``name``."""
    done: list[bool] = []

    def point(reached: str) -> None:
        if reached == name and not done:
            done.append(True)
            act()

    monkeypatch.setattr(crash, "point", point)


def _save_newer(pulled: Path, key: FileKey) -> Callable[[], None]:
    return lambda: translate(pulled, key, lambda source: f"[newer] {source}")


def test_a_file_saved_during_its_push_keeps_the_newer_edit_uncommitted_and_the_next_push_sends_it(
        pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = git.Repo(pulled)
    key = keys_of(emulator, "article")[0]
    sent = translate(pulled, key, lambda source: f"[sent] {source}")
    with monkeypatch.context() as patched:
        _at(patched, "push-landed", _save_newer(pulled, key))
        code, summary = push_json()
    assert code == 0, summary
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert row["result"] == "pushed" and any("saved again during the push" in w for w in row.get("warnings", []))
    assert emulator.store.translations(key.kind, key.item_id, "fr-FR") == sent
    text = key.path(l10n(pulled)).read_text(encoding="utf-8")
    assert "[newer] " in text and "[sent] " not in text  # the newer save, not PX's copy of the sent one
    assert key.relpath() in repo.git.status("--porcelain", "--", "l10n")  # a person's edit: left out of the commit
    assert "pxl10n-state.json" not in repo.git.status("--porcelain", "--", "l10n")  # the landing is recorded

    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    assert all(t.startswith("[newer] ") for t in emulator.store.translations(key.kind, key.item_id, "fr-FR").values())
    assert repo.git.status("--porcelain", "--", "l10n") == ""


def test_a_file_saved_while_a_rerun_refreshes_it_under_px_newer_text_keeps_its_base_and_reverts_nothing(
        pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, zygote: Zygote) -> None:
    """A push killed after PX took the file; PX's editor changes a unit; the rerun re-exports the file while the
    translator saves an edit of the sent bytes. That edit was not made on PX's copy, so its entry keeps the copy
    it was pulled as: the next push sees PX's change to the unit under the edit (a conflict), never sends the sent
    text back over it."""
    repo = git.Repo(pulled)
    key = keys_of(emulator, "article")[0]
    first = sorted(emulator.store.get(key.kind, key.item_id).units)[0]
    translate(pulled, key, lambda source: f"[sent] {source}")
    died = pxl10n(zygote, pulled, "push", "--id", key.item_id, "--locale", key.locale, PXL10N_CRASH_AT="push-landed:1:KILL")
    assert died.returncode == KILLED["KILL"], died.stderr
    fixed = f"[fixed in PX] {emulator.store.get(key.kind, key.item_id).units[first]}"
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {first: fixed})

    def save_newer() -> None:  # the translator's newer edit, of the other units, on the sent bytes
        translate(pulled, key, lambda source: f"[newer] {source}", units=lambda uid: uid != first)

    with monkeypatch.context() as patched:
        _at(patched, "push-reexported", save_newer)
        code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 0 and row["result"] == "refreshed", summary
    assert any("saved again during the push" in w and first in w for w in row.get("warnings", [])), row
    assert key.relpath() in repo.git.status("--porcelain", "--", "l10n")
    sent = import_requests(emulator)
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 1 and row["result"] == "conflict" and first in row["reason"], row
    assert import_requests(emulator) == sent and emulator.store.translations(key.kind, key.item_id, key.locale)[first] == fixed
    edit = key.path(l10n(pulled)).read_bytes()
    assert run("pull", "--id", key.item_id, "--locale", key.locale).exit_code == 0  # no journal left open to stop it
    assert key.path(l10n(pulled)).read_bytes() == edit  # the edit is a person's: kept


def test_a_file_saved_during_its_pull_is_kept_uncommitted_and_push_names_the_unit_px_changed(
        pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = git.Repo(pulled)
    key = keys_of(emulator, "article")[0]
    item = emulator.store.get(key.kind, key.item_id)
    assert item is not None
    unit = sorted(item.units)[0]
    item.units[unit] = "Changed in PX"
    with monkeypatch.context() as patched:
        _at(patched, "pull-decided", _save_newer(pulled, key))
        result = run("pull", "--id", key.item_id, "--locale", key.locale, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "saved again during this pull: kept" in result.stderr
    changed = json.loads(result.stdout)["changed"]
    assert key.relpath() not in changed
    text = key.path(l10n(pulled)).read_text(encoding="utf-8")
    assert "[newer] " in text and "Changed in PX" not in text
    assert key.relpath() in repo.git.status("--porcelain", "--", "l10n")  # never committed by pull
    assert not list(l10n(pulled).rglob("*.partial"))

    before = import_requests(emulator)
    code, summary = push_json()
    assert code == 1 and results(summary)[key.relpath()] == "conflict", summary  # PX changed that unit's source
    assert import_requests(emulator) == before
    assert unit in next(f for f in summary["files"] if f["path"] == key.relpath())["reason"]
