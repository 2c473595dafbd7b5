"""Exhibitions in the portal: curators build, caption, reorder, publish and export them through the
web; the public sees published exhibitions with their public items only, in vi, en and zh."""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from dataclasses import replace

import bagit
import pymupdf
import pytest

import exhibits
from archive.catalog import Catalog
from archive.settings import load_settings
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import login, make_app

_TOKEN = re.compile(r'name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"')
PHOTO_TITLE = "Cửa khẩu quốc tế Hữu Nghị"
PHOTO_SOURCE = "media/anh-cua-khau-huu-nghi-2017.jpg"
MAP_CAPTIONS = {"vi": "Bản đồ thành phố do quân đội Mỹ vẽ năm 1944",
                "en": "City plan drawn by the U.S. Army in 1944",
                "zh": "美国陆军1944年绘制的城市地图"}
DOC_CAPTIONS = {"vi": "Kế hoạch thông tin đối ngoại năm 2017",
                "en": "The 2017 foreign-information plan"}  # no Chinese: zh shows Vietnamese
LEAFLET_CAPTION = "Tờ gấp giới thiệu cửa khẩu zephyrleaflet"


def _token(page: str) -> str:
    return _TOKEN.search(page).group(1)


def _page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def _post(client, url: str, data: dict, status: int = 302, *, page: str):
    """POST with the CSRF token of the page the form is on, as a browser would."""
    response = client.post(url, data={"csrf_token": _token(page), **data})
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response


def _curator(app, name: str = "cora"):
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def _create(client, slug: str, **texts) -> None:
    page = _page(client, "/staff/exhibitions/new?lang=en")
    data = {"slug": slug, "title_vi": "Bản đồ và tư liệu Lạng Sơn", "title_en": "Maps and records",
            "title_zh": "谅山地图与档案", "intro_vi": "Giới thiệu triển lãm.",
            "intro_en": "About the exhibition.", **texts}
    _post(client, "/staff/exhibitions/new", data, page=page)


def _add(client, slug: str, item_id: str) -> None:
    page = _page(client, f"/staff/exhibitions/{slug}/find?kind=")
    _post(client, f"/staff/exhibitions/{slug}/add", {"item": item_id}, page=page)


def _entries(client, slug: str) -> list[int]:
    """Entry ids in the order the curator's page shows them."""
    return [int(n) for n in re.findall(r'<li class="exhibit-entry" id="entry-(\d+)"',
                                       _page(client, f"/staff/exhibitions/{slug}"))]


def _caption(client, slug: str, entry_id: int, captions: dict[str, str]) -> None:
    page = _page(client, f"/staff/exhibitions/{slug}")
    data = {f"e{entry_id}-caption_{lang}": text for lang, text in captions.items()}
    data[f"e{entry_id}-csrf_token"] = _token(page)
    response = client.post(f"/staff/exhibitions/{slug}/entries/{entry_id}/captions", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def _catalog(app) -> Catalog:
    return Catalog(load_settings(app.config["TTDN_HOME"]).catalog_path)


def test_curator_builds_reorders_and_captions_an_exhibition(private_app, ids):
    """GIVEN a curator WHEN she creates an exhibition, finds a map and documents with the filters,
    adds them, reorders, captions side by side and frames one THEN the catalog holds all of it and
    every change is an event with her name and the time."""
    client = _curator(private_app)
    _create(client, "")  # the address is made from the Vietnamese title
    slug = "ban-do-va-tu-lieu-lang-son"
    maps = _page(client, f"/staff/exhibitions/{slug}/find?lang=en")  # kind `map` by default
    assert f'name="item" value="{ids["map"]}"' in maps and ids["public"] not in maps
    found = _page(client, f"/staff/exhibitions/{slug}/find?kind=&places=Lạng+Sơn&period=2017")
    assert ids["public"] in found and ids["internal"] in found and ids["map"] not in found
    assert "Not public" in _page(client, f"/staff/exhibitions/{slug}/find?kind=&places=Hữu+Nghị"
                                         "&period=2017&lang=en")
    for name in ("public", "long", "map"):
        _add(client, slug, ids[name])
    public, long, map_ = _entries(client, slug)
    page = _page(client, f"/staff/exhibitions/{slug}")
    _post(client, f"/staff/exhibitions/{slug}/entries/{map_}/move", {"direction": "first"},
          page=page)
    _post(client, f"/staff/exhibitions/{slug}/entries/{public}/move", {"to": "3"}, page=page)
    _post(client, f"/staff/exhibitions/{slug}/entries/{long}/move", {"direction": "down"},
          page=page)
    assert _entries(client, slug) == [map_, public, long]
    _caption(client, slug, map_, MAP_CAPTIONS)
    editor = _page(client, f"/staff/exhibitions/{slug}/entries/{long}?lang=en")
    assert "The document has 11 pages." in editor
    _post(client, f"/staff/exhibitions/{slug}/entries/{long}",
          {"caption_vi": "Nghị định, trang 3", "caption_fr": "Décret, page 3", "page": "3",
           "crop": "0.1,0.05,0.9,0.5", "section": "Văn bản", "note": "Bản in lại"}, page=editor)

    with _catalog(private_app) as catalog:
        shown = exhibits.get(catalog, slug)
        trail = exhibits.events(catalog, slug)
    assert shown.titles == {"vi": "Bản đồ và tư liệu Lạng Sơn", "en": "Maps and records",
                            "zh": "谅山地图与档案"}
    assert [e.item_id for e in shown.entries] == [ids["map"], ids["public"], ids["long"]]
    assert shown.entries[0].captions == MAP_CAPTIONS
    framed = shown.entries[2]
    assert (framed.page, framed.crop, framed.section, framed.note) == (
        3, (0.1, 0.05, 0.9, 0.5), "Văn bản", "Bản in lại")
    assert framed.captions == {"vi": "Nghị định, trang 3", "fr": "Décret, page 3"}
    assert {e.actor for e in trail} == {"cora"} and all(e.at for e in trail)
    assert [e.action for e in trail] == [
        "exhibit-created", *["exhibit-item-added"] * 3, *["exhibit-reordered"] * 3,
        "exhibit-caption-edited", "exhibit-item-edited", "exhibit-caption-edited",
        "exhibit-section-defined", "exhibit-section-set"]
    # The cropped page is what the curator's page shows; the history names her.
    page = _page(client, f"/staff/exhibitions/{slug}?lang=en")
    picture = re.search(rf'src="(/exhibitions/{slug}/entries/{long}/s\.jpg[^"]*)"', page)
    image = client.get(picture.group(1).replace("&amp;", "&"))
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert "<td>cora</td>" in page and "Caption edited" in page


def test_publish_is_refused_while_the_internal_photo_is_in_it(private_app, ids):
    client = _curator(private_app)
    _create(client, "bien-gioi")
    _add(client, "bien-gioi", ids["map"])
    _add(client, "bien-gioi", ids["internal"])
    refused = _post(client, "/staff/exhibitions/bien-gioi/publish", {}, 409,
                    page=_page(client, "/staff/exhibitions/bien-gioi"))
    text = refused.get_data(as_text=True)
    assert "1 item is not public" in _page(client, "/staff/exhibitions/bien-gioi/preview?lang=en")
    assert PHOTO_TITLE in text and PHOTO_SOURCE in text
    assert re.findall(r'class="refused-item">#(\d+)', text) == ["2"]  # the photo alone
    assert anonymous_status(private_app, "/exhibitions/bien-gioi") == 404

    photo = _entries(client, "bien-gioi")[1]
    _post(client, f"/staff/exhibitions/bien-gioi/entries/{photo}/remove", {},
          page=_page(client, "/staff/exhibitions/bien-gioi"))
    _post(client, "/staff/exhibitions/bien-gioi/publish", {},
          page=_page(client, "/staff/exhibitions/bien-gioi"))
    assert anonymous_status(private_app, "/exhibitions/bien-gioi") == 200
    with _catalog(private_app) as catalog:
        trail = exhibits.events(catalog, "bien-gioi")
    assert [(e.action, e.actor) for e in trail[-2:]] == [("exhibit-item-removed", "cora"),
                                                         ("exhibit-published", "cora")]


def anonymous_status(app, url: str) -> int:
    return app.test_client().get(url).status_code


@pytest.fixture(scope="module")
def shown_app(web_home, tmp_path_factory):  # noqa: F811
    """A published exhibition built through the web: the map (captions vi/en/zh), the public
    plan (vi/en) and the leaflet, which is made internal after publishing."""
    home = tmp_path_factory.mktemp("exhibit") / "home"
    shutil.copytree(web_home, home)
    app = make_app(home)
    with Catalog(load_settings(home).catalog_path) as catalog:
        found = {name: catalog.resolve(source) for name, source in (
            ("map", "media/txu-oclc-6594628.jpg"), ("public", "scans/kh-51-ubnd-2017-lang-son.pdf"),
            ("leaflet", "media/to-gap-lang-son-viet-trung.pdf"))}
    client = _curator(app)
    _create(client, "lang-son", organization="Sở Ngoại vụ tỉnh Lạng Sơn")
    for name in ("map", "public", "leaflet"):
        _add(client, "lang-son", found[name])
    map_, plan, leaflet = _entries(client, "lang-son")
    _caption(client, "lang-son", map_, MAP_CAPTIONS)
    _caption(client, "lang-son", plan, DOC_CAPTIONS)
    _caption(client, "lang-son", leaflet, {"vi": LEAFLET_CAPTION})
    _post(client, "/staff/exhibitions/lang-son/publish", {},
          page=_page(client, "/staff/exhibitions/lang-son"))
    with Catalog(load_settings(home).catalog_path) as catalog:
        item = catalog.get_item(found["leaflet"])
        catalog.update_item(replace(item, access="internal"), actor="cora",
                            action="access-changed", detail={"from": "public", "to": "internal"})
    app.config["entries"] = {"map": map_, "plan": plan, "leaflet": leaflet}
    return app


@pytest.mark.parametrize("lang, map_caption, plan_caption, heading", [
    ("vi", MAP_CAPTIONS["vi"], DOC_CAPTIONS["vi"], "Bản đồ và tư liệu Lạng Sơn"),
    ("en", MAP_CAPTIONS["en"], DOC_CAPTIONS["en"], "Maps and records"),
    ("zh", MAP_CAPTIONS["zh"], DOC_CAPTIONS["vi"], "谅山地图与档案")], ids=["vi", "en", "zh"])
def test_public_page_shows_public_items_in_the_visitors_language(shown_app, lang, map_caption,
                                                                 plan_caption, heading):
    page = _page(shown_app.test_client(), f"/exhibitions/lang-son?lang={lang}")
    assert f'<html lang="{lang}">' in page
    assert f'<h1 lang="{lang}">{heading}</h1>' in page
    assert map_caption in page and plan_caption in page
    caption_lang = "vi" if lang == "zh" else lang
    assert f'<p class="caption-text" lang="{caption_lang}">{plan_caption}</p>' in page
    others = {c for captions in (MAP_CAPTIONS, DOC_CAPTIONS) for c in captions.values()}
    assert not [c for c in others - {map_caption, plan_caption} if c in page]
    # The leaflet turned internal after publishing: gone, with its caption.
    assert LEAFLET_CAPTION not in page and "Tờ gấp" not in page
    assert page.count('class="exhibit-figure"') == 2
    assert 'class="zoom-viewer exhibit-zoom"' in page and "openseadragon" in page
    assert 'href="/staff' not in page  # nothing of the staff side for a visitor


def test_public_pictures_and_list(shown_app):
    client, entries = shown_app.test_client(), shown_app.config["entries"]
    listing = _page(client, "/exhibitions/?lang=en")
    assert "Maps and records" in listing and "2 items" in listing
    image = client.get(f"/exhibitions/lang-son/entries/{entries['map']}/m.jpg")
    assert image.status_code == 200 and image.headers["Cache-Control"].startswith("public")
    assert client.get(f"/exhibitions/lang-son/entries/{entries['leaflet']}/m.jpg"
                      ).status_code == 404
    assert client.get(f"/exhibitions/lang-son/entries/{entries['map']}/xx.jpg").status_code == 404


def test_unpublished_and_missing_exhibitions_answer_the_same_404(shown_app):
    curator = _curator(shown_app)
    _create(curator, "ban-nhap")
    _add(curator, "ban-nhap", _item_of(shown_app, "lang-son", 0))
    visitor = shown_app.test_client()
    draft, missing = visitor.get("/exhibitions/ban-nhap"), visitor.get("/exhibitions/khong-co")
    assert draft.status_code == missing.status_code == 404
    assert draft.get_data() == missing.get_data()
    entry = _entries(curator, "ban-nhap")[0]
    assert visitor.get(f"/exhibitions/ban-nhap/entries/{entry}/m.jpg").status_code == 404
    assert "ban-nhap" not in _page(visitor, "/exhibitions/")
    # Staff are sent to the preview of a draft instead.
    assert curator.get("/exhibitions/ban-nhap").headers["Location"].endswith(
        "/staff/exhibitions/ban-nhap/preview")


def _item_of(app, slug: str, index: int) -> str:
    with _catalog(app) as catalog:
        return exhibits.get(catalog, slug).entries[index].item_id


def test_staff_may_look_but_not_change(shown_app):
    staff = _curator(shown_app, "sam")
    page = _page(staff, "/staff/exhibitions/lang-son?lang=en")
    assert MAP_CAPTIONS["en"] in page and "Save captions" not in page
    assert 'action="/staff/exhibitions/lang-son/' not in page  # no form to change anything
    assert _page(staff, "/staff/exhibitions/lang-son/preview").count('class="exhibit-figure"') == 2
    assert staff.get("/staff/exhibitions/new").status_code == 403
    token = _token(page)
    for url in ("/staff/exhibitions/lang-son/unpublish", "/staff/exhibitions/lang-son/add",
                "/staff/exhibitions/lang-son/export"):
        assert staff.post(url, data={"csrf_token": token}).status_code == 403
    assert shown_app.test_client().get("/staff/exhibitions/").status_code == 302  # to the login


def test_every_change_needs_the_csrf_token(shown_app):
    curator = _curator(shown_app)
    entry = shown_app.config["entries"]["map"]
    for url, data in (("/staff/exhibitions/lang-son/unpublish", {}),
                      (f"/staff/exhibitions/lang-son/entries/{entry}/move", {"direction": "down"}),
                      (f"/staff/exhibitions/lang-son/entries/{entry}/remove", {}),
                      ("/staff/exhibitions/new", {"title_vi": "x", "title_en": "y"})):
        assert curator.post(url, data=data).status_code == 400, url
    with _catalog(shown_app) as catalog:
        assert exhibits.get(catalog, "lang-son").access == "public"


def test_form_mistakes_are_shown_not_saved(shown_app):
    curator = _curator(shown_app)
    page = _page(curator, "/staff/exhibitions/new?lang=en")
    only_vi = _post(curator, "/staff/exhibitions/new", {"title_vi": "Chỉ tiếng Việt"}, 400,
                    page=page).get_data(as_text=True)
    assert "at least one foreign language" in only_vi
    taken = _post(curator, "/staff/exhibitions/new", {"slug": "lang-son", "title_vi": "Trùng",
                                                      "title_en": "Taken"}, 400, page=page)
    assert "already exists" in taken.get_data(as_text=True)
    bad = _post(curator, "/staff/exhibitions/new", {"slug": "Hoàng Sa!", "title_vi": "Sai",
                                                    "title_ja": "間違い"}, 400, page=page)
    assert "Use lowercase letters" in bad.get_data(as_text=True)
    entry = shown_app.config["entries"]["map"]
    editor = _page(curator, f"/staff/exhibitions/lang-son/entries/{entry}?lang=en")
    crop = _post(curator, f"/staff/exhibitions/lang-son/entries/{entry}", {"crop": "0.5,0,0.2,1"},
                 400, page=editor)
    assert "A crop needs" in crop.get_data(as_text=True)
    with _catalog(shown_app) as catalog:
        assert exhibits.get(catalog, "lang-son").entries[0].crop is None
        assert [x.slug for x in exhibits.list_exhibitions(catalog)].count("lang-son") == 1


def test_catalogue_pdf_download_opens_with_pymupdf(shown_app):
    curator = _curator(shown_app)
    response = _post(curator, "/staff/exhibitions/lang-son/export",
                     {"format": "pdf", "paper": "a3"}, 200,
                     page=_page(curator, "/staff/exhibitions/lang-son"))
    assert response.mimetype == "application/pdf"
    assert 'filename=lang-son-a3.pdf' in response.headers["Content-Disposition"]
    with pymupdf.open(stream=response.data, filetype="pdf") as doc:
        assert doc.page_count == 2 + 2  # cover, introduction, the two public items
        assert doc[0].rect.width > 1150 and doc[0].rect.height > 800  # A3 landscape, points
        text = "".join(page.get_text() for page in doc)
        assert MAP_CAPTIONS["vi"] in text and MAP_CAPTIONS["zh"] in text
        assert LEAFLET_CAPTION not in text
        assert doc[2].get_images()  # the map's page carries its picture
    with _catalog(shown_app) as catalog:
        last = exhibits.events(catalog, "lang-son")[-1]
    assert (last.action, last.actor, last.detail["items"]) == ("exhibit-exported", "cora", 2)


def test_evidence_pack_is_a_zip_of_a_valid_bag(shown_app, tmp_path):
    curator = _curator(shown_app)
    response = _post(curator, "/staff/exhibitions/lang-son/export", {"format": "zip"}, 200,
                     page=_page(curator, "/staff/exhibitions/lang-son"))
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as pack:
        pack.extractall(tmp_path)
    bag = bagit.Bag(str(tmp_path / "lang-son-evidence"))
    bag.validate()
    names = sorted(bag.payload_entries())
    assert "data/catalogue.pdf" in names and "data/captions.csv" in names
    assert "data/originals/txu-oclc-6594628.jpg" in names
    assert not any("to-gap" in name for name in names)  # the item made internal stays out


def test_an_export_refused_by_the_api_says_why(shown_app):
    """GIVEN an exhibition without items WHEN a curator exports it THEN the child process's
    refusal comes back as a message on the exhibition's page, and nothing is downloaded."""
    curator = _curator(shown_app)
    _create(curator, "rong")
    response = _post(curator, "/staff/exhibitions/rong/export", {"format": "pdf"},
                     page=_page(curator, "/staff/exhibitions/rong"))
    assert response.headers["Location"].endswith("/staff/exhibitions/rong#export")
    page = _page(curator, "/staff/exhibitions/rong?lang=en")
    assert "The export could not be made" in page and "has no items to export" in page
