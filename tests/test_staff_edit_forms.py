"""The edit form: dates in the forms people write, fields that fit the item's kind."""
from __future__ import annotations

import doctest

import pytest

import archive.dates
from archive.catalog import Catalog
from archive.dates import DateError, normalize_date
from archive.settings import load_settings
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import form_fields, login


@pytest.mark.parametrize("typed, stored", [
    ("22/3/2017", "2017-03-22"), ("ngày 22 tháng 3 năm 2017", "2017-03-22"),
    ("Ngay 22 thang 3 nam 2017", "2017-03-22"), ("2017", "2017"), ("c. 1838", "c. 1838"),
    ("khoảng 1838", "c. 1838"), ("1944/1945", "1944/1945"), ("1944-1945", "1944/1945"),
    ("3/2017", "2017-03"), ("2017-03-22", "2017-03-22")])
def test_dates_people_write_are_read(typed, stored):
    assert normalize_date(typed) == stored


@pytest.mark.parametrize("typed, problem", [
    ("ngày 32 tháng 13", "format"), ("ngày 32 tháng 1 năm 2017", "day"), ("31/2/2017", "day"),
    ("22/13/2017", "month"), ("hôm qua", "format"), ("1945/1944", "range"), ("22/3/17", "year")])
def test_impossible_dates_are_refused_with_the_reason(typed, problem):
    with pytest.raises(DateError) as err:
        normalize_date(typed)
    assert err.value.problem == problem


def test_dates_doctest():
    assert doctest.testmod(archive.dates).failed == 0


def _edit(client, item_id: str, **changes):
    page = client.get(f"/staff/items/{item_id}/edit?lang=en")
    assert page.status_code == 200
    return client.post(f"/staff/items/{item_id}/edit?lang=en",
                       data={**form_fields(page.get_data(as_text=True)), **changes})


def test_edit_form_refuses_an_impossible_date_and_stores_a_written_one(private_app, ids):
    client = private_app.test_client()
    login(client, "cora")
    refused = _edit(client, ids["public"], issued="ngày 32 tháng 13")
    assert refused.status_code == 200
    assert "is not a date we can read" in refused.get_data(as_text=True)
    with Catalog(load_settings(private_app.config["TTDN_HOME"]).catalog_path) as catalog:
        assert catalog.get_item(ids["public"]).issued != "ngày 32 tháng 13"
    assert "that day is not in the calendar" in _edit(
        client, ids["public"], issued="31/2/2017").get_data(as_text=True)
    assert _edit(client, ids["public"], issued="ngày 22 tháng 3 năm 2017",
                 period="c. 1838").status_code == 302
    with Catalog(load_settings(private_app.config["TTDN_HOME"]).catalog_path) as catalog:
        item = catalog.get_item(ids["public"])
    assert (item.issued, item.period) == ("2017-03-22", "c. 1838")


def test_edit_form_shows_the_fields_of_the_items_kind(client, ids):
    login(client, "cora")
    photo = client.get(f"/staff/items/{ids['internal']}/edit?lang=en").get_data(as_text=True)
    document = client.get(f"/staff/items/{ids['public']}/edit?lang=en").get_data(as_text=True)
    assert 'name="signer"' not in photo and 'name="recipients"' not in photo
    assert 'name="scale"' not in photo
    assert 'name="signer"' in document and 'name="doc_number"' in document
    mapped = client.get(f"/staff/items/{ids['map']}/edit?lang=en").get_data(as_text=True)
    assert 'name="scale"' in mapped and 'name="signer"' not in mapped


def test_staff_may_not_open_the_edit_form(client, ids):
    login(client, "sam")
    assert client.get(f"/staff/items/{ids['public']}/edit").status_code == 403
