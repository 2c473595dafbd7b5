"""Files with the same content in one run make one item with every name as a source.

A scan copied twice into a folder is common; the second copy is hashed while the first is still
being read by Tesseract, so the catalog does not hold it yet when the second is checked.
"""
from __future__ import annotations

import shutil

from archive.catalog import Catalog

from .conftest import CORPUS, run_cli, run_json

PHOTO = CORPUS / "media" / "anh-cua-khau-huu-nghi-2017.jpg"


def test_the_same_scan_twice_in_one_run_is_one_item_with_two_sources(tmp_path, home):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        shutil.copyfile(PHOTO, folder / name)
    summary = run_json(home, "ingest", str(folder))
    assert summary["failed"] == 0 and summary["internal_errors"] == 0, summary
    assert summary["added"] == 1 and summary["unchanged"] == 2, summary
    with Catalog(home / "catalog.sqlite3", readonly=True) as catalog:
        (item_id,) = {item_id for item_id, _source in catalog.file_sources()}
        assert sorted(catalog.sources(item_id)) == ["a.jpg", "b.jpg", "c.jpg"]
    assert run_cli(home, "verify").exit_code == 0
    again = run_json(home, "ingest", str(folder))
    assert again["added"] == 0 and again["failed"] == 0, again


def test_a_copy_waiting_for_a_refused_scan_gets_its_own_answer(tmp_path, home, monkeypatch):
    """The first copy's OCR runs past TTDN_MAX_FILE_SECONDS: the copy that waited for it is not
    lost or left out of the summary: it is read again and refused for its own reason."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("scan-1.pdf", "scan-2.pdf"):
        shutil.copy(CORPUS / "scans" / "kh-51-ubnd-2017-lang-son.pdf", folder / name)
    monkeypatch.setenv("TTDN_MAX_FILE_SECONDS", "3")
    result = run_cli(home, "ingest", str(folder), "--jobs", "1", "--json")
    assert result.exit_code == 1, result.output
    with Catalog(home / "catalog.sqlite3", readonly=True) as catalog:
        refused = sorted(entry.source for entry in catalog.quarantined())
        assert refused == ["scan-1.pdf", "scan-2.pdf"]
        assert catalog.stats()["items"] == 0
    assert run_cli(home, "verify").exit_code == 0
