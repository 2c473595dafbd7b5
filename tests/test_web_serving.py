"""Serving: one Searcher per process that follows the index, the catalog per request, `ttdn serve`."""
from __future__ import annotations

import sqlite3

import pytest
import waitress
from click.testing import CliRunner

from archive.cli import cli
from tests.web_fixtures import *  # noqa: F401,F403
from web.resources import get_catalog

from .conftest import run_cli


def test_one_searcher_that_sees_what_ingest_adds(private_app, private_home, tmp_path):
    """GIVEN a running app WHEN ingest adds an item THEN the same Searcher finds it, no restart."""
    client = private_app.test_client()
    assert client.get("/api/search?q=novaquartz").get_json()["total"] == 0
    searcher = private_app.extensions["ttdn"]["engine"]
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "moi.txt").write_text("Tài liệu mới novaquartz.\n", encoding="utf-8")
    (folder / "manifest.csv").write_text("file,access\nmoi.txt,public\n", encoding="utf-8")
    assert run_cli(private_home, "ingest", str(folder)).exit_code == 0
    assert client.get("/api/search?q=novaquartz").get_json()["total"] == 1
    assert private_app.extensions["ttdn"]["engine"] is searcher


def test_catalog_lives_on_g_and_closes_on_teardown(web_app):
    with web_app.app_context():
        catalog = get_catalog()
        assert get_catalog() is catalog
    with pytest.raises(sqlite3.ProgrammingError):
        catalog.db.execute("SELECT 1")


def test_serve_runs_waitress_with_threads(monkeypatch, web_home):
    seen = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: seen.update(app=app, **kw))
    result = CliRunner().invoke(cli, ["--home", str(web_home), "serve", "--port", "8099",
                                      "--threads", "6", "--secure-cookies", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert seen["port"] == 8099 and seen["threads"] == 6 and seen["host"] == "127.0.0.1"
    assert seen["app"].config["SESSION_COOKIE_SECURE"] is True
    assert seen["app"].config["TTDN_HOME"] == str(web_home)
