"""Random table-driven changes to an XLIFF 2.0 tree, for the tests that hold a shortcut to the full walk.

Names and values come from the schema tables (plus a few they do not know), so a
new element or attribute is mutated without editing this file.
"""

from __future__ import annotations

import copy
import random

from lxml import etree

from pxl10n.validate.xliff20_schema import SPECS

XLF = "urn:oasis:names:tc:xliff:document:2.0"
OTHER = "urn:example:other"
#: names the mutations use: every element and attribute of the tables, and some they do not know
TAGS = sorted(SPECS) + [f"{{{OTHER}}}ext", "unit", f"{{{XLF}}}bogus"]
ATTRIBUTES = sorted({name for spec in SPECS.values() for name in spec.types}) + ["bogus", f"{{{OTHER}}}a"]
VALUES = ("1", "2", "n1", "d1", "d2", "s1", "m1", "u0", "u1", "yes", "no", "firstNo", "fmt", "ui", "xlf:b", "xlf:lb",
          "my:x", "initial", "translated", "final", "bogus", "", "a b", "de", "en", "fr", "english", "preserve",
          "default", "ltr", "#/f=f1/u=u1", "#n=n1", "#/f=f1/u=u0/1", "3", "0", "-1", "50", "ff", "comment", "generic")
TEXTS = ("", " ", "\n  ", "word", "\u00a0", " x ")


def mutate(el: etree._Element, rng: random.Random) -> None:
    """One random change at ``el``."""
    parent = el.getparent()
    op = rng.randrange(10)
    if not isinstance(el.tag, str):  # a comment or processing instruction put in before
        el.tail = rng.choice(TEXTS)
        return
    if op == 0 and el.attrib:
        del el.attrib[rng.choice(list(el.attrib))]
    elif op <= 2:
        el.set(rng.choice(ATTRIBUTES), rng.choice(VALUES))
    elif op == 3 and parent is not None:
        parent.remove(el)
    elif op == 4 and parent is not None:
        el.addnext(copy.deepcopy(el))
    elif op == 5 and parent is not None and el.getnext() is not None:
        following = el.getnext()
        assert following is not None
        following.addnext(el)
    elif op == 6:
        el.tag = rng.choice(TAGS)
    elif op == 7:
        if rng.random() < 0.5:
            el.text = rng.choice(TEXTS)
        else:
            el.tail = rng.choice(TEXTS)
    elif op == 8:
        child = etree.SubElement(el, rng.choice(TAGS))
        if rng.random() < 0.5:
            child.set(rng.choice(ATTRIBUTES), rng.choice(VALUES))
        el.insert(rng.randrange(len(el)), child)
    else:
        el.insert(rng.randrange(len(el) + 1), etree.Comment("c") if rng.random() < 0.7 else etree.PI("p", "q"))
