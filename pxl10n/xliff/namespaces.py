"""Every XML namespace pxl10n reads, in one place, and the Clark-notation helpers.

lxml spells a qualified name ``{namespace}local``; the rule tables and the
document view build their tag constants from these values, so a namespace is
written once in the whole code base.
"""

from __future__ import annotations

from collections.abc import Mapping

XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF20 = "urn:oasis:names:tc:xliff:document:2.0"
XML = "http://www.w3.org/XML/1998/namespace"

# XLIFF 2.0 modules (chapter 5 of the specification)
MTC = "urn:oasis:names:tc:xliff:matches:2.0"
GLS = "urn:oasis:names:tc:xliff:glossary:2.0"
FS = "urn:oasis:names:tc:xliff:fs:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
RES = "urn:oasis:names:tc:xliff:resourcedata:2.0"
CTR = "urn:oasis:names:tc:xliff:changetracking:2.0"
SLR = "urn:oasis:names:tc:xliff:sizerestriction:2.0"
VAL = "urn:oasis:names:tc:xliff:validation:2.0"
# XLIFF 2.1: the ITS module
ITS = "http://www.w3.org/2005/11/its"
ITSM = "urn:oasis:names:tc:xliff:itsm:2.1"

#: XLIFF 2.0 module namespaces -> the prefix the specification uses for them.
MODULE_PREFIX: Mapping[str, str] = {
    MTC: "mtc", GLS: "gls", FS: "fs", MDA: "mda", RES: "res", CTR: "ctr", SLR: "slr", VAL: "val",
}

XML_LANG = f"{{{XML}}}lang"
XML_SPACE = f"{{{XML}}}space"


def q(ns: str, name: str) -> str:
    """Clark notation ``{ns}name``, as lxml spells tags and attribute names."""
    return f"{{{ns}}}{name}"
