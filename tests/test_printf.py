"""printf reader: POSIX, Apple and Android conversions as Xcode, Android and C strings write them."""

from __future__ import annotations

import pytest

from pxl10n.validate.printf import conversions, differences, equivalent, mixes_positions, signature


def raws(text: str) -> list[str]:
    return [c.raw for c in conversions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%1$@ ago", ["%1$@"]),
        ("%@U", ["%@"]),                       # U is a unit after the conversion
        ("%1$@U", ["%1$@"]),
        ("width: %dpx", ["%d"]),               # px follows the conversion
        ("%lld items, %hhu flags, %zu bytes", ["%lld", "%hhu", "%zu"]),
        ("%1$s invited %2$s", ["%1$s", "%2$s"]),
        ("%05.2f%% done", ["%05.2f", "%%"]),
        ("%-10s|%+d|%#x|%'d", ["%-10s", "%+d", "%#x", "%'d"]),
        ("%*d and %.*f", ["%*d", "%.*f"]),
        ("Line%nnext", ["%n"]),                # Java newline
        ("%1$tY-%1$tm-%1$td", ["%1$tY", "%1$tm", "%1$td"]),
        ("%s and %<s again", ["%s", "%<s"]),
    ],
)
def test_conversions(text: str, expected: list[str]) -> None:
    assert raws(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Welcome %username%",                  # Symfony placeholders
        "A new absence was created for %user%. Review it at %url%",
        "50% off, 100 % sure",                 # a percentage, not the space flag
        "%",
        "100%",
        "%(count)d items by %(user)s",         # Python named: QA's placeholder grammar reads these
    ],
)
def test_not_conversions(text: str) -> None:
    assert [c for c in conversions(text) if c.consumes_argument] == []


def test_bare_conversion_between_percents_is_still_printf() -> None:
    assert raws("%ld%%") == ["%ld", "%%"]
    assert raws("%d%") == ["%d"]


def test_escapes_and_newlines_read_no_argument() -> None:
    assert signature("100%% of %n %d") == {1: frozenset({"d"})}


def test_signature_numbers_unnumbered_arguments_in_order() -> None:
    assert signature("%@ and %d") == {1: frozenset({"@"}), 2: frozenset({"d"})}
    assert signature("%2$d then %1$@") == {1: frozenset({"@"}), 2: frozenset({"d"})}
    assert signature("%s %<s") == {1: frozenset({"s"})}


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("%1$@ ago", "il y a %@"),              # one argument: positional and sequential are the same
        ("%@ ago", "il y a %1$@"),
        ("%@ has recovered. You may use %@ now.", "%1$@ a récupéré. Vous pouvez utiliser %2$@."),
        ("%@ of %@", "%2$@ de %1$@"),           # a translation may reorder with positions
        ("%@U", "%@IE"),
        ("%d items", "%i éléments"),            # d and i read the same int
        ("%lld files", "%lld fichiers"),
    ],
)
def test_equivalent(source: str, target: str) -> None:
    assert equivalent(source, target), differences(source, target)


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("%1$@ ago", "il y a", "argument 1 (%@) is not used in the target"),
        ("%d files", "%ld fichiers", "argument 1 is %d in the source but %ld in the target"),
        ("%@ of %@", "%@ de %@ et %@", "argument 3 (%@) in the target is not in the source"),
        ("%1$s by %2$d", "%1$s par %2$s", "argument 2 is %d in the source but %s in the target"),
    ],
)
def test_differences(source: str, target: str, message: str) -> None:
    assert not equivalent(source, target)
    assert differences(source, target) == [message]


def test_mixed_positions() -> None:
    assert mixes_positions("%1$@ and %@")
    assert not mixes_positions("%1$@ and %2$@")
    assert not mixes_positions("%@ and %@ (%%)")
