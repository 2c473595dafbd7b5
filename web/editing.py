"""Turn an edit form into the archive's edits (archive/editing.py holds the rules), then re-index.

The archive layer may not import search/, so it takes `index_sync`: this module builds it from
the process's search engine (web/resources.get_engine), as every web view that edits does.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from archive.catalog import Catalog
from archive.editing import LIST_VALUED, save_one
from archive.models import Item

if TYPE_CHECKING:
    from search.engine import SearchEngine

__all__ = ["form_values", "changes", "save_changes", "index_syncer", "LIST_VALUED"]


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


def index_syncer(engine: SearchEngine, catalog: Catalog, *,
                 batch: int = 50) -> Callable[[], int]:
    """A function bringing the engine's index up to the catalog (what archive/editing.py calls)."""
    return lambda: engine.sync(catalog, batch=batch)


def save_changes(catalog: Catalog, engine: SearchEngine, user, item: Item,
                 changed: dict[str, dict], *, batch: int = 50) -> tuple[Item, bool]:
    """Save one item's changes through the archive's rules; (new item, index updated now)."""
    return save_one(catalog, index_syncer(engine, catalog, batch=batch), user, item, changed)
