"""Push never sends an empty target for a non-empty source: PX keeps what it had (real emulator, real HTTP)."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest
from lxml import etree

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.xliff.io import parse, read_info, sha256

from .helpers.cli import run
from .helpers.project import API_KEY, content_entries, write_config
from .helpers.pulled import l10n
from .helpers.pushed import import_requests, state_entry


def _setup(project: Path, emulator: EmulatorServer, version: str) -> tuple[FileKey, str, str]:
    """Pull one article whose first unit PX has translated (that article alone: the rest of the tree would
    only be pulled and left alone); the key, that unit and a second unit."""
    write_config(project, emulator.base_url, content=content_entries(emulator), extra=f'[export]\nversion = "{version}"\n')
    item = next(i for i in emulator.store.items("article") if i.localizable and len(i.units) >= 2)
    first, second = sorted(item.units)[:2]
    emulator.store.apply_import("article", item.id, "fr-FR", {first: "[PX] " + item.units[first]})
    assert run("pull", "--kind", "article", "--id", item.id).exit_code == 0
    return FileKey("article", item.id, "fr-FR"), first, second


def _cat_tool_edit(path: Path, version: str, empty: str, translate: dict[str, str]) -> bytes:
    """What a CAT tool writes: ``<target/>`` marked untranslated for ``empty``, text for ``translate``."""
    tree = parse(path.read_bytes())
    for unit in tree.getroot().iter():
        uid = unit.get("id") if isinstance(unit.tag, str) and etree.QName(unit).localname in ("unit", "trans-unit") else None
        if uid not in (empty, *translate):
            continue
        holder = unit.find("{*}segment") if version == "2.0" else unit
        target = holder.find("{*}target")
        if target is None:
            target = etree.SubElement(holder, etree.QName(holder.find("{*}source")).text.replace("source", "target"))
        if uid == empty:
            target.text = None
            (holder if version == "2.0" else target).set("state", "initial" if version == "2.0" else "new")
        else:
            target.text = translate[uid]
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_an_empty_target_never_blanks_px(project: Path, emulator: EmulatorServer, version: str) -> None:
    key, kept, added = _setup(project, emulator, version)
    held = emulator.store.translations("article", key.item_id, "fr-FR")[kept]
    path = key.path(l10n(project))
    data = _cat_tool_edit(path, version, kept, {added: "[fr] nouveau texte"})
    dry = run("push", "--dry-run")
    assert dry.exit_code == 0 and path.read_bytes() == data and import_requests(emulator) == 0
    assert f"{key.relpath()}: 1 empty target(s) withheld" in dry.stderr + dry.stdout
    result = run("push", "--format", "json")
    assert result.exit_code == 0, result.stdout
    files = {f["path"]: f for f in json.loads(result.stdout)["files"]}
    assert files[key.relpath()]["result"] == "pushed" and files[key.relpath()]["withheld"] == 1
    px = emulator.store.translations("article", key.item_id, "fr-FR")
    assert px[kept] == held and px[added] == "[fr] nouveau texte"
    assert state_entry(project, key)["pushed"] == sha256(data)  # the journal and state hash D, the bytes on disk


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_a_file_whose_only_change_is_an_empty_target_is_not_sent(project: Path, emulator: EmulatorServer, version: str) -> None:
    key, _, untranslated = _setup(project, emulator, version)
    held = emulator.store.translations("article", key.item_id, "fr-FR")
    _cat_tool_edit(key.path(l10n(project)), version, untranslated, {})
    result = run("push", "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert {f["path"]: f["result"] for f in json.loads(result.stdout)["files"]} == {key.relpath(): "confirmed"}
    assert import_requests(emulator) == 0
    assert emulator.store.translations("article", key.item_id, "fr-FR") == held
    assert run("push").exit_code == 0 and import_requests(emulator) == 0


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_a_file_of_empty_targets_only_takes_pxs_copy_so_no_unit_looks_untranslated(project: Path, emulator: EmulatorServer,
                                                                                   version: str) -> None:
    """Every target the file has emptied, as a rebase review leaves a file whose edits it emptied to keep PX's text:
    nothing to send, and the file takes PX's copy. It used to be skipped and stay as it was, its units showing no
    translation while PX held one, for a translator to write over that text unseen."""
    key, kept, _ = _setup(project, emulator, version)
    held = emulator.store.translations("article", key.item_id, "fr-FR")
    path = key.path(l10n(project))
    _cat_tool_edit(path, version, kept, {})
    git.Repo(project).git.commit("-qam", "review: leave the unit to PX")
    pulled = run("pull", "--kind", "article", "--id", key.item_id)
    assert pulled.exit_code == 0 and "the next push sends nothing and takes PX's copy" in pulled.stderr, pulled.stderr
    result = run("push", "--format", "json")
    assert result.exit_code == 0, result.stdout
    row = next(f for f in json.loads(result.stdout)["files"] if f["path"] == key.relpath())
    assert row["result"] == "refreshed" and "its empty targets, marked not translated yet, leave those units to PX" in row["reason"], row
    assert import_requests(emulator) == 0 and emulator.store.translations("article", key.item_id, "fr-FR") == held
    targets = {u.id: u.target for u in read_info(parse(path.read_bytes())).units}
    assert targets[kept] == held[kept]
    assert git.Repo(project).git.status("--porcelain") == ""
    counts = json.loads(run("push", "--format", "json").stdout)["summary"]
    assert counts == {"selected": counts["selected"], "unchanged": counts["selected"]} and import_requests(emulator) == 0


def test_the_emulator_blanks_on_an_empty_target(emulator: EmulatorServer) -> None:
    """The emulator takes the reading of PX's undocumented behaviour that loses work, so the tests above can fail."""
    import httpx

    item = next(i for i in emulator.store.items("article") if i.localizable)
    unit = sorted(item.units)[0]
    emulator.store.apply_import("article", item.id, "fr-FR", {unit: "Bonjour"})
    doc = (f'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="{item.default_language}" trgLang="fr-FR">'
           f'<file id="f1" original="{item.id}"><unit id="{unit}"><segment state="initial"><source>x</source><target/></segment></unit></file></xliff>')
    with httpx.Client(base_url=emulator.base_url, headers={"X-APTRINSIC-API-KEY": API_KEY}) as client:
        client.get("/v1/localization/export/articles", params={"id": item.id, "trgLang": "fr-FR"})
        client.post("/v1/localization/import/articles", files={"file": ("a.xlf", doc.encode())})
    assert emulator.store.translations("article", item.id, "fr-FR")[unit] == ""
