"""Saved searches per account, with counts, and a private Atom feed of their new hits."""
from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

from archive.catalog import Catalog, now_iso
from archive.saved_searches import SavedSearches
from archive.settings import load_settings
from tests.conftest import run_cli
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import login

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_ATOM = "{http://www.w3.org/2005/Atom}"


def _after_the_newest_item(home) -> None:
    """Wait for the clock to leave the second the home's newest item was made in: an item
    made in the second a search is saved counts as new (times are kept to the second)."""
    with Catalog(load_settings(home).catalog_path) as catalog:
        newest = max(catalog.get_item(i).created_at for i in catalog.item_ids())
    while now_iso() <= newest:
        time.sleep(0.05)


def test_saved_search_counts_and_feeds_its_new_hits(private_app, private_home, tmp_path):
    _after_the_newest_item(private_home)
    client = private_app.test_client()
    login(client, "sam")
    page = client.get("/?q=*&access=internal&lang=en").get_data(as_text=True)
    assert "Save this search" in page
    token = _TOKEN.search(page).group(1)
    assert client.post("/staff/saved/", data={"csrf_token": token, "name": "Nội bộ",
                                              "q": "*", "access": "internal"}).status_code == 302
    with Catalog(load_settings(private_home).catalog_path) as catalog:
        saved = SavedSearches(catalog).all("sam")
        internal = sum(1 for i in catalog.item_ids() if catalog.get_item(i).access == "internal")
    assert [s.name for s in saved] == ["Nội bộ"] and saved[0].args["access"] == "internal"
    listing = client.get("/staff/saved/?lang=en").get_data(as_text=True)
    assert f"<td>{internal}</td><td>0</td>" in listing
    feed = ET.fromstring(client.get(f"/staff/saved/{saved[0].id}.atom").get_data())
    assert feed.findall(f"{_ATOM}entry") == []
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "moi.txt").write_text("Công văn nội bộ mới về quartzfresh.\n", encoding="utf-8")
    assert run_cli(private_home, "ingest", str(folder)).exit_code == 0  # internal by default
    response = client.get(f"/staff/saved/{saved[0].id}.atom")
    assert response.headers["Cache-Control"] == "private, no-store"
    titles = [e.findtext(f"{_ATOM}title") for e in ET.fromstring(
        response.get_data()).findall(f"{_ATOM}entry")]
    assert titles == ["Công văn nội bộ mới về quartzfresh"]  # from its text, not the file name
    other = private_app.test_client()
    login(other, "cora")
    assert other.get(f"/staff/saved/{saved[0].id}.atom").status_code == 404
    assert private_app.test_client().get(f"/staff/saved/{saved[0].id}.atom").status_code == 302
