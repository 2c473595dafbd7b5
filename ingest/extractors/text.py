"""Plain text files: UTF-8, or UTF-8/UTF-16 with a byte-order mark; one page."""
from __future__ import annotations

import codecs
import logging
from pathlib import Path

from archive.errors import CorruptFile
from archive.settings import Settings
from ingest.extraction import Extraction, PageText
from ingest.normalize import normalize_text
from ingest.registry import Extractor

__all__ = ["TextExtractor"]

log = logging.getLogger(__name__)

TEXT_MIME = "text/plain"
# Longest BOM first: a UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


class TextExtractor(Extractor):
    """Plain text notes and transcripts."""

    MIME_TYPES = (TEXT_MIME,)
    SCORE = 10

    def extract(
        self,
        path: Path,
        *,
        lang: str = "vie+eng",
        kind_hint: str | None = None,
        settings: Settings | None = None,
    ) -> Extraction:
        """Decode the whole file as one page of text."""
        text = normalize_text(decode_text(Path(path).read_bytes())).strip()
        result = Extraction(mime=TEXT_MIME, kind=kind_hint or "document")
        if text:
            result.pages.append(PageText(n=1, text=text, origin="text-layer"))
        else:
            result.warnings.append("text file holds only blank space")
        result.metadata["page_count"] = len(result.pages)
        return result


def decode_text(data: bytes) -> str:
    """Decode by byte-order mark, else as UTF-8; raise CorruptFile when the bytes do not decode."""
    encoding, label, body = "utf-8", "UTF-8", data
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            encoding, label, body = codec, name, data[len(bom):]
            break
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as e:
        raise CorruptFile(
            f"text is not valid {label}: byte {e.object[e.start]:#04x} at offset {e.start}"
        ) from e
