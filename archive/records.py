"""An item as one JSON-ready record: every field, its sources, files, pages and events."""
from __future__ import annotations

from .catalog import Catalog
from .errors import NotFound

__all__ = ["item_record"]


def item_record(catalog: Catalog, id_or_source: str) -> dict:
    """Every field of an item, its files, sources and pages, as `ttdn show --json` prints it."""
    item_id = catalog.resolve(id_or_source)
    item = catalog.get_item(item_id) if item_id else None
    if item is None:
        raise NotFound(f"no item has the id or source {id_or_source!r}")
    record = item.to_dict()
    sources = catalog.sources(item.id)
    record["source"] = sources[0] if sources else item.identifier
    record["sources"] = sources
    record["files"] = [vars(f) for f in catalog.files(item.id)]
    record["pages"] = [{"n": p.n, "text": p.text, "origin": p.origin, "confidence": p.confidence,
                        "language": p.language} for p in catalog.pages(item.id)]
    record["events"] = [vars(e) for e in catalog.events(item.id)]
    return record
