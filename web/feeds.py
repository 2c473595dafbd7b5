"""Atom feeds for the provincial portal: new public items (all, or one collection), published
exhibitions, and any search (`/?format=atom`), titled in the interface language (?lang=).

Feeds always speak for the public, even to a signed-in reader: the portal embeds them.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import get_locale, gettext as _

import exhibits
from archive import oai
from archive.errors import UsageError
from archive.models import Item

from .exhibits_public import in_language, picture_url
from .oai.xml import XML_LANG, clean, serialize
from .params import search_request
from .resources import get_catalog, get_engine

__all__ = ["bp", "ATOM", "MEDIA", "search_feed"]

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
ATOM = "http://www.w3.org/2005/Atom"
MEDIA = "http://search.yahoo.com/mrss/"
_SIZE = 50  # entries per feed: a portal shows the newest few
_SUMMARY_CHARS = 400
_MAX_AGE = 300  # seconds a portal or proxy may keep a feed


def _el(parent: ET.Element, tag: str, value: object = None, **attrib) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: clean(v) for k, v in attrib.items()})
    if value is not None:
        element.text = clean(value)
    return element


def _absolute(path: str) -> str:
    return urljoin(request.host_url, path)


def _feed(title: str, alternate: str, entries: list[dict]) -> Response:
    root = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: str(get_locale())})
    _el(root, "id", request.url)
    _el(root, "title", f"{title} · {_('Foreign Information Archive')}")
    _el(root, "updated", max((e["updated"] for e in entries), default=oai.datestamp()))
    _el(root, "link", rel="self", type="application/atom+xml", href=request.url)
    _el(root, "link", rel="alternate", type="text/html", href=alternate)
    _el(_el(root, "author"), "name", _("Foreign Information Archive"))
    for entry in entries:
        _entry(root, entry)
    body = serialize(root, {ATOM: "", MEDIA: "media"})
    response = Response(body, content_type="application/atom+xml; charset=utf-8")
    response.headers["Cache-Control"] = f"public, max-age={_MAX_AGE}"
    # Public data only: the provincial portal may fetch it from its own pages (CORS).
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _entry(root: ET.Element, entry: dict) -> None:
    node = _el(root, "entry", **({XML_LANG: entry["lang"]} if entry.get("lang") else {}))
    _el(node, "id", entry["url"])
    _el(node, "title", entry["title"])
    _el(node, "updated", entry["updated"])
    if entry.get("published"):
        _el(node, "published", entry["published"])
    _el(node, "link", rel="alternate", type="text/html", href=entry["url"])
    for term in entry.get("categories", ()):
        _el(node, "category", term=term)
    if entry.get("summary"):
        _el(node, "summary", entry["summary"], type="text")
    if entry.get("thumbnail"):
        ET.SubElement(node, f"{{{MEDIA}}}thumbnail", {"url": clean(entry["thumbnail"])})


def _summary(text: str | None) -> str | None:
    words = " ".join((text or "").split())
    return words if len(words) <= _SUMMARY_CHARS else words[:_SUMMARY_CHARS - 1].rstrip() + "…"


def _item_entry(item: Item, rec: oai.OaiRecord | None) -> dict:
    catalog = get_catalog()
    has_thumbnail = any(f.role == "thumbnail" for f in catalog.files(item.id))
    pages = catalog.pages(item.id) if not item.description else []
    stamp = rec.datestamp if rec else oai.datestamp(item.updated_at)
    return {
        "url": url_for("items.show", item_id=item.id, _external=True),
        "title": item.title or item.id, "updated": stamp,
        "published": (rec.published if rec and rec.published else None),
        "summary": _summary(item.description or (pages[0].text if pages else None)),
        "thumbnail": (url_for("items.thumbnail", item_id=item.id, _external=True)
                      if has_thumbnail else None),
        "categories": [item.kind, *([item.collection] if item.collection else [])],
        "lang": item.languages[0] if item.languages else None,
    }


def _public_items(records: list[oai.OaiRecord]) -> list[dict]:
    catalog, entries = get_catalog(), []
    for rec in records:
        item = catalog.get_item(rec.item_id)
        if item is not None and item.access in oai.PUBLIC_LEVELS:
            entries.append(_item_entry(item, rec))
    return entries


@bp.get("/items.atom")
def items():
    """The newest public items (?collection=<slug> for one collection)."""
    return _items_feed(request.args.get("collection") or None)


@bp.get("/collections/<slug>.atom")
def collection(slug: str):
    """The newest public items of one collection (its OAI setSpec slug)."""
    return _items_feed(slug)


def _items_feed(slug: str | None) -> Response:
    catalog = get_catalog()
    oai.catch_up(catalog)  # rows for items an older version wrote
    spec = f"collection:{slug}" if slug else None
    records = oai.public_records(catalog.db, set_spec=spec, limit=_SIZE, newest_first=True)
    entries = _public_items(records)
    title, alternate = _("Items"), url_for("search.index", _external=True)
    if slug:
        if not entries:
            abort(404)
        name = (entries[0]["categories"][1:] or [slug])[0]
        title = f"{title}: {name}"
        alternate = url_for("search.index", collection=name, _external=True)
    return _feed(title, alternate, entries)


@bp.get("/exhibitions.atom")
def exhibitions():
    """Published exhibitions, newest first, in the interface language where they have it."""
    catalog, lang, entries = get_catalog(), str(get_locale()), []
    for exhibition in exhibits.list_exhibitions(catalog, audience="public")[:_SIZE]:
        title, title_lang = in_language(exhibition.titles, lang)
        intro, _lang = in_language(exhibition.intros, lang)
        shown = exhibits.exhibits_of(catalog, exhibition, audience="public")
        picture = next((p for p in (picture_url(exhibition, x, "s") for x in shown) if p), None)
        entries.append({
            "url": url_for("exhibitions.show", slug=exhibition.slug, _external=True),
            "title": title, "lang": title_lang, "summary": _summary(intro),
            "updated": oai.datestamp(exhibition.updated_at),
            "published": oai.datestamp(exhibition.published_at or exhibition.updated_at),
            "thumbnail": _absolute(picture) if picture else None,
        })
    return _feed(_("Exhibitions"), url_for("exhibitions.index", _external=True), entries)


def _plain(snippet: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", snippet or ""))


def search_feed() -> Response:
    """The search page's results (public items only) as an Atom feed."""
    config = current_app.config
    try:
        req = search_request(request.args, audience="public", browse=True,
                             limit=config["SEARCH_PAGE_SIZE"], max_limit=config["API_MAX_LIMIT"])
        result = get_engine().search(req, get_catalog())
    except UsageError as err:
        return Response(err.message, status=400, content_type="text/plain; charset=utf-8")
    catalog, entries = get_catalog(), []
    for hit in result.hits:
        item = catalog.get_item(hit.id)
        if item is None or item.access not in oai.PUBLIC_LEVELS:
            continue
        entry = _item_entry(item, oai.record(catalog.db, item.id))
        entry["summary"] = _summary(_plain(hit.snippet)) or entry["summary"]
        entries.append(entry)
    args = {k: v for k, v in request.args.items() if k != "format"}
    return _feed(f"{_('Search')}: {req.query}" if req.query != "*" else _("Search"),
                 url_for("search.index", _external=True, **args), entries)


@bp.before_app_request
def _search_as_atom():
    # The search page itself stays as it is: ?format=atom on it answers with the feed.
    if request.endpoint == "search.index" and request.args.get("format") == "atom":
        return search_feed()
    return None
