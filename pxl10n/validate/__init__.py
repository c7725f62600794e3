"""Validation of XLIFF files: a leaf library of rule families, an engine and reports.

Library use (the caller knows the project; validate imports nothing of sync)::

    from pxl10n.validate import Context, build_selection, validate_files
    report = validate_files(paths, Context(), build_selection(None))
    blocked = report.files_with_errors()

How the package is laid out, and how to add a rule: ``docs/rules.md``. In short,
:mod:`~pxl10n.validate.rules` defines ``Rule``, ``Finding``, ``Document`` and
``Family``; each family module (``parsing``, ``xliff12``, ``xliff20``, ``qa``,
``px``) holds its rules as constants and exports one ``FAMILY``;
:mod:`~pxl10n.validate.registry` builds the registry from the families; the
primitives they share are :mod:`~pxl10n.validate.langtags`,
:mod:`~pxl10n.validate.html`, :mod:`~pxl10n.validate.content_model` and the
document view :mod:`pxl10n.xliff.view`.

Names are imported lazily so ``pxl10n --help`` does not load lxml.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Context", "Report", "RuleSelection", "build_selection", "check_document", "validate_documents", "validate_files"]


def __getattr__(name: str) -> Any:
    if name == "Context":
        from pxl10n.validate.context import Context

        return Context
    if name in __all__:
        from pxl10n.validate import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'pxl10n.validate' has no attribute {name!r}")
