"""Item pages: metadata, page images and text, thumbnails, the original, the zoom viewer."""
from __future__ import annotations

from math import ceil
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, g, render_template, request, send_file, url_for
from flask_login import current_user

from archive.errors import NotFound
from archive.history import item_history
from archive.models import ITEM_FIELDS, FileRecord, Item
from archive.records import item_record
from archive.translations import translation_links
from search.access import may_see, visible_levels
from search.marks import marks_for_text
from search.snippets import mark_text

from .derivatives import SIZES, page_image, renderable
from .downloads import content_disposition
from .media import player_context
from .readers import current_reader
from .resources import audience, get_catalog, get_engine, get_store, settings, visible_item
from .search_views import PAGES_PER_CHUNK

__all__ = ["bp", "original_of", "metadata_rows", "format_name", "hit_page_url", "item_url",
           "thumbnail_url"]

bp = Blueprint("items", __name__, url_prefix="/items")

_ZOOMABLE = ("map", "photo")
_RELATED = 5
_IMAGE_MAX_AGE = 3600  # seconds a browser may keep a page image or thumbnail
_FORMAT_NAMES = {"application/pdf": "PDF", "text/plain": "TXT", "image/jpeg": "JPEG",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX"}
_MAX_BACK = 2000  # characters of a results page's query string carried to an item page


def original_of(item: Item) -> FileRecord | None:
    """The item's original file, if it has one (a DVD record has none)."""
    return next((f for f in get_catalog().files(item.id) if f.role == "original"), None)


def _file(item: Item, role: str) -> FileRecord | None:
    return next((f for f in get_catalog().files(item.id) if f.role == role), None)


def format_name(mime: str | None) -> str:
    """A file format as visitors know it ("PDF", "JPEG"), not its MIME type.

    >>> format_name("application/pdf"), format_name("image/tiff"), format_name("audio/x-wav")
    ('PDF', 'TIFF', 'WAV')
    """
    if not mime:
        return ""
    if mime in _FORMAT_NAMES:
        return _FORMAT_NAMES[mime]
    subtype = mime.split("/", 1)[-1].split(";", 1)[0]
    return subtype.removeprefix("x-").removeprefix("vnd.").upper()


def metadata_rows(item: Item, *, staff: bool = True) -> list[tuple[str, object, str | None]]:
    """(field, value, origin) of every filled-in field, the title first.

    Visitors who are not staff see the format by name, not its MIME type, and no item ids.
    """
    rows = []
    for name in ("title", "kind", *ITEM_FIELDS):
        if name == "media":  # technical facts: the player's own table shows them (web/media.py)
            continue
        value = getattr(item, name, None)
        if name == "translation_of" and not staff:
            continue  # an item id: the "Translation of" links name it, if the visitor may see it
        if name == "format" and not staff:
            value = format_name(value)
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
        return get_engine().more_like_this(item.id, get_catalog(), audience=audience(),
                                             limit=_RELATED).hits
    except NotFound:  # not in the index yet (ingest is still writing it)
        return []


def _cached(response, item: Item):
    # Only public images may sit in shared caches; anything else is for this reader alone.
    public = item.access == "public" and not current_user.is_authenticated
    response.headers["Cache-Control"] = (f"public, max-age={_IMAGE_MAX_AGE}" if public
                                         else "private, no-store")
    return response


@bp.app_template_global()
def hit_page_url(item_id: str, n: int, chunk_size: int = PAGES_PER_CHUNK) -> str:
    """Page `n` of an item, from a results page: the query to mark there and the way back."""
    # A results page has dozens of these links and the query and the way back are the same
    # in all: they are encoded once per request (as url_for would: pp first, then q, back).
    links = g.get("hit_page_links")
    if links is None:
        query = request.args.get("q", "")
        back = request.query_string.decode("utf-8", "replace")
        tail = urlencode({"q": query, "back": back} if query else {}, safe="!$'()*,/:;?@")
        links = g.hit_page_links = (url_for("items.show", item_id="0"), tail)
    base, tail = links
    # Item ids are hex digests: the route is the same but for the id, which needs no quoting.
    path = base[:-1] + item_id if item_id.isalnum() and item_id.isascii() \
        else url_for("items.show", item_id=item_id)
    pp = f"pp={(n - 1) // chunk_size + 1}" if n > chunk_size else ""
    args = "&".join(part for part in (pp, tail) if part)
    return f"{path}{'?' if args else ''}{args}#page-{n}"


_ID_MARK = "ttdnitemid0"  # stands for the id in a route built once per request


def _item_route(endpoint: str, item_id: str) -> str:
    """``url_for(endpoint, item_id=item_id)``, the route built once per request and endpoint.

    A results page links every hit to its page and thumbnail (``url_for`` costs ~15 µs each);
    item ids are hex digests, which the route holds as they are: anything else goes through
    ``url_for``, which quotes it.
    """
    if not (item_id.isalnum() and item_id.isascii()):
        return url_for(endpoint, item_id=item_id)
    routes = g.get("item_routes")
    if routes is None:
        routes = g.item_routes = {}
    found = routes.get(endpoint)
    if found is None:
        found = routes[endpoint] = tuple(url_for(endpoint, item_id=_ID_MARK).split(_ID_MARK, 1))
    return f"{found[0]}{item_id}{found[1]}"


@bp.app_template_global()
def item_url(item_id: str) -> str:
    """The item's page (``url_for("items.show", item_id=...)``)."""
    return _item_route("items.show", item_id)


@bp.app_template_global()
def thumbnail_url(item_id: str) -> str:
    """The item's thumbnail (``url_for("items.thumbnail", item_id=...)``)."""
    return _item_route("items.thumbnail", item_id)


def _back_url() -> str | None:
    """The results page the visitor came from: only ever the search page, with its arguments."""
    back = request.args.get("back", "")
    if not back or len(back) > _MAX_BACK:
        return None
    args = [(k, v) for k, v in parse_qsl(back, keep_blank_values=False) if k != "back"]
    return f"{url_for('search.index')}?{urlencode(args)}" if args else None


def _marked_pages(pages: list[dict]) -> dict[int, str]:
    """Each shown page's text with the query's words in <mark> (escaped); {} without a query."""
    marks = marks_for_text(request.args.get("q", ""))
    return {p["n"]: mark_text(p["text"] or "", marks) for p in pages} if marks else {}


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
    shown = pages[(chunk - 1) * PAGES_PER_CHUNK:chunk * PAGES_PER_CHUNK]
    return render_template(
        "items/show.html", item=item, rows=metadata_rows(item, staff=reader.staff),
        sources=record["sources"] if reader.staff else [], format_name=format_name,
        original=original, renderable=renderable(original),
        has_thumbnail=_file(item, "thumbnail") is not None,
        zoomable=item.kind in _ZOOMABLE and renderable(original),
        pages=shown, page_total=len(pages), marked=_marked_pages(shown),
        keep=_kept(),
        back_url=_back_url(), chunk=chunk, chunks=chunks, chunk_size=PAGES_PER_CHUNK,
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
    keep = _kept()
    # Back to this page of the item, its query still marked, when the visitor came from a hit.
    item_url = url_for("items.show", item_id=item.id, _anchor=f"page-{n}" if keep else None,
                       pp=(n - 1) // PAGES_PER_CHUNK + 1 if keep and n > PAGES_PER_CHUNK
                       else None, **keep)
    return render_template("items/viewer.html", item=item, n=n, count=count, keep=keep,
                           item_url=item_url)


def _kept() -> dict[str, str]:
    """The query and the way back to the results, carried from page to page of an item."""
    return {k: request.args[k] for k in ("q", "back") if request.args.get(k)}
