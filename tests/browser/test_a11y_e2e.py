"""axe-core on every page in vi, en and zh, on a desktop and a phone; keyboard paths and headings.

axe-core comes from the npm registry (tests/browser/axe, `make axe`) and is added to each page
as an init script. Any serious or critical violation fails the test, with the page, rule and nodes.
With TTDN_A11Y_REPORT=folder the counts are also written there as JSON.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.portal_pages import *  # noqa: F401,F403  (fixtures used by name)
from tests.browser.portal_pages import (DESKTOP, LANGUAGES, PHONE, SLUG, axe_serious, log_in,
                                        open_context, public_pages, record, staff_pages)

pytestmark = pytest.mark.browser

# The old results page needed 23 (every facet link came first); now the search button, the five
# filters, the list/grid switch and the first title: 8, with a little room for a notice's link.
MAX_TABS_TO_FIRST_RESULT = 10


def _scan(page, base: str, pages: dict[str, str], lang: str) -> dict[str, list[dict]]:
    found = {}
    for name, path in pages.items():
        page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}")
        page.wait_for_load_state("load")
        found[name] = axe_serious(page)
    return found


def _summary(found: dict[str, list[dict]]) -> str:
    return "\n".join(f"{name}: {v['impact']} {v['id']} ×{len(v['nodes'])} {v['nodes'][:3]}"
                     for name, violations in found.items() for v in violations)


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_serious_axe_violation_on_any_page(browser, portal, walk_ids, lang, size):
    """GIVEN every public page and, logged in, every staff page
    WHEN axe-core checks each in this language at this size
    THEN none has a serious or critical violation."""
    _home, walk = walk_ids
    context = open_context(browser, DESKTOP if size == "desktop" else PHONE)
    page = context.new_page()
    found = _scan(page, portal, public_pages(walk), lang)
    log_in(page, portal)
    found.update({f"staff:{k}": v for k, v in _scan(page, portal, staff_pages(walk), lang).items()})
    context.close()
    record(f"axe-{size}-{lang}", {name: [{"id": v["id"], "impact": v["impact"],
                                          "nodes": len(v["nodes"])} for v in vs]
                                  for name, vs in found.items()})
    bad = {name: vs for name, vs in found.items() if vs}
    assert not bad, f"{sum(len(v) for v in bad.values())} rule × page:\n{_summary(bad)}"


def _tabs_to_first_result(page) -> int:
    page.focus("#q")
    first = page.locator(".hit-title a").first
    for presses in range(1, 60):
        page.keyboard.press("Tab")
        if first.evaluate("a => a === document.activeElement"):
            return presses
    return 60


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_few_tab_presses_from_the_search_box_to_the_first_result(browser, portal, size):
    context = open_context(browser, DESKTOP if size == "desktop" else PHONE, axe=False)
    page = context.new_page()
    page.goto(portal + "/?q=lang+son&lang=en")
    presses = _tabs_to_first_result(page)
    context.close()
    assert presses <= MAX_TABS_TO_FIRST_RESULT, f"{presses} Tab presses on the {size}"


def test_skip_link_leads_to_the_results(browser, portal):
    context = open_context(browser, DESKTOP, axe=False)
    page = context.new_page()
    page.goto(portal + "/?q=lang+son&lang=en")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip").first
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert skip.get_attribute("href") == "#results"
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()
    first = page.locator(".hit-title a").first
    for _ in range(2):  # the list/grid switch may come first
        page.keyboard.press("Tab")
        if first.evaluate("a => a === document.activeElement"):
            break
    expect(first).to_be_focused()
    context.close()


def test_viewer_page_has_one_h1(browser, portal, walk_ids):
    context = open_context(browser, DESKTOP, axe=False)
    page = context.new_page()
    for lang in LANGUAGES:
        page.goto(f"{portal}/items/{walk_ids[1]['map']}/view?lang={lang}")
        expect(page.locator("h1")).to_have_count(1)
    context.close()


def test_public_exhibition_has_a_heading_per_exhibit(browser, portal):
    """GIVEN a published exhibition of two items (one in a named section)
    THEN each exhibit has its own heading, below the section's, for screen-reader navigation."""
    context = open_context(browser, DESKTOP, axe=False)
    page = context.new_page()
    page.goto(f"{portal}/exhibitions/{SLUG}?lang=en")
    figures = page.locator("figure.exhibit-figure")
    expect(figures).to_have_count(2)
    for i in range(2):
        heading = figures.nth(i).locator("h2, h3")
        expect(heading).to_have_count(1)
        assert heading.inner_text().strip()
    expect(page.locator(".exhibition-section > h2")).to_have_count(1)
    expect(figures.first.locator("h3")).to_have_count(1)  # under its section's h2
    context.close()
