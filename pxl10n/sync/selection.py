"""What the command line narrowed a pull, push or status to: kinds, item ids, locales.

Empty means everything the config names. ``--kind``, ``--id`` and ``--locale``
fill it directly; :mod:`pxl10n.sync.by_path` builds one from file paths.
"""

from __future__ import annotations

from dataclasses import dataclass

from pxl10n.config import Settings
from pxl10n.errors import ConfigError
from pxl10n.fsutil import shown
from pxl10n.layout import misspelled_locales


@dataclass(frozen=True)
class Selection:
    """What the command line narrowed the work to (empty = everything configured)."""

    kinds: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()

    def resolve(self, settings: Settings) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The kinds and locales to work on; ConfigError for a locale not configured. A locale is a language tag,
        whose letter case carries no meaning (``--locale fr-fr``): each is named as the config spells it."""
        configured = {locale.casefold(): locale for locale in settings.locales}  # one spelling each (config.py)
        locales = []
        for locale in self.locales:
            if locale.casefold() not in configured:
                raise ConfigError(f"--locale {locale} is not one of project.locales in {settings.path} ({', '.join(settings.locales)})")
            locales.append(configured[locale.casefold()])
        kinds = tuple(k for k in settings.kinds if not self.kinds or k in self.kinds) or self.kinds
        require_locale_directories(settings)
        return kinds, (tuple(dict.fromkeys(locales)) or settings.locales)


def require_locale_directories(settings: Settings) -> None:
    """Stop (ConfigError) when a directory spells a configured locale in another case (:func:`misspelled_locales`)."""
    for locale, name in misspelled_locales(settings.directory, settings.locales):
        raise ConfigError(f"{shown(settings.directory / name)} holds the files of locale {locale} spelled {name!r}, but "
                          f"project.locales in {settings.path} says {locale!r}: they would be neither pulled nor pushed; "
                          f"nothing was read or written",
                          hint="write the locale as the directory does, or rename the directory: git mv, through a "
                               "temporary name on macOS and Windows")
