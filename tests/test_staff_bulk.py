"""Bulk edit (archive/editing.py, /staff/bulk, `ttdn edit`) and access as a filter."""
from __future__ import annotations

import json

import pytest

from archive.catalog import Catalog
from archive.editing import Change, edit_items, parse_changes
from archive.errors import AccessDenied, UsageError
from archive.settings import load_settings
from archive.users import Users
from search.index import open_index, sync_index
from tests.conftest import run_cli
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import form_fields, login


def _catalog(home) -> Catalog:
    return Catalog(load_settings(home).catalog_path)


def _sync(home, catalog):
    return lambda: sync_index(open_index(load_settings(home).index_dir), catalog)


def test_bulk_edit_never_does_what_the_user_could_not_do_alone(private_home, ids):
    """GIVEN a curator's bulk edit over public, internal and restricted items WHEN she makes them
    public THEN the restricted one is refused unnamed and untouched, the internal ones are listed
    as becoming public, and each changed item has one access event of the batch."""
    wanted = [ids["public"], ids["internal"], ids["secret"], ids["restricted"], "0" * 16]
    with _catalog(private_home) as catalog:
        cora = Users(catalog).get("cora")
        before = catalog.get_item(ids["restricted"])
        events_before = len(catalog.events(ids["restricted"]))
        preview = edit_items(catalog, None, cora, wanted, [Change("access", "set", "public")],
                             dry_run=True)
        assert {p.item_id for p in preview.changing} == {ids["internal"], ids["secret"]}
        assert {p.item_id for p in preview.becoming_public} == {ids["internal"], ids["secret"]}
        assert [p.item_id for p in preview.unchanged] == [ids["public"]]
        refused = {p.item_id: p for p in preview.refused}
        assert set(refused) == {ids["restricted"], "0" * 16}
        # A restricted item and a missing one read the same: nothing of it is told.
        assert refused[ids["restricted"]].title is None
        assert refused[ids["restricted"]].refused == refused["0" * 16].refused
        assert catalog.get_item(ids["internal"]).access == "internal"  # dry run: untouched
        done = edit_items(catalog, _sync(private_home, catalog), cora, wanted,
                          [Change("access", "set", "public")], dry_run=False)
        assert done.applied and done.indexed and done.batch
        assert catalog.get_item(ids["restricted"]) == before
        assert len(catalog.events(ids["restricted"])) == events_before
        for item_id in (ids["internal"], ids["secret"]):
            events = [e for e in catalog.events(item_id) if e.detail.get("bulk") == done.batch]
            assert [(e.action, e.actor, e.detail["to"]) for e in events] == [
                ("access-changed", "cora", "public")]
        assert catalog.dirty_items() == []


def test_staff_cannot_bulk_edit_and_curator_cannot_restrict(private_home, ids):
    with _catalog(private_home) as catalog:
        users = Users(catalog)
        with pytest.raises(AccessDenied):
            edit_items(catalog, None, users.get("sam"), [ids["public"]],
                       [Change("collection", "set", "X")], dry_run=True)
        with pytest.raises(AccessDenied):
            edit_items(catalog, None, users.get("cora"), [ids["public"]],
                       [Change("access", "set", "restricted")], dry_run=False)
        assert catalog.get_item(ids["public"]).access == "public"


def test_list_changes_add_and_remove_one_value(private_home, ids):
    with _catalog(private_home) as catalog:
        adam = Users(catalog).get("adam")
        changes = [*parse_changes(["places=Cao Bằng"], op="add"),
                   *parse_changes(["collection=Biên giới"])]
        edit_items(catalog, None, adam, [ids["restricted"]], changes, dry_run=False)
        item = catalog.get_item(ids["restricted"])
        assert "Cao Bằng" in item.places and item.collection == "Biên giới"
        event = catalog.events(ids["restricted"])[-1]
        assert event.action == "metadata-edited" and set(event.detail["changed"]) == {
            "places", "collection"}
        edit_items(catalog, None, adam, [ids["restricted"]],
                   parse_changes(["places=Cao Bằng"], op="remove"), dry_run=False)
        assert "Cao Bằng" not in catalog.get_item(ids["restricted"]).places
    with pytest.raises(UsageError):
        parse_changes(["title=x"])
    with pytest.raises(UsageError):
        parse_changes(["collection=x"], op="add")


def _bulk_page(client, query: str):
    page = client.get(f"/staff/bulk/?{query}&lang=en")
    assert page.status_code == 200, page.get_data(as_text=True)
    return page.get_data(as_text=True)


def _post(client, page: str, ids: list[str], **changes):
    data = {**form_fields(page), **changes}
    data["ids"] = ids
    return client.post("/staff/bulk/?lang=en", data=data)


def test_web_bulk_edit_previews_then_applies(private_app, ids):
    """GIVEN a curator on the internal items WHEN she previews making them public THEN the page
    counts them and names the ones becoming public; applying changes them and the index."""
    client = private_app.test_client()
    login(client, "cora")
    page = _bulk_page(client, "q=*&access=internal")
    assert ids["internal"] in page and ids["public"] not in page
    with _catalog(private_app.config["TTDN_HOME"]) as catalog:
        internal = [i for i in catalog.item_ids() if catalog.get_item(i).access == "internal"]
    preview = _post(client, page, internal, step="preview", **{"bulk-access": "public"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert f"{len(internal)} items will change" in text
    assert f"{len(internal)} items will become public" in text
    with _catalog(private_app.config["TTDN_HOME"]) as catalog:
        assert catalog.get_item(ids["internal"]).access == "internal"
    done = _post(client, page, internal, step="apply", **{"bulk-access": "public"})
    assert done.status_code == 302
    anonymous = private_app.test_client().get("/api/search?q=quartzinternal").get_json()
    assert ids["secret"] in [h["id"] for h in anonymous["hits"]]


def test_web_bulk_edit_skips_posted_items_the_curator_may_not_edit(private_app, ids):
    client = private_app.test_client()
    login(client, "cora")
    page = _bulk_page(client, "q=*")
    assert ids["restricted"] not in page
    response = _post(client, page, [ids["public"], ids["restricted"]], step="apply",
                     **{"bulk-collection": "Trộm"})
    assert response.status_code == 302
    with _catalog(private_app.config["TTDN_HOME"]) as catalog:
        assert catalog.get_item(ids["restricted"]).collection != "Trộm"
        assert catalog.get_item(ids["public"]).collection == "Trộm"


def test_web_bulk_edit_is_refused_to_staff_and_needs_csrf(private_app, ids):
    client = private_app.test_client()
    login(client, "sam")
    assert client.get("/staff/bulk/?q=*").status_code == 403
    curator = private_app.test_client()
    login(curator, "cora")
    response = curator.post("/staff/bulk/", data={"ids": [ids["public"]], "bulk-collection": "X",
                                                  "step": "apply"})
    assert response.status_code == 400  # no CSRF token
    escaped = _bulk_page(curator, "q=xsstitle")
    assert "<script>alert" not in escaped


def test_cli_edit_needs_yes_then_edits_through_the_same_rules(private_home, ids):
    args = ("edit", "--query", "*", "--filter", "access=internal", "--user", "cora",
            "--set", "access=public")
    refused = run_cli(private_home, *args)
    assert refused.exit_code != 0 and "--yes" in refused.output
    dry = json.loads(run_cli(private_home, *args, "--dry-run", "--json").stdout)
    assert ids["secret"] in [p["id"] for p in dry["becoming_public"]] and not dry["applied"]
    done = run_cli(private_home, *args, "--yes", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["applied"]
    found = json.loads(run_cli(private_home, "search", "quartzinternal", "--as", "public",
                               "--json").stdout)
    assert ids["secret"] in [h["id"] for h in found["hits"]]
    staff = run_cli(private_home, "edit", "--query", "*", "--user", "sam", "--set",
                    "collection=X", "--yes")
    assert staff.exit_code != 0 and "may not edit" in staff.output


def test_access_is_a_filter_for_those_who_may_see_the_level(web_app, web_home, ids):
    """Staff list internal items by ?access=internal (page, API, CLI); the public may not."""
    staff = web_app.test_client()
    login(staff, "sam")
    hits = staff.get("/api/search?q=*&access=internal&limit=100").get_json()["hits"]
    assert hits and {h["access"] for h in hits} == {"internal"}
    page = staff.get("/?q=*&lang=en").get_data(as_text=True)
    assert "access=internal" in page  # the facet is a link now
    assert web_app.test_client().get("/api/search?q=*&access=internal").status_code == 400
    assert staff.get("/api/search?q=*&access=restricted").status_code == 400
    cli = json.loads(run_cli(web_home, "search", "*", "--filter", "access=internal",
                             "--json").stdout)
    assert {h["access"] for h in cli["hits"]} == {"internal"}
    assert run_cli(web_home, "search", "*", "--filter", "access=restricted").exit_code != 0
