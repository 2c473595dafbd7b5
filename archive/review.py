"""The "awaiting review" state: new internal items, and items a rule at ingest marked, until a
curator clears them (an event names who). The table is made on first use, as users.py does.
"""
from __future__ import annotations

from .catalog import Catalog, now_iso
from .errors import AccessDenied, NotFound
from .rules import REVIEW_SCHEMA

__all__ = ["awaiting_review", "mark_for_review", "clear_review", "is_awaiting"]

_SCHEMA = REVIEW_SCHEMA
# An internal item with no review row awaits review: what ingest archived as internal needs a
# person to decide its level; cleared items keep a row saying so.


def _ready(catalog: Catalog) -> None:
    catalog.db.executescript(_SCHEMA)


def mark_for_review(catalog: Catalog, item_id: str, *, rule: str | None, actor: str) -> None:
    """Put an item in the awaiting-review list (again), naming the rule that asked."""
    _ready(catalog)
    with catalog.transaction() as db:
        db.execute("INSERT OR REPLACE INTO review_state (item_id, state, rule, at, actor)"
                   " VALUES (?, 'awaiting', ?, ?, ?)", (item_id, rule, now_iso(), actor))


def is_awaiting(catalog: Catalog, item_id: str) -> bool:
    """True when the item awaits review."""
    _ready(catalog)
    row = catalog.db.execute("SELECT i.access, r.state FROM items i LEFT JOIN review_state r"
                             " ON r.item_id = i.id WHERE i.id = ?", (item_id,)).fetchone()
    return bool(row) and (row["state"] == "awaiting" or
                          (row["state"] is None and row["access"] == "internal"))


def awaiting_review(catalog: Catalog, levels: tuple[str, ...], *,
                    limit: int = 50) -> tuple[int, list[dict]]:
    """(count, newest first up to `limit`) of items awaiting review, at levels the reader sees."""
    _ready(catalog)
    marks = ",".join("?" * len(levels)) or "''"
    where = (f"FROM items i LEFT JOIN review_state r ON r.item_id = i.id WHERE i.access IN"
             f" ({marks}) AND (r.state = 'awaiting' OR (r.state IS NULL AND"
             f" i.access = 'internal'))")
    count = catalog.db.execute(f"SELECT COUNT(*) {where}", levels).fetchone()[0]
    rows = catalog.db.execute(f"SELECT i.id, i.title, i.access, r.rule {where}"
                              " ORDER BY i.created_at DESC, i.id LIMIT ?", (*levels, limit))
    return count, [dict(r) for r in rows]


def clear_review(catalog: Catalog, user, item_id: str) -> None:
    """A curator has looked at the item: it leaves the list, with an event."""
    from .editing import may_edit

    item = catalog.get_item(item_id)
    if not user.may_edit or item is None or not may_edit(user, item):
        raise AccessDenied("only a curator or an administrator may clear a review")
    if not is_awaiting(catalog, item_id):
        raise NotFound(f"item {item_id} is not awaiting review")
    with catalog.transaction() as db:
        db.execute("INSERT OR REPLACE INTO review_state (item_id, state, rule, at, actor)"
                   " VALUES (?, 'cleared', NULL, ?, ?)", (item_id, now_iso(), user.name))
        db.execute("INSERT INTO events (item_id, action, actor, at, detail) VALUES"
                   " (?, 'review-cleared', ?, ?, '{}')", (item_id, user.name, now_iso()))
