"""The query parser against a small real Whoosh index of Vietnamese, Chinese, Japanese, Korean."""
from __future__ import annotations

import doctest
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.query import Query, Term

import search.parse
from archive.errors import UsageError
from search.analyzers import fold
from search.parse import filter_query, parse_query
from search.schema import FACET_FIELDS, TEXT_FIELDS, build_schema, weighting

from .conftest import SEED

LEAFLET = """LẠNG SƠN – CỬA NGÕ GIAO THƯƠNG
谅山——贸易门户
Cửa khẩu quốc tế Hữu Nghị và ga đường sắt Đồng Đăng là cửa ngõ giao thương quan trọng.
中国广西凭祥友谊关口岸与越南谅山省同登相邻，是重要的贸易门户。"""

DOCS = [
    dict(id="kh51", title="Kế hoạch hoạt động thông tin đối ngoại năm 2017 trên địa bàn tỉnh "
         "Lạng Sơn", doc_number="51/KH-UBND", kind="document", languages="vi", year=2017,
         date="2017-03-22", issuer="UBND tỉnh Lạng Sơn", doc_type="Kế hoạch",
         places="Lạng Sơn", access="public"),
    dict(id="togap", title="Tờ gấp: Lạng Sơn – cửa ngõ giao thương (Việt – Trung)",
         content=LEAFLET, kind="publication", languages="vi,zh", year=2018,
         lead_unit="Sở Ngoại vụ", places="Lạng Sơn,Hữu Nghị,Đồng Đăng", access="public"),
    dict(id="kyket", title="Lễ ký kết hợp tác", content="Hai tỉnh ký biên bản hợp tác.",
         kind="photo", languages="vi", year=2019, access="internal"),
    dict(id="kyhop", title="Kỳ họp thứ năm", content="Hội đồng nhân dân tỉnh khai mạc kỳ họp.",
         kind="document", languages="vi", year=2019, access="internal"),
    dict(id="map1944", title="City plan sheet, U.S. Army Map Service 1:10,000 (1944–45)",
         content="LANGSON 諒山 city plan", kind="map", languages="en,zh", year=0,
         period_from=1944, period_to=1945, access="public"),
    dict(id="nd244", title="Nghị định 244/2026/NĐ-CP quy định chi tiết việc phát ngôn và "
         "cung cấp thông tin cho báo chí", doc_number="244/2026/NĐ-CP", kind="document",
         languages="vi", year=2026, issuer="Chính phủ", doc_type="Nghị định",
         content="Căn cứ Nghị định 244/2026/NĐ-CP quy định chi tiết.", access="restricted"),
    dict(id="jako", title="東京で開催された日越交流イベント",
         content="서울특별시와 랑선성의 우호 교류. 東京タワー", kind="publication",
         languages="ja,ko", year=2020, access="public"),
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    """A real index of item documents; kh51's text is the province's 2017 plan (seed)."""
    ix = whoosh_index.create_in(tmp_path_factory.mktemp("index"), build_schema())
    plan = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEED.glob("*.txt")))
    with ix.writer() as w:
        for doc in DOCS:
            doc = {**doc, "content": doc.get("content", plan if doc["id"] == "kh51" else "")}
            w.add_document(item_id=doc["id"], doctype="item", page=0, title_f=doc["title"],
                           content_f=doc["content"], doc_number_f=doc.get("doc_number", ""),
                           sort_title=fold(doc["title"]), **doc)
    return ix


def hits(ix, text: str) -> list[str]:
    with ix.searcher(weighting=weighting()) as s:
        return [h["id"] for h in s.search(parse_query(text, schema=ix.schema), limit=None)]


def test_docstring_examples_hold():
    assert doctest.testmod(search.parse).failed == 0


def test_schema_has_the_agreed_fields():
    names = set(build_schema().names())
    assert {"id", "item_id", "doctype", "page", "title", "title_f", "content", "content_f",
            "doc_number", "doc_number_f", "sort_title", "date", "places", "subjects",
            "period_from", "period_to", "page_starts", "vocab"} | set(FACET_FIELDS) == names
    assert set(TEXT_FIELDS) == {"title", "title_f", "content", "content_f", "doc_number",
                                "doc_number_f"}


@pytest.mark.parametrize("typed", ["lang son", "LANG SON", "Lạng Sơn",
                                   unicodedata.normalize("NFD", "Lạng Sơn")])
def test_lang_son_however_typed(ix, typed):
    assert {"kh51", "togap"} <= set(hits(ix, typed))


def test_folded_query_finds_both_and_the_tone_exact_one_ranks_first(ix):
    assert {"kyket", "kyhop"} <= set(hits(ix, "ky"))
    assert hits(ix, "ký").index("kyket") < hits(ix, "ký").index("kyhop")
    assert hits(ix, "kỳ").index("kyhop") < hits(ix, "kỳ").index("kyket")


def test_dong_dang_and_an_ninh(ix):
    assert "togap" in hits(ix, "dong dang")
    assert hits(ix, "an ninh") == ["kh51"]


@pytest.mark.parametrize(("typed", "found"), [
    ("谅山", "togap"), ("友谊关口岸", "togap"), ("关", "togap"), ("諒山", "map1944"),
    ("東京", "jako"), ("東京タワー", "jako"), ("서울", "jako"), ("교류", "jako"),
])
def test_cjk_words_inside_longer_runs(ix, typed, found):
    assert found in hits(ix, typed)


@pytest.mark.parametrize("typed", ["so:51/KH-UBND", "51/kh-ubnd", "51/KH-UBND",
                                   "51 / KH – UBND", "Số: 51/KH-UBND", "doc:51/kh-ubnd"])
def test_doc_number_51(ix, typed):
    assert hits(ix, typed)[0] == "kh51"


@pytest.mark.parametrize("typed", ["244/2026/NĐ-CP", "244/2026/nd-cp", "so:244/2026/ND-CP",
                                   "244/2026/NÐ-CP", "so:244/*"])
def test_doc_number_244_folded_or_not(ix, typed):
    assert hits(ix, typed) == ["nd244"]


def test_phrases_keep_order_and_see_through_compounds(ix):
    assert hits(ix, '"thông tin đối ngoại"')[0] == "kh51"
    assert "kh51" not in hits(ix, '"đối ngoại thông tin"')
    assert hits(ix, '"nghị định 244/2026/NĐ-CP quy định"') == ["nd244"]
    assert hits(ix, '"nghi dinh 244/2026/nd-cp quy dinh"') == ["nd244"]
    assert "kh51" in hits(ix, '"thông tin ngoại"~2')


def test_operators_english_and_vietnamese(ix):
    assert set(hits(ix, "谅山 OR 서울")) == {"togap", "jako"}
    assert set(hits(ix, "谅山 HOẶC 서울")) == {"togap", "jako"}
    assert "togap" not in hits(ix, "lạng sơn NOT đồng")
    assert hits(ix, "lạng sơn -đồng") == hits(ix, "lạng sơn KHÔNG đồng")
    assert hits(ix, "biên bản AND ký") == hits(ix, "biên bản VÀ ký")
    assert hits(ix, "biên bản VÀ ký")[0] == "kyket"
    assert set(hits(ix, "(谅山 OR 서울) -loai:an_pham")) == set()


def test_vietnamese_operators_are_words_in_an_all_caps_query(ix):
    assert "kh51" in hits(ix, "THÔNG TIN VÀ TRUYỀN THÔNG")
    schema = ix.schema
    assert "NOT" not in str(parse_query("BIÊN BẢN KHÔNG KÝ", schema=schema))
    assert "NOT" in str(parse_query("biên bản KHÔNG ký", schema=schema))
    assert "NOT" in str(parse_query("51/KH-UBND KHÔNG 谅山", schema=schema))


@pytest.mark.parametrize(("typed", "expected"), [
    ("loai:bando", {"map1944"}), ("kind:map", {"map1944"}), ("loai:ban_do", {"map1944"}),
    ('loai:"bản đồ"', {"map1944"}), ("loai:anh", {"kyket"}),
    ("loai:an_pham", {"togap", "jako"}), ("loai:(bando OR anh)", {"map1944", "kyket"}),
    ("nam:1940..1950", {"map1944"}), ("year:1944", {"map1944"}), ("nam:2019", {"kyket", "kyhop"}),
    ("nam:2020..", {"jako", "nd244"}), ("nam:..2017", {"kh51", "map1944"}),
    ("nam:2017-2018", {"kh51", "togap"}),
    ("ngon_ngu:zh", {"togap", "map1944"}), ("lang:chi", {"togap", "map1944"}),
    ("lang:jpn", {"jako"}), ("ngôn_ngữ:kor", {"jako"}),
    ('co_quan:"UBND tỉnh Lạng Sơn"', {"kh51"}), ("issuer:ubnd_tinh_lang_son", {"kh51"}),
    ("co_quan:ubnd*", {"kh51"}), ("loai_vb:nghi_dinh", {"nd244"}),
    ('doc_type:"Kế hoạch"', {"kh51"}), ("don_vi:so_ngoai_vu", {"togap"}),
    ('lead_unit:"Sở Ngoại vụ"', {"togap"}), ("dia_danh:dong_dang", {"togap"}),
    ('place:"Lạng Sơn"', {"kh51", "togap"}), ("tieu_de:ký", {"kyket", "kyhop"}),
    ('title:"kế hoạch"', {"kh51"}), ("ngay:2017-03", {"kh51"}),
    ("truy_cap:noi_bo", {"kyket", "kyhop"}), ("lạng sơn loai:an_pham", {"togap"}),
    ("thông* nam:2017", {"kh51"}),
])
def test_field_queries(ix, typed, expected):
    assert set(hits(ix, typed)) == expected


def test_filter_query_matches_facet_labels_as_stored(ix):
    with ix.searcher() as s:
        for field, value, expected in [("issuer", "UBND tỉnh Lạng Sơn", "kh51"),
                                       ("lead_unit", "Sở Ngoại vụ", "togap"),
                                       ("languages", "ko", "jako"), ("year", 2017, "kh51")]:
            found = [h["id"] for h in s.search(filter_query(field, value, schema=ix.schema))]
            assert found == [expected]


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Empty query"), ("   ", "Empty query"), ('"lạng sơn', "Unbalanced quote"),
    ("(lạng sơn", "never closed"), ("lạng sơn)", 'no "("'), ("foo:bar", "Unknown field"),
    ("loai:xyz", "Unknown value"), ("lang:xx", "Unknown value"), ("nam:abc", "nam:"),
    ("nam:1950..1940", "ends before"), ("nam:12345", "nam:"), ("so:", "needs a value"),
    ("ngay:2017/03", "ngay:"), ("t*", "two letters"), ("– & …", "no words"),
    ("(" * 40 + "x" + ")" * 40, "deeper"), ("x" * 1001, "too long"), ("\udcff", "UTF-8"),
])
def test_unreadable_queries_are_usage_errors(typed, message):
    with pytest.raises(UsageError, match=re.escape(message)) as caught:
        parse_query(typed, schema=build_schema())
    assert caught.value.exit_code == 2 and "\n" not in str(caught.value)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
       | st.lists(st.sampled_from(['"', "(", ")", "-", "*", "OR", "NOT", "AND", "KHÔNG", ":",
                                   "loai:", "nam:", "so:", "1940..", "51/KH-UBND", "谅山", " ",
                                   "ký", "~2", "+", "..", "dia_danh:"]),
                  max_size=12).map("".join))
def test_any_text_parses_or_is_a_usage_error_and_runs(ix, text):
    try:
        query = parse_query(text, schema=ix.schema)
    except UsageError:
        return
    assert isinstance(query, Query)
    with ix.searcher(weighting=weighting()) as s:
        s.search(query, filter=Term("doctype", "item"), limit=5)
