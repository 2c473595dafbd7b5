"""Query expansion across languages through the gazetteer: the parser's helpers.

The parser looks for the longest run of plain words (or one quoted phrase) naming a place and
turns it into ``"literal words" OR "variant" OR …``: the typed name becomes a phrase (a place's
words apart, as in "đồng … đăng ký", are not the place), and each variant a phrase over the
*exact* title and content fields (folded, "Biển Đông" would also find "biến động"), its boosts
scaled by :data:`EXPANSION_BOOST`. The searcher ranks every literal match above every match
through a variant only (see ``query.py``).

>>> from search.gazetteer import default_gazetteer
>>> count, place, tokens = place_run(["Lạng", "Sơn", "2017"], default_gazetteer())
>>> count, place.id, tokens
(2, 'lang_son', ('lạng', 'sơn'))
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from types import MappingProxyType

from whoosh.query import Query

from .gazetteer import Gazetteer, Place, name_tokens

__all__ = ["EXPANSION_BOOST", "EXPANDABLE_FIELDS", "place_run", "scaled"]

# Variants weigh a fraction of the literal words: a page about 谅山 should not outrank one about
# Lạng Sơn for a query typed as "Lạng Sơn", and literal matches are ranked first anyway.
EXPANSION_BOOST = 0.3
# Where a variant is looked for, by the field the place was typed in (None: free text).
EXPANDABLE_FIELDS = MappingProxyType({
    None: MappingProxyType({"title": 2.0, "content": 1.0}),
    "title": MappingProxyType({"title": 2.0}),
    "content": MappingProxyType({"content": 1.0}),
})


def place_run(texts: Sequence[str], gazetteer: Gazetteer) -> tuple[int, Place,
                                                                    tuple[str, ...]] | None:
    """The longest leading run of these lexeme texts that names a place: (count, place, tokens)."""
    best, tokens = None, ()
    for count, text in enumerate(texts[:gazetteer.longest], start=1):
        tokens = (*tokens, *name_tokens(text))
        if len(tokens) > gazetteer.longest:
            break
        place = gazetteer.match(tokens) if tokens else None
        if place is not None:
            best = (count, place, tokens)
    return best


def scaled(query: Query, factor: float) -> Query:
    """A copy of the query with every leaf's boost multiplied by `factor`.

    >>> from whoosh.query import Or, Term
    >>> scaled(Or([Term("a", "x", boost=4.0), Term("b", "y")]), 0.5)
    Or([Term('a', 'x', boost=2.0), Term('b', 'y', boost=0.5)])
    """
    if not query.is_leaf():
        return query.apply(lambda child: scaled(child, factor))
    # A shallow copy, its lists copied (a phrase's words): Whoosh's with_boost deep-copies the
    # leaf, the dearest step of expanding a place name into its other names.
    leaf = copy.copy(query)
    for name, value in vars(leaf).items():
        if isinstance(value, list):
            setattr(leaf, name, list(value))
    leaf.boost = query.boost * factor
    return leaf
