"""End to end in Debian's headless chromium: search, open an item, switch language, log in, edit."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web_fixtures import PASSWORD

pytestmark = pytest.mark.browser


def test_search_and_open_an_item(page, live_server):
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.locator("#q").press_sequentially("lang", delay=20)
    # Completions arrive from /api/suggest into the box's datalist.
    expect(page.locator("#q-suggestions option")).not_to_have_count(0)
    page.fill("#q", "lang son")
    page.press("#q", "Enter")
    expect(page.locator(".result-count")).to_contain_text("Tìm thấy")
    expect(page.locator("mark").first).to_be_visible()
    page.click("text=Hoạt động thông tin đối ngoại năm 2017")
    expect(page.locator("h1")).to_contain_text("Hoạt động thông tin đối ngoại năm 2017")
    image = page.locator("#page-1 .page-image img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    expect(page.locator("#page-1 .page-text")).to_contain_text("KẾ HOẠCH")


def test_facet_filters_the_hits(page, live_server):
    page.goto(live_server + "/?q=lang+son")
    page.click(".facet a:has-text('Ấn phẩm')")
    expect(page.locator(".facet li.active")).to_contain_text("Ấn phẩm")
    expect(page.locator(".hit")).to_have_count(1)


def test_switch_to_chinese(page, live_server):
    page.goto(live_server + "/?q=lang+son")
    page.click("a[hreflang=zh]")
    expect(page.locator("html")).to_have_attribute("lang", "zh")
    expect(page.locator(".brand-name")).to_have_text("对外信息档案库")
    expect(page.locator(".result-count")).to_contain_text("找到")
    page.click(".hit-title a >> nth=0")
    expect(page.locator("html")).to_have_attribute("lang", "zh")  # the choice sticks
    expect(page.locator(".metadata h2").first).to_contain_text("描述")


def test_map_opens_in_the_zoom_viewer(page, live_server):
    page.goto(live_server + "/?q=loai:bando")
    page.click(".hit-title a >> nth=0")
    page.click("a[href$='/view']")
    canvas = page.locator("#zoom-viewer canvas").first
    expect(canvas).to_be_visible()
    page.click("#zoom-in")
    page.click("#zoom-home")


def test_log_in_and_edit_metadata(page, live_server):
    page.goto(live_server + "/?lang=en")
    page.click("text=Staff login")
    page.fill("#name", "cora")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    expect(page.locator(".who")).to_contain_text("cora")
    page.goto(live_server + "/?q=tesseract")
    page.click(".hit-title a >> nth=0")
    page.click("text=Edit metadata")
    page.fill("#title", "Tesseract test page, checked by staff")
    page.fill("#places", "Lạng Sơn\nĐồng Đăng")
    page.click("button:has-text('Save')")
    expect(page.locator(".flash-success")).to_have_text("Saved.")
    expect(page.locator("h1")).to_have_text("Tesseract test page, checked by staff")
    expect(page.locator(".events")).to_contain_text("Metadata edited")
    expect(page.locator(".events")).to_contain_text("cora")
    page.goto(live_server + "/?q=checked+staff")
    expect(page.locator(".hit-title")).to_contain_text("checked by staff")
    page.click("button:has-text('Log out')")
    expect(page.locator(".account")).to_contain_text("Staff login")


def test_wrong_password_is_refused(page, live_server, console_errors):
    page.goto(live_server + "/login?lang=en")
    page.fill("#name", "cora")
    page.fill("#password", "not the password")
    page.click("button:has-text('Log in')")
    expect(page.locator(".flash-error")).to_contain_text("Wrong user name or password")
    assert re.search(r"/login", page.url)
    # The browser logs the 401 of the refused login; that one is expected.
    console_errors[:] = [e for e in console_errors if "status of 401" not in e]
