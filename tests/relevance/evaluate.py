"""Run the judged queries through this engine and the baselines (FTS5, plain BM25); score them.

The keyword sets (``judgments.json``) give FTS5 the words ANDed, as its users write them; the
questions (``questions.json``) give FTS5 the words OR-ed (ANDed, a question finds nothing).

Metrics, averaged over queries: success@10 (a relevant item in the top ten), MRR (one over the
rank of the first relevant item, 0 past the cut-off) and nDCG@10 (graded gains 2^g - 1,
log2 discount, against the ideal order of the judged items).
"""
from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from archive.catalog import Catalog
from archive.settings import load_settings
from search.query import Searcher, SearchRequest

from .bm25 import BM25Index
from .fts import fts_rank

__all__ = ["JUDGMENTS", "Judged", "load_judgments", "success_at", "reciprocal_rank",
           "ndcg_at", "run", "request_of", "summarize"]

JUDGMENTS = Path(__file__).with_name("judgments.json")
QUESTIONS = Path(__file__).with_name("questions.json")
ENGINES = ("ours", "fts", "bm25")
CUTOFF = 10


@dataclass
class Judged:
    """One query, its judgments, and what each engine returned."""

    id: str
    type: str
    query: str
    relevant: dict[str, int]
    options: dict = field(default_factory=dict)
    ours: list[str] = field(default_factory=list)
    fts: list[str] = field(default_factory=list)
    bm25: list[str] = field(default_factory=list)

    @property
    def question(self) -> bool:
        """Whether this is a natural-language question (its own line in the table)."""
        return self.type.startswith("question")


def load_judgments(path: Path = JUDGMENTS) -> list[Judged]:
    """The judged queries."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Judged(q["id"], q["type"], q["query"], q["relevant"], q.get("options", {}))
            for q in data["queries"]]


def success_at(ranked: list[str], relevant: dict[str, int], k: int = CUTOFF) -> float:
    """1.0 when a relevant item is in the top k.

    >>> success_at(["a", "b"], {"b": 3}), success_at(["a"], {"b": 3})
    (1.0, 0.0)
    """
    return 1.0 if any(r in relevant for r in ranked[:k]) else 0.0


def reciprocal_rank(ranked: list[str], relevant: dict[str, int], k: int = CUTOFF) -> float:
    """One over the rank of the first relevant item (0 when none is in the top k).

    >>> reciprocal_rank(["a", "b"], {"b": 1})
    0.5
    """
    return next((1.0 / i for i, r in enumerate(ranked[:k], 1) if r in relevant), 0.0)


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = CUTOFF) -> float:
    """Normalized discounted cumulative gain of the top k, graded.

    >>> round(ndcg_at(["b", "a"], {"a": 3, "b": 1}), 3), ndcg_at(["a", "b"], {"a": 3, "b": 1})
    (0.71, 1.0)
    """
    def dcg(grades: list[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 1) for i, g in enumerate(grades, 1))

    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    return dcg([relevant.get(r, 0) for r in ranked[:k]]) / ideal if ideal else 0.0


def run(home: Path, db: sqlite3.Connection | None, judged: list[Judged],
        bm25: BM25Index | None = None, engine=None) -> list[Judged]:
    """Fill in each engine's top ten for every query (as an administrator: every item).

    `engine` (a ``search.engine.SearchEngine``, e.g. Solr's) ranks "ours" instead of the
    Whoosh index in `home`; without `db` (or `bm25`) that baseline is left as it was.
    """
    settings = load_settings(home)
    searcher = Searcher(settings.index_dir) if engine is None else engine
    try:
        with Catalog(settings.catalog_path, readonly=True) as catalog:
            for q in judged:
                q.ours = [h.source for h in searcher.search(request_of(q), catalog).hits]
                if db is not None:
                    q.fts = fts_rank(db, q.query, kind=q.options.get("kind"), limit=CUTOFF,
                                     any_word=q.question)
                if bm25 is not None:
                    q.bm25 = bm25.rank(q.query, CUTOFF)
    finally:
        if engine is None:
            searcher.close()
    return judged


def request_of(q: Judged) -> SearchRequest:
    """The search a judged query runs: an administrator's top ten, no "did you mean"."""
    return SearchRequest(query=q.query, limit=CUTOFF, audience="admin", suggest=False,
                         **q.options)


def summarize(judged: list[Judged]) -> dict[str, dict[str, float]]:
    """{"ours"/"fts"/"bm25": {"success@10", "mrr", "ndcg@10"}} averaged over the queries."""
    out = {}
    for engine in ENGINES:
        runs = [(getattr(q, engine), q.relevant) for q in judged]
        n = len(runs) or 1
        out[engine] = {"success@10": sum(success_at(r, j) for r, j in runs) / n,
                       "mrr": sum(reciprocal_rank(r, j) for r, j in runs) / n,
                       "ndcg@10": sum(ndcg_at(r, j) for r, j in runs) / n}
    return out
