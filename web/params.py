"""Read a search's query-string arguments (shared by the search page and /api/search)."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from archive.errors import UsageError
from search.query import SearchRequest

__all__ = ["search_request", "FILTER_ARGS", "BROWSE_ALL"]

# `lang` is taken: it picks the interface language, so the language filter is `language`.

# Facet filters beyond kind and language: query-string name -> index field.
FILTER_ARGS = {"collection": "collection", "lead_unit": "lead_unit"}
BROWSE_ALL = "*"  # what an empty search box means: everything this audience may see


def _int(args: MultiDict, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise UsageError(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def search_request(args: MultiDict, *, audience: str, limit: int, max_limit: int,
                   browse: bool = False) -> SearchRequest:
    """A SearchRequest from ?q=&kind=&language=&from=&to=&collection=&lead_unit=&sort=&page=&limit=."""
    query = (args.get("q") or "").strip()
    if not query and browse:
        query = BROWSE_ALL
    filters = {field: args[name].strip() for name, field in FILTER_ARGS.items()
               if (args.get(name) or "").strip()}
    return SearchRequest(
        query=query,
        kind=(args.get("kind") or "").strip() or None,
        lang=(args.get("language") or "").strip() or None,
        filters=filters,
        year_from=_int(args, "from", None, 1, 9999),
        year_to=_int(args, "to", None, 1, 9999),
        limit=_int(args, "limit", limit, 1, max_limit),
        page=_int(args, "page", 1, 1, 10_000),
        sort=(args.get("sort") or ("date" if query == BROWSE_ALL else "relevance")).strip(),
        audience=audience,
    )
