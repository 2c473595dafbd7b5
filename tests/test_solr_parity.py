"""The Solr parity helpers, without a cluster: the proximity factor and the parity count."""
from __future__ import annotations

from bench.solr_parity import parity
from search.solr_engine import proximity
from tests.relevance.evaluate import Judged


def test_proximity_factor_names_every_adjacent_pair():
    """Each pair of adjacent typed words is counted in the text and found in the title."""
    factor, params = proximity([("ke", "hoach", "lam")])
    assert params == {"px0": 'content_px:"ke hoach"', "pt0": 'title_f:"ke hoach"',
                      "px1": 'content_px:"hoach lam"', "pt1": 'title_f:"hoach lam"'}
    assert factor.startswith("sum(1,div(") and factor.endswith(",2))")
    assert "query($px1,0)" in factor and "query($pt1,0)" in factor


def test_no_pair_no_factor():
    """A one-word query has no pair: no factor multiplies its score."""
    assert proximity([]) == (None, {})


def test_parity_counts_order_and_set():
    """Equal in order, equal as a set only, and different top tens are told apart."""
    def judged(qid, ranked):
        return Judged(qid, "topic", "q", {}, ours=ranked)

    whoosh = [judged("a", ["1", "2"]), judged("b", ["1", "2"]), judged("c", ["1", "2"])]
    solr = [judged("a", ["1", "2"]), judged("b", ["2", "1"]), judged("c", ["1", "3"])]
    found = parity(whoosh, solr)
    assert (found.n, found.same_order, found.same_set, found.differing) == (3, 1, 2, ["c"])
    assert "in order 1/3 (33 %), as a set 2/3 (67 %)" in found.line()
