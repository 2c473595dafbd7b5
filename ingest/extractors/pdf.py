"""PDF: the text layer of each page when it holds real text, else an OCR job for that page."""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from archive.errors import CorruptFile, EncryptedFile
from archive.render import MIN_OCR_DPI, check_renderable, fit_dpi, is_blank, render_page
from archive.settings import Settings, load_settings
from ingest.bounds import Deadline, check_pages
from ingest.extraction import Extraction, OcrJob, PageText
from ingest.normalize import normalize_text
from ingest.registry import Extractor, psm_for
from ingest.thumbnails import THUMBNAIL_MAX_PX, thumbnail_jpeg

__all__ = ["PdfExtractor", "has_real_text"]

log = logging.getLogger(__name__)

# MuPDF reports damage ("format error: ...") on stdout by default, which would corrupt
# `ttdn ingest --json`: send it to the "pymupdf" logger instead (stderr unless configured).
pymupdf.set_messages(pylogging=True, pylogging_level=logging.WARNING)

PDF_MIME = "application/pdf"
_OCR_DPI = 300
# A text layer is real when it has at least this many letters (any script: CJK counts) ...
_MIN_LETTERS = 20
# ... and at most this share of its visible characters are junk: unmapped glyphs (U+FFFD, private
# use, control characters: what fonts without a Unicode map extract as), or "?" inside words
# ("Ngh? ??nh"): accented letters lost by a writer whose font or encoding lacked them.
_MAX_JUNK_SHARE = 0.10
_JUNK = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U0010ffff]"
                   r"|(?<=\w)\?|\?(?=\w)")
_ENOUGH_LETTERS = re.compile(r"(?:[^\W\d_][\W\d_]*){%d}" % _MIN_LETTERS)
_SPACE = re.compile(r"\s")
# A scan with a stamped line (a download banner, a page number) is still a scan: its text is short
# and covers little of a page that one or more images cover almost entirely.
_STAMP_MAX_CHARS = 400
_STAMP_MAX_TEXT_SHARE = 0.10
_SCAN_MIN_IMAGE_SHARE = 0.80
# MuPDF's words for a content stream that ends early (read with `TOOLS.mupdf_warnings`).
_CUT_SHORT_SIGNS = ("premature end", "truncated")
# Titles a program filled in: "Microsoft Word - kh51.doc", "Untitled", "Document1", "scan.pdf".
_PLACEHOLDER_TITLE = re.compile(
    r"^(microsoft (word|excel|powerpoint) - .*|untitled.*|document\d*|doc\d*"
    r"|\S+\.(docx?|odt|rtf|pdf|xlsx?))$",
    re.IGNORECASE,
)
_PLACEHOLDER_NAMES = ("user", "admin", "administrator", "windows user", "microsoft office user",
                      "unknown", "author", "owner")
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")
_TEXT_BLOCK = 0  # block_type in page.get_text("blocks")


@dataclass
class _PageResult:
    """What one page gave: real text (or None: OCR it) and damage, if any."""

    text: str | None = None
    damage: str | None = None  # "partial" (read in part) or "lost" (nothing could be read)
    rect: pymupdf.Rect | None = None  # the page's size, for the OCR resolution
    blank: bool = False  # draws nothing at all: no text, image or path, so nothing to OCR


class PdfExtractor(Extractor):
    """PDF files: text layer per page, OCR jobs for scanned pages, document info, thumbnail."""

    MIME_TYPES = (PDF_MIME,)
    SCORE = 10

    def extract(
        self,
        path: Path,
        *,
        lang: str = "vie+eng",
        kind_hint: str | None = None,
        settings: Settings | None = None,
    ) -> Extraction:
        """Read each page's text layer, queue OCR for pages without one, read document info."""
        settings = settings or load_settings()
        deadline = Deadline(settings)
        kind = kind_hint or "document"
        with _open_pdf(path) as doc:
            check_pages(doc.page_count, settings, "PDF")
            result = Extraction(mime=PDF_MIME, kind=kind, metadata=_metadata(doc, path))
            pages = []
            for i in range(doc.page_count):
                deadline.check(f"{i} of {doc.page_count} pages")
                pages.append(_read_page(doc, i))
            for n, page in enumerate(pages, start=1):
                _add_page(result, path, n, page, lang=lang, psm=psm_for(kind), settings=settings)
            _add_damage_warning(result, doc, pages)
            if pages[0].damage != "lost":
                result.thumbnail = _thumbnail(doc, settings)
        return result


def _open_pdf(path: Path) -> pymupdf.Document:
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except (pymupdf.FileDataError, pymupdf.mupdf.FzErrorBase) as e:
        raise CorruptFile("PDF could not be opened: its structure is unreadable") from e
    if doc.needs_pass:
        doc.close()
        raise EncryptedFile("encrypted PDF, password required")
    if doc.page_count == 0:
        doc.close()
        raise CorruptFile("PDF has no pages")
    return doc


def _read_page(doc: pymupdf.Document, index: int) -> _PageResult:
    if doc.is_repaired:
        pymupdf.TOOLS.mupdf_warnings(reset=True)  # start this page's diagnosis afresh
    try:
        page = doc.load_page(index)
        if doc.is_repaired and not _structure_intact(doc, page):
            return _PageResult(damage="lost")
        text = _text_layer(page)
        blank = text is None and is_blank(page)
    except (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase) as e:
        log.warning("PDF page %d could not be read: %s", index + 1, e)
        return _PageResult(damage="lost")
    cut_short = doc.is_repaired and _cut_short(pymupdf.TOOLS.mupdf_warnings(reset=True))
    return _PageResult(text=text, damage="partial" if cut_short else None, rect=page.rect,
                       blank=blank)


def _structure_intact(doc: pymupdf.Document, page: pymupdf.Page) -> bool:
    # In a repaired file a page can point at an object cut off the end, or at a lost content stream.
    try:
        if doc.xref_get_key(page.xref, "Type") != ("name", "/Page"):
            return False
        return all(doc.xref_is_stream(xref) for xref in page.get_contents())
    except ValueError:  # "bad xref": the object is not in the file at all
        return False


def _cut_short(mupdf_warnings: str) -> bool:
    lowered = mupdf_warnings.lower()
    return any(sign in lowered for sign in _CUT_SHORT_SIGNS)


def _text_layer(page: pymupdf.Page) -> str | None:
    """The page's text when it is real text, else None (the page is a scan: OCR it)."""
    blocks = [b for b in page.get_text("blocks") if b[6] == _TEXT_BLOCK]
    text = normalize_text("".join(b[4] for b in blocks)).strip()
    if not has_real_text(text) or _is_stamp_over_scan(page, text, blocks):
        return None
    return text


def has_real_text(text: str) -> bool:
    """True when `text` has at least 20 letters and at most 10 % junk (unmapped or lost glyphs)."""
    if not _ENOUGH_LETTERS.search(text):
        return False
    visible = len(text) - len(_SPACE.findall(text))
    return len(_JUNK.findall(text)) <= _MAX_JUNK_SHARE * visible


def _is_stamp_over_scan(page: pymupdf.Page, text: str, blocks: list[tuple]) -> bool:
    if len(text) > _STAMP_MAX_CHARS:
        return False
    page_area = page.rect.get_area() or 1.0
    text_area = sum((pymupdf.Rect(b[:4]) & page.rect).get_area() for b in blocks)
    if text_area >= _STAMP_MAX_TEXT_SHARE * page_area:
        return False
    images = page.get_image_info()
    image_area = sum((pymupdf.Rect(info["bbox"]) & page.rect).get_area() for info in images)
    return image_area >= _SCAN_MIN_IMAGE_SHARE * page_area


def _add_page(
    result: Extraction, path: Path, n: int, page: _PageResult, *, lang: str, psm: int,
    settings: Settings,
) -> None:
    if page.damage == "lost":
        return
    if page.text is not None or page.blank:
        # A blank page keeps its place (page numbers stay the file's) with its empty text layer.
        result.pages.append(PageText(n=n, text=page.text or "", origin="text-layer"))
        return
    dpi = _ocr_dpi(page.rect, settings, n)
    result.ocr_jobs.append(OcrJob(path=str(path), n=n, source="pdf", lang=lang, psm=psm, dpi=dpi))


def _ocr_dpi(rect: pymupdf.Rect, settings: Settings, n: int) -> int:
    # A poster-sized page at 300 dpi would be a decompression bomb of our own making: lower the
    # resolution to fit TTDN_MAX_PAGE_PIXELS, and refuse a page that does not fit even at 72 dpi.
    check_renderable(rect, settings.max_page_pixels, min_dpi=MIN_OCR_DPI, page=n)
    return int(fit_dpi(rect, _OCR_DPI, settings.max_page_pixels))


def _add_damage_warning(
    result: Extraction, doc: pymupdf.Document, pages: list[_PageResult]
) -> None:
    """Name the damage in a warning; when no page is left to read, the file is corrupt."""
    lost = [n for n, page in enumerate(pages, start=1) if page.damage == "lost"]
    partial = [n for n, page in enumerate(pages, start=1) if page.damage == "partial"]
    notes = ["repaired on open"] if doc.is_repaired else []
    notes += [f"{_pages_phrase(partial)} read only in part"] if partial else []
    notes += [f"{_pages_phrase(lost)} could not be read"] if lost else []
    if not notes:
        return
    message = "damaged PDF: " + "; ".join(notes)
    if not result.pages and not result.ocr_jobs:
        raise CorruptFile(message)
    result.warnings.append(message)


def _pages_phrase(numbers: list[int]) -> str:
    """'page 3', 'pages 4–9' or 'pages 1, 3–4'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    spans = [str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs]
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(spans)


def _metadata(doc: pymupdf.Document, path: Path) -> dict[str, object]:
    """Document info that says something: title, creator, description, subject, date."""
    raw = doc.metadata or {}
    info = {key: normalize_text(text).strip() for key, text in raw.items() if isinstance(text, str)}
    meta: dict[str, object] = {"page_count": doc.page_count}
    if info.get("title") and not _is_placeholder_title(info["title"], path):
        meta["title"] = info["title"]
    if info.get("author") and info["author"].lower() not in _PLACEHOLDER_NAMES:
        meta["creator"] = info["author"]
    if info.get("subject"):
        meta["description"] = info["subject"]
    if subjects := [s.strip() for s in re.split(r"[;,]", info.get("keywords", "")) if s.strip()]:
        meta["subject"] = subjects
    if date := _pdf_date(info.get("creationDate", "")):
        meta["date"] = date
    return meta


def _is_placeholder_title(title: str, path: Path) -> bool:
    names = (path.name.casefold(), path.stem.casefold())
    return bool(_PLACEHOLDER_TITLE.match(title)) or title.casefold() in names


def _pdf_date(raw: str) -> str | None:
    """'D:20170302101500+07'00'' -> '2017-03-02'; None when absent or not a calendar date."""
    match = _PDF_DATE.match(raw)
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def _thumbnail(doc: pymupdf.Document, settings: Settings) -> bytes | None:
    try:
        page = doc.load_page(0)
        dpi = THUMBNAIL_MAX_PX * 72 / max(page.rect.width, page.rect.height, 1.0)
        image = render_page(page, dpi=dpi, max_pixels=settings.max_page_pixels)
    except (CorruptFile, RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase) as e:
        log.warning("no thumbnail for %s: %s", doc.name, e)
        return None
    return thumbnail_jpeg(image)
