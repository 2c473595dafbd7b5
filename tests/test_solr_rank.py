"""The Solr engine's window re-ranking (search/solr_rank.py), without a cluster."""
from __future__ import annotations

import json

from search.proximity import RERANK_DEPTH
from search.solr_rank import LITERAL_KEY, Window, proximity, with_json_facet


def _window(start: int = 0, limit: int = 10, literal: str | None = None) -> Window:
    fields, params = proximity([("thong", "tin")])
    return Window(fields, params, start, limit, literal)


def _doc(i: int, score: float, px: float = 1.0, lit: int | None = None) -> dict:
    """A returned document whose pair counts make the factor `px` (1, 1.85, 2 or 2.85)."""
    counts = {1.0: (0, 0), 1.85: (2, 0), 2.0: (0, 1), 2.85: (2, 1)}[px]
    doc = {"id": f"d{i:02d}", "score": score, "c0": float(counts[0]), "t0": float(counts[1])}
    if lit is not None:
        doc["lit"] = float(lit)
    return doc


def test_the_window_is_whooshs_depth_or_the_page_reach():
    """As proximity.rerank: the best 50, or as many as the requested page reaches."""
    assert _window().size == RERANK_DEPTH
    assert _window(start=90, limit=20).size == 110


def test_window_request_asks_the_best_by_score_with_the_pairs_as_fields():
    """The pairs' counts are pseudo-fields (computed for the returned documents only), never
    a boost on every match; the page is cut here, so Solr returns the whole window."""
    base = {"fl": "id,score", "start": 20, "rows": 10, "sort": "score desc,id asc"}
    params = _window(start=20).params(base)
    assert params["start"] == 0 and params["rows"] == RERANK_DEPTH
    assert params["fl"] == "id,score,c0:query($px0,0),t0:query($pt0,0)"
    assert params["px0"] == 'content_pairs_f:"thong tin"' and "boost" not in params
    assert "lit" not in params and "facet.query" not in params


def test_literal_places_are_flagged_and_counted():
    """With places as typed, each returned document says whether it holds them, and the
    matches holding them are counted beside any facet query already asked."""
    base = {"fl": "id,score", "facet.query": "{!key=all}x"}
    params = _window(literal='title:"lạng sơn"').params(base)
    assert params["lit"] == 'title:"lạng sơn"'
    assert params["fl"].endswith(",lit:query($lit,0)")
    assert params["facet.query"] == ["{!key=all}x", f"{{!lucene key={LITERAL_KEY} v=$lit}}"]


def test_order_multiplies_the_window_and_cuts_the_page():
    """A match lower by score but with its words side by side overtakes (as Whoosh)."""
    docs = [_doc(0, 10.0), _doc(1, 9.0, px=2.0), _doc(2, 8.0), _doc(3, 1.0, px=2.85)]
    page = _window(limit=2).order(docs)
    assert [d["id"] for d in page] == ["d01", "d00"]
    assert page[0]["score"] == 18.0 and set(page[0]) == {"id", "score"}
    assert [d["id"] for d in _window(start=2, limit=2).order(docs)] == ["d02", "d03"]


def test_literal_matches_first_then_by_rescored_score():
    """Every literal match before the rest, whatever the factor did to the others."""
    docs = [_doc(0, 10.0, px=1.85, lit=0), _doc(1, 5.0, lit=1), _doc(2, 4.0, px=2.0, lit=1)]
    docs[1]["lit"] = 2.7  # a score, not a flag: any match counts
    page = _window(literal="x").order(docs)
    assert [d["id"] for d in page] == ["d02", "d01", "d00"]
    assert all("lit" not in d for d in page)


def test_literal_matches_beyond_the_window_are_fetched_only_when_the_page_needs_them():
    """Few literal matches in the window but more elsewhere: the page asks for them; they
    come after the window's literal ones, before the others, unboosted."""
    window = _window(literal="x", limit=3)
    docs = [_doc(0, 10.0, lit=0), _doc(1, 9.0, px=2.0, lit=1), _doc(2, 8.0, lit=0)]
    assert window.missing_literal(docs, literal_total=1) == 0
    assert window.missing_literal(docs, literal_total=5) == 3
    outside = [{"id": "d01", "score": 9.0}, {"id": "d09", "score": 0.5}]
    page = window.order(docs, outside)
    assert [d["id"] for d in page] == ["d01", "d09", "d00"]
    assert page[0]["score"] == 18.0 and page[1]["score"] == 0.5
    assert _window(limit=3).missing_literal(docs, 5) == 0  # no places: nothing to fetch


def test_json_facets_are_merged():
    """A facet added to a request keeps the ones it already asks for."""
    merged = with_json_facet({"json.facet": json.dumps({"w0": {"type": "query"}})},
                             "items", {"type": "query", "q": "doctype:item"})
    assert set(json.loads(merged["json.facet"])) == {"w0", "items"}
    assert json.loads(with_json_facet({}, "a", {})["json.facet"]) == {"a": {}}
