"""Proximity: rank higher the items where the query's adjacent words also stand side by side.

Vietnamese writes words as syllables ("thông tin đối ngoại" is two words of two syllables),
so a query's syllables found far apart are a weaker match than found together; BM25 alone
cannot tell. The best :data:`RERANK_DEPTH` matches are re-scored: each pair of adjacent typed
words found adjacent in the text adds :data:`PAIR_BONUS` (in proportion to all pairs), and in
the title :data:`TITLE_PAIR_BONUS`. Only those few documents' positions are read.

Of the text bonus, 70 % is for the pair being there at all and 30 % grows with how often it
is (c / (c + 2), saturating as BM25 does), so the circular saying "bảo hiểm" 191 times beats
one saying it once. Measured with `make relevance` (MRR, keyword sets / questions accented /
unaccented): PAIR_BONUS 0.5 gave 1.000 / 0.963 / 0.930 (boolean pairs only: 0.992 / …),
1.0 boolean 1.000 / 0.963 / 0.930, 1.0 with the count share 1.000 / 0.963 / 0.938.
"""
from __future__ import annotations

import heapq

from .phrase import phrase_starts
from .postings import positions_of
from .snapshot import Snapshot

__all__ = ["rerank", "RERANK_DEPTH", "PAIR_BONUS", "TITLE_PAIR_BONUS"]

RERANK_DEPTH = 50
PAIR_BONUS = 1.0
_COUNT_SHARE, _COUNT_HALF = 0.3, 2.0
TITLE_PAIR_BONUS = 1.0


def rerank(snap: Snapshot, scored: list[tuple[int, float]], runs: list[tuple[str, ...]],
           depth: int = RERANK_DEPTH, memo: dict | None = None) -> list[tuple[int, float]]:
    """The matches with the best `depth` re-scored for their adjacent query words.

    `memo` keeps the positions read for the rest of the search (``postings.positions_of``).
    """
    if not runs or not scored:
        return scored
    top = sorted(d for d, _ in heapq.nlargest(depth, scored, key=lambda ds: ds[1]))
    # Each word's positions in all of them at once, a block at a time (``postings.py``).
    words = {w for run in runs for w in run}
    text = {w: positions_of(snap.searcher, "content_f", w, top, memo) for w in words}
    title = {w: positions_of(snap.searcher, "title_f", w, top, memo) for w in words}
    boosted = {d: _factor(text, title, d, runs) for d in top}
    return [(d, s * boosted[d]) if d in boosted else (d, s) for d, s in scored]


def _factor(text: dict, title: dict, docnum: int, runs: list[tuple[str, ...]]) -> float:
    """1 plus the bonuses for the pairs of adjacent words found adjacent in text and title."""
    pairs = in_title = 0
    in_text = 0.0
    for run in runs:
        for first, second in zip(run, run[1:]):
            pairs += 1
            count = len(phrase_starts([text[first].get(docnum, []),
                                       text[second].get(docnum, [])], 1))
            in_text += (1 - _COUNT_SHARE) * bool(count) + \
                _COUNT_SHARE * count / (count + _COUNT_HALF)
            in_title += bool(phrase_starts([title[first].get(docnum, []),
                                            title[second].get(docnum, [])], 1))
    return 1.0 + (PAIR_BONUS * in_text + TITLE_PAIR_BONUS * in_title) / pairs if pairs else 1.0
