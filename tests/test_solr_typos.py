"""The Solr engine's typo and did-you-mean rules without a cluster (search/solr_typos.py).

On the cluster: tests/test_solr_engine.py (leaks) and the search tests with --engine solr.
"""
from __future__ import annotations

import doctest

import search.solr_similar
import search.solr_typos
from search.solr_typos import Vocabulary, correction_text, edits, far_wanted, within_two
from search.typos import swaps


def test_docstring_examples_hold():
    for module in (search.solr_typos, search.solr_similar):
        assert doctest.testmod(module).failed == 0


def test_edits_are_whooshs_one_edit_neighbours():
    """Every word one insertion, deletion, substitution or swap away, first letter kept."""
    found = edits("nuio")
    assert swaps("nuio") <= found  # a swap may move the first letter, as typos.swaps does
    assert {"nuoi", "nui", "nuino", "nuia"} <= found
    assert not any(w[0] != "n" for w in found - swaps("nuio"))
    assert "nuio" not in found and "" not in found


def test_two_edits_only_for_long_words_with_nothing_one_away():
    """did-you-mean looks two edits away only when one finds nothing visible (suggest.py)."""
    typed = search.solr_typos._Typed(words=["quartzmarkuqq", "sonn", "Lang"])
    vocab = Vocabulary(near={"quartzmarkuqq": {}, "sonn": {}})
    assert far_wanted(typed, vocab) == ["quartzmarkuqq"]  # "sonn": four letters, one edit only
    assert within_two("quartzmarkuqq", ["quartzmarkup", "quartzinternal", "quartzmarkuqq"]) == [
        "quartzmarkup"]


def test_correction_prefers_the_nearest_then_the_pair_and_keeps_the_capital():
    """Nearest first; among equals the word written after the previous one; the capital kept;
    a word typed with tones is shown as the visible items spell it."""
    vocab = Vocabulary(near={"sonn": {"song": 13, "son": 7}},
                       pairs={("lang", "son"): 3, ("lang", "song"): 0},
                       spelling={"son": "sơn"})
    assert correction_text("Lang Sonn", ["Lang", "Sonn"], vocab) == "Lang Son"
    assert correction_text("lạng sơnn", ["lạng", "sơnn"], vocab) == "lạng sơn"
    assert correction_text("Lang Son", ["Lang", "Son"], Vocabulary()) is None
