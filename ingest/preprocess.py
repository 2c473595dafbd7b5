"""Clean a scanned page before OCR: drop coloured seals, even out the paper, deskew, binarize.

Office scans of provincial documents come grey, tilted by a few degrees, speckled and stamped
with a red seal over the signature. On such a page Tesseract's layout analysis drops whole
paragraphs: the plan's poor scan reads at 11.8 % CER bare and 1.4 % after this module (see
bench/ocr_quality.py). Every step measures first and does nothing when the page does not need
it: a clean 300-dpi scan comes back as its plain greyscale, for about 0.3 s.
"""
from __future__ import annotations

import logging
import math

import numpy as np
from PIL import Image, ImageFilter

__all__ = ["prepare_for_ocr"]

log = logging.getLogger(__name__)

TARGET_DPI = 300  # Tesseract's LSTM models read best with capital letters ~30 px high
_UPSCALE_BELOW_DPI = 250
_MAX_SIDE = 7000  # pixels: no upscaling past this (an A4 page at 300 dpi is 3508)
_MIN_SKEW = 1.0  # degrees: Tesseract copes with less; rotating the clean scan's 0.45° cost CER
_MAX_SKEW = 5.0  # degrees searched either way
_SEAL_CHROMA = 60  # red or blue leading the other channels by this much: a seal's or stamp's ink
_SPECKLE_SHARE = 0.005  # specks as a share of ink: clean scans measure < 0.2 %, the poor one 1-3 %


def prepare_for_ocr(image: Image.Image, *, dpi: int | None,
                    max_pixels: int | None = None, photo: bool = False) -> Image.Image:
    """Return an upright, ~300-dpi greyscale page for Tesseract: cleaned, binarized if speckled.

    Upscaling never takes the page past `max_pixels` (TTDN_MAX_PAGE_PIXELS), as rendering does not.
    A `photo` (a page a camera took) is evened out and straightened but never binarized: its
    sensor noise looks like speckle, and thresholding it broke letters (phone photos read at
    2-5 % CER binarized, 0-0.3 % grey).
    """
    grey = _to_grey(image)
    hist = grey.histogram()  # measured once, and again only if a step below changes the page
    bilevel = _is_bilevel(hist)
    if not bilevel and (flat := _flatten_background(grey)) is not grey:
        grey, hist = flat, None
    angle = _skew_angle(grey)
    angle = angle if abs(angle) >= _MIN_SKEW else 0.0
    scale = _upscale(grey.size, dpi, max_pixels)
    if angle or scale != 1.0:
        grey, hist = _rotate_and_scale(grey, angle, scale), None
    level = 128 if bilevel else _otsu_of_histogram(hist or grey.histogram())
    specks = _speckle_share(np.asarray(grey) <= level)
    log.debug("page: bilevel=%s skew=%.2f° scale=%.2f specks=%.4f", bilevel, angle, scale, specks)
    if specks >= _SPECKLE_SHARE and not photo:
        return _despeckle(_threshold(grey, level))
    # Tesseract's LSTM reads the grey image, antialiased edges and all: a clean page reads
    # better left grey (clean plan scan, vie+eng: 0.97 % CER grey, 1.08 % binarized by us). So
    # does a nearly black-and-white one: thresholding a rendered leaflet's few antialiased edges
    # cost it a character ("。" read as ")。"); a true fax's grey is its black and white anyway.
    return grey


def _upscale(size: tuple[int, int], dpi: int | None, max_pixels: int | None = None) -> float:
    """Scale factor that brings a low-dpi scan to ~300 dpi, capped so the page stays sane."""
    if not dpi or dpi >= _UPSCALE_BELOW_DPI:
        return 1.0
    cap = math.sqrt(max_pixels / (size[0] * size[1])) if max_pixels else math.inf
    return max(1.0, min(TARGET_DPI / dpi, _MAX_SIDE / max(size), cap))


def _to_grey(image: Image.Image) -> Image.Image:
    """Greyscale with red and blue seal ink turned to paper; other modes converted plainly."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        values = np.asarray(image, dtype=np.float64)
        peak = values.max() or 1.0
        return Image.fromarray((values * (255.0 / peak)).clip(0, 255).astype(np.uint8))
    if "A" in image.getbands() or "transparency" in image.info:
        # Transparent pixels often hold black: show them as paper, as a viewer would.
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    if image.mode in ("1", "L", "LA", "La"):
        return image.convert("L")
    return _drop_seals(image.convert("RGB"))


def _seal_ink(rgb: Image.Image, chroma: int) -> np.ndarray:
    """Mask of pixels whose red or blue leads the other two channels by more than `chroma`."""
    pixels = np.asarray(rgb, dtype=np.int16)
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return (red - np.maximum(green, blue) > chroma) | (blue - np.maximum(red, green) > chroma)


def _drop_seals(rgb: Image.Image) -> Image.Image:
    """Greyscale where strongly red or blue pixels take their brightest channel (near paper)."""
    grey = rgb.convert("L")
    # A look at 1/4 scale (colour diluted, hence half the chroma) spares most pages the full pass.
    if not _seal_ink(rgb.reduce(4), _SEAL_CHROMA // 2).any():
        return grey
    seal = _seal_ink(rgb, _SEAL_CHROMA)
    if not seal.any():
        return grey
    pixels, grey = np.asarray(rgb), np.asarray(grey)
    # Black text under the seal stays dark in every channel, so the brightest channel keeps it;
    # scaling that channel's level under the seal up to paper undoes the stamp's tint.
    brightest = pixels.max(axis=2).astype(np.float32)
    gain = 255.0 / max(float(np.percentile(brightest[seal], 90)), 1.0)
    seal = np.asarray(Image.fromarray(seal).filter(ImageFilter.MaxFilter(3)))  # and its fringe
    grey = np.where(seal, np.clip(brightest * gain, 0, 255).astype(np.uint8), grey)
    log.debug("seal or stamp ink on %.2f %% of the page", 100 * seal.mean())
    return Image.fromarray(grey)


def _is_bilevel(histogram: list[int]) -> bool:
    """True for pages already black and white (fax, CCITT TIFF): almost no mid-tones."""
    hist = np.asarray(histogram, dtype=np.float64)
    return hist[32:224].sum() < 0.01 * hist.sum()


def _flatten_background(grey: Image.Image) -> Image.Image:
    """Divide by the paper's brightness so grey or unevenly lit paper becomes white."""
    small = grey.reduce(8)
    # The brightest pixel nearby is paper: a 9x9 max at 1/8 scale spans more than a text line.
    paper = _max_filter(small, 9).filter(ImageFilter.BoxBlur(4))
    level = np.asarray(paper, dtype=np.float32)
    if level.min() >= 235:
        return grey  # white paper, evenly lit: nothing to gain
    paper = paper.resize(grey.size, Image.BILINEAR)
    ratio = np.asarray(grey, dtype=np.float32) / np.maximum(np.asarray(paper, dtype=np.float32), 1)
    return Image.fromarray((ratio * 255).clip(0, 255).astype(np.uint8))


def _max_filter(grey: Image.Image, size: int) -> Image.Image:
    """Pillow's MaxFilter(size) (edges repeated), as two 1-D passes: the same pixels, ~100x faster.

    Pillow ranks all size x size neighbours of each pixel: 0.1 s of a clean page at 1/8 scale.
    """
    values = np.asarray(grey)
    height, width = values.shape
    padded = np.pad(values, size // 2, mode="edge")
    rows = padded[:, :width].copy()
    for i in range(1, size):
        np.maximum(rows, padded[:, i:i + width], out=rows)
    out = rows[:height].copy()
    for i in range(1, size):
        np.maximum(out, rows[i:i + height], out=out)
    return Image.fromarray(out)


def _otsu(values: np.ndarray) -> int:
    """Otsu's threshold of an 8-bit array: the level that best splits ink from paper."""
    return _otsu_of_histogram(np.bincount(values.ravel(), minlength=256))


def _otsu_of_histogram(histogram) -> int:
    """Otsu's threshold from a 256-bin histogram (Pillow's of an "L" image is numpy's bincount)."""
    hist = np.asarray(histogram, dtype=np.float64)
    weight = np.cumsum(hist)
    mass = np.cumsum(hist * np.arange(256))
    total_w, total_m = weight[-1], mass[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_m * weight - mass * total_w) ** 2 / (weight * (total_w - weight))
    return int(np.nanargmax(between[:-1])) if np.isfinite(between[:-1]).any() else 128


def _threshold(grey: Image.Image, level: int) -> Image.Image:
    return grey.point(lambda v: 255 if v > level else 0)


def _skew_angle(grey: Image.Image) -> float:
    """Skew in degrees (counter-clockwise rotation that straightens the lines), by projection."""
    factor = max(1, round(min(grey.size) / 800))  # ~100 dpi for an A4 page at 300 dpi
    small = np.asarray(grey.reduce(factor))
    ys, xs = np.nonzero(small <= min(_otsu(small), 200))
    if len(ys) < 200:
        return 0.0
    if len(ys) > 150_000:  # a sample keeps the profile's shape and bounds the cost
        keep = np.random.default_rng(0).choice(len(ys), 150_000, replace=False)
        ys, xs = ys[keep], xs[keep]
    coarse = _best_angle(ys, xs, np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.25))
    return _best_angle(ys, xs, np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, 0.05))


def _best_angle(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> float:
    """The angle whose row profile is sharpest (sum of squared steps between rows)."""
    ys, xs = ys.astype(np.float64), xs.astype(np.float64) - xs.mean()
    scores = []
    for angle in np.deg2rad(angles):
        rows = np.rint(ys * np.cos(angle) - xs * np.sin(angle)).astype(np.int64)
        profile = np.bincount(rows - rows.min()).astype(np.float64)
        scores.append(np.square(np.diff(profile)).sum())
    best = int(np.argmax(scores))
    # A blank or picture-like page has no sharper angle than level: leave it alone.
    level = int(np.argmin(np.abs(angles)))
    return float(angles[best]) if scores[best] > 1.02 * scores[level] else 0.0


def _rotate_and_scale(grey: Image.Image, angle: float, scale: float) -> Image.Image:
    """One bicubic resampling that rotates by `angle` degrees (counter-clockwise) and scales."""
    theta = np.deg2rad(angle)
    cos, sin = np.cos(theta), np.sin(theta)
    width, height = grey.size
    out_w = int(round(scale * (width * abs(cos) + height * abs(sin))))
    out_h = int(round(scale * (width * abs(sin) + height * abs(cos))))
    # Output pixel (u, v) -> input (x, y), about the centres: the inverse of rotate-then-scale.
    a, b = cos / scale, -sin / scale
    d, e = sin / scale, cos / scale
    cx, cy, ox, oy = width / 2, height / 2, out_w / 2, out_h / 2
    matrix = (a, b, cx - a * ox - b * oy, d, e, cy - d * ox - e * oy)
    return grey.transform((out_w, out_h), Image.AFFINE, matrix, resample=Image.BICUBIC,
                          fillcolor=255)


def _despeckle(binary: Image.Image) -> Image.Image:
    """Drop the specks of a speckled page: blobs under 3x3 pixels, then lone ones up to ~4x4."""
    # A 3x3 majority vote (box mean, then threshold) is a binary median filter, 5x cheaper.
    binary = _threshold(binary.filter(ImageFilter.BoxBlur(1)), 127)
    # A full stop or a diacritic dot at 300 dpi has 16+ pixels; a speck in open paper fewer.
    ink = np.asarray(binary) == 0
    lonely = np.asarray(binary.filter(ImageFilter.BoxBlur(3))) >= 255 * (1 - 12.5 / 49)
    return Image.fromarray(np.where(ink & lonely, np.uint8(255), np.asarray(binary)))


def _speckle_share(ink: np.ndarray) -> float:
    """Share of ink pixels that are specks: at most 4 ink pixels in their 5x5 neighbourhood."""
    # Strokes and diacritic dots fill 9+ pixels of a 5x5 window even at 200 dpi; specks do not.
    # The window's ink is counted in uint8 sums of shifted views (edges repeated, as Pillow's
    # BoxBlur(2) of the binary page counted it before): 0.02 s instead of 0.1 s a page.
    total = np.count_nonzero(ink)
    if not total:
        return 0.0
    height, width = ink.shape
    padded = np.pad(ink.view(np.uint8), 2, mode="edge")
    rows = padded[:, :width].copy()
    for i in range(1, 5):
        rows += padded[:, i:i + width]
    counts = rows[:height].copy()
    for i in range(1, 5):
        counts += rows[i:i + height]
    return np.count_nonzero(ink & (counts <= 4)) / total
