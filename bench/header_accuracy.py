"""Measure how well `read_document` reads document headers against eval/truth/truth.json.

Born-digital documents are read from their text layer (DOCX from its XML); scans are OCRed here,
first two pages at 300 dpi with the `tesseract` CLI (Vietnamese, --psm 3), and the OCR text is
cached under /tmp so a second run takes seconds.

    .venv/bin/python bench/header_accuracy.py [--shared PATH] [--misses]

Titles: the extractor gives the trích yếu as printed ("Quy định chi tiết việc phát ngôn …").
Truth titles often start with the document's own name ("Nghị định 244/2026/NĐ-CP quy định …",
"Thông tư 11/2026/TT-BXD - Quy định …"); that prefix is stripped before comparing, and a truth
title that is nothing but that prefix is left out of the title score.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from ingest.metadata.citations import normalize_doc_number
from ingest.metadata.header import DocumentHeader, read_document
from ingest.normalize import normalize_text

__all__ = ["main"]

FIELDS = ("doc_number", "issued", "issuer", "doc_type", "title", "title~")
OCR_PAGES = 2
OCR_DPI = 300
OCR_TIMEOUT = 300  # seconds per page
OCR_CACHE = Path(tempfile.gettempdir()) / "ttdn-header-ocr"
SIMILAR = 0.9  # difflib ratio above which a title counts as "similar"


@dataclass
class Truth:
    """One document's expected header, from truth.json."""

    key: str
    doc_number: str
    issued: str
    issuer: str
    doc_type: str
    title: str | None
    header_visible: bool


@dataclass
class Tally:
    """Right answers per field over a set of documents, and the misses to show."""

    name: str
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    scored: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)


# --- reading the documents ---------------------------------------------------------------------


def _docx_pages(path: Path) -> list[str]:
    """The paragraphs of a DOCX as one page of text (pymupdf here does not open DOCX)."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    runs = ("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs)
    return ["\n".join(runs)]


def _text_pages(path: Path) -> list[str]:
    if path.suffix == ".docx":
        return _docx_pages(path)
    with pymupdf.open(path) as doc:
        return [page.get_text() for page in doc]


def _ocr_page(png: Path) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    args = ["tesseract", str(png), "-", "-l", "vie", "--psm", "3"]
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=OCR_TIMEOUT, check=True)
    return done.stdout


def _ocr_pages(path: Path) -> list[str]:
    """The first pages of a scan, OCRed once and cached by file name and size."""
    OCR_CACHE.mkdir(parents=True, exist_ok=True)
    pages: list[str] = []
    with pymupdf.open(path) as doc:
        for number in range(min(OCR_PAGES, doc.page_count)):
            cached = OCR_CACHE / f"{path.stem}-{path.stat().st_size}.p{number + 1}.txt"
            if not cached.exists():
                print(f"OCR {path.name} page {number + 1}", file=sys.stderr)
                png = cached.with_suffix(".png")
                doc[number].get_pixmap(dpi=OCR_DPI).save(png)
                cached.write_text(_ocr_page(png), encoding="utf-8")
                png.unlink()
            pages.append(cached.read_text(encoding="utf-8"))
    return pages


# --- comparing -------------------------------------------------------------------------------


def _truths(shared: Path) -> list[Truth]:
    raw = json.loads((shared / "eval/truth/truth.json").read_text(encoding="utf-8"))
    return [
        Truth(key, v["doc_number"], v["issued"], v["issuer"], v["type"], v.get("title"),
              v.get("header_visible", True))
        for key, v in raw.items()
        if v.get("doc_number") and key.startswith(("documents/", "scans/"))
    ]


def _plain(text: str | None) -> str:
    text = normalize_text(text or "").casefold()
    return re.sub(r"\s+", " ", text).strip(" .;,:-–")


def truth_title(truth: Truth) -> str | None:
    """The truth title without the document's own name in front ("Nghị định 244/2026/NĐ-CP …")."""
    if not truth.title:
        return None
    number = re.escape(truth.doc_number).replace(r"\-", "[-–]")
    prefix = rf"^\s*{truth.doc_type}\s+(?:số\s+)?{number}(?:\s+ngày\s+[\d/]+)?\s*[-–:]?\s*"
    rest = re.sub(prefix, "", normalize_text(truth.title), flags=re.I)
    return rest or None


def _verdicts(header: DocumentHeader, truth: Truth) -> dict[str, bool | None]:
    """Right (True), wrong (False) or not scored (None), per field."""
    expected = truth_title(truth)
    ratio = difflib.SequenceMatcher(None, _plain(header.title), _plain(expected)).ratio()
    number = normalize_doc_number(header.doc_number or "") == normalize_doc_number(truth.doc_number)
    return {
        "doc_number": bool(number),
        "issued": header.issued == truth.issued,
        "issuer": _plain(header.issuer) == _plain(truth.issuer),
        "doc_type": _plain(header.doc_type) == _plain(truth.doc_type),
        "title": None if expected is None else _plain(header.title) == _plain(expected),
        "title~": None if expected is None else ratio >= SIMILAR,
    }


def _count(tally: Tally, header: DocumentHeader, truth: Truth, *, show: bool = True) -> None:
    for name, verdict in _verdicts(header, truth).items():
        if verdict is None:
            continue
        tally.scored[name] += 1
        tally.right[name] += verdict
        if show and not verdict and name != "title~":
            got = header.title if name == "title" else getattr(header, name)
            want = truth_title(truth) if name == "title" else getattr(truth, name)
            tally.misses.append(f"  {truth.key} {name}: got {got!r}, want {want!r}")


# --- report ------------------------------------------------------------------------------------


def _print_table(tallies: list[Tally]) -> None:
    print(f"{'set':<34}" + "".join(f"{f:>14}" for f in FIELDS))
    for tally in tallies:
        cells = "".join(
            f"{tally.right[f]:>6}/{tally.scored[f]:<3}{100 * tally.right[f] / tally.scored[f]:>4.0f}%"
            if tally.scored[f] else f"{'-':>14}"
            for f in FIELDS
        )
        print(f"{tally.name:<34}{cells}")
    print("title = exact match after stripping the truth's own-name prefix; "
          f"title~ = difflib ratio >= {SIMILAR}")


def _measure(shared: Path) -> list[Tally]:
    groups = {
        ("documents/", None): Tally("born-digital, all"),
        ("documents/", True): Tally("born-digital, header visible"),
        ("documents/", False): Tally("born-digital, header not visible"),
        ("scans/", None): Tally("scans (OCR), all"),
        ("scans/", True): Tally("scans (OCR), header visible"),
        ("scans/", False): Tally("scans (OCR), header not visible"),
    }
    for truth in _truths(shared):
        path = shared / "eval/corpus" / truth.key
        scan = truth.key.startswith("scans/")
        header = read_document(_ocr_pages(path) if scan else _text_pages(path))
        folder = "scans/" if scan else "documents/"
        _count(groups[(folder, truth.header_visible)], header, truth)
        _count(groups[(folder, None)], header, truth, show=False)
    return list(groups.values())


def main(argv: list[str] | None = None) -> int:
    """Print per-field header accuracy for born-digital documents and for OCRed scans."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--misses", action="store_true", help="list every wrong field")
    options = parser.parse_args(argv)
    if not (options.shared / "eval").is_dir():
        print(f"{options.shared / 'eval'} not found: skipped")
        return 0
    tallies = _measure(options.shared)
    _print_table(tallies)
    if options.misses:
        for tally in tallies:
            print(f"\n{tally.name}:", *tally.misses or ["  (none)"], sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
