"""Large images through libvips: bounded opening, time-limited streaming, thumbnails, renditions.

libvips decodes in small regions as the output asks for them, so a 560 Mpx map is read in a few
tens of megabytes where Pillow would hold 1.6 GB. Every image the archive decodes at scale comes
through here, held to three bounds, each named in its refusal so a clerk knows which to raise:
TTDN_MAX_PIXELS (a cap far above real scans), TTDN_MAX_PIXELS_PER_BYTE (a 40 KB file that claims
a gigapixel is a bomb, whatever its size) and a wall-time budget (TTDN_MAX_FILE_SECONDS).
It sits in `archive/` because ingest (thumbnails, OCR renditions) and web (tiles) both use it.
"""
from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyvips

from archive.errors import CorruptFile
from archive.settings import Settings

__all__ = ["check_bounds", "open_page", "page_count", "time_limit", "thumbnail_jpeg",
           "shrink_jpeg", "is_large", "write_ocr_rendition", "flatten_srgb"]

log = logging.getLogger(__name__)

# The loaders an archived image may reach: what ingest identifies as an image (not SVG, PDF...).
_LOADERS = ("jpegload", "pngload", "tiffload", "gifload", "webpload")
_WHITE = [255, 255, 255]
# libvips keeps recent operations for reuse; a web process serving tiles must not grow with them.
pyvips.cache_set_max_mem(64 * 1024 * 1024)
pyvips.cache_set_max_files(32)


def check_bounds(width: int, height: int, file_bytes: int, settings: Settings) -> None:
    """Refuse with CorruptFile an image over the pixel cap or too many pixels per stored byte.

    The ratio applies above TTDN_MAX_PAGE_PIXELS only: a small image cannot cost much whatever
    it claims, and real scans of maps (LZW, JPEG) carry 1 byte per 10–50 pixels.
    """
    pixels = width * height
    if pixels > settings.max_pixels:
        raise CorruptFile(
            f"image too large: {width}×{height} pixels ({pixels / 1e6:.0f} Mpx), more than "
            f"TTDN_MAX_PIXELS={settings.max_pixels}: likely a decompression bomb; if it is a "
            "real scan, raise the limit")
    ratio = pixels / max(file_bytes, 1)
    if pixels > settings.max_page_pixels and ratio > settings.max_pixels_per_byte:
        raise CorruptFile(
            f"image claims {width}×{height} pixels in {file_bytes} bytes ({ratio:.0f} pixels per "
            f"byte, more than TTDN_MAX_PIXELS_PER_BYTE={settings.max_pixels_per_byte}): likely "
            "a decompression bomb; if it is a real scan, raise the limit")


def open_page(path: str | os.PathLike, n: int, settings: Settings, *,
              access: str = "sequential") -> pyvips.Image:
    """Page `n` (1-based) of the image at `path`, header read only, checked against the bounds."""
    # A source, not a file name: libvips reads "[...]" at the end of a file name as options.
    try:
        source = pyvips.Source.new_from_file(os.fspath(path))
        # Only paged loaders (TIFF, GIF, WebP) take `page`; PNG and JPEG refuse it.
        paging = {"page": n - 1} if n > 1 else {}
        image = pyvips.Image.new_from_source(source, "", access=access, **paging)
        loader = image.get("vips-loader")
    except pyvips.Error as e:
        raise CorruptFile(f"damaged image: page {n} could not be read ({_first_line(e)})") from e
    if not loader.startswith(_LOADERS):
        raise CorruptFile(f"not an image the archive keeps (libvips read it with {loader})")
    check_bounds(image.width, image.height, Path(path).stat().st_size, settings)
    if access == "sequential" and _orientation(image) > 1:
        # Turning upright reads rows out of order; photos that need it are small enough.
        return open_page(path, n, settings, access="random")
    return image


def _orientation(image: pyvips.Image) -> int:
    return image.get("orientation") if image.get_typeof("orientation") else 1


def page_count(path: str | os.PathLike) -> int:
    """How many pages (frames) libvips sees in the image at `path` (1 for most formats)."""
    try:
        image = pyvips.Image.new_from_source(pyvips.Source.new_from_file(os.fspath(path)), "")
        return image.get("n-pages") if image.get_typeof("n-pages") else 1
    except pyvips.Error as e:
        raise CorruptFile(f"damaged image: its header could not be read ({_first_line(e)})") from e


@contextmanager
def time_limit(image: pyvips.Image, seconds: float, what: str) -> Iterator[pyvips.Image]:
    """Let libvips compute `image` for at most `seconds`; then stop it and raise CorruptFile."""
    started = time.monotonic()
    stopped = []

    def on_eval(target: pyvips.Image, _progress: object) -> None:
        if time.monotonic() - started > seconds and not stopped:
            stopped.append(True)
            target.set_kill(True)

    image.set_progress(True)
    image.signal_connect("eval", on_eval)
    try:
        yield image
    except pyvips.Error as e:
        if stopped:
            raise CorruptFile(
                f"{what} took longer than TTDN_MAX_FILE_SECONDS={seconds:g} s: split the "
                "image, or raise the limit") from e
        raise CorruptFile(f"damaged image: {what} failed ({_first_line(e)})") from e


def flatten_srgb(image: pyvips.Image) -> pyvips.Image:
    """8-bit sRGB or grey without alpha (on white), upright by its EXIF orientation."""
    image = image.autorot()
    if image.interpretation in ("grey16", "rgb16") or image.format not in ("uchar", "char"):
        image = image.colourspace("b-w" if image.bands <= 2 else "srgb")
    elif image.interpretation not in ("b-w", "srgb"):
        image = image.colourspace("srgb") if image.bands >= 3 else image
    if image.hasalpha():
        image = image.flatten(background=_WHITE[:max(1, image.bands - 1)])
    if image.bands == 2:  # grey without alpha left over from an odd source
        image = image[0]
    return image.cast("uchar")


def thumbnail_jpeg(path: str | os.PathLike, settings: Settings, max_px: int = 400, *,
                   seconds: float | None = None) -> bytes:
    """A JPEG of page 1 fitting `max_px`, streamed: a 560 Mpx map costs tens of megabytes."""
    image = open_page(path, 1, settings)
    factor = max(image.width, image.height) / max_px
    small = flatten_srgb(image.resize(1 / factor) if factor > 1 else image)
    with time_limit(small, seconds or settings.max_file_seconds, "the thumbnail") as job:
        return job.write_to_buffer(".jpg", Q=80, strip=True)


def write_ocr_rendition(path: str | os.PathLike, pages: int, settings: Settings,
                        target: Path, *, max_pixels: int | None = None, grey: bool = False,
                        seconds: float | None = None) -> list[float]:
    """Write every page of `path`, shrunk to `max_pixels` (TTDN_MAX_PAGE_PIXELS), as one TIFF.

    OCR then reads a page in bounded memory from `target` at the same page number; `grey`
    keeps one byte per pixel (maps: their OCR reads grey tiles). Returns each page's scale
    (1.0 where it fitted already), by which its dpi shrinks.
    """
    bound = max_pixels or settings.max_page_pixels
    frames, scales = [], []
    for n in range(1, pages + 1):
        image = flatten_srgb(open_page(path, n, settings))
        if grey and image.bands > 1:
            image = image.colourspace("b-w")
        scale = (bound / (image.width * image.height)) ** 0.5
        # A little under the bound: resize() rounds each side to the nearest pixel.
        scale = 1.0 if scale >= 1 else 0.999 * scale
        frames.append(image.resize(scale) if scale < 1 else image)
        scales.append(scale)
    width = max(f.width for f in frames)
    height = max(f.height for f in frames)
    bands = max(f.bands for f in frames)
    # One TIFF page per frame needs equal sizes: pad each on white (OCR ignores blank margins).
    padded = [_bands(f, bands).embed(0, 0, width, height, extend="background",
                                     background=_WHITE[:bands]) for f in frames]
    roll = pyvips.Image.arrayjoin(padded, across=1) if len(padded) > 1 else padded[0]
    roll = roll.copy()
    roll.set_type(pyvips.GValue.gint_type, "page-height", height)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part.tif")
    os.close(fd)
    try:
        with time_limit(roll, seconds or settings.max_file_seconds, "the OCR copy") as job:
            job.tiffsave(tmp, compression="lzw", strip=True)
        os.chmod(tmp, 0o644)  # OCR workers and later runs read it; mkstemp made it 0600
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return scales


def _bands(image: pyvips.Image, bands: int) -> pyvips.Image:
    return image if image.bands == bands else image.colourspace("srgb")


def _first_line(error: pyvips.Error) -> str:
    return (str(error.detail or error.message).strip().splitlines() or ["unknown error"])[0]


def shrink_jpeg(path: str | os.PathLike, n: int, longest: int, settings: Settings) -> bytes:
    """Page `n` fitting `longest` pixels on its long side, as JPEG, streamed (a map's preview)."""
    image = open_page(path, n, settings)
    factor = max(image.width, image.height) / longest
    small = flatten_srgb(image.resize(1 / factor) if factor > 1 else image)
    with time_limit(small, settings.max_file_seconds, "the page image") as job:
        return job.write_to_buffer(".jpg", Q=82, strip=True)


def is_large(path: str | os.PathLike, settings: Settings) -> bool:
    """Whether page 1 has more than TTDN_MAX_PAGE_PIXELS (too many for Pillow to decode)."""
    image = open_page(path, 1, settings)
    return image.width * image.height > settings.max_page_pixels
