"""Run searches: parse, filter by access and facets, group page hits per item, build snippets."""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import highlight, sorting
from whoosh import query as Q

from archive.catalog import Catalog
from archive.errors import UsageError

from .access import access_filter, visible_levels
from .analyzers import folded_analyzer
from .index import open_index
from .parse import filter_query, parse_query
from .schema import weighting
from .snippets import make_snippet

__all__ = ["SearchRequest", "Hit", "SearchResult", "Searcher"]

_FACETS = {
    "kind": sorting.FieldFacet("kind", allow_overlap=False),
    "languages": sorting.FieldFacet("languages", allow_overlap=True),
    "year": sorting.FieldFacet("year"),
    "lead_unit": sorting.FieldFacet("lead_unit"),
    "collection": sorting.FieldFacet("collection"),
    "access": sorting.FieldFacet("access"),
}
_SORTS = {"relevance": None, "date": ("date", True), "title": ("sort_title", False)}
_PAGES_PER_HIT = 20


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


@dataclass
class SearchResult:
    """Total matching items, this page's hits, and facet counts over everything visible."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]

    def to_dict(self) -> dict:
        """The JSON shape of `ttdn search --json` and `/api/search`."""
        return {"total": self.total, "hits": [asdict(h) for h in self.hits], "facets": self.facets}


class Searcher:
    """One long-lived Whoosh searcher per process, refreshed when the index changes."""

    def __init__(self, index_dir: Path) -> None:
        self.ix = open_index(index_dir)
        self._searcher = self.ix.searcher(weighting=weighting())
        self._lock = threading.Lock()
        self._analyzer = folded_analyzer()

    def close(self) -> None:
        """Release the searcher's files."""
        self._searcher.close()

    def current(self):
        """The searcher, reopened first if a writer has committed since."""
        with self._lock:
            if not self._searcher.up_to_date():
                # A fresh searcher rather than refresh(): refresh closes the old one, which
                # another thread may still be reading; the old one closes when unreferenced.
                self._searcher = self.ix.searcher(weighting=weighting())
            return self._searcher

    def search(self, request: SearchRequest, catalog: Catalog) -> SearchResult:
        """Run one search for one audience; nothing the audience may not see is counted or shown."""
        if request.limit < 1 or request.page < 1:
            raise UsageError("limit and page must be 1 or more")
        if request.sort not in _SORTS:
            raise UsageError(f"unknown sort {request.sort!r}; use one of {', '.join(_SORTS)}")
        searcher = self.current()
        parsed = parse_query(request.query, schema=self.ix.schema)
        item_filter = Q.And([Q.Term("doctype", "item"), *self._filters(request)])
        facets = {k: v for k, v in _FACETS.items()
                  if k != "access" or len(visible_levels(request.audience)) > 1}
        sortedby, reverse = _SORTS[request.sort] or (None, False)
        results = searcher.search_page(parsed, request.page, pagelen=request.limit,
                                       filter=item_filter, groupedby=facets,
                                       sortedby=sortedby, reverse=reverse, terms=True)
        hits = [self._hit(searcher, parsed, r, catalog) for r in results]
        counts = {name: _counts(results.results.groups(name)) for name in facets}
        return SearchResult(total=results.total, hits=hits, facets=counts)

    def _filters(self, request: SearchRequest) -> list[Q.Query]:
        filters = [access_filter(request.audience)]
        wanted = {"kind": request.kind, "languages": request.lang, **request.filters}
        for name, value in wanted.items():
            if name == "access":
                raise UsageError("access is not a filter: choose the audience instead")
            if value:
                filters.append(filter_query(name, value, schema=self.ix.schema))
        if request.year_from is not None or request.year_to is not None:
            low, high = request.year_from or 1, request.year_to or 9999
            # Dated items by their year; historic material by any overlap with its period.
            filters.append(Q.Or([Q.NumericRange("year", low, high),
                                 Q.And([Q.NumericRange("period_from", None, high),
                                        Q.NumericRange("period_to", low, None)])]))
        return filters

    def _hit(self, searcher, parsed: Q.Query, result, catalog: Catalog) -> Hit:
        stored = result.fields()
        item_id = stored["item_id"]
        pages = self._matching_pages(searcher, parsed, item_id)
        texts = {p.n: p.text for p in catalog.pages(item_id)} if pages else {}
        terms = _query_words(parsed)
        # Snippets from the best-scoring pages; the page list itself in reading order.
        snippets = [{"page": n, "text": make_snippet(texts.get(n, ""), terms, self._analyzer)}
                    for n in pages[:3]]
        pages = sorted(pages)
        sources = catalog.sources(item_id)
        item = catalog.get_item(item_id)
        return Hit(id=item_id, title=stored.get("title", ""), kind=stored.get("kind", ""),
                   languages=[x for x in stored.get("languages", "").split(",") if x],
                   date=stored.get("date"), access=stored.get("access", ""),
                   source=sources[0] if sources else (item.identifier if item else None),
                   score=round(float(result.score or 0.0), 4),
                   snippet=snippets[0]["text"] if snippets else "", pages=pages,
                   snippets=snippets)

    def _matching_pages(self, searcher, parsed: Q.Query, item_id: str) -> list[int]:
        page_filter = Q.And([Q.Term("doctype", "page"), Q.Term("item_id", item_id)])
        found = searcher.search(parsed, filter=page_filter, limit=_PAGES_PER_HIT)
        return [r["page"] for r in found]


def _counts(groups: dict) -> dict[str, int]:
    counted = {str(k): (len(v) if isinstance(v, list) else int(v)) for k, v in groups.items()
               if k not in (None, "", 0)}
    return dict(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))


def _query_words(parsed: Q.Query) -> set[str]:
    words = set()
    for fieldname, text in parsed.iter_all_terms():
        if fieldname in ("content_f", "title_f", "content", "title"):
            words.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return words
