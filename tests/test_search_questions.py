"""Issue 10: questions as the public types them, on real Whoosh indexes built from real text.

Two collections: the evaluation collection (real decrees, the bilingual leaflets; built from
text by tests/relevance/collection.py) and small homes each test writes for one behaviour.
"""
from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

from archive.catalog import Catalog
from archive.models import Item, Page
from archive.settings import load_settings
from search.gazetteer import default_gazetteer
from search.index import rebuild_index
from search.parse import parse_query, parse_search
from search.query import SearchRequest
from search.question import is_function_word
from search.relax import minimum_should_match
from search.schema import build_schema

from .conftest import open_searcher
from .relevance.collection import build_home

SCHEMA = build_schema()
LEAFLET = "media/to-gap-lang-son-viet-trung.pdf"
SPOKESPEOPLE = "documents/244-2026-nd-cp.pdf"
DISCIPLINE = "documents/234-2026-nd-cp.pdf"
CUSTOMS = "documents/169-2026-nd-cp.pdf"


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    """A searcher and catalog over the evaluation collection."""
    home = build_home(tmp_path_factory.getbasetemp())
    settings = load_settings(home)
    searcher = open_searcher(home)  # Whoosh, or Solr with --engine solr
    with Catalog(settings.catalog_path, readonly=True) as catalog:
        yield searcher, catalog
    searcher.close()


def sources(collection, text: str, **options) -> list[str]:
    """The sources of the top hits for `text`, as an administrator sees them."""
    searcher, catalog = collection
    request = SearchRequest(query=text, audience="admin", limit=10, suggest=False, **options)
    return [h.source for h in searcher.search(request, catalog).hits]


def small_home(tmp_path: Path, texts: dict[str, tuple[str, str]],
               restricted: tuple[str, ...] = ()) -> Path:
    """A data home whose items are `name: (title, page text)`, indexed for real."""
    home = tmp_path / "home"
    settings = load_settings(home)
    with Catalog(settings.catalog_path) as catalog:
        for name, (title, text) in texts.items():
            access = "restricted" if name in restricted else "public"
            catalog.save_item(Item(id=name, title=title, access=access, languages=["vi"]),
                              pages=[Page(1, text)], sources=[f"{name}.txt"])
        rebuild_index(settings, catalog, procs=1)
    return home


def ranked(home: Path, text: str, audience: str = "staff") -> list[str]:
    """Item ids of the hits for `text`, best first."""
    settings = load_settings(home)
    with open_searcher(home) as searcher, \
            Catalog(settings.catalog_path, readonly=True) as catalog:
        request = SearchRequest(query=text, limit=10, suggest=False, audience=audience)
        result = searcher.search(request, catalog)
    return [h.id for h in result.hits]


# -- 1. matching: every word first, then most of them ---------------------------------------

def test_a_long_question_finds_the_document_that_answers(collection):
    assert sources(collection, "Viên chức có được khiếu nại quyết định kỷ luật không?")[0] \
        == DISCIPLINE
    assert sources(collection, "Người phát ngôn có quyền và trách nhiệm gì?")[0] == SPOKESPEOPLE


def test_relaxation_scales_with_query_length():
    assert [minimum_should_match(n) for n in (1, 2, 3, 4, 6, 10, 15)] == [1, 1, 2, 3, 3, 4, 6]


def test_items_holding_every_word_still_lead(tmp_path):
    home = small_home(tmp_path, {
        "all": ("Biên bản", "Biên bản kiểm tra kho lưu trữ tỉnh."),
        "most": ("Biên bản", "Biên bản kiểm tra trụ sở."),
    })
    assert ranked(home, "biên bản kiểm tra kho")[:2] == ["all", "most"]
    # A short keyword query that some item holds whole is not widened.
    assert ranked(home, "kho lưu trữ") == ["all"]


# -- 2. KHÔNG in a question is a word; written as an operator it still is one ----------------

def test_capital_khong_in_a_question_is_not_an_operator(collection):
    question = "Điều nào sau đây KHÔNG đúng về người phát ngôn của cơ quan hành chính nhà nước?"
    assert "NOT" not in str(parse_query(question, schema=SCHEMA))
    assert sources(collection, question)[0] == SPOKESPEOPLE


@pytest.mark.parametrize("text", ["lạng sơn KHÔNG đồng", 'thuế KHÔNG "hải quan"',
                                  "thuế hải quan xuất nhập khẩu hàng hóa KHÔNG (phạt)",
                                  "thông tin đối ngoại KHÔNG tieu_de:kế"])
def test_khong_written_as_an_operator_is_one(text):
    assert "NOT" in str(parse_query(text, schema=SCHEMA))


# -- 3. function and question words weigh little and are never required ---------------------

def test_function_words_are_never_required(tmp_path):
    home = small_home(tmp_path, {"tax": ("Thuế thu nhập", "Thuế thu nhập cá nhân năm 2026.")})
    assert ranked(home, "thuế thu nhập là gì vậy?") == ["tax"]
    assert ranked(home, "thue thu nhap la gi") == ["tax"]


def test_ambiguous_toneless_syllables_are_not_function_words():
    assert is_function_word("của", accented=True)
    assert not is_function_word("cua", accented=False)  # cửa khẩu
    assert not is_function_word("co", accented=False)  # cơ quan
    parsed = parse_search("lang son co bao nhieu cua khau", schema=SCHEMA,
                          gazetteer=default_gazetteer())
    assert [p.required for p in parsed.parts] == [True, True, True, False, True, True]


# -- 4. the tone-exact boost only for words typed with tones ---------------------------------

def test_a_toneless_word_is_not_looked_up_in_the_exact_fields():
    assert "content:mua" not in str(parse_query("mua", schema=SCHEMA))
    assert "content:mưa" in str(parse_query("mưa", schema=SCHEMA))


def test_toneless_rain_is_not_buying(tmp_path):
    home = small_home(tmp_path, {
        "rain": ("Thoát nước đô thị", "Hệ thống thoát nước mưa và cống thoát nước mưa."),
        "buy": ("Thoát nước đô thị", "Mua vật tư thoát nước; mua sắm, mua bán ống nước."),
    })
    assert ranked(home, "thoat nuoc mua")[0] == "rain"


# -- 5. title against body, and adjacent syllables ---------------------------------------------

def test_a_heading_sharing_a_word_does_not_beat_the_text_that_answers(tmp_path):
    home = small_home(tmp_path, {
        "heading": ("Điều 5. Phí bảo hiểm", "Tổ chức tín dụng nộp phí theo mức do cơ quan có "
                    "thẩm quyền công bố hằng năm, tính trên số dư bình quân của quý."),
        "answer": ("Điều 3. Giải thích từ ngữ", "Tiền gửi được bảo hiểm là tiền gửi bằng đồng Việt "
                   "Nam của cá nhân tại tổ chức tham gia bảo hiểm tiền gửi."),
    })
    assert ranked(home, "tiền gửi được bảo hiểm là gì")[0] == "answer"
    assert ranked(home, "tiền gửi được bảo hiểm")[0] == "answer"


def test_adjacent_syllables_outrank_scattered_ones(tmp_path):
    home = small_home(tmp_path, {
        "scattered": ("Phòng cháy", "Bảo đảm an toàn; nơi nguy hiểm cần bảo vệ; hiểm họa."),
        "together": ("Bảo hiểm", "Bảo hiểm xã hội và bảo hiểm y tế cho người lao động."),
    })
    assert ranked(home, "bảo hiểm")[0] == "together"
    assert ranked(home, "bao hiem")[0] == "together"


# -- 7. CJK bigrams by minimum-should-match --------------------------------------------------

def test_cjk_words_match_most_of_their_bigrams(collection):
    assert LEAFLET in sources(collection, "友谊关口岸")[:3]  # the leaflet says 友谊关国际口岸
    assert sources(collection, "谅山边界线多长")[0] == LEAFLET


# -- 6. typos: one edit on folded words, did-you-mean and autocomplete from the archive --------

def test_an_unknown_word_matches_the_indexed_words_one_edit_away(collection):
    assert sources(collection, "thuc an chan nuio")[0] == "documents/211-2026-nd-cp.pdf"
    assert sources(collection, "thức ăn chăn nuôii")[0] == "documents/211-2026-nd-cp.pdf"


def test_typo_alternatives_follow_the_previous_word(tmp_path):
    home = small_home(tmp_path, {
        "foreign": ("Kế hoạch", "Thông tin đối ngoại năm 2017; công tác đối ngoại."),
        "people": ("Quản lý", "Theo dõi người bị cấm; dõi theo người dân, người lao động."),
    })
    assert ranked(home, "doi ngaoi")[0] == "foreign"  # đối ngoại, not dõi người


def test_typo_tolerance_does_not_tell_what_restricted_items_hold(tmp_path):
    home = small_home(tmp_path, {
        "farm": ("Chăn nuôi", "Hướng dẫn chăn nuôi gia súc."),
        "secret": ("Mật", "Biên bản ghi sai chính tả: nuio."),
    }, restricted=("secret",))
    # For the public "nuio" is a word no item holds: widened as any typo would be.
    assert ranked(home, "nuio", audience="public") == ["farm"]
    assert ranked(home, "nuio", audience="admin") == ["secret"]


def test_did_you_mean_keeps_the_pair_the_archive_holds_and_the_capital(collection):
    searcher, catalog = collection
    result = searcher.search(SearchRequest(query="Lang Sonn", audience="public"), catalog)
    assert result.suggestion == "Lang Son"
    result = searcher.search(SearchRequest(query="thuc an chan nuio", audience="admin"),
                             catalog)
    assert result.suggestion == "thuc an chan nuoi"  # a swap is one edit: not "nui"


def test_autocomplete_completes_the_pair_not_the_last_letter_alone(collection):
    searcher, _ = collection
    terms = searcher.autocomplete("lạng s", audience="public")["terms"]
    assert terms[:2] == ["Lạng Sơn", "lạng sơn"] and "lạng số" not in terms
    assert searcher.autocomplete("lang s", audience="public")["terms"][:2] == \
        ["Lạng Sơn", "lạng sơn"]


def test_autocomplete_offers_gazetteer_names_the_visible_items_write(collection):
    searcher, _ = collection
    # The gazetteer's spelling, from the typed words without tones or a tone still missing.
    for typed in ("lang s", "lạng s", "lạng so", "Lang So"):
        assert searcher.autocomplete(typed, audience="public")["terms"][0] == "Lạng Sơn", typed
    assert "Hữu Nghị" in searcher.autocomplete("huu ng", audience="public")["terms"]
    # A whole name, longer than the pair the archive's terms complete; the public leaflet
    # writes "cửa khẩu quốc tế Hữu Nghị", none writes the shorter "cửa khẩu Hữu Nghị".
    assert searcher.autocomplete("cửa khẩu qu", audience="public")["terms"][0] == \
        "cửa khẩu quốc tế Hữu Nghị"
    assert "cửa khẩu Hữu Nghị" not in searcher.autocomplete("cửa khẩu h", audience="admin")["terms"]
    assert "Lang Son City" not in searcher.autocomplete("lang s", audience="admin")["terms"]
    assert not any(t.startswith("Làng") for t in
                   searcher.autocomplete("làng s", audience="public")["terms"])


def test_autocomplete_never_offers_a_place_only_hidden_items_name(tmp_path):
    home = small_home(tmp_path, {
        "leaflet": ("Tờ gấp", "Lạng Sơn, cửa ngõ giao thương."),
        "secret": ("Biên bản", "Đoàn công tác huyện Cao Lộc, thành phố Lạng Sơn."),
    }, restricted=("secret",))
    with open_searcher(home) as searcher:
        def terms(typed: str, audience: str) -> list[str]:
            return searcher.autocomplete(typed, audience=audience)["terms"]
        assert terms("lang s", "public")[0] == "Lạng Sơn"
        assert not any("Cao Lộc" in t for t in terms("cao l", "public"))
        assert not any("Cao Lộc" in t for t in terms("huyện cao l", "public"))
        assert "thành phố Lạng Sơn" not in terms("thành phố l", "public")
        assert terms("cao l", "admin")[0] == "Cao Lộc"
        assert terms("huyện cao l", "admin")[0] == "huyện Cao Lộc"
        assert terms("thành phố l", "admin")[0] == "thành phố Lạng Sơn"


@pytest.mark.parametrize("name", ["question", "relax", "typos", "gazetteer"])
def test_docstring_examples_hold(name):
    module = importlib.import_module(f"search.{name}")
    result = doctest.testmod(module)
    assert result.attempted and result.failed == 0
