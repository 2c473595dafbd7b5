"""Matching a plain query: every word first, then most of them (minimum should match).

A member of the public types a question ("Viên chức có được khiếu nại quyết định kỷ luật
không?"); requiring every word finds nothing. As Lucene's ``minimumNumberShouldMatch`` and
Elasticsearch's ``minimum_should_match`` do, a plain query (``question.Part`` per word)
first keeps the items holding every required word; when those are fewer than
:data:`RELAX_BELOW`, or the query is a sentence (function words, or :data:`SENTENCE` words or
more), it keeps the items holding at least :func:`minimum_should_match` of them (lowered
further, down to one, while that finds nothing). Function words never count.
A match's score is the sum of its parts' BM25F scores times the share of required words it
holds (Lucene's classic coordination factor), so items holding every word still lead.
"""
from __future__ import annotations

import math

import numpy as np
from whoosh import query as Q

from .question import Part
from .schema import TEXT_FIELDS
from .snapshot import Snapshot

__all__ = ["RELAX_BELOW", "minimum_should_match", "score_plain"]

RELAX_BELOW = 10  # items (one page of results): fewer all-word matches widen the search
SENTENCE = 5  # required words: a query this long is relaxed whatever it finds (see _sentence)
COORD_POWER = 1.0  # how hard a missing word costs: score × (matched / required) ** this


def minimum_should_match(required: int) -> int:
    """How many of `required` words a relaxed match holds: all but one up to four, then 40 %.

    Long questions carry many words any text has ("quy định", "theo", "hiện hành"), so past
    four the share drops (never below three). Measured with `make relevance`: 40 %, a third,
    half and 60 % rank the questions the same (MRR 0.963 / 0.935), "all but two" lower (0.955
    / 0.927); 40 % keeps the most recall for wordier questions than ours.

    >>> [minimum_should_match(n) for n in range(1, 13)]
    [1, 1, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5]
    """
    if required <= 4:
        return max(1, required - 1)
    return max(3, math.ceil(0.4 * required))


def score_plain(snap: Snapshot, parts: list[Part], allowed: frozenset[int]
                ) -> tuple[list[tuple[int, float]], bool]:
    """(docnum, score) of the allowed matches (ascending), and whether the match was relaxed.

    Over arrays of every document: a common word holds most of them, and adding its scores
    one dictionary entry at a time was most of a plain query's time.
    """
    mask = snap.bulk.mask(allowed)
    scores = [_part_scores(snap, part.query, allowed, mask) for part in parts]
    # A query of function words only ("là gì") has nothing else to require: require those.
    anything = any(p.required for p in parts)
    required = [s for p, s in zip(parts, scores) if p.required or not anything]
    optional = [s for p, s in zip(parts, scores) if anything and not p.required]
    counts = np.zeros(len(mask), dtype=np.int64)
    sums = np.zeros(len(mask), dtype=np.float64)
    for total, held in required:
        counts += held
        sums += total
    n = len(required)
    need = n
    if n > 1 and (_sentence(parts) or np.count_nonzero(counts == n) < RELAX_BELOW):
        need = minimum_should_match(n)
        while need > 1 and not (counts >= need).any():
            need -= 1
    kept = np.flatnonzero(counts >= max(need, 1))
    score = sums[kept]
    if optional:
        extra = np.zeros(len(kept), dtype=np.float64)
        for total, _held in optional:
            extra += total[kept]
        score = score + extra
    score = score * (counts[kept] / n) ** COORD_POWER
    return list(zip(kept.tolist(), score.tolist())), need < n


def _sentence(parts: list[Part]) -> bool:
    """A question or a description rather than keywords: it has function words, or many words.

    Requiring every word of a sentence is arbitrary (long texts hold most words somewhere):
    measured on the questions of `make relevance`, relaxing those always gave MRR 0.963 /
    0.930 (accented / not) against 0.940 / 0.896 when only fewer than ten items held every
    word; the keyword sets did not move.
    """
    return any(not p.required for p in parts) or sum(p.required for p in parts) >= SENTENCE


def _part_scores(snap: Snapshot, query: Q.Query, allowed: frozenset[int], mask: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """A part's score on every document (0 where it does not match) and where it matches
    among the allowed (terms in bulk, the rest by Whoosh)."""
    total = np.zeros(len(mask), dtype=np.float64)
    held = np.zeros(len(mask), dtype=bool)
    leaves = list(query.subqueries) if type(query) is Q.Or else [query]
    if all(type(leaf) is Q.Term and leaf.fieldname in TEXT_FIELDS for leaf in leaves):
        for leaf in leaves:
            docnums, values = snap.bulk.term_score_array(leaf)
            total[docnums] += values  # a term's docnums are distinct
            held[docnums] = True
        held &= mask
        return total, held
    found = snap.scored(query, allowed)
    if found:
        docnums = np.fromiter((d for d, _ in found), dtype=np.int64, count=len(found))
        total[docnums] = np.fromiter((s for _, s in found), dtype=np.float64, count=len(found))
        held[docnums] = True
    return total, held
