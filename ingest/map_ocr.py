"""OCR of a large map sheet: sparse text read tile by tile, each line kept with its place on the sheet.

A map's lettering is scattered (place names, contour values, a legend) and small, so Tesseract
reads it with `--psm 11` (sparse text) at about 300 dpi: a 400-600 dpi scan is brought down to
that, never below, since map print of 6 pt is still ~25 px high there. The sheet is cut into
overlapping tiles of a size Tesseract reads in a few seconds, as many at a time as OCR may use
cores (``TTDN_JOBS``); a word is kept from the tile whose core holds its centre, so words on a
seam are read once. The whole sheet has the job's time
budget: tiles left when it runs out are skipped and the page says so in its log.

The lines read, with their boxes in the original image's pixels, go to a sidecar JSON under the
data home's derivatives/ (`ocr/<sha256>/<page>.json`, see `regions_path`) so that a search hit can
open the viewer at the place; the text goes to the page as usual, and the place names in it feed
the item's `places` (`places_in_text`).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image

from archive.settings import load_settings
from ingest.extraction import OcrJob, PageText
from ingest.normalize import normalize_text
from ingest.tools.tesseract import Word, ocr_image

__all__ = ["Region", "is_large_sheet", "read_map", "regions_path", "load_regions",
           "places_in_text"]

log = logging.getLogger(__name__)

LARGE_SHEET = 20_000_000  # pixels: more than an A3 page at 300 dpi is read tile by tile
MAP_DPI = 300  # map lettering is read at this resolution (or the scan's own, if lower)
TILE = 2400  # pixels per tile side at MAP_DPI: ~2-4 s of sparse-text OCR each
OVERLAP = 160  # pixels each side: longer than a place name's height, shorter than a tile
_BLANK_SPREAD = 24  # grey levels: a tile without darker ink (sea, margin) is not read


@dataclass
class Region:
    """One line of text read on a sheet, with its box in the original image's pixels."""

    text: str
    box: tuple[int, int, int, int]  # left, top, width, height
    confidence: float


def is_large_sheet(image: Image.Image, *, sparse: bool = True) -> bool:
    """True for a map sheet to read tile by tile: large and queued as sparse text, or huge.

    A sheet of over 4 x LARGE_SHEET pixels (an A1 at 300 dpi) is no page Tesseract's layout
    analysis reads in time, whatever the item was called.
    """
    pixels = image.width * image.height
    return pixels > LARGE_SHEET if sparse else pixels > 4 * LARGE_SHEET


def _tiles(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Tile cores (left, top, right, bottom) covering the sheet, in reading order."""
    xs = range(0, width, TILE)
    return [(x, y, min(x + TILE, width), min(y + TILE, height))
            for y in range(0, height, TILE) for x in xs]


def read_map(job: OcrJob, image: Image.Image, *, dpi: int | None, timeout: float) -> PageText:
    """Read a large sheet tile by tile with sparse-text OCR; store its lines' boxes; return text."""
    started = time.monotonic()
    scale = MAP_DPI / dpi if dpi and dpi > MAP_DPI else 1.0
    grey = image.convert("L")
    if scale != 1.0:
        grey = grey.resize((round(grey.width * scale), round(grey.height * scale)),
                           Image.BILINEAR, reducing_gap=2.0)
    tiles = _tiles(grey.width, grey.height)

    def read_tile(core) -> list[Region] | None:
        left = timeout - (time.monotonic() - started)
        if left < 5:
            return None  # tiles start in reading order: every later one is skipped too
        return _read_tile(grey, core, lang=job.lang, timeout=left, scale=scale)

    found = _in_parallel(read_tile, tiles)
    read = sum(1 for tile in found if tile is not None)
    if read < len(tiles):
        log.warning("%s: map OCR stopped after %d of %d tiles (time limit %g s)",
                    job.path, read, len(tiles), timeout)
    regions = [region for tile in found if tile for region in tile]
    text = normalize_text("\n".join(r.text for r in regions))
    confidences = [r.confidence for r in regions if r.confidence >= 0]
    _save_regions(job, regions, size=image.size, complete=read == len(tiles))
    return PageText(n=job.n, text=text + ("\n" if text else ""), origin="ocr",
                    confidence=round(sum(confidences) / len(confidences), 2) if confidences
                    else None, language=None)


def _in_parallel(read_tile, tiles: list) -> list:
    """`read_tile` of each tile, in order, a Tesseract per core at a time.

    One sheet is one OCR job, so one worker process: its tiles read one after the other left
    the other cores idle while a 500 Mpx map took minutes. A tile that fails stops the sheet
    (the tiles not yet started are dropped), as reading them in turn did.
    """
    workers = max(1, min(len(tiles), load_settings().jobs))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="map-tile")
    try:
        futures = [pool.submit(read_tile, core) for core in tiles]
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _read_tile(grey: Image.Image, core: tuple[int, int, int, int], *, lang: str,
               timeout: float, scale: float) -> list[Region]:
    """The lines of one tile whose words' centres fall in the tile's core."""
    x0, y0 = max(core[0] - OVERLAP, 0), max(core[1] - OVERLAP, 0)
    x1, y1 = min(core[2] + OVERLAP, grey.width), min(core[3] + OVERLAP, grey.height)
    tile = grey.crop((x0, y0, x1, y1))
    low, high = tile.getextrema()
    if high - low <= _BLANK_SPREAD:
        return []
    result = ocr_image(tile, lang=lang, psm=11, timeout=timeout)
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in result.words:
        lines.setdefault(word.line, []).append(word)
    regions = []
    for words in lines.values():
        region = _region(words, x0, y0, 1.0)
        left, top, width, height = region.box
        # A name on a seam is read by both tiles: the one whose core holds its centre keeps it.
        if core[0] <= left + width / 2 < core[2] and core[1] <= top + height / 2 < core[3]:
            regions.append(_region(words, x0, y0, scale))
    return regions


def _region(words: list[Word], x0: int, y0: int, scale: float) -> Region:
    """One line's text and its box, mapped back to the original image's pixels."""
    left = min(w.box[0] for w in words) + x0
    top = min(w.box[1] for w in words) + y0
    right = max(w.box[0] + w.box[2] for w in words) + x0
    bottom = max(w.box[1] + w.box[3] for w in words) + y0
    box = tuple(round(v / scale) for v in (left, top, right - left, bottom - top))
    conf = [w.conf for w in words if w.conf >= 0]
    return Region(" ".join(w.text for w in words), box,  # type: ignore[arg-type]
                  round(sum(conf) / len(conf), 1) if conf else -1.0)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def regions_path(derivatives: Path, sha256: str, page: int) -> Path:
    """Where the text regions of page `page` of the original `sha256` are kept."""
    return derivatives / "ocr" / sha256[:2] / sha256 / f"{page}.json"


def _save_regions(job: OcrJob, regions: list[Region], *, size: tuple[int, int],
                  complete: bool) -> None:
    """Write the sidecar atomically (a reader never sees half a file); a failure only logs."""
    try:
        path = regions_path(load_settings().derivatives_dir, _sha256(job.path), job.n)
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"page": job.n, "width": size[0], "height": size[1], "complete": complete,
               "regions": [asdict(r) for r in regions]}
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:  # the text is still indexed; only the places on the sheet are lost
        log.warning("%s: map text regions not saved: %s", job.path, e)


def load_regions(derivatives: Path, sha256: str, page: int) -> list[Region]:
    """The text regions stored for a page (empty if none were stored)."""
    try:
        doc = json.loads(regions_path(derivatives, sha256, page).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Region(r["text"], tuple(r["box"]), r["confidence"]) for r in doc["regions"]]


def places_in_text(text: str) -> list[str]:
    """Labels of the gazetteer's places named in `text`, in order of first mention.

    Names are matched as the search does (query tokens), then with tones folded away, since
    OCR of small map print often loses a tone mark: "Lang Sơn" still names Lạng Sơn.
    """
    from search.analyzers import fold  # search is imported lazily: only maps need it
    from search.gazetteer import default_gazetteer, name_tokens

    gazetteer = default_gazetteer()
    longest = gazetteer.longest
    found: dict[str, None] = {}
    for line in text.splitlines():
        tokens = name_tokens(line)
        i = 0
        while i < len(tokens):
            for n in range(min(longest, len(tokens) - i), 0, -1):
                window = tokens[i:i + n]
                place = gazetteer.match(window) or gazetteer.match(tuple(map(fold, window)))
                if place:
                    found.setdefault(place.label, None)
                    i += n
                    break
            else:
                i += 1
    return list(found)
