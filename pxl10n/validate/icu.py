"""Read ICU MessageFormat strings so QA compares their structure, not their branch text.

``{count, plural, one {# comment} other {# comments}}`` is one argument, ``count``,
with the branch keys ``one`` and ``other``; the branch bodies are translatable text
that a placeholder regex would take for ``{# comment}`` placeholders. Source and
target agree when they use the same argument names (and types), the same
``select`` keys, a ``plural`` with ``other`` and the source's exact ``=n`` keys,
and ``#`` wherever the source counts with it. Plural *categories* may differ: a
Russian target needs ``few`` and ``many`` that the English source lacks.

The reader follows ICU's MessageFormat syntax (apostrophe quoting in
DOUBLE_OPTIONAL mode, ``offset:``, ``choice`` styles kept opaque) and never
raises on text that is not ICU: :func:`parse` returns a :class:`Message` whose
``valid`` is False, so QA can fall back to its placeholder grammar.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

#: Argument types whose style is one of branches (``key {message}``).
BRANCHING = frozenset({"plural", "selectordinal", "select"})
#: The CLDR plural categories; other words are not plural keys.
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})

_NAME_RE = re.compile(r"[^\s{}'#,=<>|\\]+")
_KEY_RE = re.compile(r"=?[^\s{}'#,=<>|\\]+")
_SPACE_RE = re.compile(r"\s*")
_OFFSET_RE = re.compile(r"offset\s*:\s*(\d+)")
_HEAD_RE = re.compile(r"\{\s*[^\s{},]+\s*,\s*(?:plural|select|selectordinal)\s*,")


@dataclass(frozen=True)
class Argument:
    """One ``{name...}`` of a message; ``type`` is ``""`` for a bare ``{name}``."""

    name: str
    type: str = ""
    keys: frozenset[str] = frozenset()
    #: a ``#`` stands for this (plural/selectordinal) argument in one of its branches
    pound: bool = False
    offset: int = 0


@dataclass(frozen=True)
class Message:
    """What QA compares: the arguments in order of appearance (nested ones too)."""

    valid: bool
    arguments: tuple[Argument, ...] = ()
    error: str | None = None
    #: (start, end) of each run of literal text, in order: what is not syntax (argument heads, branch keys,
    #: braces, a plural's ``#``); what pseudo-translation may change
    texts: tuple[tuple[int, int], ...] = ()

    @property
    def names(self) -> frozenset[str]:
        return frozenset(a.name for a in self.arguments)

    @property
    def branching(self) -> bool:
        """Whether a plural/select/selectordinal argument is present (the text is ICU, not just ``{0}``)."""
        return any(a.type in BRANCHING for a in self.arguments)

    @property
    def pound(self) -> bool:
        return any(a.pound for a in self.arguments)

    def types(self, name: str) -> frozenset[str]:
        return frozenset(a.type for a in self.arguments if a.name == name)

    def keys(self, name: str) -> frozenset[str]:
        """Branch keys of every occurrence of argument ``name``, together."""
        return frozenset(k for a in self.arguments if a.name == name for k in a.keys)


class _Unreadable(Exception):
    def __init__(self, message: str, pos: int) -> None:
        super().__init__(f"{message} at offset {pos}")


@dataclass
class _Parser:
    text: str
    pos: int = 0
    arguments: list[Argument] = field(default_factory=list)
    #: one flag per enclosing plural/selectordinal branch body: was ``#`` used there
    pounds: list[bool] = field(default_factory=list)
    #: the runs of literal text read so far (see :attr:`Message.texts`)
    texts: list[tuple[int, int]] = field(default_factory=list)

    def message(self, nested: bool) -> None:
        """Text and arguments up to an unmatched ``}`` (nested) or the end."""
        text = self.text
        start = self.pos
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "'":
                self._apostrophe()
                continue
            if ch in "{}" or (ch == "#" and self.pounds):
                self._text(start)
            if ch == "{":
                self._argument()
            elif ch == "}":
                if nested:
                    return
                raise _Unreadable("unmatched '}'", self.pos)
            else:
                if ch == "#" and self.pounds:
                    self.pounds[-1] = True
                self.pos += 1
                if ch != "#" or not self.pounds:
                    continue
            start = self.pos
        self._text(start)
        if nested:
            raise _Unreadable("branch not closed", self.pos)

    def _text(self, start: int) -> None:
        if self.pos > start:
            self.texts.append((start, self.pos))

    def _apostrophe(self) -> None:
        """``''`` is one quote; ``'`` before ``{ } #`` (or ``|``) quotes up to the next lone ``'``."""
        text, start = self.text, self.pos
        nxt = text[start + 1] if start + 1 < len(text) else ""
        if nxt == "'":
            self.pos += 2
            return
        if nxt not in "{}#|" or nxt == "":
            self.pos += 1
            return
        i = start + 1
        while i < len(text):
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    i += 2
                    continue
                self.pos = i + 1
                return
            i += 1
        self.pos = len(text)  # ICU quotes to the end of the message

    def _skip_space(self) -> None:
        m = _SPACE_RE.match(self.text, self.pos)
        self.pos = m.end() if m else self.pos

    def _name(self, what: str, pattern: re.Pattern[str] = _NAME_RE) -> str:
        self._skip_space()
        m = pattern.match(self.text, self.pos)
        if not m:
            raise _Unreadable(f"{what} expected", self.pos)
        self.pos = m.end()
        self._skip_space()
        return m.group()

    def _expect(self, ch: str) -> None:
        if self.pos >= len(self.text) or self.text[self.pos] != ch:
            raise _Unreadable(f"{ch!r} expected", self.pos)
        self.pos += 1

    def _argument(self) -> None:
        self._expect("{")
        name = self._name("argument name")
        if self.pos < len(self.text) and self.text[self.pos] == "}":
            self.pos += 1
            self.arguments.append(Argument(name))
            return
        self._expect(",")
        kind = self._name("argument type")
        if kind in BRANCHING:
            self._expect(",")
            self._branches(name, kind)
            return
        if self.pos < len(self.text) and self.text[self.pos] == ",":
            self.pos += 1
            self._style()
        self._expect("}")
        self.arguments.append(Argument(name, kind))

    def _style(self) -> None:
        """An opaque style (``::currency/EUR``, ``short``, a choice pattern): up to its closing brace."""
        depth, text = 0, self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "'":
                self._apostrophe()
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                if depth == 0:
                    return
                depth -= 1
            self.pos += 1
        raise _Unreadable("argument not closed", self.pos)

    def _branches(self, name: str, kind: str) -> None:
        index = len(self.arguments)
        self.arguments.append(Argument(name, kind))  # placeholder keeps the order of appearance
        self._skip_space()
        offset = 0
        if kind == "plural":
            m = _OFFSET_RE.match(self.text, self.pos)
            if m:
                offset = int(m.group(1))
                self.pos = m.end()
        keys: list[str] = []
        pound = False
        while True:
            self._skip_space()
            if self.pos < len(self.text) and self.text[self.pos] == "}":
                self.pos += 1
                break
            key = self._name("branch key", _KEY_RE)
            if kind != "select" and not (key in PLURAL_CATEGORIES or re.fullmatch(r"=\d+(?:\.\d+)?", key)):
                raise _Unreadable(f"{key!r} is not a plural key", self.pos)
            self._expect("{")
            counting = kind != "select"
            if counting:
                self.pounds.append(False)
            self.message(nested=True)
            if counting:
                pound = self.pounds.pop() or pound
            self._expect("}")
            keys.append(key)
        if not keys:
            raise _Unreadable(f"{kind} without branches", self.pos)
        self.arguments[index] = Argument(name, kind, frozenset(keys), pound, offset)


def parse(text: str) -> Message:
    """The message's arguments; ``valid`` is False (with the reason) for text that is not ICU."""
    parser = _Parser(text)
    try:
        parser.message(nested=False)
    except _Unreadable as exc:
        return Message(False, tuple(parser.arguments), str(exc))
    return Message(True, tuple(parser.arguments), texts=tuple(parser.texts))


#: What :func:`looks_like_icu` looks for (public: QA searches a whole document's sources for it at once).
HEAD_RE = _HEAD_RE


def looks_like_icu(text: str) -> bool:
    """Cheap test before parsing: a ``{name, plural|select|selectordinal,`` head is present."""
    return "{" in text and _HEAD_RE.search(text) is not None


class Difference(enum.Enum):
    """How a target's structure departs from its source's."""

    TARGET_UNREADABLE = "target is not a valid ICU message"
    MISSING_ARGUMENT = "argument missing in target"
    EXTRA_ARGUMENT = "argument in target not in source"
    TYPE_CHANGED = "argument type changed"
    SELECT_KEY_MISSING = "select key missing in target"
    SELECT_KEY_EXTRA = "select key in target not in source"
    OTHER_MISSING = "plural/select without 'other' in target"
    EXACT_KEY_MISSING = "explicit plural key missing in target"
    POUND_MISSING = "'#' missing in target"


@dataclass(frozen=True)
class Finding:
    kind: Difference
    argument: str | None
    detail: str


def compare(source: Message, target: Message) -> tuple[Finding, ...]:
    """Structural differences of ``target`` against ``source`` (both parsed); empty when they agree."""
    if not target.valid:
        return (Finding(Difference.TARGET_UNREADABLE, None, target.error or ""),)
    found: list[Finding] = []
    for name in sorted(source.names - target.names):
        found.append(Finding(Difference.MISSING_ARGUMENT, name, f"{{{name}}} missing in target"))
    for name in sorted(target.names - source.names):
        found.append(Finding(Difference.EXTRA_ARGUMENT, name, f"{{{name}}} in target is not in source"))
    for name in sorted(source.names & target.names):
        src_types, trg_types = source.types(name), target.types(name)
        if src_types != trg_types:
            found.append(Finding(Difference.TYPE_CHANGED, name,
                                 f"{{{name}}} is {'/'.join(sorted(t or 'plain' for t in src_types))} in source, "
                                 f"{'/'.join(sorted(t or 'plain' for t in trg_types))} in target"))
            continue
        src_keys, trg_keys = source.keys(name), target.keys(name)
        if src_keys and "other" not in trg_keys:
            found.append(Finding(Difference.OTHER_MISSING, name, f"{{{name}}} has no 'other' branch in target"))
        if "select" in src_types:
            for key in sorted(src_keys - trg_keys - {"other"}):
                found.append(Finding(Difference.SELECT_KEY_MISSING, name, f"{{{name}}} select key '{key}' missing in target"))
            for key in sorted(trg_keys - src_keys):
                found.append(Finding(Difference.SELECT_KEY_EXTRA, name, f"{{{name}}} select key '{key}' in target is not in source"))
        else:
            for key in sorted(k for k in src_keys - trg_keys if k.startswith("=")):
                found.append(Finding(Difference.EXACT_KEY_MISSING, name, f"{{{name}}} branch '{key}' missing in target"))
        if any(a.pound for a in source.arguments if a.name == name) and not any(a.pound for a in target.arguments if a.name == name):
            found.append(Finding(Difference.POUND_MISSING, name, f"{{{name}}} counts with '#' in source but not in target"))
    return tuple(found)
