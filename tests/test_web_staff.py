"""The staff side: editing (events, re-indexing, permissions), quarantine, statistics, accounts."""
from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from archive.catalog import Catalog
from archive.cli import cli
from archive.settings import load_settings
from archive.users import Users
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import PASSWORD, form_fields, login


def _edit(client, item_id: str, **changes):
    """Open the edit form, change some fields, submit it as a browser would."""
    page = client.get(f"/staff/items/{item_id}/edit?lang=en")
    assert page.status_code == 200, page.get_data(as_text=True)
    data = {**form_fields(page.get_data(as_text=True)), **changes}
    return client.post(f"/staff/items/{item_id}/edit", data=data)


def test_curator_edits_metadata_and_search_follows(private_app, ids):
    """GIVEN a curator WHEN she retitles a public item THEN the item page, its history and the
    search (re-indexed at once) all show the change, with her name and the time."""
    client = private_app.test_client()
    login(client, "cora")
    response = _edit(client, ids["public"], title="Kế hoạch quảng bá zephyrword",
                     places="Lạng Sơn\r\nĐồng Đăng")
    assert response.status_code == 302
    page = client.get(f"/items/{ids['public']}?lang=en").get_data(as_text=True)
    assert "<h1>Kế hoạch quảng bá zephyrword</h1>" in page
    assert 'origin-staff">edited by staff' in page
    assert "Metadata edited" in page and "<td>cora</td>" in page
    assert "<del>Hoạt động thông tin đối ngoại năm 2017" in page
    hits = private_app.test_client().get("/api/search?q=zephyrword").get_json()
    assert [h["id"] for h in hits["hits"]] == [ids["public"]]
    with Catalog(load_settings(private_app.config["TTDN_HOME"]).catalog_path) as catalog:
        assert catalog.dirty_items() == []
        event = catalog.events(ids["public"])[-1]
    assert (event.action, event.actor) == ("metadata-edited", "cora")
    assert set(event.detail["changed"]) == {"title", "places"}


def test_access_change_is_its_own_event_and_hides_the_item(private_app, ids):
    client = private_app.test_client()
    login(client, "cora")
    assert _edit(client, ids["public"], access="internal").status_code == 302
    with Catalog(load_settings(private_app.config["TTDN_HOME"]).catalog_path) as catalog:
        event = catalog.events(ids["public"])[-1]
    assert event.action == "access-changed" and event.detail == {"from": "public",
                                                                  "to": "internal"}
    anonymous = private_app.test_client()
    assert anonymous.get(f"/items/{ids['public']}").status_code == 404
    found = anonymous.get("/api/search?q=51/KH-UBND").get_json()
    assert ids["public"] not in [h["id"] for h in found["hits"]]


def test_unchanged_form_changes_nothing(private_app, ids):
    client = private_app.test_client()
    login(client, "cora")
    before = len(client.get(f"/api/items/{ids['map']}").get_json()["events"])
    assert _edit(client, ids["map"]).status_code == 302
    assert len(client.get(f"/api/items/{ids['map']}").get_json()["events"]) == before


def test_staff_may_not_edit(client, ids):
    login(client, "sam")
    assert client.get(f"/staff/items/{ids['public']}/edit").status_code == 403
    page = client.get(f"/items/{ids['public']}").get_data(as_text=True)
    assert "/edit" not in page


def test_curator_may_not_restrict_but_admin_may(private_app, ids):
    curator = private_app.test_client()
    login(curator, "cora")
    page = curator.get(f"/staff/items/{ids['public']}/edit").get_data(as_text=True)
    assert 'value="restricted"' not in page
    assert _edit(curator, ids["public"], access="restricted").status_code == 200  # refused
    assert curator.get(f"/items/{ids['public']}").status_code == 200
    admin = private_app.test_client()
    login(admin, "adam")
    assert _edit(admin, ids["public"], access="restricted").status_code == 302
    assert curator.get(f"/items/{ids['public']}").status_code == 404


def test_curator_cannot_edit_what_she_cannot_see(client, ids):
    login(client, "cora")
    assert client.get(f"/staff/items/{ids['restricted']}/edit").status_code == 404


def test_quarantine_list(client):
    login(client, "sam")
    page = client.get("/staff/quarantine?lang=en").get_data(as_text=True)
    assert "hong.pdf" in page and "Reason" in page


def test_statistics_page_with_svg_charts(client):
    login(client, "sam")
    page = client.get("/staff/stats?lang=en").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 5
    assert "By lead unit" in page and "Sở Thông tin và Truyền thông" in page
    assert "Pages with low OCR confidence (under 60)" in page
    assert "no foreign-language version" in page
    # A label with markup (the markup item's lead unit) is text inside the SVG, too.
    assert "&lt;b&gt;Sở&lt;/b&gt; Ngoại vụ" in page and "<b>Sở</b>" not in page


def test_statistics_chart_labels_are_escaped():
    from web import create_app
    from web.charts import bar_chart

    with create_app({"TTDN_HOME": "/nonexistent-ttdn-home"}).test_request_context():
        svg = str(bar_chart({'<script>alert(1)</script>': 3, "ok": 1}, title="<t>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;t&gt;" in svg


def test_statistics_csv(client):
    login(client, "adam")
    response = client.get("/staff/stats.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["section", "key", "value"]
    assert ["by_access", "restricted", "1"] in rows


def test_csv_cells_never_start_a_formula():
    from web.staff import stats_csv

    text = stats_csv({"by_lead_unit": {"=HYPERLINK(1)": 2},
                      "low_confidence_pages": [{"item_id": "x", "title": "+1", "n": 1,
                                                "confidence": 3.0}]})
    assert "'=HYPERLINK" in text and "'+1" in text


def test_user_add_prompts_and_refuses_short_passwords(tmp_path):
    home = tmp_path / "home"
    runner = CliRunner()
    result = runner.invoke(cli, ["--home", str(home), "user", "add", "Lan", "--role", "curator"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "user lan added (curator)" in result.output and PASSWORD not in result.output
    result = runner.invoke(cli, ["--home", str(home), "user", "add", "bo", "--role", "admin",
                                 "--password-stdin"], input="short\n")
    assert result.exit_code == 2 and "at least 10" in result.output
    result = runner.invoke(cli, ["--home", str(home), "user", "add", "lan", "--role", "staff",
                                 "--password-stdin"], input=f"{PASSWORD}\n")
    assert result.exit_code == 2 and "exists already" in result.output
    with Catalog(load_settings(home).catalog_path) as catalog:
        users = Users(catalog)
        assert users.authenticate("lan", PASSWORD).role == "curator"
        assert users.authenticate("lan", "wrong") is None
        row = catalog.db.execute("SELECT password_hash FROM users").fetchone()[0]
    assert PASSWORD not in row and row.startswith(("scrypt:", "pbkdf2:"))


def test_there_is_no_default_account(tmp_path):
    with Catalog(load_settings(tmp_path / "home").catalog_path) as catalog:
        assert Users(catalog).all() == []
