"""The JSON API: the CLI's search JSON, items, stats, errors, and the OpenAPI document."""
from __future__ import annotations

import json

import pytest

from tests.web_fixtures import *  # noqa: F401,F403

from .conftest import run_cli


@pytest.mark.parametrize("args, cli", [
    ("q=lang+son", ["lang son"]),
    ("q=loai:bando", ["loai:bando"]),
    ("q=*&kind=publication&limit=1&page=2", ["*", "--kind", "publication", "--limit", "1",
                                             "--page", "2"]),
    ("q=*&language=en&from=1900&to=2020", ["*", "--lang", "en", "--from", "1900",
                                           "--to", "2020"]),
])
def test_api_search_is_the_cli_json(client, web_home, args, cli):
    api = client.get(f"/api/search?{args}")
    assert api.status_code == 200 and api.mimetype == "application/json"
    printed = run_cli(web_home, "search", *cli, "--json", "--as", "public")
    assert printed.exit_code == 0, printed.output
    assert api.get_data(as_text=True) != "" and api.get_json() == json.loads(printed.stdout)
    assert list(api.get_json())[:3] == ["total", "hits", "facets"]


def test_api_search_errors_are_json_400(client):
    for args in ("q=foo:bar", "q=", "q=x&limit=1000", "q=x&sort=sideways", "q=x&page=-1"):
        response = client.get(f"/api/search?{args}")
        assert response.status_code == 400, args
        assert response.get_json()["error"]


def test_api_item_is_the_show_record(client, web_home, ids):
    api = client.get(f"/api/items/{ids['public']}").get_json()
    shown = json.loads(run_cli(web_home, "show", ids["public"], "--json").stdout)
    assert {k: v for k, v in api.items() if k != "events"} == \
        {k: v for k, v in shown.items() if k != "events"}
    assert [e["action"] for e in api["events"]] == [e["action"] for e in shown["events"]]
    assert api["pages"][0]["origin"] == "ocr" and api["source"].endswith(".pdf")


def test_api_missing_and_hidden_items_are_the_same_404(client, ids):
    hidden = client.get(f"/api/items/{ids['internal']}")
    missing = client.get("/api/items/0000000000000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.data == missing.data and hidden.get_json() == {"error": "not found"}


def test_api_suggest(client):
    found = client.get("/api/suggest?q=lang").get_json()
    assert "lạng sơn" in found["terms"] and found["titles"]
    assert client.get("/api/suggest?q=").get_json() == {"titles": [], "terms": []}


def test_api_stats(client):
    stats = client.get("/api/stats").get_json()
    for key in ("items", "by_kind", "by_language", "by_year", "by_lead_unit", "by_access",
                "pages", "pages_by_origin", "low_confidence_pages", "without_foreign_language"):
        assert key in stats, key
    assert stats["by_year"]["1944"] == 1  # the map, dated by its period
    assert any(p["confidence"] < 60 for p in stats["low_confidence_pages"])


def test_openapi_document_describes_every_api_route(client, web_app):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    routes = {r.rule.replace("<item_id>", "{id}").replace("<name>", "{name}")
              for r in web_app.url_map.iter_rules()
              if r.rule.startswith("/api/")}
    assert routes == set(doc["paths"])
    for path in doc["paths"].values():
        for operation in path.values():
            assert "200" in operation["responses"]
    refs = json.dumps(doc)
    for name in doc["components"]["schemas"]:
        assert f"#/components/schemas/{name}" in refs or name == "Error"
