"""The search layer: one interface of its own, with Whoosh (or Solr) behind it (see DESIGN.md).

Interface: ``search.engine`` (``open_engine(settings)`` -> a ``SearchEngine``: ``search``,
``autocomplete``, ``more_like_this``, ``refresh``, ``index_items``, ``remove_items``, ``sync``,
``rebuild``, ``indexed_item_ids``); requests and results are ``search.query``'s
``SearchRequest``, ``SearchResult``, ``Hit``. Access rules: ``search.access``. Everything else
(``index``, ``query.Searcher``, ``snapshot``…) is the Whoosh engine's inside: only ``search/``
uses it.
"""
from __future__ import annotations

__all__ = ["SearchEngine", "WhooshEngine", "open_engine", "SearchRequest", "SearchResult", "Hit"]


def __getattr__(name: str):
    """Import on first use, so `import search` loads neither Whoosh nor the query side."""
    if name in ("SearchEngine", "WhooshEngine", "open_engine"):
        from . import engine
        return getattr(engine, name)
    if name in ("Searcher", "SearchRequest", "SearchResult", "Hit"):
        from . import query
        return getattr(query, name)
    if name in ("open_index", "index_items", "sync_index", "rebuild_index"):
        from . import index
        return getattr(index, name)
    raise AttributeError(f"module 'search' has no attribute {name!r}")
