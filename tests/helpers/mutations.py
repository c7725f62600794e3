"""Tree changes that any XLIFF version's mutation tests share: drop an attribute, drop or repeat an element.

Each takes the element to change and the test's seeded ``random.Random``, so a
test's mutation table can list them beside its version-specific ones.
"""

from __future__ import annotations

import copy
import random

from lxml import etree


def drop_attr(el: etree._Element, rng: random.Random) -> None:
    """One of ``el``'s attributes removed (none if it has none)."""
    if el.attrib:
        del el.attrib[rng.choice(sorted(el.attrib))]


def drop(el: etree._Element, rng: random.Random) -> None:
    """``el`` removed from its parent (the root stays)."""
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def duplicate(el: etree._Element, rng: random.Random) -> None:
    """A copy of ``el`` right after it (the root is not repeated)."""
    if el.getparent() is not None:
        el.addnext(copy.deepcopy(el))
