"""Relevance: this engine must not rank worse than SQLite FTS5 on the judged queries.

`make relevance` prints the same figures as a table (bench/relevance.py).
"""
from __future__ import annotations

import doctest

import pytest

from . import evaluate, fts
from .collection import build_home, load_docs
from .evaluate import load_judgments, run, summarize


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    home = build_home(base)
    db = fts.build_fts(tmp_path_factory.mktemp("fts") / "fts.sqlite3", load_docs())
    try:
        yield run(home, db, load_judgments())
    finally:
        db.close()


def test_metric_examples_hold():
    assert doctest.testmod(evaluate).failed == 0
    assert doctest.testmod(fts).failed == 0


def test_judgments_name_items_of_the_collection():
    sources = {d.item.identifier if d.source.startswith("record:") else d.source
               for d in load_docs()}
    for q in load_judgments():
        assert set(q.relevant) <= sources, q.id
        assert all(grade in (1, 2, 3) for grade in q.relevant.values()), q.id


@pytest.mark.parametrize("metric", ["success@10", "mrr", "ndcg@10"])
def test_ours_is_not_below_the_fts5_baseline(judged, metric):
    scores = summarize(judged)
    assert scores["ours"][metric] >= scores["fts"][metric], scores


def test_every_kind_of_query_holds_its_own(judged):
    by_type: dict[str, list] = {}
    for q in judged:
        by_type.setdefault(q.type, []).append(q)
    for kind, queries in by_type.items():
        scores = summarize(queries)
        assert scores["ours"]["ndcg@10"] >= scores["fts"]["ndcg@10"], (kind, scores)
    # Absolute floors, below today's figures, so a ranking regression fails even where
    # FTS5 is weak (CJK, cross-language).
    overall = summarize(judged)["ours"]
    assert overall["success@10"] >= 0.95 and overall["ndcg@10"] >= 0.9, overall
