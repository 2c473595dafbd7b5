"""IIIF Image API 3.0 (level 1, and most of level 2) over the page pyramids.

`/iiif/3/{item_id}/{page}/info.json` and `/iiif/3/{item_id}/{page}/{region}/{size}/{rotation}/
{quality}.{format}`; `/iiif/3/{item_id}/{page}` redirects to its info.json. An item the visitor
may not see answers exactly as a missing one (404), through the same `visible_item` as every
page. Public answers carry CORS and may sit in shared caches; others are private.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from flask import Response, abort, current_app, redirect, request, url_for
from flask_login import current_user

from archive.errors import CorruptFile
from archive.models import FileRecord, Item
from archive.pyramids import TILE, Pyramid, ensure_pyramid, has_pages, render_region

from ..resources import get_catalog, settings, visible_item
from . import bp
from .params import FORMATS, QUALITIES, BadRequest, parse

__all__ = ["image_service", "info_json", "original_with_pages", "public_headers"]

log = logging.getLogger(__name__)

CONTEXT = "http://iiif.io/api/image/3/context.json"
_MAX_AGE = 86400  # seconds: a tile of an immutable original never changes
_EXTRA_FEATURES = ["baseUriRedirect", "cors", "jsonldMediaType", "mirroring", "regionByPct",
                   "regionByPx", "regionSquare", "rotationBy90s", "sizeByConfinedWh", "sizeByH",
                   "sizeByPct", "sizeByW", "sizeByWh", "sizeUpscaling"]


class _AnswerCache:
    """Recent answers by pyramid and request, held to a byte budget (least recently used go).

    A viewer's neighbours ask for the same tiles of the same map: the second asker gets bytes,
    not a JPEG decode and encode. Keyed by the pyramid's path (the original's hash): never stale.
    """

    def __init__(self, budget: int) -> None:
        self.budget, self.used = budget, 0
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        """The cached answer, marked as used now, or None."""
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: tuple, data: bytes) -> None:
        """Keep `data`; evict the least recently used answers past the budget."""
        with self._lock:
            if key in self._items or len(data) > self.budget // 8:
                return
            self._items[key] = data
            self.used += len(data)
            while self.used > self.budget:
                _, old = self._items.popitem(last=False)
                self.used -= len(old)


_ANSWERS = _AnswerCache(64 * 1024 * 1024)  # bytes per process: ~4,000 256-pixel tiles


def original_with_pages(item: Item) -> FileRecord | None:
    """The item's original when it is an image or a PDF (what a pyramid is made from)."""
    original = next((f for f in get_catalog().files(item.id) if f.role == "original"), None)
    return original if has_pages(original) else None


def public_headers(response: Response, item: Item) -> Response:
    """CORS and shared caching for a public item seen anonymously; private caching otherwise."""
    if item.access == "public" and not current_user.is_authenticated:
        response.headers["Access-Control-Allow-Origin"] = "*"
        # Viewers on other sites (Mirador, Universal Viewer) draw our tiles on their canvas.
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        response.headers["Cache-Control"] = f"public, max-age={_MAX_AGE}"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def image_service(item_id: str, page: int) -> str:
    """The Image API id (base URI) of a page."""
    return url_for("iiif.base", item_id=item_id, page=page, _external=True)


def _pyramid(item_id: str, page: int) -> tuple[Item, Pyramid]:
    item = visible_item(item_id)
    original = original_with_pages(item)
    if original is None or page < 1:
        abort(404)
    try:
        pyramid = ensure_pyramid(settings(), original, page)
    except CorruptFile as e:
        log.warning("no pyramid for page %d of %s: %s", page, item.id, e)
        pyramid = None
    if pyramid is None:
        abort(404)
    return item, pyramid


def info_json(item_id: str, page: int, pyramid: Pyramid) -> dict:
    """The image information document of a page."""
    max_area = settings().iiif_max_area
    factors = [2 ** k for k in range(len(pyramid.levels))]
    sizes = [{"width": w, "height": h} for w, h in reversed(pyramid.levels) if w * h <= max_area]
    return {
        "@context": CONTEXT, "id": image_service(item_id, page), "type": "ImageService3",
        "protocol": "http://iiif.io/api/image", "profile": "level1",
        "width": pyramid.width, "height": pyramid.height, "maxArea": max_area,
        "sizes": sizes, "tiles": [{"width": TILE, "height": TILE, "scaleFactors": factors}],
        "extraQualities": [q for q in QUALITIES if q != "default"],
        "extraFormats": [f for f in FORMATS if f != "jpg"], "extraFeatures": _EXTRA_FEATURES,
    }


@bp.get("/<item_id>/<int:page>")
def base(item_id: str, page: int):
    """The base URI of a page's image service: a redirect to its info.json."""
    visible_item(item_id)  # a hidden item's base URI looks missing, too
    response = redirect(url_for("iiif.info", item_id=item_id, page=page), code=303)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/<item_id>/<int:page>/info.json")
def info(item_id: str, page: int):
    """The image information of page `page`: size, tiles, sizes and what this server does."""
    item, pyramid = _pyramid(item_id, page)
    response = current_app.json.response(info_json(item.id, page, pyramid))
    if "application/ld+json" in request.headers.get("Accept", ""):
        response.mimetype = "application/ld+json"
        response.headers["Content-Type"] = f'application/ld+json;profile="{CONTEXT}"'
    response.headers["Link"] = '<http://iiif.io/api/image/3/level1.json>;rel="profile"'
    return _conditional(public_headers(response, item))


@bp.get("/<item_id>/<int:page>/<region>/<size>/<rotation>/<quality_format>")
def image(item_id: str, page: int, region: str, size: str, rotation: str,
          quality_format: str):
    """A region of page `page` at a size, rotation, quality and format (JPEG or PNG)."""
    item, pyramid = _pyramid(item_id, page)
    try:
        asked = parse(region, size, rotation, quality_format, pyramid.width, pyramid.height,
                      settings().iiif_max_area)
    except BadRequest as e:
        return public_headers(Response(f"{e}\n", 400, mimetype="text/plain"), item)
    key = (str(pyramid.path), asked)
    data = _ANSWERS.get(key)
    if data is None:
        try:
            data = render_region(pyramid, asked.region, asked.size, rotation=asked.rotation,
                                 mirror=asked.mirror, quality=asked.quality, fmt=asked.format)
        except CorruptFile as e:
            log.warning("page %d of %s: %s", page, item.id, e)
            abort(404)
        _ANSWERS.put(key, data)
    response = Response(data, mimetype=FORMATS[asked.format])
    canonical = url_for("iiif.image", item_id=item.id, page=page, region=region, size=size,
                        rotation=rotation, quality_format=quality_format, _external=True)
    response.headers["Link"] = f'<{canonical}>;rel="canonical"'
    return _conditional(public_headers(response, item))


def _conditional(response: Response) -> Response:
    response.add_etag()
    return response.make_conditional(request)


@bp.after_request
def _allow_cors_preflight_headers(response: Response) -> Response:
    # A viewer's XHR for info.json may ask for these; answers of hidden items carry no CORS.
    if "Access-Control-Allow-Origin" in response.headers:
        response.headers.setdefault("Access-Control-Expose-Headers", "Link, ETag")
    return response
