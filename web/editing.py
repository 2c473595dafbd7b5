"""Turn an edit form into catalog updates: one event per kind of change, then re-index."""
from __future__ import annotations

import logging
from dataclasses import fields, replace

from archive.catalog import Catalog
from archive.errors import IndexLocked
from archive.models import Item
from search.index import sync_index

__all__ = ["form_values", "changes", "save_changes", "LIST_VALUED"]

log = logging.getLogger(__name__)
# Fields holding lists, read from the dataclass so new ones (recipients, ...) are lists too.
LIST_VALUED = frozenset(f.name for f in fields(Item) if f.default_factory is list)


def _parse(name: str, raw: str | None):
    text = (raw or "").strip()
    if name in LIST_VALUED:
        values = [v.strip() for v in text.splitlines() if v.strip()]
        return [v.lower() for v in values] if name == "languages" else values
    return text or None


def form_values(item: Item, fields: tuple[str, ...]) -> dict[str, str]:
    """An item's fields as form text (lists one value per line)."""
    values = {}
    for name in (*fields, "kind", "access"):
        value = getattr(item, name, None)
        values[name] = "\n".join(value) if isinstance(value, list) else (value or "")
    return values


def changes(item: Item, data: dict[str, str], fields: tuple[str, ...]) -> dict[str, dict]:
    """{field: {"from": old, "to": new}} for every field the form changed."""
    found = {}
    for name in (*fields, "kind", "access"):
        new = data[name] if name in ("kind", "access") else _parse(name, data.get(name))
        old = getattr(item, name, None)
        if (old or None) != (new or None):
            found[name] = {"from": old, "to": new}
    return found


def save_changes(catalog: Catalog, ix, item: Item, changed: dict[str, dict], *, actor: str,
                 batch: int = 50) -> tuple[Item, bool]:
    """Write the changes (metadata and access as separate events), then bring the index up.

    Returns the new item and whether the index could be updated now; if another process holds
    the index, the item stays marked for indexing and the next sync picks it up.
    """
    metadata = {k: v for k, v in changed.items() if k != "access"}
    new = item
    if metadata:
        new = replace(new, origins={**new.origins, **{k: "staff" for k in metadata}},
                      **{k: v["to"] for k, v in metadata.items()})
        catalog.update_item(new, actor=actor, action="metadata-edited",
                            detail={"changed": metadata})
    if "access" in changed:
        new = replace(new, access=changed["access"]["to"],
                      origins={**new.origins, "access": "staff"})
        catalog.update_item(new, actor=actor, action="access-changed", detail=changed["access"])
    try:
        sync_index(ix, catalog, batch=batch)
    except IndexLocked as err:
        log.warning("item %s saved, index not updated yet: %s", item.id, err)
        return new, False
    return new, True
