"""The item page as a visitor reaches it from a hit: marked terms, the way back, what is shown.

Issue 12, points 5, 6 and 8b, through Flask's test client on the shared web home.
"""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from archive.catalog import Catalog
from archive.settings import load_settings
from search.marks import marks_for_text
from search.snippets import make_snippet, mark_text
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import login

_NB = "[\\s\u00a0]"  # the decrees' text layer separates words with no-break spaces


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _main(page: str) -> str:
    """The page's <main>: what the visitor reads (not the JSON-LD in <head>)."""
    return page[page.index("<main"):page.index("</main>")]


def _related(page: str) -> str:
    return page.split("Related items", 1)[1].split("</ul>", 1)[0] if "Related items" in page \
        else ""


def _page_text(page: str, n: int) -> str:
    article = page.split(f'id="page-{n}"', 1)[1].split("</article>", 1)[0]
    return article.split('class="page-text"', 1)[1]


# -- 5: from a hit to the page -------------------------------------------------------------------


def test_page_links_of_a_hit_carry_the_query_and_the_results_page(client, ids):
    page = _text(client.get("/?q=thong+tin&lang=en"))
    links = re.findall(rf'href="(/items/{ids["long"]}\?[^"#]*#page-\d+)"', page)
    assert links, "the decree on spokesmen has page links"
    args = parse_qs(urlsplit(html.unescape(links[0])).query)
    assert args["q"] == ["thong tin"]
    assert parse_qs(args["back"][0]) == {"q": ["thong tin"], "lang": ["en"]}


def test_following_a_page_link_marks_the_words_and_links_back(client, ids):
    """GIVEN page 5 of the decree, which reads "… chính xác thông tin chính thống …" WHEN it is
    opened from the results of "thong tin" (page 2) THEN "thông tin" is marked, "thống" is not,
    and a link goes back to exactly that results page."""
    url = f"/items/{ids['long']}?pp=1&q=thong+tin&back=q%3Dthong%2Btin%26page%3D2"
    page = _text(client.get(url + "&lang=en"))
    text = _page_text(page, 5)
    assert re.search(f"<mark>thông{_NB}tin</mark>", text), text[:500]
    assert "<mark>thống" not in text and re.search(f"chính{_NB}thống", text)
    back = re.search(r'<p class="back"><a href="([^"]+)"', page)
    assert back and html.unescape(back.group(1)) == "/?q=thong+tin&page=2"
    assert "Back to the results" in page


def test_the_viewer_keeps_the_way_back_to_the_marked_page(client, ids):
    keep = "q=thong+tin&back=q%3Dthong%2Btin"
    viewer = _text(client.get(f"/items/{ids['long']}/view?page=11&{keep}"))
    back = re.search(r'<p class="back"><a href="([^"]+)"', viewer).group(1)
    assert html.unescape(back) == f"/items/{ids['long']}?pp=2&{keep}#page-11"


def test_an_accented_word_marks_only_its_own_tones(client, ids):
    text = _page_text(_text(client.get(f"/items/{ids['long']}?q=th%E1%BB%91ng")), 5)
    assert "<mark>thống</mark>" in text and "<mark>thông" not in text


def test_the_way_back_only_ever_leads_to_the_search_page(client, ids):
    for back in ("https%3A%2F%2Fevil.example%2F", "%2F%2Fevil.example", "javascript%3Aalert(1)"):
        page = _text(client.get(f"/items/{ids['public']}?q=lang&back={back}"))
        for href in re.findall(r'<p class="back"><a href="([^"]+)"', page):
            assert href.startswith("/?"), href


def test_marked_page_text_stays_escaped(client, ids):
    page = _text(client.get(f"/items/{ids['xss']}?q=quartzmarkup"))
    assert "<mark>quartzmarkup</mark>" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_run_marks_the_phrase_and_not_the_syllable_alone():
    marks = marks_for_text("thong tin")
    assert mark_text("Hệ thống thông tin; thống kê <b>", marks) == \
        "Hệ thống <mark>thông tin</mark>; thống kê &lt;b&gt;"
    # A word typed alone is still found in all its tones; with its tones, only in those.
    assert mark_text("thống thông", marks_for_text("thong")) == \
        "<mark>thống</mark> <mark>thông</mark>"
    assert mark_text("thống thông", marks_for_text("thông")) == "thống <mark>thông</mark>"
    # What the query excludes is not marked.
    assert mark_text("thông tin", marks_for_text("tin -thong")) == "thông <mark>tin</mark>"


def test_snippets_have_no_doubled_or_empty_ellipses(client):
    form = "Họ …………………… Chữ đệm và tên ……………………….. (2) " * 30 + "Nơi thường trú ……"
    snippet = make_snippet(form, marks_for_text("noi thuong tru"))
    assert "<mark>Nơi thường trú</mark>" in snippet
    assert "… …" not in snippet and "……" not in snippet and snippet.count("…") <= 12
    for query in ("thong+tin", "lang+son", "bien+dong"):
        page = _text(client.get(f"/?q={query}"))
        snippets = re.findall(r'<p class="snippet">(.*?)</p>', page, re.S)
        assert snippets, query
        for s in snippets:
            assert not re.search(r"…(?:\s|<[^>]+>)*…", s), s


# -- 6: what the public sees of an item -----------------------------------------------------------


def test_the_public_item_page_shows_no_paths_mime_types_or_codes(client, web_app, ids):
    public = _main(_text(client.get(f"/items/{ids['public']}?lang=en")))
    assert "dc:" not in public and "Dublin Core" not in public
    assert "scans/kh-51-ubnd-2017-lang-son.pdf" not in public
    assert "application/pdf" not in public and "PDF ·" in public
    staff = web_app.test_client()
    assert login(staff, "sam").status_code == 302
    detailed = _main(_text(staff.get(f"/items/{ids['public']}?lang=en")))
    assert '<code class="dc">dc:title</code>' in detailed
    assert "scans/kh-51-ubnd-2017-lang-son.pdf" in detailed and "application/pdf" in detailed


def test_related_items_of_a_map_are_not_decrees_by_text(client, web_home, ids):
    """GIVEN the map (collection "Bản đồ lịch sử", subject "bản đồ") WHEN its page is shown
    THEN every related item shares a place, collection or subject with it, or is a map."""
    related = re.findall(r'href="/items/([0-9a-f]+)"', _related(_text(
        client.get(f"/items/{ids['map']}?lang=en"))))
    with Catalog(load_settings(web_home).catalog_path) as catalog:
        the_map = catalog.get_item(ids["map"])
        for other in map(catalog.get_item, related):
            shared = (set(other.places) & set(the_map.places) or set(other.subject) &
                      set(the_map.subject) or other.collection == the_map.collection)
            assert shared or other.kind == "map", (other.title, other.kind)


def test_an_item_cited_by_number_comes_first_among_related_ones(web_app, client, ids):
    """GIVEN a public report citing the internal plan 12/KH-UBND by number WHEN staff open the
    plan THEN the report is its first related item; the public never sees the plan there."""
    staff = web_app.test_client()
    assert login(staff, "sam").status_code == 302
    related = re.findall(r'href="/items/([0-9a-f]+)"', _related(_text(
        staff.get(f"/items/{ids['plan']}?lang=en"))))
    assert related and related[0] == ids["report"], related
    public = _related(_text(client.get(f"/items/{ids['report']}?lang=en")))
    assert ids["plan"] not in public


# -- 8b: the first render of a page image ---------------------------------------------------------


def test_page_images_hold_their_place_and_show_a_spinner(client, ids):
    page = _text(client.get(f"/items/{ids['public']}"))
    assert re.search(r'<img src="[^"]+pages/1\.jpg\?size=s"[^>]* width="240" height="339"', page)
    assert "css/pages.css" in page and "js/pages.js" in page
    css = client.get("/static/css/pages.css").get_data(as_text=True)
    assert "aspect-ratio" in css and ".page-image.loading::after" in css
    viewer = _text(client.get(f"/items/{ids['map']}/view"))
    frame = viewer.split('<div class="zoom-frame">', 1)[1]
    assert frame.index('id="zoom-loading"') < frame.index('id="zoom-viewer"')
    assert re.search(r"\.viewer-loading \{ position: absolute", css)


def test_a_scanned_pdf_has_its_first_page_tiled_at_ingest(tmp_path):
    """GIVEN a scanned PDF (an image of text) and a born-digital one WHEN they are ingested
    THEN the scan's first page already has its IIIF pyramid (the viewer's first open does not
    wait ~1 s for it) and the born-digital one is left to its first request."""
    import pymupdf

    from archive.pyramids import pyramid_path
    from tests.conftest import run_cli, run_json

    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    folder = tmp_path / "in"
    folder.mkdir()
    text = pymupdf.open()
    page = text.new_page(width=420, height=300)
    page.insert_font(fontname="dv", fontfile=font)
    page.insert_text((40, 80), "Kế hoạch thông tin đối ngoại năm 2017", fontname="dv", fontsize=16)
    text.save(folder / "born-digital.pdf")
    scan = pymupdf.open()
    scan.new_page(width=420, height=300).insert_image(
        pymupdf.Rect(0, 0, 420, 300), pixmap=page.get_pixmap(dpi=200, alpha=False))
    scan.save(folder / "scan.pdf")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(folder)).exit_code == 0
    settings = load_settings(home)
    scanned, born = (run_json(home, "show", name) for name in ("scan.pdf", "born-digital.pdf"))
    assert scanned["pages"][0]["origin"] == "ocr"
    sha = {item["source"]: next(f["sha256"] for f in item["files"] if f["role"] == "original")
           for item in (scanned, born)}
    assert pyramid_path(settings, sha["scan.pdf"], 1).is_file()
    assert not pyramid_path(settings, sha["born-digital.pdf"], 1).exists()
