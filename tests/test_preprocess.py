"""Page cleaning before OCR: deskew, seal removal, and leaving clean pages alone."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PIL import Image, ImageChops, ImageDraw

from ingest.preprocess import _skew_angle, prepare_for_ocr
from ingest.tools.tesseract import ocr_image

from .cer import cer
from .conftest import CORPUS, FIXTURES, TRUTH

PLAN_SCAN = CORPUS / "scans" / "kh-51-ubnd-2017-lang-son.pdf"


def _render(path: Path, index: int, dpi: int) -> Image.Image:
    with pymupdf.open(path) as doc:
        pix = doc[index].get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
    return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)


@pytest.fixture(scope="module")
def straight_page() -> Image.Image:
    """A born-digital page rendered at 150 dpi: its lines are exactly level."""
    return _render(FIXTURES / "documents" / "154-2026-nd-cp-p1.pdf", 0, 150)


def _ink_in(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    return int(np.count_nonzero(np.asarray(image.convert("L").crop(box)) < 128))


@pytest.mark.parametrize("degrees", [-3.5, 2.0, 4.2])
def test_deskew_recovers_a_known_rotation(straight_page: Image.Image, degrees: float) -> None:
    """GIVEN a level page rotated by a known angle, THEN the skew found undoes it within 0.5°."""
    tilted = straight_page.rotate(degrees, resample=Image.BICUBIC, fillcolor="white", expand=True)
    assert abs(_skew_angle(tilted.convert("L")) + degrees) < 0.5
    straightened = prepare_for_ocr(tilted, dpi=300)
    assert abs(_skew_angle(straightened)) < 0.5


def test_level_page_is_not_rotated(straight_page: Image.Image) -> None:
    assert _skew_angle(straight_page.convert("L")) == 0.0


@pytest.mark.parametrize("colour", [(215, 30, 35), (30, 60, 200)])
def test_red_or_blue_seal_is_removed(straight_page: Image.Image,
                                     colour: tuple[int, int, int]) -> None:
    """GIVEN a seal stamped over text and over bare margin, THEN its ink goes and the text stays."""
    stamp = Image.new("RGB", straight_page.size, "white")
    draw = ImageDraw.Draw(stamp)
    over_text, in_margin = (300, 200, 560, 460), (900, 1610, 1040, 1750)
    for box in (over_text, in_margin):
        draw.ellipse(box, outline=colour, width=8)
        x0, y0, x1, y1 = box
        draw.ellipse((x0 + 70, y0 + 70, x1 - 70, y1 - 70), fill=colour)
    sealed = ImageChops.multiply(straight_page, stamp)  # stamp ink darkens what is under it
    assert _ink_in(straight_page, in_margin) == 0
    assert _ink_in(sealed, in_margin) > 1000  # the seal is ink to a plain greyscale conversion
    cleaned, reference = prepare_for_ocr(sealed, dpi=300), prepare_for_ocr(straight_page, dpi=300)
    assert _ink_in(cleaned, in_margin) == 0
    text_ink = _ink_in(reference, over_text)
    assert text_ink > 1000 and abs(_ink_in(cleaned, over_text) - text_ink) < 0.02 * text_ink


def test_clean_scan_is_left_as_it_is() -> None:
    """A clean 300-dpi page needs nothing: it comes back as its plain greyscale, pixel for pixel."""
    page = _render(PLAN_SCAN, 2, 300)
    assert np.array_equal(np.asarray(prepare_for_ocr(page, dpi=300)), np.asarray(page.convert("L")))


def test_clean_bilevel_image_reads_as_well_after_preparation() -> None:
    with Image.open(CORPUS / "scans" / "phototest.tif") as image:
        image.load()
    truth = (TRUTH / "phototest.gt.txt").read_text(encoding="utf-8")
    bare = ocr_image(image.convert("L"), lang="eng", psm=3, timeout=60).text
    prepared = prepare_for_ocr(image, dpi=200)
    assert prepared.size == (960, 720)  # upscaled from 200 to 300 dpi
    assert cer(truth, ocr_image(prepared, lang="eng", psm=3, timeout=60).text) <= cer(truth, bare)


def test_poor_scan_is_straightened_despeckled_and_binarized() -> None:
    page = _render(FIXTURES / "hard" / "kh-51-ubnd-2017-lang-son-poor-scan-p1-2.pdf", 0, 200)
    assert abs(_skew_angle(page.convert("L"))) > 1.5
    prepared = prepare_for_ocr(page, dpi=200)
    assert set(np.unique(np.asarray(prepared))) == {0, 255}
    assert abs(_skew_angle(prepared)) < 0.5
    assert prepared.width > 1.45 * page.width  # 200 dpi brought to ~300


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "I;16", "1", "CMYK"])
def test_every_image_mode_becomes_black_text_on_white(straight_page: Image.Image,
                                                      mode: str) -> None:
    """Transparent margins show as paper, 16-bit scans keep their contrast, and so on."""
    page = straight_page.convert("L")
    if mode == "I;16":
        image = Image.fromarray(np.asarray(page, dtype=np.uint16) * 257)
    elif mode in ("RGBA", "LA"):
        image = Image.new(mode, page.size)  # all black: only the alpha draws the text
        image.putalpha(page.point(lambda v: 255 - v))
    else:
        image = page.convert(mode)
    prepared = np.asarray(prepare_for_ocr(image, dpi=300))
    assert prepared.shape == (page.height, page.width)
    assert np.mean(prepared > 200) > 0.8 and np.count_nonzero(prepared < 100) > 10_000
