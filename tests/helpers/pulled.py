"""Pulled files as a translator sees them: where they are, which exist, giving them targets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import etree

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.xliff.io import XLIFF20_NS, parse


def l10n(root: Path) -> Path:
    """The project's localization directory (``directory = "l10n"`` in the test config)."""
    return root / "l10n"


def keys_of(emulator: EmulatorServer, kind: str, locale: str = "fr-FR") -> list[FileKey]:
    """The file of every localizable ``kind`` item the emulator serves, in ``locale``."""
    return [FileKey(kind, item.id, locale) for item in emulator.store.items(kind) if item.localizable]


def translate(root: Path, key: FileKey, text: Callable[[str], str] | None = None,
              units: Callable[[str], bool] | None = None) -> dict[str, str]:
    """Give every unit of a pulled 2.0 file (or those ``units`` picks by id) a target; returns unit id -> target written."""
    path = key.path(l10n(root))
    tree = parse(path.read_bytes())
    ns = {"x": XLIFF20_NS}
    written = {}
    for unit in tree.getroot().iterfind(".//x:unit", ns):
        if units is not None and not units(unit.get("id")):
            continue
        segment = unit.find("x:segment", ns)
        source = segment.find("x:source", ns).text or ""
        target = segment.find("x:target", ns)
        if target is None:
            target = etree.SubElement(segment, f"{{{XLIFF20_NS}}}target")
        target.text = text(source) if text else _pseudo(source, key.locale)
        written[unit.get("id")] = target.text
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    return written


def _pseudo(source: str, locale: str) -> str:
    """A target that keeps markup, placeholders and outer whitespace of the source."""
    core = source.strip()
    lead, trail = source[: len(source) - len(source.lstrip())], source[len(source.rstrip()) :]
    return f"{lead}[{locale}] {core}{trail}" if core else source
