"""A search cluster that does not answer is a 503 with Retry-After, never a 500 or a traceback."""
from __future__ import annotations

import socket

from tests.web_fixtures import make_app, web_home  # noqa: F401  (fixture used by name)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_a_silent_cluster_gives_503_pages_and_json(web_home, monkeypatch):  # noqa: F811
    monkeypatch.setenv("TTDN_SEARCH", f"solr+http://127.0.0.1:{_closed_port()}/solr/ttdn")
    client = make_app(web_home).test_client()
    page = client.get("/?q=lang+son&lang=en")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert "Traceback" not in page.get_data(as_text=True)
    assert "Search is unavailable" in page.get_data(as_text=True)
    api = client.get("/api/search?q=lang+son")
    assert api.status_code == 503
    assert api.get_json() == {"error": "search unavailable"}
