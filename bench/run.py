"""`make bench`: ingest and query figures on this machine, printed as a table and kept as JSON."""
from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
EVAL = REPO.parent / "shared" / "eval"

from archive.catalog import Catalog  # noqa: E402
from archive.settings import load_settings  # noqa: E402
from ingest.pipeline import run_ingest  # noqa: E402
from search.query import Searcher, SearchRequest  # noqa: E402

QUERIES = ["lang son", "Lạng Sơn", "thông tin đối ngoại", "nghi dinh", "\"xử phạt vi phạm\"",
           "244/2026/NĐ-CP", "谅山", "kind:map plan", "bảo vệ bí mật", "an ninh"]


def _bare_text_rate(pdfs: list[Path]) -> tuple[int, float]:
    started, pages = time.perf_counter(), 0
    for pdf in pdfs:
        with pymupdf.open(pdf) as doc:
            for page in doc:
                page.get_text()
                pages += 1
    return pages, time.perf_counter() - started


def _ingest(folder: Path, home: Path) -> tuple[dict, float]:
    settings = load_settings(home)
    summary = run_ingest([folder], settings)
    return summary.to_dict(), summary.seconds


def _query_latency(home: Path, rounds: int = 5) -> dict:
    settings = load_settings(home)
    searcher = Searcher(settings.index_dir)
    times = []
    with Catalog(settings.catalog_path) as catalog:
        for _ in range(rounds):
            for q in QUERIES:
                started = time.perf_counter()
                searcher.search(SearchRequest(query=q), catalog)
                times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"queries": len(times), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}


def main() -> None:
    """Run every measurement and print the table."""
    work = Path(tempfile.mkdtemp(prefix="ttdn-bench-"))
    results: dict[str, object] = {"cores": os.cpu_count()}
    try:
        docs = sorted((EVAL / "corpus" / "documents").glob("*.pdf"))
        folder = work / "docs"
        folder.mkdir()
        for pdf in docs:
            shutil.copy(pdf, folder / pdf.name)
        bare_pages, bare_s = _bare_text_rate(docs)
        summary, seconds = _ingest(folder, work / "home-docs")
        results["born_digital"] = {"pages": summary["pages"], "ingest_pages_per_s":
                                   round(summary["pages"] / seconds, 1),
                                   "bare_pymupdf_pages_per_s": round(bare_pages / bare_s, 1)}
        _, again = _ingest(folder, work / "home-docs")
        results["reingest_unchanged_s"] = {"first": round(seconds, 2), "again": round(again, 2)}
        scans = work / "scans"
        scans.mkdir()
        for scan in sorted((EVAL / "corpus" / "scans").glob("*.pdf"))[:3]:
            shutil.copy(scan, scans / scan.name)
        summary, seconds = _ingest(scans, work / "home-scans")
        results["ocr"] = {"pages": summary["ocr_pages"], "seconds": round(seconds, 1),
                          "pages_per_s": round(summary["ocr_pages"] / seconds, 3)}
        results["query"] = _query_latency(work / "home-docs")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = REPO / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    for key, value in results.items():
        print(f"{key:24} {value}")


if __name__ == "__main__":
    main()
