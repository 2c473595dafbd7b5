"""Issue 18 point 9: an archive with zero items is a normal state, never a crash or a 500."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli, run_json
from tests.web_fixtures import make_app


@pytest.fixture
def empty_home(tmp_path: Path) -> Path:
    """A fresh home after an ingest that archived nothing: its one file was quarantined."""
    folder = tmp_path / "input"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf\n")
    home = tmp_path / "home"
    run_cli(home, "ingest", str(folder))
    assert run_json(home, "stats")["items"] == 0
    return home


@pytest.mark.parametrize("query", ["abc", "lạng sơn", '"abc def"', "abc -def", "abc*"])
def test_search_on_an_empty_archive_finds_nothing(empty_home: Path, query: str) -> None:
    out = run_json(empty_home, "search", query)
    assert out["total"] == 0 and out["hits"] == []


def test_search_before_any_ingest(tmp_path: Path) -> None:
    out = run_json(tmp_path / "never-ingested", "search", "abc")
    assert out["total"] == 0


def test_complete_stats_and_similar_on_an_empty_archive(empty_home: Path) -> None:
    done = run_cli(empty_home, "complete", "ab")
    assert done.exit_code == 0 and json.loads(done.stdout) == {"titles": [], "terms": []}
    assert run_json(empty_home, "stats")["quarantined"] == 1
    missing = run_cli(empty_home, "similar", "nothing-here")
    assert missing.exit_code != 0 and "no item" in missing.output  # a plain answer, no traceback


def test_portal_and_api_answer_200_on_an_empty_archive(empty_home: Path) -> None:
    client = make_app(empty_home).test_client()
    api = client.get("/api/search?q=abc")
    assert api.status_code == 200 and api.get_json()["total"] == 0
    assert client.get("/?q=abc").status_code == 200
    assert client.get("/?q=l%E1%BA%A1ng+s%C6%A1n").status_code == 200
