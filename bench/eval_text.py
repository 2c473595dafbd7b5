"""What the relevance collection takes from the evaluation set (../shared/eval), read live.

The suite reads a frozen copy of this (tests/fixtures/relevance-eval.json.xz, through
tests/relevance/collection.py) so a clone alone runs it; `make relevance` reads the set itself
when it is there and says when the copy is stale. Refresh the copy with

    .venv/bin/python -m bench.eval_text --freeze
"""
from __future__ import annotations

import json
import lzma
import re
import sys
import zipfile
from pathlib import Path

import pymupdf

from tests.relevance.collection import FROZEN, REPO, EvalText, manifest_rows

__all__ = ["EVAL", "read_eval", "freeze"]

EVAL = REPO.parent / "shared" / "eval"
_LINES_PER_PAGE = 40  # transcriptions are paginated like the scans they transcribe


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


def read_eval(eval_dir: Path = EVAL) -> EvalText:
    """Read what the collection needs from the evaluation set itself (PyMuPDF on every file)."""
    corpus = eval_dir / "corpus"
    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*")
                   if p.is_file() and p.name != "manifest.csv")
    manifest = (corpus / "manifest.csv").read_text(encoding="utf-8")
    truth = json.loads((eval_dir / "truth" / "truth.json").read_text(encoding="utf-8"))
    records = sorted(k for k in manifest_rows(manifest) if k.startswith("record:"))
    pages = {source: _texts(eval_dir, source) for source in files + records}
    return EvalText(files, manifest, truth, pages)


def freeze(eval_dir: Path = EVAL, path: Path = FROZEN) -> EvalText:
    """Write `read_eval(eval_dir)` to the frozen copy; returns what was written."""
    text = read_eval(eval_dir)
    data = json.dumps(text.__dict__, ensure_ascii=False, indent=0, sort_keys=True)
    path.write_bytes(lzma.compress(data.encode("utf-8"), preset=9))
    return text


if __name__ == "__main__":
    if sys.argv[1:] != ["--freeze"]:
        sys.exit("usage: python -m bench.eval_text --freeze")
    if not EVAL.is_dir():
        sys.exit(f"{EVAL} not found: nothing to freeze")
    frozen = freeze()
    print(f"{FROZEN.relative_to(REPO)}: {len(frozen.pages)} items, {FROZEN.stat().st_size} bytes")
