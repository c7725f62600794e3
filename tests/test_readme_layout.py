"""The README's "Layout of the code" is the output of ``scripts/layout.py``, kept current with the tree."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "layout.py"
REGENERATE = "python scripts/layout.py --write"


@pytest.fixture(scope="module")
def layout() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layout_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_layout_matches_the_tree() -> None:
    printed = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True, timeout=60).stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert printed in readme, f"README.md's layout section is stale (a module was added, moved or re-documented): run `{REGENERATE}`"


def test_every_module_says_what_it_is_for(layout: ModuleType) -> None:
    rows = layout.entries()
    undocumented = [path for path, text in rows if text == layout.MISSING]
    assert not undocumented, f"give these a module docstring (its first paragraph is the README line), then run `{REGENERATE}`: {undocumented}"
    paths = [path for path, _ in rows]
    assert {"pxl10n/", "pxl10n/cli.py", "pxl10n/validate/", "pxl10n/validate/engine.py", "tests/helpers/xliff.py", "benchmarks/startup.py"} <= set(paths)
    assert not any("__init__" in path or "fixtures" in path or "__pycache__" in path for path in paths)


def test_the_section_follows_a_new_module_and_write_replaces_it(layout: ModuleType, tmp_path: Path) -> None:
    package = tmp_path / "pxl10n"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""The package.\n\nMore words."""\n', encoding="utf-8")
    (package / "alpha.py").write_text('"""Alpha does one job\nacross two lines.\n\nDetails."""\n', encoding="utf-8")
    (package / "bare.py").write_text("x = 1\n", encoding="utf-8")
    (package / "sub" / "__init__.py").write_text('"""A :class:`~pxl10n.sub.Thing` and ``code``."""\n', encoding="utf-8")
    rows = layout.entries(tmp_path)
    assert rows == [
        ("pxl10n/", "The package."),
        ("pxl10n/alpha.py", "Alpha does one job across two lines."),
        ("pxl10n/bare.py", layout.MISSING),
        ("pxl10n/sub/", "A `Thing` and `code`."),
    ]
    section = layout.render(rows)
    assert section.splitlines()[2] == "pxl10n/          The package."
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{layout.BEGIN}\nold lines\n{layout.END}\n\nprose after\n", encoding="utf-8")
    assert layout.write(readme, section) and layout.write(readme, section)  # twice: the markers survive
    assert readme.read_text(encoding="utf-8") == f"# x\n\n{section}\nprose after\n"
    readme.write_text("# no markers\n", encoding="utf-8")
    assert not layout.write(readme, section) and readme.read_text(encoding="utf-8") == "# no markers\n"
