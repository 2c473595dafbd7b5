""""Did you mean": respell the words of a query that found nothing, from what the reader may see.

The index's word lists hold the words of every item, internal and restricted ones too, so a
candidate is offered only when a search for it *as this audience* finds something: a
suggestion can never reveal a word that only a hidden item contains.
"""
from __future__ import annotations

import re

from archive.catalog import Catalog
from archive.errors import UsageError
from search.query import Searcher, SearchRequest

__all__ = ["did_you_mean"]

_PLAIN_WORD = re.compile(r"[^\W\d_]{3,30}")  # a word of letters only; no syntax, no numbers
_MAX_WORDS = 5
_CANDIDATES = 5
_OPERATORS = frozenset({"AND", "OR", "NOT", "VÀ", "HOẶC", "KHÔNG"})


def _found(searcher: Searcher, catalog: Catalog, query: str, request: SearchRequest) -> bool:
    probe = SearchRequest(query=query, kind=request.kind, lang=request.lang,
                          filters=request.filters, year_from=request.year_from,
                          year_to=request.year_to, limit=1, audience=request.audience)
    try:
        return searcher.search(probe, catalog).total > 0
    except UsageError:
        return False


def _candidates(searcher: Searcher, word: str) -> list[str]:
    # Words typed without tones are respelled from the folded field, others from the exact one.
    field = "content_f" if word.isascii() else "content"
    corrector = searcher.current().corrector(field)
    return corrector.suggest(word.lower(), limit=_CANDIDATES, maxdist=2 if len(word) > 4 else 1,
                             prefix=1)


def did_you_mean(searcher: Searcher, catalog: Catalog, request: SearchRequest) -> str | None:
    """A respelled query that finds something for this audience, or None."""
    words = request.query.split()
    if not words or len(words) > _MAX_WORDS or _OPERATORS.intersection(words) \
            or not all(_PLAIN_WORD.fullmatch(w) for w in words):
        return None  # field queries, phrases, operators and codes are typed on purpose
    changed = False
    for i, word in enumerate(words):
        if _found(searcher, catalog, word, request):
            continue
        for candidate in _candidates(searcher, word):
            if candidate != word.lower() and _found(searcher, catalog, candidate, request):
                words[i], changed = candidate, True
                break
    respelled = " ".join(words)
    return respelled if changed and _found(searcher, catalog, respelled, request) else None
