"""The GitHub Actions files as the tests read them: where they are, loading, the pxl10n action, step outputs."""

from __future__ import annotations

import copy
import re
import venv
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
ACTION_DIR = ROOT / ".github" / "actions" / "pxl10n"
ACTION = ACTION_DIR / "action.yml"
EXAMPLES = ROOT / "examples" / "workflows"
REMOTE_ACTION = re.compile(r"^[\w.-]+/[\w.-]+/\.github/actions/pxl10n@[\w./-]+$")
LOCAL_ACTION = "./.github/actions/pxl10n"


#: parsed YAML by file text: the runner reads the action once a use and a workflow once a job
#: (PyYAML's pure-Python parser: 8 ms for action.yml)
_PARSED: dict[str, Any] = {}


def load_yaml(path: Path) -> Any:
    """The file as ``yaml.safe_load`` reads it now: read every time, parsed once per distinct text, a fresh copy each call."""
    text = path.read_text(encoding="utf-8")
    if text not in _PARSED:
        _PARSED[text] = yaml.safe_load(text)
    return copy.deepcopy(_PARSED[text])


def is_pxl10n_action(uses: str | None) -> bool:
    """``uses:`` names this repository's action, locally or by a remote reference."""
    return bool(uses) and (uses == LOCAL_ACTION or bool(REMOTE_ACTION.match(uses or "")))


def parse_outputs(path: Path) -> dict[str, str]:
    """A GITHUB_OUTPUT file (``k=v`` and ``k<<DELIM`` forms), as the runner reads it."""
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            body = []
            while lines[i] != delim:
                body.append(lines[i])
                i += 1
            i += 1
            out[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
    return out



def runner_python(where: Path) -> Path:
    """A Python as ``actions/setup-python`` leaves one: this interpreter's version with nothing installed.

    A virtualenv without pip of this interpreter's base. The test virtualenv's own
    interpreter would do as well but starts 13 ms slower (its site-packages' ``.pth``
    files: the editable install's finder, setuptools' hack), and the action runs it twice a use.
    """
    venv.EnvBuilder(with_pip=False, symlinks=True).create(where)
    return where / "bin" / "python"
