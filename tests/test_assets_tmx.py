"""`pxl10n tm export` / `tm import`: TMX 1.4 read back by translate-toolkit and by plain lxml."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
from lxml import etree
from translate.storage.tmx import tmxfile

from pxl10n.assets.corpus import entries_of
from pxl10n.assets.tmx import read_tmx, write_tmx
from pxl10n.emulator.server import EmulatorServer
from pxl10n.errors import XliffError
from pxl10n.layout import FileKey
from pxl10n.xliff.io import XML_LANG, parse, read_info

from .helpers.assets import vendor_tmx
from .helpers.cli import run
from .helpers.pulled import keys_of, translate

HEADER_ATTRS = {"creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"}


def translated_units(l10n: Path, locales: tuple[str, ...]) -> dict[tuple[str, str | None], tuple[str, str]]:
    """(file, unit id) -> (source, target) of every translated unit, straight from the XLIFF."""
    found = {}
    for locale in locales:
        for path in (l10n / locale).rglob("*.xlf"):
            for unit in read_info(parse(path.read_bytes())).units:
                if unit.translated:
                    found[(path.relative_to(l10n).as_posix(), unit.id)] = (unit.source, unit.target or "")
    return found


@pytest.fixture
def pulled(pulled: Path, emulator: EmulatorServer) -> Path:
    """The shared pulled project with one article translated into French."""
    translate(pulled, keys_of(emulator, "article")[0], lambda s: f"FR {s}")
    return pulled


def test_export_holds_every_translated_unit_for_the_toolkit_and_for_lxml(pulled: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("tmx") / "all.tmx"
    result = run("tm", "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    expected = translated_units(pulled / "l10n", ("fr-FR", "de-DE"))
    assert len(expected) > 20

    # translate-toolkit's own TMX store
    store = tmxfile.parsestring(out.read_bytes())
    assert len(store.units) == len(expected)

    # an independent reader: lxml and the TMX 1.4 structure
    root = etree.parse(str(out)).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert HEADER_ATTRS <= set(header.attrib) and header.get("srclang") == "en-US"
    seen = {}
    for tu in root.iterfind("body/tu"):
        props = {p.get("type"): p.text for p in tu.iterfind("prop")}
        assert [child.tag for child in tu] == ["prop"] * len(props) + ["tuv", "tuv"], "TMX order: prop*, tuv+"
        (src_lang, src), (trg_lang, trg) = [(tuv.get(XML_LANG), "".join(tuv.find("seg").itertext())) for tuv in tu.iterfind("tuv")]
        assert src_lang == "en-US" and props["x-pxl10n-file"].startswith(trg_lang + "/")
        assert props["x-pxl10n-kind"] in props["x-pxl10n-file"] and props["x-pxl10n-item"] in props["x-pxl10n-file"]
        seen[(props["x-pxl10n-file"], props["x-pxl10n-unit"])] = (src, trg)
    assert seen == expected

    # and the standard library's expat-based reader agrees
    std = ElementTree.parse(out).getroot()
    pairs = {tuple("".join(tuv.find("seg").itertext()) for tuv in tu.iter("tuv")) for tu in std.iter("tu")}
    assert pairs == set(expected.values())
    assert {(u.source, u.target) for u in store.units} == set(expected.values())
    assert any(target.startswith("FR ") for _, target in seen.values()), "the edit made after the pull is exported"


def test_export_one_locale(pulled: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("tmx") / "de.tmx"
    result = run("tm", "export", "--locale", "de-DE", "-o", str(out))
    assert result.exit_code == 0
    langs = {tuv.get(XML_LANG) for tuv in etree.parse(str(out)).getroot().iter("tuv")}
    assert langs == {"en-US", "de-DE"}
    assert f"{len(translated_units(pulled / 'l10n', ('de-DE',)))} translation unit(s)" in result.stderr


INLINE = b"""<?xml version="1.0"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" trgLang="fr-FR">
  <file id="f"><unit id="u1"><segment><source>Click <pc id="1" dataRefStart="a">Save</pc><ph id="2"/> &amp; go &lt;now&gt;</source>
  <target>Cliquez <pc id="1" dataRefStart="a">Enregistrer</pc><ph id="2"/> &amp; allez &lt;maintenant&gt;</target></segment></unit></file>
</xliff>"""


def test_inline_codes_travel_as_native_codes_and_come_back_exactly() -> None:
    entries = entries_of(FileKey("article", "a1", "fr-FR"), INLINE)
    data = write_tmx(entries, "en-US")
    seg = etree.fromstring(data).find("body/tu/tuv/seg")
    assert [child.tag for child in seg] == ["bpt", "ept", "ph"]
    assert seg.find("bpt").get("i") == seg.find("ept").get("i")
    assert seg.find("ph").text == '<ph id="2"/>'
    unit = next(read_tmx(data))
    assert unit.text("en-US") == entries[0].source and unit.text("FR-fr") == entries[0].target
    toolkit = tmxfile.parsestring(data).units[0]
    assert "Save" in toolkit.source and "Enregistrer" in toolkit.target


def test_reader_refuses_entity_declarations_and_non_tmx() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><tmx version="1.4"><header/><body/></tmx>'
    with pytest.raises(XliffError, match="internal DTD subset"):
        list(read_tmx(bomb, source="vendor.tmx"))
    with pytest.raises(XliffError, match="not a TMX"):
        list(read_tmx(b"<xliff/>", source="vendor.tmx"))
    with pytest.raises(XliffError, match=r"^vendor\.tmx: line 1, column 6: not well-formed XML: Premature end of data in tag tmx line 1$"):
        list(read_tmx(b"<tmx>", source="vendor.tmx"))
    plain_doctype = b'<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4"><header/><body><tu><tuv xml:lang="en-US"><seg>a</seg></tuv></tu></body></tmx>'
    assert len(list(read_tmx(plain_doctype))) == 1


def test_import_stores_the_vendor_file_in_tm(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    src = vendor_tmx(tmp_path_factory.mktemp("v") / "Acme Q3.tmx", [("Next", "de-de", "Weiter"), ("Back", "DE-DE", "Zurück"), ("Hola", "es-ES", "Hola")])
    result = run("tm", "import", str(src))
    assert result.exit_code == 0, result.output
    stored = project / "tm" / "Acme-Q3.tmx"
    assert stored.read_bytes() == src.read_bytes()
    assert "de-DE 2" in result.stderr and "fr-FR 0" in result.stderr and "1 unit(s) in other languages ignored" in result.stderr
    again = run("tm", "import", str(src))
    assert again.exit_code == 0 and "unchanged" in again.stderr
    other = vendor_tmx(src, [("Done", "de-DE", "Fertig")])
    clash = run("tm", "import", str(other))
    assert clash.exit_code == 2 and "--force" in clash.stderr
    assert stored.read_bytes() != other.read_bytes()
    assert run("tm", "import", str(other), "--force").exit_code == 0
    assert stored.read_bytes() == other.read_bytes()
    assert run("tm", "import", str(other), "--name", "second").exit_code == 0
    assert (project / "tm" / "second.tmx").is_file()


def test_import_refuses_what_cannot_serve(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("v")
    spanish = vendor_tmx(folder / "es.tmx", [("Next", "es-ES", "Siguiente")])
    result = run("tm", "import", str(spanish))
    assert result.exit_code == 1 and "es.tmx" in result.stderr and "es-ES" in result.stderr
    broken = folder / "broken.tmx"
    broken.write_text("<tmx><body>", encoding="utf-8")
    result = run("tm", "import", str(broken))
    assert result.exit_code == 1 and "broken.tmx" in result.stderr and "Traceback" not in result.output
    assert run("tm", "import", str(folder / "missing.tmx")).exit_code == 2
    assert not (project / "tm").exists()


def test_leveraged_units_say_so_in_the_tmx(pulled: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    assert run("leverage", "--locale", "de-DE").exit_code == 0
    out = tmp_path_factory.mktemp("tmx") / "de.tmx"
    assert run("tm", "export", "--locale", "de-DE", "-o", str(out)).exit_code == 0
    states = [p.text for p in etree.parse(str(out)).getroot().iter("prop") if p.get("type") == "x-pxl10n-state"]
    assert "translated/pxl10n:exact-match" in states, "a reviewer can tell leveraged units from reviewed ones"


def test_export_never_overwrites_a_file_that_is_not_a_tmx_nor_writes_into_the_l10n_directory(pulled: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A slip of ``-o`` (the config, a translator's XLIFF) used to replace the file with the TMX."""
    xliff = next((pulled / "l10n").rglob("*.xlf"))
    config = pulled / "pxl10n.toml"
    before = {path: path.read_bytes() for path in (xliff, config)}
    for target, said in ((config, "exists and is not a TMX file"), (xliff, "inside the l10n directory"),
                         (pulled / "l10n" / "memory.tmx", "inside the l10n directory")):
        result = run("tm", "export", "-o", str(target))
        assert result.exit_code == 2 and said in result.stderr, (target, result.output)
        assert "reading" not in result.stderr  # refused before the corpus is read
    assert {path: path.read_bytes() for path in before} == before
    assert not (pulled / "l10n" / "memory.tmx").exists()
    out = tmp_path_factory.mktemp("tmx") / "memory.tmx"
    assert run("tm", "export", "-o", str(out)).exit_code == 0
    assert run("tm", "export", "-o", str(out)).exit_code == 0  # a TMX replaces a TMX
    notes = out.with_name("notes.txt")
    notes.write_text("mine", encoding="utf-8")
    assert run("tm", "export", "-o", str(notes)).exit_code == 2
    assert run("tm", "export", "-o", str(notes), "--force").exit_code == 0 and b"<tmx" in notes.read_bytes()
