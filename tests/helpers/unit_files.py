"""The units of a pulled XLIFF file (2.0 or 1.2) as a translator reads and writes them, and as PX holds them: the
random walks' hands and eyes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.xliff.states import NOT_YET_12, NOT_YET_20, UNTRANSLATED_12

X = "{urn:oasis:names:tc:xliff:document:2.0}"
X12 = "{urn:oasis:names:tc:xliff:document:1.2}"
_TOKEN = re.compile(r"\[(?:T|PX)\d+\] ")


def dressed(source: str, mark: str) -> str:
    """``source`` with a mark before its text: the markup, placeholders and outer whitespace kept (valid QA)."""
    core = _TOKEN.sub("", source.strip())
    lead, trail = source[: len(source) - len(source.lstrip())], source[len(source.rstrip()) :]
    return f"{lead}[{mark}] {core}{trail}"


@dataclass(frozen=True)
class Unit:
    """One unit of a file as it is on disk."""

    source: str
    target: str | None
    state: str | None


def units_in(root: etree._Element) -> Iterator[tuple[str, etree._Element, etree._Element, str]]:
    """Each unit's id, source, the element its target lives in (2.0: the segment; 1.2: the trans-unit), and the
    namespace."""
    if root.get("version") == "1.2":
        for unit in root.iter(f"{X12}trans-unit"):
            yield unit.get("id"), unit.find(f"{X12}source"), unit, X12
        return
    assert root.get("version") == "2.0"
    for unit in root.iter(f"{X}unit"):
        segment = unit.find(f"{X}segment")
        yield unit.get("id"), segment.find(f"{X}source"), segment, X


def read_units(path: Path | bytes) -> dict[str, Unit]:
    """Each unit's texts and state, a 1.2 state that says "not translated yet" read as 2.0's ``initial``, of the file
    at ``path`` or of these bytes (a file as a branch holds it)."""
    found = {}
    root = etree.fromstring(path) if isinstance(path, bytes) else etree.parse(str(path)).getroot()
    for unit, source, holder, ns in units_in(root):
        target = holder.find(f"{ns}target")
        if ns == X:
            state = holder.get("state")
        else:
            state = target.get("state") if target is not None else None
            state = NOT_YET_20 if state in UNTRANSLATED_12 else state
        found[unit] = Unit("".join(source.itertext()), None if target is None else "".join(target.itertext()), state)
    return found


def write_units(path: Path, changes: dict[str, tuple[str, str]]) -> None:
    """Set each unit's target text and state (``translated`` or 2.0's ``initial``), as a CAT tool saving the file
    does."""
    tree = etree.parse(str(path))
    for unit, source, holder, ns in units_in(tree.getroot()):
        if unit not in changes:
            continue
        text, state = changes[unit]
        target = holder.find(f"{ns}target")
        if target is None:
            if ns == X:
                target = etree.SubElement(holder, f"{ns}target")
            else:
                target = etree.Element(f"{ns}target")
                source.addnext(target)  # 1.2: the target comes right after the source, before any note
        target.text = text
        if ns == X:
            holder.set("state", state)
        else:
            target.set("state", NOT_YET_12 if state == NOT_YET_20 else state)
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))


def px_target(emulator: EmulatorServer, key: FileKey, unit: str) -> str | None:
    """The target PX holds for ``unit`` of ``key``'s file (None: none)."""
    return emulator.store.translations(key.kind, key.item_id, key.locale).get(unit)


def px_source(emulator: EmulatorServer, key: FileKey, unit: str) -> str:
    """The source PX holds for ``unit`` of ``key``'s item."""
    item = emulator.store.get(key.kind, key.item_id)
    assert item is not None
    return item.units[unit]


Basis = dict[tuple[FileKey, str, str], str | None]


def written_over(based_on: Basis, key: FileKey, unit: str, text: str, held: str | None, px: str | None) -> None:
    """Note in ``based_on`` the text of PX's a translator saw writing ``text`` over ``held`` in ``unit``: PX's text
    when the file held it, else whatever their earlier edit there was written over (their line of work goes on)."""
    if held == px:
        based_on[(key, unit, text)] = px
    elif held is not None and (key, unit, held) in based_on:
        based_on[(key, unit, text)] = based_on[(key, unit, held)]
