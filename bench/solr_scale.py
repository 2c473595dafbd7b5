"""Search at scale: 1,000,000 pages in the loopback SolrCloud, beside FTS5 (1M) and Whoosh (100k).

The pages are ``search_bench.synthetic_items`` (real eval text, recombined). Their Solr documents
are built by the engine's own code (``solr_engine.solr_documents``) for a base corpus of
``--base`` pages (default 100,000: the Whoosh bench's 100k corpus) and sent ``--pages / --base``
times under new item ids (``b000123`` -> ``b000123x4``), in large batches over several concurrent
update requests, one commit at the end. Why copies: the engine's document code costs ~3.4 ms of
Python per page (tokenizing for the vocabulary, twice-normalized text), ~57 CPU minutes for a
million unique pages, which a shared 2-core machine cannot spare beside Solr's own indexing;
``--base 1000000`` builds unique pages for whoever can. The catalog (the hits' pages and sources)
and the FTS5 baseline get exactly the same items and pages.

The cluster is ``scripts/solr-cluster.sh``'s (2 nodes, embedded ZooKeeper), here with its own
state folder, a bigger heap, collection ``scale`` of 2 shards x 1 replica (on 2 cores a second
replica doubles the indexing work and adds no query capacity), no soft commits while loading,
each shard merged to 4 segments after it (as `ttdn reindex` merges; ``--no-merge`` keeps the
dozens the load leaves, which answer slower: p95 124 against 103-110 ms at 1M pages) and
no query result cache (a repeated query is measured as work, not as a cache hit). The built
collection is kept as a Solr backup under ``bench/work/solr-scale-PAGES-KEY/`` (KEY: a hash of
the configset's schema, the documents the engine builds for sample items and the corpus
version), so a second run restores it and only queries. Batches go straight to their shard's leader (ids
routed as the compositeId router does), which keeps a loaded node from stalling on forwarding.
``--until HH:MM`` stops sending documents at that time (UTC) and builds the rest (catalog, FTS5)
for the pages sent: a partial build, reported with its real page count and reused as such.
Queries are measured at the cluster's steady pace: Solr is warmed first by passes over the
query set until one takes within 5 % of the one before (``warm_up``).

    .venv/bin/python bench/solr_scale.py [--pages 1000000] [--base 100000] [--rounds 3]
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import json
import logging
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import requests  # noqa: E402

import search_bench as sb  # noqa: E402
from archive.catalog import Catalog  # noqa: E402
from search.query import SearchRequest  # noqa: E402
from search.solr_engine import (MERGED_SEGMENTS, SolrClient, SolrEngine,  # noqa: E402
                                solr_documents)

WORK = sb.WORK
CONFIGSET = REPO / "solr" / "configset"
SCRIPT = REPO / "scripts" / "solr-cluster.sh"
COLLECTION = "scale"
# Last quiet figures of search_bench.py at 100k (used when its cached index does not match).
WHOOSH_100K_RECORDED = {"p50": 229.0, "p95": 1048.0}
FTS_100K_RECORDED = {"p50": 89.5, "p95": 434.0}


# -- the cache key and the corpus -----------------------------------------------------------

def docs_key(base: int) -> str:
    """What the base documents depend on: the engine's documents for sample items, the
    corpus version, the base size."""
    digest = hashlib.sha256(f"{sb.CORPUS_VERSION}:{base}".encode())
    for item, pages in itertools.islice(sb.synthetic_items(200), 3):
        digest.update(json.dumps(solr_documents(item, pages), sort_keys=True,
                                 ensure_ascii=False).encode())
    return digest.hexdigest()[:12]


def cache_key(base: int) -> str:
    """What the built collection depends on: the documents (docs_key) and the configset's
    schema. solrconfig.xml only says how to query and commit (a query parser, the stats
    cache): a restored collection runs on the current one, so it does not force a rebuild."""
    digest = hashlib.sha256(docs_key(base).encode())
    for path in sorted(CONFIGSET.rglob("*")):
        if path.is_file() and path.name != "solrconfig.xml":
            digest.update(path.relative_to(CONFIGSET).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def copy_id(item_id: str, k: int) -> str:
    """Item id of copy k (copy 0 keeps the base id)."""
    return item_id if k == 0 else f"{item_id}x{k}"


def base_docs_path(base: int) -> Path:
    """Where the base documents are kept (shared by every --pages of this base)."""
    return WORK / f"solr-scale-docs-{base}-{docs_key(base)}.jsonl"


def _item_docs(entry) -> str:
    item, pages = entry
    return json.dumps(solr_documents(item, pages), ensure_ascii=False)


def write_base_docs(items: list, path: Path, procs: int) -> float:
    """The base items' Solr documents, one JSON list per line, by `procs` processes; CPU s."""
    tmp = path.with_suffix(".tmp")
    before = _own_cpu(children=True)
    pool = multiprocessing.get_context("fork").Pool(procs)
    with open(tmp, "w", encoding="utf-8") as out:
        for line in pool.imap(_item_docs, items, chunksize=16):
            out.write(line + "\n")
    pool.close()
    pool.join()  # the workers' CPU is counted once they are waited for
    tmp.rename(path)
    return round(_own_cpu(children=True) - before, 1)


def renamed(docs: list[dict], k: int) -> list[dict]:
    """Copy k of an item's documents: the same fields under the copy's ids."""
    if k == 0:
        return docs
    out = []
    for doc in docs:
        doc = dict(doc)
        new = copy_id(doc["item_id"], k)
        doc["id"] = new if doc["doctype"] == "item" else f"{new}#{doc['page']}"
        doc["item_id"] = new
        out.append(doc)
    return out


def copied_items(items: list, copies: int):
    """(item, pages) of every copy, copy 0 first (what the catalog and FTS5 hold)."""
    for k in range(copies):
        for item, pages in items:
            yield (item if k == 0 else dataclasses.replace(item, id=copy_id(item.id, k))), pages


def build_catalog(path: Path, items: list, count: int) -> None:
    """The first `count` items of the copies (copied_items) as the engine's catalog: the base
    items saved by the catalog's own code, then each copy's rows in SQL."""
    with Catalog(path) as catalog:
        for item, pages in items[:count]:
            catalog.save_item(item, pages=pages, sources=[f"bench/{item.id}.pdf"])
    db = sqlite3.connect(path)
    try:
        cols = {t: [r[1] for r in db.execute(f"PRAGMA table_info({t})")]
                for t in ("items", "metadata", "pages", "sources", "relations")}
        with db:
            for k in itertools.count(1):
                n = min(len(items), count - k * len(items))
                if n <= 0:
                    break
                last = items[n - 1][0].id  # base ids are zero-padded, in order
                for table, names in cols.items():
                    key = "id" if table == "items" else "item_id"
                    exprs = [f"{n_} || 'x{k}'" if n_ == key else
                             f"CASE WHEN {n_} IS NULL THEN NULL ELSE {n_} || 'x{k}' END"
                             if (table, n_) == ("items", "sha256") else
                             f"REPLACE({n_}, '.pdf', 'x{k}.pdf')"
                             if (table, n_) == ("sources", "source") else n_ for n_ in names]
                    db.execute(f"INSERT INTO {table} ({','.join(names)}) SELECT "
                               f"{','.join(exprs)} FROM {table} WHERE {key} NOT LIKE '%x%' "
                               f"AND {key} <= ?", (last,))
    finally:
        db.close()


# -- the cluster ----------------------------------------------------------------------------

def cluster_env(state: Path, heap: str, home: Path | None = None) -> dict:
    """scripts/solr-cluster.sh's settings for the bench cluster (backups in WORK or `home`)."""
    allowed = ",".join(str(p) for p in (WORK, home) if p is not None)
    opts = [f"-Dttdn.collection={COLLECTION}", "-Dttdn.replicas=1",
            f"-Dsolr.allowPaths={allowed}", "-Dsolr.autoSoftCommit.maxTime=-1",
            "-Dsolr.autoCommit.maxTime=60000", "-Dsolr.ramBufferSizeMB=256",
            "-Dsolr.queryResultCache.size=0", "-Dsolr.cloud.client.stallTime=600000",
            "-DdistribUpdateSoTimeout=1800000"]
    return {**os.environ, "TTDN_SOLR_STATE": str(state), "TTDN_SOLR_HEAP": heap,
            "TTDN_SOLR_GC": "-XX:+UseParallelGC", "TTDN_SOLR_OPTS": " ".join(opts)}


def start_cluster(state: Path, heap: str, home: Path | None = None) -> dict:
    """Start (or find running) the bench cluster; its state file as a dict."""
    run = subprocess.run(["bash", str(SCRIPT), "start"], env=cluster_env(state, heap, home),
                         capture_output=True, text=True, timeout=900)
    if run.returncode != 0:
        raise SystemExit(f"the bench cluster did not start:\n{run.stderr[-2000:]}")
    return dict(line.split("=", 1) for line in (state / "state").read_text().splitlines()
                if "=" in line)


def stop_cluster(state: Path, heap: str) -> None:
    """Stop the bench cluster."""
    subprocess.run(["bash", str(SCRIPT), "stop"], env=cluster_env(state, heap),
                   capture_output=True, timeout=300)


def admin(node: str, params: dict, timeout: float = 3600) -> dict:
    """A Collections API call on one node; its JSON answer (raises on an error)."""
    reply = requests.get(f"{node}/admin/collections", params={"wt": "json", **params},
                         timeout=timeout)
    body = reply.json()
    if reply.status_code != 200 or body.get("failure") or body.get("exception"):
        raise SystemExit(f"Solr {params.get('action')} failed: {json.dumps(body)[:1500]}")
    return body


def jvm_stats(pid: int) -> dict:
    """CPU seconds (user+system), resident and peak resident MB of the cluster's JVM."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    status = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {"cpu_s": round(cpu, 1), "rss_mb": int(status["VmRSS"].split()[0]) // 1024,
            "peak_rss_mb": int(status["VmHWM"].split()[0]) // 1024}


def _own_cpu(children: bool = False) -> float:
    t = os.times()
    return t.children_user + t.children_system if children else t.user + t.system


def _load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


# -- indexing -------------------------------------------------------------------------------

_M32 = 0xFFFFFFFF


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 x86 32-bit, signed, as Solr's ``Hash.murmurhash3_x86_32`` (compositeId)."""
    h, n = seed, len(data)
    for i in range(0, n - n % 4, 4):
        k = (int.from_bytes(data[i:i + 4], "little") * 0xCC9E2D51) & _M32
        k = (((k << 15) | (k >> 17)) * 0x1B873593) & _M32
        h ^= k
        h = ((((h << 13) | (h >> 19)) & _M32) * 5 + 0xE6546B64) & _M32
    tail, k = data[n - n % 4:], 0
    for i in reversed(range(len(tail))):
        k ^= tail[i] << (8 * i)
    if tail:
        k = (k * 0xCC9E2D51) & _M32
        h ^= (((k << 15) | (k >> 17)) * 0x1B873593) & _M32
    h ^= n
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & _M32
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & _M32
    h ^= h >> 16
    return h - (1 << 32) if h >= 1 << 31 else h


def _signed(hex_text: str) -> int:
    value = int(hex_text, 16)
    return value - (1 << 32) if value >= 1 << 31 else value


class _BulkSession(requests.Session):
    """A session whose connect timeout is long too: urllib3 sends a request's body under the
    connect timeout (the engine's 2 s), and a busy node reads a batch of megabytes slower."""

    def request(self, method, url, **kwargs):
        kwargs["timeout"] = (600.0, 600.0)
        return super().request(method, url, **kwargs)


def bulk_client(base: str) -> SolrClient:
    """The engine's client to one node, with the bulk session in every thread."""
    client = SolrClient((base,), COLLECTION, timeout=600.0)
    local = threading.local()

    def session() -> requests.Session:
        if getattr(local, "session", None) is None:
            local.session = _BulkSession()
        return local.session

    client._session = session
    return client


def shard_leaders(node: str, collection: str = COLLECTION) -> list[tuple[int, int, str]]:
    """(range low, range high, leader's base URL) of each shard of the collection."""
    state = admin(node, {"action": "CLUSTERSTATUS", "collection": collection}, timeout=60)
    shards = state["cluster"]["collections"][collection]["shards"]
    out = []
    for shard in shards.values():
        low, high = shard["range"].split("-")
        [leader] = [r for r in shard["replicas"].values() if r.get("leader") == "true"]
        out.append((_signed(low), _signed(high), leader["base_url"]))
    return out


def route(doc_id: str, leaders: list[tuple[int, int, str]]) -> int:
    """Which shard (index into `leaders`) the compositeId router gives this id."""
    h = murmur3_32(doc_id.encode())
    return next(i for i, (low, high, _) in enumerate(leaders) if low <= h <= high)

def index_copies(engine: SolrEngine, node: str, docs_path: Path, copies: int, threads: int,
                 batch_chars: int, until: float | None = None) -> tuple[int, int]:
    """Every copy of the base documents, `threads` update requests at a time, until the clock
    passes `until` (epoch seconds); (documents sent, items sent: copied_items' first ones).

    Each batch goes straight to its shard's leader (the ids routed as Solr's compositeId
    router does, as SolrJ's CloudSolrClient does): a node forwarding half of every large batch
    to the other node stalls on a loaded machine ("Task queue processing has stalled").
    """
    leaders = shard_leaders(node)
    clients = [bulk_client(base) for _, _, base in leaders]
    slots = threading.BoundedSemaphore(threads * 2)
    sent = done = 0

    def send(shard: int, batch: list[dict]) -> None:
        try:
            clients[shard].update(batch)
        finally:
            slots.release()

    with ThreadPoolExecutor(threads) as pool:
        futures = []

        def flush(shard: int) -> None:
            nonlocal sent
            slots.acquire()
            futures.append(pool.submit(send, shard, batches[shard]))
            sent += len(batches[shard])
            batches[shard], sizes[shard] = [], 0

        stopped = False
        for k in range(copies):
            batches, sizes = [[] for _ in leaders], [0] * len(leaders)
            with open(docs_path, encoding="utf-8") as lines:
                for line in lines:
                    if until is not None and done % 50 == 0 and time.time() > until:
                        stopped = True
                        break
                    done += 1
                    for doc in renamed(json.loads(line), k):
                        shard = route(doc["id"], leaders)
                        batches[shard].append(doc)
                        sizes[shard] += len(doc.get("content") or doc.get("page_text") or "")
                        if sizes[shard] >= batch_chars:
                            flush(shard)
            for shard in range(len(leaders)):
                if batches[shard]:
                    flush(shard)
            futures = [f for f in futures if not f.done() or f.result()]
            print(f"  {time.strftime('%H:%M:%S')} copy {k + 1}/{copies} queued ({sent} "
                  f"documents, {done} items)", file=sys.stderr)
            if stopped:
                print("  stopped at the --until time", file=sys.stderr)
                break
        for f in futures:
            f.result()
    engine.client.update([], commit=True)
    return sent, done


def build(home: Path, node: str, pid: int, engine: SolrEngine, args) -> dict:
    """Documents, Solr collection (then its backup), catalog and FTS5 for the bench; figures."""
    copies = max(1, args.pages // args.base)
    items = list(sb.synthetic_items(args.base))
    base_pages = sum(len(p) for _, p in items)
    docs_path = base_docs_path(args.base)
    figures = {"target_pages": base_pages * copies, "copies": copies,
               "base_pages": base_pages, "load_before": _load()}
    if not docs_path.exists():
        started = time.perf_counter()
        figures["docs_cpu_s"] = write_base_docs(items, docs_path, args.procs)
        figures["docs_s"] = round(time.perf_counter() - started, 1)
        print(f"base documents: {json.dumps(figures)}", file=sys.stderr)
    engine.client.update({"delete": {"query": "*:*"}}, commit=True)
    before, started = jvm_stats(pid), time.perf_counter()
    sent, count = index_copies(engine, node, docs_path, copies, args.threads, args.batch_chars,
                               _until(args.until))
    wall = time.perf_counter() - started
    after = jvm_stats(pid)
    figures["items"] = count
    figures["pages"] = sum(len(p) for _, p in itertools.islice(copied_items(items, copies),
                                                                count))
    figures.update({"solr_docs": sent, "solr_s": round(wall, 1),
                    "solr_pages_per_s": round(figures["pages"] / wall),
                    "solr_jvm_cpu_s": round(after["cpu_s"] - before["cpu_s"], 1),
                    "solr_peak_rss_mb": after["peak_rss_mb"], "load_after": _load()})
    print(f"solr built: {json.dumps(figures)}", file=sys.stderr)
    if not args.no_merge:  # as `ttdn reindex` does after its load (SolrEngine.rebuild)
        started = time.perf_counter()
        engine.merge_segments()
        figures["merge_s"] = round(time.perf_counter() - started, 1)
        figures["segments"] = MERGED_SEGMENTS
    shutil.rmtree(home / "backup", ignore_errors=True)
    (home / "backup").mkdir()
    started = time.perf_counter()
    admin(node, {"action": "BACKUP", "name": "scale", "collection": COLLECTION,
                 "location": str(home / "backup")})
    figures["backup_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    build_catalog(home / "catalog.sqlite3", items, count)
    figures["catalog_s"] = round(time.perf_counter() - started, 1)
    if not args.no_fts:
        started = time.perf_counter()
        sb._build_fts(home / "fts.sqlite3", itertools.islice(copied_items(items, copies), count))
        fts = time.perf_counter() - started
        figures.update({"fts_s": round(fts, 1), "fts_pages_per_s": round(figures["pages"] / fts)})
    figures["disk_mb"] = {"backup": _mb(home / "backup"), "catalog": _mb(home / "catalog.sqlite3"),
                          "fts": _mb(home / "fts.sqlite3")}
    return figures


def _until(text: str | None) -> float | None:
    """--until HH:MM (UTC, today) as epoch seconds."""
    if not text:
        return None
    hours, minutes = (int(x) for x in text.split(":"))
    now = time.gmtime()
    return time.mktime(time.struct_time((now.tm_year, now.tm_mon, now.tm_mday, hours, minutes,
                                         0, 0, 0, 0))) - time.timezone


def _mb(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size // 2**20
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) // 2**20


def restore(node: str, home: Path) -> float:
    """The cached collection back from its backup (replacing the empty one); seconds."""
    started = time.perf_counter()
    admin(node, {"action": "DELETE", "name": COLLECTION})
    admin(node, {"action": "RESTORE", "name": "scale", "collection": COLLECTION,
                 "location": str(home / "backup"), "collection.configName": COLLECTION,
                 "replicationFactor": 1})
    return round(time.perf_counter() - started, 1)


# -- querying -------------------------------------------------------------------------------

class Timed:
    """Wraps the engine's client.select: each /select's QTime and, with debug, its timing."""

    def __init__(self, engine: SolrEngine, debug: bool) -> None:
        self.inner, self.debug, self.calls = engine.client.select, debug, []
        engine.client.select = self

    def __call__(self, params: dict) -> dict:
        if self.debug:
            params = {**params, "debug": "timing"}
        reply = self.inner(params)
        timing = reply.get("debug", {}).get("timing", {})
        self.calls.append((reply.get("responseHeader", {}).get("QTime", 0), timing))
        return reply


def warm_up(engine: SolrEngine, catalog: Catalog, least: int, most: int = 20) -> list[float]:
    """Solr passes over the query set until it answers at its steady pace: at least `least`
    passes, then until a pass's total time is within 5 % of the one before (at most `most`).
    Each pass's seconds, in order.

    A cluster just started (or restored) is still compiling its hot paths and reading its
    index files into memory: after 2 passes p95 was 140.8 ms; the same cluster, once it had
    answered for some minutes, gave 94.4 (1M pages). A portal's cluster runs for days: the
    steady pace is what its readers meet, the first minutes after a restart are not.
    """
    passes: list[float] = []
    searches = [SearchRequest(query=q.text, **q.options) for q in sb.QUERIES]
    while len(passes) < most:
        started = time.perf_counter()
        for request in searches:
            engine.search(request, catalog)
        passes.append(time.perf_counter() - started)
        if len(passes) >= max(least, 2) and abs(passes[-1] - passes[-2]) <= 0.05 * passes[-2]:
            break
    return passes


def measure(engine: SolrEngine, catalog: Catalog, fts: sqlite3.Connection | None,
            rounds: int, profile: bool) -> dict:
    """p50/p95 ms of the query set on Solr (and FTS5), after one pass that warms FTS5 (Solr
    was warmed by :func:`warm_up`)."""
    timed = Timed(engine, profile)
    ours, theirs, per_query = [], [], {}
    for rnd in range(rounds + 1):  # round 0 warms FTS5
        for q in sb.QUERIES:
            request = SearchRequest(query=q.text, **q.options)
            timed.calls = []
            t0 = time.perf_counter()
            engine.search(request, catalog)
            t1 = time.perf_counter()
            if fts is not None:
                sb.fts_search(fts, q)
            t2 = time.perf_counter()
            if rnd:
                ours.append((t1 - t0) * 1000)
                theirs.append((t2 - t1) * 1000)
                per_query.setdefault(q.text, []).append(
                    ((t1 - t0) * 1000, [c[0] for c in timed.calls], timed.calls))
    out = {"solr": sb._percentiles(ours), "fts": sb._percentiles(theirs) if fts else None,
           "per_query": {}}
    for text, runs in per_query.items():
        ms = statistics.median(r[0] for r in runs)
        out["per_query"][text] = {"ms": round(ms), "qtimes": runs[-1][1]}
        if profile:
            out["per_query"][text]["timing"] = _components(runs[-1][2])
    return out


def _components(calls: list) -> list[dict]:
    """Per /select: the components that took ≥ 5 ms (process phase), from debug=timing."""
    out = []
    for qtime, timing in calls:
        process = timing.get("process", {})
        parts = {k: round(v.get("time", 0)) for k, v in process.items()
                 if isinstance(v, dict) and v.get("time", 0) >= 5}
        out.append({"qtime": qtime, **parts})
    return out


def whoosh_100k(rounds: int) -> tuple[dict, dict, dict, str]:
    """Whoosh and FTS5 at 100k from search_bench's cached index, or the recorded figures;
    with the build rates of that index."""
    home = WORK / f"search-100000-{sb._format_key()}"
    if (home / "built.json").exists():
        rates = json.loads((home / "built.json").read_text())
        lat = sb.measure(home, rounds)
        return lat["ours"], lat["fts"], rates, "measured now"
    rates = {"ours_pages_per_s": 32, "fts_pages_per_s": 1839}
    return WHOOSH_100K_RECORDED, FTS_100K_RECORDED, rates, "recorded; cache out of date"


# -- main -----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    """Build (or restore) the collection, query it and FTS5, print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=100_000, help="unique pages built")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=3,
                        help="Solr passes at least before measuring (then until steady)")
    parser.add_argument("--procs", type=int, default=2, help="processes building documents")
    parser.add_argument("--threads", type=int, default=3, help="concurrent update requests")
    parser.add_argument("--batch-chars", type=int, default=1_000_000,
                        help="text characters per update request")
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--until", help="HH:MM UTC: stop sending documents then (a smaller "
                        "build, reported as such)")
    parser.add_argument("--no-merge", action="store_true",
                        help="keep the segments the load left (default: merged as `ttdn "
                             "reindex` merges them)")
    parser.add_argument("--no-fts", action="store_true")
    parser.add_argument("--no-whoosh", action="store_true")
    parser.add_argument("--profile", action="store_true", help="Solr debug=timing per query")
    parser.add_argument("--docs-only", action="store_true", help="only build base documents")
    parser.add_argument("--build-only", action="store_true",
                        help="build (or restore), leave the cluster running, do not query")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    parser.add_argument("--home", type=Path, help="this build folder, whatever its key")
    parser.add_argument("--state", type=Path, default=WORK / "solr-scale-cluster")
    args = parser.parse_args(argv)
    # The engine's client says when a request needed retries.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("search.solr_engine").setLevel(logging.INFO)
    if not sb.EVAL.is_dir():
        print("../shared/eval not found: skipped")
        return
    args.base = min(args.base, args.pages)
    if args.docs_only:
        path = base_docs_path(args.base)
        if not path.exists():
            started = time.perf_counter()
            cpu = write_base_docs(list(sb.synthetic_items(args.base)), path, args.procs)
            print(f"{path.name}: {time.perf_counter() - started:.0f} s, {cpu} CPU s")
        return
    home = args.home or WORK / f"solr-scale-{args.pages}-{cache_key(args.base)}"
    home.mkdir(parents=True, exist_ok=True)
    stamp = home / "built.json"
    started = time.perf_counter()
    state = start_cluster(args.state, args.heap, home.resolve())
    node, pid = state["nodes"].split(",")[0], int(state["pid"])
    print(f"bench cluster up in {time.perf_counter() - started:.0f}s: {state['search']}",
          file=sys.stderr)
    engine = SolrEngine(url=state["search"])
    engine.client.timeout = 600.0
    try:
        if stamp.exists():
            built = {**json.loads(stamp.read_text()), "cached": True}
            expected = built["items"]
            have = engine._select({"q": "doctype:item", "rows": 0}).total
            if have != expected:
                built["restore_s"] = restore(node, home)
        else:
            built = build(home, node, pid, engine, args)
            stamp.write_text(json.dumps(built))
            built["cached"] = False
        engine.client.timeout = 30.0
        if args.build_only:
            print(json.dumps(built), file=sys.stderr)
            return
        fts = sqlite3.connect(home / "fts.sqlite3") if (home / "fts.sqlite3").exists() else None
        with Catalog(home / "catalog.sqlite3", readonly=True) as catalog:
            warmed = warm_up(engine, catalog, args.warmup)
            before = jvm_stats(pid)
            lat = measure(engine, catalog, fts, args.rounds, args.profile)
            lat["warm_up_s"] = [round(x, 2) for x in warmed]
            after = jvm_stats(pid)
        lat["query_jvm_cpu_s"] = round(after["cpu_s"] - before["cpu_s"], 1)
        if fts is not None:
            fts.close()
    finally:
        engine.close()
        if not (args.keep or args.build_only):
            stop_cluster(args.state, args.heap)
    whoosh, fts100, rates, source = ({}, {}, {}, "skipped") if args.no_whoosh \
        else whoosh_100k(args.rounds)
    print(json.dumps({"built": built, "per_query": lat["per_query"],
                      "query_jvm_cpu_s": lat["query_jvm_cpu_s"], "load": _load()},
                     ensure_ascii=False, indent=1), file=sys.stderr)
    mark = "*" if built["cached"] else " "
    rows = [("Solr 2x1 shards", built["pages"], f"{built['solr_pages_per_s']}{mark}", lat["solr"])]
    if lat["fts"]:
        rows.append(("SQLite FTS5", built["pages"], f"{built.get('fts_pages_per_s', '-')}{mark}",
                     lat["fts"]))
    if whoosh:
        rows.append((f"Whoosh ({source})", 100_000, f"{rates['ours_pages_per_s']}*", whoosh))
        rows.append((f"SQLite FTS5 ({source})", 100_000, f"{rates['fts_pages_per_s']}*",
                     fts100))
    print(f"{'engine':<40} {'pages':>9} {'build pages/s':>14} {'p50 ms':>8} {'p95 ms':>8}")
    for name, pages, rate, q in rows:
        print(f"{name:<40} {pages:>9} {rate:>14} {q['p50']:>8.1f} {q['p95']:>8.1f}")
    warm = lat["warm_up_s"]
    if built["pages"] < built.get("target_pages", built["pages"]):
        print(f"(partial build: {built['pages']} of {built['target_pages']} pages, stopped by "
              f"--until; delete {home} to build them all)")
    print(f"(* build figures of the cached build; {len(sb.QUERIES)} queries x {args.rounds} "
          f"rounds after {len(warm)} Solr warm-up passes ({warm[0]} s to {warm[-1]} s each) and "
          f"one with FTS5; Solr build {built.get('solr_s')} s wall, JVM "
          f"{built.get('solr_jvm_cpu_s')} CPU s, peak RSS {built.get('solr_peak_rss_mb')} MB; "
          f"load avg before/after build {built.get('load_before')} / {built.get('load_after')})")


if __name__ == "__main__":
    main()
