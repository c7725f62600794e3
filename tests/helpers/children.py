"""pxl10n as a real child process of its own, forked from the test zygote, and how a killed one ends."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from .project import API_KEY
from .zygote import Zygote

KILLED = {"KILL": -signal.SIGKILL, "INT": 130}


def child_env(**extra: str) -> dict[str, str]:
    base = {"PX_API_KEY": API_KEY, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    return {**os.environ, **base, **extra}


def pxl10n(zygote: Zygote, root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``pxl10n ARGS`` as a real child process of its own, forked from the zygote (a fresh one, without the imports)."""
    return subprocess.run([str(zygote.client), *args], cwd=root, env=child_env(**env), capture_output=True, text=True, timeout=120)
