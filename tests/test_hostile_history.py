"""What each reader sees of the audit trail: restricted entries in exhibition history, text an
admin redacted, curators' draft work on public items (archive/history.py is the one rule)."""
from __future__ import annotations

import json
import re

import pytest

import exhibits
from archive.catalog import Catalog
from archive.exhibitions import ExhibitionStore
from archive.history import Reader, exhibition_history, item_history
from archive.settings import load_settings
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import form_fields, login

SLUG = "tu-lieu-noi-bo"
SECRET_CAPTION = "Chú thích mật zephyrcaption"
SECRET_CAPTION_EN = "Secret caption zephyrcaptionen"
SECRET_NOTE = "Ghi chú mật zephyrnote"
SECRET_TITLE = "Tên mật zephyrsecrettitle"
STAFF_LEVELS = ("public", "internal")


def _catalog(app) -> Catalog:
    return Catalog(load_settings(app.config["TTDN_HOME"]).catalog_path)


def _as(app, name: str | None):
    client = app.test_client()
    if name:
        assert login(client, name).status_code == 302
    return client


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


@pytest.fixture
def exhibited(private_app, ids, tmp_path):
    """GIVEN an internal (draft) exhibition holding an internal photo and a restricted decree that
    an admin added, captioned, framed, put in a section and moved, then exported (the export left
    the decree out, as staff may not see it)."""
    settings = load_settings(private_app.config["TTDN_HOME"])
    with _catalog(private_app) as catalog:
        exhibits.create(catalog, SLUG, {"vi": "Tư liệu nội bộ", "en": "Internal records"},
                        actor="cora")
        exhibits.add_item(catalog, SLUG, ids["internal"], captions={"vi": "Ảnh cửa khẩu"},
                          actor="cora")
        exhibits.add_item(catalog, SLUG, ids["restricted"], captions={"vi": SECRET_CAPTION},
                          actor="adam", audience="admin")
        exhibits.set_caption(catalog, SLUG, 2, {"en": SECRET_CAPTION_EN}, actor="adam")
        exhibits.edit_item(catalog, SLUG, 2, note=SECRET_NOTE, actor="adam")
        exhibits.set_section(catalog, SLUG, 2, "Văn bản", actor="adam")
        exhibits.move_item(catalog, SLUG, 2, 1, actor="adam")
        result = exhibits.export(settings, catalog, SLUG, pdf=tmp_path / "out.pdf", actor="adam")
        decree = catalog.get_item(ids["restricted"])
    assert len(result.skipped) == 1 and "documents/234-2026-nd-cp.pdf" in result.skipped[0]
    return {"title": decree.title, "source": "documents/234-2026-nd-cp.pdf",
            "id": ids["restricted"]}


def _secrets(decree: dict) -> list[str]:
    return [decree["id"], decree["source"], decree["title"], SECRET_CAPTION, SECRET_CAPTION_EN,
            SECRET_NOTE]


@pytest.mark.parametrize("name", ["sam", "cora"])
def test_staff_and_curators_see_nothing_of_a_restricted_entry(private_app, exhibited, ids, name):
    """WHEN staff or a curator reads the exhibition's page and history, and the API, THEN the
    decree's id, source, title, captions and note appear nowhere; the export says one entry was
    left out without naming it."""
    client = _as(private_app, name)
    page = _text(client, f"/staff/exhibitions/{SLUG}?lang=en")
    history = page[page.index('<section class="events">'):]
    assert "Exported" in history and "skipped_not_shown" in history
    assert history.count("An entry you may not see.") == 5  # added, caption, note, section, move
    for secret in _secrets(exhibited):
        assert secret not in page, secret
    photo = client.get(f"/api/items/{ids['internal']}").get_json()
    assert photo["events"] and not any(secret in json.dumps(photo, ensure_ascii=False)
                                       for secret in _secrets(exhibited))
    assert client.get(f"/api/items/{ids['restricted']}").status_code == 404


def test_an_admin_sees_the_whole_history(private_app, exhibited):
    page = _text(_as(private_app, "adam"), f"/staff/exhibitions/{SLUG}?lang=en")
    for secret in _secrets(exhibited):
        assert secret in page, secret
    assert "An entry you may not see." not in page and "skipped_not_shown" not in page


def test_the_public_api_hides_draft_exhibition_work(private_app, ids):
    """GIVEN a public item in a draft exhibition and in a published one WHEN the public reads the
    item THEN the API and the page show the published exhibition's events only, and the same
    ones, with nobody's name."""
    with _catalog(private_app) as catalog:
        for slug in ("ban-nhap", "cong-khai"):
            exhibits.create(catalog, slug, {"vi": "Triển lãm", "en": "Show"}, actor="cora")
            exhibits.add_item(catalog, slug, ids["public"], captions={"vi": f"Chú thích {slug}"},
                              actor="cora")
        exhibits.publish(catalog, "cong-khai", actor="cora")
        published = [e.id for e in catalog.events(ids["public"])
                     if e.detail.get("exhibition") == "cong-khai"]
    anonymous = _as(private_app, None)
    events = anonymous.get(f"/api/items/{ids['public']}").get_json()["events"]
    shown = [e["id"] for e in events if e["action"].startswith("exhibit-")]
    assert shown == published
    assert all(e["actor"] is None and e["detail"] == {} for e in events)
    page = _text(anonymous, f"/items/{ids['public']}")
    rows = re.findall(r"<tr>", page[page.index('<section class="events">'):])
    assert len(rows) == 1 + len(events)  # the head row, then one per event, as the API lists
    staff = _as(private_app, "sam").get(f"/api/items/{ids['public']}").get_json()["events"]
    assert {e["detail"].get("exhibition") for e in staff} >= {"ban-nhap", "cong-khai"}


def _edit(client, item_id: str, **changes):
    page = client.get(f"/staff/items/{item_id}/edit?lang=en")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    response = client.post(f"/staff/items/{item_id}/edit",
                           data={**form_fields(page.get_data(as_text=True)), **changes})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_text_an_admin_replaced_while_restricted_stays_hidden(private_app, ids):
    """GIVEN an admin who retitled a restricted decree twice, then lowered it to internal WHEN
    staff read it THEN they see that it was edited and lowered, never the titles it had while
    restricted; the admin still sees them."""
    admin = _as(private_app, "adam")
    _edit(admin, ids["restricted"], title=SECRET_TITLE)
    _edit(admin, ids["restricted"], title="Văn bản đã biên tập", access="internal")
    staff = _as(private_app, "sam")
    page = _text(staff, f"/items/{ids['restricted']}?lang=en")
    record = staff.get(f"/api/items/{ids['restricted']}").get_json()
    assert SECRET_TITLE not in page and SECRET_TITLE not in json.dumps(record, ensure_ascii=False)
    assert "Not shown: written when the item was at a level you may not see." in page
    lowered = [e for e in record["events"] if e["action"] == "access-changed"]
    assert lowered[-1]["detail"] == {"from": "restricted", "to": "internal"}
    edits = [e for e in record["events"] if e["action"] == "metadata-edited"]
    assert len(edits) == 2 and all(e["redacted"] and e["detail"] == {} for e in edits)
    assert SECRET_TITLE in _text(admin, f"/items/{ids['restricted']}?lang=en")


def test_an_export_logged_with_bare_labels_names_them_to_admins_only(private_app, ids):
    """An export event written before entries carried their item: staff get a count."""
    with _catalog(private_app) as catalog:
        exhibits.create(catalog, "cu", {"vi": "Cũ", "en": "Old"}, actor="cora")
        ExhibitionStore(catalog).log("cu", "exhibit-exported", actor="adam", detail={
            "items": 1, "skipped": ["#2 documents/234-2026-nd-cp.pdf “Quy định”"]})
        staff = exhibition_history(catalog, "cu", Reader(STAFF_LEVELS, staff=True))[-1]
        admin = exhibition_history(catalog, "cu", Reader((*STAFF_LEVELS, "restricted"), True))[-1]
        public = item_history(catalog, catalog.get_item(ids["restricted"]), Reader(STAFF_LEVELS))
    assert staff.detail == {"exhibition": "cu", "items": 1, "skipped_not_shown": 1}
    assert admin.detail["skipped"] == ["#2 documents/234-2026-nd-cp.pdf “Quy định”"]
    assert public == []  # a reader who may not see the item sees none of its history
