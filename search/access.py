"""Who may see what: the one place audience names map to access levels."""
from __future__ import annotations

from whoosh import query as Q

from archive.errors import UsageError

__all__ = ["AUDIENCES", "visible_levels", "access_filter", "level_filter", "may_see"]

# public: anonymous visitors; staff: logged-in staff and curators; admin: administrators.
AUDIENCES = {
    "public": ("public",),
    "staff": ("public", "internal"),
    "admin": ("public", "internal", "restricted"),
}


def visible_levels(audience: str) -> tuple[str, ...]:
    """The access levels an audience may see; an unknown audience is a usage error."""
    try:
        return AUDIENCES[audience]
    except KeyError:
        raise UsageError(f"unknown audience {audience!r}; use one of {', '.join(AUDIENCES)}") from None


def access_filter(audience: str) -> Q.Query:
    """A Whoosh filter admitting only documents this audience may see."""
    return Q.Or([Q.Term("access", level) for level in visible_levels(audience)])


def may_see(audience: str, access: str) -> bool:
    """True when this audience may see an item with this access level."""
    return access in visible_levels(audience)


def level_filter(audience: str, level: str) -> Q.Query:
    """A filter on one access level, refused when the audience may not see that level."""
    if level not in visible_levels(audience):
        raise UsageError(f"access={level} is not a level this audience may see; "
                         f"use one of {', '.join(visible_levels(audience))}")
    return Q.Term("access", level)
