"""Saved searches, per staff account: a name and the search's query string, kept in the catalog.

The table is made on first use (as users.py does). Counts and new hits need the search layer:
web/staff_saved.py runs them.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from .catalog import Catalog, now_iso
from .errors import NotFound, UsageError

__all__ = ["SavedSearch", "SavedSearches", "KEPT_ARGS"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, name TEXT NOT NULL,
    query TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS saved_searches_owner ON saved_searches(owner);
"""
# The search arguments a saved search keeps (never paging or the interface language).
KEPT_ARGS = ("q", "kind", "language", "from", "to", "sort", "collection", "lead_unit", "issuer",
             "doc_type", "year", "access")
_MAX_PER_USER = 200


@dataclass(frozen=True)
class SavedSearch:
    """One saved search: whose, its name, its query string, since when."""

    id: int
    owner: str
    name: str
    query: str  # a URL query string of KEPT_ARGS
    created_at: str

    @property
    def args(self) -> dict[str, str]:
        """The search arguments as a dict."""
        return dict(parse_qsl(self.query))


class SavedSearches:
    """The saved searches kept in one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        catalog.db.executescript(_SCHEMA)

    def add(self, owner: str, name: str, args: dict[str, str]) -> SavedSearch:
        """Save a search under a name (the same name again replaces it)."""
        name = " ".join((name or "").split())[:120]
        if not name:
            raise UsageError("give the search a name")
        query = urlencode([(k, args[k]) for k in KEPT_ARGS if args.get(k)])
        with self.catalog.transaction() as db:
            if db.execute("SELECT COUNT(*) FROM saved_searches WHERE owner = ?",
                          (owner,)).fetchone()[0] >= _MAX_PER_USER:
                raise UsageError(f"at most {_MAX_PER_USER} saved searches per account")
            db.execute("DELETE FROM saved_searches WHERE owner = ? AND name = ?", (owner, name))
            cur = db.execute("INSERT INTO saved_searches (owner, name, query, created_at)"
                             " VALUES (?,?,?,?)", (owner, name, query, now_iso()))
        return self.get(owner, cur.lastrowid)

    def all(self, owner: str) -> list[SavedSearch]:
        """This account's saved searches, by name."""
        rows = self.catalog.db.execute("SELECT * FROM saved_searches WHERE owner = ? ORDER BY"
                                       " name", (owner,))
        return [SavedSearch(**dict(r)) for r in rows]

    def get(self, owner: str, search_id: int) -> SavedSearch:
        """One of this account's saved searches; NotFound for anyone else's."""
        row = self.catalog.db.execute("SELECT * FROM saved_searches WHERE id = ? AND owner = ?",
                                      (search_id, owner)).fetchone()
        if row is None:
            raise NotFound("no such saved search")
        return SavedSearch(**dict(row))

    def delete(self, owner: str, search_id: int) -> None:
        """Forget one of this account's saved searches."""
        self.get(owner, search_id)
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM saved_searches WHERE id = ? AND owner = ?",
                       (search_id, owner))
