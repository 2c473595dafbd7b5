"""The search interface the rest of the archive uses, and the Whoosh engine behind it.

Ingest, the web, exhibits and the CLI ask ``open_engine(settings)`` for a :class:`SearchEngine`
and use only its methods, as paperless-ngx keeps its engine behind ``documents/search/``: they
never hold a Whoosh index or a Solr client. ``TTDN_SEARCH`` (``settings.search_url``) picks the
engine: unset, Whoosh in the data home (:class:`WhooshEngine`); ``solr+http://…`` a SolrCloud
collection (``solr_engine.SolrEngine``, loaded only then).

The catalog stays the source of truth: engines are written from it (``index_items``, ``sync``,
``rebuild``) and ``indexed_item_ids`` lets ``ttdn verify`` compare the two. Nothing here imports
Whoosh until an engine is used: ``ttdn --help`` and a re-ingest of unchanged files load none of it.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from archive.catalog import Catalog
    from archive.settings import Settings

    from .gazetteer import Gazetteer
    from .query import Searcher, SearchRequest, SearchResult

__all__ = ["SearchEngine", "WhooshEngine", "open_engine"]


@runtime_checkable
class SearchEngine(Protocol):
    """What ingest, the web, exhibits and the CLI may ask of a search backend."""

    name: str  # "whoosh" | "solr"

    # reading: thread-safe, one per process, long-lived
    def search(self, request: SearchRequest, catalog: Catalog) -> SearchResult:
        """One search for one audience: access is a filter, never a post-filter."""

    def autocomplete(self, text: str, *, audience: str = "public", limit: int = 8) -> dict:
        """``{"titles": [{"id", "title"}], "terms": [...]}`` from items the audience may see."""

    def more_like_this(self, item_id: str, catalog: Catalog, *, audience: str = "staff",
                       limit: int = 10) -> SearchResult:
        """Items like this one that the audience may see (NotFound if it may not see it)."""

    def refresh(self) -> None:
        """See the latest commit now (searches also follow commits by themselves)."""

    # writing: from the catalog only
    def index_items(self, catalog: Catalog, versions: list[tuple[str, int]]) -> int:
        """Write these item versions in one commit, then ``catalog.mark_indexed(versions)``."""

    def remove_items(self, item_ids: list[str]) -> int:
        """Delete these items from the index in one commit; documents removed."""

    def sync(self, catalog: Catalog, *, batch: int = 50) -> int:
        """Index every item whose newest version the index lacks; items indexed."""

    def rebuild(self, catalog: Catalog, *, procs: int | None = None) -> int:
        """Throw the index away and build it again from the catalog; items indexed."""

    def indexed_item_ids(self) -> set[str]:
        """The id of every item the index holds (for ``ttdn verify``)."""

    def close(self) -> None:
        """Release files and connections."""


class WhooshEngine:
    """The embedded engine: a Whoosh index in ``settings.index_dir``.

    Reading goes through one :class:`search.query.Searcher` (opened at the first search, it
    follows commits by itself); writing through a writable index opened at the first write, so
    a process that only writes (ingest) never builds searchers and one that only reads never
    takes the write lock. Writes are serialised per process: waitress threads editing items
    at once queue here rather than race for Whoosh's lock.
    """

    name = "whoosh"

    def __init__(self, settings: Settings, *, gazetteer: Gazetteer | None = None) -> None:
        self.settings = settings
        self._gazetteer = gazetteer
        self._searcher: Searcher | None = None
        self._ix = None
        self._open_lock = threading.Lock()
        self._write_lock = threading.Lock()

    def __enter__(self) -> WhooshEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------

    def _reader(self) -> Searcher:
        if self._searcher is None:
            with self._open_lock:  # every server thread may arrive at once on the first request
                if self._searcher is None:
                    from .query import Searcher
                    self._searcher = Searcher(self.settings.index_dir, gazetteer=self._gazetteer)
        return self._searcher

    def search(self, request: SearchRequest, catalog: Catalog) -> SearchResult:
        """One search for one audience: access is a filter, never a post-filter."""
        return self._reader().search(request, catalog)

    def autocomplete(self, text: str, *, audience: str = "public", limit: int = 8) -> dict:
        """``{"titles": [{"id", "title"}], "terms": [...]}`` from items the audience may see."""
        return self._reader().autocomplete(text, audience=audience, limit=limit)

    def more_like_this(self, item_id: str, catalog: Catalog, *, audience: str = "staff",
                       limit: int = 10) -> SearchResult:
        """Items like this one that the audience may see (NotFound if it may not see it)."""
        return self._reader().more_like_this(item_id, catalog, audience=audience, limit=limit)

    def generation(self) -> tuple:
        """Which commit searches see now; another commit gives another value (result caches)."""
        from .snapshot import toc_stamp
        return toc_stamp(self._reader().ix)

    def refresh(self) -> None:
        """See the latest commit now (searches also follow commits by themselves)."""
        if self._searcher is not None:
            self._searcher.current()  # replaces a stale idle snapshot

    # -- writing -------------------------------------------------------------------------------

    def _writable(self):
        if self._ix is None:
            from . import index
            self._ix = index.open_index(self.settings.index_dir)
        return self._ix

    def index_items(self, catalog: Catalog, versions: list[tuple[str, int]]) -> int:
        """Write these item versions in one commit, then ``catalog.mark_indexed(versions)``."""
        if not versions:
            return 0
        from . import index
        with self._write_lock:
            return index.index_items(self._writable(), catalog, versions)

    def remove_items(self, item_ids: list[str]) -> int:
        """Delete these items from the index in one commit; documents removed."""
        if not item_ids:
            return 0
        from . import index
        with self._write_lock:
            return index.remove_items(self._writable(), list(item_ids))

    def sync(self, catalog: Catalog, *, batch: int = 50) -> int:
        """Index every item whose newest version the index lacks; items indexed."""
        if not catalog.dirty_items(1):  # nothing to write: the index is not even opened
            return 0
        from . import index
        with self._write_lock:
            return index.sync_index(self._writable(), catalog, batch=batch)

    def rebuild(self, catalog: Catalog, *, procs: int | None = None) -> int:
        """Throw the index away and build it again from the catalog; items indexed."""
        from . import index
        with self._write_lock:
            self._ix = None  # the folder is replaced: a writer must open the new one
            count = index.rebuild_index(self.settings, catalog, procs=procs)
        self.refresh()
        return count

    def indexed_item_ids(self) -> set[str]:
        """The id of every item the index holds (for ``ttdn verify``)."""
        from . import index
        return index.indexed_item_ids(self.settings.index_dir)

    def close(self) -> None:
        """Release the searchers' files; the engine opens them again if used after."""
        with self._open_lock:
            searcher, self._searcher = self._searcher, None
        if searcher is not None:
            searcher.close()
        self._ix = None


def open_engine(settings: Settings) -> SearchEngine:
    """Whoosh in settings.index_dir unless settings.search_url (env TTDN_SEARCH) says
    solr+http://host:port[,host2:port2]/solr/COLLECTION."""
    if not settings.search_url:
        return WhooshEngine(settings)
    from .solr_engine import SolrEngine  # its client only when a Solr collection is named
    return SolrEngine(settings)
