"""Quarantine you can act on: reasons a clerk reads, retry, release, delete; name/content checks."""
from __future__ import annotations

import re

from archive.catalog import Catalog
from archive.settings import load_settings
from archive.users import Users
from tests.conftest import run_cli
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import PASSWORD, login, make_app

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _token(client) -> str:
    page = client.get("/staff/quarantine?lang=en").get_data(as_text=True)
    return _TOKEN.search(page).group(1)


def _catalog(app) -> Catalog:
    return Catalog(load_settings(app.config["TTDN_HOME"]).catalog_path)


def test_quarantine_page_explains_in_the_interface_language(client):
    """GIVEN the broken PDF in quarantine THEN the page shows its path, what went wrong and what
    to do in Vietnamese, and offers actions by role (staff: none; curator: retry and delete)."""
    login(client, "sam")
    page = client.get("/staff/quarantine?lang=vi").get_data(as_text=True)
    assert '<code class="source-path">hong.pdf</code>' in page
    assert "Tệp bị hỏng hoặc không đầy đủ." in page
    assert "staff/quarantine/retry" not in page
    curator = client.application.test_client()
    login(curator, "cora")
    page = curator.get("/staff/quarantine?lang=en").get_data(as_text=True)
    assert "The file is damaged or incomplete." in page
    assert "staff/quarantine/retry" in page and "staff/quarantine/delete" in page
    assert "staff/quarantine/release" not in page


def test_delete_needs_a_reason_and_leaves_an_event(private_app):
    client = private_app.test_client()
    login(client, "cora")
    settings = load_settings(private_app.config["TTDN_HOME"])
    with _catalog(private_app) as catalog:
        entry = next(e for e in catalog.quarantined() if e.source == "hong.pdf")
    assert (settings.home / entry.stored_as).is_file()
    refused = client.post("/staff/quarantine/delete?lang=en", data={
        "csrf_token": _token(client), "source": "hong.pdf", "reason": ""},
        follow_redirects=True)
    assert "give a reason" in refused.get_data(as_text=True)
    done = client.post("/staff/quarantine/delete", data={
        "csrf_token": _token(client), "source": "hong.pdf", "reason": "bản trùng, đã có bản tốt"})
    assert done.status_code == 302
    with _catalog(private_app) as catalog:
        assert "hong.pdf" not in [e.source for e in catalog.quarantined()]
        event = catalog.events()[-1]
    assert (event.action, event.actor) == ("quarantine-deleted", "cora")
    assert event.detail["reason"] == "bản trùng, đã có bản tốt"
    assert not (settings.home / entry.stored_as).exists()


def test_release_is_for_admins_and_archives_a_restricted_item(private_app):
    curator = private_app.test_client()
    login(curator, "cora")
    assert curator.post("/staff/quarantine/release", data={
        "csrf_token": _token(curator), "source": "hong.pdf",
        "reason": "giữ làm bằng chứng"}).status_code == 403
    admin = private_app.test_client()
    login(admin, "adam")
    assert "staff/quarantine/release" in admin.get("/staff/quarantine").get_data(as_text=True)
    assert admin.post("/staff/quarantine/release", data={
        "csrf_token": _token(admin), "source": "hong.pdf",
        "reason": "giữ làm bằng chứng"}).status_code == 302
    with _catalog(private_app) as catalog:
        item_id = catalog.resolve("hong.pdf")
        item = catalog.get_item(item_id)
        events = catalog.events(item_id)
        assert "hong.pdf" not in [e.source for e in catalog.quarantined()]
    assert item.access == "restricted" and item.status == "warning"
    assert (events[-1].action, events[-1].actor) == ("released-from-quarantine", "adam")
    assert events[-1].detail["reason"] == "giữ làm bằng chứng"
    assert curator.get(f"/items/{item_id}").status_code == 404  # restricted: admins only


def test_retry_after_a_setting_change_archives_and_warns_of_a_lying_name(tmp_path, monkeypatch):
    """GIVEN a 2-page PDF refused under TTDN_MAX_PAGES=1, and a text file named fake.jpg WHEN the
    limit is raised and a curator retries THEN the PDF is archived under its first name, and
    fake.jpg's item warns that content and name disagree, also on the quarantine page."""
    import pymupdf

    folder = tmp_path / "in" / "gui"
    folder.mkdir(parents=True)
    (folder / "fake.jpg").write_text("Văn bản thường, không phải ảnh.\n", encoding="utf-8")
    doc = pymupdf.open()
    for _ in range(2):
        doc.new_page().insert_text((72, 72), "Ke hoach so 5/KH-UBND nam 2017")
    doc.save(folder / "ke-hoach.pdf")
    home = tmp_path / "home"
    monkeypatch.setenv("TTDN_MAX_PAGES", "1")
    assert run_cli(home, "ingest", str(tmp_path / "in")).exit_code == 1
    monkeypatch.delenv("TTDN_MAX_PAGES")
    with Catalog(load_settings(home).catalog_path) as catalog:
        Users(catalog).add("cora", "curator", PASSWORD)
        assert [e.source for e in catalog.quarantined()] == ["gui/ke-hoach.pdf"]
    app = make_app(home)
    client = app.test_client()
    login(client, "cora")
    listing = client.get("/staff/quarantine?lang=en").get_data(as_text=True)
    assert "The file is over a limit set for this archive." in listing
    page = client.post("/staff/quarantine/retry?lang=en", data={
        "csrf_token": _token(client), "source": "gui/ke-hoach.pdf"}, follow_redirects=True)
    assert "Archived: gui/ke-hoach.pdf" in page.get_data(as_text=True)
    with Catalog(load_settings(home).catalog_path) as catalog:
        assert catalog.quarantined() == []
        assert catalog.resolve("gui/ke-hoach.pdf")
        item = catalog.get_item(catalog.resolve("gui/fake.jpg"))
    assert item.kind == "document"
    assert any(w.startswith("content and name disagree: the name ends in .jpg") for w in
               item.warnings)
    listing = client.get("/staff/quarantine?lang=en").get_data(as_text=True)
    assert "content does not match its file name" in listing and item.id in listing
    shown = client.get(f"/items/{item.id}?lang=en").get_data(as_text=True)
    assert 'class="item-warnings' in shown and "the name ends in .jpg" in shown


def test_retry_of_a_still_broken_file_says_so(private_app):
    client = private_app.test_client()
    login(client, "cora")
    page = client.post("/staff/quarantine/retry?lang=en", data={
        "csrf_token": _token(client), "source": "hong.pdf"}, follow_redirects=True)
    assert "Refused again" in page.get_data(as_text=True)
    with _catalog(private_app) as catalog:
        assert "hong.pdf" in [e.source for e in catalog.quarantined()]
