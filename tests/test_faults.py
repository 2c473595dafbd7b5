"""Faults as they happen: a data home that fills up in the middle of an ingest."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess

import pytest

from .conftest import CORPUS, FIXTURES, run_cli, run_json


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MiB tmpfs mounted for the test (the suite runs as root here and in CI)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mountpoint)], check=True)
    yield mountpoint
    subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def test_full_disk_stops_cleanly_and_a_rerun_finishes(small_disk, tmp_path):
    """GIVEN a data home on a 3 MiB disk and 2 MiB of born-digital documents (~6 MiB archived)
    WHEN ingest fills the disk THEN it stops with a clear error, the catalog is intact, every
    catalogued object is whole, no temp file is left; and after the disk grows a re-run
    finishes the work and verify passes."""
    folder = tmp_path / "in"
    folder.mkdir()
    pdfs = sorted([*(CORPUS / "documents").glob("*.pdf"), *(FIXTURES / "documents").glob("*.pdf")])
    for pdf in pdfs:
        shutil.copy(pdf, folder / pdf.name)
    home = small_disk / "home"
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 6, result.output
    assert "is full" in result.output and "Traceback" not in result.output
    db = sqlite3.connect(home / "catalog.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    assert not any((home / "objects" / "tmp").glob("*"))
    # The index may lag behind the catalog (the next run catches up); objects must all be whole.
    fixity = json.loads(run_cli(home, "verify", "--json").stdout)
    assert fixity["objects"] > 0
    assert not [p for p in fixity["problems"] if "object" in p], fixity["problems"]
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert run_json(home, "stats")["items"] == len(pdfs)
    assert run_cli(home, "verify").exit_code == 0
