"""The OpenAPI 3 document of /api (written out by hand: the API is small and stable)."""
from __future__ import annotations

from archive.models import ACCESS_LEVELS, KINDS
from search.parse import MAX_QUERY_LENGTH

__all__ = ["openapi_document", "SUGGEST_LIMITS", "YEARS", "MAX_PAGE", "BROWSE_NAMES"]

# Bounds /api checks, written once so that description and behaviour agree: the API imports
# these; web/params.py holds the same years and pages (tests/test_hostile_api_contract.py runs
# schemathesis against the live portal and catches a drift).
SUGGEST_LIMITS = (1, 8, 20)  # lowest, default, highest number of completions of each kind
YEARS = (1, 9999)
MAX_PAGE = 10_000
BROWSE_NAMES = ("places", "subjects", "creators", "collections", "periods")  # web/browse.py


def _param(name: str, description: str, schema: dict, *, where: str = "query",
           required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema}


_INT = {"type": "integer", "minimum": 1}
_STR = {"type": "string"}
_ERROR = {"description": "Unreadable query or argument",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_MISSING = {"description": "No such item, or not one this caller may see (the same answer)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

_YEAR = {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]}
_SEARCH_PARAMS = [
    # A query must hold something to search for; whether it parses (a closed quote, a known
    # field) is the query language's business, answered with a 400 and its reason.
    _param("q", 'The query: words, "phrases", AND/OR/NOT, field:value (loai:bando, '
           "nam:1940..1950, so:51/KH-UBND); * for everything. Not empty; an unreadable query "
           "answers 400 with the reason", {"type": "string", "minLength": 1,
                                            "maxLength": MAX_QUERY_LENGTH, "pattern": r"\S"},
           required=True),
    _param("kind", "Only this kind", {"type": "string", "enum": list(KINDS)}),
    _param("language", "Only items in this language (ISO 639-1: vi, en, zh, ja, ko, fr)", _STR),
    _param("from", "From this year", _YEAR),
    _param("to", "Up to this year", _YEAR),
    _param("collection", "Only this collection", _STR),
    _param("lead_unit", "Only this lead unit", _STR),
    _param("places", "Only items about this place", _STR),
    _param("subjects", "Only items with this subject", _STR),
    _param("creator", "Only items by this creator", _STR),
    _param("access", "Only items at this access level, among the levels the session may see "
           "(a level it may not see answers 400)", {"type": "string",
                                                      "enum": list(ACCESS_LEVELS)}),
    _param("sort", "Order of the hits", {"type": "string",
                                         "enum": ["relevance", "date", "title"]}),
    _param("limit", "Hits per page (at most 100)", {**_INT, "maximum": 100, "default": 20}),
    _param("page", "Page of hits (past the last page: no hits, the same total)",
           {**_INT, "maximum": MAX_PAGE, "default": 1}),
]
# A search form's blank field arrives as `kind=` or `from=`: every optional argument left empty
# means what leaving it out means (no filter, no bound, the default).
for _p in _SEARCH_PARAMS:
    if not _p["required"]:
        _p["allowEmptyValue"] = True

_SCHEMAS = {
    "Error": {"type": "object", "properties": {"error": _STR}, "required": ["error"]},
    "Hit": {"type": "object", "properties": {
        "id": _STR, "title": _STR, "kind": _STR,
        "languages": {"type": "array", "items": _STR},
        "date": {"type": "string", "nullable": True}, "access": _STR,
        "source": {"type": "string", "nullable": True,
                   "description": "path as ingested, or the identifier of a record without a"
                                  " file"},
        "score": {"type": "number"},
        "snippet": {"type": "string", "description": "HTML-escaped text, matches in <mark>"},
        "pages": {"type": "array", "items": {"type": "integer"}},
        "snippets": {"type": "array", "items": {"type": "object", "properties": {
            "page": {"type": "integer"}, "text": _STR}}}}},
    "SearchResult": {"type": "object", "required": ["total", "hits", "facets"], "properties": {
        "total": {"type": "integer"},
        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
        "facets": {"type": "object", "description": "facet -> value -> count",
                   "additionalProperties": {"type": "object",
                                            "additionalProperties": {"type": "integer"}}}}},
    "Browse": {"type": "object", "required": ["browse", "sections"], "properties": {
        "browse": _STR,
        "sections": {"type": "array", "items": {"type": "object", "properties": {
            "facet": {"type": "string", "description": "the search argument each url sets"},
            "values": {"type": "array", "items": {"$ref": "#/components/schemas/BrowseValue"}}}}}}},
    "BrowseValue": {"type": "object", "required": ["value", "count", "url"], "properties": {
        "value": _STR, "count": {"type": "integer", "description": "items this caller may see"},
        "url": {"type": "string", "description": "the search page filtered by this value"},
        "years": {"type": "array", "description": "a decade's years (periods only)",
                  "items": {"$ref": "#/components/schemas/BrowseValue"}}}},
    "Suggestions": {"type": "object", "properties": {
        "terms": {"type": "array", "items": _STR},
        "titles": {"type": "array", "items": {"type": "object", "properties": {
            "id": _STR, "title": _STR}}}}},
    "Item": {"type": "object", "additionalProperties": True,
             "description": "Every field of the item (Dublin Core and the domain's own), its "
                            "sources, files, pages [{n, text, origin, confidence, language}] "
                            "and events, as `ttdn show --json` prints it; events are those this "
                            "caller may see [{id, item_id, action, actor, at, detail, redacted}]"
                            " (the public: no actor, no detail)",
             "properties": {"id": _STR, "title": _STR, "kind": _STR, "access": _STR,
                            "source": {"type": "string", "nullable": True},
                            "pages": {"type": "array", "items": {"type": "object"}},
                            "events": {"type": "array", "items": {"$ref":
                                                                  "#/components/schemas/Event"}}}},
    "Event": {"type": "object", "required": ["action", "at", "actor", "detail", "redacted"],
              "properties": {"id": {"type": "integer", "nullable": True},
                             "item_id": {"type": "string", "nullable": True},
                             "action": _STR, "at": _STR,
                             "actor": {"type": "string", "nullable": True},
                             "detail": {"type": "object"},
                             "redacted": {"type": "boolean", "description": "the details were "
                                          "written when the item was at a level this caller "
                                          "may not see"}}},
    "Stats": {"type": "object", "additionalProperties": True,
              "description": "Counts by kind, language, year, lead unit and access; pages by "
                             "origin; low-confidence OCR pages; items with no foreign-language "
                             "version",
              "properties": {"items": {"type": "integer"}, "pages": {"type": "integer"}}},
}


def openapi_document() -> dict:
    """The whole document."""
    json_of = lambda ref: {"application/json": {"schema": {  # noqa: E731
        "$ref": f"#/components/schemas/{ref}"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "ttdn-archive API", "version": "1",
                 "description": "Search and read the archive. Without a staff session every "
                                "answer covers public items only."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Search (the JSON of `ttdn search --json`)",
                "parameters": _SEARCH_PARAMS,
                "responses": {"200": {"description": "Hits and facet counts",
                                      "content": json_of("SearchResult")}, "400": _ERROR}}},
            "/api/suggest": {"get": {
                "summary": "Completions for a search box (autocomplete)",
                "parameters": [_param("q", "What has been typed so far (empty: no "
                                           "suggestions)", _STR, required=True),
                               _param("limit", "At most this many of each", {
                                   "type": "integer", "minimum": SUGGEST_LIMITS[0],
                                   "maximum": SUGGEST_LIMITS[2], "default": SUGGEST_LIMITS[1]})],
                "responses": {"200": {"description": "Completed queries and item titles",
                                      "content": json_of("Suggestions")}, "400": _ERROR}}},
            "/api/items/{id}": {"get": {
                "summary": "One item (the JSON of `ttdn show --json`)",
                "parameters": [_param("id", "The item id", _STR, where="path", required=True)],
                "responses": {"200": {"description": "The item", "content": json_of("Item")},
                              "404": _MISSING}}},
            "/api/browse/{name}": {"get": {
                "summary": "Values of places, subjects, creators, collections or periods, with "
                           "counts of the items this caller may see",
                "parameters": [_param("name", "What to list", {"type": "string", "enum": list(
                                   BROWSE_NAMES)}, where="path", required=True),
                               _param("sort", "count: most items first (default); name: A-Z",
                                      {"type": "string", "enum": ["count", "name"]})],
                "responses": {"200": {"description": "Values, counts and their searches",
                                      "content": json_of("Browse")}, "400": _ERROR,
                              "404": {**_MISSING, "description": "No such list"}}}},
            "/api/stats": {"get": {
                "summary": "Collection statistics",
                "responses": {"200": {"description": "Counts and lists",
                                      "content": json_of("Stats")}}}},
            "/api/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3 document"}}}},
        },
        "components": {"schemas": _SCHEMAS},
    }
