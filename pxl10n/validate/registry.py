"""The registry: every rule family in one tuple, and every rule by code, built from it.

Adding a family is one line in :data:`FAMILIES`; adding a rule is a constant in
its family's module plus its entry in that family's ``RULES`` (see
``docs/rules.md``, "How to add a rule"). Nothing registers itself at import
time: this module reads the families' records, and refuses duplicate codes and
codes outside their family's prefix.
"""

from __future__ import annotations

from collections.abc import Mapping

from pxl10n.validate import parsing, px, qa, xliff12, xliff20
from pxl10n.validate.rules import Family, Rule

#: In the order they run on a document (parsing first: the others need its tree).
FAMILIES: tuple[Family, ...] = (parsing.FAMILY, xliff12.FAMILY, xliff20.FAMILY, qa.FAMILY, px.FAMILY)

#: Top-level code prefixes ``--select``/``--ignore`` accept besides the codes themselves.
PREFIXES = ("XLF", "QA", "PX")


def _build(families: tuple[Family, ...]) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for family in families:
        for rule in family.rules:
            if rule.code in rules:
                raise ValueError(f"rule {rule.code} is defined twice")
            if not rule.code.startswith(family.prefix):
                raise ValueError(f"rule {rule.code} is outside its family's prefix {family.prefix}")
            rules[rule.code] = rule
    return dict(sorted(rules.items()))


#: Every rule, by code, in code order.
RULES: Mapping[str, Rule] = _build(FAMILIES)


def all_rules() -> list[Rule]:
    """Every rule, sorted by code."""
    return list(RULES.values())


def family_of(code: str) -> Family:
    """The family that owns ``code`` (KeyError for an unknown code)."""
    for family in FAMILIES:
        if any(rule.code == code for rule in family.rules):
            return family
    raise KeyError(code)
