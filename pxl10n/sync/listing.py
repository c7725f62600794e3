"""Which items exist: the listed kinds from PX, Content Library entries from the config.

PX cannot list Content Library entries, so ``[[content]]`` in the config is
their listing. Pull, status and doctor all start here.
"""

from __future__ import annotations

from collections.abc import Iterable

from pxl10n.config import Settings
from pxl10n.console import Console
from pxl10n.px.client import PXClient
from pxl10n.px.kinds import KINDS, Item


def list_items(client: PXClient, settings: Settings, kinds: Iterable[str], console: Console) -> dict[str, list[Item]]:
    """Every item of the selected kinds, per kind; content entries come from the config."""
    listed: dict[str, list[Item]] = {}
    for name in kinds:
        kind = KINDS[name]
        if kind.list_path is None:
            listed[name] = [Item(name, entry.id, f"{entry.type} {entry.id}", item_type=entry.type) for entry in settings.content]
            continue
        listed[name] = list(client.list(kind, params=kind.list_query(settings)))
        console.detail(f"listed {len(listed[name])} {name}(s)")
    return listed


def filter_names(settings: Settings, kind: str) -> list[str]:
    """The ``[export]`` keys that narrow this kind's listing (``engagement_types``, ``product_id``): an item they
    leave out is not listed, though PX still has it."""
    narrowing = KINDS[kind].list_query(settings)
    return [name for name, param in (("engagement_types", KINDS[kind].type_filter), ("product_id", KINDS[kind].product_filter))
            if param is not None and param in narrowing]


def unfiltered_ids(client: PXClient, kind: str) -> set[str]:
    """The ids of every item of ``kind`` PX lists, whatever the config's filters (PXError when it cannot list)."""
    return {item.id for item in client.list(KINDS[kind], params={})}


def pulled_kinds(settings: Settings, kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The ``kinds`` a pull writes files of: content only with ``[[content]]`` entries (PX cannot list them)."""
    return tuple(kind for kind in kinds if kind != "content" or settings.content)
