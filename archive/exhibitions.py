"""Exhibitions kept in the catalog: texts, sections and ordered entries, each change an event."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from .catalog import Catalog, now_iso
from .errors import NotFound
from .models import Event

__all__ = ["Exhibition", "ExhibitEntry", "Section", "ExhibitionStore"]

# item_id carries no foreign key on purpose: an exhibition must never block another layer from
# removing an item; a vanished item shows up as missing when the exhibition is read.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS exhibitions (
    slug TEXT PRIMARY KEY, access TEXT NOT NULL DEFAULT 'internal',
    titles TEXT NOT NULL, intros TEXT NOT NULL DEFAULT '{}', sections TEXT NOT NULL DEFAULT '[]',
    organization TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, published_at TEXT);
CREATE TABLE IF NOT EXISTS exhibition_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL REFERENCES exhibitions(slug) ON DELETE CASCADE,
    position INTEGER NOT NULL, item_id TEXT NOT NULL, captions TEXT NOT NULL DEFAULT '{}',
    section TEXT, page INTEGER, crop TEXT, note TEXT);
CREATE INDEX IF NOT EXISTS exhibition_entries_order ON exhibition_entries(slug, position);
"""


@dataclass
class Section:
    """A named part of an exhibition; `name` is its Vietnamese title, `titles` the others."""

    name: str
    titles: dict[str, str] = field(default_factory=dict)


@dataclass
class ExhibitEntry:
    """One item in an exhibition: where it stands, its captions per language and its framing."""

    item_id: str
    position: int = 0
    captions: dict[str, str] = field(default_factory=dict)  # language -> caption
    section: str | None = None
    page: int | None = None  # 1-based page of a document
    crop: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 as page fractions
    note: str | None = None
    id: int | None = None  # stable while the entry moves
    clip: tuple[float, float] | None = None  # start, end (seconds) of a film or recording


@dataclass
class Exhibition:
    """An exhibition: texts per language, sections, ordered entries and its access level."""

    slug: str
    titles: dict[str, str]  # language -> title; "vi" always present
    intros: dict[str, str] = field(default_factory=dict)
    access: str = "internal"  # public | internal
    organization: str | None = None
    sections: list[Section] = field(default_factory=list)
    entries: list[ExhibitEntry] = field(default_factory=list)
    created_at: str | None = None
    updated_at: str | None = None
    published_at: str | None = None
    featured: bool = False  # shown first on the portal's home page

    @property
    def title(self) -> str:
        """The Vietnamese title."""
        return self.titles.get("vi", self.slug)

    def entry(self, position: int) -> ExhibitEntry | None:
        """The entry at a 1-based position, or None."""
        return self.entries[position - 1] if 1 <= position <= len(self.entries) else None

    def to_dict(self) -> dict:
        """A JSON-ready mapping (crop as a list)."""
        return {
            "slug": self.slug, "titles": self.titles, "intros": self.intros,
            "access": self.access, "organization": self.organization,
            "sections": [vars(s) for s in self.sections],
            "entries": [{**vars(e), "crop": list(e.crop) if e.crop else None,
                         "clip": list(e.clip) if e.clip else None} for e in self.entries],
            "created_at": self.created_at, "updated_at": self.updated_at,
            "published_at": self.published_at,
        }


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


class ExhibitionStore:
    """Exhibition rows in the catalog's SQLite file; every write logs its event atomically."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.db = catalog.db
        found = self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND"
                                " name='exhibition_entries'").fetchone()
        if not found:  # created on first use, so older data homes need no migration step
            self.db.executescript(_SCHEMA)
        _add_featured(self.db)
        _add_clip(self.db)

    # -- reading -------------------------------------------------------------------------------

    def get(self, slug: str) -> Exhibition | None:
        """The exhibition with its entries in order, or None."""
        row = self.db.execute("SELECT * FROM exhibitions WHERE slug = ?", (slug,)).fetchone()
        if row is None:
            return None
        exhibition = _exhibition(row)
        rows = self.db.execute("SELECT * FROM exhibition_entries WHERE slug = ? ORDER BY"
                               " position, id", (slug,))
        exhibition.entries = [_entry(r) for r in rows]
        return exhibition

    def all(self) -> list[Exhibition]:
        """Every exhibition, newest first, with entries."""
        slugs = [r[0] for r in self.db.execute("SELECT slug FROM exhibitions"
                                               " ORDER BY created_at DESC, slug")]
        return [self.get(slug) for slug in slugs]

    def events(self, slug: str) -> list[Event]:
        """The exhibition's audit trail, oldest first."""
        rows = self.db.execute("SELECT * FROM events WHERE json_extract(detail, '$.exhibition')"
                               " = ? ORDER BY id", (slug,))
        return [Event(r["item_id"], r["action"], r["actor"], r["at"], json.loads(r["detail"]),
                      r["id"]) for r in rows]

    # -- writing -------------------------------------------------------------------------------

    def create(self, exhibition: Exhibition, *, actor: str) -> None:
        """Insert a new exhibition (no entries yet) and log `exhibit-created`."""
        stamp = now_iso()
        with self.catalog.transaction() as db:
            db.execute("INSERT INTO exhibitions (slug, access, titles, intros, sections,"
                       " organization, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                       (exhibition.slug, exhibition.access, _dumps(exhibition.titles),
                        _dumps(exhibition.intros), _dumps([vars(s) for s in exhibition.sections]),
                        exhibition.organization, stamp, stamp))
            _log(db, exhibition.slug, "exhibit-created", actor, {"titles": exhibition.titles})

    def save_header(self, exhibition: Exhibition, *, actor: str, action: str,
                    detail: dict | None = None) -> None:
        """Rewrite titles, intros, sections, organization and access; log `action`."""
        with self.catalog.transaction() as db:
            db.execute("UPDATE exhibitions SET titles=?, intros=?, sections=?, organization=?,"
                       " access=?, published_at=?, updated_at=? WHERE slug=?",
                       (_dumps(exhibition.titles), _dumps(exhibition.intros),
                        _dumps([vars(s) for s in exhibition.sections]), exhibition.organization,
                        exhibition.access, exhibition.published_at, now_iso(), exhibition.slug))
            _log(db, exhibition.slug, action, actor, detail or {})

    def insert_entry(self, slug: str, entry: ExhibitEntry, position: int, *, actor: str,
                     detail: dict | None = None) -> int:
        """Put an entry at a 1-based position (later ones shift down); returns its id."""
        with self.catalog.transaction() as db:
            db.execute("UPDATE exhibition_entries SET position = position + 1 WHERE slug = ?"
                       " AND position >= ?", (slug, position))
            cur = db.execute("INSERT INTO exhibition_entries (slug, position, item_id, captions,"
                             " section, page, crop, note, clip_start, clip_end)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?)",
                             (slug, position, entry.item_id, *_entry_values(entry)))
            _touch(db, slug)
            _log(db, slug, "exhibit-item-added", actor,
                 {"position": position, **(detail or {})}, item_id=entry.item_id)
            return cur.lastrowid

    def delete_entry(self, slug: str, entry: ExhibitEntry, *, actor: str) -> None:
        """Remove an entry and close the gap it leaves."""
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM exhibition_entries WHERE id = ?", (entry.id,))
            db.execute("UPDATE exhibition_entries SET position = position - 1 WHERE slug = ?"
                       " AND position > ?", (slug, entry.position))
            _touch(db, slug)
            _log(db, slug, "exhibit-item-removed", actor, {"position": entry.position},
                 item_id=entry.item_id)

    def reorder(self, slug: str, ids: list[int], *, actor: str, detail: dict) -> None:
        """Give the entries (by id) positions 1…n in the order given."""
        with self.catalog.transaction() as db:
            db.executemany("UPDATE exhibition_entries SET position = ? WHERE id = ? AND slug = ?",
                           [(n, entry_id, slug) for n, entry_id in enumerate(ids, start=1)])
            _touch(db, slug)
            _log(db, slug, "exhibit-reordered", actor, detail)

    def update_entry(self, slug: str, entry: ExhibitEntry, *, actor: str, action: str,
                     detail: dict) -> None:
        """Rewrite an entry's captions, section, page, crop and note; log `action`."""
        with self.catalog.transaction() as db:
            db.execute("UPDATE exhibition_entries SET captions=?, section=?, page=?, crop=?,"
                       " note=?, clip_start=?, clip_end=? WHERE id = ?",
                       (*_entry_values(entry), entry.id))
            _touch(db, slug)
            _log(db, slug, action, actor, {"position": entry.position, **detail},
                 item_id=entry.item_id)

    def set_featured(self, slug: str, featured: bool, *, actor: str) -> None:
        """Feature the exhibition on the home page (or stop); logs `exhibit-featured`."""
        with self.catalog.transaction() as db:
            done = db.execute("UPDATE exhibitions SET featured = ? WHERE slug = ?",
                              (int(featured), slug)).rowcount
            if not done:
                raise NotFound(f"no exhibition has the slug {slug!r} (see `ttdn exhibit list`)")
            _log(db, slug, "exhibit-featured", actor, {"featured": bool(featured)})

    def log(self, slug: str, action: str, *, actor: str, detail: dict) -> None:
        """Log an event that changes no row (an export)."""
        with self.catalog.transaction() as db:
            _log(db, slug, action, actor, detail)


def _exhibition(row: sqlite3.Row) -> Exhibition:
    return Exhibition(slug=row["slug"], titles=json.loads(row["titles"]),
                      intros=json.loads(row["intros"]), access=row["access"],
                      organization=row["organization"],
                      sections=[Section(**s) for s in json.loads(row["sections"])],
                      created_at=row["created_at"], updated_at=row["updated_at"],
                      published_at=row["published_at"],
                      featured=bool(row["featured"]) if "featured" in row.keys() else False)


def _add_featured(db: sqlite3.Connection) -> None:
    """Add the `featured` column to a data home from before it (idempotent, race-safe)."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(exhibitions)")}
    if "featured" in columns:
        return
    try:
        db.execute("ALTER TABLE exhibitions ADD COLUMN featured INTEGER NOT NULL DEFAULT 0")
    except sqlite3.OperationalError as err:
        # Another process added it first, or a read-only connection: rows read without it.
        if "duplicate column" not in str(err) and "readonly" not in str(err):
            raise


def _add_clip(db: sqlite3.Connection) -> None:
    """Add the clip columns (start, end seconds) to a data home from before them (idempotent)."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(exhibition_entries)")}
    for column in ("clip_start", "clip_end"):
        if column in columns:
            continue
        try:
            db.execute(f"ALTER TABLE exhibition_entries ADD COLUMN {column} REAL")
        except sqlite3.OperationalError as err:
            # Another process added it first, or a read-only connection: rows read without it.
            if "duplicate column" not in str(err) and "readonly" not in str(err):
                raise


def _clip(row: sqlite3.Row) -> tuple[float, float] | None:
    if "clip_start" not in row.keys() or row["clip_start"] is None or row["clip_end"] is None:
        return None
    return (row["clip_start"], row["clip_end"])


def _entry(row: sqlite3.Row) -> ExhibitEntry:
    crop = json.loads(row["crop"]) if row["crop"] else None
    return ExhibitEntry(item_id=row["item_id"], position=row["position"],
                        captions=json.loads(row["captions"]), section=row["section"],
                        page=row["page"], crop=tuple(crop) if crop else None, note=row["note"],
                        id=row["id"], clip=_clip(row))


def _entry_values(entry: ExhibitEntry) -> tuple:
    start, end = entry.clip or (None, None)
    return (_dumps(entry.captions), entry.section, entry.page,
            _dumps(list(entry.crop)) if entry.crop else None, entry.note, start, end)


def _touch(db: sqlite3.Connection, slug: str) -> None:
    db.execute("UPDATE exhibitions SET updated_at = ? WHERE slug = ?", (now_iso(), slug))


def _log(db: sqlite3.Connection, slug: str, action: str, actor: str, detail: dict, *,
         item_id: str | None = None) -> None:
    """Append to the catalog's events table in the caller's transaction, tagged with the slug."""
    db.execute("INSERT INTO events (item_id, action, actor, at, detail) VALUES (?,?,?,?,?)",
               (item_id, action, actor, now_iso(), _dumps({"exhibition": slug, **detail})))
