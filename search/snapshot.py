"""A Whoosh searcher on one index generation, the caches built on it, and a pool of them.

Whoosh's searchers are not made for concurrent use (a reader's matchers share its open files
and caches), so one searcher serves one thread at a time: the pool lends each thread a searcher
of its own and takes it back afterwards. A lent
searcher that a commit has made stale is replaced (and closed: nobody else holds it). The
caches live with their searcher because document numbers change with every commit: the
document sets of access levels and filters, the facet columns (``columns.py``: read as asked,
then whole), and the recent terms' postings (``bulk.py``, bounded). Queries of terms and
phrases are scored in bulk (``evaluate.py``).
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from whoosh import query as Q
from whoosh.index import TOC

from .bulk import BulkScorer
from .columns import LazyColumns
from .evaluate import query_scores, supported
from .schema import weighting

__all__ = ["Snapshot", "SnapshotPool", "term_docs"]

_CACHED_SETS = 256  # filter document sets kept per searcher (least recently used dropped)


class Snapshot:
    """One searcher with its per-generation caches; used by one thread at a time."""

    def __init__(self, ix) -> None:
        self.stamp = toc_stamp(ix)
        self.searcher = ix.searcher(weighting=weighting())
        # Facet values read as asked until a whole column pays (columns.py): a one-shot search
        # reads its matches' values only, a long-lived one ends with whole columns as before.
        self.columns = LazyColumns(self.searcher)
        self.bulk = BulkScorer(self.searcher)
        self._sets: OrderedDict[str, frozenset[int]] = OrderedDict()

    def close(self) -> None:
        """Release the searcher's files."""
        self.searcher.close()

    def docs(self, query: Q.Query) -> frozenset[int]:
        """The docnums matching a filter query, cached by the query's text."""
        key = repr(query)
        found = self._sets.get(key)
        if found is None:
            fast = term_docs(self.bulk, query)
            found = frozenset(fast if fast is not None else self.searcher.docs_for_query(query))
            self._sets[key] = found
            if len(self._sets) > _CACHED_SETS:
                self._sets.popitem(last=False)
        else:
            self._sets.move_to_end(key)
        return found

    def matching(self, query: Q.Query, allowed: frozenset[int]) -> list[int]:
        """Docnums matching the query among the allowed ones, unscored."""
        if supported(query):
            return sorted(query_scores(self.bulk, query, allowed))
        out = []
        for sub, offset in self.searcher.leaf_searchers():
            matcher = query.matcher(sub, sub.boolean_context())
            out.extend(d + offset for d in matcher.all_ids() if d + offset in allowed)
        return out

    def scored(self, query: Q.Query, allowed: frozenset[int]) -> list[tuple[int, float]]:
        """(docnum, score) of every document matching the query among the allowed ones."""
        if supported(query):  # terms and phrases: in bulk, the same scores (``evaluate.py``)
            return sorted(query_scores(self.bulk, query, allowed).items())
        out: list[tuple[int, float]] = []
        # needs_current: OR as lazy unions, so only documents the ANDs keep are scored.
        context = self.searcher.context(needs_current=True)
        for sub, offset in self.searcher.leaf_searchers():
            matcher = query.matcher(sub, context)
            if not matcher.is_active():
                continue
            matcher = matcher.replace(0)
            append, score, active, next_, id_ = (out.append, matcher.score, matcher.is_active,
                                                 matcher.next, matcher.id)
            while active():
                docnum = id_() + offset
                if docnum in allowed:
                    append((docnum, score()))
                next_()
        return out

    def scores(self, query: Q.Query, docnums: list[int]) -> dict[int, float]:
        """The query's score for each of these docnums (ascending) that it matches."""
        out: dict[int, float] = {}
        context = self.searcher.context(needs_current=True)
        leaves = self.searcher.leaf_searchers()
        for i, (sub, offset) in enumerate(leaves):
            end = leaves[i + 1][1] if i + 1 < len(leaves) else offset + sub.doc_count_all()
            wanted = [d - offset for d in docnums if offset <= d < end]
            matcher = query.matcher(sub, context) if wanted else None
            for local in wanted:
                if not matcher.is_active():
                    break
                if matcher.id() < local:
                    matcher.skip_to(local)
                if matcher.is_active() and matcher.id() == local:
                    out[local + offset] = matcher.score()
        return out


def toc_stamp(ix) -> tuple[int, int, int]:
    """Which commit the index is at: its generation and its table of contents' file identity.

    The generation alone is not enough: `ttdn reindex` deletes the index and builds a new one,
    whose generation can equal the old one's.
    """
    generation = ix.latest_generation()
    path = os.path.join(ix.storage.folder, TOC._filename(ix.indexname, generation))  # noqa: SLF001
    try:
        found = os.stat(path)
    except OSError:
        return generation, 0, 0
    return generation, found.st_ino, found.st_mtime_ns


class SnapshotPool:
    """Lends each thread a fresh-enough snapshot and keeps idle ones for reuse."""

    def __init__(self, ix) -> None:
        self.ix = ix
        self._idle: list[Snapshot] = [Snapshot(ix)]
        self._lock = threading.Lock()

    @contextmanager
    def lease(self) -> Iterator[Snapshot]:
        """A snapshot of the latest commit for the duration of the block."""
        with self._lock:
            snapshot = self._idle.pop() if self._idle else None
        if snapshot is None or snapshot.stamp != toc_stamp(self.ix):
            if snapshot is not None:
                snapshot.close()
            snapshot = Snapshot(self.ix)
        try:
            yield snapshot
        finally:
            with self._lock:
                self._idle.append(snapshot)

    def peek(self) -> Snapshot:
        """An idle snapshot, refreshed if stale, without lending it (single-threaded callers)."""
        with self.lease() as snapshot:
            return snapshot

    def close(self) -> None:
        """Close every idle snapshot."""
        with self._lock:
            idle, self._idle = self._idle, []
        for snapshot in idle:
            snapshot.close()


def term_docs(bulk: BulkScorer, query: Q.Query) -> set[int] | None:
    """The live docnums of a filter made of terms, ANDs and ORs, from the terms' postings.

    Whoosh's ``docs_for_query`` steps its matchers one posting at a time: the access filter of
    a 100k-page index took a fifth of a one-shot search. None: not such a filter (Whoosh
    answers it).
    """
    kind = type(query)
    if kind is Q.Term:
        try:
            return set(bulk.term_weights(query.fieldname, query.text))
        except ValueError:  # not a value of that field's type: matches nothing, as in Whoosh
            return set()
    if kind in (Q.And, Q.Or) and query.subqueries:
        parts = [term_docs(bulk, sub) for sub in query.subqueries]
        if any(part is None for part in parts):
            return None
        return set.intersection(*parts) if kind is Q.And else set.union(*parts)
    return None
