"""Read a search's query-string arguments (shared by the search page and /api/search)."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from archive.errors import QuerySyntaxError
from search.facets import FACETS
from search.notices import N_
from search.query import SearchRequest

__all__ = ["search_request", "FILTER_ARGS", "BROWSE_ALL"]

# `lang` is taken: it picks the interface language, so the language filter is `language`.

# Facets that filter under their own name (year too: "2017" or a decade such as "1940s");
# kind and language have arguments of their own; access too (only among the audience's levels).
FILTER_ARGS = tuple(f for f in FACETS if f not in ("kind", "languages", "access"))
BROWSE_ALL = "*"  # what an empty search box means: everything this audience may see
BROWSE_SORT = "date"  # an empty box lists the newest first


def _int(args: MultiDict, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise QuerySyntaxError(N_("%(name)s must be a whole number from %(low)s to %(high)s"),
                               name=name, low=low, high=high)
    return int(raw)


def _default_sort(query: str, browse: bool) -> str:
    # The page lists everything newest first; the API defaults as `ttdn search` does.
    return BROWSE_SORT if browse and query == BROWSE_ALL else "relevance"


def search_request(args: MultiDict, *, audience: str, limit: int, max_limit: int,
                   browse: bool = False) -> SearchRequest:
    """A SearchRequest from ?q=&kind=&language=&from=&to=&sort=&page=&limit= and facet filters."""
    query = (args.get("q") or "").strip()
    if not query and browse:
        query = BROWSE_ALL
    filters = {name: args[name].strip() for name in FILTER_ARGS if (args.get(name) or "").strip()}
    if (args.get("access") or "").strip():  # search/access.py refuses a level not visible
        filters["access"] = args["access"].strip()
    return SearchRequest(
        query=query,
        kind=(args.get("kind") or "").strip() or None,
        lang=(args.get("language") or "").strip() or None,
        filters=filters,
        year_from=_int(args, "from", None, 1, 9999),
        year_to=_int(args, "to", None, 1, 9999),
        limit=_int(args, "limit", limit, 1, max_limit),
        page=_int(args, "page", 1, 1, 10_000),
        sort=(args.get("sort") or _default_sort(query, browse)).strip(),
        audience=audience,
    )
