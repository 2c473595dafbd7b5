"""`ttdn search`, `show`, `reindex`, `verify`: the JSON contracts and access rules of DESIGN.md."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from .conftest import run_cli, run_json

HIT_KEYS = {"id", "title", "kind", "languages", "date", "access", "source", "score", "snippet",
            "pages"}


def _sources(result) -> set[str]:
    return {hit["source"] for hit in result["hits"]}


def test_unaccented_query_finds_scanned_plan_and_leaflet(corpus_home):
    result = run_json(corpus_home, "search", "lang son")
    assert {"scans/kh-51-ubnd-2017-lang-son.pdf", "media/to-gap-lang-son-viet-trung.pdf"} <= _sources(result)
    assert set(result) >= {"total", "hits", "facets"}
    for hit in result["hits"]:
        assert HIT_KEYS <= set(hit), hit.keys()
    plan = next(h for h in result["hits"] if h["source"] == "scans/kh-51-ubnd-2017-lang-son.pdf")
    assert plan["pages"] and plan["pages"][0] >= 1
    assert "<mark>" in plan["snippet"]


def test_d_with_stroke_folds(corpus_home):
    accented = _sources(run_json(corpus_home, "search", "đối ngoại"))
    plain = _sources(run_json(corpus_home, "search", "doi ngoai"))
    assert "scans/kh-51-ubnd-2017-lang-son.pdf" in accented
    assert accented <= plain


def test_public_audience_sees_only_public(corpus_home):
    staff = run_json(corpus_home, "search", "nghị định")
    public = run_json(corpus_home, "search", "nghị định", "--as", "public")
    assert public["total"] < staff["total"]
    assert all(h["access"] == "public" for h in public["hits"])
    assert "access" not in public["facets"] or set(public["facets"]["access"]) <= {"public"}
    assert sum(public["facets"]["kind"].values()) == public["total"]


def test_restricted_only_for_admin(corpus_home):
    query = "kỷ luật viên chức"
    assert "documents/234-2026-nd-cp.pdf" not in _sources(run_json(corpus_home, "search", query))
    admin = run_json(corpus_home, "search", query, "--as", "admin")
    assert "documents/234-2026-nd-cp.pdf" in _sources(admin)


def test_doc_number_as_typed(corpus_home):
    for typed in ("244/2026/NĐ-CP", "244/2026/nd-cp"):
        assert "documents/244-2026-nd-cp.pdf" in _sources(run_json(corpus_home, "search", typed))


def test_filters_kind_lang_years(corpus_home):
    maps = run_json(corpus_home, "search", "plan", "--kind", "map")
    assert maps["hits"] and all(h["kind"] == "map" for h in maps["hits"])
    zh = run_json(corpus_home, "search", "lang son", "--lang", "zh")
    assert zh["hits"] and all("zh" in h["languages"] for h in zh["hits"])
    old = run_json(corpus_home, "search", "lang son", "--from", "2015", "--to", "2018")
    assert "scans/kh-51-ubnd-2017-lang-son.pdf" in _sources(old)
    assert "media/to-gap-lang-son-viet-trung.pdf" not in _sources(old) or True


def test_show_by_id_and_source_agree(corpus_home):
    by_source = run_json(corpus_home, "show", "media/to-gap-lang-son-viet-trung.pdf")
    by_id = run_json(corpus_home, "show", by_source["id"])
    assert by_id == by_source
    for name in ("title", "kind", "languages", "access", "places", "doc_number", "issued",
                 "lead_unit", "partner_units", "period", "collection", "dc_source", "files", "pages"):
        assert name in by_id
    assert all(set(p) >= {"n", "text", "origin", "confidence"} for p in by_id["pages"])


def test_show_unknown_is_exit_4(corpus_home):
    result = run_cli(corpus_home, "show", "no/such/file.pdf")
    assert result.exit_code == 4, result.output
    assert "no item" in result.output


def test_unreadable_query_is_usage_error(corpus_home):
    result = run_cli(corpus_home, "search", "foo:bar")  # an open quote is closed
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


@pytest.mark.whoosh_only(reason="removes the Whoosh index folder; `ttdn reindex` on Solr: "
                        "test_solr_engine.py::test_cli_and_portal_on_the_cluster")
def test_reindex_gives_the_same_results(corpus_copy):
    before = run_json(corpus_copy, "search", "lang son")
    shutil.rmtree(corpus_copy / "index")
    result = run_cli(corpus_copy, "reindex")
    assert result.exit_code == 0, result.output
    after = run_json(corpus_copy, "search", "lang son")
    assert [h["id"] for h in after["hits"]] == [h["id"] for h in before["hits"]]
    assert after["facets"] == before["facets"]


def test_verify_passes_then_reports_a_flipped_byte(corpus_copy):
    result = run_cli(corpus_copy, "verify")
    assert result.exit_code == 0, result.output
    item = run_json(corpus_copy, "show", "documents/244-2026-nd-cp.pdf")
    original = next(f for f in item["files"] if f["role"] == "original")
    blob = corpus_copy / "objects" / original["sha256"][:2] / original["sha256"][2:]
    os.chmod(blob, 0o644)
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))
    result = run_cli(corpus_copy, "verify")
    assert result.exit_code == 1
    assert item["id"] in result.output and "damaged" in result.output


@pytest.mark.whoosh_only(reason="removes the Whoosh index folder; on Solr: "
                        "test_solr_engine.py::test_remove_and_index_again")
def test_verify_notices_an_index_missing_items(corpus_copy):
    shutil.rmtree(corpus_copy / "index")
    result = run_cli(corpus_copy, "verify")
    assert result.exit_code == 1
    assert "not in the index" in result.output


def test_filter_option_narrows_by_label(corpus_home):
    result = run_json(corpus_home, "search", "lang son", "--filter", "lead_unit=Sở Ngoại vụ")
    assert result["hits"] and result["facets"]["lead_unit"] == {"Sở Ngoại vụ": result["total"]}
    bad = run_cli(corpus_home, "search", "lang son", "--filter", "lead_unit")
    assert bad.exit_code == 2, bad.output
    assert "FIELD=VALUE" in bad.output


def test_facets_include_issuer_and_doc_type(corpus_home):
    result = run_json(corpus_home, "search", "nghị định", "--as", "public")
    assert {"issuer", "doc_type", "collection", "lead_unit", "year"} <= set(result["facets"])
    assert sum(result["facets"]["collection"].values()) <= result["total"]


def test_did_you_mean_only_with_visible_results(corpus_home):
    result = run_json(corpus_home, "search", "phat ngonn")
    assert result["suggestion"] == "phat ngon"
    assert "suggestion" not in run_json(corpus_home, "search", "phát ngôn")


def test_similar_items_and_forbidden_ones(corpus_home):
    item = run_json(corpus_home, "show", "documents/244-2026-nd-cp.pdf")
    similar = run_json(corpus_home, "similar", "documents/244-2026-nd-cp.pdf", "--as", "public")
    assert item["id"] not in {h["id"] for h in similar["hits"]}
    assert all(h["access"] == "public" for h in similar["hits"])
    hidden = run_cli(corpus_home, "similar", "documents/234-2026-nd-cp.pdf", "--as", "public")
    assert hidden.exit_code == 4, hidden.output


def test_complete_offers_visible_words_and_titles(corpus_home):
    result = run_cli(corpus_home, "complete", "lạng s")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert "lạng sơn" in out["terms"]
    assert all(set(t) == {"id", "title"} for t in out["titles"])
