"""The code's own checks, run the way CI runs them: mypy (strict, for the library) and ruff.

They are tests so that ``.ci/run`` (the suite, on a clean machine) fails when types or lint
break, with the same pinned tools the test extra installs (constraints.txt).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_ERROR = re.compile(r"^(?P<path>[^:\s]+\.pyi?):\d+: error: ", re.MULTILINE)


def _tool(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False)


def errors_per_file(output: str) -> Counter[str]:
    """mypy's error lines counted by the file they are in."""
    return Counter(match["path"] for match in _ERROR.finditer(output))


def _summary(counts: Counter[str], output: str) -> str:
    per_file = "\n".join(f"  {count:4d}  {path}" for path, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    first = "\n".join(output.splitlines()[:20])
    return f"mypy: {sum(counts.values())} errors in {len(counts)} files (fix them; `python -m mypy` shows all):\n{per_file}\nfirst lines:\n{first}"


def test_mypy_strict_is_clean() -> None:
    result = _tool("mypy")  # files and strictness come from [tool.mypy] in pyproject.toml
    counts = errors_per_file(result.stdout)
    assert result.returncode == 0 and not counts, _summary(counts, result.stdout + result.stderr)


def test_mypy_is_strict_and_can_fail(tmp_path: Path) -> None:
    """The project's mypy settings reject an untyped function and a wrong type, so a clean run means something."""
    module = tmp_path / "sample.py"
    module.write_text("def untyped(x):\n    return x\n\n\ncount: int = 'three'\n", encoding="utf-8")
    result = _tool("mypy", "--config-file", str(ROOT / "pyproject.toml"), "--no-incremental", module.name, cwd=tmp_path)
    assert result.returncode == 1
    assert "[no-untyped-def]" in result.stdout and "[assignment]" in result.stdout
    assert errors_per_file(result.stdout) == {"sample.py": 2}


def test_errors_are_counted_per_file() -> None:
    output = "a/b.py:3: error: x  [misc]\na/b.py:9: note: y\nc.py:1: error: z  [misc]\na/b.py:4: error: w  [misc]\nFound 3 errors\n"
    assert errors_per_file(output) == {"a/b.py": 2, "c.py": 1}
    assert _summary(errors_per_file(output), output).startswith("mypy: 3 errors in 2 files")


def test_ruff_is_clean() -> None:
    result = _tool("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_refuses_a_function_above_complexity_15(tmp_path: Path) -> None:
    """C90 with a limit of 15 (pyproject.toml): sixteen branches are one too many."""
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(15))
    (tmp_path / "tangled.py").write_text(f"def tangled(x: int) -> int:\n{branches}    return -1\n", encoding="utf-8")
    result = _tool("ruff", "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), "--select", "C90", "tangled.py", cwd=tmp_path)
    assert result.returncode == 1 and "C901" in result.stdout and "(16 > 15)" in result.stdout
