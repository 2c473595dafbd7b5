"""The evaluation collection, built from text directly: no OCR, no ingest, deterministic.

Items are the files of the evaluation corpus (which holds every file of ``corpus/``), with
the metadata staff give: the repo's ``corpus/manifest.csv`` where it names the file, else the
eval manifest, then ``truth/truth.json`` (number, date, issuer, type, title). Page texts come
from the born-digital files' text layers (PyMuPDF; the DOCX's paragraphs) and, for image-only
scans, from the exact transcriptions in ``truth/*.gt.txt``; scans and images without one are
items with metadata only (as a record without a file would be). The manifests' DVD and CD
records are items too.

The suite reads what the collection takes from the evaluation set (file list, eval manifest,
truth.json, page texts) from a frozen copy, ``tests/fixtures/relevance-eval.json.xz``, so that a
clone alone runs it; ``make relevance`` reads the set itself (``bench/eval_text.py``) and says
when the copy is stale. Refresh it with ``.venv/bin/python -m bench.eval_text --freeze``.

The same items feed this engine (a real catalog, then ``rebuild_index``) and the SQLite FTS5
baseline (``fts.py``), so the relevance table compares ranking and nothing else.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import lzma
from dataclasses import dataclass
from pathlib import Path

from archive.catalog import Catalog
from archive.models import Item, Page
from archive.settings import load_settings
from search.index import rebuild_index

__all__ = ["REPO", "FROZEN", "Doc", "EvalText", "manifest_rows", "read_frozen", "load_docs",
           "build_home", "item_text"]

REPO = Path(__file__).resolve().parents[2]
FROZEN = REPO / "tests" / "fixtures" / "relevance-eval.json.xz"
_LISTS = ("languages", "places", "subjects", "partner_units")


@dataclass
class Doc:
    """One item of the collection: where it came from, its record, its pages."""

    source: str
    item: Item
    pages: list[Page]


@dataclass
class EvalText:
    """What the collection takes from the evaluation set: its files, manifest, truth, page texts."""

    files: list[str]
    manifest: str
    truth: dict
    pages: dict[str, list[str]]


def manifest_rows(text: str) -> dict[str, dict]:
    """Manifest rows by file (or by identifier for records without a file)."""
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return {row["file"] or f"record:{row['identifier']}": row for row in rows}


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


def read_frozen(path: Path = FROZEN) -> EvalText:
    """The frozen copy of `bench.eval_text.read_eval()` kept in tests/fixtures."""
    return EvalText(**json.loads(lzma.decompress(path.read_bytes()).decode("utf-8")))


def load_docs(source: EvalText | None = None) -> list[Doc]:
    """Every item of the collection, in a fixed order (from the frozen copy unless given)."""
    source = source or read_frozen()
    rows = manifest_rows(source.manifest)
    manifest = (REPO / "corpus" / "manifest.csv").read_text(encoding="utf-8")
    rows.update(manifest_rows(manifest))  # the richer metadata wins
    sources = source.files + sorted(k for k in rows if k.startswith("record:"))
    docs = []
    for name in sources:
        item = _item(name, rows.get(name, {}), source.truth.get(name, {}))
        texts = source.pages.get(name, [])
        docs.append(Doc(name, item, [Page(n, t) for n, t in enumerate(texts, 1) if t.strip()]))
    return docs


def item_text(doc: Doc) -> str:
    """Everything the baseline indexes for an item besides its title: metadata and pages."""
    item = doc.item
    meta = [item.doc_number, item.issuer, item.doc_type, item.lead_unit, item.collection,
            item.description, item.period, item.identifier, *item.places, *item.subject]
    return "\n".join([*(m for m in meta if m), *(p.text for p in doc.pages)])


_BUILT: dict[Path, Path] = {}


def build_home(base: Path, source: EvalText | None = None) -> Path:
    """A data home under `base` holding the collection's catalog and index (built once)."""
    if base in _BUILT:
        return _BUILT[base]
    home = base / "eval-home"
    settings = load_settings(home)
    with Catalog(settings.catalog_path) as catalog:
        for doc in load_docs(source):
            # A record without a file has no source; hits name it by its identifier.
            sources = [] if doc.source.startswith("record:") else [doc.source]
            catalog.save_item(doc.item, pages=doc.pages, sources=sources)
        rebuild_index(settings, catalog, procs=1)
    _BUILT[base] = home
    return home

