"""QA's document scan: every proof clears only units its check finds nothing in.

:func:`pxl10n.validate.qa.check` runs a check on a unit only where the check's
proof (``qa.PROOFS``) names it. These tests run every check on every unit of
generated, mutated documents the long way (``read_unit`` and the check) and
hold the proofs to it: a unit the check reports must be one its proof names.
The last test breaks a proof on purpose and shows the comparison catches it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Collection
from xml.sax.saxutils import escape

import pytest

from pxl10n.validate import parsing, qa
from pxl10n.validate import qa_text as tx
from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document
from pxl10n.xliff.view import Flat

#: Pieces a UI string is made of: words, placeholders of every grammar, tags, numbers, links, punctuation.
PIECES = (
    "Save", "your", "changes", "now", "Open", "the", "file", "{{user.name}}", "{{ count }}", "{0}", "{1}", "{name}",
    "${total}", "%s", "%d", "%1$s", "%2$@", "%@U", "%(name)s", "%user%", "%%", "50%", "%-5.2f", "%<s", "%tY",
    "<b>", "</b>", "<i>", "</i>", '<a href="https://x.example/a">', "</a>", "<br>", "<br/>", "<Enter>", "<!-- c -->",
    "<my-widget>", "</my-widget>", '<span class="k">', "</span>", "1", "14", "1,000", "1.000,5", "3.14", "2 500",
    "１２", "²", "①", "https://help.example.com/start", "www.example.org", "WWW.Example.org/x.", "a.b@example.com",
    "&amp;", "&lt;b&gt;", "&#33;", "&#46", "…", "...", "。", "！", "？", "?", "!", ".", ":", ";", "\u037e", "¿", "¡",
    "\u00a0", "\u202f", "  ", "\n", "\n  ", "\t", "»", "”", ")", "form.label.name",
    "{n, plural, one {# file} other {# files}}", "{n, plural, =0 {none} other {# items}}", "{g, select, male {he} other {they}}",
    "\u0301", "ｅ", "ﬁ", "cafe\u0301", "\u1100\u1161", "\u0e17\u0e48\u0e38\u0e21",
)
LANGUAGES = ("fr-FR", "de", "es-ES", "ja", "zh-CN", "el", "th", "hy", "en-US", "ko", None)


def _text(rng: random.Random) -> str:
    words = [rng.choice(PIECES) for _ in range(rng.randint(0, 9))]
    glue = rng.choice((" ", " ", " ", "", "\u00a0"))
    return glue.join(words)


def _mutate(text: str, rng: random.Random) -> str:
    """A target as a translator (or a slip) makes it: words changed, pieces dropped, moved, doubled or added."""
    for _ in range(rng.randint(0, 3)):
        kind = rng.randrange(9)
        parts = text.split(" ")
        if kind == 0 and parts:
            parts.pop(rng.randrange(len(parts)))
        elif kind == 1:
            parts.insert(rng.randint(0, len(parts)), rng.choice(PIECES))
        elif kind == 2 and len(parts) > 1:
            rng.shuffle(parts)
        elif kind == 3:
            parts = [p.upper() if rng.random() < 0.3 else p for p in parts]
        elif kind == 4:
            text = rng.choice((" ", "", "\n", "  ")) + text + rng.choice((" ", "", "\n", ".", "!", " ?"))
            continue
        elif kind == 5:
            text = text.replace("1", "2", 1).replace("{0}", "{1}", 1).replace("%s", "%d", 1)
            continue
        elif kind == 6:
            text = text.replace(" ", "  ", 1)
            continue
        elif kind == 7:
            parts = [p + rng.choice(("", "", "é", "ß")) for p in parts]
        text = " ".join(parts)
    return text


def _codes(rng: random.Random) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    if rng.random() < 0.7:
        return (), (), False
    codes = tuple(f'<g id="{rng.randint(1, 3)}">' for _ in range(rng.randint(0, 2)))
    markers = tuple(f'<mrk id="{rng.randint(1, 2)}">' for _ in range(rng.randint(0, 1)))
    return codes, markers, True


def pairs(rng: random.Random, count: int) -> list[tx.Pair]:
    """A document's worth of pairs: some copied, some translated, some broken."""
    src_lang, trg_lang = rng.choice(LANGUAGES), rng.choice(LANGUAGES)
    out = []
    for index in range(count):
        source = _text(rng)
        target = source if rng.random() < 0.3 else _mutate(source, rng)
        s_codes, s_markers, s_inline = _codes(rng)
        t_codes, t_markers, t_inline = (s_codes, s_markers, s_inline) if rng.random() < 0.6 else _codes(rng)
        out.append(tx.Pair(f"u{index}", index + 1,
                           Flat(source, s_codes, s_markers, s_inline, s_inline and rng.random() < 0.3, False),
                           Flat(target, t_codes, t_markers, t_inline, False, t_inline and rng.random() < 0.3),
                           (), src_lang, trg_lang, None, rng.random() < 0.2))
    return out


Proofs = tuple[Callable[[qa.Scan], Collection[int]], ...]


def missed(document: list[tx.Pair], proofs: Proofs = qa.PROOFS) -> list[tuple[str, str, str, str]]:
    """(check, unit, source, target) for every unit a check reports but neither its proof nor the ICU rule names."""
    scan = qa.scan(document)
    icu_units = qa.qs.having(qa.icu.HEAD_RE, scan.src)
    units = [qa.read_unit(pair, *scan.languages[index]) for index, pair in enumerate(document)]
    out = []
    for check, proof in zip(qa.CHECKS, proofs, strict=True):
        named = set(proof(scan)) | icu_units
        for index, (pair, unit) in enumerate(zip(document, units, strict=True)):
            if check(unit) and index not in named:
                out.append((check.__name__, pair.unit or "", pair.source.text, pair.target.text))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_no_proof_clears_a_unit_its_check_reports(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        assert missed(pairs(rng, rng.randint(1, 30))) == []


def test_the_scan_reads_each_unit_as_read_unit_does() -> None:
    rng = random.Random(99)
    for _ in range(20):
        document = pairs(rng, 20)
        scan = qa.scan(document)
        for index, pair in enumerate(document):
            unit = qa.read_unit(pair, *scan.languages[index])
            assert (scan.src_visible.texts[index], scan.trg_visible.texts[index]) == (unit.src_visible, unit.trg_visible)


def test_the_proofs_clear_most_of_a_sound_translation() -> None:
    """The point of the scan: a clean document sends next to nothing through the checks."""
    document = [tx.Pair(f"u{i}", i, Flat(f"Open {{0}} in step {i}."), Flat(f"Ouvrez {{0}} à l'étape {i}."), (),
                        "en", "fr") for i in range(40)]
    assert qa.checks_to_run(qa.scan(document)) == {}


def _whole(doc: Document) -> list[tuple[str, int | None, str | None, str]]:
    return [(f.code, f.line, f.unit, f.message) for f in qa.check(doc, Context())]


def _long_way(doc: Document) -> list[tuple[str, int | None, str | None, str]]:
    """What qa.check reports when every check runs on every unit (every proof names every unit)."""
    everything = tuple(lambda s: range(len(s.reads)) for _ in qa.PROOFS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(qa, "PROOFS", everything)
        return _whole(doc)


def test_check_reports_what_the_long_way_reports() -> None:
    rng = random.Random(1000)
    for _ in range(20):
        units = "".join(f'<trans-unit id="t{i}"><source>{escape(p.source.text)}</source>'
                        f'<target>{escape(p.target.text)}</target></trans-unit>'
                        for i, p in enumerate(pairs(rng, rng.randint(1, 20))))
        xml = ('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="f" '
               f'source-language="en" target-language="{rng.choice(LANGUAGES) or "fr"}" datatype="html"><body>'
               f"{units}</body></file></xliff>")
        doc = Document("x.xlf", xml.encode())
        assert parsing.parse(doc) == []
        assert _whole(doc) == _long_way(doc)


def test_a_broken_proof_is_caught() -> None:
    """Drop the trailing-whitespace half of the whitespace proof: the comparison above must notice."""
    def leading_only(s: qa.Scan) -> Collection[int]:
        return qa.qs.having(qa._WHITESPACE_RE, s.src, s.trg)

    broken = tuple(leading_only if proof is qa.needs_whitespace else proof for proof in qa.PROOFS)
    rng = random.Random(7)
    caught = [m for _ in range(40) for m in missed(pairs(rng, 20), broken)]
    assert any(check == "check_whitespace" for check, *_ in caught)


# --- the whole-side readings the proofs rest on, each held to what it replaces, text by text -----------------

#: Pieces of number-bearing text: digits, every number separator, and what is not one.
NUMBER_PIECES = ("1", "2", "14", "1,000", "1.000,5", "2 500", "3.14", "0", ",", ".", " ", "'", "’", "x", "é", "\u00a0",
                 "²", "１", "\ue000", ")", "  ", "\n", "-", "5'000", "7’000")


def _number_text(rng: random.Random) -> str:
    return "".join(rng.choice(NUMBER_PIECES) for _ in range(rng.randint(0, 6)))


def _renumbered(text: str, rng: random.Random) -> str:
    """``text`` as a translation may write it: words changed around the numbers, or a number changed."""
    kind = rng.randrange(4)
    if kind == 0:
        return text.replace("x", rng.choice(("é", ")", "xx", "-", "\ue000", "")))
    if kind == 1:
        return text.replace(rng.choice(NUMBER_PIECES), rng.choice(NUMBER_PIECES))
    if kind == 2:
        return rng.choice(("x", "", " ")) + text + rng.choice(("x", "", " ", "."))
    return text


def test_a_number_layout_shared_by_two_sides_means_the_same_numbers_text_by_text() -> None:
    rng = random.Random(5)
    alike = 0
    for _ in range(4000):
        src = [_number_text(rng) for _ in range(rng.randint(1, 5))]
        trg = [_renumbered(t, rng) for t in (src if rng.random() < 0.8 else [*src[1:], src[0]])]
        src_side, trg_side = qa.qs.side(src), qa.qs.side(trg)
        layout = tx.number_layout(src_side, qa.PLACEHOLDER_MARK)
        if layout is not None and layout == tx.number_layout(trg_side, qa.PLACEHOLDER_MARK):
            alike += src != trg
            assert tx.numbers_by_unit(src_side) == tx.numbers_by_unit(trg_side), (src, trg)
    assert alike > 200  # sides with other texts but the same layout: the comparison means something


def test_the_final_classes_of_a_side_are_final_punctuation_text_by_text() -> None:
    rng = random.Random(6)
    for _ in range(300):
        texts = [_text(rng) for _ in range(rng.randint(1, 8))]
        side = qa.qs.side([qa.tx.strip_markup(t, qa.PLACEHOLDER_MARK) for t in texts])
        assert qa.final_classes(side) == [qa.final_punctuation(t) for t in reversed(side.texts)] + [None]


def test_url_matches_are_what_finditer_finds() -> None:
    everything = "".join(map(chr, range(0x110000)))
    for letter, folded in (("s", tx._S), ("p", tx._P), ("h", tx._H), ("f", tx._F)):  # the scheme letters, as re folds them
        assert set(re.findall(letter, everything, re.IGNORECASE)) == folded
    rng = random.Random(8)
    pieces = ("http", "https", "ftp", "://", "www.", "WWW.", "wWw.", "w.", "x", "1", " ", ".", "/", "ſ", "httpſ", "HtTpS",
              "<", "{", "\u3000", "é", ")", "\x00", "ww", "h", ":/", "@", "\u212a", "ı")
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert [m.span() for m in tx.url_matches(text)] == [m.span() for m in tx.URL_RE.finditer(text)], text


#: The placeholder grammar as one alternation, in the order it was first written (``%%`` first, printf last):
#: the pieces ``qa_text`` now builds it from must find exactly what this finds.
_PLACEHOLDER_AS_WRITTEN = re.compile(
    r"%%|\{\{\{[^{}]+\}\}\}|\{\{[^{}]+\}\}|\$\{[^{}]+\}"
    r"|\{\s*[A-Za-z_][\w.\-]*\s*,\s*(?:plural|select|selectordinal|number|date|time|ordinal|spellout|duration)\b"
    r"|\{\s*(?:\d+|[A-Za-z_][\w.\-]*)\s*\}|%\([A-Za-z_]\w*\)[-+#0]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%(?:\d+\$)?[-+#0]*(?:\d+|\*)?(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn@](?![A-Za-z])"
)


def test_placeholder_scans_find_what_the_grammar_as_written_finds() -> None:
    """One scan per first character, merged, against the one alternation: overlaps (``${x}`` holds ``{x}``)
    included, and the substitution built from them against ``re.sub``."""
    rng = random.Random(11)
    pieces = ("{", "}", "{{", "}}", "${", "$", "%", "%%", "%(", ")s", "x", "0", " ", ",", "plural", "1$", "s", "d",
              ".", "-", "\x00", "a", "{{{", "}}}", "@", "l", "*")
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        expected = [(m.span(), m.group()) for m in _PLACEHOLDER_AS_WRITTEN.finditer(text)]
        assert [(m.span(), m.group()) for m in tx.PLACEHOLDER_RE.finditer(text)] == expected, text
        assert [(m.span(), m.group()) for m in tx.placeholder_matches(text)] == expected, text
        assert tx.replace_placeholders(text, "\ue000") == _PLACEHOLDER_AS_WRITTEN.sub(
            lambda m: "%" if m.group() == "%%" else "\ue000", text), text


def test_a_side_is_stripped_as_its_texts_are_even_where_markup_runs_across_two() -> None:
    rng = random.Random(9)
    torn = ("{{a", "b}}", "${x", "<b", ">", "<a href='x", "'>", "&am", "p;", "&", "&#4", "6;", "http://x", "x@y", ".org",
            "%%", "\ue000", "\\")
    for _ in range(3000):
        texts = ["".join(rng.choice(PIECES + torn) for _ in range(rng.randint(0, 5))) for _ in range(rng.randint(0, 8))]
        stripped = tx.visible_side(qa.qs.side(texts), qa.PLACEHOLDER_MARK)
        assert stripped == qa.qs.side([tx.strip_markup(t, qa.PLACEHOLDER_MARK) for t in texts]), texts


def test_the_sparse_and_backward_scans_name_the_units_a_text_by_text_reading_names() -> None:
    rng = random.Random(10)
    for _ in range(2000):
        src = [_text(rng) for _ in range(rng.randint(0, 8))]
        trg = [_mutate(t, rng) for t in src]
        s, t = qa.qs.side(src), qa.qs.side(trg)
        for pattern, matches in ((qa.html.TAG_RE, None), (qa.printf.RUN_RE, None),
                                 (tx.PLACEHOLDER_RE, tx.placeholder_matches), (tx.URL_RE, tx.url_matches)):
            assert qa.qs.differing(pattern, s, t, matches) == {
                i for i, (a, b) in enumerate(zip(src, trg, strict=True)) if pattern.findall(a) != pattern.findall(b)}
        assert qa.qs.ending_with(qa._WHITESPACE_RE, s) == {i for i, a in enumerate(src) if a != a.rstrip()}


def test_strip_tags_removes_exactly_the_tags_scan_calls_known() -> None:
    """Its one pattern for every HTML element name (grouped by first letter) against the tag scanner's reading."""
    rng = random.Random(12)
    names = sorted(qa.html.HTML_ELEMENTS) + ["my-widget", "x-", "b1", "bx", "Enter", "blink", "a-b-c", "h7", "-a"]
    after = ("", ">", " >", "/>", ' class="k">', "-x>", "1>", "x>", "-", " ")

    def known_removed(text: str) -> str:
        return qa.html.TAG_RE.sub(lambda m: "" if m.group(2).lower() in qa.html.HTML_ELEMENTS or "-" in m.group(2)
                                  else m.group(), text)

    for _ in range(5000):
        text = "".join(rng.choice(("<", "</", "x", " ", "")) + "".join(c.upper() if rng.random() < 0.3 else c
                                                                        for c in rng.choice(names)) + rng.choice(after)
                       for _ in range(rng.randint(1, 4)))
        assert qa.html.strip_tags(text) == known_removed(text), text
