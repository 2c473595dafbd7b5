"""`make relevance`: success@10, MRR and nDCG@10 of this engine and of SQLite FTS5, side by side.

The collection and the judged queries are those of ``tests/relevance/`` (built from text
directly; see ``collection.py``); both engines get the same items and the same queries.

    .venv/bin/python bench/relevance.py [--verbose]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.relevance.collection import build_home, load_docs  # noqa: E402
from tests.relevance.evaluate import load_judgments, ndcg_at, run, summarize  # noqa: E402
from tests.relevance.fts import build_fts  # noqa: E402

_METRICS = ("success@10", "mrr", "ndcg@10")


def _row(label: str, n: int, scores: dict) -> str:
    cells = "  ".join(f"{scores['ours'][m]:>6.3f} {scores['fts'][m]:>6.3f}" for m in _METRICS)
    return f"{label:<15} {n:>3}  {cells}"


def _print_table(judged: list) -> None:
    head = "  ".join(f"{m:>13}" for m in _METRICS)
    print(f"{'queries':<15} {'n':>3}  {head}\n{'':<20}" + "  ".join(["  ours   fts5"] * 3))
    by_type = defaultdict(list)
    for q in judged:
        by_type[q.type].append(q)
    for kind, queries in sorted(by_type.items()):
        print(_row(kind, len(queries), summarize(queries)))
    print(_row("all", len(judged), summarize(judged)))


def _print_queries(judged: list) -> None:
    for q in judged:
        ours, fts = ndcg_at(q.ours, q.relevant), ndcg_at(q.fts, q.relevant)
        mark = "  " if abs(ours - fts) < 1e-9 else ("+ " if ours > fts else "- ")
        print(f"{mark}{q.id} {ours:.2f} {fts:.2f}  {q.query}  ours={q.ours[:3]} fts={q.fts[:3]}")


def main(argv: list[str] | None = None) -> None:
    """Build the collection in a temporary home, run both engines, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="one line per query")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ttdn-relevance-"))
    try:
        home = build_home(work)
        db = build_fts(work / "fts.sqlite3", load_docs())
        judged = run(home, db, load_judgments())
        db.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.verbose:
        _print_queries(judged)
    _print_table(judged)


if __name__ == "__main__":
    main()
