"""Extractors on real files: the eval corpus, its bad files, and small files made by real tools."""
from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pymupdf
import pytest
from PIL import Image
from PIL.ExifTags import GPS, IFD, Base

from archive.errors import CorruptFile, EncryptedFile, UnsupportedFormat
from archive.settings import Settings
from ingest.extractors import DocxExtractor, ImageExtractor, PdfExtractor, TextExtractor
from ingest.registry import Extractor, Registry, extract_file

from .conftest import BAD, CORPUS, FIXTURES, REPO

DOCS, SCANS, MEDIA = CORPUS / "documents", CORPUS / "scans", CORPUS / "media"
# The province's plan as an image-only scan: 8 pages at 300 dpi, no text layer.
SCANNED_PDF = SCANS / "kh-51-ubnd-2017-lang-son.pdf"
SCANNED_PAGES = list(range(1, 9))


def _jpeg_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        return image.size


# --- PDF -------------------------------------------------------------------------------------


def test_born_digital_pdf_gives_normalized_text_layer_pages():
    result = extract_file(DOCS / "06-2026-tt-bnv.pdf")
    assert result.mime == "application/pdf" and result.kind == "document"
    assert [p.n for p in result.pages] == list(range(1, 10)) and result.metadata["page_count"] == 9
    assert not result.ocr_jobs and not result.warnings
    assert all(p.origin == "text-layer" for p in result.pages)
    text = "\n".join(p.text for p in result.pages)
    assert "\u00a0" not in text and "\u00ad" not in text
    assert "Số: 06/2026/TT-BNV" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert max(_jpeg_size(result.thumbnail)) == 400


def test_scanned_pdf_gives_an_ocr_job_for_every_page_and_no_text():
    path = SCANNED_PDF
    result = extract_file(path, lang="vie")
    assert result.pages == []
    assert [(j.n, j.source, j.dpi, j.psm, j.lang) for j in result.ocr_jobs] == [
        (n, "pdf", 300, 3, "vie") for n in SCANNED_PAGES]
    assert all(j.path == str(path) for j in result.ocr_jobs)
    assert result.thumbnail


def test_vietnamese_chinese_leaflet_gives_chinese_text():
    result = extract_file(MEDIA / "to-gap-lang-son-viet-trung.pdf", kind_hint="publication")
    assert result.kind == "publication" and not result.ocr_jobs
    text = result.pages[0].text
    assert "谅山" in text and "Lạng Sơn" in text


def test_scan_with_a_stamped_header_line_is_still_a_scan(tmp_path):
    """GIVEN a scanned page onto which a portal stamped one line of real text
    WHEN it is extracted THEN the page is OCRed, the stamp is not taken for its text."""
    doc = pymupdf.open(SCANNED_PDF)
    doc[0].insert_text((40, 20), "Downloaded from the provincial portal on 2026-05-01", fontsize=7)
    doc.save(tmp_path / "stamped.pdf")
    assert "Downloaded" in doc[0].get_text()
    result = extract_file(tmp_path / "stamped.pdf")
    assert result.pages == [] and [j.n for j in result.ocr_jobs] == SCANNED_PAGES


def test_real_text_over_a_full_page_image_uses_the_text_layer(tmp_path):
    """GIVEN a born-digital page laid over a full-page scan image (as a leaflet with a background)
    WHEN it is extracted THEN its text layer is used and the page is not OCRed."""
    doc = pymupdf.open(DOCS / "06-2026-tt-bnv.pdf")
    doc[0].show_pdf_page(doc[0].rect, pymupdf.open(SCANNED_PDF), 0, overlay=False)
    doc.save(tmp_path / "over-image.pdf")
    result = extract_file(tmp_path / "over-image.pdf")
    assert result.pages[0].n == 1 and "Số: 06/2026/TT-BNV" in result.pages[0].text
    assert not result.ocr_jobs


def test_text_layer_that_lost_its_accents_is_ocred_instead(tmp_path):
    """GIVEN Vietnamese written with a font lacking its letters, extracted as "Ngh? ??nh"
    WHEN it is extracted THEN the page is OCRed, that text layer is not trusted."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_textbox(page.rect + (50, 50, -50, -50), "Chính phủ ban hành Nghị định này. " * 20,
                        fontname="helv", fontsize=11)
    doc.save(tmp_path / "lost.pdf")
    assert "Ngh? ??nh" in doc[0].get_text()
    result = extract_file(tmp_path / "lost.pdf")
    assert result.pages == [] and [j.n for j in result.ocr_jobs] == [1]


def test_pdf_info_is_kept_when_meaningful_and_placeholders_dropped(tmp_path):
    for name, info in {
        "real.pdf": {"title": "Kế hoạch thông tin đối ngoại 2017", "author": "Sở Ngoại vụ",
                     "subject": "Kế hoạch năm", "keywords": "đối ngoại; biên giới",
                     "creationDate": "D:20170302101500+07'00'"},
        "placeholder.pdf": {"title": "Microsoft Word - kh51.doc", "author": "Administrator",
                            "creationDate": "D:00000000"},
    }.items():
        doc = pymupdf.open(DOCS / "06-2026-tt-bnv.pdf")
        doc.set_metadata(info)
        doc.save(tmp_path / name)
    real = extract_file(tmp_path / "real.pdf").metadata
    assert real == {"page_count": 9, "title": "Kế hoạch thông tin đối ngoại 2017",
                    "creator": "Sở Ngoại vụ", "description": "Kế hoạch năm",
                    "subject": ["đối ngoại", "biên giới"], "date": "2017-03-02"}
    assert extract_file(tmp_path / "placeholder.pdf").metadata == {"page_count": 9}


def test_partly_readable_truncated_pdf_keeps_its_pages_and_names_the_damage(tmp_path):
    """GIVEN a 9-page PDF cut at 70 % of its length WHEN extracted THEN the pages before the cut
    are kept and the warning names the page read in part and the pages lost."""
    data = (DOCS / "06-2026-tt-bnv.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) * 7 // 10])
    result = extract_file(tmp_path / "cut.pdf")
    assert [p.n for p in result.pages] == [1, 2, 3] and not result.ocr_jobs
    assert result.warnings == [
        "damaged PDF: repaired on open; page 3 read only in part; pages 4–9 could not be read"]


def test_bad_truncated_pdf_has_no_readable_page_and_is_corrupt():
    """bad/truncated.pdf stops inside a font stream: page 1's content stream and page 2's page
    object are past the cut, so nothing of either page survives (both render blank)."""
    with pytest.raises(CorruptFile) as caught:
        extract_file(BAD / "truncated.pdf")
    assert str(caught.value) == "damaged PDF: repaired on open; pages 1–2 could not be read"


def test_poster_sized_page_is_ocred_at_a_resolution_within_the_pixel_limit(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page(width=72 * 100, height=72 * 100)  # 100 × 100 inches, no text
    page.draw_line((72, 72), (7000, 7000))  # something to read: a blank page needs no OCR
    doc.save(tmp_path / "poster.pdf")
    settings = Settings(max_page_pixels=100_000_000)
    (job,) = extract_file(tmp_path / "poster.pdf", settings=settings).ocr_jobs
    assert job.dpi == 100 and (100 * job.dpi) ** 2 <= 100_000_000


# --- DOCX and text ----------------------------------------------------------------------------


def test_corpus_docx_gives_its_text_and_ignores_template_properties():
    result = extract_file(DOCS / "66-2026-tt-btc.docx")
    assert result.mime.endswith("wordprocessingml.document") and not result.ocr_jobs
    (page,) = result.pages
    assert page.n == 1 and page.origin == "text-layer"
    assert "Số: 66/2026/TT-BTC" in page.text and "Bộ trưởng Bộ Tài chính" in page.text
    assert "\n\n\n" not in page.text
    # python-docx's template says creator "python-docx", created 2013-12-23: not this document's.
    assert result.metadata == {"page_count": 1}


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_BODY = (
    '<w:p><w:r><w:t>Trang một</w:t><w:tab/><w:t>cột hai</w:t></w:r></w:p>'
    '<w:p><w:r><w:t xml:space="preserve">Số 51/KH</w:t><w:noBreakHyphen/><w:t>UBND</w:t>'
    '<w:br w:type="page"/><w:t>Trang hai</w:t></w:r></w:p>'
    '<w:p><w:r><w:lastRenderedPageBreak/><w:delText>đã xóa</w:delText>'
    '<w:t>vẫn trang hai</w:t></w:r></w:p>'
    '<w:p><w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:t>Trang ba</w:t></w:r></w:p>'
)
_CORE = (
    '<cp:coreProperties'
    ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
    '<dc:title>Kế hoạch 51</dc:title><dc:creator>Sở Ngoại vụ Lạng Sơn</dc:creator>'
    '<cp:keywords>đối ngoại, biên giới</cp:keywords>'
    '<dcterms:created>2017-03-02T08:00:00Z</dcterms:created></cp:coreProperties>'
)


def test_docx_splits_pages_at_explicit_breaks_and_reads_core_properties(tmp_path):
    path = tmp_path / "plan.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml",
                         f'<w:document xmlns:w="{_W_NS}"><w:body>{_BODY}</w:body></w:document>')
        archive.writestr("docProps/core.xml", _CORE)
    result = extract_file(path)
    assert [p.text for p in result.pages] == [
        "Trang một\tcột hai\nSố 51/KH-UBND", "Trang hai\nvẫn trang hai", "Trang ba"]
    assert result.metadata == {"title": "Kế hoạch 51", "creator": "Sở Ngoại vụ Lạng Sơn",
                               "subject": ["đối ngoại", "biên giới"], "date": "2017-03-02",
                               "page_count": 3}


def test_docx_with_broken_xml_is_corrupt(tmp_path):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{_W_NS}"><w:body><w:p>')
    with pytest.raises(CorruptFile, match="damaged DOCX: word/document.xml is not well-formed"):
        extract_file(path)


def test_utf8_note_gives_one_text_page():
    result = extract_file(BAD / "notes.txt")
    assert result.mime == "text/plain" and [p.n for p in result.pages] == [1]
    assert result.pages[0].text == ("Ghi chú: tệp văn bản thuần, mã hóa UTF-8, "
                                    "phải được lưu trữ bình thường.")


def test_utf16_text_with_bom(tmp_path):
    path = tmp_path / "ghi-chu.txt"
    lines = ("Tờ rơi triển lãm Hoàng Sa, Trường Sa", "song ngữ Việt – Anh")
    path.write_text("\r\n".join(lines), encoding="utf-16")  # Windows Notepad's "Unicode"
    assert extract_file(path).pages[0].text == "\n".join(lines)


def test_text_that_stops_being_utf8_after_the_sniffed_head_is_corrupt(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"a" * 70_000 + "Soci\xe9t\xe9".encode("latin-1"))
    with pytest.raises(CorruptFile, match=r"^text is not valid UTF-8: byte 0xe9 at offset 70004$"):
        extract_file(path)


# --- images -----------------------------------------------------------------------------------


def test_photo_exif_date_and_kind_and_lost_accent_description():
    result = extract_file(MEDIA / "anh-cua-khau-huu-nghi-2017.jpg")
    assert result.mime == "image/jpeg" and result.kind == "photo"
    assert result.metadata["date"] == "2017-09-02"
    assert "gps" not in result.metadata  # this photo's EXIF has no GPS block (see the next test)
    assert (result.metadata["width"], result.metadata["height"]) == (1600, 1067)
    # Its EXIF description was written as "L? ch?o c? t?i c?a kh?u H?u Ngh?": not kept as text.
    assert "description" not in result.metadata
    assert any("EXIF description ignored" in w for w in result.warnings)
    # A photo is read as a page (psm 3; a phone's photo of a letter is the usual one), issue 16.
    assert [(j.source, j.n, j.psm) for j in result.ocr_jobs] == [("image", 1, 3)]
    assert max(_jpeg_size(result.thumbnail)) == 400


def test_exif_gps_title_artist_and_camera(tmp_path):
    exif = Image.Exif()
    exif[Base.Make], exif[Base.Model] = "Canon", "Canon EOS 5D"
    exif[Base.Artist] = "Nguyễn Văn A".encode()  # UTF-8 in an ASCII tag, as many cameras write
    exif[Base.XPTitle] = "Cửa khẩu Hữu Nghị".encode("utf-16-le") + b"\x00\x00"
    exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = "2017:09:02 08:15:00"
    exif.get_ifd(IFD.GPSInfo).update({
        GPS.GPSLatitudeRef: "N", GPS.GPSLatitude: (21.0, 58.0, 12.0),
        GPS.GPSLongitudeRef: "W", GPS.GPSLongitude: (106.0, 42.0, 36.0)})
    path = tmp_path / "gate.jpg"
    Image.new("RGB", (64, 48), "grey").save(path, exif=exif)
    meta = extract_file(path).metadata
    assert meta["gps"] == pytest.approx((21.97, -106.71))
    assert meta["title"] == "Cửa khẩu Hữu Nghị" and meta["creator"] == "Nguyễn Văn A"
    assert meta["camera"] == "Canon EOS 5D" and meta["date"] == "2017-09-02"


def test_big_map_jpeg_with_map_hint_is_read_sparse_and_thumbnailed_small():
    result = extract_file(MEDIA / "txu-oclc-6594628.jpg", kind_hint="map")
    assert result.kind == "map"
    assert [(j.n, j.psm, j.source) for j in result.ocr_jobs] == [(1, 11, "image")]
    assert (result.metadata["width"], result.metadata["height"]) == (3966, 3578)
    assert max(_jpeg_size(result.thumbnail)) <= 400


def test_scanner_exif_does_not_make_a_photo():
    result = extract_file(MEDIA / "txu-oclc-6594628.jpg")
    assert result.metadata["camera"].startswith("i2s Digibook Scanner")
    assert result.kind == "document" and result.ocr_jobs[0].psm == 3
    assert "date" not in result.metadata


@pytest.mark.parametrize(("path", "dpi"), [(FIXTURES / "scans" / "eurotext.tif", 300),
                                           (SCANS / "phototest.tif", 200)],
                         ids=["eurotext.tif", "phototest.tif"])
def test_tesseract_test_tiffs_are_document_scans(path, dpi):
    result = extract_file(path)
    assert result.mime == "image/tiff" and result.kind == "document" and result.pages == []
    assert [(j.n, j.source, j.psm, j.dpi) for j in result.ocr_jobs] == [(1, "image", 3, dpi)]
    assert result.thumbnail


def test_multipage_tiff_gives_one_ocr_job_per_page(tmp_path):
    path = tmp_path / "three-pages.tif"
    first, *rest = (Image.new("L", (200, 100 + 10 * i), 255) for i in range(3))
    first.save(path, save_all=True, append_images=rest, compression="tiff_deflate")
    result = extract_file(path, lang="vie")
    assert [(j.n, j.source, j.lang) for j in result.ocr_jobs] == [
        (1, "image", "vie"), (2, "image", "vie"), (3, "image", "vie")]
    assert result.metadata["page_count"] == 3


def _tiff_directory_offsets(data: bytes) -> list[int]:
    """Offsets of the image directories (one per page) of a little-endian TIFF."""
    offsets, offset = [], struct.unpack_from("<I", data, 4)[0]
    while offset:
        offsets.append(offset)
        entries = struct.unpack_from("<H", data, offset)[0]
        offset = struct.unpack_from("<I", data, offset + 2 + 12 * entries)[0]
    return offsets


def test_multipage_tiff_cut_inside_its_last_page_directory_keeps_the_pages_before(tmp_path):
    path = tmp_path / "three-pages.tif"
    first, *rest = (Image.new("L", (200, 100), 255) for _ in range(3))
    first.save(path, save_all=True, append_images=rest)
    data = path.read_bytes()
    last = _tiff_directory_offsets(data)[-1]
    path.write_bytes(data[: last + 2 + 12 * 3])  # the count and three of its entries survive
    result = extract_file(path)
    assert [j.n for j in result.ocr_jobs] == [1, 2]
    assert result.warnings == ["damaged TIFF: pages after page 2 could not be read"]


@pytest.mark.parametrize(("fmt", "mime"),
                         [("GIF", "image/gif"), ("WEBP", "image/webp"), ("PNG", "image/png")])
def test_other_image_formats(tmp_path, fmt, mime):
    path = tmp_path / "picture"
    Image.new("RGB", (120, 80), "white").save(path, format=fmt)
    result = extract_file(path)
    assert result.mime == mime and len(result.ocr_jobs) == 1 and result.thumbnail


def test_truncated_jpeg_is_corrupt(tmp_path):
    data = (MEDIA / "anh-cua-khau-huu-nghi-2017.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFile, match="damaged image: its pixels could not be decoded"):
        extract_file(tmp_path / "cut.jpg")


def test_archive_pixel_limit_applies_before_decoding():
    message = r"^image too large: 640×480 pixels \(0 Mpx\), more than TTDN_MAX_PIXELS=100000"
    with pytest.raises(CorruptFile, match=message):
        extract_file(SCANS / "phototest.tif", settings=Settings(max_pixels=100_000))


# --- the bad files ----------------------------------------------------------------------------


def test_bad_empty_pdf():
    with pytest.raises(CorruptFile, match=r"^empty file \(0 bytes\)$"):
        extract_file(BAD / "empty.pdf")


def test_bad_random_bytes():
    with pytest.raises(UnsupportedFormat) as caught:
        extract_file(BAD / "random-bytes.pdf")
    assert str(caught.value) == "not a file type the archive can read (application/octet-stream)"


def test_bad_encrypted_pdf():
    with pytest.raises(EncryptedFile, match="password"):
        extract_file(BAD / "encrypted.pdf")


def test_bad_bomb_png_is_refused():
    with pytest.raises(CorruptFile) as caught:
        extract_file(BAD / "bomb.png")
    # 1,024 Mpx is under the pixel cap (maps reach 560 Mpx): the pixels-per-byte bound refuses it.
    assert str(caught.value).startswith("image claims 32000×32000 pixels in 168512 bytes (6077 "
                                        "pixels per byte, more than TTDN_MAX_PIXELS_PER_BYTE=")


def test_bad_bomb_png_is_refused_without_allocating_its_pixels():
    """Measured in a child process by its peak RSS: tracemalloc cannot see Pillow's C buffers.
    Decoding the bomb would need 128 MB even at 1 bit per pixel."""
    script = textwrap.dedent("""
        import sys
        from tests.peak_memory import peak_kib
        from pathlib import Path
        from archive.errors import CorruptFile
        from ingest.registry import extract_file
        extract_file(Path(sys.argv[1]))  # warm up: imports and Pillow's plugins
        before = peak_kib()
        try:
            extract_file(Path(sys.argv[2]))
        except CorruptFile:
            pass
        print(peak_kib() - before)
    """)
    command = [sys.executable, "-c", script, str(SCANS / "phototest.tif"), str(BAD / "bomb.png")]
    run = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120, check=True)
    growth_kib = int(run.stdout.split()[-1])
    assert growth_kib < 50 * 1024, f"peak memory grew by {growth_kib} KiB"


def test_bad_jpeg_named_pdf_goes_to_the_image_extractor():
    result = extract_file(BAD / "actually-a-jpeg.pdf")
    assert result.mime == "image/jpeg" and len(result.ocr_jobs) == 1 and not result.pages


def test_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(CorruptFile, match="file too large"):
        extract_file(BAD / "notes.txt", settings=Settings(max_file_mb=0))


# --- the registry -----------------------------------------------------------------------------


class _LoudText(TextExtractor):
    SCORE = 50


def test_registry_runs_the_highest_bidder_and_refuses_what_nobody_bids_on(tmp_path):
    registry = Registry((PdfExtractor, TextExtractor, _LoudText, ImageExtractor, DocxExtractor))
    assert registry.auction("text/plain", BAD / "notes.txt") is _LoudText
    assert registry.auction("application/pdf", BAD / "truncated.pdf") is PdfExtractor
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(UnsupportedFormat, match=r"\(application/zip\)$"):
        registry.extract(tmp_path / "photos.zip")


def test_every_extractor_declares_tuples():
    for cls in (PdfExtractor, ImageExtractor, DocxExtractor, TextExtractor):
        assert issubclass(cls, Extractor) and isinstance(cls.MIME_TYPES, tuple) and cls.SCORE > 0
