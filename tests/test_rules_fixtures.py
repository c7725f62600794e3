"""The one fixture meta-test: every rule of the registry against ``fixtures/<family>/{invalid,valid}``.

* ``invalid/<CODE>_*.xlf`` raises exactly ``CODE`` among its family's rules;
* ``valid/*.xlf`` raises nothing of its family (``valid/<CODE>_ok_*.xlf`` is the
  near miss of ``CODE``: almost the broken document, but correct);
* every rule has an invalid fixture and a near miss, except the few listed
  below with the reason.

A fixture runs without a project unless a sidecar ``<same name>.json`` exists:
then the project below is configured, and the sidecar may add what pull
recorded (``pulled``), what the path says (``laid_out``) and PX codes
(``px_languages``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pxl10n.validate import registry
from pxl10n.validate.engine import RuleSelection, check_document
from pxl10n.validate.ruledoc import fixture_context
from pxl10n.validate.rules import Document, Family, Rule

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

#: Rules no file can raise, and why.
NO_FIXTURE = {
    "XLF000": "a family crashing is a bug; tests/test_validate_engine.py provokes it",
    "XLF004": "an unreadable file (a directory, over the size cap) is no fixture; the engine tests build one",
}
#: Rules without a meaningful near miss, and why.
NO_NEAR_MISS = {
    **NO_FIXTURE,
    "XLF117": "the near miss of version=\"2.0\" in the 1.2 namespace is every valid 1.2 fixture",
}


def run(path: Path, family: Family) -> list[tuple[int | None, str, str]]:
    doc = Document(str(path), path.read_bytes())
    found = check_document(doc, fixture_context(path), RuleSelection((family.prefix,)))
    return [(f.line, f.code, f.message) for f in found]


def fixtures(kind: str) -> list[tuple[Family, Path]]:
    return [(family, path) for family in registry.FAMILIES
            for path in sorted((FIXTURES / family.name / kind).glob("*.xlf"))]


def code_of(path: Path) -> str:
    return path.name.split("_", 1)[0]


@pytest.mark.parametrize(("family", "path"), fixtures("invalid"), ids=lambda v: getattr(v, "name", ""))
def test_invalid_fixture_raises_exactly_its_code(family: Family, path: Path) -> None:
    found = run(path, family)
    assert found, f"{path.name}: nothing raised"
    assert {code for _, code, _ in found} == {code_of(path)}, found
    assert all(line is None or line >= 1 for line, _, _ in found)
    assert all("\n" not in message for _, _, message in found)


@pytest.mark.parametrize(("family", "path"), fixtures("valid"), ids=lambda v: getattr(v, "name", ""))
def test_valid_fixture_raises_nothing_of_its_family(family: Family, path: Path) -> None:
    assert run(path, family) == []


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.code)
def test_every_rule_has_a_breaking_fixture_and_a_near_miss(rule: Rule) -> None:
    family = registry.family_of(rule.code)
    folder = FIXTURES / family.name
    if rule.code not in NO_FIXTURE:
        assert list((folder / "invalid").glob(f"{rule.code}_*.xlf")), f"no fixtures/{family.name}/invalid/{rule.code}_*.xlf"
    if rule.code not in NO_NEAR_MISS:
        assert list((folder / "valid").glob(f"{rule.code}_*.xlf")), f"no fixtures/{family.name}/valid/{rule.code}_ok_*.xlf"


def test_fixture_names_name_rules_of_their_family() -> None:
    folders = {path.name for path in FIXTURES.iterdir() if path.is_dir()}
    assert folders == {family.name for family in registry.FAMILIES}
    for family, path in fixtures("invalid") + fixtures("valid"):
        code = code_of(path)
        if path.parent.name == "invalid" or code[:2].isupper() and code[-3:].isdigit():
            assert code in {rule.code for rule in family.rules}, path


@pytest.mark.parametrize("family", registry.FAMILIES, ids=lambda f: f.name)
def test_every_rule_constant_of_a_family_is_in_its_record(family: Family) -> None:
    import importlib

    module_names = {"xliff20": ("xliff20", "xliff20_rules")}.get(family.name, (family.name,))
    constants = {
        value.code
        for name in module_names
        for value in vars(importlib.import_module(f"pxl10n.validate.{name}")).values()
        if isinstance(value, Rule)
    }
    assert constants == {rule.code for rule in family.rules}
