"""The analyzers on real Vietnamese, Chinese, Japanese and Korean text."""
from __future__ import annotations

import doctest
import unicodedata

import pytest

import search.analyzers
from search.analyzers import (
    docnumber_analyzer,
    exact_analyzer,
    fold,
    folded_analyzer,
    keyword_analyzer,
    label_analyzer,
    language_analyzer,
    normalize_label,
)

LEAFLET_ZH = "中国广西凭祥友谊关口岸与越南谅山"


def texts(analyzer, value: str, **kwargs) -> list[str]:
    return [t.text for t in analyzer(value, **kwargs)]


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def test_docstring_examples_hold():
    assert doctest.testmod(search.analyzers).failed == 0


@pytest.mark.parametrize(("text", "folded"), [
    ("Lạng Sơn", "lang son"),
    ("Đồng Đăng", "dong dang"),
    ("ĐỐI NGOẠI", "doi ngoai"),
    ("ký kỳ kỷ kỹ", "ky ky ky ky"),
    (nfd("Hữu Nghị"), "huu nghi"),
    ("Français été", "francais ete"),
    ("がぎ 서울 谅山", "がぎ 서울 谅山"),  # voiced kana and Hangul survive (NFD would split them)
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_exact_keeps_tones_and_folded_drops_them():
    sentence = "Kế hoạch hoạt động thông tin đối ngoại tỉnh Lạng Sơn"
    assert texts(exact_analyzer(), sentence) == [
        "kế", "hoạch", "hoạt", "động", "thông", "tin", "đối", "ngoại", "tỉnh", "lạng", "sơn"]
    assert texts(folded_analyzer(), sentence) == [
        "ke", "hoach", "hoat", "dong", "thong", "tin", "doi", "ngoai", "tinh", "lang", "son"]


def test_an_ninh_is_not_a_stop_word():
    text = "Bảo đảm không ảnh hưởng đến an ninh quốc gia; an toàn xã hội"
    for analyzer in (exact_analyzer(), folded_analyzer()):
        tokens = texts(analyzer, text)
        assert tokens.count("an") == 2 and "ninh" in tokens


def test_nfd_input_gives_the_nfc_tokens_and_offsets_into_the_original():
    original = nfd("Ga Đồng Đăng, tỉnh Lạng Sơn")
    tokens = [t.copy() for t in exact_analyzer()(original, chars=True)]
    assert [t.text for t in tokens] == texts(exact_analyzer(), "Ga Đồng Đăng, tỉnh Lạng Sơn")
    spans = [unicodedata.normalize("NFC", original[t.startchar:t.endchar]) for t in tokens]
    assert spans == ["Ga", "Đồng", "Đăng", "tỉnh", "Lạng", "Sơn"]
    assert texts(folded_analyzer(), original) == ["ga", "dong", "dang", "tinh", "lang", "son"]


def test_chinese_bigrams_find_lang_son_inside_a_long_run():
    query = texts(exact_analyzer(), LEAFLET_ZH, mode="query")
    assert query[0] == "中国" and "谅山" in query and "关口" in query
    assert all(len(t) == 2 for t in query)
    assert len(query) == len(LEAFLET_ZH) - 1
    indexed = texts(exact_analyzer(), LEAFLET_ZH)
    assert set(query) <= set(indexed) and "关" in indexed  # unigrams too, for 1-char queries


def test_cjk_positions_are_consecutive_and_chars_line_up():
    tokens = [(t.text, t.pos, LEAFLET_ZH[t.startchar:t.endchar])
              for t in exact_analyzer()(LEAFLET_ZH, positions=True, chars=True)]
    bigrams = [(text, pos) for text, pos, _ in tokens if len(text) == 2]
    assert [pos for _, pos in bigrams] == list(range(len(LEAFLET_ZH) - 1))
    assert all(text == span for text, _, span in tokens)


def test_one_character_run_stays_one_token():
    assert texts(exact_analyzer(), "năm 2017年 山", mode="query") == ["năm", "2017", "年", "山"]


def test_japanese_kanji_and_kana_are_bigrammed_together():
    tokens = texts(exact_analyzer(), "東京で日越交流イベント", mode="query")
    assert tokens[:3] == ["東京", "京で", "で日"] and "イベ" in tokens


def test_korean_bigrams_also_from_nfd_jamo():
    assert texts(exact_analyzer(), "서울특별시", mode="query") == ["서울", "울특", "특별", "별시"]
    assert texts(folded_analyzer(), nfd("서울특별시"), mode="query")[0] == "서울"


def test_latin_and_cjk_in_one_line():
    tokens = texts(exact_analyzer(), "Lạng Sơn 谅山省 Seoul 서울", mode="query")
    assert tokens == ["lạng", "sơn", "谅山", "山省", "seoul", "서울"]


def test_doc_number_compound_and_parts_with_phrase_positions():
    tokens = [(t.text, t.pos) for t in
              exact_analyzer()("Nghị định 244/2026/NĐ-CP quy định", positions=True)]
    assert tokens == [("nghị", 0), ("định", 1), ("244/2026/nđ-cp", 2), ("244", 2),
                      ("2026", 3), ("nđ", 4), ("cp", 5), ("quy", 6), ("định", 7)]
    assert texts(folded_analyzer(), "244/2026/NĐ-CP")[0] == "244/2026/nd-cp"


def test_query_mode_keeps_the_compound_whole():
    assert texts(exact_analyzer(), "51/KH-UBND", mode="query") == ["51/kh-ubnd"]
    assert texts(folded_analyzer(), "ICD-10", mode="query") == ["icd-10"]


def test_soft_hyphen_and_dash_lookalikes_join_doc_numbers():
    # The corpus' text layers carry soft hyphens where the number has a hyphen.
    for typed in ("25/2025/NĐ\u00adCP", "25/2025/NĐ\u2013CP", "25\u22152025/NĐ-CP"):
        assert texts(exact_analyzer(), typed)[0] == "25/2025/nđ-cp"


def test_fullwidth_digits_and_letters():
    assert texts(exact_analyzer(), "２０１７年 ＡＰＥＣ", mode="query") == ["2017", "年", "apec"]


@pytest.mark.parametrize("typed", ["51/KH-UBND", "51/kh-ubnd", "51 / KH – UBND",
                                   "Số: 51/KH-UBND", "51/KH\u2014UBND", " 51/KH - UBND "])
def test_docnumber_variants_agree(typed):
    assert texts(docnumber_analyzer(), typed) == ["51/kh-ubnd"]


def test_docnumber_eth_and_folding():
    assert texts(docnumber_analyzer(), "244/2026/N\u00d0-CP") == ["244/2026/nđ-cp"]
    folded = docnumber_analyzer(folded=True)
    assert texts(folded, "244/2026/NĐ-CP") == texts(folded, "244/2026/ND-CP") == ["244/2026/nd-cp"]


def test_docnumber_lists_give_one_token_each():
    assert texts(docnumber_analyzer(), "22/2016/TT-BTTTT; 3737/BTTTT-TTĐN") == [
        "22/2016/tt-btttt", "3737/btttt-ttđn"]


def test_labels_keywords_and_languages():
    assert texts(label_analyzer(), "Sở Ngoại vụ") == ["so ngoai vu"]
    assert texts(label_analyzer(), "   ") == []
    assert texts(keyword_analyzer(), "Hoàng Sa;Trường Sa") == ["hoang sa", "truong sa"]
    assert texts(language_analyzer(), "vi;zh") == ["vi", "zh"]
    assert normalize_label("Kế_hoạch") == "ke hoach"
