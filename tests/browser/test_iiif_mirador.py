"""Mirador 4 (from the npm registry) and the portal's own viewer read our IIIF in Chromium.

GIVEN the IIIF test archive served by `ttdn serve`, and Mirador's UMD bundle served by a test
page from another origin (so CORS is exercised as a real viewer on another site would be).
Mirador is installed by `make mirador` (npm install into tests/browser/mirador/, git-ignored);
without it the Mirador test is skipped and says how to install it.
"""
from __future__ import annotations

import io
import os
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from tests.iiif_fixtures import item_ids, make_iiif_archive, serve_home

pytestmark = pytest.mark.browser

MIRADOR = Path(__file__).parent / "mirador" / "node_modules" / "mirador" / "dist"
TILE = re.compile(r"/iiif/3/[0-9a-f]+/1/(?!info\.json)[^/]+/[^/]+/0/default\.jpg$")
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Mirador</title></head>
<body style="margin:0"><div id="mirador" style="position:absolute;inset:0"></div>
<script src="/mirador.min.js"></script>
<script>
Mirador.viewer({id: "mirador", windows: [{manifestId: "%s", thumbnailNavigationPosition: "off"}],
  window: {allowClose: false, sideBarOpen: false}, workspaceControlPanel: {enabled: false},
  osdConfig: {drawer: "canvas"}});
</script></body></html>"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    home = make_iiif_archive(tmp_path_factory.mktemp("iiif-b"), map_size=(6000, 4000))
    server, base = serve_home(home)
    try:
        yield {"base": base, "ids": item_ids(home)}
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def mirador_page(portal, tmp_path_factory):
    if not (MIRADOR / "mirador.min.js").is_file():
        pytest.skip("Mirador is not installed: run `make mirador` (npm install in "
                    "tests/browser/mirador/)")
    root = tmp_path_factory.mktemp("mirador-page")
    (root / "mirador.min.js").symlink_to(MIRADOR / "mirador.min.js")
    manifest = f"{portal['base']}/iiif/3/{portal['ids']['map.tif']}/manifest.json"
    (root / "index.html").write_text(PAGE % manifest, encoding="utf-8")
    handler = partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test's output is for failures
        pass


def _tiles_seen(tab) -> list[str]:
    seen: list[str] = []
    tab.on("response", lambda r: seen.append(r.url) if TILE.search(r.url) and r.ok else None)
    return seen


def _centre_is_drawn(tab, canvas_selector: str) -> tuple[int, ...]:
    canvas = tab.locator(canvas_selector).first
    shot = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    return shot.getpixel((shot.width // 2, shot.height // 2))


def _zoom_twice(tab, selector: str, name: str) -> None:
    box = tab.locator(selector).first.bounding_box()
    tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(2):
        tab.mouse.wheel(0, -400)
        tab.wait_for_timeout(1500)  # OpenSeadragon animates the zoom, then asks for tiles
    tab.wait_for_load_state("networkidle")
    if shots := os.environ.get("TTDN_SCREENSHOTS"):  # `make screenshots`: what the issue shows
        tab.screenshot(path=str(Path(shots) / f"iiif-{name}.png"))


def test_mirador_opens_our_manifest_and_zooms_with_tiles(browser, mirador_page):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    seen = _tiles_seen(tab)
    tab.goto(mirador_page)
    canvas = ".openseadragon-canvas canvas"
    tab.wait_for_selector(canvas, timeout=30_000)
    tab.wait_for_load_state("networkidle")
    _zoom_twice(tab, ".openseadragon-canvas", "mirador")
    background = tab.evaluate("""() => getComputedStyle(
        document.querySelector('.openseadragon-container')).backgroundColor""")
    centre = _centre_is_drawn(tab, canvas)
    context.close()
    assert not errors, errors
    assert len(set(seen)) >= 4, seen
    assert f"rgb({centre[0]}, {centre[1]}, {centre[2]})" != background
    assert centre not in ((0, 0, 0), (255, 255, 255)), centre


def test_portal_viewer_asks_for_tiles_and_says_tooltips_in_the_interface_language(
        browser, portal):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    seen = _tiles_seen(tab)
    tab.goto(f"{portal['base']}/items/{portal['ids']['map.tif']}/view?lang=vi")
    tab.wait_for_selector("#zoom-viewer .openseadragon-canvas canvas", timeout=30_000)
    tab.wait_for_load_state("networkidle")
    _zoom_twice(tab, "#zoom-viewer .openseadragon-canvas", "viewer")
    tab.wait_for_function("() => document.getElementById('zoom-loading').hidden")
    tip = tab.evaluate("() => OpenSeadragon.getString('Tooltips.ZoomIn')")
    centre = _centre_is_drawn(tab, "#zoom-viewer .openseadragon-canvas canvas")
    context.close()
    assert not errors, errors  # the Content-Security-Policy let everything run
    assert tip == "Phóng to"
    assert len(set(seen)) >= 4, seen
    assert centre not in ((0, 0, 0), (255, 255, 255)), centre
