"""Identify a file by its content (magic bytes), never by its name."""
from __future__ import annotations

import codecs
import logging
import zipfile
from pathlib import Path

from archive.errors import CorruptFile

__all__ = ["sniff_mime", "DOCX_MIME", "OCTET_STREAM", "MEDIA_MIMES", "ISO_MIME", "TAR_MIME",
           "IFO_MIME"]

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
    # Audio-visual containers (ingest/extractors/media.py reads them through ffprobe).
    (((0, b"RIFF"), (8, b"WAVE")), "audio/wav"),
    (((0, b"RIFF"), (8, b"AVI ")), "video/x-msvideo"),
    (((0, b"RIFF"), (8, b"CDXA")), "video/mpeg"),  # a VCD's AVSEQnn.DAT: MPEG-1 in CD-XA
    (((0, b"fLaC"),), "audio/flac"),
    (((0, b"OggS\x00"),), "audio/ogg"),  # Vorbis/Opus, or Theora video: ffprobe tells later
    (((0, b"\x00\x00\x01\xba"),), "video/mpeg"),  # MPEG-1/2 program stream (DVD VOB)
    (((0, b"\x00\x00\x01\xb3"),), "video/mpeg"),  # MPEG-1/2 video elementary stream
    (((0x8001, b"CD001"),), "application/x-iso9660-image"),  # a CD or DVD image
    (((257, b"ustar"),), "application/x-tar"),  # e.g. a DVD's VIDEO_TS folder, packed
    (((0, b"DVDVIDEO-"),), "application/x-dvd-ifo"),  # VIDEO_TS.IFO/.BUP, VTS_nn_0.IFO
)
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"  # Matroska and WebM; the DocType says which
_FTYP_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"M4P ", b"F4A ")
_FTYP_QUICKTIME = b"qt  "
_TS_PACKET = 188  # an MPEG transport stream: a 0x47 sync byte every 188 bytes
ISO_MIME = "application/x-iso9660-image"
TAR_MIME = "application/x-tar"
IFO_MIME = "application/x-dvd-ifo"
# What ingest/extractors/media.py reads (of disc images, the video DVDs: ingest/disc.py).
MEDIA_MIMES = (ISO_MIME, "audio/wav", "video/x-msvideo", "video/mpeg", "audio/flac", "audio/ogg",
               "audio/mpeg", "audio/mp4", "audio/aac", "video/mp4", "video/quicktime",
               "video/webm", "video/x-matroska", "video/mp2t")
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
    mime = (_by_signature(head) or _by_media(head) or _by_pdf_marker(head)
            or _by_zip(path, head) or _by_text(head))
    log.debug("sniffed %s as %s", path, mime or OCTET_STREAM)
    return mime or OCTET_STREAM


def _by_signature(head: bytes) -> str | None:
    for magics, mime in _SIGNATURES:
        if all(head[offset:offset + len(magic)] == magic for offset, magic in magics):
            return mime
    return None


def _by_media(head: bytes) -> str | None:
    """Containers whose magic is not a fixed prefix: ISO BMFF, EBML, MPEG audio frames, TS."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _FTYP_AUDIO_BRANDS:
            return "audio/mp4"
        return "video/quicktime" if brand == _FTYP_QUICKTIME else "video/mp4"
    if head.startswith(_EBML_MAGIC):
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if _id3_tag(head):
        return "audio/mpeg"  # MP3 with an ID3v2 tag in front
    if head.startswith(codecs.BOM_UTF16_LE):  # FF FE also reads as an MPEG layer I frame sync
        return None
    if _mpeg_audio_frame(head):
        return "audio/mpeg"
    if _adts_frame(head):
        return "audio/aac"
    if (_ts_packets(head, 0, _TS_PACKET) or _ts_packets(head, 4, _TS_PACKET + 4)) \
            and _by_text(head) is None:  # 0x47 is "G": a text may have one every 188 bytes
        return "video/mp2t"  # broadcast TS, or a Blu-ray/AVCHD .m2ts (4-byte time first)
    return None


def _id3_tag(head: bytes) -> bool:
    # "ID3", a version 2-4, and a size in four 7-bit bytes: a note starting "ID3 tags" is text.
    return (head[:3] == b"ID3" and len(head) >= 10 and head[3] in (2, 3, 4)
            and all(b < 0x80 for b in head[6:10]))


def _ts_packets(head: bytes, first: int, size: int) -> bool:
    return len(head) >= first + 3 * size and all(head[first + i * size] == 0x47
                                                  for i in range(3))


def _mpeg_audio_frame(head: bytes) -> bool:
    # 11 sync bits, a real layer (not 00, which is ADTS), a valid bitrate and sample rate.
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    layer, bitrate, rate = (head[1] >> 1) & 3, head[2] >> 4, (head[2] >> 2) & 3
    return layer != 0 and (head[1] >> 3) & 3 != 1 and bitrate not in (0, 15) and rate != 3


def _adts_frame(head: bytes) -> bool:
    # AAC in ADTS: 12 sync bits, layer 00, a sample-rate index below 13.
    return (len(head) >= 7 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0
            and (head[2] >> 2) & 0xF < 13)


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
