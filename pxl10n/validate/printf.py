"""Read printf-style format strings the way POSIX, Apple and Android (Java) do.

A conversion is ``%[n$][flags][width][.precision][length]conversion``: POSIX
``%lld``, ``%1$s``; Apple's object conversion ``%@`` (``%1$@``); Java's ``%b``,
``%h``, dates ``%tY``/``%1$te`` and the newline ``%n``. ``%%`` is a percent sign.

Two rules make real strings readable:

* the conversion ends at its conversion character, so a letter right after it is
  text: ``%@U`` is ``%@`` then ``U`` (a unit), ``%dpx`` is ``%d`` then ``px``;
* Symfony's ``%name%`` and Python's ``%(name)s`` placeholders are not conversions (``%user%`` is not ``%u``
  then ``ser%``), and neither is a percent sign followed by a space (``50% off``):
  the space flag is legal but far rarer in UI text than a percentage.

Source and target agree when they consume the same arguments with the same
types: :func:`signature` maps each argument number to its type, so ``%@`` and
``%1$@`` are the same one-argument string, and ``%1$@ %2$@`` may become
``%2$@ %1$@`` in a translation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

_CONVERSION_RE = re.compile(
    r"""
    %
    (?:(?P<position>[1-9]\d*)\$)?
    (?P<flags>[-+#0',<]*)
    (?P<width>\d+|\*(?:[1-9]\d*\$)?)?
    (?:\.(?P<precision>\d*|\*(?:[1-9]\d*\$)?))?
    (?:
        (?P<date>[tT])(?P<date_field>[HIklMSLNpzZsQBbhAaCYyjmdeRTrDFc])   # Java date/time
      | (?P<length>hh|h|ll|l|L|q|j|z|t)?(?P<conversion>[diouxXeEfFgGaAcCsSpn@bBhH])
      | (?P<percent>%)
    )
    """,
    re.VERBOSE,
)
#: Python's ``%(name)s`` is read by QA's placeholder grammar, not here.
_PYTHON_NAMED_RE = re.compile(r"%\([^()]*\)")
#: ``%name%`` (Symfony, Drupal-style) placeholders: not printf, unless the name is itself a
#: whole conversion (``%ld%%`` is ``%ld`` then ``%%``).
_NAMED_PERCENT_RE = re.compile(r"%([A-Za-z_][A-Za-z0-9_.\-]+)%")
_BARE_CONVERSION_RE = re.compile(r"(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcCsSpn@bBhH]")

#: From a percent sign, the run of characters a conversion, a ``%name%`` or ``%%`` can read: every match
#: above starts at a ``%`` and reads only these (``%(name)`` aside, which may hold spaces), so two texts
#: whose runs are the same, without ``%(``, have the same :func:`conversions` apart from where they start.
RUN_RE = re.compile(r"%[A-Za-z0-9_.\-$+#',<*%@]*")

#: Conversion characters that read the same kind of argument.
_SAME_ARGUMENT = {"i": "d", "F": "f", "E": "e", "G": "g", "A": "a", "X": "x", "S": "s", "C": "c", "B": "b", "H": "h", "T": "t"}


class Conversion(NamedTuple):
    """One ``%...`` as written, where it starts, and what it reads (immutable; a named tuple, built per match)."""

    raw: str
    start: int
    position: int | None
    length: str
    conversion: str
    #: Java's ``%<s``: the argument of the previous conversion again
    relative: bool = False

    @property
    def consumes_argument(self) -> bool:
        """``%%`` and Java's ``%n`` print without reading an argument."""
        return self.conversion not in ("%", "n")

    @property
    def kind(self) -> str:
        """What the argument must be: length modifier plus conversion, spellings that read alike folded."""
        if self.conversion.startswith(("t", "T")) and len(self.conversion) == 2:
            return "t"  # a Java date: every field reads the same date argument
        return self.length + _SAME_ARGUMENT.get(self.conversion, self.conversion)


def conversions(text: str) -> list[Conversion]:
    """Every conversion in ``text`` in order, ``%%`` and ``%n`` included (see ``consumes_argument``)."""
    if "%" not in text:
        return []
    skipped = [(m.start(), m.end()) for m in _NAMED_PERCENT_RE.finditer(text) if not _BARE_CONVERSION_RE.fullmatch(m.group(1))]
    skipped += [(m.start(), m.end()) for m in _PYTHON_NAMED_RE.finditer(text)]
    found: list[Conversion] = []
    pos = 0
    while True:
        pos = text.find("%", pos)
        if pos < 0:
            return found
        span = next(((a, b) for a, b in skipped if a <= pos < b), None)
        if span is not None:
            pos = span[1]
            continue
        m = _CONVERSION_RE.match(text, pos)
        if m is None:
            pos += 1
            continue
        if m.group("percent"):
            if m.end() - m.start() == 2:
                found.append(Conversion("%%", pos, None, "", "%"))
            pos = m.end()
            continue
        conversion = (m.group("date") + m.group("date_field")) if m.group("date") else m.group("conversion")
        position = int(m.group("position")) if m.group("position") else None
        found.append(Conversion(m.group(), pos, position, m.group("length") or "", conversion, "<" in m.group("flags")))
        pos = m.end()


def signature(text: str) -> Mapping[int, frozenset[str]]:
    """Argument number -> the kinds read from it. Unnumbered conversions take 1, 2, ... in order.

    Mixing numbered and unnumbered conversions is undefined in POSIX; Java counts
    the unnumbered ones on their own, which is what is done here.
    """
    result: dict[int, set[str]] = {}
    ordinal = last = 0
    for conv in conversions(text):
        if not conv.consumes_argument:
            continue
        if conv.position is not None:
            index = conv.position
        elif conv.relative and last:
            index = last
        else:
            ordinal += 1
            index = ordinal
        last = index
        result.setdefault(index, set()).add(conv.kind)
    return {k: frozenset(v) for k, v in sorted(result.items())}


def mixes_positions(text: str) -> bool:
    """Numbered and unnumbered conversions together: undefined behaviour in C and Objective-C."""
    reading = [c for c in conversions(text) if c.consumes_argument]
    return any(c.position is None and not c.relative for c in reading) and any(c.position is not None for c in reading)


def equivalent(source: str, target: str) -> bool:
    """The target reads the same arguments, with the same types, as the source (in any order)."""
    return signature(source) == signature(target)


def differences(source: str, target: str) -> list[str]:
    """One readable line per argument read differently; empty when :func:`equivalent`."""
    src, trg = signature(source), signature(target)
    lines = []
    for index in sorted(set(src) | set(trg)):
        if index not in trg:
            lines.append(f"argument {index} ({_show(src[index])}) is not used in the target")
        elif index not in src:
            lines.append(f"argument {index} ({_show(trg[index])}) in the target is not in the source")
        elif src[index] != trg[index]:
            lines.append(f"argument {index} is {_show(src[index])} in the source but {_show(trg[index])} in the target")
    return lines


def _show(kinds: frozenset[str]) -> str:
    return "/".join(f"%{k}" for k in sorted(kinds))
