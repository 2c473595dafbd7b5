"""Facet counts over the items a search matched, from per-searcher value columns.

Counts are taken over the matching documents *after* the audience's access filter, so a public
search counts public items only, exactly like its hits. Years count one by one from 1950 on;
historic material (dated before 1950, or a period such as "1944/1945") counts by decade, as
"1940s", because archives describe it that loosely. ``year`` filters accept both forms
(``filters={"year": "1940s"}``, ``nam:1940s``).

Places and subjects are lists indexed as normalized terms (``lang son``): they count by term, so
"Lạng Sơn" and "lạng sơn" are one value, shown as a public item's own spelling of it (so a
spelling only an internal item uses never reaches the public).
"""
from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable

from .analyzers import normalize_label

__all__ = ["FACETS", "DECADES_BEFORE", "year_label", "FacetColumns", "count_facets"]

# Facet name -> stored field; every facet but access is shown to every audience.
FACETS = ("kind", "languages", "year", "places", "subjects", "creator", "lead_unit", "collection",
          "issuer", "doc_type", "access")
DECADES_BEFORE = 1950
# Multi-valued facets: each document holds a tuple of values.
_LISTS = ("languages", "places", "subjects")
# List labels whose shown value is the stored original, not the normalized indexed term.
_LIST_LABELS = ("places", "subjects")
_SEPARATORS = re.compile(r"[,;]")


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
        spellings: dict[str, tuple[bool, str]] = {}  # term -> (by a public item, spelling)
        for sub, offset in self.searcher.leaf_searchers():
            reader = sub.reader()
            if name == "languages":
                self._read_postings(reader, name, offset, values)
            elif name in _LIST_LABELS:
                self._read_postings(reader, name, offset, values,
                                    shown=_label_namer(reader, spellings))
            elif reader.has_column(name):
                for i, value in enumerate(reader.column_reader(name, translate=True)):
                    values[offset + i] = value
        if spellings:  # one spelling per term across segments, so counts never split
            return [tuple(spellings[t][1] for t in v) if v else v for v in values]
        return values

    @staticmethod
    def _read_postings(reader, name: str, offset: int, values: list, shown=None) -> None:
        """A multi-valued keyword field: each document's terms, from the postings.

        `shown(name, docnums, term)` notes how a term is spelled for display.
        """
        if name not in reader.indexed_field_names():
            return
        for term in reader.lexicon(name):
            text = term.decode("utf-8")
            docnums = list(reader.postings(name, term).all_ids())
            if shown is not None and docnums:
                shown(name, docnums, text)
            for docnum in docnums:
                old = values[offset + docnum]
                values[offset + docnum] = (*old, text) if old else (text,)


def _label_namer(reader, spellings: dict[str, tuple[bool, str]]):
    """A function noting, in `spellings`, how a segment's documents spell each label term.

    ("lang son" -> "Lạng Sơn"). A public document's spelling wins (one stored read a term);
    a term no public document has is seen by staff only, as its first document spells it.
    """
    access = reader.column_reader("access", translate=True) if reader.has_column("access") \
        else None

    def shown(name: str, docnums: list[int], term: str) -> None:
        if spellings.get(term, (False,))[0]:
            return
        public = next((d for d in docnums if access is not None and access[d] == "public"), None)
        if term in spellings and public is None:
            return
        stored = reader.stored_fields(docnums[0] if public is None else public).get(name) or ""
        spelled = next((part.strip() for part in _SEPARATORS.split(stored)
                        if normalize_label(part) == term), term)
        spellings[term] = (public is not None, spelled)
    return shown


def _count(column: list, docs: Iterable[int], name: str) -> Counter:
    counts: Counter = Counter()
    if name in _LISTS:
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
