"""The emulator's in-memory PX subscription: items, their text, their translations.

Everything the HTTP layer answers comes from one :class:`Store`, guarded by one
lock so concurrent exports and imports from a threaded server never see half an
update. Items are plain data (what PX would list) plus localizable *units*
(unit id -> source text) and stored *translations* (locale -> unit id -> target).
The import log lets tests assert exactly what reached "PX" and how often.

Fixture layout (one directory, every file optional)::

    subscription.json   {"id", "name", "defaultLanguage", "allowedLanguages", "products"}
    engagements.json    [{"id", "name", "type", "state", "envs", "productId", ...item}]
    kcbots.json         [{"id", "name", "modifiedDate", "status", "environments", "productId", ...item}]
    articles.json       [{"id", "articleName", "modifiedDate", "productId", ...item}]
    content.json        [{"id", "name", "type", ...item}]

where ``...item`` is ``"defaultLanguage"``, ``"languages"`` (locale codes enabled
on the item besides the default), ``"units"`` ({unit id: source}) and
``"translations"`` ({locale: {unit id: target}}). Any other key is listed as is.
"""

from __future__ import annotations

import copy
import json
import random
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

KINDS: tuple[str, ...] = ("engagement", "kcbot", "article", "content")
FIXTURE_FILES: dict[str, str] = {
    "engagement": "engagements.json",
    "kcbot": "kcbots.json",
    "article": "articles.json",
    "content": "content.json",
}
EMAIL_TYPES = frozenset({"EMAIL", "OUT_BOUND_EMAIL"})
CONTENT_TYPES = frozenset(
    {
        "GUIDE", "ANNOUNCEMENT", "SLIDER", "LINK", "BOOLEAN_SURVEY", "RATING_SURVEY",
        "NPS_SURVEY", "CES_SURVEY", "MULTIPLE_QUESTION_SURVEY", "ARTICLE",
        "KNOWLEDGE_BASE_ARTICLE", "CUSTOM_LINK", "FUNC_CALL", "COMMUNITY",
    }
)
#: LTR languages a typical subscription allows; Arabic, Hebrew, Persian, Urdu never are.
DEFAULT_ALLOWED_LANGUAGES: tuple[str, ...] = (
    "en-US", "en-GB", "fr-FR", "fr-CA", "de-DE", "es-ES", "es-MX", "it-IT", "ja-JP", "zh-CN",
    "zh-TW", "pt-BR", "pt-PT", "nl-NL", "ko-KR", "sv-SE", "da-DK", "fi-FI", "nb-NO", "pl-PL",
    "cs-CZ", "tr-TR",
)
_ITEM_KEYS = frozenset({"id", "defaultLanguage", "languages", "units", "translations"})


@dataclass
class Item:
    """One localizable PX item: listing fields, source units and stored translations."""

    kind: str
    id: str
    fields: dict[str, Any]
    default_language: str = "en-US"
    languages: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def type(self) -> str | None:
        """Engagement type or content-library type (None for bots and articles)."""
        return self.fields.get("type")

    @property
    def localizable(self) -> bool:
        """False for email engagements: PX does not localize them."""
        return not (self.kind == "engagement" and self.type in EMAIL_TYPES)

    def is_translated(self, locale: str) -> bool:
        """True when every unit has a non-empty target in ``locale``."""
        if locale == self.default_language:
            return True
        done = self.translations.get(locale, {})
        return bool(self.units) and all(done.get(unit_id) for unit_id in self.units)

    def translation_state(self) -> str:
        """NOT_TRANSLATED / PARTIALLY_TRANSLATED / TRANSLATED over the enabled languages."""
        return self._state([self.is_translated(code) for code in self.languages])

    def _state(self, flags: list[bool]) -> str:
        """The translation state from ``is_translated`` of each enabled language, in order."""
        if flags and all(flags):
            return "TRANSLATED"
        if any(self.translations.get(code) for code in self.languages):
            return "PARTIALLY_TRANSLATED"
        return "NOT_TRANSLATED"

    def to_json(self) -> dict[str, Any]:
        """The item as PX lists it (no units, no translations)."""
        flags = [self.is_translated(code) for code in self.languages]  # once: a listing asks for hundreds
        languages = [{"languageCode": self.default_language, "translated": True}]
        languages += [{"languageCode": code, "translated": done} for code, done in zip(self.languages, flags, strict=True)]
        return {
            "id": self.id,
            **copy.deepcopy(self.fields),
            "defaultLanguage": self.default_language,
            "languages": languages,
            "translationState": self._state(flags),
        }

    @classmethod
    def from_json(cls, kind: str, data: dict[str, Any]) -> Item:
        """Build an item from one fixture record."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        return cls(
            kind=kind,
            id=str(data["id"]),
            fields={k: v for k, v in data.items() if k not in _ITEM_KEYS},
            default_language=data.get("defaultLanguage", "en-US"),
            languages=list(data.get("languages", [])),
            units=dict(data.get("units", {})),
            translations={loc: dict(t) for loc, t in data.get("translations", {}).items()},
        )


@dataclass(frozen=True)
class ImportRecord:
    """One import request as the emulator saw it (``id``/``locale`` None when unreadable)."""

    kind: str
    id: str | None
    locale: str | None
    status: int
    time: float


class Store:
    """Thread-safe subscription data shared by every request handler."""

    def __init__(
        self,
        items: Iterable[Item] = (),
        *,
        subscription: dict[str, Any] | None = None,
        allowed_languages: Iterable[str] | None = None,
    ) -> None:
        self.lock = threading.RLock()
        sub = dict(subscription or {})
        self.subscription: dict[str, Any] = {
            "id": sub.pop("id", "sub-emulator"),
            "name": sub.pop("name", "PX emulator"),
            "defaultLanguage": sub.pop("defaultLanguage", "en-US"),
            "products": sub.pop("products", []),
            **sub,
        }
        langs = allowed_languages or self.subscription.pop("allowedLanguages", None) or DEFAULT_ALLOWED_LANGUAGES
        self.allowed_languages: list[str] = list(dict.fromkeys(langs))
        self.localization_enabled = True
        self._items: dict[tuple[str, str], Item] = {}
        self._imports: list[ImportRecord] = []
        self._exports: dict[tuple[str, str, str], tuple[str, str]] = {}
        for item in items:
            self.add(item)

    @classmethod
    def load(cls, directory: str | Path) -> Store:
        """Read a fixtures directory (see the module docstring for its layout)."""
        root = Path(directory)
        if not root.is_dir():
            raise FileNotFoundError(f"fixtures directory {root} does not exist")
        sub_file = root / "subscription.json"
        subscription = _fixture(sub_file, dict) if sub_file.is_file() else {}
        items: list[Item] = []
        for kind, name in FIXTURE_FILES.items():
            path = root / name
            if path.is_file():
                items += [_item(kind, path, at, record) for at, record in enumerate(_fixture(path, list))]
        return cls(items, subscription=subscription)

    @classmethod
    def default(cls) -> Store:
        """The embedded realistic subscription shipped in ``emulator/fixtures``."""
        with resources.as_file(resources.files("pxl10n.emulator") / "fixtures") as path:
            return cls.load(path)

    @classmethod
    def synthetic(cls, n_items: int, locales: list[str], seed: int = 0) -> Store:
        """A big deterministic subscription for benchmarks (mostly engagements)."""
        return _synthetic(cls, n_items, locales, seed)

    def add(self, item: Item) -> None:
        """Add or replace an item (tests use this for edge cases like empty items)."""
        with self.lock:
            self._items[(item.kind, item.id)] = item

    def remove(self, kind: str, item_id: str) -> None:
        """Delete an item, as when someone deletes it in PX."""
        with self.lock:
            self._items.pop((kind, item_id), None)

    def items(self, kind: str) -> list[Item]:
        """Items of one kind in insertion order."""
        with self.lock:
            return [item for (k, _), item in self._items.items() if k == kind]

    def get(self, kind: str, item_id: str) -> Item | None:
        """One item, or None."""
        with self.lock:
            return self._items.get((kind, item_id))

    def translations(self, kind: str, item_id: str, locale: str) -> dict[str, str]:
        """A copy of the stored targets of one item in one locale."""
        with self.lock:
            item = self._items[(kind, item_id)]
            return dict(item.translations.get(locale, {}))

    def apply_import(self, kind: str, item_id: str, locale: str, targets: dict[str, str]) -> int:
        """Store targets for known units, enable the locale; returns how many units were set."""
        with self.lock:
            item = self._items[(kind, item_id)]
            known = {uid: text for uid, text in targets.items() if uid in item.units}
            item.translations.setdefault(locale, {}).update(known)
            if locale not in item.languages:
                item.languages.append(locale)
            if "modifiedDate" in item.fields:
                item.fields["modifiedDate"] = int(time.time() * 1000)
            return len(known)

    def record_import(self, kind: str, item_id: str | None, locale: str | None, status: int) -> None:
        """Append to the import log (every import request, successful or not)."""
        with self.lock:
            self._imports.append(ImportRecord(kind, item_id, locale, status, time.time()))

    def imports(self, status: int | None = None) -> list[ImportRecord]:
        """The import log, optionally only the records with ``status``."""
        with self.lock:
            return [rec for rec in self._imports if status is None or rec.status == status]

    def record_export(self, kind: str, item_id: str, locale: str, version: str, strategy: str) -> None:
        """Remember how an item/locale was last exported (imports must match it)."""
        with self.lock:
            self._exports[(kind, item_id, locale)] = (version, strategy)

    def last_export(self, kind: str, item_id: str, locale: str) -> tuple[str, str] | None:
        """(version, strategy) of the last export of that item/locale, if any."""
        with self.lock:
            return self._exports.get((kind, item_id, locale))

    def subscription_json(self) -> dict[str, Any]:
        """What ``GET /v1/admin/subscription`` answers."""
        with self.lock:
            return {**copy.deepcopy(self.subscription), "allowedLanguages": list(self.allowed_languages)}


_WORDS = (
    "account dashboard report export filter widget setting invite team billing usage "
    "insight segment journey survey feedback release update shortcut workspace project"
).split()
_ENGAGEMENT_TYPES = ("IN_APP_DIALOG", "IN_APP_GUIDE", "IN_APP_CAROUSEL", "IN_APP_NOTIFICATION", "IN_APP_NPS_SURVEY")


def _fixture(path: Path, shape: type[list[Any]] | type[dict[str, Any]]) -> Any:
    """The JSON of one fixture file, which must be a ``shape`` (a list of records, or an object); ValueError
    naming the file otherwise."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, shape):
        raise ValueError(f"{path}: must hold a JSON {'array of item objects' if shape is list else 'object'}")
    return data


def _item(kind: str, path: Path, at: int, record: Any) -> Item:
    """One fixture record as an item; ValueError naming the file and the record when it is not one."""
    if not isinstance(record, dict):
        problem = "is not an object"
    elif "id" not in record:
        problem = 'has no "id"'
    elif not isinstance(record.get("units", {}), dict):
        problem = '"units" must be an object (unit id: source text)'
    elif not isinstance(record.get("languages", []), list):
        problem = '"languages" must be an array of locale codes'
    elif not (isinstance(done := record.get("translations", {}), dict) and all(isinstance(t, dict) for t in done.values())):
        problem = '"translations" must be an object (locale: {unit id: text})'
    else:
        return Item.from_json(kind, record)
    raise ValueError(f"{path}: record {at + 1}: {problem}")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize()
    return rng.choice((f"{text}.", f"<p>{text}, {{{{user.firstName}}}}!</p>", f"{text} — {{{{account.name}}}} ✓"))


def _synthetic(cls: type[Store], n_items: int, locales: list[str], seed: int) -> Store:
    rng = random.Random(seed)
    items: list[Item] = []
    for n in range(n_items):
        roll = rng.random()
        kind = "engagement" if roll < 0.7 else "article" if roll < 0.85 else "kcbot" if roll < 0.95 else "content"
        units = {f"u{i}.text": _sentence(rng, rng.randint(3, 12)) for i in range(rng.randint(3, 12))}
        translations: dict[str, dict[str, str]] = {}
        for loc in locales:
            if rng.random() < 0.3:
                translations[loc] = {uid: f"[{loc}] {src}" for uid, src in units.items() if rng.random() < 0.6}
        fields_by_kind: dict[str, dict[str, Any]] = {
            "engagement": {"name": f"Engagement {n}", "type": rng.choice(_ENGAGEMENT_TYPES), "state": "LIVE",
                           "envs": ["PRODUCTION"], "productId": "AP-SYNTH-1"},
            "article": {"articleName": f"Article {n}", "modifiedDate": 1700000000000 + n, "productId": "AP-SYNTH-1"},
            "kcbot": {"name": f"Bot {n}", "modifiedDate": 1700000000000 + n, "status": "PUBLISHED",
                      "environments": ["PRODUCTION"], "productId": "AP-SYNTH-1"},
            "content": {"name": f"Content {n}", "type": "GUIDE"},
        }
        fields = fields_by_kind[kind]
        items.append(Item(kind, f"synth-{seed}-{n:05d}", fields, "en-US", list(locales), units, translations))
    allowed = list(dict.fromkeys([*DEFAULT_ALLOWED_LANGUAGES, *locales]))
    subscription = {"id": f"sub-synth-{seed}", "name": "Synthetic subscription",
                    "products": [{"id": "AP-SYNTH-1", "name": "Synthetic product"}]}
    return cls(items, subscription=subscription, allowed_languages=allowed)
