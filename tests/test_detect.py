"""Identifying files by their bytes: the eval set's real files and small ones made here."""
from __future__ import annotations

import codecs
import zipfile

import pytest
from PIL import Image

from archive.errors import CorruptFile
from ingest.detect import DOCX_MIME, OCTET_STREAM, sniff_mime

from .conftest import BAD, REPO


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("corpus/documents/06-2026-tt-bnv.pdf", "application/pdf"),
        ("corpus/documents/66-2026-tt-btc.docx", DOCX_MIME),
        ("corpus/media/anh-cua-khau-huu-nghi-2017.jpg", "image/jpeg"),
        ("tests/fixtures/scans/eurotext.tif", "image/tiff"),
        ("tests/fixtures/bad/actually-a-jpeg.pdf", "image/jpeg"),
        ("tests/fixtures/bad/bomb.png", "image/png"),
        ("tests/fixtures/bad/encrypted.pdf", "application/pdf"),
        ("tests/fixtures/bad/truncated.pdf", "application/pdf"),
        ("tests/fixtures/bad/notes.txt", "text/plain"),
        ("tests/fixtures/bad/random-bytes.pdf", OCTET_STREAM),
    ],
)
def test_eval_files_are_known_by_content_not_name(name, mime):
    assert sniff_mime(REPO / name) == mime


def test_empty_file_is_corrupt():
    with pytest.raises(CorruptFile, match=r"^empty file \(0 bytes\)$"):
        sniff_mime(BAD / "empty.pdf")


def test_pdf_marker_is_found_after_leading_junk_within_the_first_kib(tmp_path):
    near, far = tmp_path / "near.bin", tmp_path / "far.bin"
    near.write_bytes(b"\x00\x01junk" * 50 + b"%PDF-1.4\n")
    far.write_bytes(b"\x00\x01junk" * 200 + b"%PDF-1.4\n")
    assert sniff_mime(near) == "application/pdf"
    assert sniff_mime(far) == OCTET_STREAM


@pytest.mark.parametrize(("fmt", "mime"), [("GIF", "image/gif"), ("WEBP", "image/webp"),
                                           ("PNG", "image/png"), ("TIFF", "image/tiff")])
def test_images_made_by_pillow(tmp_path, fmt, mime):
    path = tmp_path / "picture.dat"
    Image.new("RGB", (8, 8), "white").save(path, format=fmt)
    assert sniff_mime(path) == mime


def test_big_endian_tiff_header(tmp_path):
    path = tmp_path / "motorola.tif"
    path.write_bytes(b"MM\x00*\x00\x00\x00\x08" + bytes(64))
    assert sniff_mime(path) == "image/tiff"


def test_zip_is_docx_only_with_a_word_document_part(tmp_path):
    docx, other = tmp_path / "a.docx", tmp_path / "b.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("content.xml", "<office/>")
    assert sniff_mime(docx) == DOCX_MIME
    assert sniff_mime(other) == "application/zip"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8"])
def test_text_with_a_byte_order_mark(tmp_path, encoding):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-8": codecs.BOM_UTF8}[encoding]
    path = tmp_path / "note.bin"
    path.write_bytes(bom + "Sở Ngoại vụ tỉnh Lạng Sơn".encode(encoding))
    assert sniff_mime(path) == "text/plain"


def test_utf8_text_cut_mid_character_by_the_sniff_window_is_still_text(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes("ệ".encode() * 30_000)  # 90 000 bytes: the 64 KiB window ends inside a letter
    assert sniff_mime(path) == "text/plain"


def test_legacy_8bit_and_binary_bytes_are_not_text(tmp_path):
    latin1, binary = tmp_path / "latin1.txt", tmp_path / "nul.txt"
    latin1.write_bytes("Société générale".encode("latin-1"))
    binary.write_bytes(b"plain words\x00\x00 and a NUL")
    assert sniff_mime(latin1) == OCTET_STREAM
    assert sniff_mime(binary) == OCTET_STREAM
