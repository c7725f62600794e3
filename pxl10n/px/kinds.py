"""The four localizable kinds of PX item, as one table.

Everything that differs between engagements, KC bots, articles and Content
Library entries (list path and field, export/import path, id parameter, names of
the display fields) lives here so the client, pull and push treat them alike.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """How PX exposes one kind of localizable item."""

    name: str
    list_path: str | None
    list_field: str | None
    item_path: str | None
    export_path: str
    import_path: str
    id_param: str
    name_field: str


ENGAGEMENT = Kind(
    name="engagement",
    list_path="/v1/engagement",
    list_field="engagements",
    item_path="/v1/engagement/{id}",
    export_path="/v1/localization/export/engagement",
    import_path="/v1/localization/import/engagement",
    id_param="id",
    name_field="name",
)
KCBOT = Kind(
    name="kcbot",
    list_path="/v1/kcbot",
    list_field="kcList",
    item_path="/v1/kcbot/{id}",
    export_path="/v1/localization/export/kcbot",
    import_path="/v1/localization/import/kcbot",
    id_param="id",
    name_field="name",
)
ARTICLE = Kind(
    name="article",
    list_path="/v1/articles",
    list_field="articleExternalViewList",
    item_path="/v1/articles/{id}",
    export_path="/v1/localization/export/articles",
    import_path="/v1/localization/import/articles",
    id_param="id",
    name_field="articleName",
)
CONTENT = Kind(
    name="content",
    list_path=None,
    list_field=None,
    item_path=None,
    export_path="/v1/localization/export/content",
    import_path="/v1/localization/import/content",
    id_param="contentId",
    name_field="name",
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in (ENGAGEMENT, KCBOT, ARTICLE, CONTENT)}
KIND_NAMES: tuple[str, ...] = tuple(KINDS)

#: Engagement types PX cannot localize.
EMAIL_TYPES = frozenset({"EMAIL", "OUT_BOUND_EMAIL"})

CONTENT_TYPES: tuple[str, ...] = (
    "GUIDE",
    "ANNOUNCEMENT",
    "SLIDER",
    "LINK",
    "BOOLEAN_SURVEY",
    "RATING_SURVEY",
    "NPS_SURVEY",
    "CES_SURVEY",
    "MULTIPLE_QUESTION_SURVEY",
    "ARTICLE",
    "KNOWLEDGE_BASE_ARTICLE",
    "CUSTOM_LINK",
    "FUNC_CALL",
    "COMMUNITY",
)


@dataclass(frozen=True)
class Item:
    """One localizable item as listed by PX (or named in config, for content)."""

    kind: str
    id: str
    name: str
    default_language: str | None = None
    languages: tuple[tuple[str, bool], ...] = ()
    item_type: str | None = None

    @property
    def localizable(self) -> bool:
        """False for email engagements, which PX cannot localize."""
        return not (self.kind == "engagement" and (self.item_type or "").upper() in EMAIL_TYPES)
