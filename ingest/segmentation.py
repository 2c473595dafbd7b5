"""Judge an OCR reading by what it covers, and pick the best of several readings of one page.

Tesseract's automatic layout (psm 3) sometimes drops whole lines it takes for a picture (the
Hangul half of a Vietnamese-Korean leaflet; most of a phone photo whose desk shows at the edges),
and the words it keeps then read with high confidence: the mean confidence alone cannot tell.
What can is the page's ink: the share of dark pixels that fall inside the boxes of words read.
A reading that covers much less ink than another of the same page missed text; among readings
that cover about as much, Tesseract's own mean confidence picks the best.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from ingest.tools.tesseract import OcrResult

__all__ = ["Reading", "ink_coverage", "is_doubtful", "best_reading"]

_FACTOR = 4  # ink is measured at 1/4 scale: 75 dpi still shows every line, and evens out noise
_INK_RATIO = 0.75  # darker than 75 % of the paper nearby is ink (strokes blur at 1/4 scale)
_LINE = 25  # pixels at 1/4 scale (8 mm at 300 dpi): a straight run this long is a line, no letter
_SOLID = 0.85 * 255  # 4x4 blocks (16x16 px of the page) darker than this are solid, not print
_MIN_COVERAGE = 0.7  # of the ink inside word boxes; clean scans measure 0.85-0.99
_MIN_CONFIDENCE = 70.0  # mean word confidence under this is a doubtful reading
_SAME_COVERAGE = 0.93  # readings within this share of the best coverage compete on confidence
_PAD = 1  # pixels (at 1/4 scale) around each word box: accents sit just outside it


@dataclass
class Reading:
    """One OCR reading of a page: how it was made, what Tesseract gave, how much ink it covers."""

    how: str  # e.g. "prepared psm 3"
    result: OcrResult
    coverage: float


def _ink_mask(image: Image.Image) -> np.ndarray:
    """Dark pixels relative to the paper around them, at 1/_FACTOR scale."""
    grey = image.convert("L").reduce(_FACTOR)
    # The brightest pixel of a 5x5 at 1/16 scale is paper (as in preprocess' background): cheap.
    paper = grey.reduce(4).filter(ImageFilter.MaxFilter(5)).resize(grey.size, Image.BILINEAR)
    ink = np.asarray(grey, dtype=np.float32) < _INK_RATIO * np.asarray(paper, dtype=np.float32)
    # Print leaves paper between its strokes; a solid dark area (the desk around a photographed
    # sheet, a photo, a black border) is no text to read: count ink only where it is sparse.
    mask = Image.fromarray(ink.astype(np.uint8) * 255)
    density = mask.reduce(4).resize(mask.size, Image.NEAREST)
    ink &= np.asarray(density) < _SOLID
    # Rules, table borders and the sheet's edge in a photo are long straight runs: not text.
    return ink & ~_long_runs(ink, axis=0) & ~_long_runs(ink, axis=1)


def _long_runs(ink: np.ndarray, axis: int) -> np.ndarray:
    """Pixels on a run of ink at least _LINE pixels long along `axis`."""
    n = _LINE
    if ink.shape[axis] < n:
        return np.zeros_like(ink)
    sums = np.cumsum(np.insert(ink.astype(np.int32), 0, 0, axis=axis), axis=axis)
    full = np.take(sums, range(n, sums.shape[axis]), axis=axis) - \
        np.take(sums, range(0, sums.shape[axis] - n), axis=axis) == n  # window [i, i+n) all ink
    out = np.zeros_like(ink)
    # Each full window marks its n pixels: a running count of windows covering each pixel.
    starts = np.cumsum(np.insert(full.astype(np.int32), 0, 0, axis=axis), axis=axis)
    length = ink.shape[axis]
    idx = np.arange(length)
    hi = np.clip(idx + 1, 0, full.shape[axis])
    lo = np.clip(idx - n + 1, 0, full.shape[axis])
    covered = np.take(starts, hi, axis=axis) - np.take(starts, lo, axis=axis)
    out |= covered > 0
    return out


def ink_coverage(image: Image.Image, result: OcrResult) -> float:
    """Share of the page's ink inside the boxes of the words read (1.0 for a page with no ink)."""
    ink = _ink_mask(image)
    total = int(ink.sum())
    if not total:
        return 1.0
    inside = np.zeros_like(ink)
    for word in result.words:
        left, top, width, height = (v // _FACTOR for v in word.box)
        inside[max(top - _PAD, 0):top + height + 1 + _PAD,
               max(left - _PAD, 0):left + width + 1 + _PAD] = True
    return float((ink & inside).sum()) / total


def is_doubtful(reading: Reading) -> bool:
    """True when a reading left much of the ink unread or Tesseract itself doubts it."""
    confidence = reading.result.confidence
    if confidence is None:
        return reading.coverage < _MIN_COVERAGE
    return reading.coverage < _MIN_COVERAGE or confidence < _MIN_CONFIDENCE


def best_reading(readings: list[Reading]) -> Reading:
    """The most confident of the readings that cover nearly as much ink as the best one."""
    top = max(r.coverage for r in readings)
    rivals = [r for r in readings if r.coverage >= _SAME_COVERAGE * top]
    return max(rivals, key=lambda r: r.result.confidence or 0.0)
