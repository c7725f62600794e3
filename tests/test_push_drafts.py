"""A target with text whose file says it is not translated yet (a draft) is never sent, and never thrown away.

CAT tools and TMS exports write machine-translation proposals, and the source copied
into the target, under XLIFF 1.2 ``state="new"`` / ``"needs-translation"`` or 2.0
``<segment state="initial">`` (Weblate reads them as "needs editing"). Push used to
import them as translations, so PX showed a proposal, or English, to its users. Now
a file holding drafts is not sent (``blocked``, naming the units; a file of drafts
only is ``skipped``), not even with ``--force``: sending the rest would need PX's
re-export written over the drafts, or a file and a PX copy that no longer agree.
Pull keeps the file and says why, status counts drafts as untranslated, and once
marked translated (or emptied) the file goes. Real emulator over loopback, real git.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.xliff.io import parse, read_info

from .helpers.cli import run
from .helpers.project import content_entries, write_config
from .helpers.pulled import l10n
from .helpers.pushed import import_requests, push_json, results

DRAFT_STATE = {"1.2": ("target", "needs-translation"), "2.0": ("segment", "initial")}


def _setup(project: Path, emulator: EmulatorServer, version: str) -> tuple[FileKey, str, str]:
    """One article pulled as ``version``; its key, a unit to translate and a unit to leave as a draft (plain text)."""
    write_config(project, emulator.base_url, content=content_entries(emulator), extra=f'[export]\nversion = "{version}"\n')
    item = next(i for i in emulator.store.items("article") if i.localizable and sum("<" not in t for t in i.units.values()) >= 2)
    assert run("pull", "--kind", "article", "--id", item.id).exit_code == 0
    done, draft = sorted(uid for uid, text in item.units.items() if "<" not in text)[:2]
    return FileKey("article", item.id, "de-DE"), done, draft


def _edit(path: Path, version: str, targets: dict[str, str], drafts: dict[str, str]) -> bytes:
    """A CAT tool's save: ``targets`` translated, ``drafts`` written with the state saying not translated yet."""
    tree = parse(path.read_bytes())
    for unit in list(tree.getroot().iter()):
        uid = unit.get("id") if isinstance(unit.tag, str) and etree.QName(unit).localname in ("unit", "trans-unit") else None
        if uid not in (*targets, *drafts):
            continue
        holder = unit.find("{*}segment") if version == "2.0" else unit
        source = holder.find("{*}source")
        target = holder.find("{*}target")
        if target is None:
            target = etree.Element(etree.QName(source).text.replace("source", "target"))
            source.addnext(target)
        target.text = targets.get(uid) or drafts[uid]
        where, state = DRAFT_STATE[version]
        (target if where == "target" else holder).set("state", state if uid in drafts else "translated")
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_a_file_with_a_draft_is_not_sent_then_goes_once_the_draft_is_marked_translated(
        project: Path, emulator: EmulatorServer, version: str) -> None:
    key, done, draft = _setup(project, emulator, version)
    path = key.path(l10n(project))
    before = dict(emulator.store.translations(key.kind, key.item_id, key.locale))
    data = _edit(path, version, {done: "[de] fertig"}, {draft: "[MT] Vorschlag"})

    for args in ((), ("--force",)):
        code, summary = push_json(*args)
        row = next(f for f in summary["files"] if f["path"] == key.relpath())
        assert code == 1 and row["result"] == "blocked", row
        assert row["reason"].startswith(f"1 draft target(s), whose state says not translated yet (a machine proposal, the source "
                                        f"copied, or an edit `pxl10n rebase` kept for review against PX's text): unit {draft}; "
                                        "a draft is never sent")
    assert import_requests(emulator) == 0 and emulator.store.translations(key.kind, key.item_id, key.locale) == before
    assert path.read_bytes() == data

    pulled = run("pull", "--kind", "article", "--id", key.item_id)
    assert pulled.exit_code == 0
    assert path.read_bytes() == data
    translated = {u.id: u.translated for u in read_info(parse(path.read_bytes())).units}
    assert translated[done] and not translated[draft]
    row = next(r for r in json.loads(run("status", "--format", "json").stdout)["rows"]
               if (r["locale"], r["kind"]) == (key.locale, key.kind))
    assert row["translated_units"] == sum(1 for t in translated.values() if t), row  # the draft is no translation yet

    where, state = DRAFT_STATE[version]
    path.write_bytes(data.replace(f'state="{state}"'.encode(), b'state="translated"'))
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed"
    held = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert held[done] == "[de] fertig" and held[draft] == "[MT] Vorschlag"


def test_a_file_of_drafts_only_is_skipped_and_pull_keeps_it_saying_why(project: Path, emulator: EmulatorServer) -> None:
    key, done, draft = _setup(project, emulator, "2.0")
    path = key.path(l10n(project))
    data = _edit(path, "2.0", {}, {done: "[MT] eins", draft: "[MT] zwei"})
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 0 and row["result"] == "skipped" and "no translated unit: nothing to send (2 draft target(s)" in row["reason"]
    assert import_requests(emulator) == 0 and path.read_bytes() == data
    pulled = run("pull", "--kind", "article", "--id", key.item_id)
    assert pulled.exit_code == 0 and path.read_bytes() == data
    assert (f"edited here only by 2 draft target(s) ({', '.join(sorted((done, draft)))}), whose state says not translated "
            "yet; kept, and pushed once they are marked translated") in pulled.stderr


def test_emptying_the_drafts_sends_the_rest(project: Path, emulator: EmulatorServer) -> None:
    """The other way out: an empty target is withheld, so PX keeps what it holds for that unit."""
    key, done, draft = _setup(project, emulator, "2.0")
    path = key.path(l10n(project))
    before = emulator.store.translations(key.kind, key.item_id, key.locale).get(draft)
    data = _edit(path, "2.0", {done: "[de] fertig"}, {draft: "[MT] Vorschlag"})
    path.write_bytes(data.replace(b"[MT] Vorschlag", b""))
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    held = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert held[done] == "[de] fertig" and held.get(draft) == before


@pytest.mark.parametrize(("mark", "drafted"), [
    ('<target state="needs-translation">Copied source</target>', True),
    ('<target state="new">Texte</target>', True),
    ('<target state="needs-review-translation">Texte</target>', False),  # translated, to be reviewed: sent
    ('<target>Texte</target>', False),
    ('<target state="new"></target>', False),  # empty: withheld, not a draft
])
def test_which_12_targets_are_drafts(mark: str, drafted: bool) -> None:
    data = (f'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="a" source-language="en" '
            f'target-language="fr" datatype="html"><body><trans-unit id="u"><source>Copied source</source>{mark}'
            f'</trans-unit></body></file></xliff>').encode()
    unit = read_info(parse(data)).units[0]
    assert unit.draft is drafted


def test_a_target_px_itself_exports_as_not_translated_yet_holds_nothing_back(
        project: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether PX ever exports a target under ``state="initial"`` is not documented; if it does, that target is PX's
    own text, not a draft of the translator's: their other units are sent, PX's comes back as it was."""
    from pxl10n.emulator import app

    real = app.export_document

    def px_marks_its_targets_initial(*args: object, **kwargs: object) -> bytes:
        return real(*args, **kwargs).replace(b'<segment state="translated">', b'<segment state="initial">')

    monkeypatch.setattr(app, "export_document", px_marks_its_targets_initial)
    key, done, draft = _setup(project, emulator, "2.0")
    emulator.store.apply_import(key.kind, key.item_id, key.locale, {draft: "Im PX übersetzt"})
    assert run("pull", "--kind", "article", "--id", key.item_id).exit_code == 0
    path = key.path(l10n(project))
    assert b'<segment state="initial">' in path.read_bytes()
    assert any(u.draft for u in read_info(parse(path.read_bytes())).units)  # PX's own target, a draft by its looks
    _edit(path, "2.0", {done: "[de] fertig"}, {})  # the translator's own work, marked translated
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    held = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert held[done] == "[de] fertig" and held[draft] == "Im PX übersetzt"
