"""A target with text whose file says it is not translated yet (a draft) is never sent, and never thrown away.

CAT tools and TMS exports write machine-translation proposals, and the source copied
into the target, under XLIFF 1.2 ``state="new"`` / ``"needs-translation"`` or 2.0
``<segment state="initial">`` (Weblate reads them as "needs editing"). Push used to
import them as translations, so PX showed a proposal, or English, to its users. Now
they are kept out of the import like empty targets, the file keeps them (PX's
re-export, which lacks them, is not written over it), pull keeps the file and says
why, status counts them as untranslated, and once marked translated they are sent.
Real emulator over loopback, real git.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.xliff.io import parse, read_info
from pxl10n.xliff.withhold import withhold

from .helpers.cli import run
from .helpers.project import API_KEY, content_entries, write_config
from .helpers.pulled import l10n
from .helpers.pushed import import_requests, landed, push_json, results
from .helpers.zygote import Zygote

DRAFT_STATE = {"1.2": ("target", "needs-translation"), "2.0": ("segment", "initial")}


def _setup(project: Path, emulator: EmulatorServer, version: str) -> tuple[FileKey, str, str]:
    """One article pulled as ``version``; its key, a unit to translate and a unit to leave as a draft."""
    write_config(project, emulator.base_url, content=content_entries(emulator), extra=f'[export]\nversion = "{version}"\n')
    item = next(i for i in emulator.store.items("article") if i.localizable and sum("<" not in t for t in i.units.values()) >= 2)
    assert run("pull", "--kind", "article", "--id", item.id).exit_code == 0
    done, draft = sorted(uid for uid, text in item.units.items() if "<" not in text)[:2]  # plain text: any target fits
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
def test_a_draft_is_not_sent_stays_in_the_file_and_goes_once_marked_translated(project: Path, emulator: EmulatorServer, version: str) -> None:
    key, done, draft = _setup(project, emulator, version)
    path = key.path(l10n(project))
    before = dict(emulator.store.translations(key.kind, key.item_id, key.locale))
    data = _edit(path, version, {done: "[de] fertig"}, {draft: "[MT] Vorschlag"})

    result = run("push", "--format", "json")
    assert result.exit_code == 0, result.stderr
    row = next(f for f in json.loads(result.stdout)["files"] if f["path"] == key.relpath())
    assert row["result"] == "pushed" and row["drafts"] == 1, row
    assert f"1 draft target(s) not sent, whose state says not translated yet (a proposal, or the source copied): unit {draft}" in result.stderr
    px = emulator.store.translations(key.kind, key.item_id, key.locale)
    assert px[done] == "[de] fertig" and px.get(draft) == before.get(draft)
    assert path.read_bytes() == data  # PX's copy lacks the draft: it is not written over the file

    again, summary = push_json()  # nothing new to send: PX is asked, nothing imported
    assert again == 0 and results(summary)[key.relpath()] == "confirmed"
    assert landed(emulator)[(key.kind, key.item_id, key.locale)] == 1

    pulled = run("pull", "--kind", "article", "--id", key.item_id)
    assert pulled.exit_code == 0
    assert f"edited here only by 1 draft target(s) ({draft}), whose state says not translated yet; kept" in pulled.stderr
    assert path.read_bytes() == data
    translated = {u.id: u.translated for u in read_info(parse(path.read_bytes())).units}
    assert translated[done] and not translated[draft]
    row = next(r for r in json.loads(run("status", "--format", "json").stdout)["rows"]
               if (r["locale"], r["kind"]) == (key.locale, key.kind))
    assert row["translated_units"] == 1, row  # the draft is no translation yet

    where, state = DRAFT_STATE[version]
    path.write_bytes(data.replace(f'state="{state}"'.encode(), b'state="translated"'))
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed"
    assert emulator.store.translations(key.kind, key.item_id, key.locale)[draft] == "[MT] Vorschlag"


def test_a_file_of_drafts_only_is_skipped_saying_why(project: Path, emulator: EmulatorServer) -> None:
    key, done, draft = _setup(project, emulator, "2.0")
    path = key.path(l10n(project))
    data = _edit(path, "2.0", {}, {done: "[MT] eins", draft: "[MT] zwei"})
    code, summary = push_json()
    row = next(f for f in summary["files"] if f["path"] == key.relpath())
    assert code == 0 and row["result"] == "skipped" and row["reason"].startswith("no translated unit to send: 2 draft target(s)")
    assert import_requests(emulator) == 0 and path.read_bytes() == data


def test_a_push_killed_after_px_took_a_file_with_a_draft_confirms_it_and_keeps_the_draft(
        project: Path, emulator: EmulatorServer, zygote: Zygote) -> None:
    key, done, draft = _setup(project, emulator, "2.0")
    path = key.path(l10n(project))
    data = _edit(path, "2.0", {done: "[de] fertig"}, {draft: "[MT] Vorschlag"})
    env = {**os.environ, "PX_API_KEY": API_KEY, "PXL10N_CRASH_AT": "push-landed:1"}
    died = subprocess.run([str(zygote.client), "push"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert died.returncode == -signal.SIGKILL, died.stderr
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "confirmed", summary
    assert landed(emulator)[(key.kind, key.item_id, key.locale)] == 1 and path.read_bytes() == data
    assert run("pull").exit_code == 0 and path.read_bytes() == data


@pytest.mark.parametrize(("mark", "drafted"), [
    ('<target state="needs-translation">Copied source</target>', True),
    ('<target state="new">Texte</target>', True),
    ('<target state="needs-review-translation">Texte</target>', False),  # translated, to be reviewed: sent
    ('<target>Texte</target>', False),
])
def test_which_12_targets_are_drafts(mark: str, drafted: bool) -> None:
    data = (f'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="a" source-language="en" '
            f'target-language="fr" datatype="html"><body><trans-unit id="u"><source>Copied source</source>{mark}'
            f'</trans-unit><trans-unit id="v"><source>B</source><target>Bé</target></trans-unit></body></file></xliff>').encode()
    sent = withhold(parse(data), data)
    assert sent.drafts == (("u",) if drafted else ())
    assert (b"<target" in sent.data.split(b'id="v"')[0]) is not drafted
    assert read_info(parse(data)).units[0].translated is not drafted


def test_qa_errors_in_a_draft_hold_nothing_back_but_validate_reports_them(project: Path, emulator: EmulatorServer) -> None:
    """The draft is not sent, so what QA finds in it (a machine proposal that lost the markup) does not block the
    file; validate still shows it to the translator."""
    key, done, _ = _setup(project, emulator, "2.0")
    item = emulator.store.get(key.kind, key.item_id)
    marked = next(uid for uid, text in item.units.items() if "<" in text)
    path = key.path(l10n(project))
    _edit(path, "2.0", {done: "[de] fertig"}, {marked: "[MT] ohne Auszeichnung"})
    checked = run("validate", str(path), "--format", "json")
    assert checked.exit_code == 1 and any(f["code"] == "QA121" and f["unit"] == marked for f in json.loads(checked.stdout)["findings"])
    code, summary = push_json()
    assert code == 0 and results(summary)[key.relpath()] == "pushed", summary
    assert emulator.store.translations(key.kind, key.item_id, key.locale)[done] == "[de] fertig"
