"""Related items on Solr, ranked as ``similar.py`` ranks them on Whoosh.

First what the archive knows ties two items (citations either way, shared places, collection,
subjects; each tie weighs :data:`similar.TIES`, summed: constant-score clauses ``^=``), then
shared text (Solr's ``{!mlt}`` on the item's key terms, scaled below 1 so that it only orders
items with the same ties, and brings in items with no tie only when they are of the same
kind). Both requests filter on what the audience may see.
"""
from __future__ import annotations

from archive.catalog import Catalog
from archive.errors import UsageError
from archive.models import Item

from .parse import filter_query
from .similar import _MAX_VALUES, TIES

__all__ = ["ties_query", "ranked_relatives"]


def ties_query(item: Item, catalog: Catalog, schema, to_solr, quoted) -> str | None:
    """One query whose score on an item is the weight of its ties to `item` (None: no tie)."""
    clauses = []
    ids = {target for _, target in catalog.cites(item.id) if target}
    ids.update(catalog.cited_by(item.id))
    ids.discard(item.id)
    if ids:
        clauses.append(f"id:({' OR '.join(quoted(i) for i in sorted(ids))})^={TIES['cites']}")
    shared = (("places", list(item.places)),
              ("collection", [item.collection] if item.collection else []),
              ("subjects", list(item.subject)))
    for field, values in shared:
        for value in list(dict.fromkeys(v for v in values if v and v.strip()))[:_MAX_VALUES]:
            try:
                query = filter_query(field, value, schema=schema)
            except UsageError:  # a value that normalizes to nothing
                continue
            clauses.append(f"({to_solr(query)})^={TIES[field]}")
    return " OR ".join(clauses) or None


def ranked_relatives(tied: list[dict], text: list[dict], kind: str | None
                     ) -> list[tuple[dict, float]]:
    """(document, rank) best first: ties' weights plus text scores scaled to below 1; an item
    with no tie counts only when it is of the same kind."""
    docs = {d["id"]: d for d in text}
    docs.update({d["id"]: d for d in tied})
    ranked = {d["id"]: float(d.get("score", 0.0)) for d in tied}
    top = max((float(d.get("score", 0.0)) for d in text), default=0.0)
    for doc in text if top > 0 else ():
        if doc["id"] in ranked or (kind and doc.get("kind") == kind):
            ranked[doc["id"]] = ranked.get(doc["id"], 0.0) + 0.99 * float(doc["score"]) / top
    order = sorted(ranked.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(docs[i], rank) for i, rank in order]
