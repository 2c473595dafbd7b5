"""A small archive of images for the IIIF tests, served by `ttdn serve` over loopback.

The validator's test pattern is made from the validator's own colour table
(`iiif_validator.validator.ValidationInfo().colorInfo`): 10 × 10 squares of 100 px, the pixels of
`67352ccc-d1b0-11e1-89ae-279075081939.png` (iiif-validator 1.0.5 on PyPI does not ship the file
itself; iiif-validator-ng ships the same 100 colours as `validation_image.png`).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pymupdf
import pyvips
from PIL import Image

from tests.conftest import run_cli
from tests.serving import free_port

__all__ = ["PATTERN_NAME", "make_pattern", "make_map", "make_iiif_archive", "serve_home",
           "item_ids"]

BIN = Path(sys.executable).parent
PATTERN_NAME = "67352ccc-d1b0-11e1-89ae-279075081939.png"
MANIFEST = ("file,title,kind,access,languages,rights,description\n"
            f"{PATTERN_NAME},Mẫu kiểm tra IIIF,photo,public,vi,CC0,Test pattern\n"
            "map.tif,Bản đồ thành phố Lạng Sơn,map,public,vi,,Bản đồ 1:10.000\n"
            "secret.png,Ảnh nội bộ,photo,internal,vi,,\n"
            "plan.pdf,Kế hoạch có hình,document,public,vi,,\n")


def make_pattern(path: Path) -> Path:
    """The validator's 1000 × 1000 test pattern as a PNG."""
    from iiif_validator.validator import ValidationInfo
    colours = ValidationInfo().colorInfo
    image = Image.new("RGB", (1000, 1000))
    for x in range(10):
        for y in range(10):
            image.paste(colours[x][y], (x * 100, y * 100, x * 100 + 100, y * 100 + 100))
    image.save(path)
    return path


def make_map(path: Path, width: int, height: int, dpi: int | None = None) -> Path:
    """A synthetic map sheet (checks, gradients, a dark frame) written by libvips as LZW TIFF."""
    xyz = pyvips.Image.xyz(width, height)
    x, y = xyz[0], xyz[1]
    checks = (((x / 97).floor() + (y / 89).floor()) % 2) * 120 + 60
    red, green = (x * 255 / width).cast("uchar"), (y * 255 / height).cast("uchar")
    frame = ((x < 40) | (y < 40) | (x > width - 40) | (y > height - 40)).ifthenelse(0, 1)
    sheet = (checks.cast("uchar") * frame).bandjoin([red * frame, green * frame]).cast("uchar")
    if dpi:  # libvips keeps resolution in pixels per millimetre
        sheet = sheet.copy(xres=dpi / 25.4, yres=dpi / 25.4)
    sheet.tiffsave(str(path), compression="lzw")
    return path


def _make_pdf(path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 100), "Ke hoach thong tin doi ngoai", fontsize=18)
    page.draw_rect(pymupdf.Rect(72, 150, 520, 700), color=(0.8, 0, 0), fill=(0.2, 0.4, 0.8))
    doc.save(path)


def make_iiif_archive(root: Path, *, map_size: tuple[int, int] = (3000, 2000)) -> Path:
    """Ingest the pattern, a map, a hidden photo and a PDF into a fresh home; return the home."""
    folder, home = root / "in", root / "home"
    folder.mkdir(parents=True)
    make_pattern(folder / PATTERN_NAME)
    make_map(folder / "map.tif", *map_size)
    Image.new("RGB", (300, 200), (200, 30, 30)).save(folder / "secret.png")
    _make_pdf(folder / "plan.pdf")
    (folder / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    return home


def item_ids(home: Path) -> dict[str, str]:
    """Item id by file name, read through `ttdn search --json` (staff)."""
    found = json.loads(run_cli(home, "search", "*", "--json", "--limit", "50").stdout)
    return {Path(hit["source"]).name: hit["id"] for hit in found["hits"]}


def serve_home(home: Path, threads: int = 4) -> tuple[subprocess.Popen, str]:
    """`ttdn serve` on a free loopback port, answered once; the caller terminates it."""
    port = free_port()
    env = {**os.environ, "TTDN_SECRET_KEY": "iiif-test-only"}
    server = subprocess.Popen([str(BIN / "ttdn"), "--home", str(home), "serve", "--port",
                               str(port), "--threads", str(threads)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"ttdn serve ended: {server.stdout.read().decode()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise AssertionError("ttdn serve did not answer within 30 s")
