"""pxl10n: a git workflow for Gainsight PX localization (pull, validate, push XLIFF).

The library surface, for scripts that drive pxl10n without the CLI::

    import pxl10n

    settings = pxl10n.load_settings()          # pxl10n.toml, found from the cwd
    report = pxl10n.validate(settings=settings)
    if not report.errors:
        pxl10n.push(settings)

These are the functions the CLI itself calls. They are imported on first use
(PEP 562), so ``import pxl10n`` and ``pxl10n --help`` stay fast and this module
imports nothing from the packages below it at load time.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

from pxl10n.version import __version__

#: public name -> (module, attribute) it stands for
_EXPORTS: dict[str, tuple[str, str]] = {
    "pull": ("pxl10n.sync.pull", "pull"),
    "push": ("pxl10n.sync.push", "push"),
    "validate": ("pxl10n.sync.validation", "validate_paths"),
    "status": ("pxl10n.sync.status", "collect"),
    "Settings": ("pxl10n.config", "Settings"),
    "load_settings": ("pxl10n.config", "load"),
    "Pxl10nError": ("pxl10n.errors", "Pxl10nError"),
}

_resolved: dict[str, Any] = {}

__all__ = ["Pxl10nError", "Settings", "__version__", "load_settings", "pull", "push", "status", "validate"]

if TYPE_CHECKING:
    from pxl10n.config import Settings
    from pxl10n.config import load as load_settings
    from pxl10n.errors import Pxl10nError
    from pxl10n.sync.pull import pull
    from pxl10n.sync.push import push
    from pxl10n.sync.status import collect as status
    from pxl10n.sync.validation import validate_paths as validate


def _resolve(name: str) -> Any:
    """The object a public name stands for, imported on first use and then cached."""
    if name not in _resolved:
        module, attribute = _EXPORTS[name]
        _resolved[name] = getattr(import_module(module), attribute)
    return _resolved[name]


def _getattr(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'pxl10n' has no attribute {name!r}")
    return _resolve(name)


if not TYPE_CHECKING:
    # Hidden from type checkers: with a module __getattr__, mypy would type every misspelt
    # name (``pxl10n.pul``) as Any; without it, they see the imports above and nothing else.
    __getattr__ = _getattr


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


class _Package(types.ModuleType):
    """The type of this module, so ``pxl10n.validate`` stays the function.

    The subpackage ``pxl10n.validate`` shares the name, and the import system
    binds every subpackage on its parent when it first loads (which would make
    ``pxl10n.validate`` a module, not callable). A property on the module's type
    wins over that binding; the subpackage stays reachable through normal
    imports (``from pxl10n.validate import report``).
    """

    @property
    def validate(self) -> Any:
        return _resolve("validate")

    @validate.setter
    def validate(self, value: Any) -> None:
        if not (isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.validate"):
            _resolved["validate"] = value


sys.modules[__name__].__class__ = _Package
