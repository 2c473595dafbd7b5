"""Who sees what: anonymous, staff, curator and admin against public, internal and restricted."""
from __future__ import annotations

import json

import pytest

from search.access import visible_levels
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import HIDDEN_WORD, login

from .conftest import run_cli

WHO = {None: "public", "sam": "staff", "cora": "staff", "adam": "admin"}
LEVELS = {"public": "public", "internal": "internal", "restricted": "restricted"}
MISSING = "ffffffffffffffff"
# Every route that shows something of one item; each must hide it the same way.
ROUTES = ("/items/{}", "/items/{}/thumbnail.jpg", "/items/{}/pages/1.jpg?size=s",
          "/items/{}/original", "/items/{}/view", "/api/items/{}")


def _as(client, who):
    if who:
        assert login(client, who).status_code == 302
    return client


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("level", list(LEVELS))
def test_item_routes_follow_the_access_rules(client, ids, who, level):
    _as(client, who)
    allowed = level in visible_levels(WHO[who])
    for route in ROUTES:
        response = client.get(route.format(ids[level]))
        if allowed:
            assert response.status_code == 200, (route, who, level)
        else:
            missing = client.get(route.format(MISSING))
            assert response.status_code == missing.status_code == 404, (route, who, level)
            if who is None:  # staff pages differ anyway: each carries a fresh CSRF token
                assert response.data == missing.data, f"{route}: hidden must look missing"


@pytest.mark.parametrize("who", list(WHO))
def test_search_hits_and_facets_hold_only_what_the_audience_may_see(client, who, web_home):
    _as(client, who)
    audience = WHO[who]
    result = client.get("/api/search?q=*&limit=100").get_json()
    assert {h["access"] for h in result["hits"]} <= set(visible_levels(audience))
    cli = run_cli(web_home, "search", "*", "--limit", "100", "--json", "--as", audience)
    assert result == json.loads(cli.stdout), "the API answers what the CLI prints"
    assert ("access" in result["facets"]) == (audience != "public")
    if audience == "public":
        assert result["total"] == sum(1 for h in result["hits"] if h["access"] == "public")


def test_hidden_words_do_not_reach_the_public(client):
    assert client.get(f"/api/search?q={HIDDEN_WORD}").get_json()["total"] == 0
    page = client.get(f"/?q={HIDDEN_WORD}").get_data(as_text=True)
    assert 'class="hit"' not in page and "Tìm thấy 0 tài liệu" in page
    # Not even as a spelling suggestion for a near miss.
    page = client.get(f"/?q={HIDDEN_WORD}x").get_data(as_text=True)
    assert 'class="suggestion"' not in page
    completions = client.get(f"/api/suggest?q={HIDDEN_WORD[:8]}").get_json()
    assert completions == {"titles": [], "terms": []}


def test_staff_get_completions_from_internal_items(client):
    login(client, "sam")
    completions = client.get(f"/api/suggest?q={HIDDEN_WORD[:8]}").get_json()
    assert HIDDEN_WORD in completions["terms"]


def test_staff_get_suggestions_from_internal_items(client):
    login(client, "sam")
    page = client.get(f"/?q={HIDDEN_WORD}x&lang=en").get_data(as_text=True)
    assert f'Did you mean: <a href="/?q={HIDDEN_WORD}">{HIDDEN_WORD}</a>' in page


def test_public_statistics_count_only_public_items(client):
    stats = client.get("/api/stats").get_json()
    assert set(stats["by_access"]) == {"public"}
    assert stats["items"] == stats["by_access"]["public"]
    assert HIDDEN_WORD not in json.dumps(stats, ensure_ascii=False)


def test_admin_statistics_count_everything(client):
    login(client, "adam")
    stats = client.get("/api/stats").get_json()
    assert set(stats["by_access"]) == {"public", "internal", "restricted"}


def test_public_api_item_hides_who_changed_it(client, ids):
    record = client.get(f"/api/items/{ids['public']}").get_json()
    assert record["events"] and all(e["actor"] is None for e in record["events"])
    login(client, "sam")
    record = client.get(f"/api/items/{ids['public']}").get_json()
    assert record["events"][0]["actor"]


def test_staff_pages_need_a_login(client):
    for route in ("/staff/", "/staff/stats", "/staff/stats.csv", "/staff/quarantine",
                  "/staff/items/x/edit"):
        response = client.get(route)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_logged_in_pages_are_never_cached_by_others(client, ids):
    login(client, "sam")
    response = client.get(f"/items/{ids['public']}")
    assert response.headers["Cache-Control"] == "private, no-store"
    image = client.get(f"/items/{ids['internal']}/thumbnail.jpg")
    assert image.headers["Cache-Control"] == "private, no-store"


def test_related_items_hold_only_visible_ones(client, ids):
    def related(page: str) -> str:
        return page.split("Related items", 1)[1].split("</ul>", 1)[0] if "Related items" in page \
            else ""

    for item in ("leaflet", "public", "xss"):
        page = client.get(f"/items/{ids[item]}?lang=en").get_data(as_text=True)
        for hidden in ("internal", "restricted", "secret"):
            assert f'/items/{ids[hidden]}"' not in related(page), (item, hidden)


def test_cited_documents_are_named_but_hidden_ones_not_linked(client, ids):
    page = client.get(f"/items/{ids['report']}?lang=en").get_data(as_text=True)
    cites = page.split("Documents it cites", 1)[1].split("</ul>", 1)[0]
    assert "12/KH" in cites and f'/items/{ids["plan"]}"' not in cites
    login(client, "sam")
    page = client.get(f"/items/{ids['report']}?lang=en").get_data(as_text=True)
    assert f'/items/{ids["plan"]}"' in page.split("Documents it cites", 1)[1]
    plan = client.get(f"/items/{ids['plan']}?lang=en").get_data(as_text=True)
    assert "Cited by" in plan and f'/items/{ids["report"]}"' in plan
