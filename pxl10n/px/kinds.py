"""The four localizable kinds of PX item, as one table.

Everything that differs between engagements, KC bots, articles and Content
Library entries (list path and field, export/import path, id parameter, names of
the display fields, and which query parameters listing, export and import take)
lives here so the client, pull, push and status treat them alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

#: the KC bot version an import names when the state recorded none (PX's own default)
DEFAULT_KC_VERSION = "v1"


class ExportOptions(Protocol):
    """The ``[export]`` settings the kinds read (``config.Settings`` has them; px never imports config)."""

    @property
    def kc_version(self) -> str: ...
    @property
    def draft(self) -> bool: ...
    @property
    def product_id(self) -> str | None: ...
    @property
    def engagement_types(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Kind:
    """How PX exposes one kind of localizable item, and which parameters each call of it takes."""

    name: str
    list_path: str | None
    list_field: str | None
    item_path: str | None
    export_path: str
    import_path: str
    id_param: str
    name_field: str
    #: listing parameter that keeps only ``export.engagement_types``
    type_filter: str | None = None
    #: listing parameter that keeps only the items of ``export.product_id``
    product_filter: str | None = None
    #: the version parameter an export takes (``export.kc_version``) and the import of its file repeats
    version_param: str | None = None
    #: export parameter choosing the draft rather than the published item (``export.draft``)
    draft_param: str | None = None
    #: export parameter naming the item's own type (Content Library entries)
    type_param: str | None = None
    #: import parameter naming the item (the other kinds' imports name it inside the file)
    import_id_param: str | None = None

    def list_query(self, options: ExportOptions) -> dict[str, str]:
        """The filters a listing of this kind takes from the settings."""
        query = {}
        if self.type_filter and options.engagement_types:
            query[self.type_filter] = ",".join(options.engagement_types)
        if self.product_filter and options.product_id:
            query[self.product_filter] = str(options.product_id)
        return query

    def export_params(self, options: ExportOptions, item_type: str | None = None) -> dict[str, str]:
        """The kind-specific export parameters: recorded with each pulled file, so push exports the same."""
        params = {}
        if self.version_param:
            params[self.version_param] = options.kc_version
        if self.draft_param:
            params[self.draft_param] = "true" if options.draft else "false"
        if self.type_param and item_type:
            params[self.type_param] = item_type
        return params

    def export_query(
        self, params: Mapping[str, str], *, px_language: str, version: str, translated: bool, strategy: str | None
    ) -> dict[str, str | bool]:
        """Query parameters of an export for one target language (the item id is the client's to add)."""
        query: dict[str, str | bool] = {"trgLang": px_language, "version": version, "translated": translated, **params}
        if strategy:
            query["strategy"] = strategy
        return query

    def import_query(self, item_id: str, params: Mapping[str, str]) -> dict[str, str]:
        """Query parameters of an import: only what the import endpoint takes, from the recorded export parameters."""
        query = {}
        if self.version_param:
            query[self.version_param] = params.get(self.version_param, DEFAULT_KC_VERSION)
        if self.import_id_param:
            query[self.import_id_param] = item_id
        return query


ENGAGEMENT = Kind(
    name="engagement",
    list_path="/v1/engagement",
    list_field="engagements",
    item_path="/v1/engagement/{id}",
    export_path="/v1/localization/export/engagement",
    import_path="/v1/localization/import/engagement",
    id_param="id",
    name_field="name",
    type_filter="contentTypes",
    draft_param="draft",
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
    product_filter="productId",
    version_param="kcVersion",
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
    product_filter="productId",
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
    type_param="type",
    import_id_param="contentId",
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
