"""Re-ingest skips files whose stat matches the catalog's record of their last read, and only then.

Reads are counted by wrapping the pipeline's `sha256_file` (every file read starts with its hash)
so a skipped file is proved unread, not assumed.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytesseract
import pytest

import ingest.pipeline as pipeline
from archive.catalog import Catalog
from archive.store import sha256_file
from ingest.tools import tesseract

from .conftest import BAD, FIXTURES, run_cli, run_json

_MARGIN_S = 0.25  # past ingest/seen.py's racy-stat margin (0.1 s) on this file system


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the pipeline hashes (reads), in order."""
    seen: list[str] = []

    def counting(path: Path) -> str:
        seen.append(Path(path).name)
        return sha256_file(path)

    monkeypatch.setattr(pipeline, "sha256_file", counting)
    return seen


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in (("a.txt", "Công văn số một."), ("b.txt", "Công văn số hai."),
                       ("c.txt", "Công văn số ba.")):
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "file,title,identifier\na.txt,Công văn A,\n,Đĩa DVD,DVD-1\n", encoding="utf-8")
    time.sleep(_MARGIN_S)  # as files wait before a cron run: older than the racy margin
    return folder


def _ingested(tmp_path: Path, home: Path) -> Path:
    folder = _folder(tmp_path)
    first = run_json(home, "ingest", str(folder))
    assert first["added"] == 4 and first["skipped"] == 0, first
    return folder


def test_unchanged_folder_is_not_read(tmp_path, home, reads):
    folder = _ingested(tmp_path, home)
    reads.clear()
    again = run_json(home, "ingest", str(folder))
    assert reads == [], "an unchanged file was read"
    assert again["skipped"] == 3 and again["unchanged"] == 4 and again["added"] == 0, again
    assert run_json(home, "show", "a.txt")["title"] == "Công văn A"


def test_rehash_reads_every_file(tmp_path, home, reads):
    folder = _ingested(tmp_path, home)
    reads.clear()
    again = run_json(home, "ingest", str(folder), "--rehash")
    assert sorted(reads) == ["a.txt", "b.txt", "c.txt"]
    assert again["skipped"] == 0 and again["unchanged"] == 4, again


def test_touched_file_is_read_again(tmp_path, home, reads):
    folder = _ingested(tmp_path, home)
    later = time.time() - 5  # a new mtime (in the past: the racy rule is not what reads it)
    os.utime(folder / "b.txt", (later, later))
    reads.clear()
    again = run_json(home, "ingest", str(folder))
    assert reads == ["b.txt"]
    assert again["skipped"] == 2 and again["unchanged"] == 4, again


def test_file_rewritten_with_its_old_size_and_mtime_is_read_again(tmp_path, home, reads):
    """GIVEN an ingested file WHEN other content of the same size is copied over it with `cp -p`
    and its old mtime put back THEN the change time (ctime) shows it: it is read and archived."""
    folder = _ingested(tmp_path, home)
    target = folder / "a.txt"
    before = target.stat()
    other = tmp_path / "other.txt"
    other.write_text("Công văn số một!", encoding="utf-8")  # same length in bytes
    assert other.stat().st_size == before.st_size
    shutil.copy2(other, target)  # what `cp -p` does: same inode, content rewritten
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size, before.st_mtime_ns, before.st_ino)
    reads.clear()
    again = run_json(home, "ingest", str(folder))
    assert reads == ["a.txt"]
    assert again["added"] == 1, again
    with Catalog(home / "catalog.sqlite3") as catalog:
        assert catalog.item_id_for_sha(sha256_file(target))


def test_changed_manifest_updates_unread_files_and_records(tmp_path, home, reads):
    folder = _ingested(tmp_path, home)
    (folder / "manifest.csv").write_text(
        "file,title,identifier\na.txt,Công văn A (sửa),\n,Đĩa DVD (sửa),DVD-1\n",
        encoding="utf-8")
    reads.clear()
    again = run_json(home, "ingest", str(folder))
    assert reads == [] and again["skipped"] == 3, again
    assert again["updated"] == 2, again
    assert run_json(home, "show", "a.txt")["title"] == "Công văn A (sửa)"
    assert run_json(home, "show", "DVD-1")["title"] == "Đĩa DVD (sửa)"
    third = run_json(home, "ingest", str(folder))  # applied once: the same manifest is skipped
    assert third["updated"] == 0 and third["unchanged"] == 4, third


def test_unchanged_manifest_is_not_applied_again(tmp_path, home):
    """A staff edit made after ingest stands when the same manifest is ingested again."""
    folder = _ingested(tmp_path, home)
    with Catalog(home / "catalog.sqlite3") as catalog:
        item = catalog.get_item(catalog.resolve("a.txt"))
        item.title = "Sửa bởi cán bộ"
        catalog.update_item(item, actor="staff")
        events = len(catalog.events())
    again = run_json(home, "ingest", str(folder))
    assert again["updated"] == 0, again
    with Catalog(home / "catalog.sqlite3") as catalog:
        assert len(catalog.events()) == events, "the unchanged re-run wrote to the catalog"
    assert run_json(home, "show", "a.txt")["title"] == "Sửa bởi cán bộ"


def test_file_with_a_future_mtime_is_never_trusted(tmp_path, home, reads):
    """A file whose last change is not safely older than its stat (racy) is read next time."""
    folder = _folder(tmp_path)
    ahead = time.time() + 3600
    os.utime(folder / "c.txt", (ahead, ahead))
    run_json(home, "ingest", str(folder))
    reads.clear()
    run_json(home, "ingest", str(folder))
    assert reads == ["c.txt"]


def test_quarantined_file_is_retried(tmp_path, home, reads):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(BAD / "empty.pdf", folder / "empty.pdf")
    time.sleep(_MARGIN_S)
    assert run_cli(home, "ingest", str(folder)).exit_code == 1
    reads.clear()
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 1, result.output
    assert reads == ["empty.pdf"], "a refused file is tried again (a setting may have changed)"


def test_all_skipped_run_needs_no_tesseract_nor_index(tmp_path, home, monkeypatch):
    folder = _ingested(tmp_path, home)
    opened: list[Path] = []
    import search.index
    real_open = search.index.open_index
    monkeypatch.setattr(search.index, "open_index", lambda d, **kw: opened.append(d) or
                        real_open(d, **kw))
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    tesseract._installed_languages.cache_clear()
    try:
        again = run_cli(home, "ingest", str(folder))
        assert again.exit_code == 0, again.output
        assert opened == [], "the index was opened with nothing to index"
        (folder / "d.txt").write_text("Công văn số bốn.", encoding="utf-8")
        new = run_cli(home, "ingest", str(folder))  # a file to read: Tesseract may be needed
        assert new.exit_code == 3, new.output
        assert "apt-get install tesseract-ocr" in new.output
    finally:
        tesseract._installed_languages.cache_clear()


def test_home_from_before_the_stat_tables_gains_them(tmp_path, home, reads):
    folder = _ingested(tmp_path, home)
    db = sqlite3.connect(home / "catalog.sqlite3")
    db.executescript("DROP TABLE seen_files; DROP TABLE seen_manifests;")
    db.close()
    reads.clear()
    again = run_json(home, "ingest", str(folder))  # reads all once, records what it saw
    assert sorted(reads) == ["a.txt", "b.txt", "c.txt"] and again["unchanged"] == 4, again
    reads.clear()
    time.sleep(_MARGIN_S)
    assert run_json(home, "ingest", str(folder))["skipped"] == 3
    assert reads == []


def test_ocr_workers_start_before_the_first_file_is_read(tmp_path, home, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "scans" / "eurotext.tif", folder / "eurotext.tif")
    order: list[str] = []
    real_start, real_hash = pipeline._Run.start_pool, pipeline.sha256_file
    monkeypatch.setattr(pipeline._Run, "start_pool",
                        lambda self: order.append("pool") or real_start(self))
    monkeypatch.setattr(pipeline, "sha256_file", lambda p: order.append("read") or real_hash(p))
    summary = run_json(home, "ingest", str(folder), "--lang", "eng")
    assert summary["ocr_pages"] == 1, summary
    assert order[:2] == ["pool", "read"], order
