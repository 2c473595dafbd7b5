"""The pages a visitor and a staff member open, with the phone and accessibility measurements.

Used by tests/browser/test_phone_e2e.py and test_a11y_e2e.py: one served archive with a
published exhibition and an item whose text holds long unbreakable strings (a URL, a long code),
the list of pages to walk, axe-core injected into each page, and the page's horizontal overflow.
Test modules import the fixtures by name: `from tests.browser.portal_pages import *`.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

from archive.catalog import Catalog
from archive.settings import load_settings
from exhibits import add_item, create, define_section, publish
from tests.conftest import run_cli
from tests.web_fixtures import PASSWORD, ids, make_app, web_home  # noqa: F401  (fixtures)

from .serving import served

__all__ = ["AXE", "LANGUAGES", "PHONE", "DESKTOP", "SLUG", "LONG_QUERY", "portal", "walk_ids",
           "public_pages", "staff_pages", "open_context", "log_in", "axe_serious", "overflow",
           "record", "ids", "web_home"]

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = ("vi", "en", "zh")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SLUG = "bien-gioi-lang-son"
LONG_QUERY = "chuoidaikhongngat"
# Text no browser can break at a space: what OCR and file names put into snippets and titles.
_LONG_TEXT = (f"Tài liệu {LONG_QUERY} đăng tại https://thongtindoingoai.langson.gov.vn/tai-lieu/"
              "ke-hoach-51-kh-ubnd-2017-ve-hoat-dong-thong-tin-doi-ngoai-tren-dia-ban-tinh.pdf "
              "mã hồ sơ TTDN-2017-000000000000000000000000000000000000000000000000000000000001 "
              "và ________________________________________________________________ hết.\n")


def _add_long_item(home: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "chuoi-dai.txt").write_text(_LONG_TEXT, encoding="utf-8")
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "title", "kind", "languages", "access"])
        out.writerow(["chuoi-dai.txt", "ke-hoach-51-kh-ubnd-2017-ve-hoat-dong-thong-tin-doi-ngoai"
                      "-tren-dia-ban-tinh-lang-son-ban-chinh-thuc", "document", "vi", "public"])
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output


def _add_exhibition(home: Path, walk: dict[str, str]) -> None:
    """A published exhibition in two sections: the zoomable map and the 2017 plan."""
    with Catalog(load_settings(home).catalog_path) as catalog:
        create(catalog, SLUG, {"vi": "Bản đồ và tư liệu về biên giới Lạng Sơn",
                               "zh": "谅山边境地图与档案"},
               intros={"vi": "Bản đồ lịch sử và văn bản của tỉnh Lạng Sơn."},
               organization="Sở Ngoại vụ tỉnh Lạng Sơn", actor="cora")
        define_section(catalog, SLUG, "Bản đồ", {"en": "Maps"}, actor="cora")
        add_item(catalog, SLUG, walk["map"], captions={"vi": "Bản đồ thành phố Lạng Sơn 1944."},
                 section="Bản đồ", actor="cora")
        add_item(catalog, SLUG, walk["public"], captions={"vi": "Kế hoạch năm 2017."},
                 actor="cora")
        publish(catalog, SLUG, actor="cora")


@pytest.fixture(scope="module")
def walk_ids(web_home, ids, tmp_path_factory):  # noqa: F811
    """(home, ids): a copy of the web home with the long-text item and a published exhibition."""
    home = tmp_path_factory.mktemp("walk") / "home"
    shutil.copytree(web_home, home)
    _add_long_item(home, tmp_path_factory.mktemp("walk-input"))
    with Catalog(load_settings(home).catalog_path) as catalog:
        walk = {**ids, "long_text": catalog.resolve("chuoi-dai.txt")}
    _add_exhibition(home, walk)
    return home, walk


@pytest.fixture(scope="module")
def portal(walk_ids):
    """Base URL of that archive served by waitress."""
    with served(make_app(walk_ids[0])) as base:
        yield base


def public_pages(walk: dict[str, str]) -> dict[str, str]:
    """Name → path of every kind of page an anonymous visitor opens."""
    return {
        "home": "/",
        "search": "/?q=lang+son",
        "search-long": f"/?q={LONG_QUERY}",
        "search-none": "/?q=khongcotudaynaoca",
        "search-grid": "/?q=loai:bando&view=grid",
        "browse": "/browse/",
        "browse-places": "/browse/places",
        "browse-periods": "/browse/periods",
        "item": f"/items/{walk['public']}",
        "item-pages": f"/items/{walk['long']}",
        "item-long": f"/items/{walk['long_text']}",
        "item-map": f"/items/{walk['map']}",
        "viewer": f"/items/{walk['map']}/view",
        "exhibitions": "/exhibitions/",
        "exhibition": f"/exhibitions/{SLUG}",
        "login": "/login",
        "not-found": "/items/khong-co",
    }


def staff_pages(walk: dict[str, str]) -> dict[str, str]:
    """Name → path of the staff pages (opened as the admin)."""
    return {
        "staff-home": "/staff/",
        "stats": "/staff/stats",
        "quarantine": "/staff/quarantine",
        "saved": "/staff/saved/",
        "audit": "/staff/audit/",
        "staff-exhibitions": "/staff/exhibitions/",
        "staff-exhibition": f"/staff/exhibitions/{SLUG}",
        "edit": f"/staff/items/{walk['public']}/edit",
        "staff-search": "/?q=lang+son",
    }


def open_context(browser, viewport: dict[str, int], *, axe: bool = True):
    """A fresh context at this size; with axe-core added to every page it opens.

    An init script is added through the DevTools protocol, so the portal's CSP (script-src
    'self', no inline scripts) does not block it as it would a <script> tag with the source.
    """
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    if axe:
        if not AXE.exists():
            pytest.fail(f"{AXE} is missing: run `make axe` (npm ci in tests/browser/axe)")
        context.add_init_script(path=str(AXE))
    return context


def log_in(page, base: str, name: str = "adam") -> None:
    """Log in through the form, as a person would."""
    page.goto(base + "/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".who")


_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}));
}"""


def axe_serious(page) -> list[dict]:
    """axe-core's serious and critical violations on the open page: id, impact, nodes."""
    return page.evaluate(_AXE_RUN)


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def record(name: str, data: dict) -> None:
    """With TTDN_A11Y_REPORT=folder, keep the measurements as JSON there (before/after notes)."""
    folder = os.environ.get("TTDN_A11Y_REPORT")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                                   encoding="utf-8")
