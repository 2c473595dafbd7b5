"""Scoring ORs of terms and phrases in bulk: the scores Whoosh's matchers give, for less work.

A quoted phrase, a place name and its variants, a document number: each is an OR of terms and
phrases over the text fields. Whoosh walks a tree of matchers over them, one posting per call,
and reads every candidate's positions through ``skip_to``. Here each term's scores come from
``BulkScorer.term_scores`` (a block at a time), a phrase's candidates are the allowed
documents holding all its words, and their positions are read for those only
(``postings.py``). Sums follow Whoosh's own: an OR adds its children in the binary tree
``make_binary_tree`` builds, then multiplies by its boost; a phrase scores the sum of its
words' scores times its boost (``phrase.PositionalPhrase``). Anything else returns None and
goes through Whoosh.
"""
from __future__ import annotations

from whoosh import query as Q

from .phrase import PositionalPhrase, phrase_starts
from .postings import positions_of
from .schema import TEXT_FIELDS

__all__ = ["supported", "query_scores", "leaf_bounds"]


def supported(query: Q.Query) -> bool:
    """Whether the query is an OR tree of terms and phrases in text fields only."""
    if type(query) is Q.Or:
        return bool(query.subqueries) and not query.scale and not query.minmatch and \
            all(supported(q) for q in query.subqueries)
    if type(query) in (Q.Term, PositionalPhrase):
        return query.fieldname in TEXT_FIELDS
    return False


def query_scores(bulk, query: Q.Query, allowed: frozenset[int]) -> dict[int, float]:
    """Score of every allowed document the (supported) query matches."""
    if type(query) is Q.Term:
        found = bulk.term_scores(query)
        return {d: s for d, s in found.items() if d in allowed}
    if type(query) is PositionalPhrase:
        return _phrase_scores(bulk, query, allowed)
    if len(query.subqueries) == 1:  # Whoosh runs the child alone, without the OR's boost
        return query_scores(bulk, query.subqueries[0], allowed)
    parts = [query_scores(bulk, q, allowed) for q in query.subqueries]
    total = _tree_sum(parts)
    if query.boost != 1.0:
        return {d: s * query.boost for d, s in total.items()}
    return total


def _tree_sum(parts: list[dict[int, float]]) -> dict[int, float]:
    """Children's scores added as Whoosh's binary tree of unions adds them (same rounding)."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    left, right = _tree_sum(parts[:half]), _tree_sum(parts[half:])
    if len(left) < len(right):
        out = dict(right)
        for d, s in left.items():
            other = out.get(d)
            out[d] = s if other is None else s + other
        return out
    out = dict(left)
    for d, s in right.items():
        other = out.get(d)
        out[d] = s if other is None else other + s
    return out


def leaf_bounds(bulk, leaf: Q.Query, docnums: list[int]) -> dict[int, float] | None:
    """The most a term or phrase can score on each of these documents (0 if absent), or None.

    A term's bound is its score; a phrase's is its words' scores when the document holds them
    all (what it scores if they follow each other), which needs no positions. None for other
    queries.
    """
    if type(leaf) is Q.Term and leaf.fieldname in TEXT_FIELDS:
        found = bulk.term_scores(leaf)
        return {d: found.get(d, 0.0) for d in docnums}
    if type(leaf) is not PositionalPhrase or leaf.fieldname not in TEXT_FIELDS:
        return None
    field, words = leaf.fieldname, list(leaf.words)
    weights = [bulk.term_weights(field, w) for w in words]
    out = {}
    for d in docnums:
        total = 0.0
        for w, found in zip(words, weights):
            tf = found.get(d)
            if tf is None:
                total = 0.0
                break
            total += bulk.weight_score(field, w, tf, d)
        out[d] = total * leaf.boost
    return out


def _phrase_scores(bulk, phrase: PositionalPhrase, allowed: frozenset[int]
                   ) -> dict[int, float]:
    """Allowed documents where the words follow each other: the sum of their scores × boost."""
    field, words = phrase.fieldname, list(phrase.words)
    if not words:
        return {}
    weights = [bulk.term_weights(field, w) for w in words]
    if len(allowed) < min(len(found) for found in weights):
        candidates = sorted(d for d in allowed if all(d in found for found in weights))
    else:
        rarest = min(weights, key=len)
        candidates = sorted(d for d in rarest if d in allowed and all(d in s for s in weights))
    if not candidates:
        return {}
    out = {}
    for d in _phrase_docs(bulk.searcher, field, words, phrase.slop, candidates, weights):
        total = 0  # scored only when matched: most candidates are not
        for w, found in zip(words, weights):
            total += bulk.weight_score(field, w, found[d], d)
        out[d] = total * phrase.boost
    return out


def _phrase_docs(searcher, field: str, words: list[str], slop: int, candidates: list[int],
                 weights: list[dict]) -> list[int]:
    """The candidates (ascending) where the words follow each other.

    Adjacent words (slop 1) are checked a word at a time, rarest first: each word's positions
    are read only for the documents still standing, the shift of its place in the phrase
    taken off (the phrase starts where every word's shifted position agrees).
    """
    if slop != 1:
        lists = {w: positions_of(searcher, field, w, candidates) for w in set(words)}
        return [d for d in candidates if phrase_starts([lists[w][d] for w in words], slop)]
    starts: dict[int, set[int]] = {}
    order = sorted(range(len(words)), key=lambda i: len(weights[i]))
    read: dict[str, dict[int, list[int]]] = {}  # a word twice in the phrase is read once
    for i in order:
        found = read.get(words[i])
        if found is None:
            found = read[words[i]] = positions_of(searcher, field, words[i], candidates)
        if not starts:
            starts = {d: {p - i for p in found.get(d, ())} for d in candidates}
        else:
            starts = {d: kept for d in candidates
                      if (kept := starts[d].intersection([p - i for p in found.get(d, ())]))}
        candidates = [d for d in candidates if starts.get(d)]
        if not candidates:
            break
    return candidates
