"""Ingest while the portal serves searches: no request fails, and new items appear once the
index is refreshed (the app opens its searcher once and refreshes it when ingest commits)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from web import create_app

from .browser.serving import served
from .conftest import FIXTURES

TTDN = str(Path(sys.executable).parent / "ttdn")
QUERIES = ("lang son", "nghị định", "谅山", "thông tư", "xử phạt")


def _get_json(base: str, query: str) -> dict:
    url = f"{base}/api/search?q={urllib.parse.quote(query)}&limit=5"
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return json.loads(response.read())


def test_ingest_while_serving(corpus_copy, tmp_path):
    """GIVEN the portal serving the corpus WHEN another process ingests 7 public documents
    while 4 clients search without pause THEN no request fails and the new documents are
    found by the same server afterwards."""
    folder = tmp_path / "new"
    folder.mkdir()
    pdfs = sorted((FIXTURES / "documents").glob("*.pdf"))  # none of them is in corpus/
    for pdf in pdfs:
        shutil.copy(pdf, folder / pdf.name)
    (folder / "manifest.csv").write_text(
        "file,access\n" + "".join(f"{p.name},public\n" for p in pdfs), encoding="utf-8")
    app = create_app({"TTDN_HOME": str(corpus_copy), "TESTING": True})
    errors: list[str] = []
    done = threading.Event()
    counts = {"requests": 0}

    def client() -> None:
        while not done.is_set():
            for query in QUERIES:
                try:
                    _get_json(base, query)
                    counts["requests"] += 1
                except Exception as err:  # every failure is what this test looks for
                    errors.append(f"{query}: {err!r}")

    with served(app, threads=4) as base:
        before = _get_json(base, "nghị định")["total"]
        clients = [threading.Thread(target=client) for _ in range(4)]
        for t in clients:
            t.start()
        env = {**os.environ, "TTDN_HOME": str(corpus_copy), "TTDN_INDEX_BATCH": "5"}
        ingest = subprocess.run([TTDN, "ingest", str(folder)], env=env, capture_output=True,
                                text=True, timeout=600)
        time.sleep(0.5)
        done.set()
        for t in clients:
            t.join(timeout=60)
        assert ingest.returncode == 0, ingest.stderr
        after = _get_json(base, "nghị định")["total"]
    assert not errors, errors[:5]
    assert counts["requests"] > 20
    assert after > before
