"""The oracle QA's :class:`~pxl10n.validate.qa_text.Reading` is held to: every unit's pair read the plain way.

``Reading`` reads a document's units off the view's columns and builds a
:class:`~pxl10n.validate.qa_text.Pair` only when asked; here each unit record
of the view is read through the general path (its parts joined), one by one,
with nothing skipped for speed, so the two can be compared on any document.
"""

from __future__ import annotations

from lxml import etree

from pxl10n.validate import qa_text as tx
from pxl10n.xliff.view import DocumentView


def pairs(view: DocumentView) -> list[tx.Pair]:
    """Every unit that has a target, as a Pair, in document order; units without one are skipped."""
    name_attr = "resname" if view.version == "1.2" else "name"
    inherited: dict[etree._Element, bool] = {}
    found = []
    for file_view in view.files:
        for unit in file_view.units:
            read = tx._read_unit(unit.parts, view.version)
            if read is not None:
                found.append(tx.Pair(unit.id, read.line, read.source, read.target, read.empty_lines, file_view.src,
                                     file_view.trg, unit.element.get(name_attr),
                                     tx._preserves(unit.element, unit.parts[0].source, inherited),
                                     tx.collapsed(file_view.element)))
    return found
