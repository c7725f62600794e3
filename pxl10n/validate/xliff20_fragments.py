"""XLIFF 2.0 fragment identifiers (chapter 3): their syntax, and what a same-document one points to.

References (``ref="#..."`` on markers, matches, glossary entries) are collected
during the walk and resolved once the whole document is indexed, since they may
point forward. The common case, a selector relative to the enclosing unit, is a
dictionary lookup; anything else walks the document's file, group and unit
indexes the way the specification describes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lxml import etree

from pxl10n.validate import xliff20_rules as R
from pxl10n.validate.rules import Rule
from pxl10n.validate.xliff20_schema import GLS, MODULE_PREFIX, MTC, NMTOKEN_RE, element_label, pretty, q, x

_FILE, _GROUP, _UNIT, _NOTES, _NOTE = x("file"), x("group"), x("unit"), x("notes"), x("note")
_MARKERS = (x("mrk"), x("sm"))
_RANK = {"f": 0, "g": 1, "u": 2}
_MODULE_NS = {prefix: ns for ns, prefix in MODULE_PREFIX.items()}
#: Module elements whose ref must point to a span of text within the same unit.
_UNIT_SCOPED_REFS = frozenset({q(MTC, "match"), q(GLS, "glossEntry"), q(GLS, "translation")})
#: which of a unit's id scopes (source side, target side, data) a selector prefix names
_UNIT_SCOPE = {None: 0, "t": 1, "d": 2}

#: 2.1 3.1 core selector prefixes, and the module prefixes registered with the TC (5.x.3; fs reserved):
#: 3.2 "The prefix of a module or an extension MUST be an NMTOKEN longer than 1 character and MUST be
#: defined in the module or extension specification ... MUST be registered with the XLIFF TC." (tbx: the
#: registered TBX extension, as in the TC suite's withTBXExtension.xlf)
REGISTERED_PREFIXES = frozenset({"f", "g", "u", "n", "d", "t", "mtc", "gls", "mda", "res", "ctr", "slr", "val", "its", "fs", "tbx"})

Selector = tuple[str | None, str]
#: A unit's id scopes: source side, target side, data by id
UnitScopes = tuple[dict[str, etree._Element], dict[str, etree._Element], dict[str, etree._Element]]


class Emit(Protocol):
    """Where the XLIFF 2.0 checks send a finding: its rule, the element it is about, the message, the unit id."""

    def __call__(self, rule: Rule, el: etree._Element, message: str, unit: str | None = None, /) -> None: ...


def _selectors(body: str) -> list[Selector] | str:
    """The prefix=id pieces of a fragment, or why one is malformed or unregistered."""
    selectors: list[Selector] = []
    for piece in body.split("/"):
        prefix, sep, ident = piece.partition("=")
        if not sep:
            prefix, ident = "", piece
        if (sep and not NMTOKEN_RE.match(prefix)) or not NMTOKEN_RE.match(ident):
            return f"has a malformed selector '{piece}'"
        selectors.append((prefix or None, ident))
    for used, _ in selectors:
        if used is not None and used not in REGISTERED_PREFIXES:
            if len(used) == 1:
                return f"uses the one-character prefix '{used}=', which is no core selector (module prefixes are longer)"
            return f"uses the prefix '{used}=', which no module registered with the XLIFF TC defines"
    return selectors


def _order_problem(selectors: list[Selector]) -> str | None:
    """Selectors must not repeat and go from wide (f, g, u) to narrow, the unit-level one last."""
    seen: set[str | None] = set()
    last = -1
    for index, (prefix, ident) in enumerate(selectors):
        if prefix in seen:
            return f"repeats the selector prefix '{prefix or '(none)'}'"
        seen.add(prefix)
        rank = _RANK.get(prefix or "", 3)
        if rank < last:
            return f"has '{prefix}=' after a narrower selector"
        if rank == 3 and index != len(selectors) - 1:
            return f"has a selector after '{prefix + '=' if prefix else ''}{ident}', which must be last"
        last = rank
    return None


def parse_fragment(value: str) -> tuple[Selector, ...] | str:
    """Selectors of a same-document fragment identifier, or why it is malformed (XLIFF 2.0 chapter 3)."""
    body = value[1:]
    absolute = body.startswith("/")
    if absolute:
        body = body[1:]
    if not body:
        return "has no selector"
    selectors = _selectors(body)
    if isinstance(selectors, str):
        return selectors
    problem = _order_problem(selectors)
    if problem is not None:
        return problem
    if absolute and selectors[0][0] != "f":
        return "starts with '/' but not with an f= selector"
    return tuple(selectors)


def _container_unit(el: etree._Element) -> etree._Element | None:
    """The <unit> enclosing ``el`` (a note's unit is the one whose <notes> holds it), or None."""
    return next(el.iterancestors(_UNIT), None)


def _note(containers: list[etree._Element], ident: str) -> etree._Element | None:
    for container in containers:
        for notes in container.iterfind(_NOTES):
            for note in notes:
                if note.get("id") == ident:
                    return note
    return None


class FragmentIndex:
    """What same-document references resolve against, filled during the walk, and the references themselves."""

    def __init__(self) -> None:
        self.files: dict[str, etree._Element] = {}
        #: file element -> (groups by id, units by id)
        self.file_index: dict[etree._Element, tuple[dict[str, etree._Element], dict[str, etree._Element]]] = {}
        self.unit_index: dict[etree._Element, UnitScopes] = {}
        #: unit element -> ids of the notes in its <notes>
        self.unit_notes: dict[etree._Element, set[str]] = {}
        #: (element, reference, unit id, enclosing unit element)
        self.pending: list[tuple[etree._Element, str, str | None, etree._Element | None]] = []

    def add(self, el: etree._Element, value: str, uid: str | None, unit_el: etree._Element | None) -> None:
        """Remember a same-document reference (``#...``) to resolve once every unit is indexed."""
        if value.startswith("#"):
            self.pending.append((el, value, uid, unit_el))

    def resolve(self, emit: Emit) -> None:
        """Check the syntax and the target of every remembered fragment identifier."""
        for el, value, uid, unit_el in self.pending:
            selectors = parse_fragment(value)
            if isinstance(selectors, str):
                emit(R.XLF246, el, f'{element_label(el)} ref="{value}" {selectors}', uid)
            elif not self._in_own_unit(el, selectors, unit_el):
                self._check_target(el, value, self._resolve(el, selectors), uid, emit)

    def _in_own_unit(self, el: etree._Element, selectors: tuple[Selector, ...], unit_el: etree._Element | None) -> bool:
        """The common case, a selector relative to the enclosing unit that names one of its ids, settled
        by dictionary lookups (a comment marker pointing at a non-note still takes the full check)."""
        if unit_el is None or len(selectors) != 1:
            return False
        prefix, ident = selectors[0]
        if prefix == "n":
            return ident in self.unit_notes.get(unit_el, ())
        if prefix not in _UNIT_SCOPE:
            return False
        index = self.unit_index.get(unit_el)
        if index is None or ident not in index[_UNIT_SCOPE[prefix]]:
            return False
        return el.get("type") != "comment" or el.tag not in _MARKERS

    @staticmethod
    def _check_target(el: etree._Element, value: str, found: etree._Element | bool | None, uid: str | None, emit: Emit) -> None:
        """What a resolved reference must point to: anything for most, a note of the same unit for comments,
        the enclosing unit for matches and glossary entries."""
        if found is None:
            emit(R.XLF247, el, f'{element_label(el)} ref="{value}" points to nothing in this document', uid)
        elif found is True or found is False:
            return
        elif el.tag in _MARKERS:
            if el.get("type") != "comment":
                return
            if found.tag != _NOTE:
                emit(R.XLF247, el, f'comment {element_label(el)} ref="{value}" points to a <{pretty(found.tag)}>, not a <note>', uid)
            elif _container_unit(found) is not _container_unit(el):
                emit(R.XLF247, el, f'comment {element_label(el)} ref="{value}" points to a <note> outside its <unit>', uid)
        elif el.tag in _UNIT_SCOPED_REFS:
            unit = _container_unit(el)
            if unit is not None and found is not unit and not any(a is unit for a in found.iterancestors(_UNIT)):
                emit(R.XLF248, el, f'{element_label(el)} ref="{value}" points outside its <unit>', uid)

    def _resolve(self, el: etree._Element, selectors: tuple[Selector, ...]) -> etree._Element | bool | None:
        """The element a fragment designates, True when it cannot be checked (extension prefix), else None."""
        ancestors = list(el.iterancestors(_UNIT, _GROUP, _FILE))
        explicit = selectors[0][0] in _RANK
        unit = None if explicit else next((a for a in ancestors if a.tag == _UNIT), None)
        file_el = next((a for a in ancestors if a.tag == _FILE), None)
        group: etree._Element | None = None
        for prefix, ident in selectors:
            if prefix == "f":
                file_el = self.files.get(ident)
                if file_el is None:
                    return None
            elif prefix == "g" or prefix == "u":
                found = self._container(file_el, group, prefix, ident)
                if found is None:
                    return None
                if prefix == "g":
                    group = found
                else:
                    unit = found
            else:
                scope = unit if unit is not None else group if group is not None else file_el
                return self._leaf(prefix, ident, unit, scope, [scope] if explicit else ancestors, explicit)
        return unit if unit is not None else group if group is not None else file_el

    def _container(self, file_el: etree._Element | None, group: etree._Element | None, prefix: str,
                   ident: str) -> etree._Element | None:
        """The group (g=) or unit (u=) of that id in the file, a unit inside ``group`` when one was named."""
        if file_el is None:
            return None
        found = self.file_index.get(file_el, ({}, {}))[0 if prefix == "g" else 1].get(ident)
        if found is None or (prefix == "u" and group is not None and group not in found.iterancestors(_GROUP)):
            return None
        return found

    def _leaf(self, prefix: str | None, ident: str, unit: etree._Element | None, scope: etree._Element | None,
              containers: Sequence[etree._Element | None], explicit: bool) -> etree._Element | bool | None:
        """The last selector: a note, an element of a unit's id scopes, or a module element."""
        if prefix == "n":
            return _note([c for c in containers if c is not None], ident)
        if prefix in _UNIT_SCOPE:
            index = self.unit_index.get(unit) if unit is not None else None
            return None if index is None else index[_UNIT_SCOPE[prefix]].get(ident)
        if prefix not in _MODULE_NS:
            return True
        if scope is None:
            return None
        # a relative module selector may name an element of an enclosing group or file
        pattern = f"{{{_MODULE_NS[prefix]}}}*"
        for container in [scope] if explicit else [scope, *(a for a in containers if a is not scope)]:
            if container is None:
                continue
            found = next((e for e in container.iter(pattern) if e.get("id") == ident), None)
            if found is not None:
                return found
        return None
