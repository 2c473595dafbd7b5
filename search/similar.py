"""More like this: items whose text shares the most telling words of an item's text.

The key terms are chosen from the item's title, description and first pages by Whoosh's Bo1
model (frequent in the item, rare in the index) on the folded text field, and searched for
among the items the audience may see. An item the audience may not see is not found at all,
so a forbidden item and a missing one look the same.
"""
from __future__ import annotations

from whoosh import query as Q

from archive.catalog import Catalog
from archive.errors import NotFound

from .snapshot import Snapshot

__all__ = ["more_like_this", "KEY_TERMS"]

KEY_TERMS = 24  # words taken from the item; Vietnamese needs more than English (syllables)
_TEXT_CHARS = 60_000  # of the item's text read for key terms: its first pages say what it is


def _item_docnum(snap: Snapshot, item_id: str, allowed: frozenset[int]) -> int:
    """The item's document number, if the audience may see it; NotFound otherwise."""
    docnum = snap.searcher.document_number(item_id=item_id, doctype="item")
    if docnum is None or docnum not in allowed:
        raise NotFound(f"no item {item_id!r}")
    return docnum


def _item_text(catalog: Catalog, item_id: str) -> str:
    item = catalog.get_item(item_id)
    parts = [item.title or "", item.description or ""] if item else []
    size = sum(map(len, parts))
    for page in catalog.pages(item_id):
        if size >= _TEXT_CHARS:
            break
        parts.append(page.text)
        size += len(page.text)
    return "\n".join(parts)[:_TEXT_CHARS]


def more_like_this(snap: Snapshot, item_id: str, catalog: Catalog,
                   allowed: frozenset[int]) -> list[tuple[int, float]]:
    """(docnum, score) of allowed items sharing the item's key terms, the item itself left out."""
    docnum = _item_docnum(snap, item_id, allowed)
    text = _item_text(catalog, item_id)
    if not text.strip():
        return []
    terms = snap.searcher.key_terms_from_text("content_f", text, numterms=KEY_TERMS)
    if not terms:
        return []
    query = Q.Or([Q.Term("content_f", word, boost=weight) for word, weight in terms])
    return snap.scored(query, allowed - {docnum})
