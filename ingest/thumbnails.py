"""Small JPEG previews of pages and images, made without decoding more pixels than needed."""
from __future__ import annotations

import io
import logging

import numpy as np
from PIL import Image, ImageOps

__all__ = ["thumbnail_jpeg", "THUMBNAIL_MAX_PX"]

log = logging.getLogger(__name__)

THUMBNAIL_MAX_PX = 400
_JPEG_QUALITY = 80
_WHITE = (255, 255, 255)
_DCT_FORMATS = ("JPEG", "MPO")  # decoders that can scale down while decoding


def thumbnail_jpeg(image: Image.Image, max_px: int = THUMBNAIL_MAX_PX) -> bytes:
    """Return `image` shrunk to fit `max_px` on its long side, upright, as JPEG bytes.

    Call it on a freshly opened (still lazy) image: JPEG then decodes at a reduced scale (draft).
    """
    if image.format in _DCT_FORMATS:
        image.draft("RGB", (max_px, max_px))  # DCT scaling: a big map is never decoded at full size
    image = ImageOps.exif_transpose(image)
    image = _as_rgb(image)
    image.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _as_rgb(image: Image.Image) -> Image.Image:
    # 1-bit scans shrink badly (nearest neighbour only): grey first, so thin strokes stay visible.
    if image.mode == "1":
        image = image.convert("L")
    if image.mode.startswith("I") or image.mode == "F":
        image = _stretch_to_grey(image)
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA"):
        background = Image.new("RGB", image.size, _WHITE)
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return background
    return image if image.mode in ("L", "RGB") else image.convert("RGB")


def _stretch_to_grey(image: Image.Image) -> Image.Image:
    # 16-bit and float scans would clip to white in a plain convert("L"): scale to their own peak.
    values = np.asarray(image, dtype=np.float64)
    peak = float(values.max()) or 1.0
    return Image.fromarray((values * (255.0 / peak)).clip(0, 255).astype(np.uint8))
