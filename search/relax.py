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
from collections import defaultdict

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
    """(docnum, score) of the allowed matches, and whether the match was relaxed."""
    scores = [_part_scores(snap, part.query, allowed) for part in parts]
    # A query of function words only ("là gì") has nothing else to require: require those.
    anything = any(p.required for p in parts)
    required = [s for p, s in zip(parts, scores) if p.required or not anything]
    optional = [s for p, s in zip(parts, scores) if anything and not p.required]
    counts: dict[int, int] = defaultdict(int)
    sums: dict[int, float] = defaultdict(float)
    for found in required:
        for docnum, score in found.items():
            counts[docnum] += 1
            sums[docnum] += score
    n = len(required)
    need = n
    if n > 1 and (_sentence(parts) or sum(1 for c in counts.values() if c == n) < RELAX_BELOW):
        need = minimum_should_match(n)
        while need > 1 and not any(c >= need for c in counts.values()):
            need -= 1
    out = []
    for docnum, count in counts.items():
        if count < need:
            continue
        score = sums[docnum] + sum(found.get(docnum, 0.0) for found in optional)
        out.append((docnum, score * (count / n) ** COORD_POWER))
    return out, need < n


def _sentence(parts: list[Part]) -> bool:
    """A question or a description rather than keywords: it has function words, or many words.

    Requiring every word of a sentence is arbitrary (long texts hold most words somewhere):
    measured on the questions of `make relevance`, relaxing those always gave MRR 0.963 /
    0.930 (accented / not) against 0.940 / 0.896 when only fewer than ten items held every
    word; the keyword sets did not move.
    """
    return any(not p.required for p in parts) or sum(p.required for p in parts) >= SENTENCE


def _part_scores(snap: Snapshot, query: Q.Query, allowed: frozenset[int]) -> dict[int, float]:
    """A part's score on every allowed item it matches (terms in bulk, the rest by Whoosh)."""
    leaves = list(query.subqueries) if type(query) is Q.Or else [query]
    if all(type(leaf) is Q.Term and leaf.fieldname in TEXT_FIELDS for leaf in leaves):
        total: dict[int, float] = defaultdict(float)
        for leaf in leaves:
            for docnum, score in snap.bulk.term_scores(leaf).items():
                if docnum in allowed:
                    total[docnum] += score
        return total
    return dict(snap.scored(query, allowed))
