"""The one renderer of PDF pages: thumbnails, OCR, the web's page images and the catalogue.

It owns the two things every page image needs: the pixel bound (TTDN_MAX_PAGE_PIXELS), so a
522-byte PDF with a 200-inch page cannot ask for 2 GB, and the lock that keeps MuPDF, which is
not thread-safe, to one render at a time per process (the web serves from threads). It sits in
`archive/` because ingest, exhibits and web all render and imports point down only.
"""
from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pymupdf
from PIL import Image

from archive.errors import CorruptFile
from archive.settings import load_settings

__all__ = ["MIN_OCR_DPI", "mupdf_lock", "fit_dpi", "check_renderable", "render_page",
           "render_file_page", "is_blank"]

log = logging.getLogger(__name__)

MIN_OCR_DPI = 72  # below this Tesseract reads nothing: a page that needs less to fit is refused
_LOCK = threading.RLock()  # re-entrant: a caller holding it (open + render) may render inside
_MUPDF_ERRORS = (pymupdf.mupdf.FzErrorBase, RuntimeError, ValueError, IndexError)


@contextmanager
def mupdf_lock() -> Iterator[None]:
    """Hold MuPDF for this thread (open documents under it when other threads may render)."""
    with _LOCK:
        yield


def _pixels(area: pymupdf.Rect, dpi: float) -> int:
    # The pixmap MuPDF makes: its box scaled and rounded outwards (fz_round_rect's 0.001 slack).
    zoom = dpi / 72
    width = math.ceil(area.x1 * zoom - 0.001) - math.floor(area.x0 * zoom + 0.001)
    height = math.ceil(area.y1 * zoom - 0.001) - math.floor(area.y0 * zoom + 0.001)
    return max(width, 1) * max(height, 1)


def fit_dpi(area: pymupdf.Rect, dpi: float, max_pixels: int) -> float:
    """`dpi`, lowered as needed so that `area` rendered at it stays within `max_pixels`."""
    square_inches = (area.width / 72) * (area.height / 72)
    if square_inches <= 0:
        return dpi
    fitted = min(dpi, math.sqrt(max_pixels / square_inches))
    while fitted > 0 and _pixels(area, fitted) > max_pixels:
        fitted *= 0.99
    return fitted


def check_renderable(area: pymupdf.Rect, max_pixels: int, *, min_dpi: float = MIN_OCR_DPI,
                     page: int | None = None) -> None:
    """Refuse with CorruptFile a page that does not fit `max_pixels` even at `min_dpi`."""
    needed = _pixels(area, min_dpi)
    if needed <= max_pixels:
        return
    which = f"page {page} is" if page else "page is"
    raise CorruptFile(
        f"{which} {area.width / 72:.0f} × {area.height / 72:.0f} in; rendering it at "
        f"{min_dpi:g} dpi would take {needed / 1e6:.0f} Mpx, more than "
        f"TTDN_MAX_PAGE_PIXELS={max_pixels}: ask for a smaller copy, or raise the limit")


def render_page(page: pymupdf.Page, *, dpi: float, max_pixels: int | None = None,
                clip: pymupdf.Rect | None = None, min_dpi: float | None = None) -> Image.Image:
    """`page` (or its `clip`) as an RGB image at `dpi`, lowered to fit the pixel bound.

    With `min_dpi` (OCR) a page that would need less than that to fit is refused instead.
    """
    max_pixels = max_pixels or load_settings().max_page_pixels
    area = clip if clip is not None else page.rect
    if min_dpi:
        check_renderable(area, max_pixels, min_dpi=min_dpi, page=page.number + 1)
    zoom = fit_dpi(area, dpi, max_pixels) / 72
    with _LOCK:
        try:
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip,
                                  colorspace=pymupdf.csRGB, alpha=False)
        except pymupdf.mupdf.FzErrorLimit as e:
            raise CorruptFile(f"page {page.number + 1} is over MuPDF's own size limit ({e})") from e
        except _MUPDF_ERRORS as e:
            raise CorruptFile(f"page {page.number + 1} could not be rendered ({e})") from e
        return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)


def render_file_page(path: str | Path, n: int, *, dpi: float, max_pixels: int | None = None,
                     longest: int | None = None, min_dpi: float | None = None
                     ) -> Image.Image | None:
    """Page `n` (1-based) of the PDF at `path`, as `render_page` makes it; None without page n.

    `longest` lowers the resolution so the image's long side is at most that many pixels.
    """
    with _LOCK:
        try:
            doc = pymupdf.open(path, filetype="pdf")
        except _MUPDF_ERRORS as e:
            raise CorruptFile(f"cannot open {Path(path).name} to render it ({e})") from e
        with doc:
            if not 1 <= n <= doc.page_count:
                return None
            page = doc[n - 1]
            if longest:
                dpi = min(dpi, longest * 72 / max(page.rect.width, page.rect.height, 1.0))
            return render_page(page, dpi=dpi, max_pixels=max_pixels, min_dpi=min_dpi)


def is_blank(page: pymupdf.Page) -> bool:
    """True when the page draws nothing at all: no text, image, path or shading to read."""
    with _LOCK:
        try:
            return not page.get_bboxlog()
        except _MUPDF_ERRORS as e:
            log.debug("page %d: drawing list unreadable (%s); treated as not blank",
                      page.number + 1, e)
            return False
