"""Forgiving queries in the search layer: what can be repaired is, with a notice; what cannot
is a QuerySyntaxError whose msgid (extractable from search/ and web/) and params make its text."""
from __future__ import annotations

import json

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from archive.catalog import Catalog
from archive.errors import QuerySyntaxError, UsageError
from archive.settings import load_settings
from search.gazetteer import default_gazetteer
from search.parse import parse_query, parse_search
from search.query import SearchRequest
from search.schema import build_schema

from .conftest import REPO, open_searcher, run_cli
from .relevance.collection import build_home

SCHEMA = build_schema()
GAZETTEER = default_gazetteer()


def _parsed(text: str):
    return parse_search(text, schema=SCHEMA, gazetteer=GAZETTEER)


@pytest.mark.parametrize(("typed", "meant", "code"), [
    ('"lạng sơn', '"lạng sơn"', "quote-closed"),
    ('thông tin "đối ngoại', 'thông tin "đối ngoại"', "quote-closed"),
    ("(lạng sơn OR hoàng sa", "(lạng sơn OR hoàng sa)", "parenthesis-closed"),
    ("((lạng sơn OR hoàng sa) cửa khẩu", "((lạng sơn OR hoàng sa) cửa khẩu)",
     "parenthesis-closed"),
    ("lạng sơn) cửa khẩu", "lạng sơn cửa khẩu", "parenthesis-dropped"),
    ("nam:1950..1940", "nam:1940..1950", "years-swapped"),
    ("ngay:2018..2017-03", "ngay:2017-03..2018", "dates-swapped"),
])
def test_repairable_queries_are_read_as_meant_with_a_notice(typed, meant, code):
    parsed = _parsed(typed)
    assert parsed.query == _parsed(meant).query
    assert [n.code for n in parsed.notices] == [code]
    assert not _parsed(meant).notices


def test_strict_parse_query_still_refuses_what_it_would_have_to_repair():
    for typed in ('"lạng sơn', "(lạng sơn", "lạng sơn)", "nam:1950..1940"):
        with pytest.raises(QuerySyntaxError):
            parse_query(typed, schema=SCHEMA)


def test_a_quote_and_a_parenthesis_left_open_give_two_notices():
    parsed = _parsed('(lạng sơn "cửa khẩu')  # the phrase runs to the end, then ")" closes
    assert [n.code for n in parsed.notices] == ["quote-closed", "parenthesis-closed"]
    assert parsed.query == _parsed('(lạng sơn "cửa khẩu")').query


_UNREADABLE = ["", "x" * 1001, "\udcff", "– & …", "foo:bar", "loai:xyz", "nam:abc",
               "nam:12345", "so:", "ngay:2017/03", "t*", "(" * 40 + "x" + ")" * 40, '"']


def _extracted() -> set[str]:
    """The msgids pybabel finds with its default keywords in search/ and web/params.py."""
    found = set()
    for folder in ("search", "web"):
        for _file, _line, message, _notes, _context in extract_from_dir(
                REPO / folder, method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS):
            found.update([message] if isinstance(message, str) else message)
    return found


def test_every_parser_message_is_an_extractable_msgid_with_params():
    """GIVEN each way a query cannot be read WHEN it is parsed THEN the error's msgid is a
    marked literal pybabel extracts, and msgid % params is the English message the CLI prints."""
    extracted = _extracted()
    for typed in _UNREADABLE:
        with pytest.raises(QuerySyntaxError) as caught:
            _parsed(typed)
        err = caught.value
        assert isinstance(err, UsageError) and err.exit_code == 2
        assert err.msgid in extracted, (typed, err.msgid)
        assert (err.msgid % err.params if err.params else err.msgid) == err.message
    notices = [n for text in ('"a', "(a", "a)", "nam:2000..1990", "ngay:2018..2017")
               for n in _parsed(text).notices]
    assert all(n.msgid in extracted for n in notices)


def test_field_errors_keep_their_english_text_and_carry_params():
    with pytest.raises(QuerySyntaxError) as caught:
        _parsed("loai:xyz")
    assert caught.value.message == ('Unknown value "xyz" for loai: use one of bando, tailieu, '
                                    'anh, an_pham, phim, am_thanh, khac')
    assert caught.value.params["text"] == "xyz" and "%(text)s" in caught.value.msgid


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_home(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def search(home):
    searcher = open_searcher(home)  # Whoosh, or Solr with --engine solr
    with Catalog(load_settings(home).catalog_path, readonly=True) as catalog:
        yield lambda text, **options: searcher.search(SearchRequest(query=text, **options),
                                                      catalog)
    searcher.close()


def _ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


def test_searcher_repairs_an_open_quote_and_reports_it(search):
    repaired, meant = search('"lạng sơn'), search('"lạng sơn"')
    assert repaired.total == meant.total > 0 and _ids(repaired) == _ids(meant)
    shape = repaired.to_dict()
    assert list(shape)[:3] == ["total", "hits", "facets"]
    assert shape["notices"] == [{"code": "quote-closed", "message": repaired.notices[0].message}]
    assert "notices" not in meant.to_dict()


def test_searcher_swaps_reversed_years_and_reports_it(search):
    swapped = search("thuế", year_from=2026, year_to=2000)
    right = search("thuế", year_from=2000, year_to=2026)
    assert swapped.total == right.total > 0 and _ids(swapped) == _ids(right)
    assert [n.to_dict() for n in swapped.notices] == [{
        "code": "years-swapped",
        "message": "The years were the wrong way round: searched from 2000 to 2026"}]


def test_request_errors_are_translatable_too(search):
    with pytest.raises(QuerySyntaxError) as caught:
        search("thuế", sort="size")
    assert caught.value.params == {"sort": "'size'", "sorts": "relevance, date, title"}
    assert caught.value.message == "unknown sort 'size'; use one of relevance, date, title"


def test_cli_prints_the_notice_on_stderr_and_clean_json_on_stdout(home):
    result = run_cli(home, "search", '"lạng sơn', "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["notices"][0]["code"] == "quote-closed"
    assert "Note: A quote was not closed" in result.stderr
    plain = run_cli(home, "search", "thuế", "--from", "2026", "--to", "2000")
    assert plain.exit_code == 0, plain.output
    assert "Note: The years were the wrong way round" in plain.stderr


@pytest.mark.parametrize("name", ["lexer", "notices", "parse"])
def test_docstring_examples_hold(name):
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(f"search.{name}"))
    assert result.attempted and result.failed == 0
