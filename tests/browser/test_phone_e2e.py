"""The portal on a 390 × 844 phone in vi, en and zh: no sideways scroll, results first, filters
in a panel that opens (without script too), a compact header, charts that fit.

With TTDN_A11Y_REPORT=folder the overflow widths are also written there as JSON.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.portal_pages import *  # noqa: F401,F403  (fixtures used by name)
from tests.browser.portal_pages import (LANGUAGES, LONG_QUERY, PHONE, log_in, open_context,
                                        overflow, public_pages, record, staff_pages)

pytestmark = pytest.mark.browser

MAX_HEADER = 130  # px: brand, navigation and languages, wrapped at most twice


def _widths(page, base: str, pages: dict[str, str], lang: str) -> dict[str, int]:
    found = {}
    for name, path in pages.items():
        page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}")
        page.wait_for_load_state("load")
        found[name] = overflow(page)
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_scrolls_sideways_on_a_phone(browser, portal, walk_ids, lang):
    """GIVEN every public page and every staff page (long unbreakable text in one item)
    WHEN opened 390 px wide
    THEN the document is no wider than the window."""
    _home, walk = walk_ids
    context = open_context(browser, PHONE, axe=False)
    page = context.new_page()
    widths = _widths(page, portal, public_pages(walk), lang)
    log_in(page, portal)
    staff = _widths(page, portal, staff_pages(walk), lang)
    widths.update({f"staff:{k}": v for k, v in staff.items()})
    context.close()
    record(f"overflow-phone-{lang}", widths)
    wide = {name: PHONE["width"] + extra for name, extra in widths.items() if extra > 0}
    assert not wide, f"pages wider than {PHONE['width']} px: {wide}"


@pytest.mark.parametrize("script", [True, False], ids=["js", "nojs"])
def test_results_come_first_and_the_filters_open(browser, portal, script):
    context = browser.new_context(viewport=PHONE, java_script_enabled=script)
    page = context.new_page()
    page.goto(portal + "/?q=lang+son&lang=vi")
    first = page.locator(".hit").first.bounding_box()
    assert first["y"] < PHONE["height"], f"the first hit starts {first['y']:.0f} px down"
    facet = page.locator(".facet").first
    expect(facet).to_be_hidden()
    page.locator(".refine > summary").click()
    expect(facet).to_be_visible()
    for box in (c.bounding_box() for c in page.locator(".facet .count").all()):
        assert box["x"] + box["width"] <= PHONE["width"], box
    page.click(".facet a:has-text('Ấn phẩm')")
    expect(page.locator(".hit")).to_have_count(1)
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_header_is_compact(browser, portal, lang):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{portal}/?q={LONG_QUERY}&lang={lang}")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= MAX_HEADER, f"header {header['height']:.0f} px tall"
    for link in page.locator(".site-nav a").all():  # "Tìm kiếm" on one line
        line = link.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)")
        assert link.bounding_box()["height"] < 1.6 * line, link.inner_text()
    context.close()


def test_charts_fit_the_phone(browser, portal):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, portal)
    page.goto(portal + "/staff/stats?lang=en")
    charts = page.locator("svg.chart")
    expect(charts).not_to_have_count(0)
    for box in (c.bounding_box() for c in charts.all()):
        assert box["x"] + box["width"] <= PHONE["width"], box
    assert overflow(page) == 0
    context.close()
