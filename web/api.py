"""The JSON API: search (the CLI's JSON), items (`ttdn show --json`), stats, and its OpenAPI."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from archive.errors import UsageError
from archive.history import item_history
from archive.models import KINDS
from archive.records import item_record
from archive.statistics import collection_stats
from search.access import visible_levels

from .openapi import SUGGEST_LIMITS, openapi_document
from .params import search_request
from .readers import current_reader
from .resources import audience, get_catalog, get_read_catalog, get_engine, visible_item

__all__ = ["bp"]

bp = Blueprint("api", __name__, url_prefix="/api")
_MAX_TYPED = 100  # characters of a search box worth completing


@bp.errorhandler(UsageError)
def _usage(err: UsageError):
    return jsonify(error=err.message), 400


def _required(name: str) -> str:
    """A query argument the OpenAPI description marks required: missing is a 400, as declared."""
    if name not in request.args:
        raise UsageError(f"the argument {name!r} is required, e.g. ?{name}=lang+son")
    return request.args[name]


def _whole(name: str, low: int, default: int, high: int) -> int:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise UsageError(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


@bp.get("/search")
def search():
    """Exactly what `ttdn search --json --as AUDIENCE` prints; anonymous callers are `public`."""
    _required("q")
    req = search_request(request.args, audience=audience(),
                         limit=current_app.config["SEARCH_PAGE_SIZE"],
                         max_limit=current_app.config["API_MAX_LIMIT"])
    if req.kind and req.kind not in KINDS:
        # The description lists the kinds; a typo must not read as "no such items".
        raise UsageError(f"unknown kind {req.kind!r}; use one of {', '.join(KINDS)}")
    engine = get_engine()
    if not hasattr(engine, "search_body"):  # an engine without the result cache
        return jsonify(engine.search(req, get_read_catalog()).to_dict())
    # Serialized once per cached answer: a repeated search costs a lookup, not a dump.
    body = engine.search_body(req, get_read_catalog(), _json_bytes)
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def _json_bytes(result) -> bytes:
    """The bytes jsonify would send for this result (the app's JSON settings)."""
    return current_app.json.response(result.to_dict()).get_data()


@bp.get("/suggest")
def suggest():
    """Completions for the search box: words and titles of items this caller may see."""
    text = _required("q").strip()
    limit = _whole("limit", *SUGGEST_LIMITS)
    if not text:
        return jsonify(titles=[], terms=[])
    return jsonify(get_engine().autocomplete(text[:_MAX_TYPED], audience=audience(),
                                               limit=limit))


@bp.get("/items/<item_id>")
def item(item_id: str):
    """What `ttdn show --json` prints, for an item this caller may see (else 404)."""
    found = visible_item(item_id)
    record = item_record(get_catalog(), found.id, visible=visible_levels(audience()))
    record["events"] = [e.to_dict() for e in item_history(get_catalog(), found, current_reader())]
    return jsonify(record)


@bp.get("/stats")
def stats():
    """Counts, OCR coverage and work lists over the items this caller may see."""
    return jsonify(collection_stats(get_catalog(), visible_levels(audience())))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document())
