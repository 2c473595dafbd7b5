"""OCR of pages still to read: load the page image in the worker, clean it, run Tesseract.

`run_ocr_job` is what each process of the pool runs: it opens the file itself (pages are never
pickled between processes, only the small `OcrJob`) and returns a `PageText`. `ocr_jobs` runs a
batch on all cores and hands back each page's text or the error that page raised.

A page is read once, cleaned (`read_page`); only a measured doubt (ink left unread, low
confidence) or a photographed page earns a second reading, and the better one is kept. A map
sheet queued as sparse text is read tile by tile (`ingest.map_ocr`).
"""
from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

import pymupdf
from PIL import Image, UnidentifiedImageError

from archive.errors import CorruptFile
from archive.render import MIN_OCR_DPI, fit_dpi, mupdf_lock, render_page
from archive.settings import load_settings
from ingest.extraction import OcrJob, PageText
from ingest.map_ocr import is_large_sheet, read_map
from ingest.photo import is_photographed
from ingest.preprocess import prepare_for_ocr
from ingest.segmentation import Reading, best_reading, ink_coverage, is_doubtful
from ingest.tools.tesseract import ocr_image

__all__ = ["run_ocr_job", "read_page", "ocr_jobs", "load_page_image"]

log = logging.getLogger(__name__)

_TRUSTED_DPI = (100, 1200)  # cameras and screenshots claim 72 dpi at any size: ignore such claims
_FULL_PAGE = 0.9  # an image covering this share of a PDF page is the scan of that page
_BLANK_SPREAD = 8  # grey levels: a page no darker than this anywhere holds no ink to read
_PSM_SPARSE = 11  # what psm_for gives maps: sparse text, read tile by tile on a large sheet
_RESEGMENT = {3: 4}  # a doubtful automatic layout is tried as one column (sparse maps are not)


def run_ocr_job(job: OcrJob, timeout: float = 180.0) -> PageText:
    """Read one page or frame with Tesseract after cleaning it; return its text as a PageText."""
    image, dpi = load_page_image(job)
    if _is_blank(image):
        # 600 blank pages cost 232 s in Tesseract and give nothing: skip the engine.
        return PageText(n=job.n, text="", origin="ocr", confidence=None, language=None)
    if is_large_sheet(image, sparse=job.psm == _PSM_SPARSE):
        return read_map(job, image, dpi=dpi, timeout=timeout)
    result = read_page(image, dpi=dpi, lang=job.lang, psm=job.psm, timeout=timeout).result
    return PageText(n=job.n, text=result.text, origin="ocr", confidence=result.confidence,
                    language=None)


def read_page(image: Image.Image, *, dpi: int | None, lang: str, psm: int,
              timeout: float) -> Reading:
    """The best reading of one page: cleaned first, read again other ways only when in doubt.

    A clean scan costs one Tesseract run plus a 0.1 s ink measure. A reading that leaves ink
    unread or that Tesseract doubts is read again with one-column segmentation (psm 4); a
    photographed page is always read both cleaned and as it is. The best is kept by
    `best_reading` (coverage of the ink, then Tesseract's own confidence), so preprocessing or
    a segmentation mode can never make a page worse than the other ways tried.
    """
    photo = is_photographed(image)
    started = time.monotonic()
    max_pixels = load_settings().max_page_pixels
    pages = {"prepared": prepare_for_ocr(image, dpi=dpi, max_pixels=max_pixels, photo=photo)}

    def attempt(way: str, mode: int) -> Reading:
        if way not in pages:
            pages[way] = image if image.mode == "L" else image.convert("L")
        left = max(timeout - (time.monotonic() - started), 1.0)  # the page's budget, not each run's
        result = ocr_image(pages[way], lang=lang, psm=mode, timeout=left)
        return Reading(f"{way} psm {mode}", result, ink_coverage(pages[way], result))

    readings = [attempt("prepared", psm)]
    if photo:
        readings.append(attempt("as taken", psm))
    best = best_reading(readings)
    if is_doubtful(best) and psm in _RESEGMENT:
        # Tesseract's automatic layout failed the page: one column of text lines often reads it.
        readings.append(attempt(best.how.split(" psm")[0], _RESEGMENT[psm]))
        if is_doubtful(best_reading(readings)) and not photo:
            readings.append(attempt("as taken", psm))
        best = best_reading(readings)
    if len(readings) > 1:
        log.debug("page read %d ways; kept %s (%.0f%% of ink, confidence %s)",
                  len(readings), best.how, 100 * best.coverage, best.result.confidence)
    return best


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


def _is_blank(image: Image.Image) -> bool:
    """True when every pixel is within a few grey levels of the others (nothing printed)."""
    low, high = image.convert("L").getextrema()
    return high - low <= _BLANK_SPREAD


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
        with mupdf_lock(), pymupdf.open(path) as doc:
            page = doc[index]
            # Rendering a 200-dpi scan at 300 dpi only interpolates; preprocessing upscales once,
            # together with the deskew rotation, instead of resampling twice.
            max_pixels = load_settings().max_page_pixels
            dpi = int(fit_dpi(page.rect, min(dpi, _scan_dpi(page) or dpi), max_pixels))
            image = render_page(page, dpi=dpi, max_pixels=max_pixels, min_dpi=MIN_OCR_DPI)
    except (RuntimeError, IndexError, ValueError, pymupdf.mupdf.FzErrorBase) as e:
        raise CorruptFile(f"cannot render page {index + 1} of {path}: {e}") from e
    return image, dpi


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
