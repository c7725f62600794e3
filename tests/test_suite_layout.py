"""The suite's own house rules: helpers come from ``tests/helpers``, never from conftest or another test module."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> list[str]:
    """Every module ``path`` imports, relative ones spelled from the tests package (``.x`` -> ``tests.x``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            base = "tests." * (node.level > 0) + (node.module or "")
            found += [base] if node.module else [f"tests.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


def _forbidden(module: str) -> bool:
    """A test module or conftest: what a test file must not import from."""
    parts = module.split(".")
    return parts[0] == "tests" and len(parts) > 1 and (parts[1] == "conftest" or parts[1].startswith("test_"))


def offenders(root: Path) -> dict[str, list[str]]:
    """Python files under ``root`` (conftest included) -> the test modules or conftest they import."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        bad = [module for module in _imported_modules(path) if _forbidden(module)]
        if bad:
            out[str(path.relative_to(root))] = bad
    return out


def test_no_test_module_imports_another_or_conftest() -> None:
    assert offenders(TESTS) == {}


def test_the_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "test_a.py").write_text("from .test_b import helper\nfrom . import conftest\nfrom .helpers.cli import run\n")
    (tmp_path / "test_c.py").write_text("from tests.conftest import API_KEY\nimport tests.test_a\n")
    assert offenders(tmp_path) == {"test_a.py": ["tests.test_b", "tests.conftest"], "test_c.py": ["tests.conftest", "tests.test_a"]}
