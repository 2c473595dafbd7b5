"""Assemble an Item from what extraction, the document header and the manifest say (manifest wins)."""
from __future__ import annotations

from collections import Counter
from dataclasses import fields
from pathlib import Path

from archive.catalog import now_iso
from archive.models import Item, Page

from .extraction import Extraction
from .language import guess_languages, main_language
from .map_ocr import places_in_text
from .metadata.citations import issuer_from_number, type_from_number
from .metadata.filename import number_from_filename
from .metadata.header import read_document
from .metadata.manifest import ManifestRow
from .metadata.titles import fallback_title, title_from_text
from .normalize import strip_controls

__all__ = ["build_item", "record_item", "ITEM_ID_LENGTH"]

ITEM_ID_LENGTH = 16  # hex characters of the original's sha256
_TITLE_OCR = 70  # mean OCR confidence a page needs for its heading to become the title
_FROM_EXTRACTION = ("title", "date", "creator", "description", "rights", "identifier",
                    "publisher", "subject", "media")
_FROM_HEADER = ("doc_number", "issued", "issuer", "doc_type", "signer", "signer_capacity",
                "recipients", "title")


def build_item(sha256: str, ext: Extraction, pages: list[Page], row: ManifestRow | None,
               path: Path) -> tuple[Item, list[str]]:
    """The item for one file and the document numbers it cites.

    Extracted values come first, then the administrative header's, then the manifest's.
    """
    item = Item(id=sha256[:ITEM_ID_LENGTH], kind=ext.kind, format=ext.mime, sha256=sha256,
                created_at=now_iso())
    for page in pages:  # before the header is read from them, so its fields come out clean
        page.text = strip_controls(page.text)
    _apply(item, {k: ext.metadata.get(k) for k in _FROM_EXTRACTION})
    if "gps" in ext.metadata:
        lat, lon = ext.metadata["gps"]
        _apply(item, {"coverage": f"{lat:.6f}, {lon:.6f}"})
    cites: list[str] = []
    if item.kind in ("document", "publication") and pages:
        header = read_document([p.text for p in pages])
        _apply(item, {name: getattr(header, name, None) for name in _FROM_HEADER})
        _apply(item, {"issued_place": header.place})
        cites = [c.doc_number for c in header.citations]
        _number_from_name(item, path)
        if not header.title:  # no trích yếu: the text's own heading, never the file name
            _apply(item, {"title": _text_title(item, path, pages)})
    _set_languages(item, pages)
    if item.kind == "map" and pages:  # the place names printed on a sheet say what it shows
        _apply(item, {"places": places_in_text("\n".join(p.text for p in pages))})
    item.warnings = list(ext.warnings) + _name_mismatch(path, ext.mime)
    if row:
        row.apply(item)
        item.warnings += row.problems
    item.title = item.title or fallback_title(item.doc_type, item.doc_number) or path.stem
    item.status = "warning" if item.warnings else "ok"
    _strip_controls(item)
    return item, cites


# What a file name's extension promises (main type, or exact types): only these are checked.
_PROMISED = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
             ".tif": "image/tiff", ".tiff": "image/tiff", ".gif": "image/gif",
             ".pdf": "application/pdf", ".txt": "text/", ".mp3": "audio/", ".mp4": "video/",
             ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _name_mismatch(path: Path, mime: str) -> list[str]:
    """A warning when the extension promises other content than the bytes hold (fake.jpg)."""
    promised = _PROMISED.get(path.suffix.lower())
    if promised is None or (mime or "").startswith(promised):
        return []
    return [f"content and name disagree: the name ends in {path.suffix} but the content is "
            f"{mime}; archived as what the content is"]


def _text_title(item: Item, path: Path, pages: list[Page]) -> str | None:
    """The text's title when what extraction gave is missing or only the file's name."""
    if item.title and not _names_the_file(item.title, path):
        return item.title
    # OCR read off a map or a stained scan is no title: only pages read with confidence.
    texts = [p.text for p in pages if p.origin != "ocr" or (p.confidence or 0) >= _TITLE_OCR]
    return title_from_text(texts, item.doc_type)


def _names_the_file(title: str, path: Path) -> bool:
    """Whether a title only repeats the file name ("69-2026-tt-bca", "scan_0001.pdf")."""
    def plain(text: str) -> str:
        return "".join(c for c in text.casefold() if c.isalnum())
    return plain(title) in (plain(path.stem), plain(path.name))


def _number_from_name(item: Item, path: Path) -> None:
    """When the text names no number (a form, a blank first page), the file name may."""
    if item.doc_number:
        return
    number = number_from_filename(path.stem)
    if number:
        _apply(item, {"doc_number": number})
        if not item.doc_type:
            _apply(item, {"doc_type": type_from_number(number)})
        if not item.issuer:
            _apply(item, {"issuer": issuer_from_number(number)})


def _strip_controls(item: Item) -> None:
    """Drop control characters from every text field, whatever gave it (file, header, manifest)."""
    for spec in fields(item):
        value = getattr(item, spec.name)
        if isinstance(value, str):
            setattr(item, spec.name, strip_controls(value))
        elif isinstance(value, list):
            setattr(item, spec.name, [strip_controls(v) if isinstance(v, str) else v
                                      for v in value])


def _apply(item: Item, values: dict) -> None:
    for name, value in values.items():
        if value not in (None, "", [], ()):
            setattr(item, name, value)
            item.origins[name] = "extracted"


def _set_languages(item: Item, pages: list[Page]) -> None:
    counts: Counter = Counter()
    for page in pages:
        found = guess_languages(page.text)
        page.language = page.language or main_language(page.text, found)
        counts.update(found)
    if counts:
        item.languages = [code for code, _ in counts.most_common()]
        item.origins["languages"] = "extracted"


def record_item(row: ManifestRow) -> Item:
    """The item for a manifest row without a file (DVD, CD, VCD, a book on a shelf)."""
    item = Item(id=row.record_id, kind="other", created_at=now_iso())
    row.apply(item)
    item.identifier = item.identifier or row.source
    item.title = item.title or row.source
    item.warnings = list(row.problems)
    item.status = "warning" if item.warnings else "ok"
    _strip_controls(item)
    return item
