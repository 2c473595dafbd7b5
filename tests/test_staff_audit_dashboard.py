"""Audit export (admins; CSV and JSON lines as the backup holds them) and the staff home."""
from __future__ import annotations

import csv
import io
import json
import re

from archive.catalog import Catalog
from archive.settings import load_settings
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import login

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def test_audit_export_is_for_admins_only(client, ids):
    login(client, "cora")
    assert client.get("/staff/audit/").status_code == 403
    assert client.get(f"/staff/audit/export.csv?item={ids['public']}").status_code == 403


def test_audit_export_of_an_item_as_csv_and_jsonl(web_app, web_home, ids):
    admin = web_app.test_client()
    login(admin, "adam")
    assert admin.get("/staff/audit/?lang=en").status_code == 200
    with Catalog(load_settings(web_home).catalog_path) as catalog:
        expected = [vars(e) for e in catalog.events(ids["restricted"])]
    lines = admin.get(f"/staff/audit/export.jsonl?item={ids['restricted']}")
    assert lines.mimetype == "application/x-ndjson"
    assert [json.loads(line) for line in lines.get_data(as_text=True).splitlines()] == expected
    table = admin.get(f"/staff/audit/export.csv?item={ids['restricted']}")
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["action"] for r in rows] == [e["action"] for e in expected]
    assert json.loads(rows[0]["detail"]) == expected[0]["detail"]


def test_audit_export_of_a_collection_and_a_date_range(web_app, web_home, ids):
    admin = web_app.test_client()
    login(admin, "adam")
    lines = admin.get("/staff/audit/export.jsonl?collection=<i>Bộ sưu tập</i>")
    events = [json.loads(x) for x in lines.get_data(as_text=True).splitlines()]
    assert events and {e["item_id"] for e in events} == {ids["xss"]}
    none = admin.get("/staff/audit/export.jsonl?since=2001-01-01&until=2001-12-31")
    assert none.get_data(as_text=True) == ""
    assert admin.get("/staff/audit/export.csv?since=1/1/2001").status_code == 400
    everything = admin.get("/staff/audit/export.jsonl?since=2001-01-01").get_data(as_text=True)
    with Catalog(load_settings(web_home).catalog_path) as catalog:
        assert len(everything.splitlines()) == len(catalog.events())


def test_staff_home_after_login_shows_the_work_lists(client, ids):
    """The staff home counts recent ingests and quarantine, lists internal items awaiting review
    and leads from each statistics bar to the items behind it."""
    login(client, "sam")
    page = client.get("/staff/?lang=en").get_data(as_text=True)
    assert "Added in the last 7 days" in page and "In quarantine" in page
    assert "Awaiting review" in page and ids["secret"] in page
    assert ids["restricted"] not in page  # staff do not see restricted items, even by id
    assert 'class="chart-link" href="/?q=*&amp;kind=map"' in page
    assert "Mark reviewed" not in page  # staff may not clear reviews


def test_curator_clears_a_review(private_app, ids):
    client = private_app.test_client()
    login(client, "cora")
    page = client.get("/staff/?lang=en").get_data(as_text=True)
    assert f"/staff/review/{ids['secret']}/clear" in page
    token = _TOKEN.search(page).group(1)
    assert client.post(f"/staff/review/{ids['secret']}/clear",
                       data={"csrf_token": token}).status_code == 302
    assert f"/staff/review/{ids['secret']}/clear" not in client.get("/staff/").get_data(
        as_text=True)
    with Catalog(load_settings(private_app.config["TTDN_HOME"]).catalog_path) as catalog:
        event = catalog.events(ids["secret"])[-1]
    assert (event.action, event.actor) == ("review-cleared", "cora")
    assert client.post(f"/staff/review/{ids['restricted']}/clear",
                       data={"csrf_token": token}).status_code == 403


def test_the_login_link_leads_to_the_staff_home(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    link = re.search(r'href="(/login\?next=[^"]+)"', page).group(1).replace("&amp;", "&")
    form = client.get(link).get_data(as_text=True)
    token = _TOKEN.search(form).group(1)
    done = client.post(link, data={"csrf_token": token, "name": "sam",
                                   "password": "correct horse battery staple"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/staff/")


def test_logging_in_without_a_page_asked_for_opens_the_staff_home(client):
    """GIVEN a staff account WHEN it logs in from the login page alone THEN it lands on /staff/."""
    response = login(client, "sam")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
