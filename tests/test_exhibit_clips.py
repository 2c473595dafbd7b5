"""Film clips in exhibitions: a start and end time on an entry of a film or recording, kept in
the catalog, set through the API, the CLI and the curators' form, played as that range on the
public page, and printed in the catalogue as a poster frame with the time range (issue 15, 7).
Real ffmpeg, real SQLite, real PyMuPDF."""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageStat

import exhibits
from archive.catalog import Catalog
from archive.errors import UsageError
from archive.exhibitions import ExhibitionStore
from archive.settings import load_settings
from archive.users import Users
from exhibits.clips import clip_range, clock, parse_time
from tests.media_fixtures import make_film, needs_ffmpeg
from tests.web_fixtures import PASSWORD, login, make_app

from .conftest import run_cli

pytestmark = needs_ffmpeg

_TOKEN = re.compile(r'name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="module")
def film_home(tmp_path_factory) -> Path:
    """A data home with a public 6-second film, a public note and a curator account."""
    folder = tmp_path_factory.mktemp("clip-input")
    make_film(folder)
    (folder / "ghi-chu.txt").write_text("Ghi chú về phim tài liệu Lạng Sơn.\n", encoding="utf-8")
    (folder / "manifest.csv").write_text("file,access,title\nphim.mp4,public,Phim thử nghiệm\n"
                                         "ghi-chu.txt,public,Ghi chú\n", encoding="utf-8")
    home = tmp_path_factory.mktemp("clips") / "home"
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    with Catalog(load_settings(home).catalog_path) as catalog:
        Users(catalog).add("cora", "curator", PASSWORD)
    return home


@pytest.fixture
def home(film_home: Path, tmp_path: Path) -> Path:
    """A private copy a test may change."""
    import shutil
    target = tmp_path / "home"
    shutil.copytree(film_home, target)
    return target


def _catalog(home: Path) -> Catalog:
    return Catalog(load_settings(home).catalog_path)


def _exhibition(catalog: Catalog, slug: str = "phim-2026") -> str:
    exhibits.create(catalog, slug, {"vi": "Phim tư liệu", "en": "Documentary films"},
                    organization="Sở Văn hóa", actor="cora")
    return slug


def test_times_read_as_a_clerk_writes_them():
    assert parse_time("65") == parse_time("1:05") == parse_time("00:01:05") == 65.0
    assert parse_time("75:10") == 4510.0 and parse_time("0:01:05,5") == 65.5
    assert parse_time("") is None
    for bad in ("1:75", "abc", "-3", "1:2:3:4"):
        with pytest.raises(UsageError):
            parse_time(bad)
    assert (clock(65), clock(3725.5)) == ("00:01:05", "01:02:05.5")
    assert clip_range((1, 4)) == "00:00:01 – 00:00:04"


def test_a_clip_is_kept_checked_and_logged(home):
    with _catalog(home) as catalog:
        slug = _exhibition(catalog)
        entry = exhibits.add_item(catalog, slug, "phim.mp4", clip=("0:01", "0:04"), actor="cora")
        assert entry.clip == (1.0, 4.0)
        assert exhibits.get(catalog, slug).entries[0].clip == (1.0, 4.0)
        assert exhibits.get(catalog, slug).to_dict()["entries"][0]["clip"] == [1.0, 4.0]
        with pytest.raises(UsageError, match="after the end of the film"):
            exhibits.edit_item(catalog, slug, 1, clip=("0:02", "0:30"), actor="cora")
        with pytest.raises(UsageError, match="end after it starts"):
            exhibits.edit_item(catalog, slug, 1, clip=("0:04", "0:02"), actor="cora")
        with pytest.raises(UsageError, match="not a film or recording"):
            exhibits.add_item(catalog, slug, "ghi-chu.txt", clip=("1", "2"), actor="cora")
        exhibits.edit_item(catalog, slug, 1, clip=("2", ""), actor="cora")  # to the end
        assert exhibits.get(catalog, slug).entries[0].clip == (2.0, pytest.approx(6.0, abs=0.3))
        exhibits.edit_item(catalog, slug, 1, clip=None, actor="cora")
        assert exhibits.get(catalog, slug).entries[0].clip is None
        edits = [e.detail for e in exhibits.events(catalog, slug)
                 if e.action == "exhibit-item-edited"]
    assert edits[0]["clip"][0] == 2.0 and edits[-1]["clip"] is None


def test_an_older_data_home_gains_the_clip_columns_once(tmp_path):
    """GIVEN exhibition tables from before clips, with an entry WHEN opened (twice, and once
    read-only) THEN the columns are added once and the old entry reads without a clip."""
    path = tmp_path / "catalog.sqlite3"
    with Catalog(path) as catalog:
        ExhibitionStore(catalog)  # today's tables...
    db = sqlite3.connect(path)  # ...rebuilt as they were before clips
    db.executescript("""
        DROP TABLE exhibition_entries;
        CREATE TABLE exhibition_entries (id INTEGER PRIMARY KEY AUTOINCREMENT,
            slug TEXT NOT NULL, position INTEGER NOT NULL, item_id TEXT NOT NULL,
            captions TEXT NOT NULL DEFAULT '{}', section TEXT, page INTEGER, crop TEXT, note TEXT);
        INSERT INTO exhibitions (slug, access, titles, created_at, updated_at)
            VALUES ('cu', 'internal', '{"vi": "Cũ"}', '2020-01-01', '2020-01-01');
        INSERT INTO exhibition_entries (slug, position, item_id) VALUES ('cu', 1, 'abc');
    """)
    db.commit()
    db.close()
    with Catalog(path, readonly=True) as catalog:  # a portal worker: reads without them
        assert ExhibitionStore(catalog).get("cu").entries[0].clip is None
    for _ in range(2):
        with Catalog(path) as catalog:
            store = ExhibitionStore(catalog)
            assert store.get("cu").entries[0].clip is None
    columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(exhibition_entries)")]
    assert columns.count("clip_start") == 1 and columns.count("clip_end") == 1


def test_the_cli_sets_and_clears_a_clip(home):
    with _catalog(home) as catalog:
        slug = _exhibition(catalog)
    result = run_cli(home, "exhibit", "add", slug, "phim.mp4", "--clip", "0:01-0:04")
    assert result.exit_code == 0, result.output
    shown = run_cli(home, "exhibit", "show", slug)
    assert "clip: 00:00:01 – 00:00:04" in shown.output
    data = json.loads(run_cli(home, "exhibit", "show", slug, "--json").output)
    assert data["entries"][0]["clip"] == [1.0, 4.0]
    result = run_cli(home, "exhibit", "set", slug, "1", "--clip", "0:01-0:09")
    assert result.exit_code == 2 and "after the end of the film" in result.output
    assert run_cli(home, "exhibit", "set", slug, "1", "--clip", "").exit_code == 0
    with _catalog(home) as catalog:
        assert exhibits.get(catalog, slug).entries[0].clip is None


def _page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_curators_set_the_clip_in_the_form_and_the_public_page_plays_that_range(home):
    with _catalog(home) as catalog:
        slug = _exhibition(catalog)
        entry = exhibits.add_item(catalog, slug, "phim.mp4", captions={"vi": "Đoạn mở đầu"},
                                  actor="cora")
        exhibits.add_item(catalog, slug, "ghi-chu.txt", actor="cora")
    app = make_app(home)
    client = app.test_client()
    assert login(client, "cora").status_code == 302
    url = f"/staff/exhibitions/{slug}/entries/{entry.id}?lang=en"
    form = _page(client, url)
    assert 'name="clip_start"' in form and 'name="clip_end"' in form
    token = _TOKEN.search(form).group(1)
    bad = client.post(url, data={"csrf_token": token, "caption_vi": "Đoạn mở đầu",
                                 "clip_start": "1:75", "clip_end": ""})
    assert bad.status_code == 400 and "minutes:seconds" in bad.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": token, "caption_vi": "Đoạn mở đầu",
                                  "clip_start": "00:00:01", "clip_end": "0:04"})
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    workspace = _page(client, f"/staff/exhibitions/{slug}?lang=en")
    assert "00:00:01 – 00:00:04" in workspace
    assert f"/exhibitions/{slug}/entries/{entry.id}/poster.jpg" in workspace
    assert 'class="entry-clip-player"' in _page(client, url)
    other = _page(client, f"/staff/exhibitions/{slug}/entries/{entry.id + 1}?lang=en")
    assert 'name="clip_start"' not in other, "a note has no time range to choose"
    with _catalog(home) as catalog:
        assert exhibits.get(catalog, slug).entries[0].clip == (1.0, 4.0)
        exhibits.publish(catalog, slug, actor="cora")

    visitor = app.test_client()
    public = _page(visitor, f"/exhibitions/{slug}?lang=en")
    video = re.search(r'<video class="exhibit-clip"[^>]*>', public).group(0)
    assert 'data-clip-start="1.0"' in video and 'data-clip-end="4.0"' in video
    item_id = entry.item_id
    assert f'/items/{item_id}/access#t=1,4" type="video/mp4"' in public  # as the IIIF canvas plays it
    assert f"/items/{item_id}/subtitles/0.vtt" in public
    assert "00:00:01 – 00:00:04" in public
    assert "js/clips.js" in public
    poster = re.search(r'poster="([^"]+)"', video).group(1).replace("&amp;", "&")
    response = visitor.get(poster)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    frame = Image.open(io.BytesIO(response.get_data()))
    assert ImageStat.Stat(frame.convert("L")).mean[0] > 16, "a real frame, not a black one"
    assert response.headers["Cache-Control"].startswith("public")
    assert visitor.get(f"/exhibitions/{slug}/entries/{entry.id + 1}/poster.jpg").status_code == 404


def test_the_catalogue_prints_the_clip_poster_frame_and_time_range(home, tmp_path):
    with _catalog(home) as catalog:
        slug = _exhibition(catalog)
        exhibits.add_item(catalog, slug, "phim.mp4", captions={"vi": "Đoạn mở đầu"},
                          clip=("0:01", "0:04"), actor="cora")
        pdf = tmp_path / "catalogue.pdf"
        exhibits.export_pdf(load_settings(home), catalog, slug, pdf, actor="cora")
    with pymupdf.open(pdf) as doc:
        page = doc[2]  # cover, introduction, then the film
        text = page.get_text()
        assert "00:00:01 – 00:00:04" in text
        assert "Clip" in text
        assert len(page.get_images()) == 1, "the poster frame is drawn"
        xref = page.get_images()[0][0]
        frame = Image.open(io.BytesIO(doc.extract_image(xref)["image"]))
    assert frame.width >= 160 and ImageStat.Stat(frame.convert("L")).mean[0] > 16


def test_the_evidence_pack_carries_the_whole_original_and_the_clip(home, tmp_path):
    import hashlib

    with _catalog(home) as catalog:
        slug = _exhibition(catalog)
        entry = exhibits.add_item(catalog, slug, "phim.mp4", clip=("0:01", "0:04"), actor="cora")
        sha = next(f.sha256 for f in catalog.files(entry.item_id) if f.role == "original")
        exhibits.export_bag(load_settings(home), catalog, slug, tmp_path / "bag", actor="cora")
    document = json.loads((tmp_path / "bag" / "data" / "captions.json").read_text("utf-8"))
    (row,) = document["items"]
    assert row["clip"] == [1.0, 4.0] and row["file"] == "originals/phim.mp4"
    with open(tmp_path / "bag" / "data" / "captions.csv", encoding="utf-8-sig", newline="") as fh:
        (line,) = csv.DictReader(fh)
    assert line["clip"] == "1,4" and line["file"] == "originals/phim.mp4"
    original = (tmp_path / "bag" / "data" / row["file"]).read_bytes()
    assert hashlib.sha256(original).hexdigest() == sha, "the whole film, not the clip"


def test_the_iiif_manifest_plays_the_clip_and_the_whole_film(home):
    """GIVEN a published exhibition with a film twice, once as a clip WHEN its IIIF manifest is
    read anonymously THEN each is a time-based canvas (Presentation 3.0, duration) painted by
    the access copy, the clip as its media fragment, with a poster frame that loads."""
    import jsonschema
    from iiif_prezi3 import Manifest

    from tests.conftest import FIXTURES

    with _catalog(home) as catalog:
        slug = _exhibition(catalog)
        clip = exhibits.add_item(catalog, slug, "phim.mp4", captions={"vi": "Đoạn mở đầu"},
                                 clip=("0:01", "0:04"), actor="cora")
        exhibits.add_item(catalog, slug, "phim.mp4", actor="cora")
        exhibits.publish(catalog, slug, actor="cora")
    visitor = make_app(home).test_client()
    response = visitor.get(f"/iiif/3/exhibitions/{slug}/manifest.json")
    assert response.status_code == 200
    found = response.get_json()
    schema = json.loads((FIXTURES / "iiif-presentation-3.schema.json").read_text("utf-8"))
    jsonschema.validate(found, schema)
    Manifest(**found)
    cut, whole = found["items"]
    assert cut["label"] == {"vi": ["Đoạn mở đầu"]} and cut["duration"] == 3.0
    assert (cut["width"], cut["height"]) == (160, 120)
    body = cut["items"][0]["items"][0]["body"]
    assert body["id"].endswith(f"/items/{clip.item_id}/access#t=1,4")
    assert (body["type"], body["format"], body["duration"]) == ("Video", "video/mp4", 3.0)
    assert whole["duration"] == pytest.approx(6.0, abs=0.3)
    assert whole["items"][0]["items"][0]["body"]["id"].endswith(f"/items/{clip.item_id}/access")
    assert "thumbnail" not in found, "a poster frame is no Image API thumbnail"
    for canvas in (cut, whole):
        poster = visitor.get(canvas["thumbnail"][0]["id"].split("localhost", 1)[-1])
        assert poster.status_code == 200 and poster.mimetype == "image/jpeg"
