"""Ingest figures beside the references that bound them, measured in the same run.

- OCR: pages/s through `ttdn ingest` on image-only scans vs bare `tesseract` on the same page
  images, one single-threaded process per core (the machine's OCR limit).
- Born-digital: pages/s through ingest vs PyMuPDF's bare text extraction of the same pages.
- Re-ingest of an unchanged folder (median of 3 runs) vs the first ingest.
- Peak memory (RSS) of the ingest process.

    .venv/bin/python bench/ingest_bench.py
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
TTDN = str(Path(sys.executable).parent / "ttdn")
SCANS = ("kh-51-ubnd-2017-lang-son.pdf", "14-2026-tt-bnv.pdf", "199-2026-nd-cp.pdf")

__all__ = ["measure_ingest"]


def _ingest(folder: Path, home: Path) -> tuple[dict, float, int]:
    """Run `ttdn ingest --json` as its own process: summary, wall seconds, peak RSS in MiB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run([TTDN, "--home", str(home), "ingest", str(folder), "--json"],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr)
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024
    return json.loads(proc.stdout), seconds, peak


def _render_pages(scans: list[Path], out: Path) -> list[Path]:
    images = []
    for scan in scans:
        with pymupdf.open(scan) as doc:
            for page in doc:
                target = out / f"{scan.stem}-{page.number + 1}.png"
                page.get_pixmap(dpi=300).save(target)
                images.append(target)
    return images


def _bare_tesseract(images: list[Path], lang: str) -> float:
    """Seconds for bare tesseract over the images, one OMP_THREAD_LIMIT=1 process per core."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    run = lambda img: subprocess.run(["tesseract", str(img), "-", "-l", lang, "--psm", "3"],  # noqa: E731
                                     env=env, capture_output=True, check=True)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(run, images))
    return time.perf_counter() - started


def _bare_text(pdfs: list[Path]) -> tuple[int, float]:
    started, pages = time.perf_counter(), 0
    for pdf in pdfs:
        with pymupdf.open(pdf) as doc:
            for page in doc:
                page.get_text()
                pages += 1
    return pages, time.perf_counter() - started


def _folder(work: Path, name: str, files: list[Path]) -> Path:
    folder = work / name
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    (folder / "manifest.csv").write_text(
        "file,languages\n" + "".join(f"{f.name},vi\n" for f in files), encoding="utf-8")
    return folder


def measure_ingest() -> dict:
    """Every ingest figure with its reference and ratio (none when ../shared/eval is absent)."""
    if not EVAL.is_dir():
        print("../shared/eval not found: skipped")
        return {}
    work = Path(tempfile.mkdtemp(prefix="ttdn-ingest-bench-"))
    try:
        scans = [EVAL / "corpus" / "scans" / name for name in SCANS]
        images = _render_pages(scans, work)
        bare_s = _bare_tesseract(images, "vie")
        summary, ocr_s, ocr_peak = _ingest(_folder(work, "scans", scans), work / "home-scans")
        docs = sorted((EVAL / "corpus" / "documents").glob("*.pdf"))
        bare_pages, bare_text_s = _bare_text(docs)
        docs_folder = _folder(work, "docs", docs)
        first, first_s, docs_peak = _ingest(docs_folder, work / "home-docs")
        # A run of ~0.1 s moves with the machine's other work: the median of three.
        again_s = statistics.median(_ingest(docs_folder, work / "home-docs")[1]
                                    for _ in range(3))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ocr_rate, bare_rate = summary["ocr_pages"] / ocr_s, len(images) / bare_s
    text_rate, bare_text_rate = first["pages"] / first_s, bare_pages / bare_text_s
    return {
        "ocr_pages_per_s": {"value": round(ocr_rate, 3), "reference": round(bare_rate, 3),
                            "ratio": round(ocr_rate / bare_rate, 2), "pages": len(images),
                            "reference_is": "bare tesseract, one process per core"},
        "born_digital_pages_per_s": {"value": round(text_rate, 1),
                                     "reference": round(bare_text_rate, 1),
                                     "ratio": round(text_rate / bare_text_rate, 3),
                                     "pages": first["pages"],
                                     "reference_is": "PyMuPDF get_text alone"},
        "reingest_unchanged_s": {"value": round(again_s, 2), "reference": round(first_s, 2),
                                 "ratio": round(again_s / first_s, 3),
                                 "reference_is": "first ingest of the same folder"},
        "ingest_peak_rss_mib": {"value": max(ocr_peak, docs_peak), "reference": None,
                                "ratio": None, "reference_is": "process + OCR workers, max"},
    }


if __name__ == "__main__":
    for name, row in measure_ingest().items():
        print(f"{name:26} {row['value']!s:>10} vs {row['reference']!s:>10} "
              f"ratio {row['ratio']!s:>6}  ({row['reference_is']})")
