"""An exhibition's film clip in Debian's headless chromium: it opens at its start and stops at
its end, and a replay plays the clip again (issue 15, point 7)."""
from __future__ import annotations

import csv

import pytest

import exhibits
from archive.catalog import Catalog
from archive.settings import load_settings
from tests.conftest import run_cli
from tests.media_fixtures import make_film, needs_ffmpeg
from tests.web_fixtures import make_app

from .serving import served

pytestmark = [pytest.mark.browser, needs_ffmpeg]


@pytest.fixture(scope="module")
def clip_server(tmp_path_factory):
    """A published exhibition whose one entry is the clip 00:00:02 – 00:00:04 of a public film."""
    folder = tmp_path_factory.mktemp("clip-input")
    make_film(folder, "phim.mp4", seconds=8)
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["file", "access"], ["phim.mp4", "public"]])
    home = tmp_path_factory.mktemp("clip") / "home"
    assert run_cli(home, "ingest", str(folder)).exit_code == 0
    with Catalog(load_settings(home).catalog_path) as catalog:
        exhibits.create(catalog, "phim", {"vi": "Phim", "en": "Films"}, actor="cora")
        exhibits.add_item(catalog, "phim", "phim.mp4", clip=("0:02", "0:04"),
                          captions={"vi": "Điệu múa"}, actor="cora")
        exhibits.publish(catalog, "phim", actor="cora")
    with served(make_app(home)) as base:
        yield base


def _state(page) -> dict:
    return page.evaluate("(() => { const v = document.querySelector('video.exhibit-clip');"
                         " return {t: v.currentTime, paused: v.paused, ended: v.ended}; })()")


def test_the_clip_plays_its_range_only(page, clip_server):
    page.goto(f"{clip_server}/exhibitions/phim")
    page.wait_for_function("() => document.querySelector('video.exhibit-clip').readyState >= 1",
                           timeout=30000)
    assert _state(page)["t"] == pytest.approx(2, abs=0.2), "opens at the clip's start"
    page.evaluate("(() => { const v = document.querySelector('video.exhibit-clip');"
                  " v.muted = true; return v.play(); })()")
    page.wait_for_function("() => document.querySelector('video.exhibit-clip').paused",
                           timeout=15000)
    stopped = _state(page)
    assert stopped["t"] == pytest.approx(4, abs=0.3) and not stopped["ended"], "stops at its end"
    page.evaluate("document.querySelector('video.exhibit-clip').play()")
    page.wait_for_function("() => document.querySelector('video.exhibit-clip').currentTime < 3.5",
                           timeout=5000)  # a replay goes back to the start of the clip
    assert _state(page)["t"] >= 1.8
