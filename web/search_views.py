"""The public search page: query box, facets with counts, filters, sorting, paging, snippets.

What the search layer says (a query it could not read, a quote it closed, years it swapped)
comes as an English msgid with params (``QuerySyntaxError``, ``search.notices.Notice``), shown
here through gettext. A page with no results offers what to try instead (each filter dropped,
the query without accents, did-you-mean), each link only when it finds something.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from math import ceil
from urllib.parse import quote_plus

from flask import Blueprint, current_app, g, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from archive.errors import QuerySyntaxError, UsageError
from search.analyzers import fold
from search.query import SearchRequest, SearchResult

from .labels import SORT_LABELS, label, language_name
from .markup import number
from .params import BROWSE_ALL, FILTER_ARGS, search_request
from .resources import audience, get_read_catalog, get_engine

__all__ = ["bp", "search_url", "facet_url", "say", "Alternative", "FacetRow", "FacetList",
           "PAGES_PER_CHUNK", "FACET_VALUES_SHOWN"]

bp = Blueprint("search", __name__)

PAGES_PER_CHUNK = 10  # pages of text and images shown at once on an item page
# Facet name -> query-string argument that filters on it.
_FACET_ARGS = {"kind": "kind", "languages": "language", "access": "access",
               **{f: f for f in FILTER_ARGS}}
_KEPT = ("q", "kind", "language", "from", "to", "sort", "access", "view", *FILTER_ARGS)
FACET_VALUES_SHOWN = 12  # the most frequent values of each facet; the rest are not rendered
_URL_SAFE = "!$'()*,/:;?@"  # what Werkzeug leaves unquoted in query arguments (url_for's output)
_DROPPABLE = ("kind", "language", "access", *FILTER_ARGS)  # from/to are dropped together
_ARG_LABELS = {"from": _l("From year"), "to": _l("To year")}  # as the search form names them


def search_url(**changes) -> str:
    """The search page with this request's arguments, some changed (None drops one)."""
    return _links().url(changes)


def facet_url(facet: str, value: str) -> tuple[str, bool]:
    """(URL that toggles this facet value as a filter, whether it is applied now)."""
    links, name = _links(), _FACET_ARGS[facet]
    active = links.kept.get(name) == value
    return links.url({name: None if active else value}), active


@dataclass
class _Links:
    """This request's search arguments, encoded once: a results page builds dozens of links
    (facet values, pages, alternatives) that differ from the page's own in one argument."""

    base: str
    kept: dict[str, str]
    encoded: dict[str, str]  # argument -> "name=value", quoted

    def url(self, changes: dict) -> str:
        """The search page's URL, as url_for builds it, with these arguments changed."""
        parts = [self.encoded[k] if k not in changes else _pair(k, v)
                 for k, v in {**self.kept, **changes}.items() if v not in (None, "")]
        return f"{self.base}?{'&'.join(parts)}" if parts else self.base


def _pair(name: str, value) -> str:
    return f"{quote_plus(name, safe=_URL_SAFE)}={quote_plus(str(value), safe=_URL_SAFE)}"


def _links() -> _Links:
    links = g.get("search_links")
    if links is None:
        kept = {k: request.args[k] for k in _KEPT if request.args.get(k)}
        links = g.search_links = _Links(url_for("search.index"), kept,
                                        {k: _pair(k, v) for k, v in kept.items()})
    return links


def _page_window(current: int, last: int, width: int = 2) -> list[int]:
    return list(range(max(1, current - width), min(last, current + width) + 1))


def _with_thumbnails(hits) -> set[str]:
    return get_read_catalog().with_file_role([h.id for h in hits], "thumbnail")


def say(msgid: str, params: dict | None = None) -> str:
    """A message of the search layer (a msgid and its params) in the reader's language."""
    return gettext(msgid, **params) if params else gettext(msgid)


def _error_text(err: UsageError) -> str:
    if not isinstance(err, QuerySyntaxError):
        return err.message
    params = dict(err.params)
    if params.get("name") in _ARG_LABELS:  # "from must be…": the form calls it "From year"
        params["name"] = str(_ARG_LABELS[params["name"]])
    return say(err.msgid, params)


@dataclass(frozen=True)
class Alternative:
    """One thing to try on a page with no results, and how many items it finds."""

    what: str  # "drop" (one filter), "all" (every filter), "folded" (no accents), "suggestion"
    url: str
    name: str  # the dropped filter's interface name ("drop" only)
    value: str  # the dropped filter's value, or the query to try
    total: int


def _unaccented(text: str) -> str:
    """The text without Vietnamese tones and marks, capitals kept (AND, OR, NOT stay operators)."""
    return "".join(fold(c).upper() if c.isupper() else fold(c) for c in text)


def _filter_label(name: str, value: str) -> tuple[str, str]:
    """(interface name of a filter argument, its value as the page shows it)."""
    facet = {arg: facet for facet, arg in _FACET_ARGS.items()}.get(name, name)
    shown = {"kind": lambda: label("kind", value), "access": lambda: label("access", value),
             "doc_type": lambda: label("doc_type", value),
             "language": lambda: language_name(value)}.get(name, lambda: value)()
    return label("facet", facet), shown


def _alternatives(req: SearchRequest, result: SearchResult) -> list[Alternative]:
    """What to try when nothing matched; only what finds something is offered."""
    tries = []  # (what, name, value, changes to the arguments)
    for name in _DROPPABLE:
        if (value := (request.args.get(name) or "").strip()):
            tries.append(("drop", *_filter_label(name, value), {name: None}))
    years = [(request.args.get(k) or "").strip() for k in ("from", "to")]
    if any(years):
        tries.append(("drop", label("facet", "year"), "–".join(y or "…" for y in years),
                      {"from": None, "to": None}))
    if len(tries) > 1:
        tries.append(("all", "", "", {k: None for *_, changes in tries for k in changes}))
    if req.query != BROWSE_ALL:
        folded = _unaccented(req.query)
        if folded != req.query:
            tries.append(("folded", "", folded, {"q": folded}))
        if result.suggestion:
            tries.append(("suggestion", "", result.suggestion, {"q": result.suggestion}))
    found = [(what, name, value, changes, _count(changes))
             for what, name, value, changes in tries]
    return [Alternative(what, search_url(page=None, **changes), name, value, total)
            for what, name, value, changes, total in found if total]


def _count(changes: dict[str, str | None]) -> int:
    """How many items this request finds with some arguments changed (None drops one)."""
    args = MultiDict(request.args)
    for name, value in changes.items():
        args.pop(name, None)
        if value is not None:
            args[name] = value
    args["limit"], args["page"] = "1", "1"
    try:
        req = search_request(args, audience=audience(), browse=True, limit=1, max_limit=1)
        req.suggest = False
        return get_engine().search(req, get_read_catalog()).total
    except UsageError:
        return 0


def _shown_facets(facets: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    # Values come most frequent first; a large archive has thousands of issuers or years,
    # which the template would otherwise loop over only to skip.
    return {name: dict(islice(counts.items(), FACET_VALUES_SHOWN))
            for name, counts in facets.items()}


@dataclass(frozen=True)
class FacetRow:
    """One value of a facet as the results page lists it."""

    shown: str  # the value as the page names it (kinds, access levels, document types and
    # languages in the interface language)
    count: str  # its count, in the reader's digit grouping
    link: str | None = None  # the URL that toggles it as a filter (None: not a filter)
    active: bool = False  # the filter is applied now


@dataclass(frozen=True)
class FacetList:
    """A facet that has values: its interface name and its most frequent values."""

    name: str
    rows: list[FacetRow]


_NAMED_VALUES = ("kind", "access", "doc_type")  # facets whose values have interface names


def _facet_rows(facets: dict[str, dict[str, int]]) -> list[FacetList]:
    """The facets with values, each with its FACET_VALUES_SHOWN most frequent, made here once:
    in the template, each value's link, name and count were three calls out of Jinja."""
    out = []
    for facet, counts in facets.items():
        if not counts:
            continue
        rows = []
        for value, count in islice(counts.items(), FACET_VALUES_SHOWN):
            if facet not in _FACET_ARGS:
                rows.append(FacetRow(value, number(count)))
                continue
            link, active = facet_url(facet, value)
            shown = (label(facet, value) if facet in _NAMED_VALUES
                     else language_name(value) if facet == "languages" else value)
            rows.append(FacetRow(shown, number(count), link, active))
        out.append(FacetList(label("facet", facet), rows))
    return out


@bp.get("/")
def index():
    """Search (an empty box browses everything this visitor may see, newest first)."""
    try:
        req = search_request(request.args, audience=audience(), browse=True,
                             limit=current_app.config["SEARCH_PAGE_SIZE"],
                             max_limit=current_app.config["API_MAX_LIMIT"])
        result = get_engine().search(req, get_read_catalog())
    except UsageError as err:
        return render_template("search/index.html", error=_error_text(err), result=None,
                               req=None, sorts=SORT_LABELS, notices=[], alternatives=[]), 400
    last = max(1, ceil(result.total / req.limit))
    browsing = req.query == BROWSE_ALL
    if not browsing:  # browsing, the home page's lists (web/browse.py) read the whole counts
        result.facets = _shown_facets(result.facets)
    alternatives = _alternatives(req, result) if result.total == 0 else []
    if any(alt.what == "suggestion" for alt in alternatives):
        result.suggestion = None  # offered among the alternatives, with what it finds
    # A page past the last one (an old link, a hand-typed ?page=999) is an empty page that links
    # back to the last one, never an error.
    return render_template(
        "search/index.html", result=result, req=req, error=None, sorts=SORT_LABELS,
        browsing=browsing, last_page=last, past_last=req.page > last,
        page_window=_page_window(min(req.page, last), last),
        thumbnails=_with_thumbnails(result.hits),
        notices=[say(n.msgid, n.params) for n in result.notices],
        alternatives=alternatives,
        facet_rows=_facet_rows(result.facets),
        search_url=search_url, chunk_size=PAGES_PER_CHUNK, filter_args=FILTER_ARGS)
