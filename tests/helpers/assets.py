"""Translation assets for the tests: seeded pulled files, a TBX glossary, a vendor's TMX."""

from __future__ import annotations

from pathlib import Path

from .xliff import document, units


def seed(l10n: Path, locale: str, item: str, pairs: list[tuple[str, str | None]]) -> None:
    """An engagement file ``item`` in ``locale`` under ``l10n`` with units ``u1``... from (source, target) pairs."""
    path = l10n / locale / "engagement" / f"{item}.xlf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document("2.0", units("2.0", pairs), trg=locale, original=item, declaration=True), encoding="utf-8")


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif PUBLIC "ISO 12200:1999A//DTD MARTIF core (DXFcdV04)//EN" "TBXcdv04.dtd">
<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></martifHeader>
<text><body>
  <termEntry id="t1">
    <langSet xml:lang="en"><tig><term>workspace</term></tig></langSet>
    <langSet xml:lang="de"><tig><term>Arbeitsbereich</term></tig>
      <tig><term>Workspace</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
    <langSet xml:lang="fr-FR"><tig><term>espace de travail</term></tig></langSet>
  </termEntry>
  <termEntry id="t2"><langSet xml:lang="en-US"><tig><term>dashboard</term></tig></langSet></termEntry>
</body></text></martif>
"""


VENDOR = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4"><header creationtool="Vendor CAT" creationtoolversion="9" segtype="sentence" o-tmf="x" adminlang="en" srclang="EN-US" datatype="plaintext"/>
<body>
{units}
</body></tmx>
"""


def vendor_tmx(path: Path, pairs: list[tuple[str, str, str]]) -> Path:
    units = "\n".join(f'<tu><tuv xml:lang="en-us"><seg>{s}</seg></tuv><tuv xml:lang="{lang}"><seg>{t}</seg></tuv></tu>' for s, lang, t in pairs)
    path.write_text(VENDOR.format(units=units), encoding="utf-8")
    return path
