"""A film in Debian's headless chromium: the access copy plays and `#t=` opens it at a time.

With TTDN_SCREENSHOTS=docs/screenshots the subtitle hit and the film's item page are also saved
there as film-hit.png and film-item.png.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from archive.catalog import Catalog
from archive.settings import load_settings
from tests.conftest import run_cli
from tests.media_fixtures import SIDECAR_WORD, make_film, needs_ffmpeg
from tests.web_fixtures import make_app

from .serving import served

pytestmark = [pytest.mark.browser, needs_ffmpeg]


@pytest.fixture(scope="module")
def film_server(tmp_path_factory):
    """The portal on a home holding one public test film; (base URL, film id)."""
    folder = tmp_path_factory.mktemp("film-input")
    make_film(folder, "phim.mp4", seconds=8)
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["file", "access"], ["phim.mp4", "public"]])
    home = tmp_path_factory.mktemp("film") / "home"
    assert run_cli(home, "ingest", str(folder)).exit_code == 0
    with Catalog(load_settings(home).catalog_path) as catalog:
        film = catalog.resolve("phim.mp4")
    with served(make_app(home)) as base:
        yield base, film


def _current_time(page) -> float:
    page.wait_for_function("() => { const v = document.getElementById('media-player');"
                           " return v && v.readyState >= 1 && v.currentTime > 0; }",
                           timeout=30000)
    return page.evaluate("document.getElementById('media-player').currentTime")


def test_a_time_in_the_address_opens_the_player_there(page, film_server):
    base, film = film_server
    page.goto(f"{base}/items/{film}#t=3")
    assert _current_time(page) == pytest.approx(3, abs=0.2)
    duration = page.evaluate("document.getElementById('media-player').duration")
    assert duration == pytest.approx(8, abs=0.3), "the access copy itself plays in chromium"
    assert page.evaluate("document.getElementById('media-player').textTracks.length") == 2


def test_a_subtitle_hit_opens_the_film_at_its_time(page, film_server):
    base, _ = film_server
    page.goto(f"{base}/?q={SIDECAR_WORD.lower()}")
    expect(page.locator(".hit")).to_have_count(1)
    _screenshot(page, "film-hit.png")
    page.locator(".hit .page-ref").first.click()
    assert _current_time(page) == pytest.approx(1.0, abs=0.2)  # page 2 starts at 00:00:01
    page.evaluate("document.getElementById('media-player').pause()")
    page.wait_for_function("() => document.querySelector('.contact-sheet').complete")
    _screenshot(page, "film-item.png")


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("TTDN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)
