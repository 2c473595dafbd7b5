"""Finding evidence for an exhibition: maps (or any kind) by places, period, creator and scale."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Iterable

from archive.catalog import Catalog
from archive.errors import UsageError
from search.analyzers import fold

if TYPE_CHECKING:
    from search.engine import SearchEngine

__all__ = ["Finding", "find", "parse_period", "CIRCA_YEARS"]

CIRCA_YEARS = 10  # "c. 1838" finds material dated 1828–1848: approximate dates are that loose
_CIRCA = re.compile(r"^(?:c\.?|ca\.?|circa|khoảng|khoang|~)\s*", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{1,4})?\s*(?:\.\.|[-–/])\s*(\d{1,4})?$")
_POST_LIMIT = 1000  # hits read when creator or scale, which the index does not hold, filter


@dataclass
class Finding:
    """A search hit with the fields a curator chooses maps by."""

    id: str
    title: str
    kind: str
    access: str
    source: str | None
    date: str | None
    period: str | None
    places: list[str] = field(default_factory=list)
    scale: str | None = None
    creator: str | None = None
    score: float = 0.0
    snippet: str = ""

    def to_dict(self) -> dict:
        """JSON-ready."""
        return asdict(self)


def parse_period(text: str | None) -> tuple[int | None, int | None]:
    """Years from a period as curators write it.

    >>> parse_period("1838"), parse_period("c. 1838"), parse_period("1800-1900")
    ((1838, 1838), (1828, 1848), (1800, 1900))
    >>> parse_period("1940.."), parse_period("1944/1945")
    ((1940, None), (1944, 1945))
    """
    raw = (text or "").strip()
    if not raw:
        return None, None
    circa = _CIRCA.match(raw)
    core = raw[circa.end():] if circa else raw
    if core.isdigit():
        year = int(core)
        return (year - CIRCA_YEARS, year + CIRCA_YEARS) if circa else (year, year)
    match = _RANGE.match(core)
    if not match or not any(match.groups()):
        raise UsageError(f"cannot read the period {text!r}: write 1838, c. 1838 or 1800-1900")
    low, high = (int(v) if v else None for v in match.groups())
    if low is not None and high is not None and low > high:
        raise UsageError(f"the period {text!r} ends before it starts")
    return low, high


def _contains(value: str | None, wanted: str | None) -> bool:
    """Tone- and case-blind containment, as the search box matches."""
    return not wanted or fold(wanted) in fold(value or "")


def find(engine: SearchEngine, catalog: Catalog, query: str = "", *, kind: str | None = "map",
         places: Iterable[str] = (), period: str | None = None, creator: str | None = None,
         scale: str | None = None, language: str | None = None, audience: str = "staff",
         limit: int = 50) -> list[Finding]:
    """Items for an exhibition: the search box's query (empty: everything) with filters.

    Places must all match; the period matches dated items by year and historic material by any
    overlap; creator and scale are tone-blind substrings ("army map", "10,000").
    """
    from search.query import SearchRequest  # the query side loads with a search, not the CLI
    year_from, year_to = parse_period(period)
    post = bool(creator or scale)
    names = [p.strip() for p in places if p and p.strip()]
    request = SearchRequest(query=query.strip() or "*", kind=kind or None, lang=language,
                            filters={"places": ";".join(names)} if names else {},
                            year_from=year_from, year_to=year_to, audience=audience,
                            limit=_POST_LIMIT if post else limit)
    found = []
    for hit in engine.search(request, catalog).hits:
        item = catalog.get_item(hit.id)
        if item is None or not (_contains(item.creator, creator) and _contains(item.scale, scale)):
            continue
        found.append(Finding(hit.id, hit.title, hit.kind, hit.access, hit.source, hit.date,
                             item.period, item.places, item.scale, item.creator, hit.score,
                             hit.snippet))
        if len(found) >= limit:
            break
    return found
