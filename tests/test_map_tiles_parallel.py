"""A large map's tiles are read a Tesseract per core at a time, with the same result as in turn."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest import map_ocr
from ingest.extraction import OcrJob

from .ocr_pages import LATIN_FONT


def _sheet() -> Image.Image:
    """Two tiles wide at 300 dpi, a place name on each and one on the seam."""
    sheet = Image.new("L", (map_ocr.TILE + 1400, 1200), 250)
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(LATIN_FONT, 44)
    for (x, y), text in {(300, 400): "Cao Lộc", (map_ocr.TILE - 150, 800): "Đồng Đăng",
                         (map_ocr.TILE + 600, 300): "Tân Thanh"}.items():
        draw.text((x, y), text, fill=20, font=font)
    return sheet


def _read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int):
    monkeypatch.setenv("TTDN_HOME", str(tmp_path / f"home-{jobs}"))
    monkeypatch.setenv("TTDN_JOBS", str(jobs))
    path = tmp_path / "ban-do.png"
    image = _sheet()
    image.save(path, dpi=(300, 300))
    page = map_ocr.read_map(OcrJob(str(path), 1, "image", lang="vie", psm=11), image, dpi=300,
                            timeout=300)
    import hashlib
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return page, map_ocr.load_regions(tmp_path / f"home-{jobs}" / "derivatives", sha, 1)


def test_tiles_in_parallel_read_what_tiles_in_turn_read(tmp_path, monkeypatch):
    active, peak, lock = [0], [0], threading.Lock()
    real = map_ocr._read_tile

    def counted(*args, **kwargs):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(map_ocr, "_read_tile", counted)
    alone, alone_regions = _read(tmp_path, monkeypatch, 1)
    assert peak[0] == 1
    together, together_regions = _read(tmp_path, monkeypatch, 2)
    assert peak[0] == 2  # both tiles were being read at once
    assert together.text == alone.text and together_regions == alone_regions
    assert together.text.count("Đồng Đăng") == 1 and "Tân Thanh" in together.text
