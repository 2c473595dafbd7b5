"""Query planning: the same matches for less work, then the full score for the best few.

A free word typed with tones is looked up in four fields (title and content, exact and folded;
one typed without tones only in the folded two, see ``parse._toneless``). Where a query still
holds the same term in both content fields, the tone-exact one matches nothing the folded one
does not: :func:`first_pass` drops it. That holds too when the folded one holds the tone-exact
one's words folded (``xử phạt`` beside ``xu phat``): a tone-exact match is a folded match, as
the folded field indexes each token folded at the same position. The match set is unchanged, so totals
and facets come from the first pass, and its order keeps everything else: the title fields
(decisive for known items) and the tone-exact alternatives of words typed with tones.
Whoosh adds up the scores of the alternatives a document matches, so the best matches get the
full query's score by adding what the dropped alternatives score on them (:func:`score_matches`).
How many: at least :data:`RESCORE_DEPTH`, and more (doubling, up to :data:`MAX_RESCORE`) until
no document left out could reach the wanted page even if it scored the dropped alternatives'
maximum (BM25 at the term's highest frequency and shortest length, as Whoosh's own block-max
optimisation bounds it). So the page shown is ranked as the full query ranks it. A query of
plain words skips all this: it is scored in full, in bulk (``bulk.py``, ``relax.py``).
"""
from __future__ import annotations

import heapq

from whoosh import query as Q

from .analyzers import fold
from .bulk import scoring_leaves, term_groups
from .evaluate import leaf_bounds, query_scores
from .snapshot import Snapshot

__all__ = ["first_pass", "score_matches", "RESCORE_DEPTH"]

RESCORE_DEPTH = 100
MAX_RESCORE = 1600
# field -> the field whose matches include it, for the same text
_SUBSUMED_BY = {"content": "content_f"}


def _key(leaf: Q.Query, folded: bool = False) -> tuple | None:
    """What a term or phrase looks for, whatever its field: its words (folded when asked)."""
    norm = fold if folded else str
    if isinstance(leaf, Q.Term):
        return (norm(leaf.text),)
    if isinstance(leaf, Q.Phrase):
        return tuple(norm(w) for w in leaf.words), leaf.slop
    return None


def _prune(children: list[Q.Query], dropped: list[Q.Query] | None) -> list[Q.Query]:
    """The alternatives of an OR minus those another alternative's matches include."""
    present = {(c.fieldname, _key(c)) for c in children
               if isinstance(c, (Q.Term, Q.Phrase)) and _key(c) is not None}
    kept = []
    for child in children:
        if isinstance(child, (Q.Term, Q.Phrase)):
            wider = _SUBSUMED_BY.get(child.fieldname)
            if wider and (wider, _key(child, folded=True)) in present:
                if dropped is not None:
                    dropped.append(child)
                continue
        kept.append(child)
    return kept


def first_pass(query: Q.Query, dropped: list[Q.Query] | None = None) -> Q.Query:
    """The query with subsumed alternatives dropped: the same matches, cheaper to score.

    The dropped alternatives that add to a match's score (not those under NOT) are appended
    to `dropped`: a match's full score is its first-pass score plus theirs.

    >>> from whoosh.query import Or, Term
    >>> print(first_pass(Or([Term("title", "quy"), Term("content", "quy"),
    ...                      Term("content_f", "quy")])))
    (title:quy OR content_f:quy)
    """
    if isinstance(query, Q.Or):
        kept = [first_pass(q, dropped) for q in _prune(list(query.subqueries), dropped)]
        return kept[0] if len(kept) == 1 else Q.Or(kept, boost=query.boost)
    if isinstance(query, Q.And):
        return Q.And([first_pass(q, dropped) for q in query.subqueries], boost=query.boost)
    if isinstance(query, Q.Not):
        return Q.Not(first_pass(query.query))
    if isinstance(query, Q.AndMaybe):
        return Q.AndMaybe(first_pass(query.a, dropped), query.b)
    return query


def score_matches(snap: Snapshot, query: Q.Query, allowed: frozenset[int],
                  wanted: int) -> list[tuple[int, float]]:
    """(docnum, score) of every allowed match, the best `wanted` as the full query ranks them.

    Words only: every match scored in bulk with the full query (``bulk.py``). Anything else:
    the first pass, then the dropped alternatives' scores added to enough of the best.
    """
    groups = term_groups(query)
    if groups is not None:
        return snap.bulk.score(groups, allowed)
    dropped: list[Q.Query] = []
    scored = snap.scored(first_pass(query, dropped), allowed)
    leaves = scoring_leaves(Q.Or(dropped)) if dropped else []
    if not leaves:
        return scored if not dropped else _rescore_with_matchers(snap, query, scored, wanted)
    bounds = [leaf_bounds(snap.bulk, leaf, [d for d, _ in scored]) for leaf in leaves]
    if None not in bounds:
        return _rescore_within_bounds(snap, leaves, bounds, scored, wanted)
    bound = sum(snap.bulk.max_score(leaf) for leaf in leaves)
    ranked = sorted(scored, key=lambda ds: -ds[1])
    full: dict[int, float] = {}
    depth = max(RESCORE_DEPTH, wanted)
    while True:
        fresh = [d for d, _ in ranked[len(full):depth]]
        extra = snap.bulk.doc_scores(leaves, fresh)
        full.update((d, s + extra[d]) for d, s in ranked[len(full):depth])
        if depth >= min(len(ranked), MAX_RESCORE):
            break
        best = heapq.nlargest(wanted, full.values())
        if len(best) == wanted and best[-1] >= ranked[depth - 1][1] + bound:
            break  # nobody below could climb into the page
        depth *= 2
    return [(d, full.get(d, s)) for d, s in scored]


def _rescore_within_bounds(snap: Snapshot, leaves: list[Q.Query], bounds: list[dict],
                           scored: list[tuple[int, float]], wanted: int
                           ) -> list[tuple[int, float]]:
    """The dropped leaves scored on the best matches by what each document could reach.

    A document's bound is its first-pass score plus what the dropped leaves could add to it
    (``evaluate.leaf_bounds``: a phrase's words' scores, no positions read). Documents are
    rescored in that order until the wanted page's worst full score beats the next bound, so
    only the phrases of a few documents are checked.
    """
    upper = sorted(((s + sum(b[d] for b in bounds), d, s) for d, s in scored), reverse=True)
    full: dict[int, float] = {}
    depth, done = max(RESCORE_DEPTH, wanted), 0
    while done < len(upper):
        chunk = upper[done:depth]
        allowed = frozenset(d for _, d, _ in chunk)
        extra: dict[int, float] = {}
        for leaf in leaves:
            for d, value in query_scores(snap.bulk, leaf, allowed).items():
                extra[d] = extra.get(d, 0.0) + value
        full.update((d, s + extra.get(d, 0.0)) for _, d, s in chunk)
        done = depth
        if done >= len(upper):
            break
        best = heapq.nlargest(wanted, full.values())
        if len(best) == wanted and best[-1] >= upper[done][0]:
            break  # nobody below could climb into the page
        depth *= 2
    return [(d, full.get(d, s)) for d, s in scored]


def _rescore_with_matchers(snap: Snapshot, query: Q.Query, scored: list[tuple[int, float]],
                           wanted: int) -> list[tuple[int, float]]:
    """The best matches scored by Whoosh's matchers (for queries with prefixes or ranges)."""
    depth = max(RESCORE_DEPTH, wanted)
    top = sorted(d for d, _ in heapq.nlargest(depth, scored, key=lambda ds: ds[1]))
    full = snap.scores(query, top)
    return [(d, full.get(d, s)) for d, s in scored]
