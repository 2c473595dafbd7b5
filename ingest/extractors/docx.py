"""DOCX (Word 2007+): paragraph text, split into pages at the author's explicit page breaks.

Pages follow explicit breaks only (`<w:br w:type="page"/>` and `pageBreakBefore`): they are what
the author put there and read the same everywhere. `lastRenderedPageBreak` is ignored: only Word
writes it, it reflects one machine's fonts at the last save, and it is absent from files other
tools write. A document without explicit breaks is one page.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from types import MappingProxyType

from archive.errors import CorruptFile
from archive.settings import Settings, load_settings
from ingest.detect import DOCX_MIME
from ingest.extraction import Extraction, PageText
from ingest.normalize import normalize_text
from ingest.registry import Extractor

__all__ = ["DocxExtractor"]

log = logging.getLogger(__name__)

_DOCUMENT_PART = "word/document.xml"
_CORE_PART = "docProps/core.xml"
_MIB = 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_PAGE_BREAK = "\f"  # a sentinel: form feeds do not occur in WordprocessingML text
# Run content and what it stands for in plain text.
_RUN_TEXT = MappingProxyType({
    f"{_W}tab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-", f"{_W}softHyphen": "\u00ad",
})
# Properties, deleted text and field codes hold no visible text; the fallback repeats the choice.
_SKIPPED = (
    f"{_W}pPr", f"{_W}rPr", f"{_W}delText", f"{_W}instrText", f"{_W}sectPr", _MC_FALLBACK,
)
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
# Core properties left as a generator's template wrote them say nothing about the document.
_TEMPLATE_CREATORS = ("python-docx",)
_PLACEHOLDER_NAMES = ("user", "admin", "administrator", "windows user", "microsoft office user",
                      "unknown", "author", "owner")
_BLANK_LINES = re.compile(r"\n{3,}")


class DocxExtractor(Extractor):
    """Word documents (.docx): text per explicit page, core properties."""

    MIME_TYPES = (DOCX_MIME,)
    SCORE = 10

    def extract(
        self,
        path: Path,
        *,
        lang: str = "vie+eng",
        kind_hint: str | None = None,
        settings: Settings | None = None,
    ) -> Extraction:
        """Read the body text (pages at explicit breaks) and the core properties."""
        settings = settings or load_settings()
        body, core = _read_parts(path, settings)
        result = Extraction(mime=DOCX_MIME, kind=kind_hint or "document",
                            metadata=_core_metadata(core))
        texts = [text for text in _page_texts(body) if text]
        result.pages = [PageText(n=n, text=text) for n, text in enumerate(texts, start=1)]
        if not texts:
            result.warnings.append("DOCX has no text")
        result.metadata["page_count"] = len(texts)
        return result


def _read_parts(path: Path, settings: Settings) -> tuple[ET.Element, ET.Element | None]:
    """The parsed document body and core properties (None when the file has none)."""
    try:
        with zipfile.ZipFile(path) as archive:
            document = _parse(archive, _DOCUMENT_PART, settings)
            has_core = _CORE_PART in archive.namelist()
            core = _parse(archive, _CORE_PART, settings) if has_core else None
    except zipfile.BadZipFile as e:
        raise CorruptFile("damaged DOCX: not a readable zip archive") from e
    except KeyError as e:
        raise CorruptFile(f"damaged DOCX: {_DOCUMENT_PART} is missing") from e
    body = document.find(f"{_W}body")
    if body is None:
        raise CorruptFile("damaged DOCX: the document has no body")
    return body, core


def _parse(archive: zipfile.ZipFile, name: str, settings: Settings) -> ET.Element:
    size = archive.getinfo(name).file_size
    if size > settings.max_file_mb * _MIB:
        raise CorruptFile(f"DOCX part {name} unpacks to {size // _MIB} MiB, likely a zip bomb")
    try:
        with archive.open(name) as handle:
            return ET.parse(handle).getroot()
    except ET.ParseError as e:
        raise CorruptFile(f"damaged DOCX: {name} is not well-formed XML ({e})") from e
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        # RuntimeError: an encrypted zip member; NotImplementedError: an unknown compression
        raise CorruptFile(f"damaged DOCX: {name} could not be unpacked") from e


def _page_texts(body: ET.Element) -> list[str]:
    tokens: list[str] = []
    _walk(body, tokens)
    pages = "".join(tokens).split(_PAGE_BREAK)
    return [_BLANK_LINES.sub("\n\n", normalize_text(page)).strip() for page in pages]


def _walk(element: ET.Element, out: list[str]) -> None:
    """Append the visible text under `element` to `out`, in document order."""
    for child in element:
        tag = child.tag
        if tag in _SKIPPED:
            continue
        if tag == f"{_W}p":
            if _is_on(child.find(f"{_W}pPr/{_W}pageBreakBefore")):
                out.append(_PAGE_BREAK)
            _walk(child, out)
            out.append("\n")
        elif tag == f"{_W}t":
            out.append(child.text or "")
        elif tag == f"{_W}br":
            out.append(_PAGE_BREAK if child.get(f"{_W}type") == "page" else "\n")
        elif tag in _RUN_TEXT:
            out.append(_RUN_TEXT[tag])
        else:
            _walk(child, out)


def _is_on(toggle: ET.Element | None) -> bool:
    """A WordprocessingML on/off property: present and not switched off by w:val."""
    return toggle is not None and toggle.get(f"{_W}val", "true") not in ("0", "false", "off")


def _core_metadata(core: ET.Element | None) -> dict[str, object]:
    """title, creator, description, subject and date from docProps/core.xml, when meaningful."""
    if core is None:
        return {}
    raw = {el.tag: normalize_text(el.text or "").strip() for el in core}
    if raw.get(f"{_DC}creator", "").casefold() in _TEMPLATE_CREATORS:
        log.debug("core properties are a template's defaults; ignored")
        return {}
    meta: dict[str, object] = {}
    for key, tag, convert in _CORE_FIELDS:
        if key not in meta and (value := convert(raw.get(tag, ""))):
            meta[key] = value
    return meta


def _plain(raw: str) -> str | None:
    return raw or None


def _person(raw: str) -> str | None:
    return None if raw.casefold() in _PLACEHOLDER_NAMES else raw or None


def _keywords(raw: str) -> list[str] | None:
    return [word.strip() for word in re.split(r"[;,]", raw) if word.strip()] or None


def _w3c_date(raw: str) -> str | None:
    """'2013-12-23T23:15:00Z' -> '2013-12-23'; None when not a calendar date."""
    try:
        return dt.date.fromisoformat(raw[:10]).isoformat()
    except ValueError:
        return None


# (metadata key, core.xml element, converter); the first meaningful value for a key wins.
_CORE_FIELDS = (
    ("title", f"{_DC}title", _plain),
    ("creator", f"{_DC}creator", _person),
    ("description", f"{_DC}subject", _plain),
    ("description", f"{_DC}description", _plain),
    ("subject", f"{_CP}keywords", _keywords),
    ("date", f"{_DCTERMS}created", _w3c_date),
)
