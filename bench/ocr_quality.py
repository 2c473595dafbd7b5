"""OCR quality: character error rate of bare Tesseract against our preprocessing, and speed.

Run: .venv/bin/python bench/ocr_quality.py [--psm 3] [--lang vie+eng] [--workers 1]

"bare" renders each page as the pipeline does (PDF at 300 dpi, image frames as they are) and
hands it to Tesseract untouched; "prepared" is the pipeline's own `run_ocr_job` (load, clean,
OCR). CER is over the whole document (all pages joined) against its truth text; seconds are per
page, one single-threaded Tesseract, preprocessing included.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.extraction import OcrJob  # noqa: E402
from ingest.ocr import load_page_image, run_ocr_job  # noqa: E402
from ingest.tools.tesseract import ocr_image  # noqa: E402
from tests.cer import cer  # noqa: E402

__all__ = ["main"]

log = logging.getLogger(__name__)

EVAL = ROOT.parent / "shared" / "eval"
CASES = (  # (name, file, source, pages, truth)
    ("poor scan (200 dpi)", "hard/kh-51-ubnd-2017-lang-son-poor-scan.pdf", "pdf", 8,
     "kh-51-ubnd-2017-lang-son"),
    ("clean plan scan (300 dpi)", "corpus/scans/kh-51-ubnd-2017-lang-son.pdf", "pdf", 8,
     "kh-51-ubnd-2017-lang-son"),
    ("eurotext.tif", "corpus/scans/eurotext.tif", "image", 1, "eurotext"),
    ("phototest.tif", "corpus/scans/phototest.tif", "image", 1, "phototest"),
)


def _bare(job: OcrJob) -> str:
    # The pipeline's renderer picks the scan's own dpi; bare Tesseract gets the 300-dpi render.
    if job.source == "pdf":
        import pymupdf
        from PIL import Image
        with pymupdf.open(job.path) as doc:
            pix = doc[job.n - 1].get_pixmap(dpi=job.dpi, colorspace=pymupdf.csGRAY)
        image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    else:
        image, _ = load_page_image(job)
    return ocr_image(image, lang=job.lang, psm=job.psm, timeout=600).text


def _prepared(job: OcrJob) -> str:
    return run_ocr_job(job, timeout=600).text


def _measure(jobs: list[OcrJob], read: Callable[[OcrJob], str], truth: str) -> tuple[float, float]:
    start = time.perf_counter()
    text = "\n".join(read(job) for job in jobs)
    return cer(truth, text), (time.perf_counter() - start) / len(jobs)


def _made_pages(only: str | None) -> None:
    """The pages made in code (tests/ocr_pages.py), queued as the image extractor queues them."""
    import tempfile

    from ingest.extractors.image import ImageExtractor
    from tests.ocr_pages import LEAFLETS, write_leaflet, write_phone_photo

    with tempfile.TemporaryDirectory(prefix="ttdn-ocr-quality-") as tmp:
        cases = [("phone photo", Path(tmp, "photo.jpg"), "vie+eng", write_phone_photo)]
        cases += [(f"leaflet {lf.name}", Path(tmp, f"{lf.name}.png"), lf.lang,
                   lambda path, lf=lf: write_leaflet(path, lf)) for lf in LEAFLETS]
        for name, path, lang, write in cases:
            if only and only not in name:
                continue
            truth = write(path)
            jobs = ImageExtractor().extract(path, lang=lang).ocr_jobs
            bare, bare_s = _measure(jobs, lambda job: _bare(replace(job, psm=3)), truth)
            ours, ours_s = _measure(jobs, _prepared, truth)
            print(f"{name:<28}{100 * bare:>8.2f} ({bare_s:4.1f}s){100 * ours:>8.2f} "
                  f"({ours_s:4.1f}s)", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Print CER and seconds per page, bare Tesseract against the pipeline, for each eval scan."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--psm", type=int, default=3)
    parser.add_argument("--lang", default="vie+eng")
    parser.add_argument("--only", help="run only cases whose name contains this")
    args = parser.parse_args(argv)
    print(f"lang={args.lang} psm={args.psm}; CER % (s/page)")
    print(f"{'image':<28}{'bare':>16}{'prepared':>16}")
    _made_pages(args.only)
    if not EVAL.is_dir():
        print("../shared/eval not found: skipped")
        return 0
    for name, rel, source, pages, truth_name in CASES:
        if args.only and args.only not in name:
            continue
        truth = (EVAL / "truth" / f"{truth_name}.gt.txt").read_text(encoding="utf-8")
        lang = "eng" if source == "image" else args.lang  # Tesseract's own English samples
        jobs = [OcrJob(str(EVAL / rel), n, source, lang=lang, psm=args.psm)
                for n in range(1, pages + 1)]
        bare, bare_s = _measure(jobs, _bare, truth)
        ours, ours_s = _measure(jobs, _prepared, truth)
        print(f"{name:<28}{100 * bare:>8.2f} ({bare_s:4.1f}s){100 * ours:>8.2f} ({ours_s:4.1f}s)",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
