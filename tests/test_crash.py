"""kill -9 at random moments during ingest, then a re-run: consistent, complete, no duplicates."""
from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import BAD, CORPUS, FIXTURES, run_cli

TTDN = str(Path(sys.executable).parent / "ttdn")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Born-digital documents, a few scans and text: enough work to be killed in the middle of."""
    folder = tmp_path_factory.mktemp("crash-input")
    documents = [*(CORPUS / "documents").glob("*.pdf"), *(FIXTURES / "documents").glob("*.pdf")]
    for pdf in sorted(documents):
        shutil.copy(pdf, folder / pdf.name)
    # Five pages to OCR: two Tesseract test images, a one-page and a two-page scan.
    for scan in (FIXTURES / "scans" / "eurotext.tif", CORPUS / "scans" / "phototest.tif",
                 CORPUS / "scans" / "to-roi-hoang-sa-truong-sa-viet-anh.pdf",
                 FIXTURES / "hard" / "kh-51-ubnd-2017-lang-son-poor-scan-p1-2.pdf"):
        shutil.copy(scan, folder / scan.name)
    shutil.copy(BAD / "notes.txt", folder / "notes.txt")
    return folder


def _snapshot(home: Path) -> dict:
    db = sqlite3.connect(home / "catalog.sqlite3")
    try:
        items = db.execute("SELECT id, kind, access, title, sha256 FROM items ORDER BY id").fetchall()
        sources = db.execute("SELECT source, item_id FROM sources ORDER BY source").fetchall()
        pages = db.execute("SELECT item_id, COUNT(*) FROM pages GROUP BY item_id ORDER BY item_id").fetchall()
    finally:
        db.close()
    return {"items": items, "sources": sources, "pages": pages}


def _ingest(home: Path, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "TTDN_HOME": str(home), "TTDN_INDEX_BATCH": "3"}
    return subprocess.Popen([TTDN, "ingest", str(folder)], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_until_gone(group: int, timeout: float = 30.0) -> None:
    """Return once no process of the killed group is left (the leader is not the last)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"processes of group {group} still alive {timeout:g} s after SIGKILL")


@pytest.fixture(scope="module")
def reference(inputs, tmp_path_factory) -> tuple[dict, float]:
    """The archive an uninterrupted run makes, and how long that run took."""
    home = tmp_path_factory.mktemp("reference") / "home"
    started = time.monotonic()
    assert _ingest(home, inputs).wait(timeout=600) == 0
    return _snapshot(home), time.monotonic() - started


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_then_rerun_matches_uninterrupted_run(seed, inputs, reference, tmp_path):
    """GIVEN an ingest killed with SIGKILL (with its OCR workers) at a random moment
    WHEN the same ingest runs again to the end
    THEN verify passes and the catalog holds exactly what an uninterrupted run holds."""
    expected, duration = reference
    home = tmp_path / "home"
    proc = _ingest(home, inputs)
    time.sleep(random.Random(seed).uniform(0.3, max(0.5, duration * 0.9)))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    _wait_until_gone(proc.pid)  # its OCR workers hold the data home's lock until they are gone
    rerun = _ingest(home, inputs)
    assert rerun.wait(timeout=600) == 0
    result = run_cli(home, "verify")
    assert result.exit_code == 0, result.output
    assert _snapshot(home) == expected
