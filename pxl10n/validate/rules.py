"""The rule registry and the data every rule family shares.

A rule family is a module (``xliff12``, ``xliff20``, ``qa``, ``px``) that registers
its rules at import time with :func:`register` and exposes::

    def check(doc: Document, ctx: Context) -> Iterable[Finding]

Families never print, never read config and never decide severities for good:
they emit findings with the rule's default severity, and the engine applies
``--select``/``--ignore`` and severity overrides afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from lxml import etree


class Severity(StrEnum):
    """How bad a finding is; only errors make ``validate`` exit 1."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    """A rule: stable code, default severity, one-line title, longer explanation."""

    code: str
    severity: Severity
    title: str
    explanation: str
    needs_config: bool = False


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one file; ``unit`` is the unit/trans-unit id or None."""

    path: str
    line: int | None
    col: int | None
    code: str
    severity: Severity
    message: str
    unit: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The contract's JSON shape for one finding."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "unit": self.unit,
        }


REGISTRY: dict[str, Rule] = {}


def register(code: str, severity: Severity, title: str, explanation: str, *, needs_config: bool = False) -> Rule:
    """Add a rule to the registry; codes are unique for good (tests check)."""
    if code in REGISTRY:
        raise ValueError(f"rule {code} registered twice")
    rule = Rule(code, severity, title, explanation, needs_config)
    REGISTRY[code] = rule
    return rule


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by code."""
    return [REGISTRY[code] for code in sorted(REGISTRY)]


@dataclass
class Document:
    """A file under validation: raw bytes, and its tree when it parsed."""

    path: str
    data: bytes
    tree: etree._ElementTree | None = None
    version: str | None = None

    def finding(
        self,
        rule: Rule,
        message: str,
        *,
        element: etree._Element | None = None,
        line: int | None = None,
        col: int | None = None,
        unit: str | None = None,
    ) -> Finding:
        """Build a finding for this document, taking the line from ``element`` when given."""
        if line is None and element is not None:
            line = element.sourceline
        return Finding(self.path, line, col, rule.code, rule.severity, message, unit)


@dataclass(frozen=True)
class PulledInfo:
    """What pull recorded about a file; PX rules compare the file against it."""

    kind: str
    item_id: str
    locale: str
    px_language: str
    xliff_version: str
    strategy: str | None
    unit_ids: tuple[str, ...]


@dataclass(frozen=True)
class Context:
    """What the families may know beyond the file; all optional (no config -> PX rules skipped)."""

    source_locale: str | None = None
    target_locales: tuple[str, ...] = ()
    #: locale name -> PX language code, for the configured target locales
    px_languages: Mapping[str, str] = field(default_factory=dict)
    #: absolute path -> what pull recorded for it (empty without a config/state)
    pulled: Mapping[Path, PulledInfo] = field(default_factory=dict)
    #: the relative path of each file inside the configured directory, for path checks
    directory: Path | None = None

    @property
    def configured(self) -> bool:
        """True when a pxl10n.toml was found; PX rules that need it run only then."""
        return self.source_locale is not None
