"""Names that say one thing: a newcomer who greps a name finds the one thing it stands for."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pxl10n"


def _defined(name: str) -> list[str]:
    """Modules of pxl10n that define a class or function called ``name`` at their top level."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name for node in tree.body):
            found.append(str(path.relative_to(PACKAGE)))
    return found


def test_one_selection_the_filter_of_kinds_ids_and_locales() -> None:
    """validate's choice of rules is a RuleSelection, so ``Selection`` means one thing."""
    assert _defined("Selection") == ["sync/selection.py"]
    assert _defined("RuleSelection") == ["validate/engine.py"]


def test_xliff_io_reads_info_rather_than_describing() -> None:
    """``describe`` elsewhere names an element for a message; what xliff.io does is read an XliffInfo."""
    from pxl10n.xliff import io

    assert "describe" not in vars(io) and "describe" not in io.__all__
    assert io.read_info.__annotations__["return"] == "XliffInfo"
