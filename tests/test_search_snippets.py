"""Snippets on real page text: escaped, matches marked, the densest passage chosen."""
from __future__ import annotations

import doctest

import pymupdf

import search.snippets
from search.snippets import make_snippet

from .conftest import CORPUS, TRUTH

LEAFLET = CORPUS / "media" / "to-gap-lang-son-viet-trung.pdf"
PLAN = (TRUTH / "kh-51-ubnd-2017-lang-son.gt.txt").read_text(encoding="utf-8")


def _leaflet() -> str:
    with pymupdf.open(LEAFLET) as doc:
        return doc[0].get_text()


def test_docstring_examples_hold():
    assert doctest.testmod(search.snippets).failed == 0


def test_folded_query_words_mark_the_words_with_tones():
    snippet = make_snippet(_leaflet(), {"lang", "son"})
    assert "<mark>LẠNG</mark> <mark>SƠN</mark>" in snippet or \
        "<mark>Lạng</mark> <mark>Sơn</mark>" in snippet


def test_cjk_bigrams_are_marked_inside_longer_runs():
    snippet = make_snippet(_leaflet(), {"友谊", "谊关"})
    assert "<mark>友谊关</mark>" in snippet


def test_document_numbers_are_marked_whole():
    snippet = make_snippet(PLAN, {"51/kh-ubnd"})
    assert "<mark>51/KH-UBND</mark>" in snippet


def test_text_is_escaped_and_only_marks_are_markup():
    text = "Điều 1. <script>alert('x')</script> & thông tin đối ngoại " * 3
    snippet = make_snippet(text, {"thong", "tin"})
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    stripped = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped


def test_the_densest_passage_of_a_long_page_is_chosen():
    snippet = make_snippet(PLAN, {"bien", "dong"})
    assert snippet.count("<mark>") >= 2 and len(snippet) < 400
    assert "Biển" in snippet or "biển" in snippet


def test_no_match_shows_the_start_of_the_page_and_empty_text_nothing():
    assert make_snippet(PLAN, {"zzzz"}).startswith(" ".join(PLAN.split())[:20])
    assert make_snippet("   ", {"x"}) == ""
