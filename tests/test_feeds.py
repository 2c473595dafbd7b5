"""Atom feeds for the provincial portal, read by a feed reader library (feedparser, PyPI):
new public items (all, per collection), published exhibitions, search results (?format=atom),
each in the interface language, with thumbnails and summaries, never a non-public item."""
from __future__ import annotations

import feedparser
import pytest
from PIL import Image, ImageDraw

import exhibits
from tests.oai_fixtures import *  # noqa: F401,F403
from tests.oai_fixtures import SECRET_WORD, catalog_of, ingest, public_ids
from web import create_app


@pytest.fixture(scope="module")
def feed_home(oai_home, tmp_path_factory):
    """The small archive plus a public photo (ingest makes its thumbnail) and two exhibitions."""
    import shutil

    root = tmp_path_factory.mktemp("feeds")
    home = root / "home"
    shutil.copytree(oai_home, home)
    folder = root / "in"
    folder.mkdir()
    image = Image.new("RGB", (320, 240), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 280, 200), outline="black", width=4)
    image.save(folder / "anh.jpg", quality=90)
    (folder / "manifest.csv").write_text(
        "file,title,kind,languages,access,collection,description\n"
        "anh.jpg,Ảnh cửa khẩu Hữu Nghị,photo,vi,public,Ảnh tư liệu,Ảnh chụp năm 2017\n",
        encoding="utf-8")
    ingest(home, folder)
    with catalog_of(home) as catalog:
        photo = next(i for i in catalog.item_ids() if catalog.get_item(i).kind == "photo")
        exhibits.create(catalog, "cua-khau", {"vi": "Cửa khẩu", "en": "Border gates"},
                        intros={"vi": "Giới thiệu", "en": "About the gates"}, actor="cora")
        exhibits.add_item(catalog, "cua-khau", photo, actor="cora")
        exhibits.publish(catalog, "cua-khau", actor="cora")
        exhibits.create(catalog, f"noi-bo-{SECRET_WORD}", {"vi": f"Nội bộ {SECRET_WORD}"},
                        actor="cora")
    return home


@pytest.fixture(scope="module")
def client(feed_home):
    return create_app({"TESTING": True, "TTDN_HOME": str(feed_home),
                       "SECRET_KEY": "feeds"}).test_client()


def _feed(client, url: str, hidden: str = SECRET_WORD):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    body = response.get_data()
    assert hidden.encode() not in body
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.bozo_exception  # well-formed, as a reader sees it
    assert parsed.version == "atom10"
    return parsed


def test_new_items_feed_has_every_public_item_with_summary_and_thumbnail(client, feed_home):
    parsed = _feed(client, "/feeds/items.atom")
    links = {e.link.rsplit("/", 1)[1] for e in parsed.entries}
    assert links == public_ids(feed_home)
    photo = next(e for e in parsed.entries if e.title == "Ảnh cửa khẩu Hữu Nghị")
    assert photo.summary == "Ảnh chụp năm 2017"
    assert photo.media_thumbnail[0]["url"].endswith("/thumbnail.jpg")
    assert client.get(photo.media_thumbnail[0]["url"]).status_code == 200
    assert photo.published and photo.updated
    breakout = next(e for e in parsed.entries if "alert" in e.title)
    assert breakout.title.startswith("Tờ trình </script>")  # text, escaped, not markup


def test_the_feed_speaks_the_interface_language(client):
    titles = {lang: _feed(client, f"/feeds/items.atom?lang={lang}").feed.title
              for lang in ("vi", "en", "zh")}
    assert len(set(titles.values())) == 3
    assert _feed(client, "/feeds/items.atom?lang=en").feed.language == "en"


def test_one_collection_per_feed(client):
    parsed = _feed(client, "/feeds/collections/ban-do.atom")
    assert sorted(e.title for e in parsed.entries) == ["Bản đồ tỉnh Lạng Sơn", "Carte du Tonkin"]
    assert len(_feed(client, "/feeds/items.atom?collection=van-ban-phap-luat").entries) == 8
    assert client.get("/feeds/collections/khong-co.atom").status_code == 404
    assert client.get(f"/feeds/collections/mat-{SECRET_WORD}.atom").status_code == 404


def test_published_exhibitions_feed(client):
    parsed = _feed(client, "/feeds/exhibitions.atom?lang=en")
    assert [e.title for e in parsed.entries] == ["Border gates"]
    entry = parsed.entries[0]
    assert entry.summary == "About the gates" and entry.link.endswith("/exhibitions/cua-khau")
    assert client.get(entry.media_thumbnail[0]["url"]).status_code == 200
    assert _feed(client, "/feeds/exhibitions.atom?lang=vi").entries[0].title == "Cửa khẩu"


def test_search_results_as_a_feed(client):
    parsed = _feed(client, "/?q=kế+hoạch&format=atom")
    assert parsed.entries and all("Kế hoạch" in e.title for e in parsed.entries)
    assert len(_feed(client, "/?format=atom&kind=map").entries) == 2
    # The query is echoed in the feed's title; the internal items it names are not there.
    hidden = _feed(client, f"/?q={SECRET_WORD}&format=atom", hidden=f"Hồ sơ {SECRET_WORD}")
    assert hidden.entries == []
    assert client.get("/?q=kế+hoạch").mimetype == "text/html"  # the page itself is unchanged
