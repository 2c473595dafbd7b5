"""What an extractor returns: plain records of pages, metadata and pending OCR work."""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PageText", "OcrJob", "Extraction"]


@dataclass
class PageText:
    """The text of one page and where it came from (`text-layer` or `ocr`)."""

    n: int
    text: str
    origin: str = "text-layer"
    confidence: float | None = None
    language: str | None = None


@dataclass(frozen=True)
class OcrJob:
    """One page still to be read by Tesseract: which file, which page or frame, and how."""

    path: str
    n: int  # 1-based page number in the item
    source: str  # "pdf" (render page n-1) or "image" (frame n-1)
    lang: str = "vie+eng"
    psm: int = 3
    dpi: int = 300


@dataclass
class Extraction:
    """Everything read from one file: its real type, pages, OCR work left, metadata and warnings."""

    mime: str
    kind: str = "document"
    pages: list[PageText] = field(default_factory=list)
    ocr_jobs: list[OcrJob] = field(default_factory=list)
    metadata: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    thumbnail: bytes | None = None  # JPEG bytes
