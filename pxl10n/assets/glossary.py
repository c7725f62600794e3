"""A terminology glossary (TBX or CSV, read by translate-toolkit) and the check it enables.

A term counts as used when it appears in a source as a whole word, ignoring
case; it counts as translated as approved when one of its approved (not
deprecated) translations for the locale appears anywhere in the target,
ignoring case (so German compounds and inflected forms still pass).

TBX is multilingual: one file serves every locale, matched by language tag (an
entry for ``de`` serves ``de-DE``). CSV is bilingual (``source,target``): name it
with ``{locale}`` (``terms-{locale}.csv``) for one file per locale; a CSV without
the placeholder serves the project only when it has a single target locale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from pxl10n.errors import ConfigError, XliffError
from pxl10n.xliff.io import parse_xml

LOCALE_PLACEHOLDER = "{locale}"


def _lang(tag: str | None) -> str:
    return (tag or "").replace("_", "-").lower()


def _serves(entry_lang: str, locale: str) -> bool:
    """A glossary language serves a locale when equal, or when it is the locale's language alone."""
    entry, wanted = _lang(entry_lang), _lang(locale)
    return entry == wanted or (bool(entry) and "-" not in entry and wanted.split("-")[0] == entry)


@dataclass(frozen=True)
class Term:
    """A source term and its approved translations per locale (lower-case locale tag)."""

    source: str
    approved: tuple[tuple[str, tuple[str, ...]], ...]
    pattern: re.Pattern[str] = field(compare=False, repr=False, default=re.compile(""))

    def translations(self, locale: str) -> tuple[str, ...]:
        return next((values for loc, values in self.approved if loc == _lang(locale)), ())


@dataclass(frozen=True)
class GlossaryMiss:
    """A term used in the source whose approved translation is missing from the target."""

    term: str
    approved: tuple[str, ...]


@dataclass(frozen=True)
class Glossary:
    """Terms loaded for the configured locales, and where they came from."""

    name: str
    terms: tuple[Term, ...]

    def misses(self, source: str, target: str, locale: str) -> list[GlossaryMiss]:
        """The terms ``source`` uses that ``target`` does not translate as approved."""
        folded = target.casefold()
        found = []
        for term in self.terms:
            approved = term.translations(locale)
            if approved and term.pattern.search(source) and not any(a.casefold() in folded for a in approved):
                found.append(GlossaryMiss(term.source, approved))
        return found


def _term(source: str, approved: dict[str, list[str]]) -> Term:
    pattern = re.compile(rf"(?<!\w){re.escape(source.strip())}(?!\w)", re.IGNORECASE)
    return Term(source.strip(), tuple((loc, tuple(dict.fromkeys(v))) for loc, v in sorted(approved.items()) if v), pattern)


def _read_tbx(data: bytes, source_locale: str, locales: Iterable[str]) -> list[Term]:
    from translate.misc.xml_helpers import getXMLlang
    from translate.storage.tbx import tbxfile

    store = tbxfile.parsestring(data)
    terms = []
    for unit in store.units:
        langs = [getXMLlang(node) for node in unit.getlanguageNodes()]
        source_lang = next((lang for lang in langs if _serves(lang, source_locale)), None)
        if source_lang is None:
            continue
        approved: dict[str, list[str]] = {}
        for locale in locales:
            for lang in (lang for lang in langs if _serves(lang, locale)):
                approved.setdefault(_lang(locale), []).extend(t.text for t in unit.get_target_terms(lang) if t.text.strip() and not t.deprecated)
        for source in (t for t in unit.get_target_terms(source_lang) if t.text.strip() and not t.deprecated):
            terms.append(_term(source.text, approved))
    return terms


def _read_csv(data: bytes, locale: str) -> list[Term]:
    from translate.storage.csvl10n import csvfile

    store = csvfile(BytesIO(data))
    return [_term(str(unit.source), {_lang(locale): [str(unit.target)]}) for unit in store.units if str(unit.source).strip() and str(unit.target or "").strip()]


def load_glossary(path: Path, source_locale: str, locales: tuple[str, ...]) -> Glossary:
    """Read the glossary at ``path`` for ``locales``; ConfigError naming the file when it cannot serve."""
    name = path.name
    try:
        if path.suffix.lower() == ".tbx":
            data = path.read_bytes()
            parse_xml(data, source=f"glossary {path}")  # not XML: said as every XML file is (the toolkit's words repeat lxml's)
            terms = _read_tbx(data, source_locale, locales)
        elif LOCALE_PLACEHOLDER in name:
            terms = []
            for locale in locales:
                per_locale = path.with_name(name.replace(LOCALE_PLACEHOLDER, locale))
                if per_locale.is_file():
                    terms += _read_csv(per_locale.read_bytes(), locale)
        elif len(locales) == 1:
            terms = _read_csv(path.read_bytes(), locales[0])
        else:
            raise ConfigError(f"{path}: a CSV glossary is bilingual; with several locales name it with {{locale}}, e.g. terms-{{locale}}.csv")
    except FileNotFoundError:
        raise ConfigError(f"glossary {path} does not exist ([validate] glossary)") from None
    except XliffError as exc:
        raise ConfigError(exc.message) from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"glossary {path} cannot be read: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - the toolkit's parsers raise lxml and csv errors of their own
        raise ConfigError(f"glossary {path} is not valid {path.suffix[1:].upper()}: {exc}") from None
    return Glossary(name, tuple(terms))
