"""What validation may know beyond a file's bytes; built by the caller, never by validate.

``validate`` is a leaf library: it reads no state file and knows no directory
layout. Whoever calls it (the CLI, the push gate) says what the project is
(:class:`Context`) and, file by file, what the file is expected to be
(:class:`Expected`): what pull recorded for it, and what its place in the
directory says. Without a context the project rules (``needs_config``) stay
silent, so any XLIFF file validates on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pxl10n.assets.consistency import Variants
from pxl10n.assets.glossary import Glossary


@dataclass(frozen=True)
class Pulled:
    """What pull recorded about a file; PX rules compare the file against it."""

    kind: str
    item_id: str
    locale: str
    px_language: str
    xliff_version: str
    strategy: str | None
    unit_ids: tuple[str, ...]


@dataclass(frozen=True)
class LaidOut:
    """The item and locale a file's path names (``{locale}/{kind}/{id}.xlf``)."""

    kind: str
    item_id: str
    locale: str


@dataclass(frozen=True)
class Expected:
    """What one file should be: as pulled, and as its path says (either may be unknown)."""

    pulled: Pulled | None = None
    laid_out: LaidOut | None = None


@dataclass(frozen=True)
class Context:
    """The project as the rules see it; every field optional (no config: project rules skipped)."""

    source_locale: str | None = None
    target_locales: tuple[str, ...] = ()
    #: locale name -> PX language code, for the configured target locales
    px_languages: Mapping[str, str] = field(default_factory=dict)
    #: document name (as handed to validate) -> what that file should be
    expected: Mapping[str, Expected] = field(default_factory=dict)
    #: (locale, source markup) -> the repository's translations of it, for TM101 (only sources with several)
    translations: Variants = field(default_factory=dict)
    #: the configured glossary, for TM102
    glossary: Glossary | None = None

    @property
    def configured(self) -> bool:
        """True when the caller knows the project; rules that need it run only then."""
        return self.source_locale is not None

    def expected_for(self, name: str) -> Expected:
        """What the caller expects of the document called ``name`` (nothing known: empty)."""
        return self.expected.get(name) or _NOTHING


_NOTHING = Expected()
