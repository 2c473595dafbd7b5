"""Forgiving queries on the portal and the API: repaired with a notice, not refused; a page with
no results says what to try; the search layer's messages go through gettext by their msgid."""
from __future__ import annotations

import html
import re
from pathlib import Path

from babel.messages.catalog import Catalog as MessageCatalog
from babel.messages.mofile import write_mo

from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import make_app


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html.unescape(response.get_data(as_text=True))


def _hits(page: str) -> list[str]:
    return re.findall(r'<h2 class="hit-title"><a href="(/items/\w+)', page)


def _api(client, args: str) -> dict:
    response = client.get(f"/api/search?{args}")
    assert response.status_code == 200, (args, response.get_data(as_text=True))
    return response.get_json()


def test_open_quote_is_closed_with_a_notice_on_the_page(client):
    page = _page(client, '/?q="lạng sơn&lang=en')
    assert "A quote was not closed" in page
    assert _hits(page) and _hits(page) == _hits(_page(client, '/?q="lạng sơn"&lang=en'))


def test_open_and_stray_parentheses_are_repaired_with_notices(client):
    opened = _page(client, "/?q=(lang son OR hoang sa&lang=en")
    assert 'A "(" was not closed' in opened and _hits(opened)
    stray = _page(client, "/?q=lang son)&lang=en")
    assert 'A ")" had no "(" before it' in stray
    assert _hits(stray) == _hits(_page(client, "/?q=lang son&lang=en"))


def test_api_adds_notices_and_keeps_its_shape(client):
    repaired = _api(client, 'q="lang son')
    assert list(repaired)[:3] == ["total", "hits", "facets"] and repaired["total"] > 0
    assert [n["code"] for n in repaired["notices"]] == ["quote-closed"]
    assert "not closed" in repaired["notices"][0]["message"]
    assert "notices" not in _api(client, 'q="lang son"')  # nothing repaired: no key


def test_reversed_years_are_swapped_and_said_so(client):
    swapped = _api(client, "q=lang son&from=2020&to=2000")
    right = _api(client, "q=lang son&from=2000&to=2020")
    assert swapped["total"] == right["total"] > 0
    assert [n["code"] for n in swapped["notices"]] == ["years-swapped"]
    page = _page(client, "/?q=lang son&from=2020&to=2000&lang=en")
    assert "searched from 2000 to 2020" in page
    query_range = _api(client, "q=nam:2020..2000")
    assert query_range["total"] == _api(client, "q=nam:2000..2020")["total"] > 0
    assert query_range["notices"][0]["code"] == "years-swapped"


def test_no_results_offers_dropping_the_filter_instead_of_empty_facets(client):
    """GIVEN a query with hits WHEN a kind filter leaves none THEN the page offers the query
    without that filter, with its count, and hides the facet box."""
    assert _api(client, "q=lang son&kind=audio")["total"] == 0
    total = _api(client, "q=lang son")["total"]
    page = _page(client, "/?q=lang son&kind=audio&lang=en")
    link = re.search(r'<a href="([^"]+)">Without the filter Kind: Audio</a> '
                     r'<span class="count">(\d+) items</span>', page)
    assert link, page
    assert int(link.group(2)) == total
    assert _hits(_page(client, link.group(1)))
    assert re.search(r'<aside class="facets"[^>]* hidden>', page)
    assert '<section class="facet">' not in page


def test_no_results_offers_the_unaccented_query(client):
    # KHÔNG is NOT here (the other words are not capitals): nothing is left; unaccented, it is
    # a word like the others and the plain query finds items.
    page = _page(client, "/?q=kế hoạch KHÔNG lạng sơn&lang=en")
    link = re.search(r'Without accents: <a href="([^"]+)">ke hoach KHONG lang son</a>', page)
    assert link, page
    assert _hits(_page(client, link.group(1)))


def test_no_results_offers_did_you_mean_once_with_its_count(client):
    page = _page(client, "/?q=quartzmarkuqq&lang=en")
    assert page.count("Did you mean:") == 1
    assert re.search(r'Did you mean: <a href="([^"]+)">quartzmarkup</a>\? '
                     r'<span class="count">1 item</span>', page), page


def test_dropping_every_filter_is_offered_when_no_single_one_helps(client):
    assert _api(client, "q=lang son&kind=audio&language=ko")["total"] == 0
    page = _page(client, "/?q=lang son&kind=audio&language=ko&lang=en")
    assert "Without any filter" in page


def test_a_bad_year_argument_is_named_as_the_form_names_it(client):
    response = client.get("/?q=x&from=abc&lang=en")
    assert response.status_code == 400
    assert "From year must be a whole number from 1 to 9999" in response.get_data(as_text=True)


def _catalog_dir(tmp_path: Path, translations: dict[str, str]) -> Path:
    """A vi message catalog holding only these translations (compiled, as pybabel would)."""
    catalog = MessageCatalog(locale="vi")
    for msgid, text in translations.items():
        catalog.add(msgid, text)
    folder = tmp_path / "translations" / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as out:
        write_mo(out, catalog)
    return tmp_path / "translations"


def test_search_messages_are_rendered_through_gettext(web_home, tmp_path):
    """GIVEN a catalog translating the parser's and the arguments' msgids WHEN the page shows
    an error or a notice THEN it is the translation, with its params filled in."""
    folder = _catalog_dir(tmp_path, {
        "The query has no words to search for": "Câu tìm không có từ nào",
        "%(name)s must be a whole number from %(low)s to %(high)s":
            "%(name)s phải là số nguyên từ %(low)s đến %(high)s",
        "A quote was not closed: the phrase was read to the end of the query":
            "Dấu ngoặc kép chưa đóng: đã đọc cụm từ đến hết câu",
    })
    client = make_app(web_home, BABEL_TRANSLATION_DIRECTORIES=str(folder)).test_client()
    empty = client.get("/?q=– %26 …&lang=vi")
    assert empty.status_code == 400 and "Câu tìm không có từ nào" in empty.get_data(as_text=True)
    page = client.get("/?q=x&page=0&lang=vi")
    assert page.status_code == 400
    assert "page phải là số nguyên từ 1 đến 10000" in page.get_data(as_text=True)
    assert "Dấu ngoặc kép chưa đóng" in _page(client, '/?q="lang son&lang=vi')
    # The API and English readers keep the English text.
    assert client.get("/api/search?q=x&page=0").get_json()["error"] == \
        "page must be a whole number from 1 to 10000"


def test_search_links_are_what_url_for_builds(web_app):
    """The page's links are encoded once per request (speed): they must equal url_for's."""
    from flask import url_for

    from web.search_views import facet_url, search_url
    query = "/?q=Lạng Sơn+%22x y%22&kind=map&from=1940&lead_unit=Sở Ngoại vụ&lang=en&page=3"
    with web_app.test_request_context(query):
        kept = {"q": 'Lạng Sơn "x y"', "kind": "map", "from": "1940",
                "lead_unit": "Sở Ngoại vụ"}
        for changes in ({}, {"page": 2}, {"kind": None}, {"kind": "photo", "q": "a&b=c/d"},
                        {"collection": "Bộ sưu tập #1 ?"}, {"from": None, "q": None}):
            wanted = {k: v for k, v in {**kept, **changes}.items() if v is not None}
            assert search_url(**changes) == url_for("search.index", **wanted)
        assert facet_url("kind", "map") == (url_for("search.index", q=kept["q"], **{
            "from": "1940", "lead_unit": "Sở Ngoại vụ"}), True)
        assert facet_url("languages", "vi")[0] == url_for("search.index", **kept, language="vi")


def test_page_links_of_hits_are_what_url_for_builds(web_app):
    """Links from hits to their pages are encoded once per request (speed): same URLs."""
    from flask import url_for

    from web.items import hit_page_url
    for query in ("/?q=Lạng Sơn+%22x%22&kind=map&lang=en", "/?kind=map", "/?q=a%26b%3Dc/d"):
        with web_app.test_request_context(query):
            from flask import request
            q = request.args.get("q", "")
            args = {"q": q, "back": request.query_string.decode()} if q else {}
            for item_id, n, size in (("abc123", 1, 10), ("abc123", 10, 10), ("f00d", 11, 10),
                                     ("abc123", 57, 10), ("x", 3, 1), ("a/b c", 12, 10)):
                assert hit_page_url(item_id, n, size) == url_for(
                    "items.show", item_id=item_id, pp=(n - 1) // size + 1 if n > size else None,
                    _anchor=f"page-{n}", **args)
