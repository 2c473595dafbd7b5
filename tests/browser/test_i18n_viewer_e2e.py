"""The zoom viewers' tooltips and messages in the interface language, in headless chromium.

OpenSeadragon gives every button it drives the title of its own English strings; the portal's
viewer page and the exhibition page pass it the template's translated ones.
"""
from __future__ import annotations

import shutil

import pytest

import exhibits
from archive.catalog import Catalog
from archive.settings import load_settings
from tests.web_fixtures import make_app

from .serving import served

pytestmark = pytest.mark.browser

TIPS = {"zh": ["放大", "缩小", "适合屏幕", "全屏"], "en": ["Zoom in", "Zoom out", "Fit to screen",
                                                         "Full screen"]}
FAILED = {"zh": "无法加载图像。", "en": "The image could not be loaded."}


@pytest.fixture(scope="module")
def exhibited(web_home, tmp_path_factory):  # noqa: F811
    """The portal on a copy of the web home with a published exhibition of the map."""
    home = tmp_path_factory.mktemp("viewer-i18n") / "home"
    shutil.copytree(web_home, home)
    with Catalog(load_settings(home).catalog_path) as catalog:
        map_id = catalog.resolve("media/txu-oclc-6594628.jpg")
        exhibits.create(catalog, "ban-do", {"vi": "Bản đồ", "zh": "地图"}, actor="cora")
        exhibits.add_item(catalog, "ban-do", map_id, actor="cora", captions={"vi": "Bản đồ"})
        exhibits.publish(catalog, "ban-do", actor="cora")
    with served(make_app(home)) as base:
        yield base, map_id


def _titles(tab, selector: str) -> list[str]:
    return tab.evaluate(f"() => [...document.querySelectorAll('{selector}')].map(b => b.title)")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_exhibition_viewer_tooltips_are_in_the_interface_language(browser, exhibited, lang):
    base, _ = exhibited
    tab = browser.new_page()
    tab.goto(f"{base}/exhibitions/ban-do?lang={lang}")
    tab.wait_for_selector(".exhibit-zoom .openseadragon-canvas", timeout=30_000)
    titles = _titles(tab, ".viewer-toolbar button")
    failed = tab.evaluate("() => OpenSeadragon.getString('Errors.OpenFailed')")
    tab.close()
    assert titles == TIPS[lang]
    assert failed == FAILED[lang]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_item_viewer_tooltips_and_failure_message_are_translated(browser, exhibited, lang):
    base, map_id = exhibited
    tab = browser.new_page()
    tab.goto(f"{base}/items/{map_id}/view?lang={lang}")
    tab.wait_for_selector("#zoom-viewer .openseadragon-canvas", timeout=30_000)
    titles = _titles(tab, ".viewer-toolbar button")
    failed = tab.evaluate("() => OpenSeadragon.getString('Errors.OpenFailed')")
    tab.close()
    assert titles == TIPS[lang]
    assert failed == FAILED[lang]
