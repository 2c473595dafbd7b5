"""Facet counts over the items a search matched, from per-searcher value columns.

Counts are taken over the matching documents *after* the audience's access filter, so a public
search counts public items only, exactly like its hits. Years count one by one from 1950 on;
historic material (dated before 1950, or a period such as "1944/1945") counts by decade, as
"1940s", because archives describe it that loosely. ``year`` filters accept both forms
(``filters={"year": "1940s"}``, ``nam:1940s``).
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable

__all__ = ["FACETS", "DECADES_BEFORE", "year_label", "FacetColumns", "count_facets"]

# Facet name -> stored field; every facet but access is shown to every audience.
FACETS = ("kind", "languages", "year", "lead_unit", "collection", "issuer", "doc_type", "access")
DECADES_BEFORE = 1950


def year_label(year: int) -> str | None:
    """The facet value of a year: itself, or its decade before 1950; None when unknown.

    >>> year_label(2017), year_label(1944), year_label(1838), year_label(0)
    ('2017', '1940s', '1830s', None)
    """
    if not year:
        return None
    return f"{year // 10 * 10}s" if year < DECADES_BEFORE else str(year)


class FacetColumns:
    """Every document's facet values, read once per searcher (a few MB for 100k items)."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self._columns: dict[str, list] = {}
        self._lock = threading.Lock()

    def column(self, name: str) -> list:
        """Values of one facet field by global docnum (tuples for multi-valued fields)."""
        found = self._columns.get(name)
        if found is None:
            with self._lock:
                found = self._columns.get(name) or self._read(name)
                self._columns[name] = found
        return found

    def _read(self, name: str) -> list:
        values: list = [None] * self.searcher.doc_count_all()
        for sub, offset in self.searcher.leaf_searchers():
            reader = sub.reader()
            if name == "languages":
                self._read_postings(reader, name, offset, values)
            elif reader.has_column(name):
                for i, value in enumerate(reader.column_reader(name, translate=True)):
                    values[offset + i] = value
        return values

    @staticmethod
    def _read_postings(reader, name: str, offset: int, values: list) -> None:
        """A multi-valued keyword field: each document's terms, from the postings."""
        if name not in reader.indexed_field_names():
            return
        for term in reader.lexicon(name):
            text = term.decode("utf-8")
            for docnum in reader.postings(name, term).all_ids():
                old = values[offset + docnum]
                values[offset + docnum] = (*old, text) if old else (text,)


def _count(column: list, docs: Iterable[int], name: str) -> Counter:
    counts: Counter = Counter()
    if name == "languages":
        for d in docs:
            counts.update(column[d] or ())
    elif name == "year":
        counts.update(year_label(column[d] or 0) for d in docs)
    else:
        counts.update(column[d] for d in docs)
    return counts


def count_facets(columns: FacetColumns, docs: list[int], names: Iterable[str]) -> dict:
    """{facet: {value: count}} over these docs, most frequent first, empty values left out."""
    out = {}
    for name in names:
        counts = _count(columns.column(name), docs, name)
        kept = {str(k): v for k, v in counts.items() if k not in (None, "", 0)}
        out[name] = dict(sorted(kept.items(), key=lambda kv: (-kv[1], kv[0])))
    return out
