"""Which pages of an item match a query, read from the positions of its words.

An item's document stores where each page's text starts (``page_starts``). The query is
evaluated again on each page: a word matches the pages holding one of its positions, a phrase
the pages where its words follow each other, AND keeps the pages every part matches, OR the
pages any part matches, NOT the pages its part does not. Clauses on item-level fields (kind,
year, labels) hold for every page and do not narrow; matches in the title or document number
are on no page. Pages are weighed by how often the query's words occur on them (exact-field
hits weigh more, as in ranking), so snippets come from the best pages.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from whoosh import query as Q
from whoosh.reading import TermNotFound

from .phrase import phrase_starts
from .postings import positions_of
from .schema import PAGE_FIELDS, TEXT_FIELDS

__all__ = ["PageMatcher", "PositionReader", "MAX_PAGES"]

MAX_PAGES = 200  # page numbers listed per hit; more are dropped, the weakest first
_MAX_PREFIX_TERMS = 64  # terms a prefix is expanded to when reading positions

_Weights = dict[int, float]  # page number -> weight


class PositionReader:
    """Positions of terms in documents of one searcher; cheapest in increasing docnum order."""

    def __init__(self, searcher) -> None:
        self.leaves = searcher.leaf_searchers()
        self.offsets = [offset for _, offset in self.leaves]
        self._postings: dict[tuple[int, str, str], object] = {}

    def posting(self, field: str, text: str, docnum: int):
        """The term's posting matcher standing on this document, or None if it lacks the term."""
        leaf = bisect_right(self.offsets, docnum) - 1
        sub, offset = self.leaves[leaf]
        local, key = docnum - offset, (leaf, field, text)
        matcher = self._postings.get(key, False)
        if matcher is False or (matcher is not None and (not matcher.is_active()
                                                         or matcher.id() > local)):
            try:
                matcher = sub.reader().postings(field, text)
            except TermNotFound:
                matcher = None
            self._postings[key] = matcher
        if matcher is None or not matcher.is_active():
            return None
        matcher.skip_to(local)
        return matcher if matcher.is_active() and matcher.id() == local else None

    def positions(self, field: str, text: str, docnum: int) -> list[int]:
        """Where this term occurs in this document (empty when it does not)."""
        matcher = self.posting(field, text, docnum)
        return list(matcher.value_as("positions")) if matcher is not None else []

    def reader_of(self, docnum: int):
        """The segment reader holding this document."""
        return self.leaves[bisect_right(self.offsets, docnum) - 1][0].reader()


class PageMatcher:
    """Evaluates a query on the pages of documents of one searcher (in increasing docnum)."""

    def __init__(self, searcher, docnums: list[int] | None = None,
                 memo: dict | None = None) -> None:
        """`docnums`: every document it will be asked about (ascending), so that a word's
        positions are read for all of them at once; `memo`: the search's positions read."""
        self.reader = PositionReader(searcher)
        self._searcher, self._all = searcher, docnums
        self._memo = memo if memo is not None else {}

    def pages(self, query: Q.Query, docnum: int, page_starts: list) -> list[tuple[int, float]]:
        """(page, weight) of the pages matching the query, best first, at most MAX_PAGES."""
        if not page_starts:
            return []
        self._doc = docnum
        self._numbers = [n for n, _ in page_starts]
        self._starts = [start for _, start in page_starts]
        weights = self._eval(query)
        ranked = sorted((weights or {}).items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:MAX_PAGES]

    def _positions(self, field: str, text: str) -> list[int]:
        if self._all is None:
            return self.reader.positions(field, text, self._doc)
        # Read for every document at the first ask; later asks of the same word are lookups.
        key = (field, text, self._doc)
        if key in self._memo:
            return self._memo[key] or []
        return positions_of(self._searcher, field, text, self._all, self._memo).get(self._doc, [])

    def _page_of(self, position: int) -> int | None:
        """The page a token position falls on (None: the metadata before the first page)."""
        i = bisect_right(self._starts, position) - 1
        return self._numbers[i] if i >= 0 else None

    def _weigh(self, positions: Iterable[int], boost: float) -> _Weights:
        """Each page's weight: `boost` once per position on it (positions ascending).

        The positions are cut at the page starts by bisection, not placed one by one: a
        common word occurs hundreds of times in a long item of a few pages.
        """
        positions = positions if isinstance(positions, list) else list(positions)
        weights: _Weights = {}
        if not positions:
            return weights
        starts, numbers = self._starts, self._numbers
        at = bisect_left(positions, starts[0])  # positions before the first page: metadata
        page = max(0, bisect_right(starts, positions[at]) - 1) if at < len(positions) else 0
        while at < len(positions):
            following = page + 1
            upto = (bisect_left(positions, starts[following], at)
                    if following < len(starts) else len(positions))
            if upto > at:
                weights[numbers[page]] = _times(boost, upto - at)
                at = upto
                if at < len(positions):
                    page = bisect_right(starts, positions[at]) - 1
            else:
                page = following
        return weights

    # -- evaluation ----------------------------------------------------------------------------

    def _eval(self, q: Q.Query) -> _Weights | None:
        """Page weights for a clause; None when the clause is about the item, not its pages."""
        if isinstance(q, (Q.Term, Q.Phrase, Q.Prefix)):
            return self._leaf(q)
        if isinstance(q, Q.Not):
            inner = self._eval(q.query)
            return None if inner is None else {n: 0.0 for n in self._numbers if n not in inner}
        if isinstance(q, Q.AndMaybe):
            required, optional = self._eval(q.a), self._eval(q.b)
            if required is None or not optional:
                return required
            return {n: w + optional.get(n, 0.0) for n, w in required.items()}
        if isinstance(q, (Q.And, Q.Or)):
            parts = [w for w in map(self._eval, q.subqueries) if w is not None]
            if not parts:
                return None
            return _intersect(parts) if isinstance(q, Q.And) else _union(parts)
        return None

    def _leaf(self, q: Q.Query) -> _Weights | None:
        if q.fieldname not in PAGE_FIELDS:
            return {} if q.fieldname in TEXT_FIELDS else None
        if isinstance(q, Q.Term):
            return self._weigh(self._positions(q.fieldname, q.text), q.boost)
        if isinstance(q, Q.Phrase):
            lists = [self._positions(q.fieldname, word) for word in q.words]
            return self._weigh(phrase_starts(lists, q.slop), q.boost)
        terms = self._prefix_terms(q.fieldname, q.text)
        return _union([self._weigh(self._positions(q.fieldname, t), q.boost) for t in terms])

    def _prefix_terms(self, field: str, prefix: str) -> list[str]:
        reader = self.reader.reader_of(self._doc)
        terms = []
        for term in reader.expand_prefix(field, prefix):
            terms.append(term.decode("utf-8") if isinstance(term, bytes) else term)
            if len(terms) >= _MAX_PREFIX_TERMS:
                break
        return terms


def _times(boost: float, count: int) -> float:
    """`boost` added `count` times, as a running sum gives it (a product when that is exact).

    >>> _times(0.5, 3), _times(0.1, 3) == 0.1 + 0.1 + 0.1
    (1.5, True)
    """
    if float(boost).as_integer_ratio()[0].bit_length() + count.bit_length() <= 53:
        return boost * count  # every partial sum is exact, so the sum is the product
    total = 0.0
    for _ in range(count):
        total += boost
    return total


def _intersect(parts: list[_Weights]) -> _Weights:
    common = set(parts[0]).intersection(*parts[1:])
    return {n: sum(p[n] for p in parts) for n in common}


def _union(parts: list[_Weights]) -> _Weights:
    total: _Weights = {}
    for part in parts:
        for n, w in part.items():
            total[n] = total.get(n, 0.0) + w
    return total
