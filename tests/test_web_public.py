"""The public portal through Flask's test client: search page, item page, images, downloads."""
from __future__ import annotations

import io
import re

from PIL import Image

from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import XSS_TITLE


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_home_browses_everything_public(client):
    response = client.get("/")
    assert response.status_code == 200, _text(response)
    page = _text(response)
    assert '<html lang="vi">' in page
    assert "Kho tư liệu Thông tin đối ngoại" in page
    assert re.search(r"\d+ tài liệu trong kho", page)
    assert 'class="facets"' in page and "Văn bản" in page


def test_search_shows_hits_with_snippets_naming_their_pages(client, ids):
    page = _text(client.get("/?q=lang+son"))
    assert f'href="/items/{ids["public"]}"' in page
    assert re.search("<mark>(?:Lạng|LẠNG)", page)  # "lang son" typed together: one mark
    # Each snippet names its page and links to it on the item page.
    assert re.search(rf'href="/items/{ids["public"]}\?q=lang\+son&amp;back=[^"#]+#page-\d+">Trang \d+</a>',
                     page)
    assert "Trang phù hợp:" in page


def test_search_page_links_to_later_page_chunks(client, ids):
    page = _text(client.get("/?q=lang+son&lang=en"))
    assert re.search(rf'/items/{ids["public"]}\?q=[^"#]+#page-1"', page)


def test_facet_counts_and_filter_links(client):
    page = _text(client.get("/?q=lang+son&lang=en"))
    facet = re.search(r'<a href="([^"]*kind=publication[^"]*)"[^>]*>Publication</a> '
                      r'<span class="count">(\d+)</span>', page)
    assert facet, page
    filtered = _text(client.get(facet.group(1).replace("&amp;", "&")))
    assert "Tờ gấp" in filtered and "Hoạt động thông tin đối ngoại" not in filtered
    assert 'aria-current="true"' in filtered  # the applied facet is marked


def test_kind_language_and_year_filters(client, ids):
    maps = _text(client.get("/?q=*&kind=map"))
    assert f'/items/{ids["map"]}"' in maps and f'/items/{ids["public"]}"' not in maps
    chinese = _text(client.get("/?q=*&language=zh"))
    assert f'/items/{ids["leaflet"]}"' in chinese and f'/items/{ids["public"]}"' not in chinese
    wartime = _text(client.get("/?q=*&from=1940&to=1950"))
    assert f'/items/{ids["map"]}"' in wartime and f'/items/{ids["public"]}"' not in wartime


def test_collection_and_lead_unit_filters(client, ids):
    page = _text(client.get("/?q=*&collection=Ấn phẩm TTĐN"))
    assert f'/items/{ids["leaflet"]}"' in page and f'/items/{ids["map"]}"' not in page
    page = _text(client.get("/?q=*&lead_unit=Sở Ngoại vụ"))
    assert f'/items/{ids["leaflet"]}"' in page and f'/items/{ids["public"]}"' not in page


def test_pagination(client):
    first = _text(client.get("/?q=*&limit=3"))
    second = _text(client.get("/?q=*&limit=3&page=2"))
    assert 'rel="next"' in first and 'rel="prev"' in second
    hits = lambda page: re.findall(r'<h2 class="hit-title"><a href="(/items/\w+)"', page)  # noqa
    assert len(hits(first)) == 3 and not set(hits(first)) & set(hits(second))


def test_sort_by_relevance_is_offered_and_default(client):
    page = _text(client.get("/?q=lang+son"))
    assert '<option value="relevance" selected>' in page


def test_unreadable_query_is_a_400_with_the_reason(client):
    response = client.get('/?q=foo:bar&lang=en')  # an open quote is closed, not refused
    assert response.status_code == 400
    assert "Unknown field" in _text(response)


def test_bad_numbers_are_a_400(client):
    assert client.get("/?q=x&page=0").status_code == 400
    assert client.get("/?q=x&from=abc").status_code == 400


def test_did_you_mean(client):
    page = _text(client.get("/?q=hoang+saa&lang=en"))
    link = re.search(r'Did you mean: <a href="([^"]+)">([^<]+)</a>', page)
    assert link, page
    assert _text(client.get(link.group(1).replace("&amp;", "&"))).count('class="hit"') > 0


def test_place_names_are_searched_under_their_other_names(client):
    page = _text(client.get("/?q=谅山&lang=en"))
    assert 'class="hit"' in page


def test_facet_years_and_decades_filter(client, ids):
    page = _text(client.get("/?lang=en"))
    assert 'href="/?year=1940s"' in page
    decade = _text(client.get("/?year=1940s"))
    assert f'/items/{ids["map"]}"' in decade and f'/items/{ids["public"]}"' not in decade


def test_sorting_by_date_and_title(client):
    def titles(page: str) -> list[str]:
        return re.findall(r'<h2 class="hit-title"><a href="[^"]+"[^>]*>([^<]+)</a>', page)

    by_title = titles(_text(client.get("/?q=*&sort=title&limit=50")))
    assert by_title and by_title != titles(_text(client.get("/?q=*&sort=date&limit=50")))
    assert '<option value="date" selected>' in _text(client.get("/"))  # browsing: newest first


def test_item_page_shows_metadata_with_origins(client, ids):
    page = _text(client.get(f"/items/{ids['public']}?lang=en"))
    assert "<h1>Hoạt động thông tin đối ngoại năm 2017" in page
    assert '<code class="dc">dc:title</code>' not in page  # codes are for staff
    assert "Document number" in page and "51/KH-UBND" in page  # the domain's own
    assert 'origin-extracted">extracted' in page and 'origin-manifest">from the manifest' in page
    assert "Mar 22, 2017" in page  # dates per locale, the ISO form beside
    assert "scans/kh-51-ubnd-2017-lang-son.pdf" not in page.split("<main", 1)[1]  # staff only


def test_item_page_has_full_text_per_page_and_images(client, ids):
    page = _text(client.get(f"/items/{ids['public']}?lang=en"))
    assert 'id="page-1"' in page and 'id="page-8"' in page
    assert f'/items/{ids["public"]}/pages/1.jpg?size=s' in page
    assert "OCR · confidence" in page
    assert "History" in page and "Ingested" in page


def test_item_page_related_items(client, ids):
    page = _text(client.get(f"/items/{ids['leaflet']}?lang=en"))
    related = page.split("Related items", 1)[1].split("</ul>", 1)[0]
    assert related.count('<a href="/items/') >= 1 and f'/items/{ids["leaflet"]}"' not in related


def test_long_item_pages_come_in_chunks(client, ids):
    first = _text(client.get(f"/items/{ids['long']}"))
    assert 'id="page-10"' in first and 'id="page-11"' not in first
    assert f'href="/items/{ids["long"]}?pp=2#pages"' in first
    second = _text(client.get(f"/items/{ids['long']}?pp=2"))
    assert 'id="page-11"' in second and 'id="page-1"' not in second


def test_translations_link_both_ways(client, ids):
    original = _text(client.get(f"/items/{ids['xss']}?lang=en"))
    assert "Translations" in original and f'href="/items/{ids["translation"]}"' in original
    translation = _text(client.get(f"/items/{ids['translation']}?lang=en"))
    assert "Translation of" in translation and f'href="/items/{ids["xss"]}"' in translation


def test_record_without_file(client, ids):
    page = _text(client.get(f"/items/{ids['dvd']}?lang=en"))
    assert "No digital file" in page and "DVD-2017-004" in page
    assert client.get(f"/items/{ids['dvd']}/original").status_code == 404
    assert client.get(f"/items/{ids['dvd']}/pages/1.jpg").status_code == 404


def test_thumbnail(client, ids):
    response = client.get(f"/items/{ids['public']}/thumbnail.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"].startswith("public")
    assert client.get(f"/items/{ids['dvd']}/thumbnail.jpg").status_code == 404


def test_pdf_page_image_is_rendered_and_cached(client, ids, web_home):
    response = client.get(f"/items/{ids['public']}/pages/2.jpg?size=s")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(response.data))
    assert max(image.size) <= 480 and image.format == "JPEG"
    cached = list((web_home / "derivatives" / "pages").rglob("2-s.jpg"))
    assert cached, "page images are cached under the data home's derivatives/"
    assert client.get(f"/items/{ids['public']}/pages/99.jpg").status_code == 404
    assert client.get(f"/items/{ids['public']}/pages/1.jpg?size=huge").status_code == 404


def test_image_original_gives_a_resized_jpeg(client, ids):
    response = client.get(f"/items/{ids['tiff']}/pages/1.jpg?size=s")
    assert response.status_code == 200
    assert max(Image.open(io.BytesIO(response.data)).size) <= 480


def test_download_of_the_original(client, ids):
    response = client.get(f"/items/{ids['public']}/original")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "kh-51-ubnd-2017-lang-son.pdf" in disposition
    assert response.data[:5] == b"%PDF-"
    response = client.get(f"/items/{ids['map']}/original")
    assert response.mimetype == "image/jpeg" and "txu-oclc-6594628.jpg" in \
        response.headers["Content-Disposition"]


def test_map_opens_in_the_zoom_viewer(client, ids):
    item = _text(client.get(f"/items/{ids['map']}?lang=en"))
    assert f'href="/items/{ids["map"]}/view"' in item and "zoom viewer" in item
    viewer = _text(client.get(f"/items/{ids['map']}/view"))
    assert 'id="zoom-viewer"' in viewer
    assert f'data-info="/iiif/3/{ids["map"]}/1/info.json"' in viewer  # IIIF tiles (issue 16)
    assert "/static/vendor/openseadragon/openseadragon-5.0.1.min.js" in viewer
    assert client.get("/static/vendor/openseadragon/openseadragon-5.0.1.min.js").status_code == 200
    assert client.get(f"/items/{ids['dvd']}/view").status_code == 404


def test_markup_in_title_and_text_is_shown_as_text(client, ids):
    page = _text(client.get(f"/items/{ids['xss']}"))
    assert "<script>alert" not in page and "<b onmouseover" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&lt;i&gt;Bộ sưu tập&lt;/i&gt;" in page
    hits = _text(client.get("/?q=quartzmarkup"))
    assert "<script>" not in hits.split("<main", 1)[1] and "<img src=x" not in hits
    assert "<mark>quartzmarkup</mark>" in hits
    assert "&lt;b onmouseover=&#34;x()&#34;&gt;xsstitle&lt;/b&gt;" in hits


def test_api_keeps_markup_as_data(client, ids):
    hit = client.get("/api/search?q=quartzmarkup").get_json()["hits"][0]
    assert hit["title"] == XSS_TITLE
    assert "&lt;img" in hit["snippet"]


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
