"""The Solr engine on a real 2-node SolrCloud: the tests' home indexed, searched, verified.

The cluster (tests/solr_fixtures.py) starts once per session; every test here reads the one
collection the session fixture rebuilt from the web tests' home. The last test stops a node
mid-run and starts it again (so it stays last: the others expect both nodes up).
"""
from __future__ import annotations

import doctest
import json
import shutil
import subprocess
import threading
import time
import urllib.request
from collections import Counter

import pytest
from whoosh.query import Term

import search.solr_engine as solr_engine_module
import search.solr_syntax as solr_syntax
from archive.errors import NotFound, SearchUnavailable
from archive.settings import load_settings
from search.analyzers import fold
from search.parse import parse_query, parse_search
from search.query import SearchRequest
from search.schema import build_schema
from search.solr_engine import SolrClient, SolrEngine, to_solr
from search.solr_rank import factor
from search.verify import verify_archive

from tests.conftest import run_cli
from tests.solr_fixtures import *  # noqa: F401,F403
from tests.solr_fixtures import ROOT, SCRIPT, _missing_tools
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import HIDDEN_WORD, make_app

pytestmark = pytest.mark.solr


def _search(engine, catalog, query: str, audience: str = "admin", **options):
    return engine.search(SearchRequest(query=query, audience=audience, **options), catalog)


def _ids(result) -> list[str]:
    return [h.id for h in result.hits]


def test_without_java_the_cluster_script_says_what_to_install(tmp_path):
    """No Java on PATH: the script (and so the session fixture) fails naming the package."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    run = subprocess.run([str(bin_dir / "bash"), str(SCRIPT), "build"], capture_output=True,
                         text=True, env={"PATH": str(bin_dir)}, timeout=60)
    assert run.returncode == 1
    assert "java is missing; install it with: apt-get install -y openjdk-17-jdk-headless" \
        in run.stderr
    assert _missing_tools(path=str(bin_dir))[0].startswith("java (apt-get install")


def test_parsed_queries_in_solr_syntax():
    """The parser's tree, written for Solr: boosts, folded twins, NOT, phrases' slop, ranges."""
    assert doctest.testmod(solr_engine_module).failed == 0
    assert doctest.testmod(solr_syntax).failed == 0
    assert doctest.testmod(solr_syntax).attempted > 0
    schema = build_schema()
    text = to_solr(parse_query('"Hoàng Sa"~3 -loai:bando nam:1940..1950 triển*', schema=schema))
    assert '"hoàng sa"~2' in text and '"hoang sa"~2' in text
    assert '-kind:"map"' in text and "year:[1940 TO 1950]" in text
    assert "content_f:trien*" in text
    # Adjacent words are matched on the body's pairs (tones kept and folded); CJK, slop and
    # page text keep positional phrases.
    adjacent = to_solr(parse_query('"Hoàng Sa"', schema=schema))
    assert '+content_pairs:"hoàng sa"^0' in adjacent
    assert '+content_pairs_f:"hoang sa"^0' in adjacent
    assert "content_pairs" not in text  # "Hoàng Sa"~3: within three words, positions
    cjk = to_solr(parse_query('"友谊关"', schema=schema))
    assert "content_pairs" not in cjk and "content_f:" in cjk
    assert to_solr(parse_query("51/KH-UBND", schema=schema)).count('doc_number:"51/kh-ubnd"^6') == 1
    # Quotes and backslashes typed into a field value cannot break out of the clause.
    assert to_solr(Term("issuer", 'a"b\\c) OR *:*')) == 'issuer:"a\\"b\\\\c) OR *:*"'


def test_cluster_is_two_nodes_two_shards_two_replicas(solr_cluster):
    """The collection has 2 shards of 2 active replicas, on 2 nodes, every one on loopback."""
    url = f"{solr_cluster.nodes[0]}/admin/collections?action=CLUSTERSTATUS&wt=json"
    with urllib.request.urlopen(url, timeout=30) as reply:
        status = json.load(reply)["cluster"]
    shards = status["collections"]["ttdn"]["shards"]
    assert len(shards) == 2
    for shard in shards.values():
        replicas = shard["replicas"].values()
        assert len(replicas) == 2 and all(r["state"] == "active" for r in replicas)
        assert len({r["node_name"] for r in replicas}) == 2  # a shard survives a node
    assert len(status["live_nodes"]) == 2
    assert all(n.startswith("http://127.0.0.1:") for n in solr_cluster.nodes)
    assert solr_cluster.search.startswith("solr+http://127.0.0.1:")


def test_rebuild_indexes_every_item_and_verify_agrees(solr_engine, solr_home, solr_catalog):
    """Every catalog item is in Solr; `ttdn verify`'s check finds nothing missing or extra."""
    assert solr_engine.indexed_item_ids() == set(solr_catalog.item_ids())
    report = verify_archive(load_settings(solr_home), solr_engine)
    assert report.indexed == report.items == len(solr_catalog.item_ids())
    assert not [p for p in report.problems if "index" in p], report.problems


@pytest.mark.parametrize("query", ["Lạng Sơn", "lang son", "LẠNG SƠN"])
def test_accented_and_unaccented_find_the_plan(solr_engine, solr_catalog, ids, query):
    """Typed with tones, without them or in capitals: the folded field finds the same item."""
    assert ids["public"] in _ids(_search(solr_engine, solr_catalog, query, limit=50))


def test_d_with_stroke_folds_to_d(solr_engine, solr_catalog, ids):
    """ASCIIFoldingFilter maps đ→d: "dong dang" finds what "Đồng Đăng" finds."""
    accented = _search(solr_engine, solr_catalog, "Đồng Đăng", limit=50)
    folded = _search(solr_engine, solr_catalog, "dong dang", limit=50)
    assert accented.total > 0
    assert set(_ids(accented)) <= set(_ids(folded))


def test_cjk_bigrams(solr_engine, solr_catalog, ids):
    """The Vietnamese–Chinese leaflet is found by the Chinese name of Lạng Sơn, 谅山."""
    result = _search(solr_engine, solr_catalog, "谅山", limit=50)
    assert ids["leaflet"] in _ids(result)
    # One character alone still finds it (unigrams at index time).
    assert ids["leaflet"] in _ids(_search(solr_engine, solr_catalog, "谅", limit=50))


@pytest.mark.parametrize("query", ["51/KH-UBND", "so:51/KH-UBND", "51 / KH - UBND"])
def test_document_number_kept_whole_leads(solr_engine, solr_catalog, ids, query):
    """A document number finds its item first, however it is typed."""
    result = _search(solr_engine, solr_catalog, query)
    assert _ids(result)[:1] == [ids["public"]], _ids(result)


def test_operators_phrase_prefix_not_and_years(solr_engine, solr_catalog, ids):
    """The search box's syntax means the same on Solr: phrases, OR, NOT, prefixes, nam:."""
    phrase = _search(solr_engine, solr_catalog, '"Hoàng Sa"', limit=50)
    assert ids["plan"] in _ids(phrase) and ids["report"] in _ids(phrase)
    without = _search(solr_engine, solr_catalog, '"Hoàng Sa" -"báo cáo"', limit=50)
    assert ids["plan"] in _ids(without) and ids["report"] not in _ids(without)
    prefix = _search(solr_engine, solr_catalog, "triển*", limit=50)
    assert ids["plan"] in _ids(prefix)
    either = _search(solr_engine, solr_catalog, "quartzmarkup OR 谅山", limit=50)
    assert {ids["xss"], ids["leaflet"]} <= set(_ids(either))
    maps = _search(solr_engine, solr_catalog, "loai:bando", limit=50)
    assert _ids(maps) and all(h.kind == "map" for h in maps.hits)
    dated = _search(solr_engine, solr_catalog, "nam:2017", limit=50)
    assert ids["public"] in _ids(dated) and ids["restricted"] not in _ids(dated)


def test_plain_question_is_relaxed(solr_engine, solr_catalog, ids):
    """A question whose words are not all in any item still finds the item holding most."""
    result = _search(solr_engine, solr_catalog,
                     "kế hoạch triển lãm Hoàng Sa Trường Sa năm 2018 là gì xyzzyq?")
    assert ids["plan"] in _ids(result)[:3], _ids(result)


def test_coord_scores_as_the_coordination_boost_did(solr_engine):
    """{!coord} (ttdn.solr.CoordQuery) matches and scores a relaxed query as edismax's mm
    with the coordination boost function did: the same items, the same scores."""
    parsed = parse_search("kế hoạch triển lãm Hoàng Sa", schema=solr_engine._schema,
                          gazetteer=solr_engine.gazetteer)
    words = [to_solr(p.query) for p in parsed.parts if p.required]
    n = len(words)
    assert n >= 4
    common = {"fq": "doctype:item", "fl": "id,score", "rows": 500,
              **{f"w{i}": w for i, w in enumerate(words)}}
    held = ",".join(f"if(query($w{i},0),1,0)" for i in range(n))
    for need in range(1, n + 1):  # each skips differently to where `need` clauses meet
        before = solr_engine.client.select({
            **common, "defType": "edismax", "q.op": "OR", "mm": str(need),
            "q": " ".join(f"({w})" for w in words), "boost": f"div(sum({held}),{n})"})
        after = solr_engine.client.select({**common, "q": f"{{!coord n={n} need={need}}}"})
        old = {d["id"]: d["score"] for d in before["response"]["docs"]}
        new = {d["id"]: d["score"] for d in after["response"]["docs"]}
        assert old and set(new) == set(old), need
        assert all(abs(new[k] - old[k]) <= 1e-5 * max(1.0, old[k]) for k in old), (old, new)


def test_a_large_collection_asks_the_strict_match_first_and_finds_the_same(
        solr_engine, solr_catalog, monkeypatch):
    """Which match is asked first depends on the collection's size (counted by the first
    relaxed request); the answer does not."""
    asked: list[str] = []
    inner = solr_engine._select

    def recording(params):
        asked.append(str(params.get("q", "")))
        return inner(params)

    monkeypatch.setattr(solr_engine, "_select", recording)
    monkeypatch.setattr(solr_engine, "_size", None)
    small = _search(solr_engine, solr_catalog, "kế hoạch triển lãm", audience="public")
    assert asked[0].startswith("{!coord") and solr_engine._size is not None
    asked.clear()
    monkeypatch.setattr(solr_engine_module, "_STRICT_FIRST_ITEMS", 1)
    large = _search(solr_engine, solr_catalog, "kế hoạch triển lãm", audience="public")
    assert not asked[0].startswith("{!") and asked[1].startswith("{!coord"), asked
    assert large.total == small.total
    assert [(h.id, h.score) for h in large.hits] == [(h.id, h.score) for h in small.hits]


def test_proximity_reranks_the_window_only(solr_engine, solr_catalog, monkeypatch):
    """The factor is read for the returned window (a pseudo-field), never as a boost on
    every match; the page's scores are the window's scores × the factor."""
    asked: list[dict] = []
    inner = solr_engine._select

    def recording(params):
        asked.append(params)
        return inner(params)

    monkeypatch.setattr(solr_engine, "_select", recording)
    result = _search(solr_engine, solr_catalog, "kế hoạch", audience="public")
    main = asked[0]
    assert "boost" not in main and "c0:query($px0,0)" in main["fl"] and main["rows"] >= 50
    window = {d["id"]: d for d in inner(main).docs}
    assert result.hits and any(window[h.id]["c0"] for h in result.hits)
    for hit in result.hits:  # Solr's score × proximity._factor from the pair's counts
        assert hit.score == round(window[hit.id]["score"] * factor(window[hit.id], 1), 4)
    assert [h.score for h in result.hits] == sorted([h.score for h in result.hits],
                                                    reverse=True)


def test_facets_count_what_matched(solr_engine, solr_catalog):
    """Facets count the matching items; a kind filter narrows hits and counts alike."""
    everything = _search(solr_engine, solr_catalog, "*", limit=100)
    assert sum(everything.facets["kind"].values()) == everything.total
    assert everything.facets["kind"].get("map", 0) >= 1
    maps = _search(solr_engine, solr_catalog, "*", kind="map", limit=100)
    assert maps.total == everything.facets["kind"]["map"]
    assert set(maps.facets["kind"]) == {"map"}
    assert "access" in everything.facets


def test_page_hits_name_their_pages(solr_engine, solr_catalog, ids):
    """A word on one page of the 11-page decree names that page, with a snippet from it."""
    pages = solr_catalog.pages(ids["long"])
    assert len(pages) > 5
    folded = {p.n: fold(p.text) for p in pages}
    # A word that only one page has (as folded text, so no other page matches it either).
    word, n = next((w, p.n) for p in pages for w in sorted(set(folded[p.n].split()))
                   if len(w) >= 4 and w.isalpha()
                   and sum(w in text.split() for text in folded.values()) == 1
                   and not any(w in text for m, text in folded.items() if m != p.n))
    result = _search(solr_engine, solr_catalog, f'"{word}"', limit=50)
    hit = next(h for h in result.hits if h.id == ids["long"])
    assert hit.pages == [n]
    assert hit.snippets and hit.snippets[0]["page"] == n and hit.snippet


# -- access: nothing internal or restricted reaches the public ----------------------------------

def test_hidden_word_never_reaches_the_public(solr_engine, solr_catalog, ids):
    """Results, totals, facets, autocomplete and similar items: the public sees none of it
    (did-you-mean and typo expansion: the next test)."""
    public = _search(solr_engine, solr_catalog, HIDDEN_WORD, audience="public")
    assert public.total == 0 and public.hits == []
    assert all(not values for values in public.facets.values())
    staff = _search(solr_engine, solr_catalog, HIDDEN_WORD, audience="staff")
    assert ids["secret"] in _ids(staff)
    assert solr_engine.autocomplete(HIDDEN_WORD[:7], audience="public") == \
        {"titles": [], "terms": []}
    staff_terms = solr_engine.autocomplete(HIDDEN_WORD[:7], audience="staff")["terms"]
    assert any(HIDDEN_WORD in t for t in staff_terms)


def test_did_you_mean_and_typos_never_tell_what_hidden_items_hold(solr_engine, solr_catalog,
                                                                   ids):
    """A misspelt hidden word: for the public no widened match, no suggestion, no count;
    staff get both (the typo expansion finds the internal item, did-you-mean the word)."""
    typo = HIDDEN_WORD[:-2] + HIDDEN_WORD[-1]  # one letter dropped: one edit
    public = _search(solr_engine, solr_catalog, typo, audience="public")
    assert (public.total, public.hits, public.suggestion) == (0, [], None)
    assert all(not values for values in public.facets.values())
    sentence = _search(solr_engine, solr_catalog, f"kế hoạch {typo}", audience="public")
    assert sentence.suggestion is None and ids["secret"] not in _ids(sentence)
    staff = _search(solr_engine, solr_catalog, typo, audience="staff")
    assert ids["secret"] in _ids(staff) and staff.suggestion == HIDDEN_WORD
    assert staff.hits[0].snippet and "<mark>" in staff.hits[0].snippet


def test_typos_and_did_you_mean_from_visible_words(solr_engine, solr_catalog, ids):
    """"Lạng Sơnn" is corrected with its tones and its capital; the typo still finds the plan."""
    result = _search(solr_engine, solr_catalog, "Lạng Sơnn", audience="public", limit=50)
    assert result.suggestion == "Lạng Sơn"
    assert ids["public"] in _ids(result)
    assert _search(solr_engine, solr_catalog, "Lạng Sơn", audience="public").suggestion is None


def test_a_search_of_known_words_asks_no_more_of_solr(solr_engine, solr_catalog):
    """Known words are checked inside the search's own request: one for the matches, one
    for the shown items' pages; an unknown word adds its neighbours' counts and a re-search."""
    calls: list[str] = []
    inner = solr_engine.client.request

    def counting(path, **kwargs):
        calls.append(path)
        return inner(path, **kwargs)

    solr_engine.client.request = counting
    try:
        _search(solr_engine, solr_catalog, "kế hoạch triển lãm", audience="public")
        known = len(calls)
        calls.clear()
        _search(solr_engine, solr_catalog, "kế hoạch triển lãmm", audience="public")
        unknown = len(calls)
    finally:
        solr_engine.client.request = inner
    assert known == 2 and unknown <= 5, (known, unknown)


def test_a_literal_place_name_ranks_first(solr_engine, solr_catalog, ids):
    """谅山 written in the leaflet puts it above items found through Lạng Sơn, its other name."""
    result = _search(solr_engine, solr_catalog, "谅山", limit=50)
    assert "谅山" in result.expansions and _ids(result)[0] == ids["leaflet"]
    assert ids["public"] in _ids(result)  # found through "Lạng Sơn", ranked below


def test_public_counts_public_items_only(solr_engine, solr_catalog):
    """Every hit and every count of a public search is public; no access facet is shown."""
    everything = _search(solr_engine, solr_catalog, "*", audience="public", limit=100)
    public = [i for i in solr_catalog.item_ids() if solr_catalog.get_item(i).access == "public"]
    assert everything.total == len(public)
    assert {h.access for h in everything.hits} == {"public"}
    assert "access" not in everything.facets
    assert sum(everything.facets["kind"].values()) == len(public)
    for query in ("Lạng Sơn", "nghị định", "51/KH-UBND", "2026"):
        result = _search(solr_engine, solr_catalog, query, audience="public", limit=100)
        assert {h.access for h in result.hits} <= {"public"}, query


def test_similar_items_stay_within_the_audience(solr_engine, solr_catalog, ids):
    """More like this: visible items only; an item the audience may not see is not found."""
    similar = solr_engine.more_like_this(ids["public"], solr_catalog, audience="public")
    assert similar.hits and {h.access for h in similar.hits} == {"public"}
    assert ids["public"] not in _ids(similar)
    for hidden in ("internal", "restricted"):
        with pytest.raises(NotFound):
            solr_engine.more_like_this(ids[hidden], solr_catalog, audience="public")
    admin = solr_engine.more_like_this(ids["public"], solr_catalog, audience="admin")
    assert admin.total >= similar.total


def test_autocomplete_titles_and_terms(solr_engine, solr_catalog):
    """Typed letters complete to words and titles of visible items, places first."""
    found = solr_engine.autocomplete("lang s", audience="public")
    assert found["terms"] and found["terms"][0].lower().startswith("lạng sơn")
    titles = solr_engine.autocomplete("nghị đ", audience="admin")["titles"]
    assert titles and all("nghị" in t["title"].lower() for t in titles)


# -- writing and hosts ---------------------------------------------------------------------------

def test_remove_and_index_again(solr_engine, solr_home, solr_catalog, ids):
    """remove_items takes an item and its pages out (`ttdn verify` says it is missing);
    index_items brings them back."""
    item_id = ids["translation"]
    removed = solr_engine.remove_items([item_id])
    assert removed >= 1 and item_id not in solr_engine.indexed_item_ids()
    report = verify_archive(load_settings(solr_home), solr_engine)
    assert any(item_id in p and "not in the index" in p for p in report.problems), \
        report.problems
    version = solr_catalog.db.execute("SELECT version FROM items WHERE id = ?",
                                      (item_id,)).fetchone()[0]
    assert solr_engine.index_items(solr_catalog, [(item_id, version)]) == 1
    assert item_id in solr_engine.indexed_item_ids()


def _segments(cluster) -> dict[str, int]:
    """Segments of each core of the test collection, on every node."""
    out = {}
    for node in cluster.nodes:
        with urllib.request.urlopen(f"{node}/admin/cores?action=STATUS&wt=json",
                                    timeout=30) as reply:
            for name, core in json.load(reply)["status"].items():
                if name.startswith("ttdn_"):
                    out[name] = core["index"]["segmentCount"]
    return out


def test_merging_leaves_few_segments_and_the_same_answers(solr_cluster, solr_engine,
                                                          solr_catalog):
    """GIVEN items written again one commit at a time (a segment each, as ingest writes)
    WHEN the engine merges the segments (as `ttdn reindex` does after its load)
    THEN every core keeps at most that many, and searches find what they found before."""
    versions = solr_catalog.db.execute("SELECT id, version FROM items ORDER BY id LIMIT 8"
                                       ).fetchall()
    for item_id, version in versions:
        solr_engine.index_items(solr_catalog, [(item_id, version)])
    before = _segments(solr_cluster)
    found = solr_engine.search(SearchRequest(query="lang son", audience="staff"), solr_catalog)
    assert max(before.values()) > 2, before
    solr_engine.merge_segments(2)
    after = _segments(solr_cluster)
    assert after.keys() == before.keys() and max(after.values()) <= 2, after
    again = solr_engine.search(SearchRequest(query="lang son", audience="staff"), solr_catalog)
    # Scores may move: the merge drops the rewritten items' deleted copies from the counts.
    assert again.total == found.total and found.total <= len(found.hits)
    assert sorted((h.id, tuple(h.pages)) for h in again.hits) == \
        sorted((h.id, tuple(h.pages)) for h in found.hits)
    assert solr_engine.indexed_item_ids() == set(solr_catalog.item_ids())


def test_a_collection_of_an_older_configset_says_to_reindex(solr_cluster, solr_catalog,
                                                            tmp_path):
    """GIVEN a collection made with a configset from before the body's word pairs WHEN a
    phrase is searched THEN the error names the collection and says what to do, not Solr's
    "undefined field"."""
    conf = tmp_path / "conf"
    shutil.copytree(ROOT / "solr" / "configset" / "conf", conf)
    schema = conf / "managed-schema.xml"
    lines = [ln for ln in schema.read_text(encoding="utf-8").splitlines()
             if "content_pairs" not in ln]
    schema.write_text("\n".join(lines), encoding="utf-8")
    upload_configset(solr_cluster, "ttdn-older", conf)
    url = create_collection(solr_cluster, "older", config="ttdn-older")
    try:
        engine = SolrEngine(url=url)
        with pytest.raises(SearchUnavailable) as refused:
            _search(engine, solr_catalog, '"thông tin đối ngoại"')
        assert "'older'" in str(refused.value) and "ttdn reindex" in str(refused.value)
        assert _search(engine, solr_catalog, "51/KH-UBND").total == 0  # the rest answers
        with pytest.raises(SearchUnavailable, match="ttdn reindex"):  # and ttdn verify says so
            engine.indexed_item_ids()
    finally:
        drop_collection(solr_cluster, "older")


def test_a_dead_host_is_passed_over(solr_cluster, solr_catalog, ids):
    """With a host that refuses connections first in TTDN_SEARCH, searches still answer."""
    live = solr_cluster.search.split("//", 1)[1].split(",")[0].split("/")[0]
    engine = SolrEngine(url=f"solr+http://127.0.0.1:9,{live}/solr/ttdn")
    for _ in range(4):
        assert ids["public"] in _ids(_search(engine, solr_catalog, "51/KH-UBND"))
    dead = SolrClient(("http://127.0.0.1:9/solr",), "ttdn", patience=1.0)
    with pytest.raises(SearchUnavailable, match="no Solr node"):
        dead.select({"q": "*:*"})


def test_cli_and_portal_on_the_cluster(solr_cluster, solr_engine, solr_home, ids, monkeypatch):
    """TTDN_SEARCH picks Solr for `ttdn reindex/verify/search` and for the portal's API."""
    monkeypatch.setenv("TTDN_SEARCH", solr_cluster.search)
    reindex = run_cli(solr_home, "reindex")
    assert reindex.exit_code == 0, reindex.output
    verify = run_cli(solr_home, "verify", "--json")
    assert json.loads(verify.stdout)["indexed"] == json.loads(verify.stdout)["items"]
    hidden = run_cli(solr_home, "search", HIDDEN_WORD, "--as", "public", "--json")
    assert json.loads(hidden.stdout)["total"] == 0
    staff = run_cli(solr_home, "search", HIDDEN_WORD, "--as", "staff", "--json")
    assert ids["secret"] in [h["id"] for h in json.loads(staff.stdout)["hits"]]
    client = make_app(solr_home).test_client()
    reply = client.get("/api/search", query_string={"q": "51/KH-UBND"})
    assert reply.status_code == 200
    assert [h["id"] for h in reply.get_json()["hits"]][:1] == [ids["public"]]
    leak = client.get("/api/search", query_string={"q": HIDDEN_WORD}).get_json()
    assert leak["total"] == 0 and leak["hits"] == []


# -- a node stops mid-run (keep last) -------------------------------------------------------------

def _replicas_active(cluster) -> tuple[int, int]:
    """(active replicas, all replicas) of the collection, as a live node reports them."""
    for node in cluster.nodes:
        try:
            url = f"{node}/admin/collections?action=CLUSTERSTATUS&wt=json"
            with urllib.request.urlopen(url, timeout=10) as reply:
                status = json.load(reply)["cluster"]
        except OSError:
            continue
        live = set(status["live_nodes"])
        shards = status["collections"]["ttdn"]["shards"].values()
        replicas = [r for s in shards for r in s["replicas"].values()]
        active = [r for r in replicas if r["state"] == "active" and r["node_name"] in live]
        return len(active), len(replicas)
    return 0, 0


def test_a_node_stops_mid_run(solr_cluster, solr_engine, solr_catalog, ids):
    """Searches (and corrections of a typo) from two threads while node 1 stops: 0 errors;
    an item indexed meanwhile is found; node 1 starts again and every replica is active."""
    request = SearchRequest(query="51/KH-UBND", audience="public")
    # A misspelt word takes the longest path (its neighbours, pairs, the search again).
    typo = SearchRequest(query="Lạng Sơnn", audience="public")
    answers, errors, stop = [], [], threading.Event()

    def searching() -> None:
        while not stop.is_set():
            try:
                found = solr_engine.search(request, solr_catalog)
                answers.append([h.id for h in found.hits][:1] == [ids["public"]])
                answers.append(solr_engine.search(typo, solr_catalog).suggestion == "Lạng Sơn")
            except Exception as err:  # noqa: BLE001 - every failure counts
                errors.append(repr(err))

    threads = [threading.Thread(target=searching) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        before = len(answers)
        started = time.monotonic()
        print("\n" + solr_cluster.node(1, "stop").strip(),
              f"({time.monotonic() - started:.1f}s)")
        # Ingest goes on: an item written while the node is down is searchable at once.
        item_id = ids["plan"]
        version = solr_catalog.db.execute("SELECT version FROM items WHERE id = ?",
                                          (item_id,)).fetchone()[0]
        started = time.monotonic()
        assert solr_engine.index_items(solr_catalog, [(item_id, version)]) == 1
        print(f"indexed one item with node 1 down in {time.monotonic() - started:.1f}s")
        time.sleep(2.0)
        during = len(answers) - before
        hidden = solr_engine.search(SearchRequest(query="12/KH-UBND", audience="staff"),
                                    solr_catalog)
        assert item_id in [h.id for h in hidden.hits]
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    print(f"searches: {len(answers)} answered ({during} with node 1 down), "
          f"{len(errors)} errors")
    assert errors == []
    assert during > 0 and all(answers)

    started = time.monotonic()
    print(solr_cluster.node(1, "start").strip())
    deadline = time.monotonic() + 120
    while (state := _replicas_active(solr_cluster))[0] < state[1] or state[1] == 0:
        assert time.monotonic() < deadline, f"replicas active after restart: {state}"
        time.sleep(1.0)
    print(f"node 1 rejoined, {state[0]}/{state[1]} replicas active in "
          f"{time.monotonic() - started:.1f}s")
    assert solr_engine.indexed_item_ids() == set(solr_catalog.item_ids())


# -- totals and facets are exact ----------------------------------------------------------------
# Cheaper ranking at 1M pages (skipping non-competitive documents, Lucene's TOP_SCORES /
# minExactCount) must not make them estimates.

# A relaxed plain query, a strict one, a phrase, a Boolean query, everything.
_COUNTED_QUERIES = ["kế hoạch triển lãm", "lạng sơn", '"kế hoạch"', "kế OR bản", "*"]


def _every_hit(engine, catalog, query: str, audience: str) -> list:
    """Every match of the query, listed 3 a page (pages of hits, not the total)."""
    out, page = [], 1
    while True:
        found = engine.search(SearchRequest(query=query, audience=audience, limit=3,
                                            page=page), catalog)
        out += found.hits
        if len(found.hits) < 3:
            return out
        page += 1


@pytest.mark.parametrize("audience", ["public", "admin"])
@pytest.mark.parametrize("query", _COUNTED_QUERIES)
def test_totals_and_facets_count_every_match(solr_engine, solr_catalog, monkeypatch,
                                             query, audience):
    """The total is the number of matches listed; kind and access count them exactly; Solr
    counted every match (numFoundExact) on every request that counted."""
    replies = []
    inner = solr_engine.client.select

    def recording(params):
        reply = inner(params)
        replies.append((params, reply))
        return reply

    monkeypatch.setattr(solr_engine.client, "select", recording)
    result = solr_engine.search(SearchRequest(query=query, audience=audience, limit=100),
                                solr_catalog)
    counted = [r for p, r in replies if p.get("facet") == "true" and "response" in r]
    assert counted, "no request counted the matches"
    for reply in counted:
        assert reply["response"].get("numFoundExact", True) is True
    every = _every_hit(solr_engine, solr_catalog, query, audience)
    assert len({h.id for h in every}) == len(every) == result.total
    assert result.facets["kind"] == dict(sorted(Counter(h.kind for h in every).items(),
                                                key=lambda kv: (-kv[1], kv[0])))
    if "access" in result.facets:
        assert result.facets["access"] == dict(sorted(
            Counter(h.access for h in every).items(), key=lambda kv: (-kv[1], kv[0])))
    if query != "*":
        assert result.total > 0, "the query should match some test items"
