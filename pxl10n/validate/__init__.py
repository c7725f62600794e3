"""Validation of XLIFF files: the engine, the rule families and the reports.

Library use (push gates files with it)::

    from pxl10n.validate import validate_paths
    report = validate_paths([path, ...], settings=settings)
    blocked = report.files_with_errors()

Names are imported lazily so the rule families can import
``pxl10n.validate.rules`` without pulling in the engine.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Report", "Selection", "build_selection", "check_document", "validate_paths"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from pxl10n.validate import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'pxl10n.validate' has no attribute {name!r}")
