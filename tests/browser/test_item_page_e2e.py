"""In headless chromium: from a hit to its page (marked, and back), page images that hold still."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_page_link_opens_the_page_marked_and_leads_back(page, live_server, ids):
    results = live_server + "/?q=thong+tin&lang=en"
    page.goto(results)
    link = page.locator(f'.snippet a.page-ref[href*="/items/{ids["long"]}"]').first
    target = re.search(r"#(page-\d+)", link.get_attribute("href")).group(1)
    link.click()
    expect(page).to_have_url(re.compile(rf"q=thong\+tin.*#{target}$"))
    expect(page.locator(f"#{target} .page-text mark").first).to_be_visible()
    page.click("text=Back to the results")
    expect(page).to_have_url(results)


def test_page_images_keep_their_box_and_spin_until_loaded(page, live_server, ids):
    """GIVEN an item page whose first page image is held back (a slow first render) WHEN the
    page shows THEN the image's box already has its final height and a spinner, and neither
    changes the layout when the image arrives."""
    held = []
    page.route("**/pages/1.jpg?size=s", lambda route: held.append(route))
    page.goto(f"{live_server}/items/{ids['public']}", wait_until="domcontentloaded")
    box = page.locator("#page-1 .page-image")
    box.scroll_into_view_if_needed()
    expect(box).to_have_class(re.compile(r"\bloading\b"))
    before = box.bounding_box()
    below = page.locator("#page-2").bounding_box()["y"]
    for _ in range(100):  # the lazy image is asked for once it is near the viewport
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page image was requested"
    held[0].continue_()
    expect(box).not_to_have_class(re.compile(r"\bloading\b"))
    after = box.bounding_box()
    assert abs(after["height"] - before["height"]) < 1 and before["height"] > 300
    assert abs(page.locator("#page-2").bounding_box()["y"] - below) < 1  # nothing moved
