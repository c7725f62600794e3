"""Rewrite a file only when it still holds what was read: never clobber a person's edit."""

from __future__ import annotations

from pathlib import Path

from pxl10n.fsutil import atomic_write, holds


def rewrite_if_unchanged(path: Path, before: bytes, after: bytes) -> bool:
    """Atomically replace ``path`` with ``after`` if it still holds ``before``; False (untouched) otherwise."""
    if not holds(path, before, normalize=False):
        return False
    atomic_write(path, after)
    return True
