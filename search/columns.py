"""Facet columns that read a document's value when it is first asked for, until a whole read pays.

``facets.FacetColumns`` reads a facet field for every document of the index the first time a
searcher counts it. A long-lived searcher reuses those lists query after query; a one-shot
``ttdn search`` counted 11 facets over its 51 matches (of 939 items at 10k pages, 9,343 at
100k) and read every value of every column to do it: most of its first search's cost past
scoring. :class:`LazyColumns` hands out single-valued fields as :class:`LazyColumn`, which reads
(and keeps) only the values asked for; once a quarter of a column has been asked for, the next
request reads it whole, as before, so a long-lived searcher ends up with the same plain lists.
Multi-valued fields come from postings (a walk of the field's terms), so they are read whole.
"""
from __future__ import annotations

from .facets import _LISTS, FacetColumns  # noqa: PLC2701 - the fields read from postings

__all__ = ["LazyColumn", "LazyColumns"]

_WHOLE_FROM = 4  # read a column whole once 1/_WHOLE_FROM of its documents have been asked for
_UNREAD = object()


class LazyColumn:
    """One single-valued facet field by global docnum, each value read when first asked for."""

    def __init__(self, searcher, name: str) -> None:
        self._values: list = [_UNREAD] * searcher.doc_count_all()
        self._leaves = []  # (first docnum, end, the segment's column reader or None)
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            column = reader.column_reader(name, translate=True) if reader.has_column(name) \
                else None
            self._leaves.append((offset, offset + reader.doc_count_all(), column))
        self.read = 0  # values read so far

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, docnum: int):
        value = self._values[docnum]
        if value is _UNREAD:
            value = self._values[docnum] = self._read(docnum)
        return value

    def _read(self, docnum: int):
        self.read += 1
        for start, end, column in self._leaves:
            if start <= docnum < end:
                return None if column is None else column[docnum - start]
        raise IndexError(docnum)


class LazyColumns(FacetColumns):
    """FacetColumns whose single-valued fields are read as asked, then whole once it pays."""

    def __init__(self, searcher) -> None:
        super().__init__(searcher)
        self._lazy: dict[str, LazyColumn] = {}

    def column(self, name: str):
        """Values of one facet field by global docnum: a list, or a LazyColumn for now."""
        found = self._columns.get(name)
        if found is not None or name in _LISTS:
            return found if found is not None else super().column(name)
        lazy = self._lazy.get(name)
        if lazy is None:
            lazy = self._lazy[name] = LazyColumn(self.searcher, name)
        elif lazy.read * _WHOLE_FROM >= len(lazy):
            del self._lazy[name]
            return super().column(name)  # read whole and kept, as FacetColumns does
        return lazy
