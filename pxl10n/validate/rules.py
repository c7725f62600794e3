"""The rule model: what a rule is, what a finding is, what a family is.

Every check in ``validate`` is one :class:`Rule`, a module-level constant of its
family's module, with a stable code, a default severity, a one-line title, an
explanation (why it matters) and, where there is one, the specification clause
it enforces. A check never names a rule by string: it hands the constant to
:meth:`Document.finding`. Each family module exports one :class:`Family`
record; :mod:`pxl10n.validate.registry` builds the registry from those records.

Severity policy: an **error** means "this will break or lose something" (PX
refuses the file, a tool drops content, a placeholder is lost at runtime);
everything else is a **warning**.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pxl10n.xliff.io import source_line
from pxl10n.xliff.view import DocumentView, build_view

if TYPE_CHECKING:
    from lxml import etree

    from pxl10n.validate.context import Context


class Severity(StrEnum):
    """How bad a finding is; only errors make ``validate`` exit 1."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    """One rule: stable code, default severity, title, explanation, the clause it enforces."""

    code: str
    severity: Severity
    title: str
    explanation: str
    #: the specification clause, e.g. "XLIFF 2.0 core 4.3.1 id" (None for QA and PX rules)
    clause: str | None = None
    #: True when the rule compares against the project (pxl10n.toml, what pull recorded)
    needs_config: bool = False


def error(code: str, title: str, explanation: str, clause: str | None = None, *, needs_config: bool = False) -> Rule:
    """A rule whose findings are errors: ignoring it breaks or loses something."""
    return Rule(code, Severity.ERROR, title, explanation, clause, needs_config)


def warning(code: str, title: str, explanation: str, clause: str | None = None, *, needs_config: bool = False) -> Rule:
    """A rule whose findings are warnings: worth a look, nothing is lost."""
    return Rule(code, Severity.WARNING, title, explanation, clause, needs_config)


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


@dataclass
class Document:
    """A file under validation: its name, its bytes, and once parsed its tree, version and view.

    A caller that has parsed ``data`` already (with :func:`pxl10n.xliff.io.parse`) hands the
    tree over, and validation reads it instead of parsing the bytes a second time.
    """

    path: str
    data: bytes
    tree: etree._ElementTree | None = None
    version: str | None = None
    _view: DocumentView | None = field(default=None, repr=False, compare=False)

    @property
    def view(self) -> DocumentView:
        """Files, languages, units and text of the parsed document, built on first use, then shared."""
        if self._view is None:
            assert self.tree is not None and self.version is not None, "the document is not parsed"
            self._view = build_view(self.tree, self.version)
        return self._view

    def release(self) -> None:
        """Drop the tree and view (the bytes stay): the document is done with."""
        self.tree = None
        self._view = None

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
        """A finding of ``rule`` in this document, taking the line from ``element`` when given."""
        if line is None and element is not None:
            line = source_line(element)
        return Finding(self.path, line, col, rule.code, rule.severity, message, unit)


Check = Callable[[Document, "Context"], Iterable[Finding]]


@dataclass(frozen=True)
class Family:
    """A rule family: its code prefix, its rules, the check that emits them, the versions it reads."""

    name: str
    prefix: str
    title: str
    rules: tuple[Rule, ...]
    #: None for the parsing family, whose rules the engine emits itself
    check: Check | None = None
    #: XLIFF versions the check applies to (None: every parsed document)
    versions: frozenset[str] | None = None
