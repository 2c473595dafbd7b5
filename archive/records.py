"""An item as one JSON-ready record: every field, its sources, files, pages and events."""
from __future__ import annotations

from .catalog import Catalog
from .errors import NotFound

__all__ = ["item_record"]


def item_record(catalog: Catalog, id_or_source: str, *,
                visible: tuple[str, ...] | None = None) -> dict:
    """Every field of an item, its files, sources, pages and relations, as `ttdn show --json` prints it.

    `visible` lists the access levels whose related items may be named (None: all); the caller
    decides whether the item itself may be shown.
    """
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
    record["cites"] = []
    for number, target in catalog.cites(item.id):
        related = _related(catalog, target, visible)
        record["cites"].append({"doc_number": number, "id": related and related["id"],
                                "title": related and related["title"]})
    record["cited_by"] = [r for r in (_related(catalog, other, visible)
                                      for other in catalog.cited_by(item.id)) if r]
    return record


def _related(catalog: Catalog, item_id: str | None,
             visible: tuple[str, ...] | None) -> dict | None:
    """Id, title and number of a related item; None when it is absent or not visible."""
    other = catalog.get_item(item_id) if item_id else None
    if other is None or (visible is not None and other.access not in visible):
        return None
    return {"id": other.id, "title": other.title, "doc_number": other.doc_number}
