"""Answers to repeated reads, kept per index generation, catalog state and audience.

Like Solr's ``queryResultCache``: a bounded LRU whose key is the whole normalized request
(query, filters, paging, sort, *audience*), valid only while the index is at the generation and
the catalog at the state the answer was computed on. :class:`CachingEngine` wraps any
:class:`~search.engine.SearchEngine` that can name its generation (``generation()``; Whoosh
does; an engine that cannot is passed through uncached), so the web's views, facets, browse
counts and search-box suggestions all go through one cache.

Access stays exact: the audience is part of every key (and checked again on a hit), and every
entry dies with the first commit to the index or to the catalog after it was computed, so an
item whose access a curator narrows disappears from the next search, in every worker process.
The state is read *before* an answer is computed: an answer raced by a commit is filed under the
older state, which the next request no longer matches.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Hashable

if TYPE_CHECKING:
    from archive.catalog import Catalog

    from .engine import SearchEngine
    from .query import SearchRequest, SearchResult

__all__ = ["ResultCache", "CatalogClock", "CachingEngine", "request_key", "DEFAULT_SIZE"]

DEFAULT_SIZE = 512  # answers kept per process: a page of 20 hits with snippets is ~10-20 kB
_CACHED_HITS = 100  # larger pages (staff bulk edits ask for every hit) are computed, not kept


def request_key(request: SearchRequest) -> tuple:
    """Every field of the request that can change its answer, the audience included."""
    return (request.query, request.kind, request.lang, tuple(sorted(request.filters.items())),
            request.year_from, request.year_to, request.limit, request.page, request.sort,
            request.audience, request.suggest)


@dataclass
class _Entry:
    audience: str
    value: Any
    body: bytes | None = None  # the answer serialized once, for callers that send bytes


@dataclass
class CacheStats:
    """What the cache did since it was made (for the bench and the tests)."""

    hits: int = 0
    misses: int = 0
    flushes: int = 0  # the state changed: every entry dropped


class ResultCache:
    """A thread-safe LRU of answers that all belong to one state; another state empties it."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self.stats = CacheStats()
        self._state: Hashable = None
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, state: Hashable, key: Hashable, audience: str) -> _Entry | None:
        """The entry for `key` computed at `state` for `audience`, or None."""
        with self._lock:
            entry = self._entries.get(key) if state == self._state else None
            if entry is None or entry.audience != audience:
                self.stats.misses += 1
                return None
            self._entries.move_to_end(key)
            self.stats.hits += 1
            return entry

    def put(self, state: Hashable, key: Hashable, entry: _Entry) -> None:
        """Keep `entry`, computed at `state`; entries of any other state are dropped."""
        if self.size <= 0:
            return
        with self._lock:
            if state != self._state:
                # Stamps are not ordered: a request that read the state just before a commit
                # may file its answer after one that read it just after. Either way only answers
                # of one state remain, and a request is only ever answered from its own state.
                self._entries.clear()
                self._state = state
                self.stats.flushes += 1
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Drop every entry (after this process writes, before its commit is visible)."""
        with self._lock:
            self._entries.clear()
            self._state = None


class CatalogClock:
    """Which state the catalog is in: its file's identity and SQLite's ``data_version``.

    ``PRAGMA data_version`` changes whenever another connection (of any process) commits; this
    clock's own connection never writes, so every commit shows. A catalog replaced by a restore
    is a new file: the clock reopens on it.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def state(self) -> tuple | None:
        """A value that differs after any commit to the catalog; None when there is none."""
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        identity = (found.st_dev, found.st_ino)
        with self._lock:
            try:
                if self._db is None or identity != self._identity:
                    self._reopen(identity)
                return (*identity, self._db.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:  # unreadable now (a restore under way): answer uncached
                self._close()
                return None

    def _reopen(self, identity: tuple[int, int]) -> None:
        self._close()
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                   check_same_thread=False)
        self._identity = identity

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db, self._identity = None, None

    def close(self) -> None:
        """Close the clock's connection (it reopens when asked again)."""
        with self._lock:
            self._close()


def _copy(result: SearchResult) -> SearchResult:
    # Views replace a result's facets or suggestion for their page: never the cached one's.
    return replace(result, hits=list(result.hits), facets=dict(result.facets),
                   expansions=dict(result.expansions), notices=list(result.notices))


def _copy_suggestions(found: dict) -> dict:
    return {name: [dict(v) if isinstance(v, dict) else v for v in values]
            for name, values in found.items()}


class CachingEngine:
    """A SearchEngine whose reads are answered from a :class:`ResultCache` when they repeat."""

    def __init__(self, engine: SearchEngine, catalog_path: Path, *,
                 size: int = DEFAULT_SIZE) -> None:
        self.engine = engine
        self.name = engine.name
        self.cache = ResultCache(size)
        self.clock = CatalogClock(catalog_path)

    def __getattr__(self, name: str):
        if name == "engine":  # not yet set (a copy being made): no recursion
            raise AttributeError(name)
        return getattr(self.engine, name)  # anything engine-specific the wrapper does not know

    def _state(self) -> tuple | None:
        generation = getattr(self.engine, "generation", None)
        index_state = generation() if generation is not None and self.cache.size > 0 else None
        if index_state is None:
            return None
        catalog_state = self.clock.state()
        return None if catalog_state is None else (index_state, catalog_state)

    def _entry(self, key: tuple, audience: str, compute: Callable[[], Any], *,
               keep: bool = True) -> _Entry:
        state = self._state() if keep else None  # before computing: the module's docstring
        if state is None:
            return _Entry(audience, compute())
        entry = self.cache.get(state, key, audience)
        if entry is None:
            entry = _Entry(audience, compute())
            self.cache.put(state, key, entry)
        return entry

    # -- reading -------------------------------------------------------------------------------

    def search(self, request: SearchRequest, catalog: Catalog) -> SearchResult:
        """One search for one audience, from the cache when asked before at this state."""
        return _copy(self.search_entry(request, catalog).value)

    def search_entry(self, request: SearchRequest, catalog: Catalog) -> _Entry:
        """The cache entry of this search (its ``value`` is shared: do not change it)."""
        return self._entry(("search", request_key(request)), request.audience,
                           lambda: self.engine.search(request, catalog),
                           keep=request.limit <= _CACHED_HITS)

    def search_body(self, request: SearchRequest, catalog: Catalog,
                    serialize: Callable[[SearchResult], bytes]) -> bytes:
        """The search's answer as `serialize` makes it, serialized once per cached answer."""
        entry = self.search_entry(request, catalog)
        body = entry.body
        if body is None:  # two threads may both serialize once: the same bytes either way
            body = entry.body = serialize(entry.value)
        return body

    def autocomplete(self, text: str, *, audience: str = "public", limit: int = 8) -> dict:
        """Completions for the search box, from the cache when typed before at this state."""
        entry = self._entry(("suggest", text, limit, audience), audience,
                            lambda: self.engine.autocomplete(text, audience=audience,
                                                             limit=limit))
        return _copy_suggestions(entry.value)

    def more_like_this(self, item_id: str, catalog: Catalog, *, audience: str = "staff",
                       limit: int = 10) -> SearchResult:
        """Items like this one that the audience may see, from the cache when asked before."""
        entry = self._entry(("similar", item_id, limit, audience), audience,
                            lambda: self.engine.more_like_this(item_id, catalog,
                                                               audience=audience, limit=limit))
        return _copy(entry.value)

    def refresh(self) -> None:
        """See the latest commit now."""
        self.engine.refresh()

    # -- writing: through to the engine; the commit changes the state, which empties the cache

    def index_items(self, catalog: Catalog, versions: list[tuple[str, int]]) -> int:
        """Write these item versions in one commit (the engine's)."""
        return self._written(self.engine.index_items(catalog, versions))

    def remove_items(self, item_ids: list[str]) -> int:
        """Delete these items from the index in one commit (the engine's)."""
        return self._written(self.engine.remove_items(item_ids))

    def sync(self, catalog: Catalog, *, batch: int = 50) -> int:
        """Index every item whose newest version the index lacks (the engine's)."""
        return self._written(self.engine.sync(catalog, batch=batch))

    def rebuild(self, catalog: Catalog, *, procs: int | None = None) -> int:
        """Throw the index away and build it again (the engine's)."""
        return self._written(self.engine.rebuild(catalog, procs=procs))

    def _written(self, count: int) -> int:
        self.cache.clear()  # the commit changes the state anyway; free the memory at once
        return count

    def indexed_item_ids(self) -> set[str]:
        """The id of every item the index holds."""
        return self.engine.indexed_item_ids()

    def close(self) -> None:
        """Release the engine's files and the clock's connection."""
        self.cache.clear()
        self.clock.close()
        self.engine.close()
