"""Screenshots of the portal in vi, en and zh for docs/screenshots/ (not a test).

    .venv/bin/python -m tests.browser.screenshots --home data [--out docs/screenshots]

Serves the ingested archive with waitress in a thread, drives Debian's headless chromium, and
writes search-LANG.png, item-LANG.png, viewer-en.png and stats-en.png (the last as a curator,
made for the occasion in a copy of the data home, so the real one is not changed).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from archive.catalog import Catalog  # noqa: E402
from archive.settings import load_settings  # noqa: E402
from archive.users import Users  # noqa: E402
from tests.browser.serving import launch_chromium, served  # noqa: E402
from web import create_app  # noqa: E402

ITEM = "scans/kh-51-ubnd-2017-lang-son.pdf"
MAP = "media/txu-oclc-6594628.jpg"
_PASSWORD = "screenshots only, thrown away"
_SIZE = {"width": 1280, "height": 1000}


def _prepare(home: Path, work: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the home with a throw-away curator; the ids of the items to show."""
    copy = work / "home"
    shutil.copytree(home, copy, ignore=shutil.ignore_patterns("derivatives"))
    with Catalog(load_settings(copy).catalog_path) as catalog:
        Users(catalog).add("screenshots", "curator", _PASSWORD)
        ids = {"item": catalog.resolve(ITEM), "map": catalog.resolve(MAP)}
    if not all(ids.values()):
        raise SystemExit(f"{home} lacks the sample corpus ({ITEM}, {MAP}): run `make ingest`")
    return copy, ids


def _shoot(base: str, ids: dict[str, str], out: Path) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport=_SIZE)
        for lang in ("vi", "en", "zh"):
            for name, url in (("search", "/?q=lang+son"), ("item", f"/items/{ids['item']}")):
                page.goto(f"{base}{url}{'&' if '?' in url else '?'}lang={lang}")
                page.wait_for_load_state("networkidle")
                written.append(out / f"{name}-{lang}.png")
                page.screenshot(path=written[-1])
        page.goto(f"{base}/items/{ids['map']}/view?lang=en")
        page.wait_for_selector("#zoom-viewer canvas")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # let the viewer finish its opening animation
        written.append(out / "viewer-en.png")
        page.screenshot(path=written[-1])
        page.goto(f"{base}/login?lang=en")
        page.fill("#name", "screenshots")
        page.fill("#password", _PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base}/staff/stats")
        written.append(out / "stats-en.png")
        page.screenshot(path=written[-1], full_page=True)
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
