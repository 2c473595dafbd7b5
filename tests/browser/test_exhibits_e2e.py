"""End to end in Debian's headless chromium: a curator builds and publishes an exhibition with a
map; a visitor opens it in Chinese and zooms the map.

With TTDN_SCREENSHOTS=docs/screenshots the public page is also saved as exhibition-vi.png and
exhibition-zh.png there.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web_fixtures import PASSWORD

pytestmark = pytest.mark.browser

TITLE_VI = "Bản đồ và tư liệu về biên giới Lạng Sơn"
TITLE_ZH = "谅山边境地图与档案"
INTRO_VI = ("Triển lãm giới thiệu bản đồ lịch sử và văn bản của tỉnh Lạng Sơn, cùng chú thích "
            "song ngữ, do Sở Ngoại vụ tuyển chọn từ kho tư liệu thông tin đối ngoại.")
INTRO_ZH = "本展览展示谅山省的历史地图与文献，附双语说明，由外事厅从对外信息档案库中精选。"
MAP_VI = "Bản đồ thành phố Lạng Sơn do quân đội Mỹ vẽ năm 1944–1945, tỷ lệ 1:10.000."
MAP_ZH = "美国陆军地图局1944–1945年绘制的谅山市地图，比例尺1:10,000。"
PLAN_VI = "Kế hoạch hoạt động thông tin đối ngoại năm 2017 của UBND tỉnh Lạng Sơn."
PLAN_ZH = "谅山省人民委员会2017年对外信息工作计划。"


def _log_in(page, base: str) -> None:
    page.goto(base + "/login")
    page.fill("#name", "cora")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_contain_text("cora")


def _caption(page, number: int, vi: str, zh: str) -> None:
    entry = page.locator("li.exhibit-entry").nth(number)
    entry.locator("textarea[lang=vi]").fill(vi)
    entry.locator("textarea[lang=zh]").fill(zh)
    entry.locator("button:has-text('Lưu tất cả chú thích')").click()  # saves every entry's
    expect(page.locator(".flash-success")).to_have_text("Đã lưu chú thích của 1 mục.")


def test_curator_publishes_an_exhibition_a_visitor_reads_it_in_chinese(page, live_server, browser,
                                                                        console_errors):
    _log_in(page, live_server)
    page.click("nav >> text=Triển lãm")
    page.click("text=Triển lãm mới")
    page.fill("#slug", "bien-gioi-lang-son")
    page.fill("#organization", "Sở Ngoại vụ tỉnh Lạng Sơn")
    page.fill("#title_vi", TITLE_VI)
    page.fill("#intro_vi", INTRO_VI)
    page.fill("#title_zh", TITLE_ZH)
    page.fill("#intro_zh", INTRO_ZH)
    page.click("button:has-text('Tạo')")
    # Straight to finding items; maps are the default kind.
    expect(page.locator("h1")).to_have_text("Tìm hiện vật để thêm")
    expect(page.locator("#kind")).to_have_value("map")
    page.click(".hit:has-text('City plan sheet') >> button:has-text('Thêm vào triển lãm')")
    expect(page.locator(".flash-success")).to_contain_text("ở vị trí 1")
    page.select_option("#kind", "")
    page.fill("#q", "kế hoạch 2017")
    page.press("#q", "Enter")
    page.click(".hit:has-text('Hoạt động thông tin đối ngoại năm 2017') >> "
               "button:has-text('Thêm vào triển lãm')")
    expect(page.locator(".flash-success")).to_contain_text("ở vị trí 2")

    page.click(f"a:has-text('{TITLE_VI}')")
    expect(page.locator("li.exhibit-entry")).to_have_count(2)
    _caption(page, 0, MAP_VI, MAP_ZH)
    _caption(page, 1, PLAN_VI, PLAN_ZH)
    page.click("#publish button:has-text('Công bố')")
    expect(page.locator(".flash-success")).to_contain_text("Đã công bố")

    visitor = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    tab = visitor.new_page()
    tab.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    tab.goto(live_server + "/")
    tab.click("nav >> text=展览")
    tab.click(f"text={TITLE_ZH}")
    expect(tab.locator("html")).to_have_attribute("lang", "zh")
    expect(tab.locator("h1")).to_have_text(TITLE_ZH)
    expect(tab.locator(".exhibition-intro")).to_have_text(INTRO_ZH)
    expect(tab.locator(".caption-text").first).to_have_text(MAP_ZH)
    expect(tab.locator(".caption-text").nth(1)).to_have_text(PLAN_ZH)
    viewer = tab.locator(".exhibit-zoom")
    viewer.scroll_into_view_if_needed()
    expect(viewer.locator("canvas").first).to_be_visible()
    tab.locator(".viewer-toolbar button").first.click()  # zoom in
    _screenshots(tab, live_server)
    tab.wait_for_load_state("networkidle")
    visitor.close()


def _screenshots(tab, base: str) -> None:
    """The public page in vi and zh, full length, for docs/screenshots/ (only when asked)."""
    folder = os.environ.get("TTDN_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for lang in ("vi", "zh"):
        tab.goto(f"{base}/exhibitions/bien-gioi-lang-son?lang={lang}")
        tab.locator(".exhibit-zoom").scroll_into_view_if_needed()
        tab.locator(".exhibit-zoom canvas").first.wait_for()
        tab.wait_for_load_state("networkidle")
        tab.wait_for_timeout(1500)  # the viewer's opening animation
        tab.evaluate("window.scrollTo(0, 0)")
        tab.screenshot(path=str(Path(folder) / f"exhibition-{lang}.png"), full_page=True)
