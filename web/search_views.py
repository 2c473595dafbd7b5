"""The public search page: query box, facets with counts, filters, sorting, paging, snippets."""
from __future__ import annotations

from math import ceil

from flask import Blueprint, current_app, g, render_template, request, url_for

from archive.errors import UsageError

from .labels import SORT_LABELS
from .params import BROWSE_ALL, FILTER_ARGS, search_request
from .resources import audience, get_read_catalog, get_searcher

__all__ = ["bp", "search_url", "facet_url", "PAGES_PER_CHUNK"]

bp = Blueprint("search", __name__)

PAGES_PER_CHUNK = 10  # pages of text and images shown at once on an item page
# Facet name -> query-string argument that filters on it.
_FACET_ARGS = {"kind": "kind", "languages": "language", "access": "access",
               **{f: f for f in FILTER_ARGS}}
_KEPT = ("q", "kind", "language", "from", "to", "sort", "access", *FILTER_ARGS)


def search_url(**changes) -> str:
    """The search page with this request's arguments, some changed (None drops one)."""
    args = {**_kept_args(), **changes}
    return url_for("search.index", **{k: v for k, v in args.items() if v not in (None, "")})


def _kept_args() -> dict[str, str]:
    # Read once per request: a results page builds a link per facet value and page number.
    if "search_kept_args" not in g:
        g.search_kept_args = {k: request.args[k] for k in _KEPT if request.args.get(k)}
    return g.search_kept_args


def facet_url(facet: str, value: str) -> tuple[str, bool]:
    """(URL that toggles this facet value as a filter, whether it is applied now)."""
    name = _FACET_ARGS[facet]
    active = request.args.get(name) == value
    return search_url(**{name: None if active else value}), active


def _page_window(current: int, last: int, width: int = 2) -> list[int]:
    return list(range(max(1, current - width), min(last, current + width) + 1))


def _with_thumbnails(hits) -> set[str]:
    catalog = get_read_catalog()
    return {h.id for h in hits if any(f.role == "thumbnail" for f in catalog.files(h.id))}


@bp.get("/")
def index():
    """Search (an empty box browses everything this visitor may see, newest first)."""
    try:
        req = search_request(request.args, audience=audience(), browse=True,
                             limit=current_app.config["SEARCH_PAGE_SIZE"],
                             max_limit=current_app.config["API_MAX_LIMIT"])
        result = get_searcher().search(req, get_read_catalog())
    except UsageError as err:
        return render_template("search/index.html", error=err.message, result=None, req=None,
                               sorts=SORT_LABELS), 400
    last = max(1, ceil(result.total / req.limit))
    # A page past the last one (an old link, a hand-typed ?page=999) is an empty page that links
    # back to the last one, never an error.
    return render_template(
        "search/index.html", result=result, req=req, error=None, sorts=SORT_LABELS,
        browsing=req.query == BROWSE_ALL, last_page=last, past_last=req.page > last,
        page_window=_page_window(min(req.page, last), last),
        thumbnails=_with_thumbnails(result.hits),
        search_url=search_url, facet_url=facet_url, chunk_size=PAGES_PER_CHUNK,
        filter_args=FILTER_ARGS, facet_args=_FACET_ARGS)
