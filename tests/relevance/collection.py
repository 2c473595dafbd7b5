"""The evaluation collection, built from text directly: no OCR, no ingest, deterministic.

Items are the files of ``../shared/eval/corpus`` (which holds every file of ``corpus/``), with
the metadata staff give: the repo's ``corpus/manifest.csv`` where it names the file, else the
eval manifest, then ``truth/truth.json`` (number, date, issuer, type, title). Page texts come
from the born-digital files' text layers (PyMuPDF; the DOCX's paragraphs) and, for image-only
scans, from the exact transcriptions in ``truth/*.gt.txt``; scans and images without one are
items with metadata only (as a record without a file would be). The manifests' DVD and CD
records are items too.

The same items feed this engine (a real catalog, then ``rebuild_index``) and the SQLite FTS5
baseline (``fts.py``), so the relevance table compares ranking and nothing else.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from archive.catalog import Catalog
from archive.models import Item, Page
from archive.settings import load_settings
from search.index import rebuild_index

__all__ = ["REPO", "EVAL", "Doc", "load_docs", "build_home", "item_text"]

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO.parent / "shared" / "eval"
_LINES_PER_PAGE = 40  # transcriptions are paginated like the scans they transcribe
_LISTS = ("languages", "places", "subjects", "partner_units")


@dataclass
class Doc:
    """One item of the collection: where it came from, its record, its pages."""

    source: str
    item: Item
    pages: list[Page]


def _manifest(path: Path) -> dict[str, dict]:
    """Manifest rows by file (or by identifier for records without a file)."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {row["file"] or f"record:{row['identifier']}": row for row in rows}


def _pdf_pages(path: Path) -> list[str]:
    with pymupdf.open(path) as doc:
        return [page.get_text() for page in doc]


def _docx_pages(path: Path) -> list[str]:
    """The paragraphs of a DOCX as one page (it has no fixed pages)."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    paragraphs = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<w:p[ >].*?</w:p>", xml)]
    return ["\n".join(p for p in paragraphs if p.strip())]


def _transcription(source: str) -> list[str]:
    """Pages of a scan's exact transcription, if there is one."""
    path = EVAL / "truth" / f"{Path(source).stem}.gt.txt"
    if not path.exists():
        return []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return ["\n".join(lines[i:i + _LINES_PER_PAGE]) for i in range(0, len(lines),
                                                                 _LINES_PER_PAGE)]


def _texts(source: str) -> list[str]:
    path = EVAL / "corpus" / source
    if source.startswith("record:") or path.suffix.lower() in (".jpg", ".tif", ".png"):
        return _transcription(source)
    if path.suffix.lower() == ".docx":
        return _docx_pages(path)
    pages = _pdf_pages(path)
    return pages if any(p.strip() for p in pages) else _transcription(source)


def _kind(source: str, row: dict) -> str:
    if row.get("kind"):
        return row["kind"]
    return "photo" if source.endswith(".jpg") else "document"


def _item(source: str, row: dict, truth: dict) -> Item:
    """The record: manifest values first, then truth.json's."""
    values = {k: v for k, v in row.items() if v}
    lists = {k: [x.strip() for x in values.pop(k, "").split(";") if x.strip()] for k in _LISTS}
    year = values.get("date") or truth.get("date")
    return Item(
        id=hashlib.sha256(source.encode()).hexdigest()[:16], kind=_kind(source, row),
        access=values.get("access") or truth.get("access", "internal"),
        title=values.get("title") or truth.get("title"),
        doc_number=values.get("doc_number") or truth.get("doc_number"),
        doc_type=truth.get("type"), issuer=values.get("issuer") or truth.get("issuer"),
        issued=truth.get("issued"), date=year, period=values.get("period"),
        lead_unit=values.get("lead_unit"), collection=values.get("collection"),
        description=values.get("description"), creator=values.get("creator"),
        identifier=values.get("identifier"), languages=lists["languages"] or ["vi"],
        places=lists["places"], subject=lists["subjects"],
        partner_units=lists["partner_units"])


def load_docs() -> list[Doc]:
    """Every item of the collection, in a fixed order."""
    truth = json.loads((EVAL / "truth" / "truth.json").read_text(encoding="utf-8"))
    rows = _manifest(EVAL / "corpus" / "manifest.csv")
    rows.update(_manifest(REPO / "corpus" / "manifest.csv"))  # the richer metadata wins
    files = sorted(str(p.relative_to(EVAL / "corpus")) for p in (EVAL / "corpus").rglob("*")
                   if p.is_file() and p.name != "manifest.csv")
    sources = files + sorted(k for k in rows if k.startswith("record:"))
    docs = []
    for source in sources:
        item = _item(source, rows.get(source, {}), truth.get(source, {}))
        texts = _texts(source)
        docs.append(Doc(source, item, [Page(n, t) for n, t in enumerate(texts, 1) if t.strip()]))
    return docs


def item_text(doc: Doc) -> str:
    """Everything the baseline indexes for an item besides its title: metadata and pages."""
    item = doc.item
    meta = [item.doc_number, item.issuer, item.doc_type, item.lead_unit, item.collection,
            item.description, item.period, item.identifier, *item.places, *item.subject]
    return "\n".join([*(m for m in meta if m), *(p.text for p in doc.pages)])


_BUILT: dict[Path, Path] = {}


def build_home(base: Path) -> Path:
    """A data home under `base` holding the collection's catalog and index (built once)."""
    if base in _BUILT:
        return _BUILT[base]
    home = base / "eval-home"
    settings = load_settings(home)
    with Catalog(settings.catalog_path) as catalog:
        for doc in load_docs():
            # A record without a file has no source; hits name it by its identifier.
            sources = [] if doc.source.startswith("record:") else [doc.source]
            catalog.save_item(doc.item, pages=doc.pages, sources=sources)
        rebuild_index(settings, catalog, procs=1)
    _BUILT[base] = home
    return home
