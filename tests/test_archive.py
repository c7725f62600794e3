"""Untrusted exports: zips that are cut off, escape the tree, explode, or carry XXE."""

from __future__ import annotations

import pytest

from pxl10n.emulator.faults import make_zip
from pxl10n.errors import ArchiveError, XliffError
from pxl10n.px import archive
from pxl10n.px.archive import extract_xliff
from pxl10n.xliff.io import canonicalize, parse

from .helpers.xliff import document, units


def doc(lang: str = "fr-FR") -> bytes:
    """One PX-style 2.0 export: a unit whose source has outer spaces, a placeholder and non-ASCII."""
    body = units("2.0", [("  Hi {{user.firstName}} — ünï  ", None)])
    return document("2.0", body, trg=lang, original="item-1", declaration=True).encode()


def test_single_entry_is_canonicalized_and_text_kept() -> None:
    data, info = extract_xliff(make_zip([("whatever name.xlf", doc())]), source="t", language="fr-FR")
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<xliff")
    assert info.units[0].source == "  Hi {{user.firstName}} — ünï  "
    assert info.file_ids == ["f1", "item-1"]


def test_same_content_with_other_formatting_gives_the_same_bytes() -> None:
    other = doc().replace(b'encoding="UTF-8"', b"encoding='utf-8'").replace(b"\n", b"\r\n")
    assert extract_xliff(make_zip([("a.xlf", other)]), source="t")[0] == extract_xliff(make_zip([("b.xlf", doc())]), source="t")[0]


def test_language_picks_among_several_files() -> None:
    data, info = extract_xliff(make_zip([("a.xlf", doc("de-DE")), ("b.xlf", doc("fr-FR"))]), source="t", language="fr-FR")
    assert info.trg_lang == "fr-FR"
    with pytest.raises(ArchiveError, match="2 XLIFF files"):
        extract_xliff(make_zip([("a.xlf", doc("de-DE")), ("b.xlf", doc("de-DE"))]), source="t", language="fr-FR")


def test_raw_xliff_answer_is_accepted() -> None:
    assert extract_xliff(doc(), source="t")[1].trg_lang == "fr-FR"


def test_cut_off_zip() -> None:
    payload = make_zip([("a.xlf", doc() * 50)])
    with pytest.raises(ArchiveError, match="cut off"):
        extract_xliff(payload[: len(payload) // 2], source="engagement e1 [fr-FR]")


@pytest.mark.parametrize("name", ["../../evil.xlf", "/etc/evil.xlf", "a/../../evil.xlf", "C:/evil.xlf", "..\\..\\evil.xlf"])
def test_entries_escaping_the_tree_are_refused(name: str) -> None:
    with pytest.raises(ArchiveError, match="outside its tree"):
        extract_xliff(make_zip([("ok.xlf", doc()), (name, doc())]), source="t")


def test_zip_bomb_stops_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_ENTRY_BYTES", 1024 * 1024)
    bomb = make_zip([("bomb.xlf", b"<" + b"a" * (8 * 1024 * 1024))])
    assert len(bomb) < 64 * 1024
    with pytest.raises(ArchiveError, match="over the cap|expands past"):
        extract_xliff(bomb, source="t")


def test_too_many_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)
    with pytest.raises(ArchiveError, match="entries"):
        extract_xliff(make_zip([(f"{i}.xlf", doc()) for i in range(4)]), source="t")


def test_no_xliff_in_zip() -> None:
    with pytest.raises(ArchiveError, match="no XLIFF"):
        extract_xliff(make_zip([("readme.txt", b"hi")]), source="t")


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US">
  <file id="f"><unit id="u"><segment><source>&xxe; &lol2;</source></segment></unit></file>
</xliff>"""


def test_xxe_and_entity_bombs_are_refused_not_expanded() -> None:
    with pytest.raises(ArchiveError, match="DOCTYPE"):
        extract_xliff(make_zip([("x.xlf", XXE)]), source="t")
    with pytest.raises(XliffError, match="DOCTYPE"):
        parse(XXE)


def test_not_well_formed_names_the_source() -> None:
    with pytest.raises(XliffError, match=r"^my\.xlf: line 1, column 26: not well-formed XML: Opening and ending tag mismatch: unclosed line 1 and xliff$"):
        canonicalize(b"<xliff><unclosed></xliff>", source="my.xlf")
