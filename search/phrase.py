"""Phrase queries checked on position lists, instead of Whoosh's span machinery.

Whoosh 2.7 runs a phrase as a ``SpanNear2`` query, which builds a ``Span`` object for every
position of every word in every candidate document: a third of a second for a three-word
phrase over 10k pages. :class:`PositionalPhrase` matches the same documents with the same
score (the sum of its words' scores, as the span matcher gives): it intersects the words'
postings, rarest first, and checks each candidate's positions with a binary search.
"""
from __future__ import annotations

from bisect import bisect_left

from whoosh import matching
from whoosh.query import Phrase, QueryError, Term

__all__ = ["PositionalPhrase", "phrase_starts"]


def phrase_starts(lists: list[list[int]], slop: int) -> list[int]:
    """Positions where the words follow each other, each at most `slop` after the previous.

    >>> phrase_starts([[1, 7], [2, 9], [3]], 1), phrase_starts([[1], [3]], 2)
    ([1], [1])
    """
    if not lists or not all(lists):
        return []
    if slop == 1:  # the common case, in set operations
        common = set(lists[0]).intersection(*({p - i for p in positions}
                                              for i, positions in enumerate(lists[1:], 1)))
        return sorted(common)
    found = []
    for start in lists[0]:
        at = start
        for following in lists[1:]:
            i = bisect_left(following, at + 1)
            if i == len(following) or following[i] - at > slop:
                break
            at = following[i]
        else:
            found.append(start)
    return found


class PositionalPhrase(Phrase):
    """A :class:`whoosh.query.Phrase` with a faster matcher (same documents, same scores)."""

    def matcher(self, searcher, context=None):
        """Intersect the words' postings; keep documents where the words follow each other."""
        field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
        if field is None:
            return matching.NullMatcher()
        if not field.format or not field.format.supports("positions"):
            raise QueryError(f"Phrase search: {self.fieldname!r} field has no positions")
        reader, matchers = searcher.reader(), []
        for word in self.words:
            if (self.fieldname, field.to_bytes(word)) not in reader:
                return matching.NullMatcher()
            matchers.append(Term(self.fieldname, word).matcher(searcher, context))
        return _PhraseMatcher(matchers, self.slop, self.boost)


class _PhraseMatcher(matching.Matcher):
    """Leapfrogs the words' matchers to common documents, then checks their positions."""

    def __init__(self, matchers: list, slop: int, boost: float) -> None:
        self._words = matchers  # in phrase order, for the position check
        self._slop, self._boost = slop, boost
        self._find()

    def is_active(self) -> bool:
        return all(m.is_active() for m in self._words)

    def id(self) -> int:
        return self._words[0].id()

    def _align(self) -> bool:
        """Move every matcher to the same document; False when one runs out."""
        matchers = self._words
        while True:
            target = -1
            for m in matchers:
                if not m.is_active():
                    return False
                target = max(target, m.id())
            behind = [m for m in matchers if m.id() < target]
            if not behind:
                return True
            for m in behind:
                m.skip_to(target)

    def _find(self) -> None:
        while self._align():
            lists = [list(m.value_as("positions")) for m in self._words]
            if phrase_starts(lists, self._slop):
                return
            self._words[0].next()

    def next(self) -> None:
        self._words[0].next()
        self._find()

    def skip_to(self, target: int) -> None:
        for m in self._words:
            if m.is_active() and m.id() < target:
                m.skip_to(target)
        self._find()

    def score(self) -> float:
        return sum(m.score() for m in self._words) * self._boost

    def weight(self) -> float:
        return sum(m.weight() for m in self._words)

    def supports_block_quality(self) -> bool:
        return False

    def supports(self, astype: str) -> bool:
        return astype in ("frequency", "weight")

    def copy(self) -> _PhraseMatcher:
        return _PhraseMatcher([m.copy() for m in self._words], self._slop, self._boost)

    def reset(self) -> None:
        for m in self._words:
            m.reset()
        self._find()

    def replace(self, minquality: float = 0) -> matching.Matcher:
        return self if self.is_active() else matching.NullMatcher()

    def children(self) -> list:
        return list(self._words)

    def term_matchers(self):
        for m in self._words:
            yield from m.term_matchers()
