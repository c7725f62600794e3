"""A sick machine on demand: one os call failing at the nth matching file, and root made ordinary.

Pull's and push's environment tests share these: faults are injected through the one
os call a write goes through (``os.fsync``, ``os.write``, ``os.open``, ``os.replace``,
``os.unlink``), named by the file it acts on (a descriptor is named through /proc).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _name(target: object) -> str:
    if isinstance(target, int):
        try:
            return os.readlink(f"/proc/self/fd/{target}")
        except OSError:
            return ""
    return os.fspath(target) if isinstance(target, (str, Path)) else ""


@contextmanager
def failing(monkeypatch: pytest.MonkeyPatch, call: str, code: int, matches: Callable[[str], bool], nth: int = 1,
            on_fault: Callable[[], None] | None = None) -> Iterator[list[str]]:
    """``os.<call>`` fails with ``code`` the ``nth`` time its file matches; yields the paths it failed on.

    ``on_fault`` runs at the moment of the fault (to note what PX had received by then).
    """
    real = getattr(os, call)
    seen: list[str] = []
    failed: list[str] = []

    def fake(target: object, *args: object, **kwargs: object) -> object:
        name = _name(target)
        if matches(name):
            seen.append(name)
            if len(seen) == nth:
                failed.append(name)
                if on_fault is not None:
                    on_fault()
                raise OSError(code, os.strerror(code))
        return real(target, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(os, call, fake)
        yield failed


def as_ordinary_user(scratch: Path) -> list[str]:
    """A command prefix under which file modes bind: nothing for a normal user, root without its override capabilities."""
    if not IS_ROOT:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv is missing: modes would not bind")
    prefix = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    closed = scratch / "mode-000"
    closed.write_text("x")
    closed.chmod(0o000)
    probe = subprocess.run([*prefix, sys.executable, "-c", f"open({str(closed)!r})"], capture_output=True)
    if probe.returncode == 0:
        pytest.skip("setpriv could not drop the capability to ignore modes")
    return prefix


def can_unshare() -> bool:
    """True when this process may mount a tmpfs in a private mount namespace (root with unshare)."""
    if not IS_ROOT or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True).returncode == 0


@contextmanager
def git_objects_unwritable(root: Path) -> Iterator[None]:
    """No new git object can be written: immutable (root ignores modes) or read-only directories."""
    objects = root / ".git" / "objects"
    dirs = [objects, *[p for p in objects.rglob("*") if p.is_dir()]]
    if IS_ROOT:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", *map(str, dirs)], capture_output=True).returncode:
            pytest.skip("chattr +i is not available here")
    else:
        for path in dirs:
            path.chmod(0o555)
    try:
        yield
    finally:
        if IS_ROOT:
            subprocess.run(["chattr", "-i", *map(str, dirs)], check=True)
        else:
            for path in dirs:
                path.chmod(0o755)
