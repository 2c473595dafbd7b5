"""The wall-time bound of one file holds through its OCR, not only while it is extracted."""
from __future__ import annotations

import shutil
from pathlib import Path

from archive.catalog import Catalog
from archive.settings import Settings
from tests.conftest import CORPUS, run_cli, run_json


def test_ocr_past_the_file_time_bound_quarantines_the_file_and_the_run_goes_on(
        home: Path, tmp_path: Path, monkeypatch):
    """GIVEN an 8-page image-only scan (seconds of OCR) and a born-digital decree
    WHEN they are ingested with TTDN_MAX_FILE_SECONDS=3
    THEN the scan is quarantined naming the bound and how far OCR got, the decree is archived,
    and the catalog and index agree."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CORPUS / "scans" / "kh-51-ubnd-2017-lang-son.pdf", folder / "scan.pdf")
    shutil.copy(CORPUS / "documents" / "175-2026-nd-cp.pdf", folder / "decree.pdf")
    monkeypatch.setenv("TTDN_MAX_FILE_SECONDS", "3")
    result = run_cli(home, "ingest", str(folder), "--jobs", "1")
    assert result.exit_code == 1, result.output
    with Catalog(Settings(home=home).catalog_path) as catalog:
        (entry,) = catalog.quarantined()
    assert entry.source == "scan.pdf"
    assert "TTDN_MAX_FILE_SECONDS=3 s" in entry.reason and "pages OCRed" in entry.reason
    assert run_json(home, "show", "decree.pdf")["pages"]
    assert run_cli(home, "verify").exit_code == 0
