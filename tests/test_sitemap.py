"""What crawlers see: /sitemap.xml (an index of parts when large) validated against the
sitemaps.org schema, robots.txt keeping them off the staff side, and schema.org JSON-LD on the
public item and exhibition pages, from which no title can break out."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
import xmlschema

import exhibits
from tests.oai_fixtures import *  # noqa: F401,F403
from tests.oai_fixtures import BREAKOUT_TITLE, SCHEMAS, SECRET_WORD, catalog_of, public_ids
from web import create_app

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(SCHEMAS / "sitemap" / "sitemap.xsd", allow="local")


def _client(home, **config):
    return create_app({"TESTING": True, "TTDN_HOME": str(home), "SECRET_KEY": "sitemap",
                       **config}).test_client()


@pytest.fixture(scope="module")
def site(oai_home, tmp_path_factory):
    """The small archive with one published and one internal exhibition."""
    import shutil

    home = tmp_path_factory.mktemp("site") / "home"
    shutil.copytree(oai_home, home)
    with catalog_of(home) as catalog:
        first = sorted(public_ids(home))[0]
        exhibits.create(catalog, "ban-do", {"vi": "Bản đồ xưa", "en": "Old maps"},
                        intros={"vi": "Giới thiệu </script><b>"}, organization="Sở Ngoại vụ",
                        actor="cora")
        exhibits.add_item(catalog, "ban-do", first, actor="cora")
        exhibits.publish(catalog, "ban-do", actor="cora")
        exhibits.create(catalog, "noi-bo", {"vi": f"Nội bộ {SECRET_WORD}"}, actor="cora")
    return home


def _locs(root) -> list[str]:
    return [e.text for e in root.iter(f"{{{NS['s']}}}loc")]


def test_the_sitemap_lists_public_items_and_published_exhibitions(site, schema):
    response = _client(site).get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    schema.validate(response.get_data())
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{{{NS['s']}}}urlset"
    locs = _locs(root)
    items = {loc.rsplit("/", 1)[1] for loc in locs if "/items/" in loc}
    assert items == public_ids(site)
    assert "http://localhost/exhibitions/ban-do" in locs
    assert not any("noi-bo" in loc for loc in locs)
    lastmods = [u.findtext("s:lastmod", namespaces=NS) for u in root.findall("s:url", NS)
                if "/items/" in u.findtext("s:loc", namespaces=NS)]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", m) for m in lastmods)


def test_a_large_sitemap_becomes_an_index_of_valid_parts(site, schema):
    client = _client(site, SITEMAP_MAX_URLS=5)
    response = client.get("/sitemap.xml")
    schema.validate(response.get_data())
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    parts = _locs(root)
    assert len(parts) == 1 + 3  # the pages part and 12 items in parts of 5
    items = []
    for part in parts:
        body = client.get(part).get_data()
        schema.validate(body)
        items += [loc for loc in _locs(ET.fromstring(body)) if "/items/" in loc]
    assert len(items) == len(set(items)) == len(public_ids(site))
    assert client.get("/sitemaps/items-4.xml").status_code == 404


def test_robots_keeps_crawlers_off_the_staff_side(site):
    text = _client(site).get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /staff/" in text and "Disallow: /login" in text
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /\n" not in text and "Disallow: /items" not in text


def _ld(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(b) for b in blocks]


def test_item_pages_carry_json_ld_that_no_title_can_break_out_of(site):
    client = _client(site)
    with catalog_of(site) as catalog:
        breakout = next(i for i in catalog.item_ids()
                        if catalog.get_item(i).title == BREAKOUT_TITLE)
        a_map = next(i for i in catalog.item_ids() if catalog.get_item(i).kind == "map")
    page = client.get(f"/items/{breakout}").get_data(as_text=True)
    head = page.split("</head>", 1)[0]
    # Exactly one script element in the head's JSON-LD: the title did not open another one.
    assert head.count("<script") == head.count("</script>")
    assert '<script>alert("x")' not in page
    (data,) = _ld(head)
    assert data["@type"] == "DigitalDocument" and data["name"] == BREAKOUT_TITLE
    assert data["url"] == f"http://localhost/items/{breakout}"
    assert _ld(client.get(f"/items/{a_map}").get_data(as_text=True))[0]["@type"] == "Map"


def test_exhibition_pages_carry_an_exhibition_event(site):
    page = _client(site).get("/exhibitions/ban-do?lang=en").get_data(as_text=True)
    (data,) = _ld(page.split("</head>", 1)[0])
    assert data["@type"] == "ExhibitionEvent" and data["name"] == "Old maps"
    assert data["organizer"]["name"] == "Sở Ngoại vụ" and len(data["workFeatured"]) == 1
    vi = _ld(_client(site).get("/exhibitions/ban-do?lang=vi").get_data(as_text=True))[0]
    assert vi["description"] == "Giới thiệu </script><b>"
