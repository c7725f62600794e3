"""Key-as-source detection on units shaped like Symfony/Sonata keyword catalogues."""

from __future__ import annotations

import pytest

from pxl10n.validate.message_keys import UnitText, is_dotted_key, keyed_units


@pytest.mark.parametrize(
    "source",
    ["title.post_list", "http_error.name", "form.label.name", "action.back_to_list", "sonata_user.admin.label-email",
     "menu.homepage", "flash.userCreated", "error.404.title"],
)
def test_dotted_keys(source: str) -> None:
    assert is_dotted_key(source)


@pytest.mark.parametrize(
    "source",
    ["Save changes", "ul.menutop ", " title.homepage", "index.html", "example.com", "Node.js", "vue.js", "e.g", "i.e.", "v1.2.3", "1.5", "Read the docs.",
     "support@example.com", "Title.Homepage", "title. homepage", "a.b", "config.yml", "title.", ".hidden"],
)
def test_text_is_not_a_key(source: str) -> None:
    assert not is_dotted_key(source)


def test_lone_identifiers_count_only_in_a_keyed_file() -> None:
    keyed = [UnitText("title.homepage", "title.homepage"), UnitText("title.login", "title.login"),
             UnitText("note", "note"), UnitText("not_available", "x1", resname="not_available"),
             UnitText("Save", "s1")]
    assert keyed_units(keyed) == {0, 1, 2, 3}
    # the same lone identifiers in a file of real text are text
    prose = [UnitText("note", "note"), UnitText("Save your work", "a"), UnitText("Open a file", "b"),
             UnitText("title.homepage", "t")]
    assert keyed_units(prose) == {3}


def test_identifier_must_repeat_the_id() -> None:
    units = [UnitText("menu.home", "menu.home"), UnitText("menu.blog", "menu.blog"), UnitText("Cancel", "c1")]
    assert keyed_units(units) == {0, 1}


def test_empty() -> None:
    assert keyed_units([]) == frozenset()


def test_few_dotted_keys_do_not_make_a_keyed_file() -> None:
    # a catalogue of real text whose resname repeats the source (as Weblate writes it)
    units = [UnitText(w, f"h{i}", resname=w) for i, w in enumerate(["Save", "Cancel", "Name", "Delete", "Edit", "Close"])]
    units.append(UnitText("Ok", "Ok"))
    units += [UnitText("menu.home", "m1"), UnitText("menu.blog", "m2")]
    assert keyed_units(units) == {7, 8}


def test_lowercase_lone_words_in_a_mostly_keyed_catalogue() -> None:
    # Kimai-style: a third dotted keys, the rest lower-case keys repeated as resname
    units = [UnitText(f"menu.item{i}", f"k{i}", resname=f"menu.item{i}") for i in range(4)]
    units += [UnitText(w, f"w{i}", resname=w) for i, w in enumerate(["yes", "no", "both", "create", "export_csv"])]
    units += [UnitText("Spent time", "t1", resname="Spent time"), UnitText("Save", "s", resname="Save")]
    assert keyed_units(units) == set(range(9))
