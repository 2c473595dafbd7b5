"""The JSON API: search (the CLI's JSON), items (`ttdn show --json`), stats, and its OpenAPI."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from archive.errors import UsageError
from archive.records import item_record
from archive.statistics import collection_stats
from search.access import visible_levels

from .openapi import openapi_document
from .params import search_request
from .resources import audience, get_catalog, get_searcher, visible_item

__all__ = ["bp"]

bp = Blueprint("api", __name__, url_prefix="/api")
_MAX_TYPED = 100  # characters of a search box worth completing


@bp.errorhandler(UsageError)
def _usage(err: UsageError):
    return jsonify(error=err.message), 400


@bp.get("/search")
def search():
    """Exactly what `ttdn search --json --as AUDIENCE` prints; anonymous callers are `public`."""
    req = search_request(request.args, audience=audience(),
                         limit=current_app.config["SEARCH_PAGE_SIZE"],
                         max_limit=current_app.config["API_MAX_LIMIT"])
    return jsonify(get_searcher().search(req, get_catalog()).to_dict())


@bp.get("/suggest")
def suggest():
    """Completions for the search box: words and titles of items this caller may see."""
    text = (request.args.get("q") or "").strip()
    if not text:
        return jsonify(titles=[], terms=[])
    limit = request.args.get("limit", 8, type=int)
    return jsonify(get_searcher().autocomplete(text[:_MAX_TYPED], audience=audience(),
                                               limit=max(1, min(limit, 20))))


@bp.get("/items/<item_id>")
def item(item_id: str):
    """What `ttdn show --json` prints, for an item this caller may see (else 404)."""
    found = visible_item(item_id)
    record = item_record(get_catalog(), found.id, visible=visible_levels(audience()))
    if audience() == "public":
        # Who changed what is the staff's business: the public sees that and when, not who.
        record["events"] = [{"action": e["action"], "at": e["at"], "actor": None, "detail": {},
                             "item_id": e["item_id"], "id": e["id"]} for e in record["events"]]
    return jsonify(record)


@bp.get("/stats")
def stats():
    """Counts, OCR coverage and work lists over the items this caller may see."""
    return jsonify(collection_stats(get_catalog(), visible_levels(audience())))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document())
