"""The OCR worker pool of one ingest run: started once, early, with its workers warmed."""
from __future__ import annotations

import logging
from concurrent.futures import ProcessPoolExecutor

from archive.errors import ArchiveError

__all__ = ["start_ocr_pool"]

log = logging.getLogger(__name__)


def start_ocr_pool(workers: int, lang: str) -> ProcessPoolExecutor:
    """A pool of `workers` OCR processes, all started now, each with the OCR code loaded.

    Started before the first file is read, the workers are ready when its first page is queued;
    a cron run of a few pages pays their start once, while extraction goes on, not per page.
    """
    # Loaded before the fork, the OCR code (PyMuPDF, Pillow, preprocessing) and Tesseract's
    # cached language list are the workers' too (with fork): each would otherwise load its own.
    # The item builder too: a worker that extracts a born-digital file also reads its header.
    from . import item_builder, ocr, registry  # noqa: F401
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker, initargs=(lang,))
    for _ in range(workers):  # start every worker now, whatever the start method
        pool.submit(_ready)
    return pool


def _warm_worker(lang: str) -> None:
    """Worker start: load the OCR code and Tesseract's language list (already there with fork)."""
    from . import ocr  # noqa: F401
    from .tools.tesseract import check_tesseract
    try:
        check_tesseract(lang)  # cached per process: pages skip `tesseract --list-langs`
    except ArchiveError as err:  # the run checked already; a page reports it again if it holds
        log.warning("OCR worker: %s", err)


def _ready() -> None:
    """A no-op job: one per worker starts them all at once."""
