"""Small-batch figures, each beside its reference measured in the same run (a shared machine).

- OCR through `ttdn ingest` of 10 scanned pages (5 two-page image-only PDFs, a cron run's size)
  vs bare `tesseract` on the same page images, one single-threaded process per core.
- Born-digital ingest (the evaluation's documents, else corpus/'s) vs PyMuPDF's bare `get_text`
  of the same pages in this process, before and after the ingest.
- Re-ingest of an unchanged folder (born-digital documents) vs its first ingest, through `ttdn`
  and through the pipeline alone (`python -c` calling `run_ingest`: what `ttdn ingest` costs
  once the CLI imports only the command it runs), each as its own process.

Every figure is given twice: wall-clock seconds, and CPU seconds (user + system of the processes,
workers and Tesseract included), which a loaded shared machine disturbs far less. Each round
measures a figure and its reference back to back (bare Tesseract before and after the ingest,
averaged); the median ratio over the rounds is printed. `--compare-with DIR` runs each round a
second time with another checkout's code first on PYTHONPATH (e.g. an unpacked
`git archive HEAD`), interleaved, so both versions meet the same load.

    .venv/bin/python bench/small_batch_bench.py [--rounds 3] [--only ocr|born-digital|reingest]
        [--compare-with /tmp/before]
"""
from __future__ import annotations

import argparse
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.ingest_bench import EVAL, REPO, TTDN, _folder, _render_pages  # noqa: E402

__all__ = ["small_batch_scans", "measure_small_batch", "measure_born_digital", "measure_reingest"]

_SHARED_SCANS = ("06-2026-tt-bkhcn.pdf", "14-2026-tt-bnv.pdf", "199-2026-nd-cp.pdf",
                 "200-2026-nd-cp.pdf", "46-2026-tt-bgddt.pdf")
_PIPELINE = ("import sys; from pathlib import Path; from archive.settings import load_settings;"
             " from ingest.pipeline import run_ingest;"
             " run_ingest([Path(sys.argv[2])], load_settings(sys.argv[1]))")


class _Clock:
    """Wall and CPU seconds (children's user + system) of what runs inside the block."""

    def __enter__(self) -> "_Clock":
        self._cpu, self._wall = self._children(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = self._children() - self._cpu

    @staticmethod
    def _children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime


def _ttdn_ingest(folder: Path, home: Path) -> tuple[dict, _Clock]:
    with _Clock() as clock:
        proc = subprocess.run([TTDN, "--home", str(home), "ingest", str(folder), "--json"],
                              capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr)
    return json.loads(proc.stdout), clock


def _pipeline_ingest(folder: Path, home: Path) -> _Clock:
    with _Clock() as clock:
        subprocess.run([sys.executable, "-c", _PIPELINE, str(home), str(folder)], check=True,
                       capture_output=True)
    return clock


def _bare_tesseract(images: list[Path], lang: str) -> _Clock:
    """Bare tesseract over the images, one OMP_THREAD_LIMIT=1 process per core."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    run = lambda img: subprocess.run(["tesseract", str(img), "-", "-l", lang, "--psm", "3"],  # noqa: E731
                                     env=env, capture_output=True, check=True)
    with _Clock() as clock, ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(run, images))
    return clock


def small_batch_scans(out: Path) -> list[Path]:
    """Five two-page image-only PDFs: ../shared/eval's, else cut from corpus/'s 8-page scan."""
    out.mkdir(parents=True, exist_ok=True)
    shared = [EVAL / "corpus" / "scans" / name for name in _SHARED_SCANS]
    if all(p.is_file() for p in shared):
        return [Path(shutil.copy(p, out / p.name)) for p in shared]
    print("../shared/eval not found: 4 two-page scans cut from corpus/scans instead")
    made = []
    with pymupdf.open(REPO / "corpus" / "scans" / "kh-51-ubnd-2017-lang-son.pdf") as plan:
        for first in range(0, plan.page_count - 1, 2):
            target = out / f"plan-{first + 1}-{first + 2}.pdf"
            with pymupdf.open() as doc:
                doc.insert_pdf(plan, from_page=first, to_page=first + 1)
                doc.save(target)
            made.append(target)
    return made


def measure_small_batch(work: Path) -> dict[str, float]:
    """Ingest vs bare Tesseract (mean of before and after) on the small batch: wall, CPU."""
    scans = small_batch_scans(work / "scans-src")
    images = _render_pages(scans, work / "scans-src")
    before = _bare_tesseract(images, "vie")
    summary, ingest = _ttdn_ingest(_folder(work, "scans", scans), work / "home-scans")
    after = _bare_tesseract(images, "vie")
    bare_wall, bare_cpu = (before.wall + after.wall) / 2, (before.cpu + after.cpu) / 2
    print(f"  OCR {summary['ocr_pages']} pages: ingest {ingest.wall:.2f} s ({ingest.cpu:.2f} s "
          f"CPU), bare tesseract {bare_wall:.2f} s ({bare_cpu:.2f} s CPU)", flush=True)
    # pages/s through ingest over bare pages/s, the same pages: the inverse ratio of seconds
    return {"ocr_wall": bare_wall / ingest.wall, "ocr_cpu": bare_cpu / ingest.cpu}


def _bare_text(pdfs: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds of PyMuPDF's get_text over every page, in this process."""
    cpu, wall = time.process_time(), time.perf_counter()
    for pdf in pdfs:
        with pymupdf.open(pdf) as doc:
            for page in doc:
                page.get_text()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure_born_digital(work: Path) -> dict[str, float]:
    """Born-digital ingest vs bare get_text (mean of before and after): wall, CPU."""
    docs = sorted((EVAL / "corpus" / "documents").glob("*.pdf"))
    if not docs:
        docs = sorted((REPO / "corpus" / "documents").glob("*.pdf"))
    folder = _folder(work, "born-digital", docs)
    before = _bare_text(docs)
    summary, ingest = _ttdn_ingest(folder, work / "home-born-digital")
    after = _bare_text(docs)
    bare_wall, bare_cpu = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
    print(f"  born-digital {summary['pages']} pages: ingest {ingest.wall:.2f} s ({ingest.cpu:.2f}"
          f" s CPU), bare get_text {bare_wall:.2f} s ({bare_cpu:.2f} s CPU)", flush=True)
    return {"born_digital_wall": bare_wall / ingest.wall, "born_digital_cpu": bare_cpu / ingest.cpu}


def measure_reingest(work: Path) -> dict[str, float]:
    """Re-ingest of the unchanged born-digital documents over their first ingest: ttdn, pipeline."""
    docs = sorted((EVAL / "corpus" / "documents").glob("*.pdf"))
    if not docs:
        docs = sorted((REPO / "corpus" / "documents").glob("*.pdf"))
    folder = _folder(work, "docs", docs)
    _, first = _ttdn_ingest(folder, work / "home-docs")
    again_summary, again = _ttdn_ingest(folder, work / "home-docs")
    first_p = _pipeline_ingest(folder, work / "home-docs-pipeline")
    again_p = _pipeline_ingest(folder, work / "home-docs-pipeline")
    print(f"  re-ingest ({again_summary.get('skipped', 0)} of {len(docs)} skipped): ttdn "
          f"{again.wall:.2f} s ({again.cpu:.2f} CPU) vs first {first.wall:.2f} s ({first.cpu:.2f}"
          f" CPU); pipeline alone {again_p.wall:.2f} s ({again_p.cpu:.2f} CPU) vs "
          f"{first_p.wall:.2f} s ({first_p.cpu:.2f} CPU)", flush=True)
    return {"reingest_wall": again.wall / first.wall, "reingest_cpu": again.cpu / first.cpu,
            "reingest_pipeline_wall": again_p.wall / first_p.wall,
            "reingest_pipeline_cpu": again_p.cpu / first_p.cpu}


def _one_round(work: Path, only: str | None, code: Path | None) -> dict[str, float]:
    """One round of the figures, with `code` first on PYTHONPATH when given."""
    saved = os.environ.get("PYTHONPATH")
    if code is not None:
        os.environ["PYTHONPATH"] = str(code)
    try:
        work.mkdir(parents=True)
        ratios = {}
        if only in (None, "ocr"):
            ratios |= measure_small_batch(work)
        if only in (None, "born-digital"):
            ratios |= measure_born_digital(work)
        if only in (None, "reingest"):
            ratios |= measure_reingest(work)
        return ratios
    finally:
        shutil.rmtree(work, ignore_errors=True)
        os.environ.pop("PYTHONPATH", None)
        if saved is not None:
            os.environ["PYTHONPATH"] = saved


def main() -> None:
    """Print the figures per round, then the median of each ratio (per code version compared)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("ocr", "born-digital", "reingest"), default=None)
    parser.add_argument("--compare-with", type=Path, default=None,
                        help="another checkout to measure in the same rounds (PYTHONPATH)")
    args = parser.parse_args()
    versions = {"this": None} | ({"other": args.compare_with} if args.compare_with else {})
    results: dict[str, list[dict[str, float]]] = {label: [] for label in versions}
    work = Path(tempfile.mkdtemp(prefix="ttdn-small-bench-"))
    try:
        for n in range(args.rounds):
            for label, code in versions.items():
                print(f"round {n}, {label} ({code or REPO}):", flush=True)
                results[label].append(_one_round(work / f"{label}-{n}", args.only, code))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for label, rounds in results.items():
        medians = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        print(f"[{label}] medians of {len(rounds)} rounds: "
              + ", ".join(f"{key} {value:.3f}" for key, value in medians.items()))


if __name__ == "__main__":
    main()
