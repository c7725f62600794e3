"""QA rules: for each rule a unit that breaks it and a close neighbour that does not.

Text cases run in XLIFF 2.0 and 1.2; markup cases also in PX's HTML strategy,
where tags travel escaped (``&lt;b&gt;``). The fixture files of ``fixtures/qa``
are checked by ``tests/test_rules_fixtures.py``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from pxl10n.validate.context import Context
from pxl10n.validate.engine import RuleSelection, check_document
from pxl10n.validate.qa import RULES, final_punctuation
from pxl10n.validate.rules import Document, Severity

from .helpers.xliff import document, units


def xliff(version: str, pairs: list[tuple[str, str | None]], trg: str = "fr-FR", src: str = "en-US") -> bytes:
    """A document from (source, target) XML fragments, units ``u0``...; target None means no <target>."""
    return document(version, units(version, pairs, first=0), src=src, trg=trg).encode()


def qa_codes(data: bytes) -> list[tuple[str | None, str]]:
    findings = check_document(Document("t.xlf", data), Context(), RuleSelection(("QA",)))
    return [(f.unit, f.code) for f in findings]


def codes_for(version: str, source: str, target: str | None, lang: str = "fr-FR") -> set[str]:
    """QA codes raised by one plain-text unit (text is escaped, so HTML travels as text)."""
    t = None if target is None else escape(target)
    return {code for _, code in qa_codes(xliff(version, [(escape(source), t)], lang))}


# code, language, source, bad target, good target (a close neighbour)
TEXT_CASES = [
    ("QA101", "fr-FR", "Hi {{user.firstName}}!", "Salut !", "Salut {{user.firstName}} !"),
    ("QA101", "fr-FR", "Hi {{user.firstName}}!", "Salut {{user.lastName}} !", "Salut {{ user.firstName }} !"),
    ("QA101", "de-DE", "You have {0} messages", "Sie haben Nachrichten", "Sie haben {0} Nachrichten"),
    ("QA101", "de-DE", "Hello {name}", "Hallo", "Hallo {name}"),
    ("QA101", "de-DE", "Delete %s?", "Löschen?", "%s löschen?"),
    ("QA101", "de-DE", "%1$s invited %2$s", "%1$s hat eingeladen", "%2$s wurde von %1$s eingeladen"),
    ("QA101", "de-DE", "%(count)d items", "Elemente", "%(count)d Elemente"),
    ("QA101", "de-DE", "Hi ${name}", "Hallo", "Hallo ${name}"),
    ("QA102", "fr-FR", "Welcome", "Bienvenue {{name}}", "Bienvenue"),
    ("QA102", "fr-FR", "100% sure", "Sûr à 100 %s", "Sûr à 100 %"),
    ("QA103", "fr-FR", "{{a}} and {{a}}", "{{a}} et moi", "{{a}} et {{a}}"),
    ("QA104", "fr-FR", "%s of %d", "%d sur %s", "%s sur %d"),
    ("QA104", "fr-FR", "%s and %s", "%s et", "%s et %s"),
    ("QA121", "fr-FR", "<b>Hi</b> there", "<b>Salut là", "<b>Salut</b> là"),
    ("QA121", "fr-FR", "Line<br>two", "Ligne deux", "Ligne<br/>deux"),
    ("QA122", "fr-FR", "Hi there", "<i>Salut</i> là", "Salut là"),
    ("QA123", "fr-FR", "<b><i>Hi</i></b> there", "<b><i>Salut</b></i> là", "<b><i>Salut</i></b> là"),
    ("QA124", "fr-FR", '<a href="https://a.example/x">Docs</a>', '<a href="https://b.example/x">Docs</a>',
     '<a href="https://a.example/x" title="Aide">Documentation</a>'),
    ("QA201", "fr-FR", " Hi", "Salut", " Salut"),
    ("QA202", "fr-FR", "Hi ", "Salut", "Salut "),
    ("QA203", "fr-FR", "Save now", "Enregistrer  maintenant", "Enregistrer maintenant"),
    ("QA204", "fr-FR", "Line one\nLine two", "Ligne un Ligne deux", "Ligne un\nLigne deux"),
    ("QA301", "fr-FR", "Saved.", "Enregistré", "Enregistré."),
    ("QA301", "fr-FR", "Really?", "Vraiment !", "Vraiment ?"),
    ("QA301", "ja-JP", "Saved.", "保存しました？", "保存しました。"),
    ("QA301", "zh-CN", "Really?", "真的。", "真的？"),
    ("QA301", "de-DE", "Loading...", "Wird geladen", "Wird geladen…"),
    ("QA301", "de-DE", 'Click "Save".', "Klicken Sie auf „Speichern“", "Klicken Sie auf „Speichern“."),
    ("QA302", "es-ES", "Are you sure?", "Está seguro?", "¿Está seguro?"),
    ("QA302", "es-ES", "Welcome!", "Bienvenido!", "¡Bienvenido!"),
    ("QA311", "fr-FR", "Only 1,000.5 left", "Il reste 100,5", "Il reste 1 000,5"),
    ("QA311", "de-DE", "Only 1,000.5 left", "Nur noch 1.000 übrig", "Nur noch 1.000,5 übrig"),
    ("QA311", "de-DE", "Pay 25 USD", "Zahlen Sie 52 USD", "Zahlen Sie 25 USD"),
    ("QA312", "fr-FR", "You have 3 items", "Vous avez 3 éléments sur 5", "Vous avez 3 éléments"),
    ("QA321", "fr-FR", "See https://example.com/help.", "Voir le site d'aide.", "Voir https://example.com/help."),
    ("QA321", "ja-JP", "See https://example.com/help.", "https://example.com/fr/helpを参照。", "https://example.com/helpを参照してください。"),
    ("QA322", "fr-FR", "Write to help@example.com", "Écrivez-nous", "Écrivez à help@example.com"),
    ("QA331", "fr-FR", "This sentence is long enough to be checked.", "Ceci.", "Cette phrase est assez longue pour être vérifiée."),
    ("QA331", "fr-FR", "This sentence is long enough to be checked.",
     "Cette phrase est assez longue. " * 6, "Cette phrase est assez longue pour être vérifiée, sans doute."),
    ("QA341", "fr-FR", "The café is open.", "Le cafe\u0301 est ouvert.", "Le café est ouvert."),
    ("QA341", "ko-KR", "Save", "\u110c\u1165\u110c\u1161\u11bc", "\uc800\uc7a5"),
    ("QA401", "fr-FR", "Save", "", "Enregistrer"),
    ("QA401", "fr-FR", "Save", "   ", "Enregistrer"),
    ("QA402", "fr-FR", "Save your changes now", "Save your changes now", "Enregistrez vos modifications"),
]


@pytest.mark.parametrize("version", ["2.0", "1.2"])
@pytest.mark.parametrize(("code", "lang", "source", "bad", "good"), TEXT_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(TEXT_CASES)])
def test_rule_breaks_and_neighbour_passes(version: str, code: str, lang: str, source: str, bad: str, good: str) -> None:
    assert code in codes_for(version, source, bad, lang), f"{code} not raised for {bad!r}"
    assert code not in codes_for(version, source, good, lang), f"{code} raised for {good!r}"


# Neighbours that professional translations produce and that must stay silent.
CLEAN = [
    ("fr-FR", "Welcome back, {{user.firstName}}!", "Bon retour, {{user.firstName}} !"),
    ("fr-FR", "Note: changes apply to all users.", "Remarque : les modifications s'appliquent à tous les utilisateurs."),
    ("es-ES", "Are you sure you want to delete %s?", "¿Seguro que desea eliminar %s?"),
    ("ja-JP", "Welcome back!", "おかえりなさい"),
    ("ja-JP", "Saved.", "保存しました．"),
    ("el-GR", "Are you sure?", "Είστε σίγουροι;"),
    ("th-TH", "Saved.", "บันทึกแล้ว"),
    ("de-DE", "It costs 1,250.50 USD.", "Es kostet 1.250,50 USD."),
    ("de-CH", "It costs 1,250 USD.", "Es kostet 1'250 USD."),
    ("fr-FR", "{count, plural, one {# file} other {# files}} uploaded",
     "{count, plural, one {# fichier téléversé} other {# fichiers téléversés}}"),
    ("fr-FR", "Gainsight PX", "Gainsight PX"),
    ("fr-FR", "Dashboard", "Dashboard"),
    ("fr-FR", "{{user.firstName}} {{user.lastName}}", "{{user.firstName}} {{user.lastName}}"),
    ("en-GB", "Customize your color settings now", "Customize your color settings now"),
    ("ja-JP", "Read the guide at https://help.example.com/start?ref=3 before you start.",
     "開始する前にhttps://help.example.com/start?ref=3のガイドをお読みください。"),
    ("ja-JP", "Line one<br>Line two", "1行目<br>2行目"),
    ("fr-FR", "100% of users", "100 % des utilisateurs"),
    ("fr-FR", "Press <Enter> to continue", "Appuyez sur <Entrée> pour continuer"),
    ("fr-FR", "Contact us at <a href=\"mailto:help@example.com\">help@example.com</a>.",
     "Contactez-nous à <a href=\"mailto:help@example.com\">help@example.com</a>."),
]


@pytest.mark.parametrize("version", ["2.0", "1.2"])
@pytest.mark.parametrize(("lang", "source", "target"), CLEAN)
def test_clean_translations_are_silent(version: str, lang: str, source: str, target: str) -> None:
    assert codes_for(version, source, target, lang) == set()


def test_contract_example_message() -> None:
    data = xliff("2.0", [(escape("<b>Hi {{user.firstName}}</b>"), escape("<b>Salut</b>"))])
    findings = check_document(Document("t.xlf", data), Context(), RuleSelection(("QA",)))
    assert [(f.code, f.message, f.severity) for f in findings] == [
        ("QA101", "placeholder {{user.firstName}} missing in target", Severity.ERROR)
    ]


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_unit_without_target_is_not_a_finding(version: str) -> None:
    assert qa_codes(xliff(version, [("Save", None), ("Hi {{name}}", None)])) == []


INLINE = {
    "2.0": {
        "QA111": ('Click <pc id="1">here</pc>.', "Cliquez ici.", 'Cliquez <pc id="1">ici</pc>.'),
        "QA112": ('Line<ph id="1"/>two', 'Ligne<ph id="1"/>deux<ph id="2"/>', 'Ligne<ph id="1"/>deux'),
        "QA113": ('Use <mrk id="m1" translate="no">PX</mrk> now', "Utilisez PX", 'Utilisez <mrk id="m1" translate="no">PX</mrk>'),
    },
    "1.2": {
        "QA111": ('Click <g id="1">here</g>.', "Cliquez ici.", 'Cliquez <g id="1">ici</g>.'),
        "QA112": ('Line<x id="1"/>two', 'Ligne<x id="1"/>deux<x id="2"/>', 'Ligne<x id="1"/>deux'),
        "QA113": ('Use <mrk mid="m1" mtype="protected">PX</mrk> now', "Utilisez PX", 'Utilisez <mrk mid="m1" mtype="protected">PX</mrk>'),
    },
}


@pytest.mark.parametrize("version", ["2.0", "1.2"])
@pytest.mark.parametrize("code", ["QA111", "QA112", "QA113"])
def test_inline_codes(version: str, code: str) -> None:
    source, bad, good = INLINE[version][code]
    assert code in {c for _, c in qa_codes(xliff(version, [(source, bad)]))}
    assert code not in {c for _, c in qa_codes(xliff(version, [(source, good)]))}


def test_code_content_is_not_text_in_12() -> None:
    """1.2 <ph>/<bpt> hold native code: a placeholder inside them is not a text placeholder."""
    source = '<bpt id="1">&lt;b&gt;</bpt>Hi<ept id="1">&lt;/b&gt;</ept> <ph id="2">{{name}}</ph>'
    target = '<bpt id="1">&lt;b&gt;</bpt>Salut<ept id="1">&lt;/b&gt;</ept> <ph id="2">{{name}}</ph>'
    assert qa_codes(xliff("1.2", [(source, target)])) == []
    assert {c for _, c in qa_codes(xliff("1.2", [(source, "Salut")]))} >= {"QA111"}


def test_empty_segment_in_multi_segment_unit() -> None:
    data = (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr"><file id="f">'
            b'<unit id="u"><segment><source>One.</source><target>Un.</target></segment><ignorable><source> </source></ignorable>'
            b'<segment><source>Two.</source><target/></segment></unit></file></xliff>')
    assert qa_codes(data) == [("u", "QA401")]


@pytest.mark.parametrize("symbol", ["mg/dL", "mmol/L", "mg/dL/U", "km/h", "e-mail"])
def test_a_unit_symbol_or_compound_kept_as_it_is_is_no_copied_source_but_spaced_words_are(symbol: str) -> None:
    """LoopKit's translations keep mg/dL and mmol/L in every language (304 QA402 warnings in one Hebrew file of units)."""
    assert "QA402" not in codes_for("2.0", symbol, symbol, "he-IL")
    spaced = symbol.replace("/", " per ").replace("-", " ")
    assert "QA402" in codes_for("2.0", spaced, spaced, "he-IL")


def test_an_empty_trados_draft_is_not_a_claimed_translation_an_empty_translated_segment_is() -> None:
    """Trados Studio's statuses (as matecat's "Test stati" sdlxliff has them): an empty segment at Draft is work not
    done yet, as one without a level is; an empty one at Translated claims a translation that is not there."""
    def unit(ident: str, conf: str) -> str:
        return (f'<trans-unit id="{ident}"><source>Segmento</source><seg-source><mrk mtype="seg" mid="1">Segmento</mrk>'
                f'</seg-source><target><mrk mtype="seg" mid="1"/></target><sdl:seg-defs><sdl:seg id="1" {conf}/>'
                "</sdl:seg-defs></trans-unit>")
    data = ('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0" '
            'version="1.2"><file original="a" source-language="it-IT" target-language="en-US" datatype="x-sdlfilterframework2">'
            '<body>' + unit("none", "") + unit("draft", 'conf="Draft"') + unit("done", 'conf="Translated"') + "</body></file></xliff>")
    assert qa_codes(data.encode()) == [("done", "QA401")]


def test_cp_counts_as_text() -> None:
    data = (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr"><file id="f">'
            b'<unit id="u"><segment><source>Tab<cp hex="0009"/>here</source><target>Tab<cp hex="0009"/>ici</target></segment></unit>'
            b'</file></xliff>')
    assert qa_codes(data) == []


@pytest.mark.parametrize(("text", "expected"), [("Done.", "."), ("Fertig!", "!"), ("完了。", "."), ("Voilà !", "!"),
                                                  ("Wait...", "…"), ('He said "yes."', "."), ("Plain", None)])
def test_final_punctuation_classes(text: str, expected: str | None) -> None:
    assert final_punctuation(text) == expected


def test_placeholder_tag_and_empty_rules_are_errors() -> None:
    errors = {rule.code for rule in RULES if rule.severity is Severity.ERROR}
    assert {"QA101", "QA102", "QA111", "QA112", "QA121", "QA122", "QA123", "QA401"} <= errors
    assert {"QA201", "QA301", "QA311", "QA402"}.isdisjoint(errors)




@pytest.mark.parametrize(("source", "target", "lang", "expected"), [
    pytest.param("{{ n }} apple|{{ n }} apples", "{{ n }} яблоко|{{ n }} яблока|{{ n }} яблок", "ru", set(), id="three-forms-in-russian"),
    pytest.param("{{ n }} apple|{{ n }} apples", "{{ n }} 个苹果", "zh-CN", set(), id="one-form-in-chinese"),
    pytest.param("{{ n }} apple|{{ n }} apples", "une pomme|des pommes", "fr-FR", {"QA101"}, id="a-placeholder-gone-is-still-gone"),
    pytest.param("{{ n }} apple|{{ n }} apples", "{{ n }} pomme|{{ n }} pommes {{ x }}", "fr-FR", {"QA102"}, id="a-new-one-is-still-new"),
    pytest.param("{{ a }} or || {{ a }}", "{{ a }} ou", "fr-FR", {"QA103"}, id="an-empty-form-is-no-plural"),
])
def test_symfony_and_laravel_plural_forms_are_compared_by_presence(source: str, target: str, lang: str, expected: set[str]) -> None:
    assert codes_for("1.2", source, target, lang) & {"QA101", "QA102", "QA103", "QA331"} == expected
