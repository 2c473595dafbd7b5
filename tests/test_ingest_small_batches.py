"""Ingest's speed paths give the same archive: workers extract born-digital files, the OCR tail
indexes only on an idle core, and page cleaning measures with exact, cheaper arithmetic."""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from archive.settings import load_settings
from ingest import pipeline, preprocess
from ingest.pipeline import run_ingest
from search.engine import WhooshEngine

from .conftest import CORPUS, FIXTURES

DOCUMENTS = sorted((FIXTURES / "documents").glob("*.pdf"))[:3]


def _catalog(home: Path) -> dict[str, list]:
    """What ingest decided, without the times: items, pages, metadata, sources, quarantine."""
    db = sqlite3.connect(home / "catalog.sqlite3")
    try:
        return {
            "items": db.execute("SELECT id, kind, access, title, sha256, status, warnings "
                                "FROM items ORDER BY id").fetchall(),
            "pages": db.execute("SELECT item_id, n, text, origin, confidence, language "
                                "FROM pages ORDER BY item_id, n").fetchall(),
            "metadata": db.execute("SELECT item_id, field, value FROM metadata "
                                   "ORDER BY item_id, field, value").fetchall(),
            "sources": db.execute("SELECT source, item_id FROM sources ORDER BY source").fetchall(),
            "quarantine": db.execute("SELECT source, code, reason FROM quarantine "
                                     "ORDER BY source").fetchall(),
        }
    finally:
        db.close()


def _folder(tmp_path: Path, files: list[Path]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


def test_born_digital_files_are_extracted_by_the_workers_with_the_same_result(tmp_path,
                                                                             monkeypatch):
    """GIVEN born-digital PDFs (and a broken one) WHEN ingested with the OCR workers running
    THEN the workers extracted them (not this process) and the catalog is exactly what the
    one-process path makes: items, header fields, titles, languages, pages, refusals."""
    folder = _folder(tmp_path, [*DOCUMENTS, FIXTURES / "bad" / "truncated.pdf"])
    shutil.copy(DOCUMENTS[0], folder / "same-content.pdf")
    pids = tmp_path / "pids"
    real = pipeline.extract_file

    def recording(path, **options):
        with open(pids, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return real(path, **options)

    monkeypatch.setattr(pipeline, "extract_file", recording)
    pooled = run_ingest([folder], load_settings(tmp_path / "pooled"))
    workers = {int(p) for p in pids.read_text().split()}
    assert workers and os.getpid() not in workers
    pids.unlink()
    monkeypatch.setattr(pipeline, "_OCR_SUFFIXES", frozenset())  # no pool: this process reads
    alone = run_ingest([folder], load_settings(tmp_path / "alone"))
    assert {int(p) for p in pids.read_text().split()} == {os.getpid()}
    assert _catalog(tmp_path / "pooled") == _catalog(tmp_path / "alone")
    assert sorted(pooled.added) == sorted(alone.added) and len(pooled.added) == len(DOCUMENTS)
    assert pooled.failed == alone.failed and len(pooled.failed) == 1
    assert sorted(pooled.unchanged) == sorted(alone.unchanged) == ["same-content.pdf"]


def test_the_ocr_tail_commits_the_index_once_when_no_core_is_idle(tmp_path, monkeypatch):
    """GIVEN three small scans and one OCR worker WHEN ingested THEN the index is committed once
    at the end (before: after each scan done while others were still being read, a commit
    that took the core from the page being OCRed), and every item is indexed."""
    monkeypatch.setenv("TTDN_JOBS", "1")
    folder = _folder(tmp_path, [FIXTURES / "scans" / "eurotext.tif",
                                CORPUS / "scans" / "phototest.tif"])
    with Image.open(FIXTURES / "scans" / "eurotext.tif") as image:  # a third item: its top half
        image.crop((0, 0, image.width, image.height // 2)).save(folder / "eurotext-top.png")
    syncs = []
    real_sync = WhooshEngine.sync

    def counting(self, catalog, **options):
        indexed = real_sync(self, catalog, **options)
        syncs.append(indexed)
        return indexed

    monkeypatch.setattr(WhooshEngine, "sync", counting)
    summary = run_ingest([folder], load_settings(tmp_path / "home"))
    assert len(summary.added) == 3 and summary.ocr_pages == 3
    assert syncs == [3]


@pytest.mark.parametrize("shape", [(1, 1), (3, 50), (50, 3), (9, 7), (438, 310)])
def test_max_filter_is_pillows(shape):
    rng = np.random.default_rng(sum(shape))
    image = Image.fromarray((rng.random(shape) * 255).astype(np.uint8))
    for size in (3, 5, 9):
        assert (np.asarray(preprocess._max_filter(image, size))
                == np.asarray(image.filter(ImageFilter.MaxFilter(size)))).all()


@pytest.mark.parametrize("density", [0.0, 0.01, 0.2, 0.6, 1.0])
@pytest.mark.parametrize("shape", [(1, 1), (4, 60), (60, 4), (200, 150)])
def test_speckle_share_counts_as_pillows_box_blur_did(density, shape):
    """The share of ink with at most 4 ink pixels in its 5x5 window, edges repeated: what the
    threshold of Pillow's BoxBlur(2) of the binary page measured before."""
    rng = np.random.default_rng(int(density * 100) + shape[0])
    ink = rng.random(shape) < density
    binary = Image.fromarray(np.where(ink, 0, 255).astype(np.uint8))
    lonely = np.asarray(binary.filter(ImageFilter.BoxBlur(2))) >= 255 * (1 - 4.5 / 25)
    total = np.count_nonzero(ink)
    expected = np.count_nonzero(ink & lonely) / total if total else 0.0
    assert preprocess._speckle_share(ink) == expected


def test_otsu_from_pillows_histogram_is_numpys():
    rng = np.random.default_rng(7)
    for values in (rng.integers(0, 256, (300, 200)), rng.normal(180, 40, (300, 200)).clip(0, 255),
                   np.full((10, 10), 200)):
        image = Image.fromarray(values.astype(np.uint8))
        assert preprocess._otsu_of_histogram(image.histogram()) == preprocess._otsu(
            np.asarray(image))

