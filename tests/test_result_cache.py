"""The portal's result cache: repeated searches answered once, access kept exact, every entry
dead at the first commit to the index or to the catalog (search/result_cache.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archive.catalog import Catalog
from archive.settings import load_settings
from search.query import SearchRequest
from search.result_cache import CachingEngine, ResultCache, _Entry, request_key
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import HIDDEN_WORD, form_fields, login, make_app

# Solr names no generation, so its answers pass the cache uncached: counting hits is Whoosh's.
_COUNTS_HITS = pytest.mark.whoosh_only("the Solr engine is not cached (no generation)")


def _engine(app) -> CachingEngine:
    with app.app_context():
        from web.resources import get_engine
        return get_engine()


def _ids(client, query: str) -> list[str]:
    reply = client.get(f"/api/search?q={query}")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return [h["id"] for h in reply.get_json()["hits"]]


def _edit(client, item_id: str, **changes):
    page = client.get(f"/staff/items/{item_id}/edit?lang=en")
    assert page.status_code == 200
    return client.post(f"/staff/items/{item_id}/edit",
                       data={**form_fields(page.get_data(as_text=True)), **changes})


def _catalog(app) -> Catalog:
    return Catalog(load_settings(app.config["TTDN_HOME"]).catalog_path)


# -- the cache itself ------------------------------------------------------------------------

def test_lru_is_bounded_and_keeps_the_recently_used():
    cache = ResultCache(size=2)
    for key in ("a", "b"):
        cache.put("s1", key, _Entry("public", key))
    assert cache.get("s1", "a", "public").value == "a"  # "a" now most recent
    cache.put("s1", "c", _Entry("public", "c"))
    assert cache.get("s1", "b", "public") is None
    assert [cache.get("s1", k, "public").value for k in ("a", "c")] == ["a", "c"]


def test_another_state_is_a_miss_and_empties_the_cache():
    cache = ResultCache()
    cache.put("gen1", "k", _Entry("public", 1))
    assert cache.get("gen2", "k", "public") is None
    cache.put("gen2", "other", _Entry("public", 2))
    assert cache.get("gen1", "k", "public") is None  # the old state's entries are gone
    assert cache.stats.flushes == 2


def test_an_entry_is_never_given_to_another_audience():
    cache = ResultCache()
    cache.put("s", "k", _Entry("staff", "internal things"))
    assert cache.get("s", "k", "public") is None


def test_the_audience_is_part_of_the_key():
    public, staff = (SearchRequest("lang son", audience=a) for a in ("public", "staff"))
    assert request_key(public) != request_key(staff)
    again = SearchRequest("lang son", audience="public", filters={"issuer": "x", "year": "2017"})
    same = SearchRequest("lang son", audience="public", filters={"year": "2017", "issuer": "x"})
    assert request_key(again) == request_key(same)


# -- through the portal ----------------------------------------------------------------------

@_COUNTS_HITS
def test_a_repeated_search_is_a_hit_with_the_same_bytes(web_home):
    cached, uncached = make_app(web_home), make_app(web_home, SEARCH_CACHE_SIZE=0)
    first = cached.test_client().get("/api/search?q=lang+son").get_data()
    hits = _engine(cached).cache.stats.hits
    assert cached.test_client().get("/api/search?q=lang+son").get_data() == first
    assert _engine(cached).cache.stats.hits == hits + 1
    assert uncached.test_client().get("/api/search?q=lang+son").get_data() == first


def test_staff_answers_never_reach_the_public(private_app, ids):
    staff = private_app.test_client()
    login(staff, "sam")
    assert ids["secret"] in _ids(staff, HIDDEN_WORD)  # cached for the staff audience
    anonymous = private_app.test_client()
    assert ids["secret"] not in _ids(anonymous, HIDDEN_WORD)
    assert HIDDEN_WORD not in anonymous.get(f"/api/suggest?q={HIDDEN_WORD[:6]}").get_data(
        as_text=True)
    assert ids["secret"] not in anonymous.get(f"/?q={HIDDEN_WORD}").get_data(as_text=True)


@_COUNTS_HITS
def test_an_access_edit_hides_the_item_from_the_next_search(private_app, ids):
    """GIVEN a public search answered from the cache WHEN a curator makes the item internal
    THEN the very next public search no longer shows it."""
    anonymous = private_app.test_client()
    for _ in range(2):
        assert ids["public"] in _ids(anonymous, "51/KH-UBND")
    assert _engine(private_app).cache.stats.hits >= 1
    curator = private_app.test_client()
    login(curator, "cora")
    assert _edit(curator, ids["public"], access="internal").status_code == 302
    assert ids["public"] not in _ids(anonymous, "51/KH-UBND")
    assert ids["public"] in _ids(curator, "51/KH-UBND")


def test_an_edit_in_another_worker_is_seen_at_once(private_home, ids):
    """Two apps on one home stand for two `ttdn serve --workers` processes: each has its own
    cache, and an edit through one must show in the other's next answer."""
    reader, writer = make_app(private_home), make_app(private_home)
    anonymous = reader.test_client()
    for _ in range(2):
        assert ids["public"] in _ids(anonymous, "51/KH-UBND")
    curator = writer.test_client()
    login(curator, "cora")
    assert _edit(curator, ids["public"], access="internal").status_code == 302
    assert ids["public"] not in _ids(anonymous, "51/KH-UBND")


def test_a_catalog_commit_alone_empties_the_cache(private_app, ids):
    """The hits' snippets come from the catalog's page text: a commit there, with no index
    commit, must not leave an old snippet served."""
    client = private_app.test_client()
    before = client.get("/api/search?q=51/KH-UBND").get_json()
    hit = next(h for h in before["hits"] if h["id"] == ids["public"])
    page = hit["snippets"][0]["page"]
    with _catalog(private_app) as catalog, catalog.db:
        catalog.db.execute("UPDATE pages SET text = ? WHERE item_id = ? AND n = ?",
                           ("Số: 51/KH-UBND văn bản đã sửa zircontext", ids["public"], page))
    after = client.get("/api/search?q=51/KH-UBND").get_json()
    hit = next(h for h in after["hits"] if h["id"] == ids["public"])
    assert "zircontext" in hit["snippets"][0]["text"]


def test_a_catalog_commit_by_another_process_empties_the_cache(private_app, ids):
    """As a second worker or a cron `ttdn` run would: a commit from another process."""
    client = private_app.test_client()
    client.get("/api/search?q=51/KH-UBND")
    path = load_settings(private_app.config["TTDN_HOME"]).catalog_path
    script = ("import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
              "db.execute(\"UPDATE pages SET text = 'Số: 51/KH-UBND hafniumtext' "
              "WHERE item_id = ?\", (sys.argv[2],)); db.commit()")
    subprocess.run([sys.executable, "-c", script, str(path), ids["public"]], check=True)
    after = client.get("/api/search?q=51/KH-UBND").get_json()
    hit = next(h for h in after["hits"] if h["id"] == ids["public"])
    assert "hafniumtext" in hit["snippet"]


def test_a_view_changing_its_result_leaves_the_cached_one_alone(web_app):
    engine = _engine(web_app)
    with web_app.app_context():
        from web.resources import get_read_catalog
        request = SearchRequest("lang son", audience="public")
        first = engine.search(request, get_read_catalog())
        first.facets, first.suggestion = {}, "changed"
        first.hits.clear()
        again = engine.search(request, get_read_catalog())
    assert again.facets and again.hits and again.suggestion != "changed"


def test_a_cache_of_size_zero_computes_every_time(web_home):
    app = make_app(web_home, SEARCH_CACHE_SIZE=0)
    for _ in range(3):
        app.test_client().get("/api/search?q=lang+son")
    assert _engine(app).cache.stats.hits == 0


def test_a_missing_catalog_is_answered_uncached(tmp_path: Path):
    from search.result_cache import CatalogClock
    assert CatalogClock(tmp_path / "none.sqlite3").state() is None


def test_a_page_larger_than_the_api_allows_is_not_kept(web_app):
    """Staff bulk edits ask for every hit at once: such answers are computed, never kept."""
    engine = _engine(web_app)
    with web_app.app_context():
        from web.resources import get_read_catalog
        request = SearchRequest("lang son", audience="staff", limit=5000)
        hits, misses = engine.cache.stats.hits, engine.cache.stats.misses
        for _ in range(2):
            assert engine.search(request, get_read_catalog()).hits
    assert (engine.cache.stats.hits, engine.cache.stats.misses) == (hits, misses)
