"""TM rules: a translation against the rest of the repository and the glossary.

Unlike the other families these need to know more than one file: the caller
(:mod:`pxl10n.sync.validation`) puts the repository's conflicting translations
and the configured glossary in the :class:`~pxl10n.validate.context.Context`;
without them the rules stay silent, so a lone XLIFF file validates as before.
"""

from __future__ import annotations

from collections.abc import Iterator

from pxl10n.assets.consistency import departure
from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document, Family, Finding, warning
from pxl10n.xliff.segments import iter_segments, markup, plain_text

TM101 = warning(
    "TM101", "Same source translated differently in this locale",
    "Another unit of the repository translates the same source (same text and inline codes) into this "
    "locale differently, and more often. Users see two words for one thing. Use the reference "
    "translation, or change the others; a 1:1 tie reports both sides.",
    needs_config=True,
)
TM102 = warning(
    "TM102", "Glossary term not translated as approved",
    "The source uses a term of the glossary ([validate] glossary, TBX or CSV) but the target contains "
    "none of its approved translations for this locale. Matching ignores case; the term must be a whole "
    "word in the source, the translation may be part of a word in the target (compounds, inflections).",
    needs_config=True,
)
RULES = (TM101, TM102)


def target_locale(doc: Document, ctx: Context) -> str | None:
    """The locale a document translates into: as its path says, else as its first file declares."""
    laid_out = ctx.expected_for(doc.path).laid_out
    if laid_out is not None:
        return laid_out.locale
    return next((view.trg for view in doc.view.files if view.trg), None)


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    """TM101 against the repository's variants, TM102 against the glossary, for each translated segment."""
    if not ctx.translations and ctx.glossary is None:
        return
    assert doc.tree is not None
    locale = target_locale(doc, ctx)
    if locale is None:
        return
    for segment in iter_segments(doc.tree):
        if not segment.has_target or segment.target is None:
            continue
        source, target = markup(segment.source), markup(segment.target)
        variants = ctx.translations.get((locale, source))
        verdict = departure(target, variants) if variants else None
        if verdict is not None:
            ref = verdict.reference
            yield doc.finding(
                TM101,
                f"{plain_text(segment.source)!r} is translated {verdict.variants} ways in {locale}; "
                f"{ref.count} unit(s) say {ref.text!r} (e.g. {ref.example})",
                element=segment.target, unit=segment.unit_id,
            )
        if ctx.glossary is not None:
            for miss in ctx.glossary.misses(plain_text(segment.source), plain_text(segment.target), locale):
                approved = " or ".join(repr(a) for a in miss.approved)
                yield doc.finding(
                    TM102, f"glossary: {miss.term!r} should be translated as {approved} ({ctx.glossary.name})",
                    element=segment.target, unit=segment.unit_id,
                )


FAMILY = Family("tm", "TM", "Consistency and terminology across the repository", RULES, check)
