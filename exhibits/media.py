"""Pictures for the catalogue at print resolution, from the original image or the chosen PDF page."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pymupdf
from PIL import Image, ImageOps

from archive.errors import CorruptFile
from archive.render import mupdf_lock, render_page

__all__ = ["Picture", "picture", "frame_picture", "MIN_DPI", "RENDER_DPI", "MAX_DPI"]

MIN_DPI = 150  # an image is never printed larger than its pixels allow at this resolution
RENDER_DPI = 200  # document pages are rendered at this resolution at their printed size
MAX_DPI = 300  # finer originals are downsampled to this: more detail does not print
_JPEG_QUALITY = 88
_ORIENTATION = 0x0112  # EXIF tag: a camera photo that must be turned before it is shown


@dataclass
class Picture:
    """A picture ready to place: where on the page, its encoded bytes and pixel size."""

    rect: pymupdf.Rect
    stream: bytes
    pixels: tuple[int, int]

    @property
    def dpi(self) -> float:
        """Its resolution at the printed size."""
        return self.pixels[0] / (self.rect.width / 72)


def picture(path: Path, mime: str, box: pymupdf.Rect, *, page: int | None = None,
            crop: tuple[float, float, float, float] | None = None) -> Picture | None:
    """The item's picture fitted into `box`, or None when its file has no picture (DOCX, none)."""
    try:
        if mime == "application/pdf":
            return _pdf_page(path, box, page or 1, crop)
        if mime.startswith("image/"):
            return _image(path, box, crop)
    except (OSError, ValueError, RuntimeError) as err:
        raise CorruptFile(f"cannot draw the original {path.name}: {err}") from err
    return None


def frame_picture(jpeg: bytes, box: pymupdf.Rect) -> Picture:
    """A film's frame (JPEG bytes, as ffmpeg gave it) fitted into `box`, never past MIN_DPI."""
    with Image.open(io.BytesIO(jpeg)) as im:
        size = im.size
    return Picture(_fit(box, *size, largest=72 / MIN_DPI), jpeg, size)


def _fit(box: pymupdf.Rect, width: float, height: float,
         largest: float | None = None) -> pymupdf.Rect:
    """A rect of this aspect, as large as fits in the box (and no larger than `largest` scale),
    centred horizontally and set at the top."""
    scale = min(box.width / width, box.height / height, largest or float("inf"))
    w, h = width * scale, height * scale
    x0 = box.x0 + (box.width - w) / 2
    return pymupdf.Rect(x0, box.y0, x0 + w, box.y0 + h)


def _pdf_page(path: Path, box: pymupdf.Rect, page: int, crop) -> Picture:
    with mupdf_lock(), pymupdf.open(path) as doc:
        chosen = doc[min(page, doc.page_count) - 1]
        full = chosen.rect
        clip = full if not crop else pymupdf.Rect(
            full.x0 + crop[0] * full.width, full.y0 + crop[1] * full.height,
            full.x0 + crop[2] * full.width, full.y0 + crop[3] * full.height)
        rect = _fit(box, clip.width, clip.height)
        dpi = rect.width / clip.width * RENDER_DPI
        # The shared renderer holds it to TTDN_MAX_PAGE_PIXELS (lowering the dpi if need be).
        image = render_page(chosen, dpi=dpi, clip=clip)
        # Encoded by Pillow: its libjpeg-turbo is several times faster than MuPDF's encoder.
        return Picture(rect, _encode(image), image.size)


def _image(path: Path, box: pymupdf.Rect, crop) -> Picture:
    with Image.open(path) as im:
        turned = im.getexif().get(_ORIENTATION, 1) not in (0, 1)
        width, height = _oriented_size(im, turned)
        area = _crop_px(crop, width, height)
        cw, ch = area[2] - area[0], area[3] - area[1]
        # Never print past MIN_DPI: a small photo stays small rather than turning to mush.
        rect = _fit(box, cw, ch, largest=72 / MIN_DPI)
        target = (max(1, round(rect.width / 72 * MAX_DPI)), max(1, round(rect.height / 72 * MAX_DPI)))
        if im.format in ("JPEG", "PNG") and not crop and not turned and cw <= target[0]:
            # The original bytes as they are: no second lossy encoding of the evidence.
            return Picture(rect, path.read_bytes(), (width, height))
        if im.format == "JPEG" and not crop and not turned:
            im.draft("RGB", target)  # decode at a reduced scale: much faster on big scans
        shown = ImageOps.exif_transpose(im) if turned else im
        shown = shown.crop(area) if crop else shown
        if shown.width > target[0]:
            shown = shown.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        return Picture(rect, _encode(shown), shown.size)


def _oriented_size(im: Image.Image, turned: bool) -> tuple[int, int]:
    """The image's size as shown, after EXIF rotation by 90° where the camera asks for it."""
    if turned and im.getexif().get(_ORIENTATION) in (5, 6, 7, 8):
        return im.height, im.width
    return im.size


def _crop_px(crop, width: int, height: int) -> tuple[int, int, int, int]:
    if not crop:
        return (0, 0, width, height)
    x0, y0 = int(crop[0] * width), int(crop[1] * height)
    return (x0, y0, max(x0 + 1, round(crop[2] * width)), max(y0 + 1, round(crop[3] * height)))


def _encode(im: Image.Image) -> bytes:
    """JPEG for photographs and scans; PNG for line art and anything with transparency."""
    out = io.BytesIO()
    if im.mode in ("1", "P", "RGBA", "LA"):
        im.save(out, "PNG", optimize=False)
    else:
        im.convert("L" if im.mode in ("L", "I", "I;16", "F") else "RGB").save(
            out, "JPEG", quality=_JPEG_QUALITY)
    return out.getvalue()
