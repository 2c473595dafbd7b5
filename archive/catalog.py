"""The SQLite catalog, the archive's source of truth: items, files, pages, metadata, events."""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from .docnumbers import doc_number_key
from .errors import UsageError
from .models import ITEM_FIELDS, Event, FileRecord, Item, Page, QuarantineEntry
from .names import display_name, is_clean

__all__ = ["Catalog", "SeenFile", "now_iso"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, access TEXT NOT NULL, title TEXT,
    sha256 TEXT UNIQUE, status TEXT NOT NULL DEFAULT 'ok', warnings TEXT NOT NULL DEFAULT '[]',
    row_origins TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1, indexed_version INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS items_dirty ON items(indexed_version, version);
CREATE TABLE IF NOT EXISTS metadata (
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE, field TEXT NOT NULL,
    value TEXT NOT NULL, origin TEXT NOT NULL, PRIMARY KEY (item_id, field));
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY, mime TEXT NOT NULL, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS item_files (
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL REFERENCES files(sha256), role TEXT NOT NULL,
    PRIMARY KEY (item_id, sha256, role));
CREATE TABLE IF NOT EXISTS sources (
    source TEXT PRIMARY KEY, item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    added_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sources_item ON sources(item_id);
CREATE TABLE IF NOT EXISTS pages (
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE, n INTEGER NOT NULL,
    text TEXT NOT NULL, origin TEXT NOT NULL, confidence REAL, language TEXT,
    PRIMARY KEY (item_id, n));
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, item_id TEXT, action TEXT NOT NULL,
    actor TEXT NOT NULL, at TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS events_item ON events(item_id);
CREATE TRIGGER IF NOT EXISTS events_append_only_u BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_append_only_d BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TABLE IF NOT EXISTS relations (
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE, relation TEXT NOT NULL,
    key TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (item_id, relation, key));
CREATE INDEX IF NOT EXISTS relations_key ON relations(relation, key);
CREATE TABLE IF NOT EXISTS quarantine (
    source TEXT PRIMARY KEY, sha256 TEXT, code TEXT NOT NULL, reason TEXT NOT NULL,
    at TEXT NOT NULL, stored_as TEXT);
CREATE TABLE IF NOT EXISTS seen_files (
    path BLOB PRIMARY KEY, source TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES items(sha256) ON DELETE CASCADE,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL, seen_ns INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS seen_files_source ON seen_files(source);
CREATE TABLE IF NOT EXISTS seen_manifests (
    folder BLOB PRIMARY KEY, fingerprint TEXT NOT NULL, at TEXT NOT NULL);
"""
# seen_files: what each ingested file looked like when it was last read (its path as bytes, the
# source it was archived under, size, times, inode, hash; `seen_ns` the clock just before the
# stat), so a re-run skips a file that has not changed without reading it (ingest/seen.py).
# seen_manifests: per folder ingested, the fingerprint of its manifests when last applied. Both
# are CREATE ... IF NOT EXISTS: an existing data home gains them on open.
# Columns added after the first release: (table, column, type). Added on open when missing, so
# an existing data home keeps working. `raw_source` holds the bytes of a file name that is not
# valid UTF-8 (the `source` column shows it with \xNN escapes, archive/names.py); NULL otherwise.
_ADDED_COLUMNS = (("sources", "raw_source", "BLOB"), ("quarantine", "raw_source", "BLOB"))


def _add_columns(db: sqlite3.Connection) -> None:
    for table, column, kind in _ADDED_COLUMNS:
        have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        if column in have:
            continue
        try:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        except sqlite3.OperationalError as err:
            if "duplicate column" not in str(err):  # another process added it just now
                raise


@dataclass(frozen=True)
class SeenFile:
    """A file as it was when last read: where, its size, times and inode, and its hash."""

    path: bytes  # os.fsencode of the absolute path read
    source: str
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    seen_ns: int  # wall clock (ns) just before the stat: the racy-stat rule needs it
    sha256: str = ""


def _note_oai(db: sqlite3.Connection, item: Item) -> None:
    """Record a saved item's change for harvesters, in the save's transaction (archive/oai.py,
    loaded on the first save: a run that saves nothing skips it)."""
    from .oai import note_change
    note_change(db, item)


def _row_origins(item: Item) -> str:
    """Origins of the fields kept on the item row itself (the rest live beside their values)."""
    return json.dumps({k: v for k, v in item.origins.items() if k in ("kind", "access", "title")})


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Catalog:
    """One connection to the catalog; use as a context manager or call close()."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly:
            uri = f"file:{self.path}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 10000")
        if not readonly:
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.executescript(_SCHEMA)
            _add_columns(self.db)
            if not self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND"
                                   " name = 'oai_records'").fetchone():
                from .oai import ensure  # what harvesters see (loaded only to create it)
                ensure(self.db)

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: committed whole, or rolled back whole."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()

    # -- writing -------------------------------------------------------------------------------

    def save_item(self, item: Item, *, pages: Iterable[Page] = (), files: Iterable[FileRecord] = (),
                  sources: Iterable[str] = (), event: Event | None = None,
                  cites: Iterable[str] = (), raw_sources: dict[str, bytes] | None = None) -> None:
        """Insert a new item with its pages, files, sources, citations and first event, atomically.

        `raw_sources` maps a source shown with escapes to the raw bytes of its file name.
        The review rules admins set (archive/rules.py) apply first, each with its own event.
        """
        sources = list(sources)
        # Loaded on the first save: a run that saves nothing (an unchanged re-ingest) skips it.
        from .rules import apply_rules, write_review
        ruled = apply_rules(self, item, sources, now_iso())
        item = ruled.item
        with self.transaction() as db:
            stamp = item.created_at or now_iso()
            db.execute(
                "INSERT INTO items (id, kind, access, title, sha256, status, warnings, row_origins,"
                " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (item.id, item.kind, item.access, item.title, item.sha256, item.status,
                 json.dumps(item.warnings, ensure_ascii=False), _row_origins(item), stamp, stamp))
            self._write_metadata(db, item)
            db.executemany("INSERT OR IGNORE INTO relations (item_id, relation, key, label)"
                           " VALUES (?, 'cites', ?, ?)",
                           [(item.id, doc_number_key(n), n) for n in cites])
            self._write_files(db, item.id, files)
            db.executemany("INSERT INTO pages (item_id, n, text, origin, confidence, language)"
                           " VALUES (?,?,?,?,?,?)",
                           [(item.id, p.n, p.text, p.origin, p.confidence, p.language) for p in pages])
            for source in sources:
                self._add_source(db, item.id, source, (raw_sources or {}).get(source))
            if event:
                self._append_event(db, event)
            for ruled_event in ruled.events:
                self._append_event(db, ruled_event)
            if ruled.review_rule:
                write_review(db, item.id, ruled.review_rule, stamp)
            _note_oai(db, item)

    def _write_metadata(self, db: sqlite3.Connection, item: Item) -> None:
        db.execute("DELETE FROM metadata WHERE item_id = ?", (item.id,))
        rows = []
        for name in ITEM_FIELDS:
            value = getattr(item, name)
            if value in (None, "", [], {}):
                continue
            rows.append((item.id, name, json.dumps(value, ensure_ascii=False),
                         item.origins.get(name, "extracted")))
        db.executemany("INSERT INTO metadata (item_id, field, value, origin) VALUES (?,?,?,?)", rows)
        # The item's own number, folded, is what other items' citations resolve against.
        db.execute("DELETE FROM relations WHERE item_id = ? AND relation = 'number'", (item.id,))
        if item.doc_number:
            db.execute("INSERT INTO relations (item_id, relation, key, label) VALUES (?, 'number',"
                       " ?, ?)", (item.id, doc_number_key(item.doc_number), item.doc_number))

    @staticmethod
    def _write_files(db: sqlite3.Connection, item_id: str, files: Iterable[FileRecord]) -> None:
        for f in files:
            db.execute("INSERT OR IGNORE INTO files (sha256, mime, size) VALUES (?,?,?)",
                       (f.sha256, f.mime, f.size))
            db.execute("INSERT OR IGNORE INTO item_files (item_id, sha256, role) VALUES (?,?,?)",
                       (item_id, f.sha256, f.role))

    @staticmethod
    def _add_source(db: sqlite3.Connection, item_id: str, source: str,
                    raw: bytes | None = None) -> bool:
        cur = db.execute("INSERT OR IGNORE INTO sources (source, item_id, added_at, raw_source)"
                         " VALUES (?,?,?,?)", (source, item_id, now_iso(), raw))
        db.execute("DELETE FROM quarantine WHERE source = ?", (source,))
        return cur.rowcount > 0

    @staticmethod
    def _append_event(db: sqlite3.Connection, event: Event) -> None:
        db.execute("INSERT INTO events (item_id, action, actor, at, detail) VALUES (?,?,?,?,?)",
                   (event.item_id, event.action, event.actor, event.at,
                    json.dumps(event.detail, ensure_ascii=False)))

    def add_source(self, item_id: str, source: str, *, actor: str = "ingest",
                   raw: bytes | None = None) -> bool:
        """Record another name the same content arrived under; True when it was new."""
        with self.transaction() as db:
            added = self._add_source(db, item_id, source, raw)
            if added:
                self._append_event(db, Event(item_id, "source-added", actor, now_iso(),
                                             {"source": source}))
            return added

    def update_item(self, item: Item, *, actor: str, action: str = "metadata-edited",
                    detail: dict | None = None) -> None:
        """Rewrite an item's row and metadata, mark it for re-indexing, and log the change."""
        with self.transaction() as db:
            self._rewrite_item(db, item)
            self._append_event(db, Event(item.id, action, actor, now_iso(), detail or {}))
            _note_oai(db, item)

    def attach_original(self, item: Item, *, pages: Iterable[Page], files: Iterable[FileRecord],
                        source: str, event: Event, raw: bytes | None = None,
                        cites: Iterable[str] = ()) -> None:
        """Give a record without a file (a disc on a shelf) its digitised original, atomically:
        the item keeps its id and gains the file's hash, pages, files, source and metadata."""
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE items SET kind=?, access=?, title=?, sha256=?, status=?, warnings=?,"
                " row_origins=?, updated_at=?, version=version+1 WHERE id=? AND sha256 IS NULL",
                (item.kind, item.access, item.title, item.sha256, item.status,
                 json.dumps(item.warnings, ensure_ascii=False), _row_origins(item), now_iso(),
                 item.id))
            if cur.rowcount != 1:  # another run linked it first: roll back, the file is refused
                raise UsageError(f"the record {item.id} has an original already; ingest the "
                                 "same folder again to archive this file by itself")
            self._write_metadata(db, item)
            db.executemany("INSERT OR IGNORE INTO relations (item_id, relation, key, label)"
                           " VALUES (?, 'cites', ?, ?)",
                           [(item.id, doc_number_key(n), n) for n in cites])
            self._write_files(db, item.id, files)
            db.execute("DELETE FROM pages WHERE item_id = ?", (item.id,))
            db.executemany("INSERT INTO pages (item_id, n, text, origin, confidence, language)"
                           " VALUES (?,?,?,?,?,?)",
                           [(item.id, p.n, p.text, p.origin, p.confidence, p.language)
                            for p in pages])
            # The file's path is the item's `source` now (DESIGN.md): the record's identifier,
            # still a name of the item, moves after it.
            named = db.execute("SELECT source, raw_source FROM sources WHERE item_id = ?",
                               (item.id,)).fetchall()
            db.execute("DELETE FROM sources WHERE item_id = ?", (item.id,))
            self._add_source(db, item.id, source, raw)
            for other in named:
                if other[0] != source:
                    self._add_source(db, item.id, other[0], other[1])
            self._append_event(db, event)
            _note_oai(db, item)

    def _rewrite_item(self, db: sqlite3.Connection, item: Item) -> None:
        """An item's row and metadata as they now are, its version one higher (to re-index)."""
        db.execute("UPDATE items SET kind=?, access=?, title=?, status=?, warnings=?,"
                   " row_origins=?, updated_at=?, version=version+1 WHERE id=?",
                   (item.kind, item.access, item.title, item.status,
                    json.dumps(item.warnings, ensure_ascii=False), _row_origins(item),
                    now_iso(), item.id))
        self._write_metadata(db, item)

    def link_record(self, item: Item, source: str, *, event: Event) -> None:
        """Name an archived item by a record's identifier too, with the record's values on it."""
        with self.transaction() as db:
            self._rewrite_item(db, item)
            self._add_source(db, item.id, source)
            self._append_event(db, event)
            _note_oai(db, item)

    def log_event(self, event: Event) -> None:
        """Append one event to the audit trail."""
        with self.transaction() as db:
            self._append_event(db, event)

    def quarantine(self, entry: QuarantineEntry, *, raw_source: bytes | None = None) -> None:
        """Record (or refresh) why an input was refused; `raw_source` as in `save_item`."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO quarantine (source, sha256, code, reason, at,"
                       " stored_as, raw_source) VALUES (?,?,?,?,?,?,?)",
                       (entry.source, entry.sha256, entry.code, entry.reason, entry.at,
                        entry.stored_as, raw_source))
            self._append_event(db, Event(None, "quarantined", "ingest", entry.at,
                                         {"source": entry.source, "reason": entry.reason}))
            # A refused input is read again next time, whatever its stat says.
            db.execute("DELETE FROM seen_files WHERE source = ?", (entry.source,))

    # -- what ingest has read ------------------------------------------------------------------

    def seen_files(self) -> dict[bytes, tuple[SeenFile, str]]:
        """Every file recorded as read, by path, with the id of the item its content is."""
        rows = self.db.execute("SELECT f.*, i.id AS item_id FROM seen_files f JOIN items i"
                               " ON i.sha256 = f.sha256")
        return {r["path"]: (SeenFile(r["path"], r["source"], r["size"], r["mtime_ns"],
                                     r["ctime_ns"], r["inode"], r["seen_ns"], r["sha256"]),
                            r["item_id"]) for r in rows}

    def record_seen(self, seen: SeenFile) -> None:
        """Note how a file looked when it was read and archived (or found archived)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO seen_files (path, source, sha256, size, mtime_ns,"
                       " ctime_ns, inode, seen_ns) VALUES (?,?,?,?,?,?,?,?)",
                       (seen.path, seen.source, seen.sha256, seen.size, seen.mtime_ns,
                        seen.ctime_ns, seen.inode, seen.seen_ns))

    def manifest_prints(self) -> dict[bytes, str]:
        """Per folder ingested (path as bytes), the fingerprint of its manifests last applied."""
        return {r[0]: r[1] for r in self.db.execute("SELECT folder, fingerprint FROM"
                                                     " seen_manifests")}

    def record_manifest_prints(self, prints: dict[bytes, str]) -> None:
        """Note that these folders' manifests, as fingerprinted, have been applied."""
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO seen_manifests (folder, fingerprint, at)"
                           " VALUES (?,?,?)", [(k, v, now_iso()) for k, v in prints.items()])

    # -- index bookkeeping ---------------------------------------------------------------------

    def dirty_items(self, limit: int = 1000) -> list[tuple[str, int]]:
        """(id, version) of items whose newest version the index does not hold yet."""
        rows = self.db.execute("SELECT id, version FROM items WHERE indexed_version != version"
                               " ORDER BY created_at, id LIMIT ?", (limit,))
        return [(r["id"], r["version"]) for r in rows]

    def mark_indexed(self, versions: Iterable[tuple[str, int]]) -> None:
        """Note that the index now holds these versions of these items."""
        with self.transaction() as db:
            db.executemany("UPDATE items SET indexed_version = ? WHERE id = ?",
                           [(v, i) for i, v in versions])

    def mark_all_dirty(self) -> None:
        """Make every item due for indexing (before a full rebuild)."""
        with self.transaction() as db:
            db.execute("UPDATE items SET indexed_version = 0")

    # -- reading -------------------------------------------------------------------------------

    def item_ids(self) -> list[str]:
        """Every item id."""
        return [r[0] for r in self.db.execute("SELECT id FROM items ORDER BY id")]

    def item_version(self, item_id: str) -> int | None:
        """The item's version (one higher at every change to what it says), or None."""
        row = self.db.execute("SELECT version FROM items WHERE id = ?", (item_id,)).fetchone()
        return row[0] if row else None

    def item_id_for_sha(self, sha256: str) -> str | None:
        """The item whose original has this hash, if any."""
        row = self.db.execute("SELECT id FROM items WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def record_identifiers(self) -> list[tuple[str, str]]:
        """(id, identifier) of every record without a file: what a digitised file may link to."""
        rows = self.db.execute("SELECT i.id, m.value FROM items i JOIN metadata m ON m.item_id ="
                               " i.id AND m.field = 'identifier' WHERE i.sha256 IS NULL")
        return [(r[0], json.loads(r[1])) for r in rows]

    def file_identifiers(self) -> list[tuple[str, str]]:
        """(id, identifier) of every item with a file that has an identifier."""
        rows = self.db.execute("SELECT i.id, m.value FROM items i JOIN metadata m ON m.item_id ="
                               " i.id AND m.field = 'identifier' WHERE i.sha256 IS NOT NULL")
        return [(r[0], json.loads(r[1])) for r in rows]

    def file_sources(self) -> list[tuple[str, str]]:
        """(id, source) of every name an item with a file was ingested under."""
        rows = self.db.execute("SELECT s.item_id, s.source FROM sources s JOIN items i ON i.id ="
                               " s.item_id WHERE i.sha256 IS NOT NULL")
        return [(r[0], r[1]) for r in rows]

    def resolve(self, id_or_source: str) -> str | None:
        """The item id named by its id or by one of its sources (as shown, or as raw bytes)."""
        if not is_clean(id_or_source):  # typed from a shell as the raw file name
            id_or_source = display_name(id_or_source)
        row = self.db.execute("SELECT id FROM items WHERE id = ? UNION ALL SELECT item_id FROM"
                              " sources WHERE source = ? LIMIT 1", (id_or_source, id_or_source))
        found = row.fetchone()
        return found[0] if found else None

    def has_item(self, item_id: str) -> bool:
        """True when an item with this id exists."""
        return self.db.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is not None

    def get_item(self, item_id: str) -> Item | None:
        """The item with its metadata, or None."""
        row = self.db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            return None
        item = Item(id=row["id"], kind=row["kind"], access=row["access"], title=row["title"],
                    sha256=row["sha256"], status=row["status"], warnings=json.loads(row["warnings"]),
                    created_at=row["created_at"], updated_at=row["updated_at"],
                    origins=json.loads(row["row_origins"]))
        for meta in self.db.execute("SELECT field, value, origin FROM metadata WHERE item_id = ?",
                                    (item_id,)):
            if meta["field"] in ITEM_FIELDS:
                setattr(item, meta["field"], json.loads(meta["value"]))
                item.origins[meta["field"]] = meta["origin"]
        return item

    def pages(self, item_id: str) -> list[Page]:
        """The item's pages in order."""
        rows = self.db.execute("SELECT n, text, origin, confidence, language FROM pages"
                               " WHERE item_id = ? ORDER BY n", (item_id,))
        return [Page(r["n"], r["text"], r["origin"], r["confidence"], r["language"]) for r in rows]

    def page_texts(self, wanted: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The text of these (item id, page number) pages, in one query (a page of hits)."""
        pairs = list(dict.fromkeys(wanted))
        if not pairs:
            return {}
        # A join on the wanted pairs: `(item_id, n) IN (VALUES ...)` scans the whole table.
        rows = self.db.execute(f"WITH w(i, n) AS (VALUES {','.join(['(?,?)'] * len(pairs))})"
                               " SELECT p.item_id, p.n, p.text FROM w JOIN pages p"
                               " ON p.item_id = w.i AND p.n = w.n",
                               [v for pair in pairs for v in pair])
        return {(r[0], r[1]): r[2] for r in rows}

    def first_sources(self, item_ids: Iterable[str]) -> dict[str, str]:
        """Each item's first source (as `sources` lists them), for the items that have one."""
        ids = list(dict.fromkeys(item_ids))
        if not ids:
            return {}
        rows = self.db.execute(f"SELECT item_id, source FROM sources WHERE item_id IN"
                               f" ({','.join('?' * len(ids))}) ORDER BY added_at, rowid", ids)
        out: dict[str, str] = {}
        for item_id, source in rows:
            out.setdefault(item_id, source)
        return out

    def files(self, item_id: str) -> list[FileRecord]:
        """The item's original and derivative files."""
        rows = self.db.execute("SELECT f.sha256, f.mime, f.size, i.role FROM item_files i JOIN"
                               " files f USING (sha256) WHERE i.item_id = ? ORDER BY i.role",
                               (item_id,))
        return [FileRecord(r["sha256"], r["mime"], r["size"], r["role"]) for r in rows]

    def with_file_role(self, item_ids: Iterable[str], role: str) -> set[str]:
        """Which of these items have a file in this role (one query for a page of hits)."""
        ids = list(dict.fromkeys(item_ids))
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT DISTINCT item_id FROM item_files WHERE role = ? AND"
                               f" item_id IN ({marks})", (role, *ids))
        return {r[0] for r in rows}

    def sources(self, item_id: str) -> list[str]:
        """Every path or identifier the item was ingested from, first one first."""
        rows = self.db.execute("SELECT source FROM sources WHERE item_id = ? ORDER BY added_at,"
                               " rowid", (item_id,))
        return [r[0] for r in rows]

    def events(self, item_id: str | None = None) -> list[Event]:
        """The audit trail, of one item or of the whole archive."""
        sql, args = "SELECT * FROM events ORDER BY id", ()
        if item_id is not None:
            sql, args = "SELECT * FROM events WHERE item_id = ? ORDER BY id", (item_id,)
        return [Event(r["item_id"], r["action"], r["actor"], r["at"], json.loads(r["detail"]),
                      r["id"]) for r in self.db.execute(sql, args)]

    def cites(self, item_id: str) -> list[tuple[str, str | None]]:
        """(cited number as written, id of the archived item with that number or None)."""
        rows = self.db.execute(
            "SELECT c.label, n.item_id FROM relations c LEFT JOIN relations n ON n.relation ="
            " 'number' AND n.key = c.key AND n.item_id != c.item_id WHERE c.item_id = ? AND"
            " c.relation = 'cites' ORDER BY c.rowid", (item_id,))
        return [(r[0], r[1]) for r in rows]

    def cited_by(self, item_id: str) -> list[str]:
        """Ids of the items that cite this item's document number."""
        rows = self.db.execute(
            "SELECT DISTINCT c.item_id FROM relations n JOIN relations c ON c.relation = 'cites'"
            " AND c.key = n.key AND c.item_id != n.item_id WHERE n.item_id = ? AND"
            " n.relation = 'number' ORDER BY c.item_id", (item_id,))
        return [r[0] for r in rows]

    def all_files(self) -> list[tuple[str, str, int]]:
        """(item_id, sha256, size) of every file the catalog references."""
        rows = self.db.execute("SELECT i.item_id, f.sha256, f.size FROM item_files i JOIN files f"
                               " USING (sha256) ORDER BY i.item_id")
        return [(r[0], r[1], r[2]) for r in rows]

    def quarantined(self) -> list[QuarantineEntry]:
        """Every refused input with its reason."""
        rows = self.db.execute("SELECT * FROM quarantine ORDER BY at, source")
        return [QuarantineEntry(r["source"], r["sha256"], r["code"], r["reason"], r["at"],
                                r["stored_as"]) for r in rows]

    def stats(self) -> dict:
        """Counts for `ttdn stats`: items by kind, language and access; pages; OCR pages."""
        by_kind = Counter(dict(self.db.execute("SELECT kind, COUNT(*) FROM items GROUP BY kind")))
        by_access = Counter(dict(self.db.execute("SELECT access, COUNT(*) FROM items GROUP BY access")))
        by_language: Counter = Counter()
        for (value,) in self.db.execute("SELECT value FROM metadata WHERE field = 'languages'"):
            by_language.update(json.loads(value))
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "items": one("SELECT COUNT(*) FROM items"),
            "by_kind": dict(sorted(by_kind.items())),
            "by_language": dict(sorted(by_language.items())),
            "by_access": dict(sorted(by_access.items())),
            "pages": one("SELECT COUNT(*) FROM pages"),
            "ocr_pages": one("SELECT COUNT(*) FROM pages WHERE origin = 'ocr'"),
            "quarantined": one("SELECT COUNT(*) FROM quarantine"),
        }
