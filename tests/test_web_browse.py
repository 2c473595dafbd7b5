"""Browse pages, places and subjects as facets, the results grid and the home page.

GIVEN a small archive whose internal and restricted items carry places, subjects, creators,
collections and a decade no public item has, and exhibitions public and internal,
WHEN an anonymous visitor or a staff member browses,
THEN each sees values and counts of the items they may see only, and each count is the total of
the search its value links to.
"""
from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from PIL import Image

import exhibits
from archive.catalog import Catalog
from archive.exhibitions import ExhibitionStore
from archive.settings import load_settings
from archive.users import Users
from search.facets import FacetColumns, count_facets
from search.index import open_index

from .conftest import run_cli
from .web_fixtures import PASSWORD, login, make_app

SECRET = "Quartzhidden"  # in every value only non-public items carry
PAGES = ("places", "subjects", "creators", "collections", "periods")

_ROWS = [  # file, title, kind, access, date, places, subjects, collection, creator, lead_unit
    ("pub1.txt", "Kế hoạch cửa khẩu", "document", "public", "2017-03-01", "Lạng Sơn;Hữu Nghị",
     "cửa khẩu", "Văn bản chỉ đạo", "", "Sở Ngoại vụ"),
    ("pub2.txt", "Tư liệu lịch sử", "document", "public", "1944", "lạng sơn", "lịch sử",
     "Văn bản chỉ đạo", "", ""),
    ("int1.txt", "Hồ sơ nội bộ", "document", "internal", "1962-05-01",
     f"{SECRET} Nơi;Lạng Sơn", f"{SECRET} đề tài", f"{SECRET} sưu tập", f"{SECRET} tác giả",
     f"{SECRET} đơn vị"),
    ("res1.txt", "Hồ sơ mật", "document", "restricted", "2017-06-01", "Lạng Sơn;Hữu Nghị",
     "cửa khẩu", "Văn bản chỉ đạo", "", ""),
    ("anh.png", "Ảnh cửa khẩu Đồng Đăng", "photo", "public", "2018-01-01", "Đồng Đăng",
     "cửa khẩu", "Ảnh tư liệu", "Nguyễn Văn Ảnh", ""),
    ("anh-noi-bo.png", "Ảnh nội bộ", "photo", "internal", "2018-02-01", f"{SECRET} Nơi", "",
     "Ảnh tư liệu", "", ""),
]


def _write_input(folder: Path) -> None:
    folder.mkdir(parents=True)
    for n, row in enumerate(_ROWS):
        name = row[0]
        if name.endswith(".png"):  # each its own content: the same bytes twice are one item
            Image.new("RGB", (240, 160), (120, 140, 90 + n)).save(folder / name)
        else:
            (folder / name).write_text(f"{row[1]}. Văn bản thử nghiệm duyệt tư liệu.\n",
                                       encoding="utf-8")
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "title", "kind", "access", "date", "places", "subjects",
                      "collection", "creator", "lead_unit", "languages"])
        for row in _ROWS:
            out.writerow([*row, "vi"])


def _exhibitions(catalog: Catalog, ids: dict[str, str]) -> None:
    actor = "test"
    for slug, title, featured, public in (("noi-bat", "Triển lãm nổi bật", True, True),
                                          ("gan-day", "Triển lãm gần đây", False, True),
                                          ("noi-bo", f"Triển lãm {SECRET}", True, False)):
        exhibits.create(catalog, slug, {"vi": title, "en": f"{title} (en)"}, actor=actor)
        exhibits.add_item(catalog, slug, ids["anh.png" if public else "anh-noi-bo.png"],
                          actor=actor)
        if public:
            exhibits.publish(catalog, slug, actor=actor)
        ExhibitionStore(catalog).set_featured(slug, featured, actor=actor)


@pytest.fixture(scope="module")
def browse_home(tmp_path_factory) -> Path:
    """The small archive above, two accounts and three exhibitions."""
    home = tmp_path_factory.mktemp("browse") / "home"
    folder = tmp_path_factory.mktemp("browse-input") / "in"
    _write_input(folder)
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    with Catalog(load_settings(home).catalog_path) as catalog:
        ids = {row[0]: catalog.resolve(row[0]) for row in _ROWS}
        assert all(ids.values()), ids
        Users(catalog).add("sam", "staff", PASSWORD)
        _exhibitions(catalog, ids)
    return home


@pytest.fixture(scope="module")
def app(browse_home: Path):
    """One app for this module's read-only tests."""
    return make_app(browse_home)


@pytest.fixture
def anon(app):
    """An anonymous visitor."""
    return app.test_client()


@pytest.fixture
def staff(app):
    """A logged-in staff member (sees public and internal items)."""
    client = app.test_client()
    assert login(client, "sam").status_code == 302
    return client


def _values(client, name: str) -> dict[str, dict[str, int]]:
    """{facet: {value: count}} of /api/browse/<name> (decades and years alike)."""
    answer = client.get(f"/api/browse/{name}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    out = {}
    for section in answer.get_json()["sections"]:
        flat = {}
        for v in section["values"]:
            flat[v["value"]] = v["count"]
            flat.update({y["value"]: y["count"] for y in v.get("years", [])})
        out[section["facet"]] = flat
    return out


def _links(client, name: str) -> list[tuple[str, int]]:
    found = []
    for section in client.get(f"/api/browse/{name}").get_json()["sections"]:
        for v in section["values"]:
            found += [(v["url"], v["count"])] + [(y["url"], y["count"]) for y in v.get("years", [])]
    return found


# -- access: nothing only non-public items carry reaches the public ------------------------------

@pytest.mark.parametrize("path", ["/browse/", *(f"/browse/{p}" for p in PAGES),
                                  *(f"/api/browse/{p}" for p in PAGES), "/", "/?view=grid",
                                  "/api/search?q=*"])
def test_an_internal_only_value_never_reaches_an_anonymous_visitor(anon, path):
    """A place, subject, creator, collection or decade of internal items only is not shown."""
    answer = anon.get(path)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    assert SECRET.lower() not in page.lower()
    assert "1960s" not in page and "1962" not in page  # the internal item's decade


def test_staff_see_internal_values_with_their_counts(staff):
    places = _values(staff, "places")["places"]
    assert places[f"{SECRET} Nơi"] == 2  # the internal document and the internal photo
    assert _values(staff, "creators")["creator"][f"{SECRET} tác giả"] == 1
    assert "1960s" in _values(staff, "periods")["year"]


def test_anonymous_counts_count_public_items_only(anon, staff):
    """Lạng Sơn: two public items (spelled two ways), one internal, one restricted."""
    public = _values(anon, "places")["places"]
    assert {k.casefold(): v for k, v in public.items()}["lạng sơn"] == 2
    assert public["Hữu Nghị"] == 1 and public["Đồng Đăng"] == 1
    assert {k.casefold(): v for k, v in _values(staff, "places")["places"].items()}[
        "lạng sơn"] == 3
    assert _values(anon, "collections")["collection"] == {"Văn bản chỉ đạo": 2, "Ảnh tư liệu": 1}
    assert _values(anon, "subjects")["subjects"] == {"cửa khẩu": 2, "lịch sử": 1}


@pytest.mark.parametrize("who", ["anon", "staff"])
@pytest.mark.parametrize("name", PAGES)
def test_each_count_is_the_total_of_the_search_it_links_to(request, who, name):
    client = request.getfixturevalue(who)
    links = _links(client, name)
    assert links
    for url, count in links:
        parts = urlsplit(url)
        assert parts.path == "/"
        args = dict(parse_qsl(parts.query))
        total = client.get("/api/search", query_string={"q": "*", **args}).get_json()["total"]
        assert total == count, (url, count, total)


def test_periods_group_years_by_decade(anon):
    answer = anon.get("/api/browse/periods").get_json()
    decades = {v["value"]: v for v in answer["sections"][0]["values"]}
    assert list(decades) == ["2010s", "1940s"]  # newest first; 1960s is internal only
    assert decades["2010s"]["count"] == 2
    assert [y["value"] for y in decades["2010s"]["years"]] == ["2017", "2018"]
    assert decades["1940s"]["url"] == "/?year=1940s"


# -- pages, languages, JSON ----------------------------------------------------------------------

def test_browse_pages_link_each_value_to_its_search(anon):
    page = anon.get("/browse/places").get_data(as_text=True)
    assert 'href="/?places=H%E1%BB%AFu+Ngh%E1%BB%8B"' in page
    assert "<h1>Địa danh</h1>" in page  # Vietnamese by default
    assert anon.get("/browse/places?sort=name").status_code == 200


@pytest.mark.parametrize("lang, heading", [("en", "<h1>Places</h1>"), ("zh", "<h1>地名</h1>")])
def test_browse_pages_speak_the_interface_language(anon, lang, heading):
    page = anon.get(f"/browse/places?lang={lang}").get_data(as_text=True)
    assert heading in page and f'<html lang="{lang}">' in page


def test_an_unknown_browse_page_is_a_404(anon):
    assert anon.get("/browse/nothing").status_code == 404
    answer = anon.get("/api/browse/nothing")
    assert answer.status_code == 404 and answer.get_json() == {"error": "not found"}


def test_the_browse_api_is_described_in_openapi(anon):
    paths = anon.get("/api/openapi.json").get_json()["paths"]
    described = paths["/api/browse/{name}"]["get"]
    assert described["parameters"][0]["schema"]["enum"] == list(PAGES)
    assert {"200", "404"} <= set(described["responses"])


def test_the_navigation_links_to_browsing(anon):
    assert 'href="/browse/"' in anon.get("/exhibitions/").get_data(as_text=True)


# -- facets on the search page -------------------------------------------------------------------

def test_places_and_subjects_are_facets_of_the_search(anon):
    result = anon.get("/api/search?q=*").get_json()
    assert result["facets"]["places"]["Đồng Đăng"] == 1
    assert result["facets"]["subjects"]["cửa khẩu"] == 2
    page = anon.get("/").get_data(as_text=True)
    assert "<h2>Địa danh</h2>" in page and 'href="/?places=%C4%90%E1%BB%93ng+%C4%90%C4%83ng"' \
        in page
    filtered = anon.get("/api/search", query_string={"q": "*", "places": "Đồng Đăng"})
    assert [h["title"] for h in filtered.get_json()["hits"]] == ["Ảnh cửa khẩu Đồng Đăng"]


# -- the results grid ----------------------------------------------------------------------------

def test_the_grid_shows_thumbnails_of_visible_items_only(anon, staff, browse_home):
    with Catalog(load_settings(browse_home).catalog_path) as catalog:
        public, internal = catalog.resolve("anh.png"), catalog.resolve("anh-noi-bo.png")
    page = anon.get("/?kind=photo&view=grid").get_data(as_text=True)
    assert 'class="hit-grid"' in page
    assert f'src="/items/{public}/thumbnail.jpg"' in page
    assert internal not in page
    assert anon.get(f"/items/{public}/thumbnail.jpg").status_code == 200
    assert anon.get(f"/items/{internal}/thumbnail.jpg").status_code == 404
    assert f'src="/items/{internal}/thumbnail.jpg"' in staff.get(
        "/?kind=photo&view=grid").get_data(as_text=True)


def test_the_grid_and_list_link_to_each_other_and_the_grid_is_kept(anon):
    listed = anon.get("/?kind=photo").get_data(as_text=True)
    assert 'class="hit-grid"' not in listed and "view=grid" in listed
    grid = anon.get("/?kind=photo&view=grid").get_data(as_text=True)
    assert 'href="/?kind=photo"' in grid  # back to the list
    assert 'class="hit"' not in grid  # the list is not rendered twice
    facet_links = [line for line in grid.splitlines() if "places=" in line]
    assert facet_links and all("view=grid" in line for line in facet_links)


# -- the home page -------------------------------------------------------------------------------

def test_the_home_page_shows_public_exhibitions_and_collections(anon):
    page = anon.get("/").get_data(as_text=True)
    featured = page.index("Triển lãm nổi bật")
    assert page.index('id="home-featured"') < featured < page.index('id="home-recent"')
    assert page.index('id="home-recent"') < page.index("Triển lãm gần đây")
    assert "/exhibitions/noi-bat" in page and "/exhibitions/noi-bo" not in page
    assert 'href="/?collection=V%C4%83n+b%E1%BA%A3n+ch%E1%BB%89+%C4%91%E1%BA%A1o"' in page
    assert 'href="/browse/subjects"' in page


def test_the_home_page_shows_public_exhibitions_to_staff_too(staff):
    page = staff.get("/").get_data(as_text=True)
    assert "/exhibitions/noi-bat" in page and "/exhibitions/noi-bo" not in page


def test_the_home_page_speaks_the_interface_language(anon):
    page = anon.get("/?lang=en").get_data(as_text=True)
    assert "Triển lãm nổi bật (en)" in page and 'lang="en">Triển lãm nổi bật (en)' in page


def test_a_search_shows_no_home_page(anon):
    assert 'id="home-featured"' not in anon.get("/?q=cửa+khẩu").get_data(as_text=True)


# -- the featured flag ---------------------------------------------------------------------------

def test_the_featured_column_is_added_to_an_older_catalog_once(tmp_path):
    """GIVEN an exhibitions table from before `featured`, WHEN opened twice, THEN it is added."""
    with Catalog(tmp_path / "catalog.sqlite3") as catalog:
        catalog.db.executescript(
            "CREATE TABLE exhibitions (slug TEXT PRIMARY KEY, access TEXT NOT NULL DEFAULT "
            "'internal', titles TEXT NOT NULL, intros TEXT NOT NULL DEFAULT '{}', sections TEXT "
            "NOT NULL DEFAULT '[]', organization TEXT, created_at TEXT NOT NULL, updated_at TEXT "
            "NOT NULL, published_at TEXT);"
            "INSERT INTO exhibitions (slug, titles, created_at, updated_at) VALUES "
            "('cu', '{\"vi\": \"Cũ\"}', '2020', '2020');")
        ExhibitionStore(catalog)
        store = ExhibitionStore(catalog)
        assert store.get("cu").featured is False
        store.set_featured("cu", True, actor="test")
        assert store.get("cu").featured is True
        assert store.events("cu")[-1].action == "exhibit-featured"
    with sqlite3.connect(tmp_path / "catalog.sqlite3") as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(exhibitions)")]
    assert columns.count("featured") == 1


def test_the_cli_features_an_exhibition(browse_home, tmp_path):
    result = run_cli(browse_home, "exhibit", "feature", "gan-day")
    assert result.exit_code == 0, result.output
    try:
        with Catalog(load_settings(browse_home).catalog_path) as catalog:
            assert ExhibitionStore(catalog).get("gan-day").featured
        missing = run_cli(browse_home, "exhibit", "feature", "khong-co")
        assert missing.exit_code != 0 and "khong-co" in missing.output
    finally:
        assert run_cli(browse_home, "exhibit", "feature", "gan-day", "--off").exit_code == 0


def test_the_browse_api_refuses_an_unknown_order_and_the_page_ignores_it(anon):
    answer = anon.get("/api/browse/places?sort=size")
    assert answer.status_code == 400 and "count, name" in answer.get_json()["error"]
    assert anon.get("/browse/places?sort=size").status_code == 200
    named = anon.get("/api/browse/places?sort=name").get_json()["sections"][0]["values"]
    assert [v["value"].casefold() for v in named] == ["đồng đăng", "hữu nghị", "lạng sơn"]


def test_a_place_counts_once_spelled_as_a_public_item_spells_it(tmp_path):
    """GIVEN an internal item spelling a place its own way in one index segment and public items
    spelling it (two ways) in another, THEN it is one value, spelled by a public item."""
    ix = open_index(tmp_path / "index")
    for docs in ([("a", "internal", f"LẠNG  SƠN;{SECRET} Nơi")],
                 [("b", "public", "Lạng Sơn"), ("c", "public", "lạng sơn;Hữu Nghị")]):
        w = ix.writer()
        for doc_id, access, places in docs:
            w.add_document(id=doc_id, item_id=doc_id, doctype="item", access=access,
                           places=places)
        w.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 2
        columns = FacetColumns(searcher)
        public = [d for d in range(searcher.doc_count_all())
                  if searcher.stored_fields(d)["access"] == "public"]
        assert count_facets(columns, public, ["places"]) == {
            "places": {"Lạng Sơn": 2, "Hữu Nghị": 1}}
        everything = count_facets(columns, list(range(3)), ["places"])["places"]
        assert everything == {"Lạng Sơn": 3, "Hữu Nghị": 1, f"{SECRET} Nơi": 1}
