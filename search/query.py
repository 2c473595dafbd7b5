"""Run searches: parse, filter by access and facets, rank, count facets, name pages, snippets.

One :class:`Searcher` per process serves every thread (see ``snapshot.py``). A search:

1. parses the text, with place names expanded through the gazetteer (``parse.parse_search``);
2. restricts matches to the items the audience may see and the request's filters, as cached
   document sets, so hits, totals and facet counts all count the same items;
3. scores every match (BM25F; ``plan.py`` and ``bulk.py`` keep that cheap), re-scores the
   best 50 for adjacent query words (``proximity.py``), ranks literal matches above matches
   through a place's other names only; or sorts by date or title;
4. names each hit's matching pages from word positions (``pages.py``), with snippets from the
   best three;
5. offers "did you mean" only when the corrected query finds items the audience may see.

A plain query (no operator syntax; ``question.py``) is matched word by word instead of step 3's
Boolean query: an unknown word also by the indexed words one edit away (``typos.py``), then
every word first and most of them when that is too strict (``relax.py``).
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query as Q

from archive.catalog import Catalog
from archive.errors import QuerySyntaxError

from .access import access_filter, level_filter, visible_levels
from .analyzers import folded_analyzer
from .facets import FACETS, count_facets
from .gazetteer import Gazetteer, default_gazetteer
from .index import open_index
from .marks import Marks, marks_of
from .notices import N_, Notice, swap_years
from .pages import PageMatcher
from .parse import ParsedQuery, filter_query, parse_search
from .plan import first_pass, score_matches
from .proximity import RERANK_DEPTH, rerank
from .relax import score_plain
from .similar import more_like_this
from .snapshot import Snapshot, SnapshotPool
from .snippets import make_snippet
from .suggest import autocomplete, did_you_mean
from .typos import with_typos

__all__ = ["SearchRequest", "Hit", "SearchResult", "Searcher"]

_SORTS = ("relevance", "date", "title")
_SNIPPET_PAGES = 3
_ITEMS = Q.Term("doctype", "item")


@dataclass
class SearchRequest:
    """One search: the query text, filters, paging, sort and who is asking."""

    query: str
    kind: str | None = None
    lang: str | None = None
    filters: dict[str, str] = field(default_factory=dict)  # facet field -> value (issuer, ...)
    year_from: int | None = None
    year_to: int | None = None
    limit: int = 20
    page: int = 1
    sort: str = "relevance"
    audience: str = "staff"
    suggest: bool = True  # offer "did you mean" when a word is unknown or nothing matched


@dataclass
class Hit:
    """One matching item with the pages that match and a snippet from the best one."""

    id: str
    title: str
    kind: str
    languages: list[str]
    date: str | None
    access: str
    source: str | None
    score: float
    snippet: str
    pages: list[int]
    snippets: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """``dataclasses.asdict(hit)``, the same keys in the same order, without its deep copy
        of every value (a third of serializing a page of hits: its values are str and int)."""
        return {"id": self.id, "title": self.title, "kind": self.kind,
                "languages": list(self.languages), "date": self.date, "access": self.access,
                "source": self.source, "score": self.score, "snippet": self.snippet,
                "pages": list(self.pages), "snippets": [dict(s) for s in self.snippets]}


@dataclass
class SearchResult:
    """Total matching items, this page's hits, and facet counts over everything visible."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None  # a corrected query that finds visible items
    expansions: dict[str, list[str]] = field(default_factory=dict)  # typed place -> names added
    notices: list[Notice] = field(default_factory=list)  # what was repaired in the request

    def to_dict(self) -> dict:
        """The JSON shape of `ttdn search --json` and `/api/search` (optional keys when set)."""
        out = {"total": self.total, "hits": [h.to_dict() for h in self.hits], "facets": self.facets}
        if self.suggestion:
            out["suggestion"] = self.suggestion
        if self.expansions:
            out["expansions"] = self.expansions
        if self.notices:
            out["notices"] = [n.to_dict() for n in self.notices]
        return out


class Searcher:
    """One long-lived searcher per process, refreshed when the index changes; thread-safe."""

    def __init__(self, index_dir: Path, *, gazetteer: Gazetteer | None = None) -> None:
        self.ix = open_index(index_dir, upgrade=False)
        self.gazetteer = gazetteer or default_gazetteer()
        self._pool = SnapshotPool(self.ix)
        self._analyzer = folded_analyzer()

    def close(self) -> None:
        """Release the searchers' files."""
        self._pool.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def current(self):
        """A Whoosh searcher of the latest commit (for single-threaded callers and tests)."""
        return self._pool.peek().searcher

    # -- search --------------------------------------------------------------------------------

    def search(self, request: SearchRequest, catalog: Catalog) -> SearchResult:
        """Run one search for one audience; nothing the audience may not see is counted or shown."""
        notices: list[Notice] = []
        request = swap_years(request, notices)
        _check(request)
        with self._pool.lease() as snap:
            # The snapshot's schema: reading the index's (ix.schema) races with commits.
            schema = snap.searcher.schema
            parsed = parse_search(request.query, schema=schema, gazetteer=self.gazetteer)
            allowed = self._allowed(snap, request)
            shown_query = parsed.query
            if parsed.parts:
                parts = with_typos(snap, parsed.parts, visible_levels(request.audience),
                                   allowed)
                scored, relaxed = score_plain(snap, parts, allowed)
                if relaxed or parts != parsed.parts:  # pages and snippets from any word
                    shown_query = Q.Or([p.query for p in parts if p.required]
                                       or [p.query for p in parts])
            else:
                scored = score_matches(snap, parsed.query, allowed,
                                       request.page * request.limit)
            memo: dict = {}  # positions read by the rerank, read again for the hits' pages
            ranked = self._rank(snap, scored, parsed, request, memo)
            start = (request.page - 1) * request.limit
            shown = ranked[start:start + request.limit]
            hits = self._hits(snap, shown_query, shown, catalog, memo)
            docs = [d for d, _ in scored]
            facets = count_facets(snap.columns, docs, _facet_names(request.audience))
            suggestion = self._suggestion(snap, parsed, request, allowed)
        expansions = {typed: list(names) for typed, names in parsed.expansions}
        return SearchResult(len(docs), hits, facets, suggestion, expansions,
                            notices + parsed.notices)

    def _allowed(self, snap: Snapshot, request: SearchRequest) -> frozenset[int]:
        """The item docnums this request may match: the audience's levels and every filter."""
        sets = [snap.docs(Q.And([_ITEMS, access_filter(request.audience)]))]
        for query in self._filters(request, snap.searcher.schema):
            sets.append(snap.docs(query))
        sets.sort(key=len)
        return sets[0].intersection(*sets[1:]) if len(sets) > 1 else sets[0]

    @staticmethod
    def _filters(request: SearchRequest, schema) -> list[Q.Query]:
        filters = []
        wanted = {"kind": request.kind, "languages": request.lang, **request.filters}
        for name, value in wanted.items():
            if name == "access":  # only among the levels the audience may see
                filters.append(level_filter(request.audience, value))
                continue
            if value not in (None, ""):
                filters.append(filter_query(name, value, schema=schema))
        if request.year_from is not None or request.year_to is not None:
            low, high = request.year_from or 1, request.year_to or 9999
            # Dated items by their year; historic material by any overlap with its period.
            filters.append(Q.Or([Q.NumericRange("year", low, high),
                                 Q.And([Q.NumericRange("period_from", None, high),
                                        Q.NumericRange("period_to", low, None)])]))
        return filters

    def _rank(self, snap: Snapshot, scored: list[tuple[int, float]], parsed: ParsedQuery,
              request: SearchRequest, memo: dict | None = None) -> list[tuple[int, float]]:
        """The matches in display order, as far as the requested page reaches."""
        wanted = request.page * request.limit
        if request.sort == "date":
            dates = snap.columns.column("date")
            return sorted(scored, key=lambda ds: (dates[ds[0]] or "", ds[1]),
                          reverse=True)[:wanted]
        if request.sort == "title":
            titles = snap.columns.column("sort_title")
            return sorted(scored, key=lambda ds: (titles[ds[0]] or "\uffff", -ds[1]))[:wanted]
        scored = rerank(snap, scored, parsed.runs, max(RERANK_DEPTH, wanted), memo)
        literal_query = parsed.literal
        if parsed.parts:  # a plain query: the place names as typed, whatever else matched
            places = [p.literal for p in parsed.parts if p.literal is not None]
            literal_query = Q.And(places) if places else parsed.query
        if literal_query is parsed.query:
            return heapq.nlargest(wanted, scored, key=lambda ds: (ds[1], -ds[0]))
        # Every literal match first: a place's other names widen the search, never lead it.
        # An AND of places is matched place by place (each an OR of phrases, read in bulk).
        literal = frozenset(d for d, _ in scored)
        for place in (literal_query.subqueries if type(literal_query) is Q.And
                      else [literal_query]):
            literal = frozenset(snap.matching(first_pass(place), literal))
        return heapq.nlargest(wanted, scored, key=lambda ds: (ds[0] in literal, ds[1], -ds[0]))

    # -- hits ----------------------------------------------------------------------------------

    def _hits(self, snap: Snapshot, query: Q.Query, shown: list[tuple[int, float]],
              catalog: Catalog, memo: dict | None = None) -> list[Hit]:
        matcher = PageMatcher(snap.searcher, sorted(d for d, _ in shown), memo)
        found = {}
        for docnum, _ in sorted(shown):  # positions are read in docnum order
            stored = snap.searcher.stored_fields(docnum)
            found[docnum] = (stored, matcher.pages(query, docnum, stored.get("page_starts")))
        words = marks_of(query)  # what to mark: tone rule, runs, nothing negated
        # The snippets' pages and the sources of the whole page of hits, two catalog reads.
        ids = [stored["item_id"] for stored, _ in found.values()]
        texts = catalog.page_texts((stored["item_id"], n) for stored, pages in found.values()
                                   for n, _ in pages[:_SNIPPET_PAGES])
        sources = catalog.first_sources(ids)
        return [self._hit(*found[d], score, words, catalog, texts, sources)
                for d, score in shown]

    def _hit(self, stored: dict, pages: list[tuple[int, float]], score: float,
             words: Marks, catalog: Catalog, texts: dict, sources: dict) -> Hit:
        item_id = stored["item_id"]
        # Snippets from the best pages; the page list itself in reading order.
        snippets = [{"page": n, "text": make_snippet(texts.get((item_id, n), ""), words,
                                                     self._analyzer)}
                    for n, _ in pages[:_SNIPPET_PAGES]]
        source = sources.get(item_id)
        if source is None:
            item = catalog.get_item(item_id)
            source = item.identifier if item else None
        return Hit(id=item_id, title=stored.get("title", ""), kind=stored.get("kind", ""),
                   languages=[x for x in stored.get("languages", "").split(",") if x],
                   date=stored.get("date"), access=stored.get("access", ""), source=source,
                   score=round(float(score), 4),
                   snippet=snippets[0]["text"] if snippets else "",
                   pages=sorted(n for n, _ in pages), snippets=snippets)

    # -- suggestions, similar items ------------------------------------------------------------

    def _suggestion(self, snap: Snapshot, parsed: ParsedQuery, request: SearchRequest,
                    allowed: frozenset[int]) -> str | None:
        if not request.suggest or not parsed.words:
            return None
        return did_you_mean(snap, request, parsed.words, allowed, self.gazetteer)

    def autocomplete(self, text: str, *, audience: str = "public", limit: int = 8) -> dict:
        """Titles and completed queries for what has been typed so far, from visible items only.

        Returns ``{"titles": [{"id", "title"}], "terms": [completed query, ...]}``.
        """
        visible_levels(audience)
        with self._pool.lease() as snap:
            return autocomplete(snap, text, audience, limit, self.gazetteer)

    def more_like_this(self, item_id: str, catalog: Catalog, *, audience: str = "staff",
                       limit: int = 10) -> SearchResult:
        """Items similar to this one that the audience may see (NotFound if it may not see it)."""
        with self._pool.lease() as snap:
            allowed = self._allowed(snap, SearchRequest(query="", audience=audience))
            scored = more_like_this(snap, item_id, catalog, allowed)
            shown = heapq.nlargest(limit, scored, key=lambda ds: (ds[1], -ds[0]))
            hits = self._hits(snap, Q.NullQuery, shown, catalog)
        return SearchResult(len(scored), hits, {})


def _check(request: SearchRequest) -> None:
    """Refuse requests that cannot be run, with a one-line reason."""
    if request.limit < 1 or request.page < 1:
        raise QuerySyntaxError(N_("limit and page must be 1 or more"))
    if request.sort not in _SORTS:
        raise QuerySyntaxError(N_("unknown sort %(sort)s; use one of %(sorts)s"),
                               sort=repr(request.sort), sorts=", ".join(_SORTS))
    visible_levels(request.audience)


def _facet_names(audience: str) -> list[str]:
    """Every facet; access only for audiences that see more than one level."""
    return [f for f in FACETS if f != "access" or len(visible_levels(audience)) > 1]
