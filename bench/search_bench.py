"""Search speed: index build rate and query latency at 10k and 100k pages, against SQLite FTS5.

The pages are real text: the eval documents' text layers (read with PyMuPDF) and the exact text
of the eval scans, recombined into synthetic items (each page keeps most of a real page and takes
a block of lines from another), so the vocabulary, lengths and syllable frequencies are those of
the archive's material. Index documents are built directly from those items: no OCR, no ingest.

Both engines get the same items and the same fixed query set in the same run. FTS5 uses
``tokenize="unicode61 remove_diacritics 2"`` with an items table (ranked by bm25, counted, and
grouped for a kind facet) and a pages table (matching pages and a snippet for the hits shown),
which is the work the engine's `search` does. Ours is built and queried through the search
interface (`search.engine`: `rebuild` from the catalog, as `ttdn reindex` does, then `search`).
Built indexes are cached under ``bench/work/`` keyed by the size and a hash of the search code,
so a second run only queries.

    .venv/bin/python bench/search_bench.py [--sizes 10000,100000] [--rounds 5] [--procs 2]
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
EVAL = REPO.parent / "shared" / "eval"
# TTDN_BENCH_WORK: where built indexes are cached (another folder leaves bench/work alone).
WORK = Path(os.environ.get("TTDN_BENCH_WORK") or REPO / "bench" / "work")

from archive.catalog import Catalog  # noqa: E402
from archive.models import Item, Page  # noqa: E402
from archive.settings import Settings  # noqa: E402
from search.engine import WhooshEngine  # noqa: E402
from search.index import item_documents  # noqa: E402
from search.schema import build_schema  # noqa: E402
from search.query import SearchRequest  # noqa: E402

TOKENIZE = "unicode61 remove_diacritics 2"
CORPUS_VERSION = "1"  # bump when synthetic_items changes (cached indexes are then rebuilt)
COLLECTIONS = ("Văn bản pháp luật", "Văn bản chỉ đạo TTĐN", "Ấn phẩm TTĐN", "Tư liệu lịch sử")
LEAD_UNITS = ("Sở Thông tin và Truyền thông", "Sở Ngoại vụ", "Sở Văn hóa Thể thao và Du lịch")


@dataclass(frozen=True)
class BenchQuery:
    """One query of the fixed set: what the user typed and the request's options."""

    label: str
    text: str
    options: dict = field(default_factory=dict)


# Mixed on purpose: accented, unaccented, phrases, CJK, codes, very common syllables (the p95),
# filters and facets (every query computes facets), public audience.
QUERIES = (
    BenchQuery("accented", "thông tin đối ngoại"),
    BenchQuery("accented", "Lạng Sơn"),
    BenchQuery("accented", "xử phạt vi phạm hành chính"),
    BenchQuery("unaccented", "lang son"),
    BenchQuery("unaccented", "thong tin doi ngoai"),
    BenchQuery("unaccented", "nghi dinh chinh phu"),
    BenchQuery("phrase", '"xử phạt vi phạm"'),
    BenchQuery("phrase", '"cung cấp thông tin"'),
    BenchQuery("cjk", "谅山"),
    BenchQuery("cjk", "友谊关口岸"),
    BenchQuery("common", "các tỉnh"),
    BenchQuery("common", "quy định"),
    BenchQuery("code", "244/2026/NĐ-CP"),
    BenchQuery("english", "paracel islands"),
    BenchQuery("filtered", "thuế", {"kind": "document", "lang": "vi", "year_from": 2015,
                                    "year_to": 2020}),
    BenchQuery("filtered", "hợp đồng", {"filters": {"collection": "Văn bản pháp luật"}}),
    BenchQuery("faceted", "bảo vệ", {"audience": "public"}),
    BenchQuery("faceted", "an ninh", {"filters": {"lead_unit": "Sở Ngoại vụ"}, "sort": "date"}),
)


# -- the corpus -----------------------------------------------------------------------------

@dataclass
class Source:
    """One real document: its pages' text and what truth.json says about it."""

    key: str
    pages: list[str]
    meta: dict
    languages: list[str]
    kind: str = "document"


def real_sources() -> list[Source]:
    """The eval documents' text layers and the scans' exact text."""
    truth = json.loads((EVAL / "truth" / "truth.json").read_text(encoding="utf-8"))
    sources = []
    for pdf in sorted((EVAL / "corpus" / "documents").glob("*.pdf")):
        with pymupdf.open(pdf) as doc:
            pages = [p.get_text() for p in doc]
        key = f"documents/{pdf.name}"
        sources.append(Source(key, [p for p in pages if p.strip()], truth.get(key, {}), ["vi"]))
    leaflet = EVAL / "corpus" / "media" / "to-gap-lang-son-viet-trung.pdf"
    with pymupdf.open(leaflet) as doc:
        sources.append(Source("media/" + leaflet.name, [p.get_text() for p in doc],
                              {"title": "Tờ gấp: Lạng Sơn – cửa ngõ giao thương"},
                              ["vi", "zh"], "publication"))
    for name, langs, kind in (("kh-51-ubnd-2017-lang-son", ["vi"], "document"),
                              ("to-roi-hoang-sa-truong-sa-viet-anh", ["vi", "en"], "publication"),
                              ("eurotext", ["en", "fr"], "document")):
        text = (EVAL / "truth" / f"{name}.gt.txt").read_text(encoding="utf-8")
        chunks = _paginate(text, 40)
        sources.append(Source(f"scans/{name}.pdf", chunks, truth.get(f"scans/{name}.pdf", {}),
                              langs, kind))
    return sources


def _paginate(text: str, lines_per_page: int) -> list[str]:
    """Split a long text into pages of about this many non-empty lines."""
    lines = [line for line in text.splitlines() if line.strip()]
    return ["\n".join(lines[i:i + lines_per_page]) for i in range(0, len(lines),
                                                                  lines_per_page)] or [text]


def _recombined(rng: random.Random, page: str, other: str) -> str:
    """The page with a block of about a fifth of its lines replaced by lines of another page."""
    lines, donor = page.splitlines(), other.splitlines()
    if len(lines) < 5 or not donor:
        return page + "\n" + "\n".join(donor[: max(1, len(donor) // 5)])
    size = max(1, len(lines) // 5)
    at, take = rng.randrange(len(lines) - size), rng.randrange(max(1, len(donor) - size))
    return "\n".join(lines[:at] + donor[take:take + size] + lines[at + size:])


def synthetic_items(total_pages: int, seed: int = 7):
    """Items whose pages recombine real pages, until `total_pages` pages have been made."""
    rng, sources = random.Random(seed), real_sources()
    all_pages = [p for s in sources for p in s.pages]
    made, n = 0, 0
    while made < total_pages:
        src = sources[n % len(sources)] if n % 3 else rng.choice(sources)
        count = min(total_pages - made, max(1, min(len(src.pages), rng.randint(2, 30))))
        start = rng.randrange(len(src.pages))
        texts = [_recombined(rng, src.pages[(start + i) % len(src.pages)], rng.choice(all_pages))
                 for i in range(count)]
        yield _item(rng, n, src), [Page(i + 1, t) for i, t in enumerate(texts)]
        made, n = made + count, n + 1


def _item(rng: random.Random, n: int, src: Source) -> Item:
    """Metadata for synthetic item n, drawn from its source's truth and a few fixed lists."""
    meta, year = src.meta, rng.randint(2000, 2026)
    historic = rng.random() < 0.08
    number = meta.get("doc_number")
    if number and n % 3:
        head, _, tail = number.partition("/")
        number = f"{rng.randint(1, 400)}/{tail}" if tail else number
    access = rng.choices(("public", "internal", "restricted"), (6, 3, 1))[0]
    return Item(
        id=f"b{n:06d}", kind="map" if historic and n % 2 else src.kind, access=access,
        title=meta.get("title") or src.pages[0].splitlines()[0][:120], doc_number=number,
        doc_type=meta.get("type"), issuer=meta.get("issuer"), languages=src.languages,
        issued=None if historic else f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        period=f"{rng.randint(1885, 1949)}" if historic else None,
        collection=COLLECTIONS[3] if historic else rng.choice(COLLECTIONS[:3]),
        lead_unit=rng.choice(LEAD_UNITS) if rng.random() < 0.7 else None)


# -- building -------------------------------------------------------------------------------

def _format_key() -> str:
    """What a cached index depends on: the schema and the documents built for sample items."""
    digest = hashlib.sha256(CORPUS_VERSION.encode())
    fields = sorted((name, type(f).__name__, type(f.format).__name__ if f.format else "")
                    for name, f in build_schema().items())
    digest.update(repr(fields).encode())
    for item, pages in itertools.islice(synthetic_items(200), 3):
        for doc in item_documents(item, pages):
            digest.update(repr(sorted((k, getattr(v, "tokens", v)) for k, v in doc.items()))
                          .encode())
    return digest.hexdigest()[:12]


def build(size: int, procs: int) -> tuple[Path, dict]:
    """Catalog, Whoosh index and FTS5 database for `size` pages (cached); and the build figures."""
    home = WORK / f"search-{size}-{_format_key()}"
    stamp = home / "built.json"
    if stamp.exists():
        return home, {**json.loads(stamp.read_text()), "cached": True}
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    items = list(synthetic_items(size))
    pages = sum(len(p) for _, p in items)
    with Catalog(home / "catalog.sqlite3") as catalog:
        for item, item_pages in items:
            catalog.save_item(item, pages=item_pages, sources=[f"bench/{item.id}.pdf"])
    started, cpu = time.perf_counter(), _cpu_seconds()
    with Catalog(home / "catalog.sqlite3") as catalog, \
            WhooshEngine(Settings(home=home, jobs=procs)) as engine:
        engine.rebuild(catalog, procs=procs)
    ours, ours_cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    started = time.perf_counter()
    _build_fts(home / "fts.sqlite3", items)
    fts = time.perf_counter() - started
    figures = {"items": len(items), "pages": pages, "procs": procs,
               "ours_s": round(ours, 1), "ours_cpu_s": round(ours_cpu, 1),
               "ours_pages_per_cpu_s": round(pages / ours_cpu), "fts_s": round(fts, 1),
               "ours_pages_per_s": round(pages / ours), "fts_pages_per_s": round(pages / fts)}
    stamp.write_text(json.dumps(figures))
    return home, {**figures, "cached": False}


def _cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the shared machine's wall-clock
    time depends on everyone else's load)."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _build_fts(path: Path, items: list) -> None:
    """The FTS5 baseline: an items table (metadata + text) and a pages table."""
    db = sqlite3.connect(path)
    db.executescript(f"""
        CREATE TABLE items (rid INTEGER PRIMARY KEY, id TEXT, kind TEXT, access TEXT,
            languages TEXT, year INTEGER, collection TEXT, lead_unit TEXT, date TEXT);
        CREATE VIRTUAL TABLE items_fts USING fts5(title, body, tokenize="{TOKENIZE}");
        CREATE VIRTUAL TABLE pages_fts USING fts5(body, rid UNINDEXED, n UNINDEXED,
            tokenize="{TOKENIZE}");
    """)
    with db:
        for rid, (item, pages) in enumerate(items, 1):
            db.execute("INSERT INTO items VALUES (?,?,?,?,?,?,?,?,?)",
                       (rid, item.id, item.kind, item.access, ",".join(item.languages),
                        item.year or 0, item.collection, item.lead_unit,
                        item.issued or item.period))
            body = "\n".join([item.doc_number or "", *(p.text for p in pages)])
            db.execute("INSERT INTO items_fts (rowid, title, body) VALUES (?,?,?)",
                       (rid, item.title, body))
            db.executemany("INSERT INTO pages_fts (body, rid, n) VALUES (?,?,?)",
                           [(p.text, rid, p.n) for p in pages])
    db.close()


# -- querying -------------------------------------------------------------------------------

_AUDIENCE = {"public": ("public",), "staff": ("public", "internal"),
             "admin": ("public", "internal", "restricted")}


def fts_match(text: str) -> str:
    """The query as an FTS5 MATCH string: each word and phrase quoted (no FTS5 syntax errors)."""
    parts, rest = [], text
    while '"' in rest:
        before, _, after = rest.partition('"')
        phrase, _, rest = after.partition('"')
        parts += before.split() + ([phrase] if phrase.strip() else [])
    parts += rest.split()
    return " ".join('"' + p.replace('"', '""') + '"' for p in parts)


def fts_search(db: sqlite3.Connection, query: BenchQuery, limit: int = 20) -> dict:
    """What the baseline does for one search: rank, count, one facet, pages and snippets."""
    opts = query.options
    where, args = ["items_fts MATCH ?"], [fts_match(query.text)]
    levels = _AUDIENCE[opts.get("audience", "staff")]
    where.append(f"i.access IN ({','.join('?' * len(levels))})")
    args += levels
    for column, value in (("kind", opts.get("kind")), *opts.get("filters", {}).items()):
        if value:
            where.append(f"i.{column} = ?")
            args.append(value)
    if opts.get("lang"):
        where.append("(',' || i.languages || ',') LIKE ?")
        args.append(f"%,{opts['lang']},%")
    if "year_from" in opts:
        where.append("i.year BETWEEN ? AND ?")
        args += [opts["year_from"], opts["year_to"]]
    base = f"FROM items_fts JOIN items i ON i.rid = items_fts.rowid WHERE {' AND '.join(where)}"
    order = "i.date DESC" if opts.get("sort") == "date" else "bm25(items_fts, 3.0, 1.0)"
    hits = db.execute(f"SELECT i.rid, i.id {base} ORDER BY {order} LIMIT {limit}", args).fetchall()
    total = db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    facets = db.execute(f"SELECT i.kind, count(*) {base} GROUP BY i.kind", args).fetchall()
    pages = []
    if hits:
        rids = ",".join(str(r) for r, _ in hits)
        pages = db.execute("SELECT rid, n, snippet(pages_fts, 0, '<mark>', '</mark>', '…', 24)"
                           f" FROM pages_fts WHERE pages_fts MATCH ? AND rid IN ({rids})",
                           (fts_match(query.text),)).fetchall()
    return {"total": total, "hits": [i for _, i in hits], "facets": dict(facets),
            "pages": len(pages)}


def _percentiles(times: list[float]) -> dict:
    times = sorted(times)
    return {"p50": statistics.median(times), "p95": times[max(0, round(len(times) * .95) - 1)]}


def measure(home: Path, rounds: int) -> dict:
    """Median and p95 latency (ms) of the query set for both engines, after one warm-up pass."""
    engine = WhooshEngine(Settings(home=home))
    db = sqlite3.connect(home / "fts.sqlite3")
    ours, fts, per_label, fts_label = [], [], {}, {}
    try:
        with Catalog(home / "catalog.sqlite3", readonly=True) as catalog:
            for rnd in range(rounds + 1):
                for q in QUERIES:
                    request = SearchRequest(query=q.text, **q.options)
                    t0 = time.perf_counter()
                    engine.search(request, catalog)
                    t1 = time.perf_counter()
                    fts_search(db, q)
                    t2 = time.perf_counter()
                    if rnd:
                        ours.append((t1 - t0) * 1000)
                        fts.append((t2 - t1) * 1000)
                        per_label.setdefault(q.label, []).append((t1 - t0) * 1000)
                        fts_label.setdefault(q.label, []).append((t2 - t1) * 1000)
    finally:
        engine.close()
        db.close()
    return {"ours": _percentiles(ours), "fts": _percentiles(fts),
            "by_label_p50": {k: (round(statistics.median(v)), round(statistics.median(
                fts_label[k]))) for k, v in per_label.items()}}


def _sizes(home: Path) -> dict:
    """Index size per MB of page text, ours and FTS5's, read from disk."""
    db = sqlite3.connect(home / "catalog.sqlite3")
    try:
        text_mb = db.execute("SELECT SUM(LENGTH(CAST(text AS BLOB))) FROM pages").fetchone()[0] / 2**20
    finally:
        db.close()
    ours_mb = sum(f.stat().st_size for f in (home / "index").iterdir()) / 2**20
    fts_mb = (home / "fts.sqlite3").stat().st_size / 2**20
    return {"text_mb": round(text_mb, 1), "ours_per_text_mb": round(ours_mb / text_mb, 2),
            "fts_per_text_mb": round(fts_mb / text_mb, 2)}


def main(argv: list[str] | None = None) -> None:
    """Build (or reuse) each size, query both engines, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--procs", type=int, default=2)
    args = parser.parse_args(argv)
    if not EVAL.is_dir():
        print("../shared/eval not found: skipped")
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        home, built = build(size, args.procs)
        lat = measure(home, args.rounds)
        rows.append((size, built, lat))
        print(f"{size} pages: {json.dumps(built)}\n  p50 ms by kind of query (ours, fts5): "
              f"{json.dumps(lat['by_label_p50'], ensure_ascii=False)}", file=sys.stderr)
    print(f"{'pages':>7} {'items':>6} | {'build pages/s ours':>18} {'fts5':>6} | "
          f"{'p50 ms ours':>11} {'fts5':>6} {'ratio':>6} | {'p95 ms ours':>11} {'fts5':>6} "
          f"{'ratio':>6}")
    for size, built, lat in rows:
        o, f = lat["ours"], lat["fts"]
        cached = "*" if built["cached"] else " "
        print(f"{built['pages']:>7} {built['items']:>6} | {built['ours_pages_per_s']:>17}{cached} "
              f"{built['fts_pages_per_s']:>6} | {o['p50']:>11.1f} {f['p50']:>6.1f} "
              f"{o['p50'] / f['p50']:>6.1f} | {o['p95']:>11.1f} {f['p95']:>6.1f} "
              f"{o['p95'] / f['p95']:>6.1f}")
    print(f"(* build figures of the cached index; {len(QUERIES)} queries x {args.rounds} rounds;"
          f" Whoosh writer procs={args.procs})")
    for size, _built, _lat in rows:
        sizes = _sizes(WORK / f"search-{size}-{_format_key()}")
        print(f"{size:>7} pages: {sizes['text_mb']} MB of text; index MB per MB of text: "
              f"ours {sizes['ours_per_text_mb']}, fts5 {sizes['fts_per_text_mb']}")


if __name__ == "__main__":
    main()
