"""`pxl10n leverage` on a repository with known repeats: every exact match filled, nothing else changed."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from pxl10n.assets.corpus import read_selection
from pxl10n.assets.leverage import SUBSTATE, leverage
from pxl10n.config import load
from pxl10n.emulator.server import EmulatorServer
from pxl10n.xliff.io import XLIFF12_NS, XLIFF20_NS, canonicalize, parse, read_info

from .helpers.assets import vendor_tmx
from .helpers.cli import run
from .helpers.project import content_entries, write_config
from .helpers.zygote import Zygote


def units_by_file(directory: Path) -> dict[Path, dict[str | None, tuple[str, str | None]]]:
    return {path: {u.id: (u.source, u.target) for u in read_info(parse(path.read_bytes())).units} for path in sorted(directory.rglob("*.xlf"))}


def expected_fills(files: dict[Path, dict[str | None, tuple[str, str | None]]]) -> dict[tuple[Path, str | None], str]:
    """An independent oracle: untranslated units whose source has exactly one translation in the locale."""
    seen: dict[str, set[str]] = defaultdict(set)
    for units in files.values():
        for source, target in units.values():
            if target and target.strip():
                seen[source].add(target)
    return {
        (path, uid): next(iter(seen[source]))
        for path, units in files.items()
        for uid, (source, target) in units.items()
        if not target and source.strip() and len(seen[source]) == 1
    }


def leverage_json(*args: str) -> tuple[int, dict]:
    result = run("leverage", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_fills_every_exact_match_and_nothing_else_then_validates_and_pushes(pulled: Path, emulator: EmulatorServer) -> None:
    de = pulled / "l10n" / "de-DE"
    before = units_by_file(de)
    expected = expected_fills(before)
    assert len(expected) >= 10, "the fixture repeats Next/Back/Done"
    fr_before = {p: p.read_bytes() for p in (pulled / "l10n" / "fr-FR").rglob("*.xlf")}

    code, data = leverage_json("--locale", "de-DE")
    assert code == 0
    assert data["filled"] == len(expected)
    after = units_by_file(de)
    for path, units in after.items():
        for uid, (_source, target) in units.items():
            if (path, uid) in expected:
                assert target == expected[(path, uid)], (path, uid)
            else:
                assert target == before[path][uid][1], f"{path}#{uid} changed but was not an exact match"
        assert canonicalize(path.read_bytes()) == path.read_bytes()
    assert {p: p.read_bytes() for p in fr_before} == fr_before, "--locale de-DE left fr-FR alone"

    # marked for review the XLIFF 2.0 way
    ns = {"x": XLIFF20_NS}
    marked = [seg for path in after for seg in parse(path.read_bytes()).getroot().iterfind(".//x:segment", ns) if seg.get("subState") == SUBSTATE]
    assert len(marked) == len(expected) and all(seg.get("state") == "translated" for seg in marked)

    assert run("validate").exit_code == 0
    pushed = run("push", "--locale", "de-DE")
    assert pushed.exit_code == 0, pushed.output
    landed = {(kind, item.id): item.translations.get("de-DE", {}) for kind in ("engagement", "article", "kcbot", "content") for item in emulator.store.items(kind)}
    for (path, uid), target in expected.items():
        assert landed[(path.parent.name, path.stem)].get(uid) == target, f"PX did not get {path.name}#{uid}"

    again = leverage_json("--locale", "de-DE")[1]
    assert again["filled"] == 0


def give_target(path: Path, source: str, target: str) -> None:
    """Translate the first untranslated unit with ``source`` in a 2.0 file."""
    tree = parse(path.read_bytes())
    ns = {"x": XLIFF20_NS}
    segment = next(s for s in tree.getroot().iterfind(".//x:segment", ns) if s.findtext("x:source", namespaces=ns) == source and s.find("x:target", ns) is None)
    etree.SubElement(segment, f"{{{XLIFF20_NS}}}target").text = target
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))


def test_conflicting_translations_are_reported_not_guessed(pulled: Path) -> None:
    de = pulled / "l10n" / "de-DE"
    path = next(p for p, units in units_by_file(de).items() if ("Next", None) in units.values())
    give_target(path, "Next", "Nächste")
    code, data = leverage_json("--locale", "de-DE", "--dry-run")
    assert code == 0
    conflicts = [c for c in data["conflicts"] if c["source"] == "Next"]
    assert conflicts and {t["target"] for t in conflicts[0]["translations"]} == {"Weiter", "Nächste"}
    assert not [f for f in data["fills"] if f["source"] == "Next"]


def test_dry_run_writes_nothing_and_fuzzy_matches_are_only_suggested(pulled: Path) -> None:
    files = {p: p.read_bytes() for p in (pulled / "l10n").rglob("*.xlf")}
    code, data = leverage_json("--dry-run", "--min-similarity", "50")
    assert code == 0 and data["dry_run"] and data["filled"] > 0 and data["files_changed"]
    assert {p: p.read_bytes() for p in files} == files
    assert data["suggestions"], "the fixture has near repeats such as 'Welcome, {{user.firstName}}'"
    assert all(50 <= s["similarity"] < 100 or s["source"] != s["match_source"] for s in data["suggestions"])
    assert run("leverage").exit_code == 0
    suggested = {(s["path"], s["unit"]) for s in data["suggestions"]} - {(f["path"], f["unit"]) for f in data["fills"]}
    for path, unit in suggested:
        target = dict((u.id, u.target) for u in read_info(parse((pulled / "l10n" / path).read_bytes())).units)[unit]
        assert target is None, f"suggestion for {path}#{unit} was written"


def test_imported_tmx_is_a_memory_source(pulled: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    text = run("leverage", "--dry-run").stdout
    assert "from tm/" not in text
    tmx = vendor_tmx(tmp_path_factory.mktemp("v") / "vendor.tmx", [("Somewhat disappointed", "de-DE", "Etwas enttäuscht"), ("Not disappointed", "fr-FR", "Pas déçu !")])
    assert run("tm", "import", str(tmx)).exit_code == 0
    code, data = leverage_json()
    assert code == 0
    from_tm = {(f["source"], f["target"]) for f in data["fills"] if f["from"] == ["tm/vendor.tmx"]}
    assert ("Somewhat disappointed", "Etwas enttäuscht") in from_tm
    fr = [f for f in data["fills"] if f["source"] == "Not disappointed"]
    assert not fr or all(f["path"].startswith("fr-FR/") for f in fr)


def test_12_files_are_marked_needs_review_and_still_push(project: Path, emulator: EmulatorServer) -> None:
    write_config(project, emulator.base_url, content=content_entries(emulator), extra='[export]\nversion = "1.2"\n')
    assert run("pull", "--locale", "de-DE").exit_code == 0  # the locale leveraged: its files are the whole memory
    code, data = leverage_json("--locale", "de-DE")
    assert code == 0 and data["filled"] > 0
    fill = data["fills"][0]
    root = parse((project / "l10n" / fill["path"]).read_bytes()).getroot()
    tu = root.find(f".//{{{XLIFF12_NS}}}trans-unit[@id='{fill['unit']}']")
    target = tu.find(f"{{{XLIFF12_NS}}}target")
    assert target.get("state") == "needs-review-translation" and target.get("state-qualifier") == "exact-match"
    assert target.text == fill["target"]
    assert run("validate").exit_code == 0
    assert run("push", "--locale", "de-DE").exit_code == 0


def test_a_file_edited_meanwhile_is_left_alone(pulled: Path) -> None:
    settings = load(pulled / "pxl10n.toml")
    corpus, work = read_selection(settings.directory, settings.kinds, ("de-DE",))
    target_file = next(f for f in work if any(not e.translated and e.source_text == "Next" for e in f.entries))
    path = target_file.key.path(settings.directory)
    edited = path.read_bytes().replace(b"<source>Next</source>", b"<source>Next</source><!-- reviewer was here -->")
    path.write_bytes(edited)
    result = leverage(settings, corpus, [], targets=work, locales=("de-DE",))
    assert target_file.key.relpath() in result.skipped_changed and result.exit_code == 1
    assert path.read_bytes() == edited
    assert not [f for f in result.fills if f.path == target_file.key.relpath()]


def test_inline_codes_must_match_for_an_exact_match(project: Path) -> None:
    settings = load(project / "pxl10n.toml")
    folder = settings.directory / "de-DE" / "article"
    folder.mkdir(parents=True)
    doc = """<?xml version='1.0' encoding='UTF-8'?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" trgLang="de-DE">
  <file id="f1" original="{id}">
    <unit id="a"><segment><source>Press <ph id="1"/> now</source>{target}</segment></unit>
    <unit id="b"><segment><source>Press <ph id="2"/> now</source></segment></unit>
    <unit id="c"><segment><source>Press <ph id="1"/> now</source></segment></unit>
  </file>
</xliff>
"""
    (folder / "one.xlf").write_text(doc.format(id="one", target='<target>Drücken Sie <ph id="1"/> jetzt</target>'), encoding="utf-8")
    code, data = leverage_json("--locale", "de-DE")
    assert code == 0
    assert [(f["unit"], f["target"]) for f in data["fills"]] == [("c", "Drücken Sie  jetzt")]
    root = etree.fromstring((folder / "one.xlf").read_bytes())
    targets = {u.get("id"): u.find(f".//{{{XLIFF20_NS}}}target") for u in root.iter(f"{{{XLIFF20_NS}}}unit")}
    assert targets["b"] is None
    assert etree.tostring(targets["c"], encoding="unicode").count('<ph id="1"/>') == 1


def test_a_file_with_merge_conflict_markers_is_reported_and_the_rest_still_filled(pulled: Path) -> None:
    de = pulled / "l10n" / "de-DE"
    broken = sorted(de.rglob("*.xlf"))[0]
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("<file", "<<<<<<< HEAD\n<file", 1), encoding="utf-8")
    result = run("leverage", "--locale", "de-DE")
    assert result.exit_code == 1 and "Traceback" not in result.output
    rel = broken.relative_to(pulled / 'l10n').as_posix()
    line = next(line for line in result.stdout.splitlines() if line.startswith("unreadable (not used): "))
    assert line.startswith(f"unreadable (not used): {rel}: line 3, column 4: not well-formed XML: ") and line.count(rel) == 1, line
    assert "<string>" not in line  # lxml's own spelling of where, said once in front
    assert re.search(r"filled [1-9]\d* of", result.stdout)
    assert broken.read_text(encoding="utf-8").startswith(text[:20]) and "<<<<<<< HEAD" in broken.read_text(encoding="utf-8")


def test_kill_during_leverage_leaves_whole_files_and_a_rerun_finishes_the_job(pulled: Path, tmp_path_factory: pytest.TempPathFactory, zygote: Zygote) -> None:
    """kill -9 at an arbitrary point: every file is either as it was or fully leveraged, never half written.

    The leverage run is a process of its own forked from the zygote (tests/helpers/zygote.py), and the kill goes to it."""
    import shutil
    import signal
    import subprocess
    import time

    de = pulled / "l10n" / "de-DE"
    originals = sorted(p for p in de.rglob("*.xlf"))
    for n in range(10):  # many files (81 to change), so the kill lands mid-run: checked below
        for path in originals:
            shutil.copy(path, path.with_name(f"{path.stem}-copy{n}.xlf"))
    reference = tmp_path_factory.mktemp("ref") / "project"
    shutil.copytree(pulled, reference)
    assert run("--config", str(reference / "pxl10n.toml"), "leverage").exit_code == 0
    leveraged = {p.relative_to(reference).as_posix(): p.read_bytes() for p in (reference / "l10n").rglob("*.xlf")}
    before = {p.relative_to(pulled).as_posix(): p.read_bytes() for p in (pulled / "l10n").rglob("*.xlf")}
    assert sum(before[k] != leveraged[k] for k in before) > 50

    child = zygote.start(["leverage"], cwd=pulled, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and all(p.read_bytes() == before[p.relative_to(pulled).as_posix()] for p in originals):
        time.sleep(0.01)
    assert child.kill() == -signal.SIGKILL
    now = {p.relative_to(pulled).as_posix(): p.read_bytes() for p in (pulled / "l10n").rglob("*.xlf")}
    assert set(now) == set(before)
    assert all(data in (before[name], leveraged[name]) for name, data in now.items()), "a file was half written"
    assert any(now[name] == before[name] != leveraged[name] for name in now), "the kill came after the run's last write"
    assert run("leverage").exit_code == 0
    assert {p.relative_to(pulled).as_posix(): p.read_bytes() for p in (pulled / "l10n").rglob("*.xlf")} == leveraged


def test_a_draft_is_never_reused_as_a_translation(pulled: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A target the file says is not translated yet (segment state="initial": a machine proposal, the source copied)
    is neither filled into other units as an exact match (which would mark it translated) nor exported to a TMX."""
    de = pulled / "l10n" / "de-DE"
    expected = expected_fills(units_by_file(de))
    source = next(iter({units_by_file(de)[path][uid][0] for path, uid in expected}))
    drafted = 0
    for path in sorted(de.rglob("*.xlf")):
        tree = parse(path.read_bytes())
        changed = False
        for segment in tree.getroot().iter(f"{{{XLIFF20_NS}}}segment"):
            src, trg = segment.find(f"{{{XLIFF20_NS}}}source"), segment.find(f"{{{XLIFF20_NS}}}target")
            if trg is not None and (trg.text or "").strip() and "".join(src.itertext()) == source:
                segment.set("state", "initial")
                changed = True
                drafted += 1
        if changed:
            path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    assert drafted
    code, data = leverage_json("--locale", "de-DE")
    assert code == 0
    assert not [f for f in data["fills"] if f["source"] == source], data["fills"]
    out = tmp_path_factory.mktemp("tm") / "all.tmx"
    assert run("tm", "export", "-o", str(out)).exit_code == 0
    tmx = etree.fromstring(out.read_bytes())
    assert not [tu for tu in tmx.iter("tu") if any("".join(seg.itertext()) == source for seg in tu.iter("seg"))
                and any(tuv.get("{http://www.w3.org/XML/1998/namespace}lang") == "de-DE" for tuv in tu.iter("tuv"))]


def _untranslated_with_placeholders(directory: Path) -> list[str]:
    """Sources with a placeholder that no unit of the locale has translated: only a memory can fill them."""
    files = units_by_file(directory)
    translated = {source for units in files.values() for source, target in units.values() if target}
    return sorted({source for units in files.values() for source, target in units.values()
                   if not target and "{{" in source and source not in translated})


def _renamed(source: str) -> str:
    """A translation that changed every ``{{name}}`` to ``{name}``: QA101 and QA102 in its unit."""
    return "[de] " + re.sub(r"\{\{([\w.]+)\}\}", r"{\1}", source)


def test_an_exact_match_that_would_fail_validation_is_reported_never_written(pulled: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A vendor memory's translation that lost the source's placeholders would only be refused by validate and hold
    the file back from push: it is named with validate's errors instead; beside a sound translation of the same source,
    the sound one is filled (a translation validate refuses is no rival)."""
    de = pulled / "l10n" / "de-DE"
    broken, beside = _untranslated_with_placeholders(de)[:2]
    sound = "[de] " + beside
    tmx = vendor_tmx(tmp_path_factory.mktemp("v") / "vendor.tmx",
                     [(escape(broken), "de-DE", escape(_renamed(broken))), (escape(beside), "de-DE", escape(_renamed(beside))),
                      (escape(beside), "de-DE", escape(sound))])
    assert run("tm", "import", str(tmx)).exit_code == 0
    before = {p: p.read_bytes() for p in de.rglob("*.xlf")}
    code, data = leverage_json("--locale", "de-DE")
    assert code == 0
    assert not [f for f in data["fills"] if f["source"] == broken]
    refused = [r for r in data["refused"] if r["source"] == broken]
    assert refused and {r["target"] for r in refused} == {_renamed(broken)} and refused[0]["from"] == ["tm/vendor.tmx"]
    assert any(e.startswith("QA101 ") for e in refused[0]["errors"]) and any(e.startswith("QA102 ") for e in refused[0]["errors"])
    assert {f["target"] for f in data["fills"] if f["source"] == beside} == {sound}
    assert not [c for c in data["conflicts"] if c["source"] == beside]
    assert not [r for r in data["refused"] if r["source"] == beside]
    assert any(p.read_bytes() != data for p, data in before.items())
    assert broken not in {source for units in units_by_file(de).values() for source, target in units.values() if target}
    assert run("validate").exit_code == 0, "everything leverage wrote passes validate"
    text = run("leverage", "--locale", "de-DE", "--dry-run").stdout
    assert "not filled: de-DE/" in text and "would fail validation there: QA101 placeholder" in text


def test_what_would_fail_validation_follows_the_projects_validate_settings(pulled: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A project that made placeholder checks warnings gets the match filled, as its validate and push would accept it."""
    de = pulled / "l10n" / "de-DE"
    broken = _untranslated_with_placeholders(de)[0]
    tmx = vendor_tmx(tmp_path_factory.mktemp("v") / "vendor.tmx", [(escape(broken), "de-DE", escape(_renamed(broken)))])
    assert run("tm", "import", str(tmx)).exit_code == 0
    config = pulled / "pxl10n.toml"
    config.write_text(config.read_text() + '\n[validate.severity]\nQA10 = "warning"\n')
    code, data = leverage_json("--locale", "de-DE")
    assert code == 0 and not data["refused"]
    assert {f["target"] for f in data["fills"] if f["source"] == broken} == {_renamed(broken)}
    assert run("validate").exit_code == 0
