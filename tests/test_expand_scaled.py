"""A scaled query is a copy: boosts multiplied, nothing shared with the original that could change."""
from __future__ import annotations

from whoosh.query import And, Or, Phrase, Prefix, Term

from search.expand import scaled


def test_scaled_multiplies_every_leaf_and_shares_no_list():
    query = Or([And([Term("content_f", "lang", boost=2.0), Prefix("content_f", "so")]),
                Phrase("content_f", ["lang", "son"], boost=1.5)])
    out = scaled(query, 0.5)
    assert out == Or([And([Term("content_f", "lang", boost=1.0),
                           Prefix("content_f", "so", boost=0.5)]),
                      Phrase("content_f", ["lang", "son"], boost=0.75)])
    out.subqueries[1].words.append("x")
    out.subqueries[0].subqueries[0].boost = 9.0
    assert query.subqueries[1].words == ["lang", "son"]
    assert query.subqueries[0].subqueries[0].boost == 2.0
