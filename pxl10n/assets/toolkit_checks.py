"""translate-toolkit's pofilter checks on one source/target pair, for users who know them.

Off by default (the QA family covers the same ground for PX's formats); when
selected, each failing pofilter test is reported under its own name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=32)
def _checker(language: str) -> Any:
    from translate.filters.checks import CheckerConfig, StandardChecker

    return StandardChecker(checkerconfig=CheckerConfig(targetlanguage=language), errorhandler=lambda *args: True)


def check_names() -> tuple[str, ...]:
    """The names of the standard pofilter tests, sorted."""
    return tuple(sorted(_checker("en").defaultfilters))


def pofilter_failures(source: str, target: str, locale: str) -> dict[str, str]:
    """pofilter test name -> message for every standard test the pair fails."""
    from translate.storage.base import TranslationUnit

    unit = TranslationUnit(source)
    unit.target = target
    failures = _checker(locale.replace("-", "_").split("_")[0]).run_filters(unit)
    return {name: str(message) for name, message in sorted(failures.items())}
