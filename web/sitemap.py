"""/sitemap.xml of public items and published exhibitions (an index of parts when large), and
/robots.txt, which keeps crawlers out of the staff side and points them at the sitemap.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from math import ceil

from flask import Blueprint, Response, abort, current_app, url_for

import exhibits
from archive import oai

from .oai.xml import serialize
from .jsonld import exhibition_jsonld, item_jsonld
from .resources import get_catalog

__all__ = ["bp", "SITEMAP"]

bp = Blueprint("sitemap", __name__)
# What crawlers read lives together: the public pages' JSON-LD blocks come from here as well.
bp.add_app_template_global(item_jsonld, "item_jsonld")
bp.add_app_template_global(exhibition_jsonld, "exhibition_jsonld")
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XML = "application/xml; charset=utf-8"
# The protocol allows 50,000 URLs per file; SITEMAP_MAX_URLS lowers it (tests, small hosts).
_DEFAULT_MAX = 50_000
# The staff side, sign-in and the machine interfaces: nothing there for a search engine.
_DISALLOW = ("/staff/", "/login", "/logout", "/api/", "/oai")


def _max_urls() -> int:
    return max(1, min(_DEFAULT_MAX, int(current_app.config.get("SITEMAP_MAX_URLS", _DEFAULT_MAX))))


def _xml(root: ET.Element) -> Response:
    return Response(serialize(root, {SITEMAP: ""}), content_type=_XML)


def _urlset(urls: list[tuple[str, str | None]]) -> Response:
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for loc, lastmod in urls:
        node = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(node, f"{{{SITEMAP}}}loc").text = loc
        if lastmod:
            ET.SubElement(node, f"{{{SITEMAP}}}lastmod").text = lastmod
    return _xml(root)


def _page_urls() -> list[tuple[str, str | None]]:
    """The home page, the exhibitions page and every published exhibition."""
    urls = [(url_for("search.index", _external=True), None),
            (url_for("exhibitions.index", _external=True), None)]
    for exhibition in exhibits.list_exhibitions(get_catalog(), audience="public"):
        urls.append((url_for("exhibitions.show", slug=exhibition.slug, _external=True),
                     oai.datestamp(exhibition.updated_at)))
    return urls


def _item_urls(limit: int | None = None, offset: int = 0) -> list[tuple[str, str | None]]:
    return [(url_for("items.show", item_id=r.item_id, _external=True), r.datestamp)
            for r in oai.public_records(get_catalog().db, limit=limit, offset=offset)]


def _item_count() -> int:
    catalog = get_catalog()
    oai.catch_up(catalog)  # rows for items an older version wrote
    return oai.public_count(catalog.db)


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page; past the per-file limit, an index of parts instead."""
    pages, limit = _page_urls(), _max_urls()
    items = _item_count()
    if len(pages) + items <= limit:
        return _urlset(pages + _item_urls())
    root = ET.Element(f"{{{SITEMAP}}}sitemapindex")
    parts = [url_for("sitemap.pages_part", _external=True)] + [
        url_for("sitemap.items_part", n=n, _external=True)
        for n in range(1, ceil(items / limit) + 1)]
    for loc in parts:
        ET.SubElement(ET.SubElement(root, f"{{{SITEMAP}}}sitemap"), f"{{{SITEMAP}}}loc").text = loc
    return _xml(root)


@bp.get("/sitemaps/pages.xml")
def pages_part():
    """The part of a large sitemap with the home page and the exhibitions."""
    return _urlset(_page_urls())


@bp.get("/sitemaps/items-<int:n>.xml")
def items_part(n: int):
    """Part `n` (from 1) of a large sitemap's items."""
    limit = _max_urls()
    if n < 1 or (n - 1) * limit >= max(_item_count(), 1):
        abort(404)
    return _urlset(_item_urls(limit, (n - 1) * limit))


@bp.get("/robots.txt")
def robots():
    """Crawlers: the public portal yes, the staff side no; where the sitemap is."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in _DISALLOW), "Allow: /", "",
             f"Sitemap: {url_for('sitemap.sitemap', _external=True)}", ""]
    return Response("\n".join(lines), content_type="text/plain; charset=utf-8")
