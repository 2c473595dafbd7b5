"""Review rules at ingest: admins set them, ingest applies them with an event, curators clear."""
from __future__ import annotations

import json
import re

import pytest

from archive.catalog import Catalog
from archive.errors import AccessDenied, UsageError
from archive.review import awaiting_review, clear_review, is_awaiting
from archive.rules import parse_rules, save_rules
from archive.settings import load_settings
from archive.users import Users
from tests.conftest import run_cli
from tests.web_fixtures import PASSWORD, login, make_app

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RULES = json.dumps([{"name": "Giấy tờ biên giới", "if": {"folder": "giay-to/"},
                     "set": {"collection": "Biên giới", "access": "internal",
                             "subject": "biên giới"}, "review": True}], ensure_ascii=False)


@pytest.mark.parametrize("text, says", [
    ("[{", "not valid JSON"), ('{"name": "x"}', "a JSON list"),
    ('[{"if": {"issuer": "A"}, "set": {"collection": "B"}}]', "give the rule a name"),
    ('[{"name": "n", "if": {"colour": "A"}, "set": {"collection": "B"}}]', "cannot test colour"),
    ('[{"name": "n", "if": {"issuer": "A"}, "set": {"title": "B"}}]', "may set only"),
    ('[{"name": "n", "if": {"issuer": "A"}, "set": {"access": "secret"}}]', "access is one of")])
def test_broken_rules_are_refused_naming_the_rule(text, says):
    with pytest.raises(UsageError) as err:
        parse_rules(text)
    assert says in err.value.message


def test_rules_apply_at_ingest_with_an_event_and_a_review(tmp_path):
    home = tmp_path / "home"
    folder = tmp_path / "in"
    (folder / "giay-to").mkdir(parents=True)
    (folder / "khac").mkdir()
    (folder / "giay-to" / "bien-ban.txt").write_text("Biên bản bàn giao mốc giới.\n", "utf-8")
    (folder / "khac" / "thu.txt").write_text("Thư cảm ơn.\n", encoding="utf-8")
    with Catalog(load_settings(home).catalog_path) as catalog:
        users = Users(catalog)
        users.add("adam", "admin", PASSWORD)
        users.add("cora", "curator", PASSWORD)
        with pytest.raises(AccessDenied):
            save_rules(catalog, users.get("cora"), RULES)
        save_rules(catalog, users.get("adam"), RULES)
    assert run_cli(home, "ingest", str(folder)).exit_code == 0
    with Catalog(load_settings(home).catalog_path) as catalog:
        ruled = catalog.get_item(catalog.resolve("giay-to/bien-ban.txt"))
        other = catalog.get_item(catalog.resolve("khac/thu.txt"))
        assert (ruled.collection, ruled.access, ruled.subject) == ("Biên giới", "internal",
                                                                   ["biên giới"])
        assert ruled.origins["collection"] == "rule" and other.collection is None
        event = [e for e in catalog.events(ruled.id) if e.action == "rule-applied"][0]
        assert event.detail["rule"] == "Giấy tờ biên giới"
        assert event.detail["changed"]["collection"] == {"from": None, "to": "Biên giới"}
        count, waiting = awaiting_review(catalog, ("public", "internal"))
        assert ruled.id in [w["id"] for w in waiting]
        assert [w["rule"] for w in waiting if w["id"] == ruled.id] == ["Giấy tờ biên giới"]
        clear_review(catalog, Users(catalog).get("cora"), ruled.id)
        assert not is_awaiting(catalog, ruled.id)
        assert catalog.events(ruled.id)[-1].action == "review-cleared"
    found = json.loads(run_cli(home, "search", "mốc giới", "--filter", "collection=Biên giới",
                               "--json").stdout)
    assert [h["id"] for h in found["hits"]] == [ruled.id]


def test_rules_page_admins_edit_others_read(tmp_path):
    home = tmp_path / "home"
    with Catalog(load_settings(home).catalog_path) as catalog:
        Users(catalog).add("adam", "admin", PASSWORD)
        Users(catalog).add("cora", "curator", PASSWORD)
    app = make_app(home)
    curator = app.test_client()
    login(curator, "cora")
    page = curator.get("/staff/rules/?lang=en").get_data(as_text=True)
    assert "No rules" in page and "<textarea" not in page
    token = _TOKEN.search(curator.get("/staff/").get_data(as_text=True)).group(1)
    assert curator.post("/staff/rules/", data={"csrf_token": token,
                                               "body": RULES}).status_code == 403
    admin = app.test_client()
    login(admin, "adam")
    token = _TOKEN.search(admin.get("/staff/rules/").get_data(as_text=True)).group(1)
    bad = admin.post("/staff/rules/?lang=en", data={"csrf_token": token, "body": "[{"})
    assert bad.status_code == 400 and "not valid JSON" in bad.get_data(as_text=True)
    assert admin.post("/staff/rules/", data={"csrf_token": token, "body": RULES}).status_code == 302
    assert "Giấy tờ biên giới" in curator.get("/staff/rules/").get_data(as_text=True)


def test_cli_audit_exports_an_items_events_as_the_backup_does(tmp_path):
    home = tmp_path / "home"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Công văn.\n", encoding="utf-8")
    assert run_cli(home, "ingest", str(folder)).exit_code == 0
    lines = run_cli(home, "audit", "--item", "a.txt").stdout.splitlines()
    with Catalog(load_settings(home).catalog_path) as catalog:
        expected = [vars(e) for e in catalog.events(catalog.resolve("a.txt"))]
    assert [json.loads(line) for line in lines] == expected
    table = run_cli(home, "audit", "--since", "2000-01-01", "--format", "csv").stdout
    assert table.splitlines()[0] == "id,at,item_id,action,actor,detail"
    assert run_cli(home, "audit", "--since", "1/1/2000").exit_code != 0
    assert run_cli(home, "audit", "--item", "missing.txt").exit_code != 0
