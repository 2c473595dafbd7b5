"""What harvesters see of the catalog: per item, the datestamp of its last public change.

`oai_records` holds one row per item, written in the same transaction as every save or update
of the item (archive/catalog.py calls `note_change`). An item that is public now is a record; one
that was public and is not now (made internal or restricted, or removed) is a deleted record
with the datestamp of the change that took it out, kept for ever (OAI-PMH `persistent`). An item
that never was public has a row that no harvester sees. `seq` grows with every change a
harvester can see, so a harvest bounded by the `seq` it started at is a stable snapshot.
"""
from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone

from .models import Event, Item

__all__ = ["OAI_SCHEMA", "PUBLIC_LEVELS", "OaiRecord", "HarvestQuery", "ensure", "note_change",
           "catch_up", "backfill", "set_specs", "set_slug", "datestamp", "harvest", "count", "record", "max_seq",
           "earliest_datestamp", "list_sets", "public_count", "public_records"]

# What an anonymous visitor sees; mirrors search/access.py AUDIENCES["public"] (the archive
# layer may not import search; tests/test_oai_records.py checks the two agree).
PUBLIC_LEVELS = ("public",)

OAI_SCHEMA = """
CREATE TABLE IF NOT EXISTS oai_records (
    item_id TEXT PRIMARY KEY, datestamp TEXT NOT NULL, public INTEGER NOT NULL,
    ever_public INTEGER NOT NULL, published TEXT, sets TEXT NOT NULL DEFAULT '|',
    seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS oai_records_seq ON oai_records(seq);
CREATE INDEX IF NOT EXISTS oai_records_datestamp ON oai_records(datestamp, item_id);
"""
_EXPOSED = "(public = 1 OR ever_public = 1)"


@dataclass(frozen=True)
class OaiRecord:
    """One harvestable record: the item, its datestamp, public or deleted, its sets."""

    item_id: str
    datestamp: str  # YYYY-MM-DDThh:mm:ssZ
    public: bool
    sets: tuple[str, ...]
    seq: int
    published: str | None = None

    @property
    def deleted(self) -> bool:
        """True when the item left the public (OAI-PMH status="deleted")."""
        return not self.public


@dataclass(frozen=True)
class HarvestQuery:
    """A selective harvest: datestamp bounds (inclusive), a setSpec, and the snapshot's seq."""

    from_: str | None = None
    until: str | None = None
    set_spec: str | None = None
    max_seq: int | None = None


def datestamp(iso: str | None = None) -> str:
    """An ISO 8601 time (or now) as an OAI-PMH UTC datestamp with seconds."""
    moment = datetime.now(timezone.utc)
    if iso:
        try:
            moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
        except ValueError:
            pass  # an odd legacy stamp: the time of this change is the honest datestamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def set_slug(name: str) -> str:
    """A setSpec-safe slug of a name, Vietnamese folded.

    >>> set_slug("Văn bản pháp luật")
    'van-ban-phap-luat'
    """
    folded = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_ = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")
    if slug:
        return slug
    # A name in Chinese or Japanese folds to nothing: a short hash keeps it a set of its own.
    import hashlib  # here: OpenSSL's load is paid by the few names that need it, not every `ttdn`
    return "h" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def set_specs(item: Item) -> tuple[str, ...]:
    """The sets an item belongs to: collection:, kind: and lang:."""
    specs = []
    if item.collection:
        specs.append(f"collection:{set_slug(item.collection)}")
    specs.append(f"kind:{item.kind}")
    specs += [f"lang:{set_slug(code)}" for code in dict.fromkeys(item.languages or ())]
    return tuple(specs)


def _sets_text(specs: tuple[str, ...]) -> str:
    # Parents too ("collection" holds every collection:…), so a harvest of a parent set works.
    parents = dict.fromkeys(s.split(":", 1)[0] for s in specs)
    return "|" + "".join(f"{s}|" for s in (*parents, *specs))


def ensure(db: sqlite3.Connection) -> None:
    """Create the table and fill it from the items already there; the catalog calls this on
    an open that finds no table (its first, or a data home from before harvesting)."""
    db.executescript(OAI_SCHEMA)
    db.execute("BEGIN IMMEDIATE")
    try:
        backfill(db)
    except BaseException:
        db.rollback()
        raise
    db.commit()


def _next_seq(db: sqlite3.Connection) -> int:
    return db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM oai_records").fetchone()[0]


def note_change(db: sqlite3.Connection, item: Item, at: str | None = None) -> None:
    """Record a saved item's change as harvesters see it; call inside the save's transaction."""
    public = item.access in PUBLIC_LEVELS
    stamp = datestamp(at)
    row = db.execute("SELECT public, ever_public, published, sets FROM oai_records"
                     " WHERE item_id = ?", (item.id,)).fetchone()
    if row is not None and not public and not row[0]:
        return  # a change to an item the public cannot see: nothing for harvesters
    published = stamp if public and not (row and row[0]) else (row[2] if row else None)
    # A withdrawn record keeps the sets it had while public: its new ones may not be public.
    sets = _sets_text(set_specs(item)) if public else (row[3] if row else "|")
    db.execute("INSERT OR REPLACE INTO oai_records (item_id, datestamp, public, ever_public,"
               " published, sets, seq) VALUES (?,?,?,?,?,?,?)",
               (item.id, stamp, int(public), int(public or bool(row and row[1])), published,
                sets, _next_seq(db)))


def _item_from_row(db: sqlite3.Connection, item_id: str) -> Item | None:
    row = db.execute("SELECT id, kind, access, updated_at, created_at FROM items WHERE id = ?",
                     (item_id,)).fetchone()
    if row is None:
        return None
    item = Item(id=row[0], kind=row[1], access=row[2], updated_at=row[3], created_at=row[4])
    for field, value in db.execute("SELECT field, value FROM metadata WHERE item_id = ? AND"
                                   " field IN ('collection', 'languages')", (item_id,)):
        setattr(item, field, json.loads(value))
    return item


def _left_public_at(db: sqlite3.Connection, item: Item) -> str | None:
    """When the item last left the public, read from its access changes; None if it never was."""
    from .history import _level_before  # here: history imports the catalog, which imports us

    events = [Event(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in db.execute(
        "SELECT item_id, action, actor, at, detail, id FROM events WHERE item_id = ?"
        " ORDER BY id", (item.id,))]
    after, left = item.access, None
    for event in reversed(events):
        before = _level_before(event, after)
        if before in PUBLIC_LEVELS and after not in PUBLIC_LEVELS and left is None:
            left = event.at
        after = before
    return left


def _behind(db: sqlite3.Connection) -> bool:
    items = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    return items != db.execute("SELECT COUNT(*) FROM oai_records").fetchone()[0]


def catch_up(catalog) -> int:
    """Backfill a Catalog in its own transaction, only when rows are missing or extra."""
    # The common case is a read: no request waits for the write lock an ingest holds.
    if not _behind(catalog.db):
        return 0
    with catalog.transaction() as db:
        return backfill(db)


def backfill(db: sqlite3.Connection) -> int:
    """Give every item without a row one, and withdraw rows of removed items; idempotent."""
    items = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    rows = db.execute("SELECT COUNT(*) FROM oai_records").fetchone()[0]
    gone = db.execute("SELECT item_id FROM oai_records WHERE public = 1 AND item_id NOT IN"
                      " (SELECT id FROM items)").fetchall() if rows > items else []
    if items == rows and not gone:
        return 0
    missing = [r[0] for r in db.execute(
        "SELECT id FROM items WHERE id NOT IN (SELECT item_id FROM oai_records)"
        " ORDER BY updated_at, id")]
    for item_id in missing:
        item = _item_from_row(db, item_id)
        public = item.access in PUBLIC_LEVELS
        left = None if public else _left_public_at(db, item)
        stamp = datestamp(item.updated_at if public or left is None else left)
        db.execute("INSERT OR IGNORE INTO oai_records (item_id, datestamp, public, ever_public,"
                   " published, sets, seq) VALUES (?,?,?,?,?,?,?)",
                   (item_id, stamp, int(public), int(public or left is not None),
                    datestamp(item.created_at) if public else None,
                    _sets_text(set_specs(item)), _next_seq(db)))
    for (item_id,) in gone:
        db.execute("UPDATE oai_records SET public = 0, datestamp = ?, seq = ? WHERE item_id = ?",
                   (datestamp(), _next_seq(db), item_id))
    return len(missing) + len(gone)


def _record(row: sqlite3.Row | tuple) -> OaiRecord:
    sets = tuple(s for s in row[3].strip("|").split("|") if ":" in s)
    return OaiRecord(row[0], row[1], bool(row[2]), sets, row[4], row[5])


_COLUMNS = "item_id, datestamp, public, sets, seq, published"


def _where(query: HarvestQuery) -> tuple[str, list]:
    clauses, args = [_EXPOSED], []
    if query.from_:
        clauses.append("datestamp >= ?")
        args.append(query.from_)
    if query.until:
        clauses.append("datestamp <= ?")
        args.append(query.until)
    if query.set_spec:
        clauses.append("instr(sets, ?) > 0")
        args.append(f"|{query.set_spec}|")
    if query.max_seq is not None:
        clauses.append("seq <= ?")
        args.append(query.max_seq)
    return " AND ".join(clauses), args


def harvest(db: sqlite3.Connection, query: HarvestQuery, *, after_seq: int = 0,
            limit: int = 100) -> list[OaiRecord]:
    """Up to `limit` records of a harvest past `after_seq`, in the order of their changes."""
    where, args = _where(query)
    rows = db.execute(f"SELECT {_COLUMNS} FROM oai_records WHERE {where} AND seq > ?"
                      " ORDER BY seq LIMIT ?", (*args, after_seq, limit))
    return [_record(r) for r in rows]


def count(db: sqlite3.Connection, query: HarvestQuery) -> int:
    """How many records a harvest holds (its completeListSize)."""
    where, args = _where(query)
    return db.execute(f"SELECT COUNT(*) FROM oai_records WHERE {where}", args).fetchone()[0]


def record(db: sqlite3.Connection, item_id: str) -> OaiRecord | None:
    """The item's record, public or deleted; None when no harvester may know of it."""
    row = db.execute(f"SELECT {_COLUMNS} FROM oai_records WHERE item_id = ? AND {_EXPOSED}",
                     (item_id,)).fetchone()
    return _record(row) if row else None


def max_seq(db: sqlite3.Connection) -> int:
    """The newest change's seq: a harvest started now sees changes up to it."""
    return db.execute("SELECT COALESCE(MAX(seq), 0) FROM oai_records").fetchone()[0]


def earliest_datestamp(db: sqlite3.Connection) -> str:
    """The oldest datestamp a harvester can see (now, in an empty archive)."""
    row = db.execute(f"SELECT MIN(datestamp) FROM oai_records WHERE {_EXPOSED}").fetchone()
    return row[0] or datestamp()


def public_count(db: sqlite3.Connection) -> int:
    """How many items are public now."""
    return db.execute("SELECT COUNT(*) FROM oai_records WHERE public = 1").fetchone()[0]


def public_records(db: sqlite3.Connection, *, set_spec: str | None = None,
                   limit: int | None = None, offset: int = 0,
                   newest_first: bool = False) -> list[OaiRecord]:
    """Public records (no deleted ones), oldest or newest publication first."""
    where, args = "public = 1", []
    if set_spec:
        where += " AND instr(sets, ?) > 0"
        args.append(f"|{set_spec}|")
    order = "published DESC, item_id" if newest_first else "item_id"
    sql = f"SELECT {_COLUMNS} FROM oai_records WHERE {where} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        args += [limit, offset]
    return [_record(r) for r in db.execute(sql, args)]


def list_sets(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """(setSpec, setName) of every set holding a public item, parents first."""
    found: dict[str, str] = {}
    rows = db.execute("SELECT i.kind, m.field, m.value FROM oai_records o JOIN items i ON"
                      " i.id = o.item_id LEFT JOIN metadata m ON m.item_id = o.item_id AND"
                      " m.field IN ('collection', 'languages') WHERE o.public = 1")
    for kind, field, value in rows:
        found[f"kind:{kind}"] = f"Kind: {kind}"
        if field == "collection":
            name = json.loads(value)
            found.setdefault(f"collection:{set_slug(name)}", name)
        elif field == "languages":
            for code in json.loads(value):
                found[f"lang:{set_slug(code)}"] = f"Language: {code}"
    # Deleted records keep the sets they had while public: those sets stay listed, so every
    # setSpec a header shows is one ListSets knows (named by its slug when no item is left).
    for (sets,) in db.execute("SELECT sets FROM oai_records WHERE public = 0 AND ever_public = 1"):
        for spec in _record(("", "", 0, sets, 0, None)).sets:
            kind, _, value = spec.partition(":")
            found.setdefault(spec, {"kind": f"Kind: {value}", "lang": f"Language: {value}"}.get(
                kind, value))
    parents = {"collection": "Collections", "kind": "Kinds of material", "lang": "Languages"}
    shown = [(p, parents[p]) for p in parents if any(s.startswith(p + ":") for s in found)]
    return shown + sorted(found.items())
