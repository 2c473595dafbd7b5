"""Saved searches per staff account, with counts, and a private Atom feed of their new hits."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from archive.catalog import now_iso
from archive.errors import NotFound, UsageError
from archive.saved_searches import KEPT_ARGS, SavedSearch, SavedSearches
from search.edit_commands import result_ids

from .params import search_request
from .resources import audience, get_catalog, get_engine
from .staff import require_staff

__all__ = ["bp", "new_hits"]

bp = Blueprint("staff_saved", __name__, url_prefix="/staff/saved")
bp.before_request(require_staff)
_ATOM = "http://www.w3.org/2005/Atom"
_FEED_SIZE = 50
_REACH = 2000  # hits of a saved search looked at for new ones


def _count(saved: SavedSearch) -> int | None:
    try:
        req = search_request(MultiDict(saved.args), audience=audience(), browse=True, limit=1,
                             max_limit=1)
        return get_engine().search(req, get_catalog()).total
    except UsageError:  # a search saved with a filter this account may no longer use
        return None


def new_hits(saved: SavedSearch) -> list[dict]:
    """Items the search finds that were archived after it was saved, newest first."""
    req = search_request(MultiDict(saved.args), audience=audience(), browse=True, limit=1,
                         max_limit=_REACH)
    catalog = get_catalog()
    found = []
    for item_id in result_ids(get_engine(), catalog, req)[:_REACH]:
        item = catalog.get_item(item_id)
        if item is not None and (item.created_at or "") >= saved.created_at:
            found.append({"id": item.id, "title": item.title or item.id,
                          "created_at": item.created_at})
    return sorted(found, key=lambda x: x["created_at"], reverse=True)[:_FEED_SIZE]


@bp.get("/")
def index():
    """This account's saved searches with how many items each finds now."""
    store = SavedSearches(get_catalog())
    rows = [(s, _count(s), len(new_hits(s))) for s in store.all(current_user.name)]
    return render_template("staff/saved.html", rows=rows, form=FlaskForm())


@bp.post("/")
def save():
    """Save the search the form carries (the search page's arguments) under a name."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    args = {k: request.form.get(k, "").strip() for k in KEPT_ARGS}
    try:
        SavedSearches(get_catalog()).add(current_user.name, request.form.get("name", ""), args)
    except UsageError as err:
        flash(err.message, "error")
    else:
        flash(_("The search is saved."), "success")
    return redirect(url_for("staff_saved.index"))


@bp.post("/<int:search_id>/delete")
def delete(search_id: int):
    """Forget one saved search."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        SavedSearches(get_catalog()).delete(current_user.name, search_id)
    except NotFound:
        abort(404)
    return redirect(url_for("staff_saved.index"))


def _el(parent, tag: str, text: str | None = None, **attrib) -> ET.Element:
    node = ET.SubElement(parent, f"{{{_ATOM}}}{tag}", attrib)
    if text is not None:
        node.text = text
    return node


@bp.get("/<int:search_id>.atom")
def feed(search_id: int):
    """The saved search's new hits as Atom (for this account only: never cached, never shared)."""
    try:
        saved = SavedSearches(get_catalog()).get(current_user.name, search_id)
    except NotFound:
        abort(404)
    hits = new_hits(saved)
    ET.register_namespace("", _ATOM)
    root = ET.Element(f"{{{_ATOM}}}feed")
    _el(root, "id", request.base_url)
    _el(root, "title", saved.name)
    _el(root, "updated", hits[0]["created_at"] if hits else now_iso())
    _el(root, "link", rel="alternate", type="text/html",
        href=url_for("search.index", _external=True, **saved.args))
    for hit in hits:
        entry = _el(root, "entry")
        url = url_for("items.show", item_id=hit["id"], _external=True)
        _el(entry, "id", url)
        _el(entry, "title", hit["title"])
        _el(entry, "updated", hit["created_at"])
        _el(entry, "link", rel="alternate", type="text/html", href=url)
    body = ET.tostring(root, encoding="unicode", xml_declaration=True)
    return Response(body, content_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "private, no-store"})
