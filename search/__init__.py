"""The search layer: Whoosh behind a small interface of its own (see DESIGN.md).

Index: ``search.index`` (``open_index``, ``index_items``, ``sync_index``, ``rebuild_index``).
Query: ``search.query`` (``Searcher`` with ``search``, ``autocomplete``, ``more_like_this``;
``SearchRequest``, ``SearchResult``, ``Hit``). Access rules: ``search.access``.
"""
from __future__ import annotations

__all__ = ["Searcher", "SearchRequest", "SearchResult", "Hit", "open_index", "index_items",
           "sync_index", "rebuild_index"]


def __getattr__(name: str):
    """Import on first use, so `import search.index` (ingest) does not load the query side."""
    if name in ("Searcher", "SearchRequest", "SearchResult", "Hit"):
        from . import query
        return getattr(query, name)
    if name in ("open_index", "index_items", "sync_index", "rebuild_index"):
        from . import index
        return getattr(index, name)
    raise AttributeError(f"module 'search' has no attribute {name!r}")
