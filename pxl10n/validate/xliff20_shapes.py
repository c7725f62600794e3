"""Units that repeat a clean unit of the same document: found by their shape, and not walked again.

An export repeats a few unit shapes thousands of times: the same elements with the
same attributes, only the unit id and the text differ. The XLIFF 2.0 checks of a
unit read its subtree's names, attributes and structure, whether each text node is
there and whether it is whitespace, what its ancestors say (xml:lang, xml:space,
slr profiles and data, the file's unit ids) and facts of the whole document; never
the words of its text, and its own id only to check it is an NMTOKEN (which the
walk checks for every unit before asking here). So a unit whose *shape* -- its
elements in document order with their names, child counts and attributes, the id
left out, and each text and tail reduced to "none", "whitespace" or "some" -- and
parent equal those of a unit found clean earlier in the document is clean too.

The one thing such a unit would have left behind is its entry in the fragment
indexes (its ids, its notes), which only references read: the walk keeps the
skipped units and indexes them (walks them again) only when the document holds a
reference to resolve. A unit whose walk recorded a reference is never remembered
as clean. The memo belongs to one document's check, never to the module.
"""

from __future__ import annotations

from lxml import etree

#: after this many units without a repeated shape, a document is taken to have none (saves reading them)
_GIVE_UP_AFTER = 32

#: one element of a shape: tag, number of child nodes, text and tail (falsy: none, True: whitespace, False: other
#: text), attributes
Node = tuple[object, ...]
#: (parent element, shape) of a unit
Key = tuple[etree._Element | None, tuple[Node, ...]]


def unit_shape(unit_el: etree._Element) -> tuple[Node, ...] | None:
    """The unit's elements in document order, each as (tag, child count, text kind, tail kind, attributes),
    the unit's own id and tail left out; None when it holds a comment, processing instruction or entity."""
    text = unit_el.text
    shape: list[Node] = [(unit_el.tag, len(unit_el), text and text.isspace(), None,
                          *[item for item in unit_el.items() if item[0] != "id"])]
    for node in unit_el.iterdescendants():
        tag = node.tag
        if not isinstance(tag, str):
            return None
        text, tail = node.text, node.tail
        shape.append((tag, len(node), text and text.isspace(), tail and tail.isspace(), *node.items()))
    return tuple(shape)


class UnitShapes:
    """The shapes of the units found clean in one document, and the units skipped for repeating one."""

    def __init__(self) -> None:
        self.clean: set[Key] = set()
        #: (unit element, its file's units by id) of each unit skipped, for indexing on demand
        self.skipped: list[tuple[etree._Element, dict[str, etree._Element]]] = []
        self.tries = 0
        self.hits = 0

    def key(self, unit_el: etree._Element) -> Key | None:
        """The memo key of a unit, None when it cannot be used."""
        if self.tries >= _GIVE_UP_AFTER and not self.hits:
            return None
        self.tries += 1
        shape = unit_shape(unit_el)
        return None if shape is None else (unit_el.getparent(), shape)

    def seen_clean(self, key: Key, unit_el: etree._Element, file_units: dict[str, etree._Element]) -> bool:
        """True (and the unit remembered as skipped) when a unit of this key was found clean."""
        if key not in self.clean:
            return False
        self.hits += 1
        self.skipped.append((unit_el, file_units))
        return True
