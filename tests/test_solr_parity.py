"""The Solr parity helpers, without a cluster: the proximity factor and the parity count."""
from __future__ import annotations

import pytest

from bench.solr_parity import parity
from search.proximity import _factor
from search.solr_rank import factor, proximity
from tests.relevance.evaluate import Judged


def test_proximity_asks_every_adjacent_pair():
    """Each pair of adjacent typed words is counted in the text and found in the title."""
    fields, params = proximity([("ke", "hoach", "lam")])
    assert params == {"px0": 'content_pairs_f:"ke hoach"', "pt0": 'title_f:"ke hoach"',
                      "px1": 'content_pairs_f:"hoach lam"', "pt1": 'title_f:"hoach lam"'}
    assert fields == ["c0:query($px0,0)", "t0:query($pt0,0)",
                      "c1:query($px1,0)", "t1:query($pt1,0)"]


def test_no_pair_no_factor():
    """A one-word query has no pair: nothing is asked, the factor is 1."""
    assert proximity([]) == ([], {})
    assert factor({"score": 3.0}, 0) == 1.0


def test_factor_is_whooshs():
    """The factor from Solr's pair counts equals proximity._factor from Whoosh's positions."""
    runs = [("a", "b", "c")]
    text = {"a": {0: [0, 5, 9]}, "b": {0: [1, 6]}, "c": {0: [20]}}  # "a b" twice, "b c" never
    title = {"a": {0: [0]}, "b": {0: [1]}, "c": {0: [2]}}  # both pairs in the title
    whoosh = _factor(text, title, 0, runs)
    solr = factor({"c0": 2.0, "t0": 1.3, "c1": 0.0, "t1": 0.9}, 2)
    assert solr == pytest.approx(whoosh) and whoosh > 1.0
    assert factor({"t0": 1.0}, 1) == 2.0  # a missing count (no match) is none


def test_parity_counts_order_and_set():
    """Equal in order, equal as a set only, and different top tens are told apart."""
    def judged(qid, ranked):
        return Judged(qid, "topic", "q", {}, ours=ranked)

    whoosh = [judged("a", ["1", "2"]), judged("b", ["1", "2"]), judged("c", ["1", "2"])]
    solr = [judged("a", ["1", "2"]), judged("b", ["2", "1"]), judged("c", ["1", "3"])]
    found = parity(whoosh, solr)
    assert (found.n, found.same_order, found.same_set, found.differing) == (3, 1, 2, ["c"])
    assert "in order 1/3 (33 %), as a set 2/3 (67 %)" in found.line()
