"""The baseline: SQLite FTS5 (``unicode61 remove_diacritics 2``) over the same items.

One row per item: its title (weighted 3, as titles are in ours) and everything else it holds
(metadata and page text). The user's words become quoted FTS5 strings (no syntax errors; a
word with punctuation becomes a phrase of its parts), ANDed, ranked by ``bm25``; filters and
the audience are SQL conditions on an items table.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .collection import Doc, item_text

__all__ = ["build_fts", "fts_match", "fts_rank", "TOKENIZE"]

TOKENIZE = "unicode61 remove_diacritics 2"
_LEVELS = {"public": ("public",), "staff": ("public", "internal"),
           "admin": ("public", "internal", "restricted")}


def build_fts(path: Path, docs: list[Doc]) -> sqlite3.Connection:
    """Index the docs; returns the open connection."""
    db = sqlite3.connect(path)
    db.executescript(f"""
        CREATE TABLE items (rid INTEGER PRIMARY KEY, source TEXT, kind TEXT, access TEXT,
                            languages TEXT);
        CREATE VIRTUAL TABLE items_fts USING fts5(title, body, tokenize="{TOKENIZE}");
    """)
    with db:
        for rid, doc in enumerate(docs, 1):
            source = doc.item.identifier if doc.source.startswith("record:") else doc.source
            db.execute("INSERT INTO items VALUES (?,?,?,?,?)",
                       (rid, source, doc.item.kind, doc.item.access,
                        ",".join(doc.item.languages)))
            db.execute("INSERT INTO items_fts (rowid, title, body) VALUES (?,?,?)",
                       (rid, doc.item.title or "", item_text(doc)))
    return db


def fts_match(text: str, any_word: bool = False) -> str:
    """The typed text as an FTS5 query: each word and "phrase" quoted, all required (or any).

    >>> fts_match('lang son "cửa khẩu" 244/2026/NĐ-CP')
    '"lang" "son" "cửa khẩu" "244/2026/NĐ-CP"'
    >>> fts_match("lang son", any_word=True)
    '"lang" OR "son"'
    """
    parts, rest = [], text
    while rest.count('"') >= 2:
        before, _, after = rest.partition('"')
        phrase, _, rest = after.partition('"')
        parts += before.split() + ([phrase] if phrase.strip() else [])
    parts += rest.replace('"', " ").split()
    joint = " OR " if any_word else " "
    return joint.join('"' + p.replace('"', '""') + '"' for p in parts)


def fts_rank(db: sqlite3.Connection, text: str, *, audience: str = "admin",
             kind: str | None = None, limit: int = 10, any_word: bool = False) -> list[str]:
    """Sources of the best `limit` items for the typed text, best first."""
    where, args = ["items_fts MATCH ?"], [fts_match(text, any_word)]
    levels = _LEVELS[audience]
    where.append(f"i.access IN ({','.join('?' * len(levels))})")
    args += levels
    if kind:
        where.append("i.kind = ?")
        args.append(kind)
    sql = (f"SELECT i.source FROM items_fts JOIN items i ON i.rid = items_fts.rowid "
           f"WHERE {' AND '.join(where)} ORDER BY bm25(items_fts, 3.0, 1.0) LIMIT {limit}")
    try:
        return [row[0] for row in db.execute(sql, args)]
    except sqlite3.OperationalError:
        return []  # a query FTS5 cannot read finds nothing, as a user would see it
