"""Identify a file by its content (magic bytes), never by its name."""
from __future__ import annotations

import codecs
import logging
import zipfile
from pathlib import Path

from archive.errors import CorruptFile

__all__ = ["sniff_mime", "DOCX_MIME", "OCTET_STREAM"]

log = logging.getLogger(__name__)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OCTET_STREAM = "application/octet-stream"

_HEAD_BYTES = 64 * 1024  # enough to judge text; binary magics need only the first few bytes
_PDF_WINDOW = 1024  # PDF readers accept junk before %PDF within the first KiB
_Signature = tuple[tuple[tuple[int, bytes], ...], str]  # ((offset, magic), ...), mime
# Every magic of a signature must sit at its offset.
_SIGNATURES: tuple[_Signature, ...] = (
    (((0, b"\xff\xd8\xff"),), "image/jpeg"),
    (((0, b"\x89PNG\r\n\x1a\n"),), "image/png"),
    (((0, b"II*\x00"),), "image/tiff"),
    (((0, b"MM\x00*"),), "image/tiff"),
    (((0, b"GIF87a"),), "image/gif"),
    (((0, b"GIF89a"),), "image/gif"),
    (((0, b"RIFF"), (8, b"WEBP")), "image/webp"),
)
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_TEXT_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never appear in plain text (tab, LF, FF, CR and ESC are allowed).
_BINARY_CONTROLS = frozenset(
    (*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F)
)


def sniff_mime(path: Path) -> str:
    """Return the MIME type of `path` judged by its bytes; raise CorruptFile for an empty file."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head:
        raise CorruptFile("empty file (0 bytes)")
    mime = _by_signature(head) or _by_pdf_marker(head) or _by_zip(path, head) or _by_text(head)
    log.debug("sniffed %s as %s", path, mime or OCTET_STREAM)
    return mime or OCTET_STREAM


def _by_signature(head: bytes) -> str | None:
    for magics, mime in _SIGNATURES:
        if all(head[offset:offset + len(magic)] == magic for offset, magic in magics):
            return mime
    return None


def _by_pdf_marker(head: bytes) -> str | None:
    return "application/pdf" if b"%PDF" in head[:_PDF_WINDOW] else None


def _by_zip(path: Path, head: bytes) -> str | None:
    if not head.startswith(_ZIP_MAGICS):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as e:
        log.debug("%s looks like a zip but is not readable as one: %s", path, e)
        return "application/zip"
    return DOCX_MIME if "word/document.xml" in names else "application/zip"


def _by_text(head: bytes) -> str | None:
    for bom, encoding in _TEXT_BOMS:
        if head.startswith(bom):
            return "text/plain" if _decodes(head, encoding) else None
    if any(byte in _BINARY_CONTROLS for byte in head):
        return None
    return "text/plain" if _decodes(head, "utf-8") else None


def _decodes(head: bytes, encoding: str) -> bool:
    # Incremental, not final: the head may end inside a multi-byte character.
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True
