"""The TM family (consistency, glossary) and the opt-in TT family (pofilter) inside `pxl10n validate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers.assets import TBX, seed
from .helpers.cli import run
from .helpers.project import write_config


def findings(*args: str) -> list[dict]:
    result = run("validate", "--format", "json", *args)
    return json.loads(result.stdout)["findings"]


def project_with_repeats(root: Path, extra: str = "") -> Path:
    write_config(root, "http://127.0.0.1:1", extra=extra)
    l10n = root / "l10n"
    seed(l10n, "de-DE", "a", [("Next", "Weiter"), ("Create a workspace", "Arbeitsbereich erstellen")])
    seed(l10n, "de-DE", "b", [("Next", "Weiter"), ("Create a workspace", "Workspace erstellen")])
    seed(l10n, "de-DE", "c", [("Next", "Nächste"), ("Open the file.", "Datei öffnen")])
    return root


def test_tm101_flags_the_odd_translation_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_with_repeats(tmp_path))
    tm = [f for f in findings() if f["code"] == "TM101"]
    by_file = {(f["path"].split("l10n/")[-1], f["unit"]) for f in tm}
    assert ("de-DE/engagement/c.xlf", "u1") in by_file
    assert ("de-DE/engagement/a.xlf", "u1") not in by_file and ("de-DE/engagement/b.xlf", "u1") not in by_file
    odd = next(f for f in tm if f["path"].endswith("c.xlf"))
    assert "'Weiter'" in odd["message"] and "2 unit(s)" in odd["message"] and odd["severity"] == "warning"
    # one file on its own is still judged against the whole repository
    alone = findings(str(tmp_path / "l10n" / "de-DE" / "engagement" / "c.xlf"))
    assert [f["code"] for f in alone if f["code"].startswith("TM")] == ["TM101"]
    assert not [f for f in findings("--ignore", "TM") if f["code"].startswith("TM")]


def test_tm102_glossary_and_tt_is_opt_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "terms.tbx").write_text(TBX, encoding="utf-8")
    monkeypatch.chdir(project_with_repeats(tmp_path, '[validate]\nglossary = "terms.tbx"\n'))
    glossary = [f for f in findings() if f["code"] == "TM102"]
    assert [f["path"].split("l10n/")[-1] for f in glossary] == ["de-DE/engagement/b.xlf"]
    assert "'workspace' should be translated as 'Arbeitsbereich'" in glossary[0]["message"]
    assert not [f for f in findings() if f["code"].startswith("TT")], "TT is off by default"
    tt = findings("--select", "TT")
    assert "TT102" in {f["code"] for f in tt} and {f["code"] for f in tt} <= {f"TT1{n:02}" for n in range(1, 11)}
    assert all(f["message"].startswith("pofilter ") for f in tt)
    assert [f for f in findings("--select", "TT102,TM") if f["code"] == "TT102" or f["code"].startswith("TM")]


def test_rules_are_listed_and_explained() -> None:
    listing = run("validate", "--list-rules").stdout
    assert "TM101" in listing and "TM102" in listing and "TT101" in listing
    assert "pofilter" in run("validate", "--explain", "TT101").stdout
