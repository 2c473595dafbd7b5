"""Item pages: metadata, page images and text, thumbnails, the original, the zoom viewer."""
from __future__ import annotations

from math import ceil
from pathlib import PurePosixPath

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user

from archive.errors import NotFound
from archive.history import item_history
from archive.models import ITEM_FIELDS, FileRecord, Item
from archive.records import item_record
from archive.translations import translation_links
from search.access import may_see, visible_levels

from .derivatives import SIZES, page_image, renderable
from .downloads import content_disposition
from .media import player_context
from .readers import current_reader
from .resources import audience, get_catalog, get_searcher, get_store, settings, visible_item
from .search_views import PAGES_PER_CHUNK

__all__ = ["bp", "original_of", "metadata_rows"]

bp = Blueprint("items", __name__, url_prefix="/items")

_ZOOMABLE = ("map", "photo")
_RELATED = 5
_IMAGE_MAX_AGE = 3600  # seconds a browser may keep a page image or thumbnail


def original_of(item: Item) -> FileRecord | None:
    """The item's original file, if it has one (a DVD record has none)."""
    return next((f for f in get_catalog().files(item.id) if f.role == "original"), None)


def _file(item: Item, role: str) -> FileRecord | None:
    return next((f for f in get_catalog().files(item.id) if f.role == role), None)


def metadata_rows(item: Item) -> list[tuple[str, object, str | None]]:
    """(field, value, origin) of every filled-in field, the title first."""
    rows = []
    for name in ("title", "kind", *ITEM_FIELDS):
        if name == "media":  # technical facts: the player's own table shows them (web/media.py)
            continue
        value = getattr(item, name, None)
        if value not in (None, "", [], {}):
            rows.append((name, value, item.origins.get(name)))
    return rows


def _visible(ids: list[str]) -> list[Item]:
    catalog, who = get_catalog(), audience()
    found = (catalog.get_item(i) for i in ids)
    return [i for i in found if i is not None and may_see(who, i.access)]


def _related(item: Item) -> list:
    """Items like this one (shared words, places, subjects) that this visitor may see."""
    try:
        return get_searcher().more_like_this(item.id, get_catalog(), audience=audience(),
                                             limit=_RELATED).hits
    except NotFound:  # not in the index yet (ingest is still writing it)
        return []


def _cached(response, item: Item):
    # Only public images may sit in shared caches; anything else is for this reader alone.
    public = item.access == "public" and not current_user.is_authenticated
    response.headers["Cache-Control"] = (f"public, max-age={_IMAGE_MAX_AGE}" if public
                                         else "private, no-store")
    return response


@bp.get("/<item_id>")
def show(item_id: str):
    """The item page."""
    item = visible_item(item_id)
    catalog, reader = get_catalog(), current_reader()
    record = item_record(catalog, item.id, visible=visible_levels(audience()))
    pages = record["pages"]
    chunks = max(1, ceil(len(pages) / PAGES_PER_CHUNK))
    chunk = min(max(request.args.get("pp", 1, type=int), 1), chunks)
    original_id, translation_ids = translation_links(catalog, item)
    original = original_of(item)
    return render_template(
        "items/show.html", item=item, rows=metadata_rows(item), sources=record["sources"],
        original=original, renderable=renderable(original),
        has_thumbnail=_file(item, "thumbnail") is not None,
        zoomable=item.kind in _ZOOMABLE and renderable(original),
        pages=pages[(chunk - 1) * PAGES_PER_CHUNK:chunk * PAGES_PER_CHUNK], page_total=len(pages),
        chunk=chunk, chunks=chunks, chunk_size=PAGES_PER_CHUNK,
        translation_of=_visible([original_id] if original_id else []),
        translations=_visible(translation_ids), related=_related(item),
        cites=record.get("cites", []), cited_by=record.get("cited_by", []),
        events=item_history(catalog, item, reader), detailed=reader.staff,
        player=player_context(item) if original else None)


@bp.get("/<item_id>/thumbnail.jpg")
def thumbnail(item_id: str):
    """The small preview ingest made."""
    item = visible_item(item_id)
    found = _file(item, "thumbnail")
    if found is None:
        abort(404)
    return _cached(send_file(get_store().path_for(found.sha256), mimetype="image/jpeg"), item)


@bp.get("/<item_id>/pages/<int:n>.jpg")
def page(item_id: str, n: int):
    """Page `n` as a JPEG (?size=s|m|l|xl), rendered on first request and cached."""
    item = visible_item(item_id)
    size = request.args.get("size", "m")
    original = original_of(item)
    if size not in SIZES or not renderable(original):
        abort(404)
    path = page_image(settings(), original, n, size)
    if path is None:
        abort(404)
    return _cached(send_file(path, mimetype="image/jpeg"), item)


@bp.get("/<item_id>/original")
def download(item_id: str):
    """The original file, under the name it was ingested with."""
    item = visible_item(item_id)
    original = original_of(item)
    if original is None:
        abort(404)
    sources = get_catalog().sources(item.id)
    name = PurePosixPath(sources[0]).name if sources else f"{item.id}"
    response = send_file(get_store().path_for(original.sha256), mimetype=original.mime)
    # Not send_file's download_name: Werkzeug refuses a name with CR/LF in it (a 500), and an
    # original may well have arrived under one; ours encodes any name safely.
    response.headers["Content-Disposition"] = content_disposition(name or item.id)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<item_id>/view")
def viewer(item_id: str):
    """A page, map or photo in the zoomable viewer."""
    item = visible_item(item_id)
    original = original_of(item)
    if not renderable(original):
        abort(404)
    count = max(1, len(get_catalog().pages(item.id)))
    n = min(max(request.args.get("page", 1, type=int), 1), count)
    return render_template("items/viewer.html", item=item, n=n, count=count)
