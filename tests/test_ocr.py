"""Page OCR jobs: loading pages in the worker, cleaning them, and batches that survive bad pages."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from archive.errors import CorruptFile
from ingest.extraction import OcrJob, PageText
from ingest.ocr import load_page_image, ocr_jobs, run_ocr_job

from .cer import cer, cer_in
from .conftest import BAD, CORPUS, FIXTURES, TRUTH

# Pages 1-2 of the evaluation set's poor scan, cut without re-encoding (its images are as scanned).
POOR_SCAN = FIXTURES / "hard" / "kh-51-ubnd-2017-lang-son-poor-scan-p1-2.pdf"
SCANS = CORPUS / "scans"


def _truth(name: str) -> str:
    return (TRUTH / f"{name}.gt.txt").read_text(encoding="utf-8")


def test_poor_scan_page_reads_within_five_percent_cer() -> None:
    """GIVEN page 1 of the plan as a poor office scan (200 dpi, tilted, speckled, grey paper)
    WHEN it goes through the OCR job with the pipeline's defaults (vie+eng, psm 3)
    THEN its text matches the part of the plan's truth it covers with CER <= 5 % (bare: ~14 %)."""
    page = run_ocr_job(OcrJob(str(POOR_SCAN), 1, "pdf"))
    assert (page.n, page.origin, page.language) == (1, "ocr", None)
    assert page.text.startswith("Số: 51/KH-UBND")
    assert cer_in(_truth("kh-51-ubnd-2017-lang-son"), page.text) <= 0.05, page.text
    assert page.confidence is not None and 80 < page.confidence <= 100


def test_pdf_scan_renders_at_its_own_resolution() -> None:
    image, dpi = load_page_image(OcrJob(str(POOR_SCAN), 2, "pdf", dpi=300))
    assert (dpi, image.mode, image.size) == (200, "RGB", (1653, 2339))


def test_frame_of_a_multipage_tiff(tmp_path: Path) -> None:
    """GIVEN a two-frame TIFF (eurotext, then phototest, at 200 dpi), THEN frame 2 is phototest."""
    with Image.open(FIXTURES / "scans" / "eurotext.tif") as first, Image.open(SCANS / "phototest.tif") as second:
        path = tmp_path / "two-pages.tif"
        first.save(path, save_all=True, append_images=[second], dpi=(200, 200))
    assert load_page_image(OcrJob(str(path), 2, "image"))[1] == 200
    page = run_ocr_job(OcrJob(str(path), 2, "image", lang="eng"))
    assert page.n == 2
    assert cer(_truth("phototest"), page.text) < 0.05, page.text


def test_batch_reports_bad_pages_and_goes_on() -> None:
    good = OcrJob(str(SCANS / "phototest.tif"), 1, "image", lang="eng")
    missing = OcrJob(str(FIXTURES / "no-such-file.pdf"), 1, "pdf")
    corrupt = OcrJob(str(BAD / "random-bytes.pdf"), 1, "pdf")
    results = dict(ocr_jobs([missing, good, corrupt], workers=2, timeout=60))
    assert isinstance(results[missing], FileNotFoundError)
    assert isinstance(results[corrupt], CorruptFile)
    assert isinstance(results[good], PageText) and "quick brown dog" in results[good].text
    assert list(ocr_jobs([], workers=2, timeout=60)) == []
