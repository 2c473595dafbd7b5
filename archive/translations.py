"""Translation links: `translation_of` names another item by its id, a source or its identifier."""
from __future__ import annotations

import json

from .catalog import Catalog
from .models import Item

__all__ = ["translation_links", "translated_ids"]


def _names(catalog: Catalog, item: Item) -> list[str]:
    """Every name another item's `translation_of` may use for this one."""
    return [n for n in {item.id, item.identifier, *catalog.sources(item.id)} if n]


def translation_links(catalog: Catalog, item: Item) -> tuple[str | None, list[str]]:
    """(id of the item this one translates, ids of the items that translate this one)."""
    original = catalog.resolve(item.translation_of) if item.translation_of else None
    names = [json.dumps(n, ensure_ascii=False) for n in _names(catalog, item)]
    marks = ",".join("?" * len(names))
    rows = catalog.db.execute("SELECT item_id FROM metadata WHERE field = 'translation_of'"
                              f" AND value IN ({marks}) ORDER BY item_id", names)
    translations = [r[0] for r in rows if r[0] != item.id]
    return (original if original != item.id else None), translations


def translated_ids(catalog: Catalog) -> set[str]:
    """Ids of every item on either end of a translation link."""
    linked = set()
    for item_id, value in catalog.db.execute("SELECT item_id, value FROM metadata"
                                             " WHERE field = 'translation_of'"):
        target = catalog.resolve(json.loads(value))
        if target:
            linked.update((item_id, target))
    return linked
