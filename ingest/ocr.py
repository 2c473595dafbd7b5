"""OCR of pages still to read: load the page image in the worker, clean it, run Tesseract.

`run_ocr_job` is what each process of the pool runs: it opens the file itself (pages are never
pickled between processes, only the small `OcrJob`) and returns a `PageText`. `ocr_jobs` runs a
batch on all cores and hands back each page's text or the error that page raised.
"""
from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

import pymupdf
from PIL import Image, UnidentifiedImageError

from archive.errors import CorruptFile
from ingest.extraction import OcrJob, PageText
from ingest.preprocess import prepare_for_ocr
from ingest.tools.tesseract import ocr_image

__all__ = ["run_ocr_job", "ocr_jobs", "load_page_image"]

log = logging.getLogger(__name__)

_TRUSTED_DPI = (100, 1200)  # cameras and screenshots claim 72 dpi at any size: ignore such claims
_FULL_PAGE = 0.9  # an image covering this share of a PDF page is the scan of that page


def run_ocr_job(job: OcrJob, timeout: float = 180.0) -> PageText:
    """Read one page or frame with Tesseract after cleaning it; return its text as a PageText."""
    image, dpi = load_page_image(job)
    prepared = prepare_for_ocr(image, dpi=dpi)
    result = ocr_image(prepared, lang=job.lang, psm=job.psm, timeout=timeout)
    return PageText(n=job.n, text=result.text, origin="ocr", confidence=result.confidence,
                    language=None)


def ocr_jobs(jobs: list[OcrJob], *, workers: int,
             timeout: float) -> Iterator[tuple[OcrJob, PageText | Exception]]:
    """Run `jobs` on `workers` processes; yield each with its PageText or the error it raised."""
    if not jobs:
        return
    pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))))
    try:
        futures = {pool.submit(run_ocr_job, job, timeout): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result: PageText | Exception = future.result()
            except Exception as e:  # noqa: BLE001 - each page's failure is reported, not raised
                log.warning("OCR of %s page %d failed: %s", job.path, job.n, e)
                result = e
            yield job, result
    finally:
        # A caller that stops early does not wait for the pages it will never read.
        pool.shutdown(wait=True, cancel_futures=True)


def load_page_image(job: OcrJob) -> tuple[Image.Image, int | None]:
    """The page's image and its resolution in dpi (None when the file does not say)."""
    if not os.path.isfile(job.path):
        raise FileNotFoundError(f"no such file to OCR: {job.path}")
    if job.source == "pdf":
        return _render_pdf_page(job.path, job.n - 1, job.dpi)
    if job.source == "image":
        return _image_frame(job.path, job.n - 1)
    raise ValueError(f"unknown OCR source {job.source!r} (expected 'pdf' or 'image')")


def _render_pdf_page(path: str, index: int, dpi: int) -> tuple[Image.Image, int]:
    """Render in colour (the seal is found by its colour) at `dpi`, or the scan's own if lower."""
    try:
        with pymupdf.open(path) as doc:
            page = doc[index]
            # Rendering a 200-dpi scan at 300 dpi only interpolates; preprocessing upscales once,
            # together with the deskew rotation, instead of resampling twice.
            dpi = min(dpi, _scan_dpi(page) or dpi)
            pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
    except (RuntimeError, IndexError, ValueError) as e:
        raise CorruptFile(f"cannot render page {index + 1} of {path}: {e}") from e
    return Image.frombytes("RGB", (pix.width, pix.height), pix.samples), dpi


def _scan_dpi(page: pymupdf.Page) -> int | None:
    """The resolution of the image that fills the page, if the page is one scanned image."""
    area = abs(page.rect)
    for info in page.get_image_info():
        box = pymupdf.Rect(info["bbox"])
        if area and abs(box) >= _FULL_PAGE * area and box.width > 0:
            return round(info["width"] / (box.width / 72))
    return None


def _image_frame(path: str, index: int) -> tuple[Image.Image, int | None]:
    """Frame `index` of an image file (a multi-page TIFF has several) and its own dpi."""
    try:
        with warnings.catch_warnings(), Image.open(path) as image:
            # The extractor already held the image to the archive's own pixel limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.seek(index)
            frame = image.copy()  # loads the pixels before the file closes
            dpi = image.info.get("dpi")
    except (OSError, EOFError, UnidentifiedImageError, Image.DecompressionBombError) as e:
        raise CorruptFile(f"cannot read image frame {index + 1} of {path}: {e}") from e
    dpi = round(float(dpi[0])) if dpi else None
    return frame, dpi if dpi and _TRUSTED_DPI[0] <= dpi <= _TRUSTED_DPI[1] else None
