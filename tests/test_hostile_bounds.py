"""Small hostile files that would cost gigabytes or minutes, made here by real tools, and the
bounds that refuse them by name; control characters in embedded text; the page-image cache cap."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import unicodedata
import zipfile
from pathlib import Path

import pymupdf
import pytest
from PIL import Image
from PIL.ExifTags import Base

from archive.catalog import Catalog
from archive.models import FileRecord
from archive.render import render_file_page, render_page
from archive.settings import Settings
from archive.store import ObjectStore
from web.derivatives import PageCache, page_image

from .conftest import run_cli

REPO = Path(__file__).resolve().parents[1]
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _quarantined(home: Path, path: Path) -> str:
    """Ingest `path`; assert it was quarantined and return the reason the catalog keeps."""
    result = run_cli(home, "ingest", str(path))
    assert result.exit_code == 1, result.output
    with Catalog(Settings(home=home).catalog_path) as catalog:
        (entry,) = catalog.quarantined()
    return entry.reason


def _poster_pdf(path: Path, inches: float = 200) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=72 * inches, height=72 * inches)
    page.draw_line((72, 72), (144, 144))  # a mark to read: blank pages are never rendered
    doc.save(path, garbage=4, deflate=True)
    return path


def _blank_pdf(path: Path, pages: int) -> Path:
    doc = pymupdf.open()
    for _ in range(pages):
        doc.new_page()
    doc.save(path, garbage=4, deflate=True)
    return path


def _blank_tiff(path: Path, frames: int) -> Path:
    pages = [Image.new("1", (200, 200), 1) for _ in range(frames)]
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="group4")
    return path


def _docx(path: Path, body_xml: str) -> Path:
    document = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}">'
                f"<w:body>{body_xml}</w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", document)
    return path


# --- point 7: bounds --------------------------------------------------------------------------


def test_poster_page_of_200_inches_is_quarantined_naming_the_pixel_bound(home, tmp_path):
    """GIVEN a 522-byte-class PDF whose one page is 200 × 200 inches and draws a line
    WHEN it is ingested THEN it is quarantined at once: 207 Mpx even at 72 dpi, over the bound."""
    started = time.monotonic()
    reason = _quarantined(home, _poster_pdf(tmp_path / "poster.pdf"))
    assert "page 1 is 200 × 200 in" in reason and "207 Mpx" in reason, reason
    assert "TTDN_MAX_PAGE_PIXELS=40000000" in reason, reason
    assert time.monotonic() - started < 30


def test_renderer_lowers_the_resolution_to_fit_the_pixel_bound(tmp_path):
    path = _poster_pdf(tmp_path / "poster.pdf", inches=20)  # 20 × 20 in: 36 Mpx at 300 dpi
    image = render_file_page(path, 1, dpi=300, max_pixels=4_000_000)
    assert image is not None and image.width * image.height <= 4_000_000
    assert image.width >= 1990  # ~100 dpi: as close to the bound as it goes
    assert render_file_page(path, 2, dpi=300, max_pixels=4_000_000) is None


def test_renderer_translates_mupdfs_own_limit(tmp_path):
    """MuPDF's FzErrorLimit ("Overly large image") is not a RuntimeError: it must become
    CorruptFile, not an internal error."""
    from archive.errors import CorruptFile

    with pymupdf.open(_poster_pdf(tmp_path / "poster.pdf")) as doc:
        with pytest.raises(CorruptFile, match="MuPDF's own size limit"):
            render_page(doc[0], dpi=300, max_pixels=10**12)


def test_600_blank_pages_are_cheap_and_the_page_bound_refuses_them_by_name(
        home, tmp_path, monkeypatch):
    pdf = _blank_pdf(tmp_path / "blank.pdf", 600)
    started = time.monotonic()
    result = run_cli(home, "ingest", str(pdf))
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 30  # 232 s when every blank page went to Tesseract
    monkeypatch.setenv("TTDN_MAX_PAGES", "500")
    reason = _quarantined(tmp_path / "home2", pdf)
    assert "PDF has 600 pages, more than TTDN_MAX_PAGES=500" in reason, reason


def test_ocr_upscaling_of_a_low_dpi_page_stays_within_the_pixel_bound():
    from ingest.preprocess import prepare_for_ocr

    page = Image.new("L", (2000, 2000), 255)
    page.paste(0, (200, 200, 1800, 260))  # a line of "ink"
    prepared = prepare_for_ocr(page, dpi=100, max_pixels=10_000_000)  # 3× would be 36 Mpx
    assert prepared.width * prepared.height <= 10_000_000


def test_default_page_bound_fits_a_real_400_page_book():
    assert Settings().max_pages >= 400 and Settings().max_frames >= 400


def test_600_frame_tiff_is_refused_by_the_frame_bound(home, tmp_path, monkeypatch):
    monkeypatch.setenv("TTDN_MAX_FRAMES", "500")
    started = time.monotonic()
    reason = _quarantined(home, _blank_tiff(tmp_path / "frames.tif", 600))
    assert "more than 500 frames (TTDN_MAX_FRAMES=500)" in reason, reason
    assert time.monotonic() - started < 30


def test_600_blank_frames_within_the_bound_skip_tesseract(home, tmp_path):
    """183 s when each blank frame went through Tesseract; a blank frame is now seen as such."""
    started = time.monotonic()
    result = run_cli(home, "ingest", str(_blank_tiff(tmp_path / "frames.tif", 600)))
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 90


def test_docx_part_unpacking_past_the_bound_is_refused_by_name(home, tmp_path, monkeypatch):
    """GIVEN a small DOCX whose document.xml unpacks to 8 MiB of repeated runs (a zip bomb
    in miniature) and TTDN_MAX_DOCX_PART_BYTES of 1 MiB, THEN it is quarantined naming it."""
    run = "<w:p><w:r><w:t>a</w:t></w:r></w:p>"
    path = _docx(tmp_path / "bomb.docx", run * (8 * 1024 * 1024 // len(run)))
    assert path.stat().st_size < 200_000
    monkeypatch.setenv("TTDN_MAX_DOCX_PART_BYTES", str(1024 * 1024))
    reason = _quarantined(home, path)
    assert "word/document.xml unpacks to more than 1 MiB" in reason, reason
    assert "TTDN_MAX_DOCX_PART_BYTES=1048576" in reason, reason


def test_docx_within_the_bound_is_read_as_a_stream_in_flat_memory(tmp_path):
    """GIVEN a 16 MiB document.xml of 470,000 one-letter paragraphs (about 190 MB as a tree)
    THEN reading it grows peak memory by far less: elements are dropped once read.
    Measured in a child process by its peak RSS, as Pillow's bomb test is."""
    run = "<w:p><w:r><w:t>a</w:t></w:r></w:p>"
    path = _docx(tmp_path / "long.docx", run * (16 * 1024 * 1024 // len(run)))
    script = textwrap.dedent("""
        import sys
        from tests.peak_memory import peak_kib
        from pathlib import Path
        from ingest.extractors.docx import DocxExtractor
        before = peak_kib()
        pages = DocxExtractor().extract(Path(sys.argv[1])).pages
        assert len(pages) == 1 and pages[0].text.startswith("a\\na")
        print(peak_kib() - before)
    """)
    run_ = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, cwd=REPO, timeout=300)
    assert run_.returncode == 0, run_.stderr
    growth_kib = int(run_.stdout.split()[-1])
    assert growth_kib < 60 * 1024, f"peak memory grew by {growth_kib} KiB"


def test_wall_time_bound_stops_reading_a_slow_file(home, tmp_path, monkeypatch):
    monkeypatch.setenv("TTDN_MAX_FILE_SECONDS", "0.01")
    reason = _quarantined(home, _blank_pdf(tmp_path / "slow.pdf", 600))
    assert "longer than TTDN_MAX_FILE_SECONDS=0.01 s (stopped after" in reason, reason


def test_normal_multipage_pdf_is_still_read(home, tmp_path):
    doc = pymupdf.open()
    for n in range(1, 4):
        page = doc.new_page()
        page.insert_text((72, 72), f"Trang {n}: the quick brown fox jumps over the lazy dog")
    doc.new_page()  # a blank last page keeps its place
    doc.save(tmp_path / "book.pdf")
    result = run_cli(home, "ingest", str(tmp_path / "book.pdf"))
    assert result.exit_code == 0, result.output
    shown = json.loads(run_cli(home, "show", "book.pdf", "--json").stdout)
    assert [p["n"] for p in shown["pages"]] == [1, 2, 3, 4]
    assert "Trang 3" in shown["pages"][2]["text"] and shown["pages"][3]["text"] == ""


# --- point 8: control characters ---------------------------------------------------------------


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_exif_control_characters_never_reach_show(home, tmp_path):
    exif = Image.Exif()
    # UTF-8 in ASCII tags, as many cameras write; U+0085 (NEL) is UTF-8's C2 85.
    exif[Base.ImageDescription] = "\x1b[31mCửa khẩu\x1b[0m".encode()
    exif[Base.Artist] = "Nguyễn\x85 Văn A\x07".encode()
    # Lost accents: dropped, but quoted in a warning (a terminal title escape in it).
    exif[Base.XPTitle] = "L? ch?o c? t?i \x1b]0;pwned\x07".encode("utf-16-le")
    Image.new("RGB", (64, 48), "grey").save(tmp_path / "gate.jpg", exif=exif)
    result = run_cli(home, "ingest", str(tmp_path / "gate.jpg"))
    assert result.exit_code == 0, result.output
    shown = run_cli(home, "show", "gate.jpg", "--json")
    record = json.loads(shown.stdout)
    controls = [s for s in _strings(record) for ch in s
                if unicodedata.category(ch) == "Cc" and ch not in "\t\n"]
    assert not controls, controls
    assert record["creator"] == "Nguyễn Văn A" and record["description"] == "[31mCửa khẩu[0m"
    assert any("pwned" in warning for warning in record["warnings"]), record["warnings"]
    plain = run_cli(home, "show", "gate.jpg").stdout
    assert "\x1b" not in plain and "\x85" not in plain


def test_control_characters_in_page_text_never_reach_show(home, tmp_path):
    note = "Kế hoạch\x1b[2J số 51/KH-UBND\x85 về\x0c việc\ttriển khai\r\nTrang 2\x9b"
    (tmp_path / "note.txt").write_text(note, encoding="utf-8")
    result = run_cli(home, "ingest", str(tmp_path / "note.txt"))
    assert result.exit_code == 0, result.output
    (page,) = json.loads(run_cli(home, "show", "note.txt", "--json").stdout)["pages"]
    assert page["text"] == "Kế hoạch[2J số 51/KH-UBND về việc\ttriển khai\nTrang 2"


# --- point 18: the page-image cache -------------------------------------------------------------


def _stored_pdf(settings: Settings, tmp_path: Path, pages: int) -> FileRecord:
    doc = pymupdf.open()
    for n in range(pages):
        page = doc.new_page()
        page.insert_text((72, 72 + 20 * n), f"page {n + 1}", fontsize=40)
    doc.save(tmp_path / "pages.pdf")
    sha = ObjectStore(settings.objects_dir).put_file(tmp_path / "pages.pdf")
    return FileRecord(sha, "application/pdf", (tmp_path / "pages.pdf").stat().st_size)


def _cached(settings: Settings) -> dict[str, int]:
    root = settings.derivatives_dir / "pages"
    return {p.name: p.stat().st_size for p in root.rglob("*.jpg")}


def test_page_cache_evicts_least_recently_used_and_stays_under_its_cap(tmp_path):
    probe = Settings(home=tmp_path / "probe")
    one = page_image(probe, _stored_pdf(probe, tmp_path, 1), 1, "m").stat().st_size
    settings = Settings(home=tmp_path / "home", page_cache_bytes=int(one * 3.5))
    original = _stored_pdf(settings, tmp_path, 8)
    for n in (1, 2, 3):
        page_image(settings, original, n, "m")
        time.sleep(0.01)  # distinct mtimes even on coarse clocks
    page_image(settings, original, 1, "m")  # a hit: page 1 is now the most recently used
    time.sleep(0.01)
    for n in range(4, 9):
        page_image(settings, original, n, "m")
        assert sum(_cached(settings).values()) <= settings.page_cache_bytes
        time.sleep(0.01)
    kept = _cached(settings)
    assert "8-m.jpg" in kept and "2-m.jpg" not in kept and "3-m.jpg" not in kept
    assert PageCache.of(settings).total == sum(kept.values())


def test_page_cache_keeps_the_page_being_served_even_over_a_tiny_cap(tmp_path):
    settings = Settings(home=tmp_path / "home", page_cache_bytes=1)
    original = _stored_pdf(settings, tmp_path, 2)
    page_image(settings, original, 1, "s")
    path = page_image(settings, original, 2, "s")
    assert path is not None and path.is_file() and list(_cached(settings)) == ["2-s.jpg"]
    assert os.path.getsize(path) > 0
