"""Tell a photographed page from a scan: a camera's EXIF, or light that is uneven across the sheet.

A scanner lights the page evenly and writes no camera model (or one that says "scan"); a phone
writes its Make/Model, and its picture of a sheet falls off in brightness from the lamp or the
window and shows the desk at the edges. Such a page must not be cleaned like a scan: its sensor
noise is no speckle to binarize away (that cost 2-5 points of CER on our phone photos).
"""
from __future__ import annotations

import numpy as np
from PIL import Image
from PIL.ExifTags import Base

__all__ = ["camera_model", "uneven_light", "is_photographed"]

_UNEVEN = 0.7  # the darkest paper (5th percentile) under 70 % of the brightest (95th): uneven light


def camera_model(image: Image.Image) -> str | None:
    """The camera's Make and Model from the image's EXIF, unless a scanner wrote them."""
    try:
        exif = image.getexif()
    except (OSError, SyntaxError, ValueError, TypeError):  # damaged EXIF: no evidence either way
        return None
    parts = [exif.get(tag) for tag in (Base.Make, Base.Model)]
    text = " ".join(str(p).strip("\x00 ") for p in parts if isinstance(p, (str, bytes)) and p)
    if not text.strip() or "scan" in text.casefold():
        return None
    return text.strip()


def uneven_light(image: Image.Image) -> bool:
    """True when the paper's brightness varies across the page as under a lamp, not a scanner."""
    if image.mode not in ("L", "RGB"):  # reduce() takes neither 1-bit nor palette images
        image = image.convert("L")
    small = np.asarray(image.reduce(8).convert("L"), dtype=np.float32)  # reduced, then grey
    # The brightest pixel of each 64x64 block is paper (or the desk around it): its spread is
    # the lighting. Block maxima in numpy: Pillow's MaxFilter took 0.13 s of a clean page.
    h, w = (small.shape[0] // 8) * 8, (small.shape[1] // 8) * 8
    if not h or not w:
        return False
    paper = small[:h, :w].reshape(h // 8, 8, w // 8, 8).max(axis=(1, 3))
    low, high = np.percentile(paper, [5, 95])
    return bool(high > 0 and low < _UNEVEN * high)


def is_photographed(image: Image.Image) -> bool:
    """True for a page that a camera, not a scanner, took: EXIF camera model or uneven light."""
    return camera_model(image) is not None or uneven_light(image)
