"""Consistency and glossary checks (the TM1xx logic) and the toolkit's pofilter checks, on seeded cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from pxl10n.assets.consistency import inconsistencies
from pxl10n.assets.corpus import read_corpus
from pxl10n.assets.glossary import load_glossary
from pxl10n.assets.toolkit_checks import check_names, pofilter_failures
from pxl10n.config import load
from pxl10n.errors import ConfigError

from .helpers.assets import TBX, seed
from .helpers.project import write_config


def test_the_odd_translation_out_is_reported_with_the_reference(tmp_path: Path) -> None:
    l10n = tmp_path / "l10n"
    seed(l10n, "de-DE", "a", [("Next", "Weiter"), ("Back", "Zurück"), ("Save <ph id='1'/>", "Speichern <ph id='1'/>")])
    seed(l10n, "de-DE", "b", [("Next", "Weiter"), ("Back", "Zurueck"), ("Save <ph id='2'/>", "Sichern <ph id='2'/>")])
    seed(l10n, "de-DE", "c", [("Next", "Nächste"), ("Done", None)])
    seed(l10n, "fr-FR", "a", [("Next", "Suivant")])
    found = inconsistencies(read_corpus(l10n, ["de-DE", "fr-FR"]).entries)
    by_place = {(f.entry.path, f.entry.unit_id): f for f in found}
    odd = by_place.pop(("de-DE/engagement/c.xlf", "u1")).departure
    assert (odd.reference.text, odd.reference.count, odd.variants) == ("Weiter", 2, 2)
    assert odd.reference.example == "de-DE/engagement/a.xlf#u1"
    # a 1:1 tie reports both sides; different inline codes are different sources; fr-FR is its own locale
    assert set(by_place) == {("de-DE/engagement/a.xlf", "u2"), ("de-DE/engagement/b.xlf", "u2")}


def test_tbx_glossary_approved_translations_per_locale(tmp_path: Path) -> None:
    path = tmp_path / "terms.tbx"
    path.write_text(TBX, encoding="utf-8")
    glossary = load_glossary(path, "en-US", ("de-DE", "fr-FR"))
    assert glossary.misses("Create a workspace", "Erstellen Sie einen Arbeitsbereich", "de-DE") == []
    assert glossary.misses("Create a Workspace.", "Neue Arbeitsbereichsansicht", "de-DE") == [], "inflections and compounds pass"
    miss = glossary.misses("Create a workspace", "Erstellen Sie einen Workspace", "de-DE")
    assert [(m.term, m.approved) for m in miss] == [("workspace", ("Arbeitsbereich",))], "deprecated terms are not approved"
    assert glossary.misses("Open the workspaces", "x", "de-DE") == [], "whole words only"
    assert [m.term for m in glossary.misses("Your workspace", "Votre espace", "fr-FR")] == ["workspace"]
    assert glossary.misses("Your dashboard", "Ihr Dashboard", "de-DE") == [], "a term without approved translation says nothing"


def test_csv_glossary_per_locale_and_its_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "terms-de-DE.csv").write_text("source,target\nworkspace,Arbeitsbereich\nsign in,anmelden\n", encoding="utf-8")
    glossary = load_glossary(tmp_path / "terms-{locale}.csv", "en-US", ("de-DE", "fr-FR"))
    assert [m.term for m in glossary.misses("Sign in to your workspace", "Melden Sie sich im Arbeitsbereich an", "de-DE")] == ["sign in"]
    assert glossary.misses("Sign in", "Connexion", "fr-FR") == []
    (tmp_path / "one.csv").write_text("source,target\nworkspace,Arbeitsbereich\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"terms-\{locale\}.csv"):
        load_glossary(tmp_path / "one.csv", "en-US", ("de-DE", "fr-FR"))
    assert len(load_glossary(tmp_path / "one.csv", "en-US", ("de-DE",)).terms) == 1
    with pytest.raises(ConfigError, match="does not exist"):
        load_glossary(tmp_path / "none.tbx", "en-US", ("de-DE",))
    (tmp_path / "bad.tbx").write_text("<martif><text>", encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        load_glossary(tmp_path / "bad.tbx", "en-US", ("de-DE",))
    # said as every XML file is: the path once, lxml's position in front, not the toolkit's "(<string>, line 1)"
    assert str(bad.value).startswith(f"glossary {tmp_path / 'bad.tbx'}: line 1, column 15: not well-formed XML: ")
    assert "<string>" not in str(bad.value)


def test_config_key_resolves_relative_to_the_file(tmp_path: Path) -> None:
    write_config(tmp_path, "http://127.0.0.1:1", extra='[validate]\nglossary = "terms/terms.tbx"\n')
    assert load(tmp_path / "pxl10n.toml").validate.glossary == (tmp_path / "terms" / "terms.tbx").resolve()
    write_config(tmp_path, "http://127.0.0.1:1", extra='[validate]\nglossary = "terms.xlsx"\n')
    with pytest.raises(ConfigError, match="glossary"):
        load(tmp_path / "pxl10n.toml")


def test_pofilter_checks_run_through_the_toolkit() -> None:
    assert {"variables", "xmltags", "endpunc", "doublewords"} <= set(check_names())
    failures = pofilter_failures("Save {{user.name}} now.", "Enregistrer maintenant", "fr-FR")
    assert "endpunc" in failures and "brackets" in failures
    assert pofilter_failures("Save now.", "Enregistrer maintenant.", "fr-FR") == {}
