"""QA's token filter against the checks themselves: the filtered run must report exactly what the full run does.

:func:`pxl10n.validate.qa.issues` skips the token checks (placeholders, printf, tags, numbers, links) where
:func:`pxl10n.validate.qa_text.token_signature` says source and target read the same tokens. These tests
generate and mutate many (source, target) pairs from fixed seeds, with every token grammar, markup, escaped HTML,
entities, ICU, whitespace, numbers in every locale's spelling, URLs, identical and empty targets, and hold the
filtered run to the full one; and they show that a filter wrong in the ways this one could be is caught.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pytest

from pxl10n.validate import qa
from pxl10n.validate import qa_text as tx
from pxl10n.xliff.view import Flat

#: Tokens a string is made of: plain words, and one or more of every grammar QA reads.
WORDS = ("Save", "the", "file", "Enregistrer", "le", "fichier", "Speichern", "ファイル", "保存", "Überall", "ok",
         "www", "http", "de", "s", "d", "x", "other", "one", "plural", "n", "Ñandú", "e\u0301", "¿Qué", "¡Hola")
TOKENS = (
    "{0}", "{1}", "{name}", "{ name }", "{{user.name}}", "{{ user.name }}", "{{{raw}}}", "${count}", "${ a b }",
    "%s", "%d", "%1$s", "%2$d", "%@", "%1$@", "%(name)s", "%(a b)s", "%name%", "%%", "%<s", "%tY", "%.2f", "%5d", "50%",
    "%", "%sabc", "%dpx", "%,d", "%'",
    "<b>", "</b>", "<i>", "</i>", "<br/>", "<br>", "<p>", "</p>", '<a href="https://x.example/a">', "</a>",
    '<span class="c">', "</span>", "<foo>", "</foo>", "<my-el>", "<!-- note -->", "<3", "a < b", "</b",
    "&lt;b&gt;", "&lt;/b&gt;", "&amp;", "&nbsp;", "&#49;", "&#x31;", "&frac12", "&frac12;", "&copy;", "&",
    "1", "2", "3", "14", "1,000", "1.000", "1 000", "1\u00a0000", "1'000", "1’000", "3.14", "3,14", "1.000,5",
    "1,000.5", "0.5", "²", "３", "٣", "①", "=0", "#",
    "https://help.example.com/start", "http://a.example/b?x=1", "www.example.com", "WWW.Example.com/x",
    "ftp://f.example/f", "user@example.com", "a.b@mail.example.org", "@home",
    "{n, plural, one {# file} other {# files}}", "{n, plural, =0 {none} other {# items}}",
    "{g, select, male {He} female {She} other {They}}", "{n,plural,one{x}other{y}}", "{n, number}", "{d, date, short}",
    "(", ")", "[", "]", "…", "...", ".", "!", "?", ":", ";", ",", "。", "！", "？", "¿", "¡", "«", "»", '"', "'",
)
SEPARATORS = (" ", " ", " ", "", "  ", "\n", "\n  ", "\t", "\u00a0", ", ", ". ", "-", "/", "'")
LANGUAGES = (("en", "fr"), ("en", "es"), ("en", "ja"), ("en", "de"), ("en", "en"), ("en", "th"), ("en", "el"))


def _text(rng: random.Random, n: int) -> str:
    parts = []
    for _ in range(n):
        parts.append(rng.choice(TOKENS) if rng.random() < 0.45 else rng.choice(WORDS))
        parts.append(rng.choice(SEPARATORS))
    text = "".join(parts)
    if rng.random() < 0.15:
        text = rng.choice((" ", "\n", "  ")) + text
    if rng.random() < 0.5:
        text = text.rstrip()
    return text


def _translated(rng: random.Random, source: str) -> str:
    """The source with its plain words translated: the tokens and their order kept, so the filter engages."""
    pieces = source.split(" ")
    return " ".join(rng.choice(WORDS) if piece.isalpha() and rng.random() < 0.7 else piece for piece in pieces)


def _char_changed(rng: random.Random, target: str) -> str:
    if not target:
        return target
    i = rng.randrange(len(target))
    return target[:i] + rng.choice(("", target[i] * 2, rng.choice("0123456789 .,{}<>%$&@/;:!?x\n"))) + target[i + 1:]


def _token_inserted(rng: random.Random, target: str) -> str:
    i = rng.randrange(len(target) + 1)
    return target[:i] + rng.choice(TOKENS) + target[i:]


def _swapped(rng: random.Random, target: str) -> str:
    pieces = target.split(" ")
    i, j = rng.randrange(len(pieces)), rng.randrange(len(pieces))
    pieces[i], pieces[j] = pieces[j], pieces[i]
    return " ".join(pieces)


def _digit_changed(rng: random.Random, target: str) -> str:
    digits = [i for i, c in enumerate(target) if c.isdigit()]
    if not digits:
        return target
    i = rng.choice(digits)
    return target[:i] + rng.choice("0123456789") + target[i + 1:]


#: Ways translators (and tools) change a string, each applied to the translated source.
MUTATIONS: tuple[Callable[[random.Random, str], str], ...] = (
    lambda rng, target: target,
    lambda rng, target: "",
    lambda rng, target: _text(rng, rng.randint(1, 8)),
    _char_changed,
    _token_inserted,
    lambda rng, target: target.replace(" ", rng.choice(("  ", "\u00a0", "\n", "", " ")), rng.randint(1, 3)),
    _swapped,
    _digit_changed,
    lambda rng, target: target.rstrip(".!?:;…。！？ ") + rng.choice(("", ".", "!", " !", "?", " ?", "…", "。", ":", "...")),
    lambda rng, target: target.replace(" ", " " + rng.choice(WORDS) + " ", 1),
    lambda rng, target: target.replace(" x ", " ", 1),
    lambda rng, target: target.replace("<", "&lt;").replace(">", "&gt;"),
    lambda rng, target: target.replace("&lt;", "<").replace("&gt;", ">"),
    lambda rng, target: target.replace(",", rng.choice((".", " ", "", "'")), 1),
    lambda rng, target: target.upper(),
    lambda rng, target: target + target,
)


def _mutated(rng: random.Random, source: str) -> str:
    """One target for the source: the source itself, or translated and changed one way."""
    if rng.random() < 0.07:
        return source
    return rng.choice(MUTATIONS)(rng, _translated(rng, source))


def _pairs(seed: int, count: int) -> Iterator[tuple[str, str]]:
    rng = random.Random(seed)
    for _ in range(count):
        source = _text(rng, rng.randint(1, 9))
        yield source, _mutated(rng, source)


def _unit(source: str, target: str, languages: tuple[str, str], preserve: bool) -> qa.Unit:
    pair = tx.Pair("u1", 3, Flat(source), Flat(target), (), languages[0], languages[1], None, preserve)
    return qa.read_unit(pair, tx.base_lang(languages[1]), 1.2)


def _disagreements(count: int, seed: int) -> tuple[list[tuple[str, str, str]], int]:
    """(source, target, language) where the filtered run differs from the full one; and how often it filtered."""
    wrong = []
    filtered = 0
    rng = random.Random(seed)
    for source, target in _pairs(seed, count):
        unit = _unit(source, target, rng.choice(LANGUAGES), rng.random() < 0.3)
        filtered += qa.tokens_agree(unit)
        if qa.issues(unit) != qa.issues(unit, filtered=False):
            wrong.append((source, target, unit.trg_base or ""))
    return wrong, filtered


@pytest.mark.parametrize("seed", range(6))
def test_the_filtered_run_reports_exactly_what_the_full_run_does(seed: int) -> None:
    wrong, filtered = _disagreements(4000, seed)
    assert wrong == []
    assert filtered > 800  # the filter did engage: a test of a filter that never skips would prove nothing


def test_the_filter_engages_on_ordinary_translations_and_not_on_tricky_text() -> None:
    same = [("Delete %s? (step 3)", "Supprimer %s ? (étape 3)"), ("Hi {{user.name}}!", "Salut {{user.name}} !"),
            ("<p>Open <b>Settings</b> now.</p>", "<p>Ouvrez <b>Paramètres</b> maintenant.</p>"),
            ("Step 1 of 3", "Étape 1 sur 3"), ("Total: 1,000.50", "Total : 1,000.50"), ("Next", "Suivant")]
    for source, target in same:
        assert qa.tokens_agree(_unit(source, target, ("en", "fr"), False)), (source, target)
    differ = [("Delete %s?", "Supprimer %d ?"), ("1 000 files", "1 x 000 fichiers"), ("<b>x</b>", "<i>x</i>"),
              ("{0} files", "{1} fichiers"), ("1<b> </b>000", "1<b>  </b>000"), ("1<b>,</b>000", "1<b>x</b>000")]
    for source, target in differ:
        assert not qa.tokens_agree(_unit(source, target, ("en", "fr"), False)), (source, target)
    for tricky in ("see https://x.example/a", "mail a@b.example", "www.example.com", "<!-- c --> 1",
                   "{n, plural, other {# x}}", "%<b>s</b>", "&am<b>p;</b>", "5 m²", "１ file"):
        assert tx.token_signature(tricky) is None, tricky


_SIGNATURE = tx.token_signature


def _atoms_only(text: str) -> list[str] | None:
    """A filter that forgets what joins atoms into pieces (a number through a space or a tag)."""
    signature = _SIGNATURE(text)
    return None if signature is None else [atom for piece in signature for atom in tx._PIECE_RE.findall(piece.replace(" ", "\x00"))]


def _no_url_guard(text: str) -> list[str] | None:
    """A filter that reads URLs as if they were plain text."""
    return tx._PIECE_RE.findall(text)


@pytest.mark.parametrize("broken", [lambda text: [], _atoms_only, _no_url_guard], ids=["always", "atoms", "urls"])
def test_a_wrong_filter_is_caught(broken: Callable[[str], list[str] | None], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tx, "token_signature", broken)
    wrong, _ = _disagreements(4000, 0)
    assert wrong  # the generated pairs are rich enough to expose a filter that skips too much
