"""IIIF Image API 3.0 against the live portal: the validator at level 1, access, CORS, tiles.

GIVEN the validator's test pattern, a map, a PDF (public) and a photo (internal) ingested into
a fresh home and served by `ttdn serve` over loopback.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from tests.iiif_fixtures import PATTERN_NAME, item_ids, make_iiif_archive, serve_home
from web.iiif.params import BadRequest, parse_region, parse_size

VALIDATOR = Path(sys.executable).parent / "iiif-validate.py"  # installed by iiif-validator


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    home = make_iiif_archive(tmp_path_factory.mktemp("iiif"))
    server, base = serve_home(home)
    try:
        yield {"base": base, "ids": item_ids(home), "home": home}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_validator_level_1_passes_with_no_failure(portal, tmp_path):
    """The identifier is the page: prefix iiif/3/{item_id}, identifier 1 (see README, IIIF)."""
    host = portal["base"].removeprefix("http://")
    result = subprocess.run(
        [sys.executable, str(VALIDATOR), "-s", host, "-p", f"iiif/3/{portal['ids'][PATTERN_NAME]}",
         "-i", "1", "--version", "3.0", "--level", "1"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert "Done (24 tests, 0 failures)" in output, output
    assert result.returncode == 0, output


def test_info_json_has_tiles_sizes_and_cors(portal):
    item = portal["ids"]["map.tif"]
    status, headers, body = _get(f"{portal['base']}/iiif/3/{item}/1/info.json")
    info = json.loads(body)
    assert status == 200
    assert (info["width"], info["height"], info["profile"]) == (3000, 2000, "level1")
    assert info["tiles"][0]["width"] == 256 and info["tiles"][0]["scaleFactors"][:3] == [1, 2, 4]
    assert {"width": 3000, "height": 2000} in info["sizes"]
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Cache-Control"].startswith("public, max-age=")
    status, _, _ = _get(f"{portal['base']}/iiif/3/{item}/1/info.json",
                        {"If-None-Match": headers["ETag"]})
    assert status == 304


def test_tile_of_the_map_is_read_at_the_asked_place(portal):
    item = portal["ids"]["map.tif"]
    url = f"{portal['base']}/iiif/3/{item}/1/0,0,512,512/256,/0/default.jpg"
    status, headers, body = _get(url)
    tile = Image.open(io.BytesIO(body))
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert tile.size == (256, 256)
    assert max(tile.getpixel((2, 2))) < 40  # the map's dark frame is in the top-left corner


def test_pdf_page_is_served_as_tiles_on_first_request(portal):
    item = portal["ids"]["plan.pdf"]
    status, _, body = _get(f"{portal['base']}/iiif/3/{item}/1/info.json")
    info = json.loads(body)
    # A4 at 300 dpi, its pixels rounded outwards as MuPDF renders them.
    assert status == 200 and (info["width"], info["height"]) == (2480, 3509)
    status, _, body = _get(f"{portal['base']}/iiif/3/{item}/1/full/!200,200/0/default.jpg")
    assert status == 200 and Image.open(io.BytesIO(body)).size == (141, 200)


def test_hidden_item_answers_anonymous_exactly_like_a_missing_one(portal):
    base, hidden = portal["base"], portal["ids"]["secret.png"]
    for tail in ("1/info.json", "1/full/max/0/default.jpg", "manifest.json", "1"):
        status, headers, body = _get(f"{base}/iiif/3/{hidden}/{tail}")
        missing = _get(f"{base}/iiif/3/0000000000000000/{tail}")
        assert (status, body) == (missing[0], missing[2]) and status == 404, tail
        assert "Access-Control-Allow-Origin" not in headers


def test_base_uri_redirects_to_info_json(portal):
    item = portal["ids"][PATTERN_NAME]
    request = urllib.request.Request(f"{portal['base']}/iiif/3/{item}/1")
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.url.endswith(f"/iiif/3/{item}/1/info.json")


@pytest.mark.parametrize("region, expected", [
    ("full", (0, 0, 1000, 800)), ("square", (100, 0, 800, 800)),
    ("900,700,500,500", (900, 700, 100, 100)), ("pct:10,25,50,50", (100, 200, 500, 400)),
])
def test_regions(region, expected):
    assert parse_region(region, 1000, 800) == expected


@pytest.mark.parametrize("size, expected", [
    ("max", (1000, 800)), ("500,", (500, 400)), (",400", (500, 400)), ("pct:25", (250, 200)),
    ("!500,500", (500, 400)), ("^2000,", (2000, 1600)), ("300,300", (300, 300)),
])
def test_sizes(size, expected):
    assert parse_size(size, 1000, 800, 16_000_000) == expected


@pytest.mark.parametrize("size", ["2000,", "pct:200", "!2000,3000", "0,", "abc", "^9000,"])
def test_refused_sizes(size):
    with pytest.raises(BadRequest):
        parse_size(size, 1000, 800, 16_000_000)


def test_max_is_held_to_the_server_area():
    assert parse_size("max", 20_000, 28_000, 16_000_000) == (3380, 4732)
