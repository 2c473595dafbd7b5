"""The gazetteer's data and the parser's place expansion."""
from __future__ import annotations

import csv
import doctest

import pytest

import search.expand
import search.gazetteer
from whoosh.query import Phrase

from search.expand import EXPANDABLE_FIELDS, EXPANSION_BOOST
from search.gazetteer import GAZETTEER_PATH, default_gazetteer, load_gazetteer, name_tokens
from search.parse import parse_query, parse_search
from search.schema import build_schema

SCHEMA = build_schema()


def test_docstring_examples_hold():
    assert doctest.testmod(search.gazetteer).failed == 0
    assert doctest.testmod(search.expand).failed == 0


def test_the_tsv_is_well_formed():
    with open(GAZETTEER_PATH, encoding="utf-8", newline="") as f:
        rows = list(csv.reader((line for line in f if not line.startswith("#")),
                               delimiter="\t"))
    header, rows = rows[0], rows[1:]
    assert header == ["id", "type", "vi", "en", "zh", "fr", "other"]
    assert all(2 <= len(row) <= len(header) for row in rows), rows
    ids = [row[0] for row in rows]
    assert len(ids) == len(set(ids))
    assert all(len(place.names) >= 2 for place in load_gazetteer().places)


@pytest.mark.parametrize(("typed", "place"), [
    ("Hoàng Sa", "hoang_sa"), ("Paracel Islands", "hoang_sa"), ("西沙群岛", "hoang_sa"),
    ("西沙群島", "hoang_sa"), ("Îles Paracels", "hoang_sa"), ("Trường Sa", "truong_sa"),
    ("Spratly Islands", "truong_sa"), ("南沙群岛", "truong_sa"), ("Lạng Sơn", "lang_son"),
    ("LANG SON", "lang_son"), ("谅山", "lang_son"), ("諒山", "lang_son"),
    ("Hữu Nghị", "huu_nghi"), ("Friendship Pass", "huu_nghi"), ("友谊关", "huu_nghi"),
    ("Đồng Đăng", "dong_dang"), ("同登", "dong_dang"), ("Quảng Tây", "quang_tay"),
    ("Guangxi", "quang_tay"), ("广西", "quang_tay"), ("Biển Đông", "bien_dong"),
    ("South China Sea", "bien_dong"), ("East Sea", "bien_dong"), ("南海", "bien_dong"),
    ("Bằng Tường", "bang_tuong"), ("Pingxiang", "bang_tuong"), ("凭祥", "bang_tuong"),
    ("Cao Lộc", "cao_loc"), ("Văn Lãng", "van_lang"), ("Tràng Định", "trang_dinh"),
    ("Bình Gia", "binh_gia"), ("Văn Quan", "van_quan"), ("Bắc Sơn", "bac_son"),
    ("Hữu Lũng", "huu_lung"), ("Chi Lăng", "chi_lang"), ("Đình Lập", "dinh_lap"),
    ("Lộc Bình", "loc_binh"), ("thành phố Lạng Sơn", "lang_son_city"),
    ("Tân Thanh", "tan_thanh"), ("Chi Ma", "chi_ma"), ("Cốc Nam", "coc_nam"),
    ("Bình Nghi", "binh_nghi"),
])
def test_the_places_the_archive_needs_are_there(typed, place):
    found = default_gazetteer().match(name_tokens(typed))
    assert found is not None and found.id == place


def test_typed_tones_must_match_but_no_tones_match_any():
    gazetteer = default_gazetteer()
    assert gazetteer.match(name_tokens("lang son")).id == "lang_son"
    assert gazetteer.match(name_tokens("làng sơn")) is None
    assert gazetteer.match(name_tokens("van lang")).id == "van_lang"
    assert gazetteer.match(name_tokens("Văn Lang")) is None  # the ancient kingdom, not Văn Lãng


def test_variants_leave_out_the_typed_name_and_names_containing_it():
    gazetteer = default_gazetteer()
    place = gazetteer.match(name_tokens("Lạng Sơn"))
    variants = gazetteer.variants(place, name_tokens("Lạng Sơn"))
    assert "谅山" in variants and "Lang Son" not in variants
    assert not any("Lạng Sơn" in v for v in variants)  # "tỉnh Lạng Sơn" is found anyway
    assert "谅山省" not in variants  # 谅山 finds it


def test_the_parser_expands_only_when_asked_and_only_free_text():
    plain = parse_query("Hoàng Sa", schema=SCHEMA)
    assert "西沙" not in str(plain)
    parsed = parse_search("Hoàng Sa 1838", schema=SCHEMA, gazetteer=default_gazetteer())
    assert "西沙" in str(parsed.query) and "西沙" not in str(parsed.literal)
    assert parsed.expansions[0][0] == "Hoàng Sa"
    scoped = parse_search("loai:bando", schema=SCHEMA, gazetteer=default_gazetteer())
    assert scoped.expansions == []


def test_a_place_filter_finds_the_place_under_any_of_its_names():
    query = parse_query("dia_danh:谅山", schema=SCHEMA, gazetteer=default_gazetteer())
    assert "places:lang son" in str(query)


def test_a_place_is_matched_as_a_phrase_and_its_variants_weigh_less():
    parsed = parse_search("dong dang", schema=SCHEMA, gazetteer=default_gazetteer())
    leaves = list(parsed.query.leaves())
    literal = {q.fieldname: q for q in leaves if "dong" in str(q)}
    assert all(isinstance(q, Phrase) for q in literal.values())
    variants = {q.fieldname: q.boost for q in leaves if "同登" in str(q)}
    assert variants == {f: b * EXPANSION_BOOST for f, b in EXPANDABLE_FIELDS[None].items()}
