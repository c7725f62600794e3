"""ICU MessageFormat reader: structure of messages like those Symfony's +intl-icu files carry."""

from __future__ import annotations

import pytest

from pxl10n.validate.icu import Difference, compare, looks_like_icu, parse

PLURAL_EN = "{count, plural, one {# comment} other {# comments}}"
PLURAL_RU = "{count, plural, one {# отзыв} few {# отзыва} many {# отзывов} other {# отзыва}}"


def kinds(source: str, target: str) -> list[Difference]:
    return [f.kind for f in compare(parse(source), parse(target))]


def test_plural_arguments_keys_and_pound() -> None:
    m = parse(PLURAL_EN)
    assert m.valid and m.branching
    assert m.names == {"count"}
    assert m.keys("count") == {"one", "other"}
    assert m.pound
    assert m.types("count") == {"plural"}


def test_branch_bodies_are_text_not_arguments() -> None:
    m = parse("Error {status_code, number}: {count, plural, =0 {no {item}} other {# items, {item}}}")
    assert [a.name for a in m.arguments] == ["status_code", "count", "item", "item"]
    assert m.types("status_code") == {"number"}
    assert m.keys("count") == {"=0", "other"}


def test_select_and_nested_plural() -> None:
    text = "{gender, select, female {{n, plural, one {her # cat} other {her # cats}}} male {his} other {their}}"
    m = parse(text)
    assert m.valid
    assert m.keys("gender") == {"female", "male", "other"}
    assert m.keys("n") == {"one", "other"}
    assert not next(a for a in m.arguments if a.name == "gender").pound  # '#' belongs to the inner plural
    assert next(a for a in m.arguments if a.name == "n").pound


def test_offset_and_selectordinal() -> None:
    m = parse("{guests, plural, offset:1 =0 {nobody} =1 {{host}} other {{host} and # others}} {place, selectordinal, one {#st} other {#th}}")
    assert m.valid
    guests = next(a for a in m.arguments if a.name == "guests")
    assert guests.offset == 1 and guests.keys == {"=0", "=1", "other"}
    assert m.keys("place") == {"one", "other"}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("It''s {name}'s turn", {"name"}),           # '' is a quote; a lone ' before s is literal
        ("Type '{name}' literally", set()),           # quoted braces are text
        ("{n, plural, other {'#' is # here}}", {"n"}),
        ("{d, date, ::yyyyMMdd} at {t, time, short}", {"d", "t"}),
        ("{price, number, ::currency/EUR}", {"price"}),
    ],
)
def test_quoting_and_styles(text: str, names: set[str]) -> None:
    m = parse(text)
    assert m.valid, m.error
    assert m.names == names


def test_quoted_pound_is_not_a_count() -> None:
    assert not parse("{n, plural, other {'#' items}}").pound
    assert parse("{n, plural, other {'#' # items}}").pound


@pytest.mark.parametrize(
    "text",
    [
        "Hello {{ user.name }}",        # mustache: not ICU
        "{count, plural, one {# item}",  # unclosed
        "a } b",
        "{n, plural, single {x} other {y}}",  # not a plural category
        "{n, select, }",
    ],
)
def test_non_icu_text_is_reported_not_raised(text: str) -> None:
    m = parse(text)
    assert not m.valid
    assert m.error


def test_plain_text_is_valid_and_empty() -> None:
    m = parse("Save your changes # now")
    assert m.valid and not m.arguments and not m.branching and not m.pound


def test_looks_like_icu() -> None:
    assert looks_like_icu(PLURAL_EN)
    assert looks_like_icu("x {a,select,b {c} other {d}}")
    assert not looks_like_icu("Hello {name}")
    assert not looks_like_icu("{{count}} items")


def test_target_may_use_its_own_plural_categories() -> None:
    assert kinds(PLURAL_EN, PLURAL_RU) == []
    assert kinds(PLURAL_EN, "{count, plural, other {# 件のコメント}}") == []


def test_structural_differences() -> None:
    assert kinds(PLURAL_EN, "{total, plural, one {# x} other {# y}}") == [Difference.MISSING_ARGUMENT, Difference.EXTRA_ARGUMENT]
    assert kinds(PLURAL_EN, "{count, plural, one {un commentaire} few {x}}") == [Difference.OTHER_MISSING, Difference.POUND_MISSING]
    assert kinds("{n, plural, =0 {none} other {# files}}", "{n, plural, other {# fichiers}}") == [Difference.EXACT_KEY_MISSING]
    assert kinds("{n, number} files", "{n} fichiers") == [Difference.TYPE_CHANGED]
    assert kinds(PLURAL_EN, "{count, plural, one {# x} other {# y}") == [Difference.TARGET_UNREADABLE]


def test_select_keys_must_match() -> None:
    src = "{g, select, female {She} male {He} other {They}}"
    assert kinds(src, "{g, select, female {Elle} male {Il} other {Iel}}") == []
    assert kinds(src, "{g, select, femme {Elle} male {Il} other {Iel}}") == [Difference.SELECT_KEY_MISSING, Difference.SELECT_KEY_EXTRA]


def test_findings_name_the_argument() -> None:
    (finding,) = compare(parse("{n, plural, =0 {none} other {#}}"), parse("{n, plural, other {#}}"))
    assert finding.argument == "n" and "'=0'" in finding.detail
