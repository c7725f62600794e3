"""The PX markup shortcuts answer exactly what the long way does: the memo and the leaf skip.

``px._problems_of`` answers exactly what ``px.html_problems`` answers; ``px._markup``
skips a single-part unit whose target is a leaf without ``<`` unread, and nothing else.

PX140/PX141 scan the escaped HTML of every unit's source and target; within one
document the scan is worked out once per sequence of ``<...>`` spans. These
tests pin that shortcut: over thousands of seeded texts sharing one memo (as the
units of a document do) every answer equals the direct scan, and a deliberately
coarser key is caught; markup anywhere in a target that is not a plain leaf is still read.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest
from lxml import etree

from pxl10n.validate import html, px
from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document
from pxl10n.xliff.io import safe_parser

_PIECES = (
    "<b>", "</b>", "<i>", "</i>", "<p>", "</p>", "<br>", "<br/>", "<blink>", "</blink>", "<a href='x>y'>", "</a>",
    '<span class="c">', "</span>", "<my-el>", "</my-el>", "<!--", "-->", "<!-- <b> -->", "<", ">", "a < b", "<3",
    "<Enter>", "<b", " text ", "Save", "<!-- c -->", "</strong>", "<strong>", "<img src=a>", "<<b>>", "<b<!-- -->>",
    "<!-- -->", "<B>", "</B >", "<b / >",
)

Answer = tuple[list[html.Problem], bool]
Memo = dict[tuple[str, ...], Answer]


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 8))) for _ in range(count)]


def _mismatches(problems_of: Callable[[str, Memo], Answer], seed: int = 9, documents: int = 300) -> int:
    """Texts whose memoized answer differs from the direct scan, over documents of 20 texts sharing a memo."""
    wrong = 0
    texts = _texts(seed, documents * 20)
    for start in range(0, len(texts), 20):
        memo: Memo = {}
        for text in texts[start : start + 20]:
            if problems_of(text, memo) != px.html_problems(text):
                wrong += 1
    return wrong


def test_the_memo_answers_as_the_scan_does() -> None:
    assert _mismatches(px._problems_of) == 0


def test_a_comment_that_joins_spans_is_not_answered_from_the_memo() -> None:
    memo: Memo = {}
    assert px._problems_of("<!-- -->", memo) == ([], False)
    joined = px._problems_of("<b<!-- -->>", memo)  # the scanner cuts the comment: <b> is left, never closed
    assert joined == px.html_problems("<b<!-- -->>")
    assert [p.kind for p in joined[0]] == ["unclosed"]


def test_the_memo_is_keyed_by_the_spans_so_shared_markup_is_scanned_once() -> None:
    memo: Memo = {}
    px._problems_of("<p>Open <strong>Settings</strong></p> (step 1)", memo)
    px._problems_of("<p>Ouvrez <strong>Paramètres</strong></p> (étape 2)", memo)
    assert list(memo) == [("<p>", "<strong>", "</strong>", "</p>")]


def test_a_coarser_key_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: a key that forgets what a span says is caught."""
    monkeypatch.setattr(px, "_TAG_SPAN", re.compile(r"<[A-Za-z]*"))
    assert _mismatches(px._problems_of) > 0


def test_a_memo_without_the_comment_guard_is_caught() -> None:
    def unguarded(text: str, memo: Memo) -> Answer:
        key = tuple(px._TAG_SPAN.findall(text))
        return memo.setdefault(key, px.html_problems(text))
    assert _mismatches(unguarded) > 0


# --- the leaf shortcut: a single-part unit whose target is a leaf without '<' is skipped unread --------------

_N12 = "urn:oasis:names:tc:xliff:document:1.2"


def _doc12(target: str) -> Document:
    data = (f'<xliff xmlns="{_N12}" version="1.2"><file original="item-1" source-language="en-US" '
            f'target-language="fr-FR" datatype="html"><body><trans-unit id="a"><source>&lt;b&gt;Hi&lt;/b&gt;'
            f'</source><target>{target}</target></trans-unit></body></file></xliff>').encode()
    tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    return Document("t.xlf", data, tree, "1.2")


@pytest.mark.parametrize("target", [
    "&lt;b&gt;Salut",  # in the leaf's text
    '<g id="1">&lt;b&gt;Salut</g>',  # inside an inline code
    '<x id="1"/>&lt;b&gt;Salut',  # in a tail after a code
    "<!-- note -->&lt;b&gt;Salut",  # after a comment (the target is no leaf)
    "<![CDATA[<b>Salut]]>",
])
def test_markup_anywhere_in_a_target_is_read(target: str) -> None:
    found = [f.code for f in px.check(_doc12(target), Context())]
    assert found == ["PX140"], target


def test_a_leaf_without_lt_is_skipped_without_changing_the_answer() -> None:
    assert [f.code for f in px.check(_doc12("Salut"), Context())] == []
    assert [f.code for f in px.check(_doc12('<g id="1">Salut</g>'), Context())] == []
