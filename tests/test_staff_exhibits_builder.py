"""The exhibition builder at scale: several items at once, captions saved together, a refused
publication that offers one-click removal or a change of access, a finder that says why not."""
from __future__ import annotations

import re

from archive.catalog import Catalog
from archive.settings import load_settings
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import login

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SLUG = "lang-son"


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def _token(page: str) -> str:
    return _TOKEN.search(page).group(1)


def _entries(client) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="exhibit-entry" id="entry-(\d+)"',
                                       _page(client, f"/staff/exhibitions/{SLUG}"))]


def _start(app, ids):
    client = app.test_client()
    login(client, "cora")
    page = _page(client, "/staff/exhibitions/new?lang=en")
    assert client.post("/staff/exhibitions/new", data={
        "csrf_token": _token(page), "slug": SLUG, "title_vi": "Lạng Sơn", "title_en": "Lang Son",
        "intro_vi": "Giới thiệu."}).status_code == 302
    found = _page(client, f"/staff/exhibitions/{SLUG}/find?kind=&lang=en")
    assert 'form="add-many"' in found
    response = client.post(f"/staff/exhibitions/{SLUG}/add-many?lang=en", data={
        "csrf_token": _token(found), "items": [ids["public"], ids["internal"], ids["map"]],
        "next": f"/staff/exhibitions/{SLUG}"}, follow_redirects=True)
    assert "3 items added." in response.get_data(as_text=True)
    return client


def test_add_several_then_save_every_caption_at_once(private_app, ids):
    client = _start(private_app, ids)
    entries = _entries(client)
    assert len(entries) == 3
    page = _page(client, f"/staff/exhibitions/{SLUG}")
    data = {"csrf_token": _token(page)}
    for n, entry_id in enumerate(entries):
        data[f"e{entry_id}-caption_vi"] = f"Chú thích số {n}"
    response = client.post(f"/staff/exhibitions/{SLUG}/captions?lang=en", data=data,
                           follow_redirects=True)
    assert "Captions of 3 items saved." in response.get_data(as_text=True)
    shown = _page(client, f"/staff/exhibitions/{SLUG}")
    assert all(f"Chú thích số {n}" in shown for n in range(3))


def test_refused_publication_offers_remove_and_change_of_access(private_app, ids):
    client = _start(private_app, ids)
    page = _page(client, f"/staff/exhibitions/{SLUG}")
    refused = client.post(f"/staff/exhibitions/{SLUG}/publish?lang=en",
                          data={"csrf_token": _token(page)})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert f"/staff/items/{ids['internal']}/edit" in text  # open it to change its access
    assert 'id="remove-refused"' in text and "Remove this item" in text
    assert f"/staff/bulk/?ids={ids['internal']}" in text
    entry = re.search(r'name="entries" value="(\d+)"', text).group(1)
    assert client.post(f"/staff/exhibitions/{SLUG}/remove-refused", data={
        "csrf_token": _token(text), "entries": [entry]}).status_code == 302
    assert len(_entries(client)) == 2
    page = _page(client, f"/staff/exhibitions/{SLUG}")
    assert client.post(f"/staff/exhibitions/{SLUG}/publish",
                       data={"csrf_token": _token(page)}).status_code == 302
    with Catalog(load_settings(private_app.config["TTDN_HOME"]).catalog_path) as catalog:
        assert catalog.get_item(ids["internal"]).access == "internal"  # the item stayed


def test_finder_of_a_published_exhibition_does_not_offer_what_it_would_refuse(private_app, ids):
    client = _start(private_app, ids)
    page = _page(client, f"/staff/exhibitions/{SLUG}")
    text = client.post(f"/staff/exhibitions/{SLUG}/publish", data={
        "csrf_token": _token(page)}).get_data(as_text=True)
    for entry in re.findall(r'name="entries" value="(\d+)"', text)[:1]:
        client.post(f"/staff/exhibitions/{SLUG}/remove-refused",
                    data={"csrf_token": _token(text), "entries": [entry]})
    page = _page(client, f"/staff/exhibitions/{SLUG}")
    assert client.post(f"/staff/exhibitions/{SLUG}/publish",
                       data={"csrf_token": _token(page)}).status_code == 302
    found = _page(client, f"/staff/exhibitions/{SLUG}/find?kind=photo&lang=en")
    block = found[found.index(ids["internal"]):]
    block = block[:block.index("</li>")]
    assert "unpublish it first to add this item" in block
    assert 'name="items"' not in block and "Add to the exhibition" not in block
