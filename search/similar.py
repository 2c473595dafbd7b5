"""Related items: what the archive knows ties two items, then the words their texts share.

An item's relatives are, first, the items it cites by number or that cite it, then the items
of the same places, collection and subjects, each tie weighed by :data:`TIES` and added up; the
words the texts share (Whoosh's Bo1 key terms of the item's title, description and first pages,
frequent in the item and rare in the index, on the folded text field) only order items with the
same ties, and bring in items with none only when they are of the same kind: a map's relatives
are not the decrees nearest its OCR text. Everything is searched among the items the audience
may see: an item it may not see is not found at all, so a forbidden item and a missing one
look the same.
"""
from __future__ import annotations

from types import MappingProxyType

from whoosh import query as Q

from archive.catalog import Catalog
from archive.errors import NotFound, UsageError
from archive.models import Item

from .parse import filter_query
from .snapshot import Snapshot

__all__ = ["more_like_this", "KEY_TERMS", "TIES"]

KEY_TERMS = 24  # words taken from the item; Vietnamese needs more than English (syllables)
_TEXT_CHARS = 60_000  # of the item's text read for key terms: its first pages say what it is
# What one tie adds to a relative's rank; shared text adds less than 1 in all, so it never
# outranks a tie. A citation is the strongest tie (one document acts on the other).
TIES = MappingProxyType({"cites": 8.0, "places": 3.0, "collection": 2.0, "subjects": 2.0})
_MAX_VALUES = 12  # places or subjects of one item looked up (a gazetteer-filled map has many)


def _item_docnum(snap: Snapshot, item_id: str, allowed: frozenset[int]) -> int:
    """The item's document number, if the audience may see it; NotFound otherwise."""
    docnum = snap.searcher.document_number(item_id=item_id, doctype="item")
    if docnum is None or docnum not in allowed:
        raise NotFound(f"no item {item_id!r}")
    return docnum


def _item_text(catalog: Catalog, item: Item | None) -> str:
    parts = [item.title or "", item.description or ""] if item else []
    size = sum(map(len, parts))
    for page in catalog.pages(item.id) if item else ():
        if size >= _TEXT_CHARS:
            break
        parts.append(page.text)
        size += len(page.text)
    return "\n".join(parts)[:_TEXT_CHARS]


def _text_scores(snap: Snapshot, text: str, allowed: frozenset[int]) -> dict[int, float]:
    """Allowed docnums sharing the text's key terms, scored from just over 0 to below 1."""
    if not text.strip():
        return {}
    terms = snap.searcher.key_terms_from_text("content_f", text, numterms=KEY_TERMS)
    if not terms:
        return {}
    query = Q.Or([Q.Term("content_f", word, boost=weight) for word, weight in terms])
    scored = snap.scored(query, allowed)
    top = max((score for _, score in scored), default=0.0)
    return {docnum: 0.99 * score / top for docnum, score in scored} if top > 0 else {}


def _cited(snap: Snapshot, catalog: Catalog, item_id: str) -> set[int]:
    """Docnums of the items this one cites by number and of those citing it."""
    ids = {target for _, target in catalog.cites(item_id) if target}
    ids.update(catalog.cited_by(item_id))
    ids.discard(item_id)
    found = (snap.searcher.document_number(item_id=i, doctype="item") for i in ids)
    return {d for d in found if d is not None}


def _sharing(snap: Snapshot, field: str, values: list[str]) -> dict[int, int]:
    """Docnum -> how many of the values (places, subjects...) it shares with the item."""
    counts: dict[int, int] = {}
    for value in list(dict.fromkeys(v for v in values if v and v.strip()))[:_MAX_VALUES]:
        try:
            query = filter_query(field, value, schema=snap.searcher.schema)
        except UsageError:  # a value that normalizes to nothing
            continue
        for docnum in snap.docs(query):
            counts[docnum] = counts.get(docnum, 0) + 1
    return counts


def _ties(snap: Snapshot, catalog: Catalog, item: Item) -> dict[int, float]:
    """Docnum -> the weight of what ties it to the item (citations, place, collection, subject)."""
    weights: dict[int, float] = {}
    shared = [({d: 1 for d in _cited(snap, catalog, item.id)}, TIES["cites"]),
              (_sharing(snap, "places", list(item.places)), TIES["places"]),
              (_sharing(snap, "collection", [item.collection] if item.collection else []),
               TIES["collection"]),
              (_sharing(snap, "subjects", list(item.subject)), TIES["subjects"])]
    for counts, weight in shared:
        for docnum, count in counts.items():
            weights[docnum] = weights.get(docnum, 0.0) + weight * count
    return weights


def more_like_this(snap: Snapshot, item_id: str, catalog: Catalog,
                   allowed: frozenset[int]) -> list[tuple[int, float]]:
    """(docnum, rank) of the allowed items related to this one, the item itself left out.

    Ranked by their ties to it (:data:`TIES`), then by shared text; an item with no tie is
    related only by text, and only when it is of the same kind.
    """
    docnum = _item_docnum(snap, item_id, allowed)
    item = catalog.get_item(item_id)
    if item is None:
        raise NotFound(f"no item {item_id!r}")
    others = allowed - {docnum}
    ties = {d: w for d, w in _ties(snap, catalog, item).items() if d in others}
    same_kind = snap.docs(Q.Term("kind", item.kind)) if item.kind else frozenset()
    text = _text_scores(snap, _item_text(catalog, item), others)
    ranked = dict(ties)
    for other, score in text.items():
        if other in ties or other in same_kind:
            ranked[other] = ranked.get(other, 0.0) + score
    return list(ranked.items())
