"""TT rules: translate-toolkit's own pofilter tests, for users who know them.

Off by default (opt-in: ``--select TT`` or a code); the QA family covers the same
ground for PX's formats without the toolkit's false positives on XLIFF inline
markup. Each rule is one pofilter test, named in its title, run on the
segment's text with inline codes flattened.
"""

from __future__ import annotations

from collections.abc import Iterator

from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document, Family, Finding, Rule, warning
from pxl10n.validate.tm import target_locale
from pxl10n.xliff.segments import iter_segments, plain_text


def _tt(code: str, test: str, what: str) -> Rule:
    """A rule for pofilter's test ``test``; the clause names the test, which is how findings find their rule."""
    return warning(code, f"pofilter {test}: {what}", f"translate-toolkit's pofilter test `{test}` fails: {what}. See the pofilter documentation for its exact logic.", f"pofilter {test}")


TT101 = _tt("TT101", "xmltags", "XML/HTML tags differ")
TT102 = _tt("TT102", "endpunc", "different punctuation at the end")
TT103 = _tt("TT103", "numbers", "numbers differ")
TT104 = _tt("TT104", "urls", "URLs differ")
TT105 = _tt("TT105", "emails", "e-mail addresses differ")
TT106 = _tt("TT106", "doublewords", "a word is repeated")
TT107 = _tt("TT107", "brackets", "brackets differ")
TT108 = _tt("TT108", "unchanged", "the target is the source, unchanged")
TT109 = _tt("TT109", "sentencecount", "the number of sentences differs")
TT110 = _tt("TT110", "doublespacing", "double spaces differ")
RULES = (TT101, TT102, TT103, TT104, TT105, TT106, TT107, TT108, TT109, TT110)
#: pofilter test name -> rule
BY_TEST = {(rule.clause or "").removeprefix("pofilter "): rule for rule in RULES}


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Every selected pofilter test on every translated segment."""
    from pxl10n.assets.toolkit_checks import pofilter_failures

    assert doc.tree is not None
    locale = target_locale(doc, ctx) or "en"
    for segment in iter_segments(doc.tree):
        if not segment.has_target or segment.target is None:
            continue
        for test, message in pofilter_failures(plain_text(segment.source), plain_text(segment.target), locale).items():
            rule = BY_TEST.get(test)
            if rule is not None:
                yield doc.finding(rule, f"pofilter {test}: {message}", element=segment.target, unit=segment.unit_id)


FAMILY = Family("toolkit", "TT", "translate-toolkit's pofilter tests (opt-in)", RULES, check)
