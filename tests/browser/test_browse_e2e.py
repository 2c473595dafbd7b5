"""Browse pages, the home page and the results grid in chromium: on a phone nothing scrolls
sideways, and axe-core finds nothing serious, in vi, en and zh."""
from __future__ import annotations

import pytest

from playwright.sync_api import expect

from tests.browser.portal_pages import *  # noqa: F401,F403  (fixtures used by name)
from tests.browser.portal_pages import (DESKTOP, LANGUAGES, PHONE, axe_serious, open_context,
                                        overflow)

pytestmark = pytest.mark.browser

PAGES = ("/", "/browse/", "/browse/places", "/browse/subjects?sort=name", "/browse/creators",
         "/browse/collections", "/browse/periods", "/?view=grid", "/?q=lang+son&view=grid")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_browse_pages_fit_a_phone_and_pass_axe(browser, portal, lang):
    """GIVEN the served corpus WHEN each browse page opens 390 px wide and on a desktop
    THEN none is wider than the window and axe-core reports no serious violation."""
    found = {}
    for size in (PHONE, DESKTOP):
        context = open_context(browser, size)
        page = context.new_page()
        for path in PAGES:
            page.goto(f"{portal}{path}{'&' if '?' in path else '?'}lang={lang}")
            page.wait_for_load_state("load")
            wide, serious = overflow(page), axe_serious(page)
            if wide > 0 or serious:
                found[f"{size['width']}:{path}"] = {"overflow": wide, "axe": serious}
        context.close()
    assert not found, found


def test_the_grid_shows_pictures_and_toggles_back(browser, portal):
    """GIVEN maps in the grid view WHEN its pictures load and the toggle is clicked
    THEN the list comes back with hits and no grid."""
    context = open_context(browser, DESKTOP, axe=False)
    page = context.new_page()
    page.goto(f"{portal}/?view=grid&kind=map")
    cells = page.locator(".hit-grid .grid-cell")
    assert cells.count() >= 1
    image = page.locator(".hit-grid img").first
    image.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())
    page.click(".view-toggle a")
    # The click starts a navigation; the list is looked for once the new page has loaded.
    page.locator(".hit").first.wait_for()
    expect(page.locator(".hit-grid")).to_have_count(0)
    context.close()
