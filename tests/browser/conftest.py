"""Browser fixtures: the portal under waitress on a private data home; headless chromium."""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import sync_playwright

from tests.web_fixtures import ids, make_app, web_home  # noqa: F401  (fixtures used by name)

from .serving import launch_chromium, served


@pytest.fixture(scope="module")
def live_server(web_home, tmp_path_factory):  # noqa: F811
    """Base URL of the portal served by waitress on a copy of the web home the tests may edit."""
    home = tmp_path_factory.mktemp("live") / "home"
    shutil.copytree(web_home, home)
    with served(make_app(home)) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the session."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Errors the page logs; a test that expects one (a refused login's 401) removes it."""
    return []


@pytest.fixture
def page(browser, console_errors):
    """A fresh tab (own cookies) that fails the test on any console error, CSP ones included."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: console_errors.append(str(e)))
    yield tab
    context.close()
    assert not console_errors, console_errors
