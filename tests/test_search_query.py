"""Searcher.search on the evaluation collection (real decrees, leaflets, the 2017 plan).

The collection is built from text directly (tests/relevance/collection.py): 53 items, 1,246
pages, public, internal and restricted, so every access rule is checked on real text.
"""
from __future__ import annotations

from collections import Counter

import pytest

from archive.catalog import Catalog
from archive.errors import UsageError
from archive.settings import load_settings
from search.analyzers import fold, folded_analyzer
from search.pages import MAX_PAGES
from search.query import SearchRequest, SearchResult

from .conftest import open_searcher
from .relevance.collection import build_home

PLAN = "scans/kh-51-ubnd-2017-lang-son.pdf"
LEAFLET = "media/to-gap-lang-son-viet-trung.pdf"
PARACELS = "scans/to-roi-hoang-sa-truong-sa-viet-anh.pdf"
CUSTOMS = "documents/169-2026-nd-cp.pdf"
MAP = "media/txu-oclc-6594628.jpg"
HIT_KEYS = {"id", "title", "kind", "languages", "date", "access", "source", "score", "snippet",
            "pages", "snippets"}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_home(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def searcher(home):
    found = open_searcher(home)  # Whoosh, or Solr with --engine solr
    yield found
    found.close()


@pytest.fixture(scope="module")
def catalog(home):
    with Catalog(load_settings(home).catalog_path, readonly=True) as found:
        yield found


@pytest.fixture
def search(searcher, catalog):
    def run(text: str, **options) -> SearchResult:
        return searcher.search(SearchRequest(query=text, **options), catalog)
    return run


def sources(result: SearchResult) -> list[str]:
    return [hit.source for hit in result.hits]


def test_json_shape_is_the_contract(search):
    out = search("lang son").to_dict()
    assert {"total", "hits", "facets"} <= set(out)
    assert out["hits"] and all(HIT_KEYS <= set(hit) for hit in out["hits"])
    assert set(out["facets"]) >= {"kind", "languages", "year", "lead_unit", "collection",
                                  "issuer", "doc_type"}


@pytest.mark.parametrize(("field", "value", "query"), [
    ("issuer", "Bộ Công an", "thông tư"), ("issuer", "bo_cong_an", "thông tư"),
    ("doc_type", "Nghị định", "xử phạt"), ("collection", "Ấn phẩm TTĐN", "Lạng Sơn"),
    ("lead_unit", "Sở Ngoại vụ", "Lạng Sơn"), ("lead_unit", "so ngoai vu", "lang son"),
])
def test_filters_by_label_however_typed(search, catalog, field, value, query):
    result = search(query, filters={field: value}, limit=50)
    assert result.hits
    for hit in result.hits:
        assert fold(getattr(catalog.get_item(hit.id), field)) == fold(value).replace("_", " ")
    assert result.facets[field] == {getattr(catalog.get_item(result.hits[0].id), field):
                                    result.total}


def test_unknown_or_access_filters_are_usage_errors(search):
    with pytest.raises(UsageError, match="Unknown field"):
        search("thuế", filters={"colour": "red"})
    # Access filters only among the levels the audience sees (staff: public and internal).
    with pytest.raises(UsageError, match="audience"):
        search("thuế", filters={"access": "restricted"})
    assert {h.access for h in search("*", filters={"access": "internal"}, limit=50).hits} == {
        "internal"}


def test_facets_count_exactly_what_the_audience_may_see(search, catalog):
    for audience in ("public", "staff", "admin"):
        result = search("quy định", audience=audience, limit=100)
        items = [catalog.get_item(hit.id) for hit in result.hits]
        assert result.total == len(items)
        assert result.facets["kind"] == dict(Counter(i.kind for i in items))
        assert result.facets["issuer"] == dict(Counter(i.issuer for i in items if i.issuer))
        assert sum(result.facets["doc_type"].values()) <= result.total
    public = search("quy định", audience="public", limit=100)
    assert {hit.access for hit in public.hits} == {"public"}
    assert "access" not in public.facets
    assert set(search("quy định", audience="admin").facets["access"]) == {
        "public", "internal", "restricted"}


def test_year_facet_counts_decades_before_1950(search):
    result = search("city plan")
    assert sources(result) == [MAP]
    assert result.facets["year"] == {"1940s": 1}
    assert sources(search("plan", filters={"year": "1940s"})) == [MAP]
    assert sources(search("plan nam:1940s")) == [MAP]
    recent = search("thông tin đối ngoại", filters={"year": "2017"})
    assert PLAN in sources(recent) and recent.facets["year"] == {"2017": recent.total}


def test_pages_name_where_the_words_are(search, catalog):
    hit = next(h for h in search("hải quan", limit=5).hits if h.source == CUSTOMS)
    words = {p.n: {t.text for t in folded_analyzer()(p.text)} for p in catalog.pages(hit.id)}
    holding = sorted(n for n, found in words.items() if {"hai", "quan"} <= found)
    assert hit.pages == holding[:MAX_PAGES] and len(holding) > 5
    assert hit.snippets[0]["page"] in hit.pages and "<mark>" in hit.snippets[0]["text"]


def test_a_phrase_lists_only_pages_holding_the_phrase(search, catalog):
    hit = next(h for h in search('"xử phạt vi phạm hành chính"').hits if h.source == CUSTOMS)
    texts = {p.n: " ".join(t.text for t in folded_analyzer()(p.text))
             for p in catalog.pages(hit.id)}
    assert hit.pages == sorted(n for n, t in texts.items() if "xu phat vi pham hanh chinh" in t)


def test_sort_by_date_and_title(search):
    by_date = search("quy định", sort="date", limit=30).hits
    dates = [h.date or "" for h in by_date]
    assert dates == sorted(dates, reverse=True)
    by_title = search("quy định", sort="title", limit=30).hits
    titles = [fold(h.title) for h in by_title]
    assert titles == sorted(titles)


def test_pagination_splits_the_same_ranking(search):
    first, second = search("nghị định", limit=5), search("nghị định", limit=5, page=2)
    assert first.total == second.total > 10
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    assert [h.id for h in search("nghị định", limit=10).hits] == \
        [h.id for h in first.hits + second.hits]


def test_place_names_expand_across_languages_below_literal_matches(search):
    result = search("谅山")
    assert sources(result)[0] == LEAFLET  # the only item with 谅山 written in it
    assert PLAN in sources(result) and "谅山" in result.expansions
    assert "Lạng Sơn" in result.expansions["谅山"]
    assert sources(search("西沙群岛"))[0] == PARACELS
    assert sources(search("Paracel Islands"))[0] == PARACELS
    assert set(sources(search("Friendship Pass"))[:2]) == {
        LEAFLET, "media/anh-cua-khau-huu-nghi-2017.jpg"}


def test_a_variant_written_with_tones_does_not_match_folded_lookalikes(search):
    # "Biển Đông" folds to "bien dong" like "biến động" (change), common in decrees.
    assert sources(search("South China Sea")) == [PLAN]


def test_adjacent_words_rank_above_scattered_ones(search):
    assert sources(search("thong tin doi ngoai"))[0] == PLAN
    assert sources(search("chủ quyền biển đảo"))[:3].count(PARACELS) == 1


def test_did_you_mean_offers_only_what_finds_visible_items(search):
    assert search("phat ngonn bao chi").suggestion == "phat ngon bao chi"
    assert search("kỷ luật viên chứcc").suggestion == "kỷ luật viên chức"
    assert search("phát ngôn báo chí").suggestion is None
    # "voucher" is written only in an internal decree (208, air transport).
    assert search("vouchre", audience="staff").suggestion == "voucher"
    assert search("vouchre", audience="public").suggestion is None
    assert search("vouchre", audience="public").total == 0


def test_more_like_this_stays_within_what_the_audience_may_see(searcher, catalog):
    custom = next(h for h in searcher.search(SearchRequest("hải quan"), catalog).hits
                  if h.source == CUSTOMS)
    similar = searcher.more_like_this(custom.id, catalog, audience="public", limit=5)
    assert similar.hits and custom.id not in {h.id for h in similar.hits}
    assert {h.access for h in similar.hits} == {"public"}
    internal = searcher.search(SearchRequest("chăn nuôi", audience="staff"), catalog).hits[0]
    assert internal.access == "internal"
    near = searcher.more_like_this(internal.id, catalog, audience="staff", limit=3)
    assert "documents/204-2026-nd-cp.pdf" in [h.source for h in near.hits]


def test_more_like_this_of_a_forbidden_item_is_not_found(searcher, catalog):
    from archive.errors import NotFound

    restricted = searcher.search(SearchRequest("kỷ luật viên chức", audience="admin"),
                                 catalog).hits[0]
    assert restricted.access == "restricted"
    with pytest.raises(NotFound):
        searcher.more_like_this(restricted.id, catalog, audience="staff")
    with pytest.raises(NotFound):
        searcher.more_like_this("no-such-item", catalog, audience="admin")


def test_autocomplete_completes_from_visible_items_only(searcher):
    out = searcher.autocomplete("lạng s", audience="public")
    assert "lạng sơn" in out["terms"]
    assert any(t["title"].startswith("Tờ gấp: Lạng Sơn") for t in out["titles"])
    assert "thông tin đối ngoại" in searcher.autocomplete("thông tin đối ng")["terms"]
    assert "hải quan" in searcher.autocomplete("hai qu")["terms"]
    staff_titles = searcher.autocomplete("cửa khẩu qu", audience="staff")["titles"]
    assert [t["title"] for t in staff_titles] == ["Cửa khẩu quốc tế Hữu Nghị"]
    assert searcher.autocomplete("cửa khẩu qu", audience="public")["titles"] == []
    assert "voucher" in searcher.autocomplete("vouc", audience="staff")["terms"]
    assert searcher.autocomplete("vouc", audience="public") == {"titles": [], "terms": []}


def test_unreadable_queries_explain_in_one_line(search):
    for text in ("foo:bar", "loai:xyz", ""):  # an open quote is closed (notices)
        with pytest.raises(UsageError) as caught:
            search(text)
        assert "\n" not in str(caught.value)
    with pytest.raises(UsageError, match="sort"):
        search("thuế", sort="size")
    with pytest.raises(UsageError, match="audience"):
        search("thuế", audience="everyone")
