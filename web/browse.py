"""Browse the archive by place, subject, creator, collection and period, with counts.

Every count is a facet count of the search index, taken through the Searcher with the visitor's
access filter (an empty query: everything this audience may see), so a value shows exactly the
number of items the search it links to finds, and a value that only internal or restricted
items carry never reaches an anonymous visitor. The home page (``search/_home.html``) and the
results grid (``search/_grid.html``) get their data from the template helpers set up here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, abort, g, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

import exhibits
from archive.errors import UsageError
from search.analyzers import fold
from search.query import SearchRequest

from .exhibits_public import in_language, picture_url
from .params import BROWSE_ALL
from .resources import audience, get_catalog, get_read_catalog, get_engine

__all__ = ["bp", "api_bp", "BROWSE_PAGES", "browse_values", "HomePage", "home_page"]

bp = Blueprint("browse", __name__, url_prefix="/browse")
api_bp = Blueprint("browse_api", __name__, url_prefix="/api/browse")


@dataclass(frozen=True)
class Section:
    """One facet listed on a browse page, under its heading."""

    facet: str
    heading: object  # a lazy string, in the interface language when shown


@dataclass(frozen=True)
class BrowsePage:
    """A browse page: its title, one line saying what it lists, and its facets."""

    title: object
    intro: object
    sections: tuple[Section, ...]


# Page name (the URL) -> what it lists. A creator is who made the item (a map's surveyor, a
# photo's artist), the body that issued a document, or the unit that led the work.
BROWSE_PAGES = {
    "places": BrowsePage(_l("Places"), _l("Places the items are about."),
                         (Section("places", _l("Places")),)),
    "subjects": BrowsePage(_l("Subjects"), _l("Subjects the items deal with."),
                           (Section("subjects", _l("Subjects")),)),
    "creators": BrowsePage(_l("Creators"), _l("Who made, issued or led the work of the items."),
                           (Section("creator", _l("Creators")),
                            Section("issuer", _l("Issuing bodies")),
                            Section("lead_unit", _l("Lead units")))),
    "collections": BrowsePage(_l("Collections"), _l("The archive's collections."),
                              (Section("collection", _l("Collections")),)),
    "periods": BrowsePage(_l("Periods"), _l("Items by decade, and by year from 1950 on."),
                          (Section("year", _l("Periods")),)),
}
_SORTS = ("count", "name")
_OVERVIEW_VALUES = 8  # values shown per page on /browse before "all"
_HOME_COLLECTIONS = 12
_HOME_FEATURED = 3
_HOME_RECENT = 4


@dataclass
class Value:
    """One value with its count and the search it stands for; a decade holds its years."""

    value: str
    count: int
    url: str
    years: list[Value] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON: value, count, url (and years for a decade)."""
        out = {"value": self.value, "count": self.count, "url": self.url}
        if self.years:
            out["years"] = [y.to_dict() for y in self.years]
        return out


def facet_counts() -> dict[str, dict[str, int]]:
    """Facet counts over everything this visitor may see (the search's own access filter)."""
    if "browse_facets" not in g:  # one search a request, however many facets are listed
        req = SearchRequest(query=BROWSE_ALL, limit=1, sort="date", audience=audience(),
                            suggest=False)
        g.browse_facets = get_engine().search(req, get_read_catalog()).facets
    return g.browse_facets


def _search_link(facet: str, value: str) -> str:
    return url_for("search.index", **{facet: value})


def _decade(year_value: str) -> str:
    """The decade of a year facet value ("2017" -> "2010s"; "1940s" stays)."""
    return year_value if year_value.endswith("s") else f"{year_value[:3]}0s"


def _periods(counts: dict[str, int]) -> list[Value]:
    """Decades, newest first, each with its years (years count one by one from 1950)."""
    decades: dict[str, Value] = {}
    for value, count in counts.items():
        name = _decade(value)
        decade = decades.setdefault(name, Value(name, 0, _search_link("year", name)))
        decade.count += count
        if value != name:
            decade.years.append(Value(value, count, _search_link("year", value)))
    for decade in decades.values():
        decade.years.sort(key=lambda v: v.value)
    return sorted(decades.values(), key=lambda v: v.value, reverse=True)


def browse_values(facet: str, sort: str = "count") -> list[Value]:
    """One facet's values this visitor may see, with counts, most frequent (or A-Z) first."""
    counts = facet_counts().get(facet, {})
    if facet == "year":
        return _periods(counts)
    values = [Value(v, n, _search_link(facet, v)) for v, n in counts.items()]
    if sort == "name":
        values.sort(key=lambda v: (fold(v.value), v.value))
    return values  # the index counts most frequent first


def _page(name: str) -> BrowsePage:
    page = BROWSE_PAGES.get(name)
    if page is None:
        abort(404)
    return page


def _sort(*, strict: bool = False) -> str:
    """?sort=count|name; the page falls back to count, the API refuses what it does not know."""
    sort = request.args.get("sort", "count")
    if sort in _SORTS:
        return sort
    if strict:
        raise UsageError(f"sort must be one of {', '.join(_SORTS)}, not {sort!r}")
    return "count"


@bp.get("/")
def index():
    """Every way to browse, each with its most frequent values."""
    overview = []
    for name, page in BROWSE_PAGES.items():
        sections = [(s, browse_values(s.facet)[:_OVERVIEW_VALUES]) for s in page.sections]
        overview.append((name, page, sections, any(values for _, values in sections)))
    return render_template("browse/index.html", overview=overview, pages=BROWSE_PAGES)


@bp.get("/<name>")
def show(name: str):
    """One browse page: every value of its facets with counts, each linking to its search."""
    page, sort = _page(name), _sort()
    sections = [(s, browse_values(s.facet, sort)) for s in page.sections]
    return render_template("browse/show.html", name=name, page=page, sections=sections,
                           sort=sort, sorts=_SORTS, pages=BROWSE_PAGES,
                           total=sum(len(v) for _, v in sections))


@api_bp.errorhandler(UsageError)
def _usage(err: UsageError):
    return jsonify(error=err.message), 400


@api_bp.get("/<name>")
def api_show(name: str):
    """JSON of a browse page: {"browse", "sections": [{"facet", "values": [...]}]}."""
    page, sort = _page(name), _sort(strict=True)
    return jsonify(browse=name, sections=[
        {"facet": s.facet, "values": [v.to_dict() for v in browse_values(s.facet, sort)]}
        for s in page.sections])


# -- the home page ----------------------------------------------------------------------------

@dataclass
class ExhibitionCard:
    """A public exhibition as the home page shows it: title and intro in the reader's language."""

    slug: str
    title: str
    title_lang: str
    intro: str
    intro_lang: str
    items: int
    picture: str | None
    featured: bool


@dataclass
class HomePage:
    """What the page at / shows above the newest items when nothing is asked yet."""

    featured: list[ExhibitionCard]
    recent: list[ExhibitionCard]
    collections: list[Value]
    browse: dict[str, BrowsePage]


def _card(exhibition, lang: str) -> ExhibitionCard:
    shown = exhibits.exhibits_of(get_catalog(), exhibition, audience="public")
    picture = next((url for url in (picture_url(exhibition, x, "s") for x in shown) if url),
                   None)
    title, title_lang = in_language(exhibition.titles, lang)
    intro, intro_lang = in_language(exhibition.intros, lang)
    return ExhibitionCard(exhibition.slug, title, title_lang, intro, intro_lang, len(shown),
                          picture, exhibition.featured)


def _is_home() -> bool:
    """The page at / with nothing asked (the interface language aside)."""
    return request.endpoint == "search.index" and not (set(request.args) - {"lang"})


def home_page(result=None) -> HomePage | None:
    """The home page's exhibitions (public ones only, whoever asks) and collections, or None.

    `result` is the page's own search (everything this visitor may see): its facet counts are
    the ones wanted, so they are not counted twice.
    """
    if not _is_home():
        return None
    if result is not None and result.facets:
        g.browse_facets = result.facets
    lang = str(get_locale())
    public = exhibits.list_exhibitions(get_catalog(), audience="public")
    featured = [x for x in public if x.featured][:_HOME_FEATURED]
    recent = sorted((x for x in public if not x.featured),
                    key=lambda x: x.published_at or x.created_at or "", reverse=True)
    return HomePage(featured=[_card(x, lang) for x in featured],
                    recent=[_card(x, lang) for x in recent[:_HOME_RECENT]],
                    collections=browse_values("collection")[:_HOME_COLLECTIONS],
                    browse=BROWSE_PAGES)


def grid_view() -> bool:
    """True when the results are asked for as a grid of thumbnails (?view=grid)."""
    return request.args.get("view") == "grid"


@bp.app_context_processor
def _helpers() -> dict:
    return {"home_page": home_page, "grid_view": grid_view}
