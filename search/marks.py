"""What of a query to mark on a page: the words it looks for, their tone rule and their runs.

The rule, the same for snippets and for the item page's text (``snippets.py`` applies it):

- a word typed with tones marks only that exact form ("thống" marks thống, never thông); a
  word typed without tones marks every form that folds to it;
- words typed next to each other form a run ("thong tin"): on a page where the run occurs,
  its words are marked only inside it, so "thống" of "hệ thống" stays unmarked for the query
  "thong tin"; a "quoted phrase" is marked only where it occurs whole;
- what the query excludes (NOT, -word) and what it filters on (kind:, year:) is never marked.

The marks are read from the parsed query (``marks_of``), or from the search box's text with
the search's own parser (``marks_for_text``), so the page view folds exactly as the search did.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from whoosh import query as Q

from archive.errors import UsageError

from .analyzers import fold
from .schema import CONTENT_FIELDS, TITLE_FIELDS

__all__ = ["Alternative", "Clause", "Marks", "marks_of", "marks_for_text", "marks_of_words",
           "is_wide"]

# Fields whose terms keep tones, and their folded twins.
_EXACT = frozenset(name for name in (*TITLE_FIELDS, *CONTENT_FIELDS) if not name.endswith("_f"))
_FOLDED = frozenset(name for name in (*TITLE_FIELDS, *CONTENT_FIELDS) if name.endswith("_f"))
_LEAVES = (Q.Term, Q.Phrase, Q.Prefix)


def is_wide(word: str) -> bool:
    """Whether a word is CJK (matched anywhere inside a run of such characters).

    >>> is_wide("谅山"), is_wide("lạng")
    (True, False)
    """
    return bool(word) and unicodedata.east_asian_width(word[0]) in "WF"


@dataclass(frozen=True)
class Alternative:
    """One way a clause may match: a word or a phrase, tone-exact or folded, or a prefix."""

    words: tuple[str, ...]  # lowercase; with tones when `exact`, folded otherwise
    exact: bool
    prefix: bool = False


@dataclass(frozen=True)
class Clause:
    """What one typed word (or phrase) may match: its alternatives (typos, place names...)."""

    alternatives: frozenset[Alternative]

    @property
    def single(self) -> bool:
        """Whether every alternative is one Latin-script word (so the clause may join a run)."""
        return all(len(a.words) == 1 and not is_wide(a.words[0]) for a in self.alternatives)


@dataclass(frozen=True)
class Marks:
    """The clauses to mark and the runs of clauses typed next to each other (as indexes)."""

    clauses: tuple[Clause, ...] = ()
    runs: tuple[tuple[int, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.clauses)


def marks_of(query: Q.Query) -> Marks:
    """The marks of a parsed query.

    >>> m = marks_of(Q.And([Q.Term("content_f", "thong"), Q.Term("content_f", "tin")]))
    >>> [sorted(a.words for a in c.alternatives) for c in m.clauses], m.runs
    ([[('thong',)], [('tin',)]], ((0, 1),))
    """
    clauses: list[Clause] = []
    runs: list[tuple[int, ...]] = []
    _visit(query, clauses, runs)
    return Marks(tuple(clauses), tuple(runs))


def marks_of_words(words: Iterable[str]) -> Marks:
    """Marks from loose words (no order, so no runs): accented ones exact, the rest folded.

    A folded word that is the fold of an accented one given with it is that word's twin.

    >>> [sorted(a.words + (a.exact,) for a in c.alternatives)
    ...  for c in marks_of_words(["thông", "thong", "tin"]).clauses]
    [[('thông', True)], [('tin', False)]]
    """
    words = sorted({w.lower() for w in words if w})
    accented = {fold(w) for w in words if fold(w) != w}
    clauses = []
    for word in words:
        if fold(word) != word:
            clauses.append(Clause(frozenset([Alternative((word,), True)])))
        elif word not in accented:
            clauses.append(Clause(frozenset([Alternative((word,), False)])))
    return Marks(tuple(clauses))


@lru_cache(maxsize=512)
def marks_for_text(text: str) -> Marks:
    """The marks of a search box's text, parsed as the search parses it; none if unreadable."""
    from .gazetteer import default_gazetteer  # the parser's own imports: loaded on first use
    from .parse import parse_search

    try:
        parsed = parse_search(text or "", schema=_schema(), gazetteer=default_gazetteer())
    except UsageError:
        return Marks()
    return marks_of(parsed.query)


@lru_cache(maxsize=1)
def _schema():
    from .schema import build_schema

    return build_schema()


# -- walking the query ---------------------------------------------------------------------------


def _visit(q: Q.Query, clauses: list[Clause], runs: list[tuple[int, ...]]) -> tuple[list[int], bool]:
    """Add q's clauses; return their indexes and whether q is one single-word clause."""
    if isinstance(q, _LEAVES) or (isinstance(q, Q.Or) and all(isinstance(s, _LEAVES)
                                                              for s in q.subqueries)):
        clause = _clause(q.subqueries if isinstance(q, Q.Or) else [q])
        if clause is None:
            return [], False
        clauses.append(clause)
        return [len(clauses) - 1], clause.single
    if isinstance(q, Q.Not):
        return [], False  # what the query excludes is not what the reader looks for
    if isinstance(q, Q.AndNot):
        return _visit(q.a, clauses, runs)
    if isinstance(q, Q.AndMaybe):
        return _sequence([q.a, q.b], clauses, runs), False
    if isinstance(q, Q.CompoundQuery):  # And, Or of several words (relaxed plain queries)
        return _sequence(q.subqueries, clauses, runs), False
    return [], False


def _sequence(children: list[Q.Query], clauses: list[Clause], runs: list[tuple[int, ...]]
              ) -> list[int]:
    """Visit the children in typed order; neighbouring single-word clauses form a run."""
    found: list[int] = []
    run: list[int] = []
    for child in children:
        indexes, single = _visit(child, clauses, runs)
        found += indexes
        if single:
            run += indexes
            continue
        if len(run) > 1:
            runs.append(tuple(run))
        run = []
    if len(run) > 1:
        runs.append(tuple(run))
    return found


def _alternative(leaf: Q.Query) -> Alternative | None:
    if leaf.fieldname not in _EXACT and leaf.fieldname not in _FOLDED:
        return None
    if isinstance(leaf, Q.Phrase):
        words = tuple(w.decode("utf-8") if isinstance(w, bytes) else w for w in leaf.words)
    else:
        text = leaf.text.decode("utf-8") if isinstance(leaf.text, bytes) else leaf.text
        words = (text,)
    words = tuple(w.lower() for w in words if w)
    if not words:
        return None
    return Alternative(words, leaf.fieldname in _EXACT and any(fold(w) != w for w in words),
                       isinstance(leaf, Q.Prefix))


def _clause(leaves: Iterable[Q.Query]) -> Clause | None:
    """One typed word's alternatives; a folded twin of a tone-exact one is dropped."""
    found = {a for a in map(_alternative, leaves) if a is not None}
    twins = {(tuple(fold(w) for w in a.words), a.prefix) for a in found if a.exact}
    kept = frozenset(a for a in found if a.exact or (a.words, a.prefix) not in twins)
    return Clause(kept) if kept else None
