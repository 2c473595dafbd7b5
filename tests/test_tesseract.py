"""The Tesseract wrapper, against the real program and its real language packs."""
from __future__ import annotations


import pytesseract
import pytest
from PIL import Image

from archive.errors import MissingDependency
from ingest.tools.tesseract import OcrResult, check_tesseract, install_command, ocr_image

from .cer import cer
from .conftest import CORPUS, TRUTH


@pytest.fixture(scope="module")
def phototest() -> Image.Image:
    with Image.open(CORPUS / "scans" / "phototest.tif") as image:
        return image.convert("L")


@pytest.fixture(scope="module")
def phototest_result(phototest: Image.Image) -> OcrResult:
    return ocr_image(phototest, lang="eng", psm=3, timeout=60)


def test_ocr_reads_phototest(phototest_result: OcrResult) -> None:
    truth = (TRUTH / "phototest.gt.txt").read_text(encoding="utf-8")
    assert cer(truth, phototest_result.text) < 0.05, phototest_result.text


def test_ocr_keeps_line_and_paragraph_breaks(phototest_result: OcrResult) -> None:
    lines = phototest_result.text.splitlines()
    assert lines[0].startswith("This is a lot of 12 point text")
    assert "" in lines  # the blank line between the two paragraphs


def test_confidence_is_a_percentage(phototest_result: OcrResult) -> None:
    assert phototest_result.confidence is not None
    assert 50 < phototest_result.confidence <= 100


def test_blank_page_has_no_text_and_no_confidence() -> None:
    result = ocr_image(Image.new("L", (600, 400), 255), lang="eng", psm=3, timeout=60)
    assert result == OcrResult(text="", confidence=None)


def test_installed_languages_pass() -> None:
    check_tesseract("vie+eng+chi_sim+chi_tra+jpn+kor+fra")


def test_missing_language_pack_names_the_apt_command() -> None:
    with pytest.raises(MissingDependency, match=r"apt-get install tesseract-ocr-xyz\b") as caught:
        check_tesseract("vie+xyz")
    assert "tesseract-ocr-vie" not in str(caught.value)  # only what is missing


def test_missing_binary_is_a_missing_dependency(monkeypatch: pytest.MonkeyPatch,
                                                phototest: Image.Image) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(MissingDependency, match=r"apt-get install tesseract-ocr\b"):
        check_tesseract("vie")
    with pytest.raises(MissingDependency):
        ocr_image(phototest, lang="eng", psm=3, timeout=60)


def test_install_command_uses_debian_package_names() -> None:
    assert install_command("vie+chi_sim") == (
        "apt-get install tesseract-ocr tesseract-ocr-vie tesseract-ocr-chi-sim")


def test_timeout_stops_tesseract(phototest: Image.Image) -> None:
    with pytest.raises(TimeoutError, match="Tesseract timeout"):
        ocr_image(phototest.resize((3000, 2250)), lang="eng", psm=3, timeout=0.05)
