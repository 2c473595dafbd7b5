"""The evaluation collection, built from text directly: no OCR, no ingest, deterministic.

Items are the files of ``../shared/eval/corpus`` (which holds every file of ``corpus/``), with
the metadata staff give: the repo's ``corpus/manifest.csv`` where it names the file, else the
eval manifest, then ``truth/truth.json`` (number, date, issuer, type, title). Page texts come
from the born-digital files' text layers (PyMuPDF; the DOCX's paragraphs) and, for image-only
scans, from the exact transcriptions in ``truth/*.gt.txt``; scans and images without one are
items with metadata only (as a record without a file would be). The manifests' DVD and CD
records are items too.

The suite reads what the collection takes from ``../shared/eval`` (file list, eval manifest,
truth.json, page texts) from a frozen copy, ``tests/fixtures/relevance-eval.json.xz``, so that a
clone alone runs it; ``make relevance`` reads ``../shared/eval`` itself and says when the copy
is stale. Refresh it with ``.venv/bin/python -m tests.relevance.collection --freeze``.

The same items feed this engine (a real catalog, then ``rebuild_index``) and the SQLite FTS5
baseline (``fts.py``), so the relevance table compares ranking and nothing else.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import lzma
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from archive.catalog import Catalog
from archive.models import Item, Page
from archive.settings import load_settings
from search.index import rebuild_index

__all__ = ["REPO", "EVAL", "FROZEN", "Doc", "EvalText", "read_eval", "read_frozen", "freeze",
           "load_docs", "build_home", "item_text"]

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO.parent / "shared" / "eval"
FROZEN = REPO / "tests" / "fixtures" / "relevance-eval.json.xz"
_LINES_PER_PAGE = 40  # transcriptions are paginated like the scans they transcribe
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


def _manifest(text: str) -> dict[str, dict]:
    """Manifest rows by file (or by identifier for records without a file)."""
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
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


def _transcription(eval_dir: Path, source: str) -> list[str]:
    """Pages of a scan's exact transcription, if there is one."""
    path = eval_dir / "truth" / f"{Path(source).stem}.gt.txt"
    if not path.exists():
        return []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return ["\n".join(lines[i:i + _LINES_PER_PAGE]) for i in range(0, len(lines),
                                                                 _LINES_PER_PAGE)]


def _texts(eval_dir: Path, source: str) -> list[str]:
    path = eval_dir / "corpus" / source
    if source.startswith("record:") or path.suffix.lower() in (".jpg", ".tif", ".png"):
        return _transcription(eval_dir, source)
    if path.suffix.lower() == ".docx":
        return _docx_pages(path)
    pages = _pdf_pages(path)
    return pages if any(p.strip() for p in pages) else _transcription(eval_dir, source)


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


def read_eval(eval_dir: Path = EVAL) -> EvalText:
    """Read what the collection needs from the evaluation set itself (PyMuPDF on every file)."""
    corpus = eval_dir / "corpus"
    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*")
                   if p.is_file() and p.name != "manifest.csv")
    manifest = (corpus / "manifest.csv").read_text(encoding="utf-8")
    truth = json.loads((eval_dir / "truth" / "truth.json").read_text(encoding="utf-8"))
    records = sorted(k for k in _manifest(manifest) if k.startswith("record:"))
    pages = {source: _texts(eval_dir, source) for source in files + records}
    return EvalText(files, manifest, truth, pages)


def read_frozen(path: Path = FROZEN) -> EvalText:
    """The frozen copy of `read_eval()` kept in tests/fixtures."""
    return EvalText(**json.loads(lzma.decompress(path.read_bytes()).decode("utf-8")))


def freeze(eval_dir: Path = EVAL, path: Path = FROZEN) -> EvalText:
    """Write `read_eval(eval_dir)` to the frozen copy; returns what was written."""
    text = read_eval(eval_dir)
    data = json.dumps(text.__dict__, ensure_ascii=False, indent=0, sort_keys=True)
    path.write_bytes(lzma.compress(data.encode("utf-8"), preset=9))
    return text


def load_docs(source: EvalText | None = None) -> list[Doc]:
    """Every item of the collection, in a fixed order (from the frozen copy unless given)."""
    source = source or read_frozen()
    rows = _manifest(source.manifest)
    manifest = (REPO / "corpus" / "manifest.csv").read_text(encoding="utf-8")
    rows.update(_manifest(manifest))  # the richer metadata wins
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


if __name__ == "__main__":
    if sys.argv[1:] != ["--freeze"]:
        sys.exit("usage: python -m tests.relevance.collection --freeze")
    if not EVAL.is_dir():
        sys.exit(f"{EVAL} not found: nothing to freeze")
    frozen = freeze()
    print(f"{FROZEN.relative_to(REPO)}: {len(frozen.pages)} items, {FROZEN.stat().st_size} bytes")
