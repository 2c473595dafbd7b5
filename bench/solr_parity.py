"""Whoosh against Solr on the judged queries: equal top tens, figures side by side, latency.

``make relevance`` prints this with ``--engine solr`` (bench/relevance.py); run alone it also
times every judged query on both engines (p50/p95, and Solr's HTTP requests per search):

    .venv/bin/python bench/solr_parity.py [--verbose]

The cluster is ``TTDN_SEARCH`` when set (its collection is REBUILT from the judged collection),
else a loopback cluster started and stopped here (as tests/solr_fixtures.py does).
"""
from __future__ import annotations

import argparse
import copy
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from archive.catalog import Catalog  # noqa: E402
from archive.settings import load_settings  # noqa: E402
from tests.relevance.evaluate import (  # noqa: E402
    CUTOFF, Judged, ndcg_at, request_of, run, summarize,
)

__all__ = ["Parity", "parity", "solr_engine", "rank_on", "print_parity", "latency"]

_METRICS = ("success@10", "mrr", "ndcg@10")


@dataclass
class Parity:
    """How many judged queries rank the same top ten on both engines."""

    n: int
    same_order: int
    same_set: int
    differing: list[str]  # ids of the queries whose top-ten sets differ

    def line(self) -> str:
        """One line: equal top 10 in order and as a set, shares of the judged queries."""
        n = self.n or 1
        return (f"parity: top 10 equal in order {self.same_order}/{self.n} "
                f"({100 * self.same_order / n:.0f} %), as a set {self.same_set}/{self.n} "
                f"({100 * self.same_set / n:.0f} %)")


def parity(whoosh: list[Judged], solr: list[Judged]) -> Parity:
    """Compare each query's top ten (the judged items' ids) on the two engines."""
    order = same = 0
    differing = []
    for w, s in zip(whoosh, solr):
        order += w.ours[:CUTOFF] == s.ours[:CUTOFF]
        if set(w.ours[:CUTOFF]) == set(s.ours[:CUTOFF]):
            same += 1
        else:
            differing.append(w.id)
    return Parity(len(whoosh), order, same, differing)


@contextmanager
def solr_engine(work: Path):
    """A SolrEngine on TTDN_SEARCH, else on a loopback cluster started (and stopped) here."""
    from search.solr_engine import SolrEngine
    from tests.solr_fixtures import start_cluster, stop_cluster

    url = os.environ.get("TTDN_SEARCH")
    state_dir = work / "solr-cluster"
    if url:
        print(f"Solr: {url} (TTDN_SEARCH; its collection is rebuilt from the judged items)")
    else:
        cluster = start_cluster(state_dir, os.getpid())
        url = cluster.search
        print(f"Solr: loopback cluster up in {cluster.wall_seconds:.0f}s: {url}")
    engine = SolrEngine(url=url)
    try:
        yield engine
    finally:
        engine.close()
        if not os.environ.get("TTDN_SEARCH"):
            stop_cluster(state_dir)


def rank_on(engine, home: Path, judged: list[Judged]) -> list[Judged]:
    """A copy of `judged` with "ours" ranked by `engine` (rebuilt from `home`'s catalog)."""
    with Catalog(load_settings(home).catalog_path) as catalog:
        engine.rebuild(catalog)
    return run(home, None, copy.deepcopy(judged), None, engine=engine)


def _groups(judged: list[Judged]) -> list[tuple[str, list[Judged]]]:
    out = []
    for question in (False, True):
        group = [q for q in judged if q.question == question]
        by_type = defaultdict(list)
        for q in group:
            by_type[q.type].append(q)
        out += sorted(by_type.items())
        if group:
            out.append(("all questions" if question else "all keywords", group))
    return out


def print_parity(whoosh: list[Judged], solr: list[Judged], *, verbose: bool = False) -> bool:
    """The parity line and every judged figure, Whoosh beside Solr; whether the target holds."""
    result = parity(whoosh, solr)
    print(result.line())
    head = "  ".join(f"{m:>13}" for m in _METRICS)
    print(f"{'queries':<19} {'n':>3}  {head}\n{'':<24}" + "  ".join([" whoosh   solr"] * 3))
    lower = []
    by_id = {q.id: q for q in solr}
    for label, group in _groups(whoosh):
        w = summarize(group)["ours"]
        s = summarize([by_id[q.id] for q in group])["ours"]
        cells = []
        for m in _METRICS:
            mark = "<" if s[m] < w[m] - 1e-9 else " "
            if mark == "<":
                lower.append(f"{label} {m}")
            cells.append(f"{w[m]:>6.3f} {s[m]:>6.3f}{mark}")
        print(f"{label:<19} {len(group):>3}  " + "  ".join(cells))
    if verbose:
        for w in whoosh:
            s = by_id[w.id]
            if w.ours[:CUTOFF] != s.ours[:CUTOFF]:
                print(f"  {w.id} ndcg {ndcg_at(w.ours, w.relevant):.2f} "
                      f"{ndcg_at(s.ours, s.relevant):.2f}  {w.query}\n"
                      f"    whoosh={w.ours[:5]}\n    solr  ={s.ours[:5]}")
    share = result.same_set / (result.n or 1)
    ok = share >= 0.9 and not lower
    print(f"target (>= 90 % equal top-10 sets, no judged figure lower): "
          f"{'met' if ok else 'NOT met'}" + (f"; lower: {', '.join(lower)}" if lower else ""))
    return ok


def latency(engine, home: Path, judged: list[Judged], *, rounds: int = 1) -> dict:
    """p50/p95 milliseconds of the judged searches on `engine` (after one warm-up pass)."""
    times = []
    with Catalog(load_settings(home).catalog_path, readonly=True) as catalog:
        for q in judged:
            engine.search(request_of(q), catalog)
        for _ in range(rounds):
            for q in judged:
                started = time.perf_counter()
                engine.search(request_of(q), catalog)
                times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return {"n": len(times), "p50": statistics.median(times),
            "p95": times[min(len(times) - 1, int(0.95 * len(times)))]}


def main(argv: list[str] | None = None) -> None:
    """Build the judged collection, rank it on Whoosh and Solr, print parity and latency."""
    from bench.relevance import _eval_text
    from search.engine import WhooshEngine
    from archive.settings import Settings
    from tests.relevance.collection import build_home
    from tests.relevance.evaluate import QUESTIONS, load_judgments

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="the queries that differ")
    parser.add_argument("--every", type=int, default=5,
                        help="time every Nth judged query (default 5)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ttdn-solr-parity-"))
    try:
        home = build_home(work, _eval_text())
        judged = run(home, None, load_judgments() + load_judgments(QUESTIONS))
        whoosh = WhooshEngine(Settings(home=home))
        with solr_engine(work) as engine:
            solr = rank_on(engine, home, judged)
            print_parity(judged, solr, verbose=args.verbose)
            counted = _counting(engine)
            timed = judged[::args.every]
            for label, eng in (("whoosh", whoosh), ("solr", engine)):
                before = counted["requests"]
                lat = latency(eng, home, timed)
                per = (counted["requests"] - before) / (2 * lat["n"])  # the warm-up too
                extra = f", {per:.2f} HTTP requests per search" if label == "solr" else ""
                print(f"latency {label}: p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms "
                      f"over {lat['n']} searches{extra}")
        whoosh.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _counting(engine) -> dict:
    """Count the HTTP requests the engine's client makes (wraps its `request`)."""
    counted = {"requests": 0}
    inner = engine.client.request

    def request(*args, **kwargs):
        counted["requests"] += 1
        return inner(*args, **kwargs)

    engine.client.request = request
    return counted


if __name__ == "__main__":
    main()
