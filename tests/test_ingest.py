"""`ttdn ingest` end to end on real files: the sample corpus, re-runs, duplicates, bad input."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import BAD, CORPUS, REPO, run_cli, run_json


def test_corpus_ingests_every_kind(corpus_home):
    stats = run_json(corpus_home, "stats")
    files = [p for p in CORPUS.rglob("*") if p.is_file() and p.name != "manifest.csv"]
    assert stats["items"] == len(files) + 2, "every file plus the DVD and CD records"
    assert stats["quarantined"] == 0
    assert {"document", "map", "photo", "publication", "video", "audio"} <= set(stats["by_kind"])
    assert stats["ocr_pages"] >= 10, "the plan (8 pages), leaflet and test page are scans"
    assert stats["pages"] > stats["ocr_pages"]
    assert stats["by_access"]["public"] > stats["by_access"]["internal"] >= 1
    assert stats["by_access"]["restricted"] == 1
    assert {"vi", "en", "zh"} <= set(stats["by_language"])


def test_scanned_plan_is_read_by_ocr(corpus_home):
    item = run_json(corpus_home, "show", "scans/kh-51-ubnd-2017-lang-son.pdf")
    assert len(item["pages"]) == 8
    assert all(p["origin"] == "ocr" for p in item["pages"])
    assert all(0 < p["confidence"] <= 100 for p in item["pages"])
    assert "thông tin đối ngoại" in item["pages"][0]["text"]
    assert item["access"] == "public" and item["origins"]["access"] == "manifest"


def test_born_digital_pdf_uses_text_layer(corpus_home):
    item = run_json(corpus_home, "show", "documents/244-2026-nd-cp.pdf")
    assert item["pages"] and all(p["origin"] == "text-layer" for p in item["pages"])
    text = "".join(p["text"] for p in item["pages"])
    assert "\u00a0" not in text and "\u00ad" not in text
    assert "NĐ-CP" in text


def test_photo_exif_and_record_without_file(corpus_home):
    photo = run_json(corpus_home, "show", "media/anh-cua-khau-huu-nghi-2017.jpg")
    assert photo["kind"] == "photo" and photo["access"] == "internal"
    assert photo["date"] and photo["date"].startswith("2017")
    dvd = run_json(corpus_home, "show", "DVD-2017-004")
    assert dvd["kind"] == "video" and dvd["files"] == [] and dvd["source"] == "DVD-2017-004"


def test_new_items_are_internal_unless_marked(tmp_path, home):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ghi-chu.txt").write_text("Ghi chú nội bộ về công tác đối ngoại.", encoding="utf-8")
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert run_json(home, "show", "ghi-chu.txt")["access"] == "internal"


def test_rerun_is_unchanged_and_costs_no_ocr(corpus_copy):
    before = run_json(corpus_copy, "stats")
    summary = run_json(corpus_copy, "ingest", str(CORPUS))
    assert summary["added"] == 0 and summary["failed"] == 0
    assert summary["ocr_pages"] == 0
    assert summary["unchanged"] + summary["updated"] == before["items"]
    assert run_json(corpus_copy, "stats") == before


def test_same_content_under_two_names_is_one_item(tmp_path, home):
    folder = tmp_path / "in"
    (folder / "a").mkdir(parents=True)
    for name in ("a/notes.txt", "copy-of-notes.txt"):
        shutil.copy(BAD / "notes.txt", folder / name)
    summary = run_json(home, "ingest", str(folder))
    assert summary["added"] == 1 and summary["unchanged"] == 1
    item = run_json(home, "show", "copy-of-notes.txt")
    assert sorted(item["sources"]) == ["a/notes.txt", "copy-of-notes.txt"]


def test_bad_input_is_quarantined_and_the_run_goes_on(home):
    result = run_cli(home, "ingest", str(BAD), "--json")
    assert result.exit_code == 1, result.output
    import json
    summary = json.loads(result.stdout)
    reasons = {f["source"]: f["reason"] for f in summary["failures"]}
    # truncated.pdf stops inside a font stream: its page 1 content and page 2 are gone.
    assert set(reasons) == {"empty.pdf", "random-bytes.pdf", "encrypted.pdf", "bomb.png",
                            "truncated.pdf"}
    assert reasons["encrypted.pdf"].startswith("encrypted.pdf: ") and "password" in reasons["encrypted.pdf"]
    assert "empty" in reasons["empty.pdf"]
    assert "bomb" in reasons["bomb.png"]
    assert "damaged PDF" in reasons["truncated.pdf"]
    assert run_json(home, "stats")["quarantined"] == 5
    jpeg = run_json(home, "show", "actually-a-jpeg.pdf")
    assert jpeg["format"] == "image/jpeg"
    assert run_json(home, "show", "notes.txt")["pages"][0]["text"].startswith("Ghi chú")
    reason_files = list((home / "quarantine").rglob("*.reason.txt"))
    assert len(reason_files) == 5


def test_partly_readable_pdf_is_kept_with_a_warning(tmp_path, home):
    """GIVEN a born-digital PDF cut at 70 % of its bytes WHEN ingested THEN its first pages are
    archived and the item carries a warning naming the damage."""
    source = CORPUS / "documents" / "244-2026-nd-cp.pdf"
    folder = tmp_path / "in"
    folder.mkdir()
    data = source.read_bytes()
    (folder / "cut.pdf").write_bytes(data[: int(len(data) * 0.7)])
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    item = run_json(home, "show", "cut.pdf")
    assert item["pages"] and item["status"] == "warning"
    assert any("damaged PDF" in w for w in item["warnings"])


def test_missing_tesseract_stops_before_any_work(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "PATH": str(Path(sys.executable).parent), "TTDN_HOME": str(home)}
    proc = subprocess.run([str(Path(sys.executable).parent / "ttdn"), "ingest", str(CORPUS)],
                          env=env, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert "apt-get install" in proc.stderr and "tesseract-ocr" in proc.stderr
    assert not (home / "catalog.sqlite3").exists()
