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
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

from archive.errors import CorruptFile
from archive.settings import Settings, load_settings
from ingest.bounds import Deadline, check_pages
from ingest.detect import DOCX_MIME
from ingest.extraction import Extraction, PageText
from ingest.normalize import normalize_text
from ingest.registry import Extractor

__all__ = ["DocxExtractor"]

log = logging.getLogger(__name__)

_DOCUMENT_PART = "word/document.xml"
_CORE_PART = "docProps/core.xml"
_MIB = 1024 * 1024
_CHUNK = 64 * 1024  # bytes handed to the XML parser at a time
_CHECK_EVERY = 10_000  # XML elements between two looks at the clock
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY, _P, _PPR, _T, _BR = f"{_W}body", f"{_W}p", f"{_W}pPr", f"{_W}t", f"{_W}br"
_PAGE_BREAK_BEFORE = f"{_W}pageBreakBefore"
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
        deadline = Deadline(settings)
        tokens, core = _read_parts(path, settings, deadline)
        result = Extraction(mime=DOCX_MIME, kind=kind_hint or "document",
                            metadata=_core_metadata(core))
        texts = [text for text in _page_texts(tokens) if text]
        check_pages(len(texts), settings, "DOCX")
        result.pages = [PageText(n=n, text=text) for n, text in enumerate(texts, start=1)]
        if not texts:
            result.warnings.append("DOCX has no text")
        result.metadata["page_count"] = len(texts)
        return result


def _read_parts(path: Path, settings: Settings,
                deadline: Deadline) -> tuple[list[str], dict[str, str]]:
    """The body's text tokens in order and the core properties' texts by tag ({} without)."""
    try:
        with zipfile.ZipFile(path) as archive:
            tokens = _body_tokens(_events(archive, _DOCUMENT_PART, settings), deadline)
            has_core = _CORE_PART in archive.namelist()
            core = _core_texts(_events(archive, _CORE_PART, settings)) if has_core else {}
    except zipfile.BadZipFile as e:
        raise CorruptFile("damaged DOCX: not a readable zip archive") from e
    except KeyError as e:
        raise CorruptFile(f"damaged DOCX: {_DOCUMENT_PART} is missing") from e
    return tokens, core


def _part_too_large(name: str, limit: int) -> CorruptFile:
    return CorruptFile(
        f"DOCX part {name} unpacks to more than {limit / _MIB:g} MiB "
        f"(TTDN_MAX_DOCX_PART_BYTES={limit}), likely a zip bomb: ask for the document as PDF")


class _CountedPart:
    """A zip member read through a byte counter: past the bound it fails, whatever the header
    claims, so the parser never sees more than TTDN_MAX_DOCX_PART_BYTES."""

    def __init__(self, handle, name: str, limit: int) -> None:
        self._handle, self._name, self._limit, self.count = handle, name, limit, 0

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (one chunk when `size` is negative)."""
        data = self._handle.read(size if size > 0 else _CHUNK)
        self.count += len(data)
        if self.count > self._limit:
            raise _part_too_large(self._name, self._limit)
        return data


def _events(archive: zipfile.ZipFile, name: str,
            settings: Settings) -> Iterator[tuple[str, ET.Element]]:
    """The part's start and end events, parsed as a stream: a tree of 2 million paragraphs
    would cost gigabytes; each element is dropped once its end has been seen."""
    limit = settings.max_docx_part_bytes
    if archive.getinfo(name).file_size > limit:  # quick refusal; the counter does not trust it
        raise _part_too_large(name, limit)
    open_elements: list[ET.Element] = []
    try:
        with archive.open(name) as handle:
            for event, element in ET.iterparse(_CountedPart(handle, name, limit),
                                               events=("start", "end")):
                if event == "start":
                    open_elements.append(element)
                    yield event, element
                    continue
                yield event, element
                open_elements.pop()
                if open_elements:
                    # Its parent forgets the children already read (later ones the parser has
                    # already built are still held by their own events).
                    del open_elements[-1][:]
    except ET.ParseError as e:
        raise CorruptFile(f"damaged DOCX: {name} is not well-formed XML ({e})") from e
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        # RuntimeError: an encrypted zip member; NotImplementedError: an unknown compression
        raise CorruptFile(f"damaged DOCX: {name} could not be unpacked") from e


def _body_tokens(events: Iterator[tuple[str, ET.Element]], deadline: Deadline) -> list[str]:
    """The visible text under w:body, in document order, with _PAGE_BREAK at explicit breaks."""
    out: list[str] = []
    path: list[str] = []  # tags of the open elements
    skipping = 0  # depth inside a skipped element (properties, deleted text, fallbacks)
    in_body = seen_body = False
    for count, (event, element) in enumerate(events):
        if count % _CHECK_EVERY == 0:
            deadline.check(f"{count} XML elements")
        tag = element.tag
        if event == "start":
            path.append(tag)
            in_body = in_body or tag == _BODY
            seen_body = seen_body or in_body
            if skipping or (in_body and tag in _SKIPPED):
                skipping += 1
            continue
        if in_body:
            _emit(out, element, path, skipping)
        skipping -= 1 if skipping else 0
        in_body = in_body and tag != _BODY
        path.pop()
    if not seen_body:
        raise CorruptFile("damaged DOCX: the document has no body")
    return out


def _emit(out: list[str], element: ET.Element, path: list[str], skipping: int) -> None:
    """Append what the end of `element` adds to the text."""
    tag = element.tag
    if skipping:
        # A paragraph's own pageBreakBefore sits in its (skipped) properties, read all the same.
        if skipping == 2 and tag == _PAGE_BREAK_BEFORE and path[-3:-1] == [_P, _PPR] \
                and _is_on(element):
            out.append(_PAGE_BREAK)
        return
    if tag == _P:
        out.append("\n")
    elif tag == _T:
        out.append(element.text or "")
    elif tag == _BR:
        out.append(_PAGE_BREAK if element.get(f"{_W}type") == "page" else "\n")
    elif tag in _RUN_TEXT:
        out.append(_RUN_TEXT[tag])


def _core_texts(events: Iterator[tuple[str, ET.Element]]) -> dict[str, str]:
    """The text of each property (a direct child of the root) by tag."""
    texts: dict[str, str] = {}
    depth = 0
    for event, element in events:
        depth += 1 if event == "start" else -1
        if event == "end" and depth == 1:
            texts[element.tag] = element.text or ""
    return texts


def _page_texts(tokens: list[str]) -> list[str]:
    pages = "".join(tokens).split(_PAGE_BREAK)
    return [_BLANK_LINES.sub("\n\n", normalize_text(page)).strip() for page in pages]


def _is_on(toggle: ET.Element | None) -> bool:
    """A WordprocessingML on/off property: present and not switched off by w:val."""
    return toggle is not None and toggle.get(f"{_W}val", "true") not in ("0", "false", "off")


def _core_metadata(core: dict[str, str]) -> dict[str, object]:
    """title, creator, description, subject and date from docProps/core.xml, when meaningful."""
    raw = {tag: normalize_text(text).strip() for tag, text in core.items()}
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
