"""The library surface in ``pxl10n/__init__.py``: what a script may import instead of running the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import pxl10n
from pxl10n.emulator.server import EmulatorServer

from .helpers.pulled import keys_of, translate

PUBLIC = ("pull", "push", "validate", "status", "Settings", "load_settings", "Pxl10nError")


def _fresh(code: str) -> str:
    """stdout of ``code`` in a new interpreter, where nothing of pxl10n is imported yet."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout


def test_all_names_the_surface_and_each_resolves_to_a_callable() -> None:
    assert set(pxl10n.__all__) == {*PUBLIC, "__version__"}
    for name in PUBLIC:
        assert callable(getattr(pxl10n, name)), name
    assert issubclass(pxl10n.Pxl10nError, Exception)
    assert set(PUBLIC) <= set(dir(pxl10n))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = pxl10n.nope


def test_import_pxl10n_loads_nothing_below_it_but_its_version() -> None:
    loaded = _fresh("import sys, pxl10n; print(sorted(m for m in sys.modules if m.split('.')[0] in {'pxl10n', 'lxml', 'httpx', 'git'}))")
    assert loaded.strip() == "['pxl10n', 'pxl10n.version']"


def test_validate_stays_the_function_whichever_is_imported_first() -> None:
    code = ("import pxl10n.validate.report, pxl10n; from pxl10n.validate import report; "
            "print(callable(pxl10n.validate), report.__name__)")
    assert _fresh(code).split() == ["True", "pxl10n.validate.report"]


SCRIPT = """\
import pxl10n

settings = pxl10n.load_settings()
reveal_type(pxl10n.pull(settings))
reveal_type(pxl10n.push(settings))
reveal_type(pxl10n.validate(settings=settings))
reveal_type(pxl10n.status(settings))
reveal_type(settings)
reveal_type(pxl10n.Pxl10nError("x"))
pxl10n.pull("pxl10n.toml")
pxl10n.pul(settings)
"""


def test_a_type_checker_sees_each_real_signature(tmp_path: Path) -> None:
    """mypy reads the surface through the TYPE_CHECKING imports: real types, misuse caught, no Any for a typo."""
    root = Path(pxl10n.__file__).resolve().parent.parent
    (tmp_path / "script.py").write_text(SCRIPT, encoding="utf-8")
    # MYPYPATH: mypy cannot follow setuptools' editable-install finder to the checkout (a wheel install needs nothing)
    result = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(root / "pyproject.toml"), "--cache-dir", str(root / ".mypy_cache"),
                             "script.py"], cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
                            env={**os.environ, "MYPYPATH": str(root)})
    lines = [line.split(": ", 1)[1] for line in result.stdout.splitlines() if line.startswith("script.py:")]
    revealed = [line.split('"')[1] for line in lines if "Revealed type" in line]
    assert revealed == ["pxl10n.sync.pull.PullResult", "pxl10n.sync.push.PushResult", "pxl10n.validate.engine.Report",
                        "pxl10n.sync.status.StatusReport", "pxl10n.config.Settings", "pxl10n.errors.Pxl10nError"], result.stdout
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 2 and '"pull" has incompatible type "str"' in errors[0] and 'no attribute "pul"' in errors[1], errors


def test_a_script_pulls_validates_edits_and_pushes(project: Path, emulator: EmulatorServer) -> None:
    settings = pxl10n.load_settings()  # found from the cwd, which the project fixture sets
    assert isinstance(settings, pxl10n.Settings)
    pulled = pxl10n.pull(settings)
    assert pulled.exit_code == 0 and pulled.changed
    report = pxl10n.validate(settings=settings)
    assert report.files == len(pulled.changed) and report.errors == 0
    key = keys_of(emulator, "kcbot")[0]
    translate(project, key)
    assert len(pxl10n.status(settings).changed) == 1
    pushed = pxl10n.push(settings)
    assert pushed.exit_code == 0 and len(pushed.landed) == 1
    assert [(r.kind, r.id, r.locale) for r in emulator.store.imports(201)] == [(key.kind, key.item_id, key.locale)]


def test_errors_reach_a_script_as_pxl10n_error(tmp_path: Path) -> None:
    (tmp_path / "pxl10n.toml").write_text("[project]\nlocales = [\"fr-FR\"]\n", encoding="utf-8")
    with pytest.raises(pxl10n.Pxl10nError, match="source_locale is required"):
        pxl10n.load_settings(tmp_path / "pxl10n.toml")
