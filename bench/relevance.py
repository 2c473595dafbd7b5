"""`make relevance`: success@10, MRR and nDCG@10 of this engine, SQLite FTS5 and plain BM25.

The collection and the judged queries are those of ``tests/relevance/`` (built from text
directly; see ``collection.py``); every engine gets the same items and the same queries. The
keyword sets (``judgments.json``) and the natural-language questions (``questions.json``,
accented and typed without diacritics) are summed up on lines of their own.

    .venv/bin/python bench/relevance.py [--verbose] [--engine solr]

``--engine solr`` also ranks the collection on Solr (``TTDN_SEARCH`` when set: its collection
is rebuilt; else a loopback cluster started and stopped here) and prints Solr's table, then
the parity with Whoosh (bench/solr_parity.py).
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

from bench.eval_text import EVAL, read_eval  # noqa: E402
from tests.relevance.collection import (  # noqa: E402
    FROZEN, EvalText, build_home, load_docs, read_frozen,
)
from tests.relevance.bm25 import BM25Index  # noqa: E402
from tests.relevance.evaluate import (  # noqa: E402
    ENGINES,
    QUESTIONS,
    load_judgments,
    ndcg_at,
    run,
    summarize,
)
from tests.relevance.fts import build_fts  # noqa: E402

_METRICS = ("success@10", "mrr", "ndcg@10")


def _row(label: str, n: int, scores: dict) -> str:
    cells = "  ".join(" ".join(f"{scores[e][m]:>6.3f}" for e in ENGINES) for m in _METRICS)
    return f"{label:<19} {n:>3}  {cells}"


def _print_table(judged: list) -> None:
    head = "  ".join(f"{m:>20}" for m in _METRICS)
    print(f"{'queries':<19} {'n':>3}  {head}\n{'':<24}" + "  ".join(["  ours   fts5   bm25"] * 3))
    keywords = [q for q in judged if not q.question]
    questions = [q for q in judged if q.question]
    for group, label in ((keywords, "all keywords"), (questions, "all questions")):
        by_type = defaultdict(list)
        for q in group:
            by_type[q.type].append(q)
        for kind, queries in sorted(by_type.items()):
            print(_row(kind, len(queries), summarize(queries)))
        if group:
            print(_row(label, len(group), summarize(group)))


def _print_queries(judged: list) -> None:
    for q in judged:
        ours, fts = ndcg_at(q.ours, q.relevant), ndcg_at(q.fts, q.relevant)
        bm25 = ndcg_at(q.bm25, q.relevant)
        mark = "  " if abs(ours - fts) < 1e-9 else ("+ " if ours > fts else "- ")
        print(f"{mark}{q.id} {ours:.2f} {fts:.2f} {bm25:.2f}  {q.query}  ours={q.ours[:3]} "
              f"fts={q.fts[:3]}")


def _eval_text() -> EvalText:
    """The evaluation set's texts: read from ../shared/eval, else the suite's frozen copy."""
    frozen = read_frozen()
    if not EVAL.is_dir():
        print(f"../shared/eval not found: measured on the frozen copy {FROZEN.relative_to(REPO)}")
        return frozen
    live = read_eval()
    if live != frozen:
        print(f"{FROZEN.relative_to(REPO)} is stale: refresh it with "
              "`.venv/bin/python -m bench.eval_text --freeze`")
    return live


def main(argv: list[str] | None = None) -> None:
    """Build the collection in a temporary home, run both engines, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="one line per query")
    parser.add_argument("--engine", choices=("whoosh", "solr"), default="whoosh",
                        help="solr: the same table on Solr, and its parity with Whoosh")
    args = parser.parse_args(argv)
    solr = None
    work = Path(tempfile.mkdtemp(prefix="ttdn-relevance-"))
    try:
        source = _eval_text()
        home = build_home(work, source)
        docs = load_docs(source)
        db = build_fts(work / "fts.sqlite3", docs)
        judged = run(home, db, load_judgments() + load_judgments(QUESTIONS),
                     BM25Index.build(docs))
        db.close()
        if args.engine == "solr":
            from bench.solr_parity import rank_on, solr_engine
            with solr_engine(work) as engine:
                solr = rank_on(engine, home, judged)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.verbose:
        _print_queries(judged)
    if solr is not None:
        print("Whoosh (ours):")
    _print_table(judged)
    if solr is not None:
        from bench.solr_parity import print_parity
        print("\nSolr (ours):")
        _print_table(solr)
        print()
        print_parity(judged, solr, verbose=args.verbose)


if __name__ == "__main__":
    main()
