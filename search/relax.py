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
import sys
from collections import defaultdict
from typing import TYPE_CHECKING

from whoosh import query as Q

from .question import Part
from .schema import TEXT_FIELDS
from .snapshot import Snapshot

if TYPE_CHECKING:
    import numpy as np

__all__ = ["RELAX_BELOW", "minimum_should_match", "score_plain"]

RELAX_BELOW = 10  # items (one page of results): fewer all-word matches widen the search
SENTENCE = 5  # required words: a query this long is relaxed whatever it finds (see _sentence)
COORD_POWER = 1.0  # how hard a missing word costs: score × (matched / required) ** this
# Postings a plain query reads from which arrays pay even counting the import of numpy
# (~0.1 s): below, a one-shot search (`ttdn search` on a small archive) adds in dictionaries.
ARRAYS_FROM = 50_000


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

    Over arrays of every document when numpy is loaded or the query reads enough postings
    (:data:`ARRAYS_FROM`): a common word holds most documents, and adding its scores one
    dictionary entry at a time was most of a plain query's time. Both ways add the same
    numbers in the same order, so they give the same scores.
    """
    if "numpy" in sys.modules or _postings(snap, parts) >= ARRAYS_FROM:
        return _plain_in_arrays(snap, parts, allowed)
    return _plain_in_dicts(snap, parts, allowed)


def _postings(snap: Snapshot, parts: list[Part]) -> int:
    """How many postings the parts' terms hold (what scoring them reads)."""
    total = 0
    for part in parts:
        for leaf in (part.query.subqueries if type(part.query) is Q.Or else [part.query]):
            if type(leaf) is Q.Term:
                total += snap.searcher.doc_frequency(leaf.fieldname, leaf.text)
    return total


def _need(parts: list[Part], n: int, all_words: int, reaching) -> int:
    """How many of the `n` required parts a match holds (minimum should match, see module)."""
    need = n
    if n > 1 and (_sentence(parts) or all_words < RELAX_BELOW):
        need = minimum_should_match(n)
        while need > 1 and not reaching(need):
            need -= 1
    return need


def _split(parts: list[Part], scores: list) -> tuple[list, list]:
    """The parts' scores, required and optional; with only function words, all required."""
    anything = any(p.required for p in parts)  # "là gì" has nothing else to require
    required = [s for p, s in zip(parts, scores) if p.required or not anything]
    optional = [s for p, s in zip(parts, scores) if anything and not p.required]
    return required, optional


def _plain_in_arrays(snap: Snapshot, parts: list[Part], allowed: frozenset[int]
                     ) -> tuple[list[tuple[int, float]], bool]:
    import numpy as np

    mask = snap.bulk.mask(allowed)
    required, optional = _split(parts, [_part_arrays(snap, p.query, allowed, mask)
                                        for p in parts])
    counts = np.zeros(len(mask), dtype=np.int64)
    sums = np.zeros(len(mask), dtype=np.float64)
    for total, held in required:
        counts += held
        sums += total
    n = len(required)
    need = _need(parts, n, int(np.count_nonzero(counts == n)),
                 lambda k: bool((counts >= k).any()))
    kept = np.flatnonzero(counts >= max(need, 1))
    score = sums[kept]
    if optional:
        extra = np.zeros(len(kept), dtype=np.float64)
        for total, _held in optional:
            extra += total[kept]
        score = score + extra
    score = score * (counts[kept] / n) ** COORD_POWER
    return list(zip(kept.tolist(), score.tolist())), need < n


def _plain_in_dicts(snap: Snapshot, parts: list[Part], allowed: frozenset[int]
                    ) -> tuple[list[tuple[int, float]], bool]:
    required, optional = _split(parts, [_part_dict(snap, p.query, allowed) for p in parts])
    counts: dict[int, int] = defaultdict(int)
    sums: dict[int, float] = defaultdict(float)
    for found in required:
        for docnum, score in found.items():
            counts[docnum] += 1
            sums[docnum] += score
    n = len(required)
    need = _need(parts, n, sum(1 for c in counts.values() if c == n),
                 lambda k: any(c >= k for c in counts.values()))
    out = []
    for docnum in sorted(counts):
        count = counts[docnum]
        if count < max(need, 1):
            continue
        extra = 0.0
        for found in optional:
            extra += found.get(docnum, 0.0)
        score = sums[docnum] + extra if optional else sums[docnum]
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


def _leaves(query: Q.Query) -> list[Q.Query] | None:
    """The query's terms when it is an OR of terms in text fields (scored in bulk), or None."""
    leaves = list(query.subqueries) if type(query) is Q.Or else [query]
    if all(type(leaf) is Q.Term and leaf.fieldname in TEXT_FIELDS for leaf in leaves):
        return leaves
    return None


def _part_arrays(snap: Snapshot, query: Q.Query, allowed: frozenset[int], mask: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """A part's score on every document (0 where it does not match) and where it matches
    among the allowed (terms in bulk, the rest by Whoosh)."""
    import numpy as np

    total = np.zeros(len(mask), dtype=np.float64)
    held = np.zeros(len(mask), dtype=bool)
    leaves = _leaves(query)
    if leaves is not None:
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


def _part_dict(snap: Snapshot, query: Q.Query, allowed: frozenset[int]) -> dict[int, float]:
    """A part's score on every allowed item it matches (terms in bulk, the rest by Whoosh)."""
    leaves = _leaves(query)
    if leaves is None:
        return dict(snap.scored(query, allowed))
    total: dict[int, float] = defaultdict(float)
    for leaf in leaves:
        for docnum, score in snap.bulk.term_scores(leaf).items():
            if docnum in allowed:
                total[docnum] += score
    return total
