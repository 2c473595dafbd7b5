"""Screenshots of the portal in vi, en and zh for docs/screenshots/ (not a test).

    .venv/bin/python -m tests.browser.screenshots --home data [--out docs/screenshots]

Serves the ingested archive with waitress in a thread, drives Debian's headless chromium, and
writes, on a 1280 px desktop and a 390 px phone, PAGE-LANG.png and PAGE-phone-LANG.png for the
search, item, exhibition and browse pages, then viewer-en.png, stats-en.png and
stats-phone-en.png (the last two as a curator, made for the occasion in a copy of the data home,
so the real one is not changed, as is the exhibition shown when the archive has none published).
Each PNG is kept under 300 KB.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from archive.catalog import Catalog  # noqa: E402
from archive.exhibitions import ExhibitionStore  # noqa: E402
from archive.settings import load_settings  # noqa: E402
from archive.users import Users  # noqa: E402
from exhibits import add_item, create, publish  # noqa: E402
from tests.browser.serving import launch_chromium, served  # noqa: E402
from web import create_app  # noqa: E402

ITEM = "scans/kh-51-ubnd-2017-lang-son.pdf"
MAP = "media/txu-oclc-6594628.jpg"
_PASSWORD = "screenshots only, thrown away"
_SIZE = {"width": 1280, "height": 1000}
_PHONE = {"width": 390, "height": 844}
_SLUG = "ban-do-lang-son"
_MAX_BYTES = 300_000  # per PNG: the docs stay light


def _exhibition(catalog: Catalog, ids: dict[str, str]) -> str:
    """The slug of a published exhibition: the first one there, or one made of the map and plan."""
    published = [x.slug for x in ExhibitionStore(catalog).all() if x.access == "public"]
    if published:
        return published[0]
    create(catalog, _SLUG, {"vi": "Bản đồ và tư liệu về Lạng Sơn", "en": "Maps and records of"
                            " Lạng Sơn", "zh": "谅山地图与档案"},
           intros={"vi": "Bản đồ thành phố Lạng Sơn năm 1944 và kế hoạch thông tin đối ngoại"
                   " năm 2017.", "en": "The 1944 city plan of Lạng Sơn and the province's 2017"
                   " foreign-information plan."}, actor="screenshots")
    add_item(catalog, _SLUG, ids["map"], captions={"vi": "Bản đồ thành phố Lạng Sơn, 1944.",
                                                  "en": "City plan of Lạng Sơn, 1944.",
                                                  "zh": "谅山市地图，1944年。"}, actor="screenshots")
    add_item(catalog, _SLUG, ids["item"], captions={"vi": "Kế hoạch năm 2017.",
                                                   "en": "The 2017 plan.",
                                                   "zh": "2017年计划。"}, actor="screenshots")
    publish(catalog, _SLUG, actor="screenshots")
    return _SLUG


def _prepare(home: Path, work: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the home with a throw-away curator; the ids of the items to show."""
    copy = work / "home"
    shutil.copytree(home, copy, ignore=shutil.ignore_patterns("derivatives"))
    with Catalog(load_settings(copy).catalog_path) as catalog:
        Users(catalog).add("screenshots", "curator", _PASSWORD)
        ids = {"item": catalog.resolve(ITEM), "map": catalog.resolve(MAP)}
        if not all(ids.values()):
            raise SystemExit(f"{home} lacks the sample corpus ({ITEM}, {MAP}): run `make ingest`")
        ids["exhibition"] = _exhibition(catalog, ids)
    return copy, ids


def _save(page, path: Path) -> Path:
    """A screenshot under the size limit: the full page, else the window, else 256 colours."""
    page.screenshot(path=path, full_page=True)
    if path.stat().st_size > _MAX_BYTES:
        page.screenshot(path=path)
    with Image.open(path) as shot:  # a map or photo fills the window: fewer colours
        window = shot.convert("RGB")
    for colours in (256, 128, 64):
        if path.stat().st_size <= _MAX_BYTES:
            break
        window.quantize(colours, dither=Image.Dither.NONE).save(path, optimize=True)
    if path.stat().st_size > _MAX_BYTES:
        raise SystemExit(f"{path} is {path.stat().st_size} bytes, over {_MAX_BYTES}")
    return path


def _pages(ids: dict[str, str]) -> dict[str, str]:
    return {"search": "/?q=lang+son", "item": f"/items/{ids['item']}",
            "exhibition": f"/exhibitions/{ids['exhibition']}", "browse": "/browse/"}


def _shoot_sizes(browser, base: str, ids: dict[str, str], out: Path) -> list[Path]:
    """Desktop and phone, vi/en/zh, of the search, item, exhibition and browse pages."""
    written = []
    for suffix, size in (("", _SIZE), ("-phone", _PHONE)):
        page = browser.new_page(viewport=size)
        for lang in ("vi", "en", "zh"):
            for name, url in _pages(ids).items():
                response = page.goto(f"{base}{url}{'&' if '?' in url else '?'}lang={lang}")
                if response.status == 404:  # a page this version of the portal does not have
                    continue
                page.wait_for_load_state("networkidle")
                if page.locator(".exhibit-zoom canvas").count():
                    page.wait_for_timeout(1500)  # the zoom viewer's opening animation
                written.append(_save(page, out / f"{name}{suffix}-{lang}.png"))
        page.close()
    return written


def _shoot(base: str, ids: dict[str, str], out: Path) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        written += _shoot_sizes(browser, base, ids, out)
        page = browser.new_page(viewport=_SIZE)
        page.goto(f"{base}/items/{ids['map']}/view?lang=en")
        page.wait_for_selector("#zoom-viewer canvas")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # let the viewer finish its opening animation
        written.append(_save(page, out / "viewer-en.png"))
        page.goto(f"{base}/login?lang=en")
        page.fill("#name", "screenshots")
        page.fill("#password", _PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base}/staff/stats")
        written.append(_save(page, out / "stats-en.png"))
        page.set_viewport_size(_PHONE)  # the charts scale down to the phone
        written.append(_save(page, out / "stats-phone-en.png"))
        browser.close()
    return written


def main() -> None:
    """Parse arguments, serve a copy of the archive, write the PNGs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default="data", help="an ingested data home (default: data)")
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ttdn-shots-") as work:
        home, ids = _prepare(Path(args.home).resolve(), Path(work))
        app = create_app({"TTDN_HOME": str(home), "SECRET_KEY": "screenshots-only"})
        with served(app) as base:
            for path in _shoot(base, ids, out):
                print(path)


if __name__ == "__main__":
    main()
