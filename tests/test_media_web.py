"""The portal's films: access copy with byte ranges, access rules, WebVTT, player, pictures."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from archive.catalog import Catalog
from archive.settings import load_settings
from archive.store import ObjectStore
from archive.users import Users
from ingest.tools.ffmpeg import probe
from tests.media_fixtures import (SIDECAR_WORD, make_audio, make_dvd_iso, make_film,
                                  needs_dvd_tools, needs_ffmpeg)
from tests.web_fixtures import PASSWORD, form_fields, login, make_app

from .conftest import run_cli

pytestmark = needs_ffmpeg
MISSING = "ffffffffffffffff"


@pytest.fixture(scope="module")
def media_home(tmp_path_factory) -> Path:
    """A public film, an internal film and a public recording."""
    folder = tmp_path_factory.mktemp("media-web-input")
    make_film(folder, "cong-khai.mp4")
    make_film(folder, "noi-bo.mp4", seconds=5)
    make_audio(folder / "audio")
    if shutil.which("dvdauthor") and shutil.which("genisoimage"):
        make_dvd_iso(folder)
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "access"])
        out.writerows([["cong-khai.mp4", "public"], ["noi-bo.mp4", "internal"],
                       ["audio/tone.flac", "public"], ["dia-dvd.iso", "public"]])
    home = tmp_path_factory.mktemp("media-web") / "home"
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    with Catalog(load_settings(home).catalog_path) as catalog:
        Users(catalog).add("sam", "staff", PASSWORD)
        Users(catalog).add("cora", "curator", PASSWORD)
    return home


@pytest.fixture(scope="module")
def ids(media_home: Path) -> dict[str, str]:
    with Catalog(load_settings(media_home).catalog_path) as catalog:
        return {"public": catalog.resolve("cong-khai.mp4"),
                "internal": catalog.resolve("noi-bo.mp4"),
                "audio": catalog.resolve("audio/tone.flac"),
                "dvd": catalog.resolve("dia-dvd.iso")}


@pytest.fixture(scope="module")
def app(media_home: Path):
    return make_app(media_home)


@pytest.fixture
def client(app):
    return app.test_client()


def test_the_access_copy_is_served_in_byte_ranges(client, ids):
    response = client.get(f"/items/{ids['public']}/access", headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.mimetype == "video/mp4" and len(response.data) == 100
    assert response.headers["Content-Range"].startswith("bytes 0-99/")
    assert response.data[4:8] == b"ftyp"
    whole = client.get(f"/items/{ids['public']}/access")
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize("which", ["public", pytest.param("dvd", marks=needs_dvd_tools)])
def test_the_access_copy_is_h264_aac(client, ids, media_home, tmp_path, which):
    data = client.get(f"/items/{ids[which]}/access").data
    copy = tmp_path / "copy.mp4"
    copy.write_bytes(data)
    codecs = {s["codec_type"]: s["codec_name"] for s in probe(copy, timeout=30)["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}
    assert list((media_home / "derivatives" / "media").rglob("access.mp4")), "cached"


@pytest.mark.parametrize("route", ["/items/{}/access", "/items/{}/subtitles/0.vtt",
                                   "/items/{}/contact-sheet.jpg", "/items/{}/waveform.jpg"])
def test_an_internal_film_answers_anonymous_visitors_like_a_missing_one(client, ids, route):
    hidden = client.get(route.format(ids["internal"]), headers={"Range": "bytes=0-99"})
    missing = client.get(route.format(MISSING), headers={"Range": "bytes=0-99"})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.data == missing.data


def test_subtitles_are_webvtt_per_track(client, ids):
    embedded = client.get(f"/items/{ids['public']}/subtitles/0.vtt")
    sidecar = client.get(f"/items/{ids['public']}/subtitles/1.vtt")
    assert embedded.mimetype == sidecar.mimetype == "text/vtt"
    text = sidecar.get_data(as_text=True)
    assert text.startswith("WEBVTT\n")
    assert f"00:00:03.000 --> 00:00:04.800\nĐiệu múa {SIDECAR_WORD} của người Tày" in text
    assert client.get(f"/items/{ids['public']}/subtitles/7.vtt").status_code == 404


def test_the_item_page_has_the_player_with_tracks_and_times(client, ids):
    page = client.get(f"/items/{ids['public']}").get_data(as_text=True)
    assert '<video id="media-player"' in page
    assert f'src="/items/{ids["public"]}/access"' in page
    assert page.count('<track kind="subtitles"') == 2 and 'srclang="vi"' in page
    assert 'id="page-2" data-start="1.0"' in page and 'href="#t=1.0"' in page
    assert "js/player.js" in page and "<script>" not in page
    assert "media-facts" not in page and "h264" not in page, "facts are for staff"


def test_staff_see_the_technical_facts_and_internal_films(client, ids):
    assert login(client, "sam").status_code == 302
    page = client.get(f"/items/{ids['internal']}").get_data(as_text=True)
    assert 'class="media-facts"' in page and "h264 160×120 10.0 fps" in page
    assert "aac 1 ch 44100 Hz vi" in page and "mov_text vi (embedded)" in page
    response = client.get(f"/items/{ids['internal']}/access", headers={"Range": "bytes=0-9"})
    assert response.status_code == 206 and response.headers["Cache-Control"] == "private, no-store"


def test_a_hit_links_to_the_page_that_opens_the_player_at_its_time(client, ids):
    results = client.get(f"/?q={SIDECAR_WORD.lower()}").get_data(as_text=True)
    assert f"/items/{ids['public']}" in results and "#page-2" in results
    assert "[00:00:03]" in results


def test_contact_sheet_and_waveform_pictures(client, ids):
    sheet = client.get(f"/items/{ids['public']}/contact-sheet.jpg")
    assert sheet.status_code == 200 and sheet.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(sheet.data)) as image:
        assert image.width > 400, "a grid of frames"
    wave = client.get(f"/items/{ids['audio']}/waveform.jpg")
    assert wave.status_code == 200
    audio_page = client.get(f"/items/{ids['audio']}").get_data(as_text=True)
    assert '<audio id="media-player"' in audio_page
    assert client.get(f"/items/{ids['audio']}/access").mimetype == "audio/mp4"


def test_editing_a_film_keeps_its_technical_facts(media_home, ids, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(media_home, home)
    client = make_app(home).test_client()
    assert login(client, "cora").status_code == 302
    form = client.get(f"/staff/items/{ids['public']}/edit?lang=en").get_data(as_text=True)
    assert 'name="media"' not in form, "ingest alone knows the facts"
    data = {**form_fields(form), "title": "Phim đã sửa tên"}
    assert client.post(f"/staff/items/{ids['public']}/edit", data=data).status_code == 302
    with Catalog(load_settings(home).catalog_path) as catalog:
        item = catalog.get_item(ids["public"])
    assert item.title == "Phim đã sửa tên" and item.media["video"][0]["codec"] == "h264"
    assert client.get(f"/items/{ids['public']}/subtitles/1.vtt").status_code == 200


def test_access_copies_are_held_to_the_cache_size(media_home, ids, tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(media_home, home, ignore=shutil.ignore_patterns("derivatives"))
    monkeypatch.setenv("TTDN_MEDIA_CACHE_BYTES", "1000")  # smaller than any one copy
    client = make_app(home).test_client()
    cache = home / "derivatives" / "media"
    assert client.get(f"/items/{ids['public']}/access").status_code == 200
    assert [p.name for p in cache.rglob("access.*")] == ["access.mp4"]
    assert client.get(f"/items/{ids['audio']}/access").status_code == 200
    assert [p.name for p in cache.rglob("access.*")] == ["access.m4a"], "the older one went"


def test_media_ffmpeg_cannot_convert_answers_404_not_an_error(media_home, ids, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(media_home, home, ignore=shutil.ignore_patterns("derivatives"))
    with Catalog(load_settings(home).catalog_path) as catalog:
        item = catalog.get_item(ids["audio"])
    stored = ObjectStore(load_settings(home).objects_dir).path_for(item.sha256)
    stored.chmod(0o644)
    stored.write_bytes(b"fLaC" + bytes(4000))  # the stored original damaged after ingest
    client = make_app(home).test_client()
    assert client.get(f"/items/{ids['audio']}/access").status_code == 404
    assert client.get(f"/items/{ids['audio']}/access").status_code == 404
    assert client.get(f"/items/{ids['public']}/access").status_code == 200, "others still play"
