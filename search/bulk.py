"""Bulk scoring for the common query: words, each looked up as alternative terms, all required.

Whoosh scores a match by walking a tree of matchers, a few microseconds per term per document;
a query of common words over 10k items spends most of its time there. For a query that is an
AND of groups of plain terms, :class:`BulkScorer` reads each term's postings once, computes
BM25F for all of them in one loop (the same formula and statistics as Whoosh's ``BM25F``, so
the scores agree to rounding), sums each word's alternatives and intersects the words.
Anything else (phrases, prefixes, NOT, labels) goes through Whoosh's matchers.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from whoosh import query as Q
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader
from whoosh.columns import NumericColumn
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from .pages import PositionReader
from .phrase import phrase_starts
from .postings import block_entries, entries
from .schema import TEXT_FIELDS

if TYPE_CHECKING:
    import numpy as np  # imported when arrays are first used: a one-shot search may not

__all__ = ["term_groups", "scoring_leaves", "BulkScorer", "CACHED_POSTINGS"]

CACHED_POSTINGS = 200_000  # postings (docnum -> frequency) kept per searcher: ~20 MB
CACHED_ARRAYS = 1_000_000  # postings kept as arrays (docnums, frequencies): ~16 MB a searcher


def term_groups(query: Q.Query) -> list[list[Q.Term]] | None:
    """The query as an AND of groups of alternative terms in text fields, or None.

    >>> term_groups(Q.And([Q.Term("content_f", "lang"), Q.Or([Q.Term("content", "sơn"),
    ...                                                       Q.Term("content_f", "son")])]))
    [[Term('content_f', 'lang')], [Term('content', 'sơn'), Term('content_f', 'son')]]
    >>> term_groups(Q.Not(Q.Term("content_f", "lang"))) is None
    True
    """
    parts = query.subqueries if type(query) is Q.And else [query]
    groups = []
    for part in parts:
        leaves = list(part.subqueries) if type(part) is Q.Or else [part]
        if not leaves or not all(type(leaf) is Q.Term and leaf.fieldname in TEXT_FIELDS
                                 for leaf in leaves):
            return None
        groups.append(leaves)
    return groups


def scoring_leaves(query: Q.Query) -> list[Q.Query] | None:
    """The terms and phrases whose scores add up to a match's score (not those under NOT).

    None when the query holds anything else (prefixes, ranges, labels): Whoosh scores those.
    """
    if type(query) in (Q.And, Q.Or):
        found = [scoring_leaves(q) for q in query.subqueries]
        return None if None in found else [leaf for part in found for leaf in part]
    if type(query) is Q.AndMaybe:
        a, b = scoring_leaves(query.a), scoring_leaves(query.b)
        return None if a is None or b is None else a + b
    if type(query) is Q.Not:
        return []
    if isinstance(query, (Q.Term, Q.Phrase)) and query.fieldname in TEXT_FIELDS:
        return [query]
    return None


class BulkScorer:
    """Scores term groups over one searcher; caches field lengths and recent terms' postings."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self._lengths: dict[str, list[int]] = {}
        self._terms: dict[tuple[str, str], tuple[float, float, float]] = {}
        self._weights: OrderedDict[tuple[str, str], dict[int, float]] = OrderedDict()
        self._cached = 0  # postings held in _weights
        self._arrays: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._arrayed = 0  # postings held in _arrays
        self._length_arrays: dict[str, np.ndarray] = {}
        self._masks: OrderedDict[frozenset[int], np.ndarray] = OrderedDict()

    def doc_scores(self, leaves: list[Q.Query], docnums: list[int]) -> dict[int, float]:
        """A matching document's score, as the sum of the scores of the leaves it matches.

        That is how Whoosh adds up AND, OR and phrase scores; reading one posting per leaf
        per document beats moving whole matcher trees (phrases would scan ahead).
        """
        reader, out = PositionReader(self.searcher), {}
        for docnum in sorted(docnums):
            total = 0.0
            for leaf in leaves:
                if isinstance(leaf, Q.Phrase):
                    total += self._phrase_score(reader, leaf, docnum)
                else:
                    total += self._posting_score(reader, leaf.fieldname, leaf.text, docnum,
                                                 leaf.boost)
            out[docnum] = total
        return out

    def max_score(self, leaf: Q.Query) -> float:
        """The most a term or phrase can score on any document (an upper bound)."""
        words = leaf.words if isinstance(leaf, Q.Phrase) else [leaf.text]
        total = 0.0
        for word in words:
            try:
                info = self.searcher.term_info(leaf.fieldname, word)
            except TermNotFound:
                return 0.0 if isinstance(leaf, Q.Phrase) else total
            num, base, per_length = self._constants(leaf.fieldname, word)
            tf = info.max_weight()
            total += num * tf / (tf + base + per_length * max(info.min_length(), 0))
        return total * leaf.boost

    def _posting_score(self, reader: PositionReader, field: str, text: str, docnum: int,
                       boost: float) -> float:
        posting = reader.posting(field, text, docnum)
        if posting is None:
            return 0.0
        num, base, per_length = self._constants(field, text)
        tf = posting.weight()
        return boost * num * tf / (tf + base + per_length * self._field_lengths(field)[docnum])

    def _phrase_score(self, reader: PositionReader, phrase: Q.Phrase, docnum: int) -> float:
        lists = [reader.positions(phrase.fieldname, w, docnum) for w in phrase.words]
        if not phrase_starts(lists, phrase.slop):
            return 0.0
        return phrase.boost * sum(self._posting_score(reader, phrase.fieldname, w, docnum, 1.0)
                                  for w in phrase.words)

    def _constants(self, field: str, text: str) -> tuple[float, float, float]:
        """BM25F's per-term numbers: idf·(k1+1), k1·(1−b), k1·b/avgfl."""
        key = (field, text)
        found = self._terms.get(key)
        if found is None:
            weighting = self.searcher.weighting
            b = weighting._field_B.get(field, weighting.B)  # noqa: SLF001 - no getter in BM25F
            k1, avgfl = weighting.K1, self.searcher.avg_field_length(field) or 1
            found = (self.searcher.idf(field, text) * (k1 + 1), k1 * (1 - b), k1 * b / avgfl)
            self._terms[key] = found
        return found

    def score(self, groups: list[list[Q.Term]], allowed: frozenset[int]) -> list[tuple[int,
                                                                                     float]]:
        """(docnum, score) of the allowed documents matching every group."""
        sums = []
        for group in groups:
            total: dict[int, float] = {}
            for term in group:
                for docnum, value in self.term_scores(term).items():
                    total[docnum] = total.get(docnum, 0.0) + value
            sums.append(total)
        sums.sort(key=len)
        first, rest = sums[0], sums[1:]
        out = []
        for docnum, value in first.items():
            if docnum not in allowed:
                continue
            for other in rest:
                more = other.get(docnum)
                if more is None:
                    break
                value += more
            else:
                out.append((docnum, value))
        return out

    def term_scores(self, term: Q.Term) -> dict[int, float]:
        """BM25F of one term (times its boost) for every document holding it."""
        field = term.fieldname
        num, base, per_length = self._constants(field, term.text)
        num *= term.boost
        lengths = self._field_lengths(field)
        return {docnum: num * tf / (tf + base + per_length * lengths[docnum])
                for docnum, tf in self.term_weights(field, term.text).items()}

    def term_weights(self, field: str, text: str) -> dict[int, float]:
        """The term's frequency (posting weight) in every document holding it (do not modify).

        Kept for this index generation, least recently used dropped past
        :data:`CACHED_POSTINGS` postings: a common word's postings carry its positions, so
        reading them (unpickling every block) is most of what scoring it costs, and the same
        common words come back query after query and step after step of one search.
        """
        key = (field, text)
        found = self._weights.get(key)
        if found is not None:
            self._weights.move_to_end(key)
            return found
        found = {}
        for sub, offset in self.searcher.leaf_searchers():
            found.update((local + offset, tf) for local, tf in entries(sub.reader(), field, text))
        self._weights[key] = found
        self._cached += len(found)
        while self._cached > CACHED_POSTINGS and len(self._weights) > 1:
            self._cached -= len(self._weights.popitem(last=False)[1])
        return found

    def term_score_array(self, term: Q.Term) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, scores) of one term, as :meth:`term_scores` gives them, as arrays.

        The same operations in the same order on float64, so every score is the same number.
        """
        docnums, tfs = self._term_arrays(term.fieldname, term.text)
        num, base, per_length = self._constants(term.fieldname, term.text)
        num *= term.boost
        lengths = self._lengths_array(term.fieldname)[docnums]
        return docnums, num * tfs / (tfs + base + per_length * lengths)

    def mask(self, allowed: frozenset[int]) -> np.ndarray:
        """The allowed docnums as a boolean array over every document (the last few kept)."""
        import numpy as np

        found = self._masks.get(allowed)
        if found is None:
            found = np.zeros(self.searcher.doc_count_all(), dtype=bool)
            found[np.fromiter(allowed, dtype=np.int64, count=len(allowed))] = True
            self._masks[allowed] = found
            while len(self._masks) > 8:
                self._masks.popitem(last=False)
        else:
            self._masks.move_to_end(allowed)
        return found

    def _term_arrays(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        key = (field, text)
        found = self._arrays.get(key)
        if found is not None:
            self._arrays.move_to_end(key)
            return found
        weights = self._weights.get(key)
        if weights is not None:
            docnums = np.fromiter(weights.keys(), dtype=np.int64, count=len(weights))
            tfs = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
        else:
            docnums, tfs = self._read_arrays(field, text)
        found = (docnums, tfs)
        self._arrays[key] = found
        self._arrayed += len(docnums)
        while self._arrayed > CACHED_ARRAYS and len(self._arrays) > 1:
            self._arrayed -= len(self._arrays.popitem(last=False)[1][0])
        return found

    def _read_arrays(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A term's (docnums, frequencies) from its postings, a block at a time."""
        import numpy as np

        docnums, tfs = [], []
        for sub, offset in self.searcher.leaf_searchers():
            for ids, weights in block_entries(sub.reader(), field, text):
                docnums.append(np.asarray(ids, dtype=np.int64) + offset)
                tfs.append(np.asarray(weights, dtype=np.float64))
        if not docnums:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(docnums), np.concatenate(tfs)

    def _lengths_array(self, field: str) -> np.ndarray:
        import numpy as np

        found = self._length_arrays.get(field)
        if found is None:
            found = self._length_arrays[field] = np.asarray(self._field_lengths(field),
                                                            dtype=np.float64)
        return found

    def weight_score(self, field: str, text: str, tf: float, docnum: int) -> float:
        """BM25F of a term (boost 1) occurring `tf` times in a document, as term_scores gives."""
        num, base, per_length = self._constants(field, text)
        return num * tf / (tf + base + per_length * self._field_lengths(field)[docnum])

    def _field_lengths(self, field: str) -> list[int]:
        """Every document's length in this field (1 when empty, as Whoosh's scorer reads it)."""
        found = self._lengths.get(field)
        if found is None:
            found = []
            for sub, _offset in self.searcher.leaf_searchers():
                found.extend(_segment_lengths(sub.reader(), field))
            self._lengths[field] = found
        return found


_BYTE_LENGTHS = [byte_to_length(b) if b else None for b in range(256)]


def _segment_lengths(reader, field: str) -> list:
    """Every document's length in one segment, as ``doc_field_length(d, field, 1)`` gives it.

    Whoosh keeps a field's lengths as one byte a document in a column; reading that column's
    bytes at once and decoding them through a table is a hundred times faster than asking
    for each document (a second for four fields at 100k pages, paid by every fresh searcher).
    """
    count = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    column = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN) \
        if isinstance(perdoc, W3PerDocReader) else False  # noqa: SLF001
    if column is None:
        return [1] * count  # no lengths for the field: the default asked for
    if type(column) is not NumericColumn.Reader or column._typecode != "B":  # noqa: SLF001
        return [reader.doc_field_length(i, field, 1) for i in range(count)]
    stored = min(column._count, count)  # noqa: SLF001 - later documents have the default 0
    raw = column._dbfile.get(column._basepos, stored)  # noqa: SLF001
    return [_BYTE_LENGTHS[b] for b in raw] + [None] * (count - stored)
