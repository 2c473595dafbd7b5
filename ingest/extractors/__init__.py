"""One extractor per file format; `EXTRACTORS` is what the default registry auctions among.

Every extractor fills `Extraction.metadata` with these keys when the file says something
meaningful (placeholders such as "Microsoft Word - x.doc" titles or template authors are dropped),
named as the Item fields they feed: `title`, `creator`, `description`, `subject` (list of
keywords), `date` (ISO "YYYY-MM-DD"), `page_count`; images also `width`, `height`, `camera`
("Make Model"), `gps` ((lat, lon) in decimal degrees) and `digitized` (a scanner's EXIF date,
which is not the item's date); audio-visual files also `media` (ffprobe facts, subtitle
tracks and each page's time range: ingest/extractors/media.py).
"""
from __future__ import annotations

from ingest.extractors.docx import DocxExtractor
from ingest.extractors.image import ImageExtractor
from ingest.extractors.media import MediaExtractor
from ingest.extractors.pdf import PdfExtractor
from ingest.extractors.text import TextExtractor
from ingest.registry import Extractor

__all__ = ["EXTRACTORS", "DocxExtractor", "ImageExtractor", "MediaExtractor", "PdfExtractor",
           "TextExtractor"]

EXTRACTORS: tuple[type[Extractor], ...] = (
    PdfExtractor, ImageExtractor, DocxExtractor, TextExtractor, MediaExtractor,
)
