"""Tiled pyramids of page images, and the regions the IIIF Image API asks of them.

One pyramidal TIFF (256-pixel JPEG tiles, each level half the one before) per page, under
derivatives/pyramids/<sha256[:2]>/<sha256>/<page>.tif. Keyed by the original's hash, it never
goes stale and can be deleted at any time: `build_pyramid` makes it again from the original.
Images are tiled at full resolution by libvips (streaming); PDF pages are rendered through
archive.render (its pixel bound and MuPDF lock) at 300 dpi first.
"""
from __future__ import annotations

import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyvips

from archive.errors import CorruptFile
from archive.imaging import flatten_srgb, open_page, page_count, time_limit
from archive.models import FileRecord
from archive.render import render_file_page
from archive.settings import Settings
from archive.store import ObjectStore

__all__ = ["TILE", "Pyramid", "pyramid_path", "has_pages", "open_pyramid", "build_pyramid",
           "ensure_pyramid", "render_region", "PDF_DPI", "page_size",
           "build_image_pyramids", "check_pyramids"]

log = logging.getLogger(__name__)

TILE = 256  # pixels: what OpenSeadragon and Mirador ask for by default
PDF_DPI = 300  # a PDF page is tiled as a 300-dpi scan of it would be
_QUALITY = 85  # JPEG quality of stored tiles (answers are encoded again at _ANSWER_QUALITY)
_ANSWER_QUALITY = 85
_MIMES = ("image/jpeg", "image/png", "image/tiff", "image/gif", "image/webp", "application/pdf")
_LOCKS: dict[Path, threading.Lock] = {}  # one build per pyramid at a time in this process
_LOCKS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Pyramid:
    """A built pyramid: its file and the size of each level, level 0 being full resolution."""

    path: Path
    levels: tuple[tuple[int, int], ...]

    @property
    def width(self) -> int:
        """Full-resolution width in pixels."""
        return self.levels[0][0]

    @property
    def height(self) -> int:
        """Full-resolution height in pixels."""
        return self.levels[0][1]


def has_pages(original: FileRecord | None) -> bool:
    """Whether a pyramid can be made from this original (an image or a PDF)."""
    return original is not None and original.mime in _MIMES


def pyramid_path(settings: Settings, sha256: str, page: int) -> Path:
    """Where page `page` of the original `sha256` has its pyramid."""
    return settings.derivatives_dir / "pyramids" / sha256[:2] / sha256 / f"{page}.tif"


def open_pyramid(path: Path) -> Pyramid | None:
    """The pyramid at `path`, or None when it has not been built (or was deleted)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return _read_levels(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _read_levels(path: Path, _mtime: int, _size: int) -> Pyramid | None:
    try:
        first = pyvips.Image.new_from_file(str(path))
        count = first.get("n-pages") if first.get_typeof("n-pages") else 1
        levels = tuple((lvl.width, lvl.height) for lvl in
                       (pyvips.Image.new_from_file(str(path), page=k) for k in range(count)))
    except pyvips.Error as e:
        log.warning("pyramid %s unreadable (%s): it will be built again", path, e)
        return None
    return Pyramid(path, levels)


def ensure_pyramid(settings: Settings, original: FileRecord, page: int) -> Pyramid | None:
    """The pyramid of page `page`, built on first use; None when the original has no such page."""
    return open_pyramid(pyramid_path(settings, original.sha256, page)) or build_pyramid(
        settings, original, page)


def build_pyramid(settings: Settings, original: FileRecord, page: int, *,
                  force: bool = False) -> Pyramid | None:
    """Make the pyramid of page `page` from the original (again, with `force`)."""
    target = pyramid_path(settings, original.sha256, page)
    with _lock_for(target):
        if not force and (found := open_pyramid(target)) is not None:
            return found  # another thread built it while this one waited
        source = ObjectStore(settings.objects_dir).path_for(original.sha256)
        image = _page_image(settings, source, original.mime, page)
        if image is None:
            return None
        _write(image, target, settings)
        return open_pyramid(target)


def _page_image(settings: Settings, source: Path, mime: str, page: int) -> pyvips.Image | None:
    if mime == "application/pdf":
        rendered = render_file_page(source, page, dpi=PDF_DPI,
                                    max_pixels=settings.max_page_pixels)
        if rendered is None:
            return None
        return pyvips.Image.new_from_memory(rendered.tobytes(), rendered.width, rendered.height,
                                            3, "uchar")
    if not 1 <= page <= page_count(source):
        return None
    return flatten_srgb(open_page(source, page, settings))


def _write(image: pyvips.Image, target: Path, settings: Settings) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    try:
        with time_limit(image, settings.max_file_seconds, "tiling the image") as job:
            job.tiffsave(tmp, tile=True, pyramid=True, compression="jpeg", Q=_QUALITY,
                         tile_width=TILE, tile_height=TILE, strip=True)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from a portal run as another user
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _lock_for(target: Path) -> threading.Lock:
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(target, threading.Lock())


def render_region(pyramid: Pyramid, region: tuple[int, int, int, int], size: tuple[int, int],
                  *, rotation: int = 0, mirror: bool = False, quality: str = "default",
                  fmt: str = "jpg") -> bytes:
    """The full-resolution `region` (x, y, w, h) scaled to `size` (w, h), encoded as `fmt`.

    Read from the smallest level that still holds the asked resolution, so a zoomed-out view
    of a 560 Mpx map reads a few tiles, not the sheet. Mirroring comes before rotation (IIIF).
    """
    try:
        part = _scaled(pyramid, region, size)
        if mirror:
            part = part.fliphor()
        if rotation:
            part = part.rot(f"d{rotation}")
        if quality in ("gray", "bitonal") and part.bands > 1:
            part = part.colourspace("b-w")
        if quality == "bitonal":
            part = (part > 127).ifthenelse(255, 0).cast("uchar")
        if fmt == "png":
            return part.write_to_buffer(".png", compression=6, strip=True)
        return part.write_to_buffer(".jpg", Q=_ANSWER_QUALITY, strip=True)
    except pyvips.Error as e:
        raise CorruptFile(f"pyramid {pyramid.path.name} could not be read ({e})") from e


def _scaled(pyramid: Pyramid, region: tuple[int, int, int, int],
            size: tuple[int, int]) -> pyvips.Image:
    x, y, w, h = region
    out_w, out_h = size
    k = _level_for(pyramid, w, h, out_w, out_h)
    level_w, level_h = pyramid.levels[k]
    sx, sy = level_w / pyramid.width, level_h / pyramid.height
    left, top = min(int(x * sx), level_w - 1), min(int(y * sy), level_h - 1)
    right = min(max(round((x + w) * sx), left + 1), level_w)
    bottom = min(max(round((y + h) * sy), top + 1), level_h)
    image = pyvips.Image.new_from_file(str(pyramid.path), page=k)
    part = image.crop(left, top, right - left, bottom - top)
    if (part.width, part.height) != (out_w, out_h):
        part = part.resize(out_w / part.width, vscale=out_h / part.height)
        part = _exactly(part, out_w, out_h)
    return part


def _level_for(pyramid: Pyramid, w: int, h: int, out_w: int, out_h: int) -> int:
    chosen = 0
    for k, (level_w, level_h) in enumerate(pyramid.levels):
        if w * level_w / pyramid.width >= out_w and h * level_h / pyramid.height >= out_h:
            chosen = k
    return chosen


def _exactly(image: pyvips.Image, width: int, height: int) -> pyvips.Image:
    # resize() may round a side to one pixel more or less than asked; IIIF wants the exact size.
    if image.width >= width and image.height >= height:
        return image.crop(0, 0, width, height)
    return image.embed(0, 0, width, height, extend="copy")


def page_size(settings: Settings, original: FileRecord, page: int) -> tuple[int, int] | None:
    """Width and height the pyramid of page `page` has (or will have), without building it."""
    built = open_pyramid(pyramid_path(settings, original.sha256, page))
    if built is not None:
        return built.width, built.height
    source = ObjectStore(settings.objects_dir).path_for(original.sha256)
    try:
        if original.mime == "application/pdf":
            return _pdf_page_size(source, page, settings.max_page_pixels)
        if not 1 <= page <= page_count(source):
            return None
        image = flatten_srgb(open_page(source, page, settings))
    except CorruptFile as e:
        log.warning("page %d of %s has no size: %s", page, original.sha256[:12], e)
        return None
    return image.width, image.height


def _pdf_page_size(source: Path, page: int, max_pixels: int) -> tuple[int, int] | None:
    import math

    import pymupdf

    from archive.render import fit_dpi, mupdf_lock
    with mupdf_lock(), pymupdf.open(source, filetype="pdf") as doc:
        if not 1 <= page <= doc.page_count:
            return None
        rect = doc[page - 1].rect
    zoom = fit_dpi(rect, PDF_DPI, max_pixels) / 72
    # The pixmap MuPDF renders: the page box scaled and rounded outwards (as archive.render).
    width = math.ceil(rect.x1 * zoom - 0.001) - math.floor(rect.x0 * zoom + 0.001)
    height = math.ceil(rect.y1 * zoom - 0.001) - math.floor(rect.y0 * zoom + 0.001)
    return max(width, 1), max(height, 1)


def build_image_pyramids(settings: Settings, sha256: str, mime: str, pages: int, *,
                         scanned: bool = False) -> int:
    """Build the missing pyramids of an image original's pages (ingest's last step); count them.

    PDFs are left to their first request (most of their pages are text), but for a scanned PDF
    its first page is built now: ~0.9 s, against the 1.5 s per page its OCR took, spares the
    first visitor of the viewer that wait. A page that cannot be tiled is logged and left: the
    item stays archived and `ttdn verify` names it.
    """
    if mime == "application/pdf" and scanned:
        pages = min(pages, 1)
    elif not mime.startswith("image/"):
        return 0
    original = FileRecord(sha256, mime, 0, "original")
    built = 0
    for n in range(1, max(1, pages) + 1):
        if open_pyramid(pyramid_path(settings, sha256, n)) is not None:
            continue
        try:
            built += build_pyramid(settings, original, n) is not None
        except (CorruptFile, OSError) as e:  # a full disk too: the first request builds it
            log.warning("page %d of %s not tiled: %s", n, sha256[:12], e)
    return built


def check_pyramids(settings: Settings, catalog) -> list[str]:
    """Problems with image items' pyramids: each must exist, or its original must be readable."""
    problems = []
    store = ObjectStore(settings.objects_dir)
    for item_id in catalog.item_ids():
        original = next((f for f in catalog.files(item_id) if f.role == "original"), None)
        if original is None or not original.mime.startswith("image/"):
            continue
        for n in range(1, max(1, len(catalog.pages(item_id))) + 1):
            if open_pyramid(pyramid_path(settings, original.sha256, n)) is not None:
                continue
            try:
                open_page(store.path_for(original.sha256), n, settings)
            except (CorruptFile, OSError) as e:
                problems.append(f"item {item_id}: page {n} has no image pyramid and cannot be "
                                f"tiled again from its original ({e})")
    return problems
