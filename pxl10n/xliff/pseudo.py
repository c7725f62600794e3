"""Pseudo-translation: fill targets with accented copies of the source.

Used by the demo (and handy to test a UI for truncation and encoding): the result
keeps every placeholder, inline code, HTML tag and the whitespace at both ends,
so it passes validation, and looks obviously "translated" in the product.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from pxl10n.xliff.io import XLIFF12_NS, XLIFF20_NS, canonical_bytes, parse, xliff_version

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ACCENTS = str.maketrans(
    "AaCcEeIiNnOoUuYy",
    "ÅåÇçÉéÎîÑñÖöÛûÝý",
)
# Stretches of text that must survive untouched: placeholders, tags, entities, URLs, e-mail addresses.
_PROTECTED = re.compile(r"(\{\{.*?\}\}|\$\{.*?\}|\{[\w.]+\}|%\(\w+\)[sd]|%\d*\$?[sd]|<[^>]*>|&\w+;|https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


def pseudo_text(text: str) -> str:
    """Accent letters outside protected stretches; keep outer whitespace."""
    parts = _PROTECTED.split(text)
    return "".join(part if index % 2 else part.translate(_ACCENTS) for index, part in enumerate(parts))


def _fill(source: etree._Element, tag: str) -> etree._Element:
    target = copy.deepcopy(source)
    target.tag = tag
    for attr in list(target.attrib):
        if attr != XML_SPACE:
            del target.attrib[attr]
    for element in target.iter():
        if element is not target and element.text:
            element.text = pseudo_text(element.text)
        if element is not target and element.tail:
            element.tail = pseudo_text(element.tail)
    target.text = pseudo_text(target.text) if target.text else target.text
    return target


def pseudo_translate(data: bytes, *, source: str = "<document>", overwrite: bool = False) -> bytes:
    """Canonical XLIFF bytes with every untranslated unit filled with pseudo text."""
    tree = parse(data, source=source)
    version = xliff_version(tree)
    root = tree.getroot()
    if version == "2.0":
        ns = {"x": XLIFF20_NS}
        for container in root.iterfind(".//x:segment", ns):
            _fill_container(container, f"{{{XLIFF20_NS}}}target", ns, overwrite)
    else:
        ns = {"x": XLIFF12_NS}
        for unit in root.iterfind(".//x:trans-unit", ns):
            _fill_container(unit, f"{{{XLIFF12_NS}}}target", ns, overwrite)
    return canonical_bytes(tree)


def _fill_container(container: etree._Element, tag: str, ns: dict[str, str], overwrite: bool) -> None:
    source = container.find("x:source", ns)
    if source is None:
        return
    existing = container.find("x:target", ns)
    if existing is not None and not overwrite and ("".join(existing.itertext()).strip() or len(existing)):
        return
    target = _fill(source, tag)
    target.tail = source.tail
    if container.text is not None and not container.text.strip():
        source.tail = container.text
    if existing is not None:
        container.replace(existing, target)
    else:
        source.addnext(target)

