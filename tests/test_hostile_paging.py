"""A page past the last one (an old link, a hand-typed ?page=999) is an empty page, never a 500."""
from __future__ import annotations

import re

from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import make_app


def test_search_page_past_the_last_links_back(web_home):
    """GIVEN more hits than one page WHEN page 999 is asked for THEN 200, no hits, and a link to
    the last page (which holds hits)."""
    client = make_app(web_home, SEARCH_PAGE_SIZE=5).test_client()
    response = client.get("/?q=&page=999&lang=en")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    assert 'class="hit"' not in page and "There is no page 999 of these results." in page
    last = re.search(r'<a href="([^"]*page=(\d+)[^"]*)">Go to the last page', page)
    assert last, page
    back = client.get(last.group(1).replace("&amp;", "&"))
    assert back.status_code == 200 and 'class="hit"' in back.get_data(as_text=True)
    assert 'rel="next"' not in back.get_data(as_text=True)


def test_api_page_past_the_last_is_an_empty_page(client):
    found = client.get("/api/search?q=*&page=999").get_json()
    assert found["total"] > 0 and found["hits"] == []
    assert client.get("/api/search?q=*&page=10000&limit=100").status_code == 200
    assert client.get("/api/search?q=*&page=10001").status_code == 400  # as the description says
