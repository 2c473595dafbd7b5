"""A record on a shelf and its digitised file are one item: linked by the manifest's identifier.

A manifest row without a file (a DVD on a shelf, `identifier` DVD-2019-004) is an item by
itself. When the file digitised from it arrives, and its manifest row gives the same
`identifier`, or (no identifier in its row) its name carries it (`DVD-2019-004.mp4`, a disc
folder `DVD-2019-004/VIDEO_TS`), the record gains the file as its original: one item, its id
kept, the link in its history. The other order too: a record whose identifier an archived file
already carries names that item and adds its values to it, instead of making a second one.

Identifiers compare folded: case, Unicode form and separators (`KHO A/12` = `kho-a_12`) do not
matter; a name must carry the whole identifier, never a part of it.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import fields, replace
from pathlib import PurePosixPath

from archive.catalog import Catalog, now_iso
from archive.models import ACCESS_LEVELS, Event, FileRecord, Item, Page

from .metadata.manifest import ManifestRow

__all__ = ["link_key", "name_key", "RecordLinks", "merge_into_record", "stricter"]

log = logging.getLogger(__name__)

_SEPARATORS = re.compile(r"[\W_]+")
_MIN_KEY = 3  # "1" or "A" is a shelf position, not an identifier a file name can be matched by
_RANK = {level: rank for rank, level in enumerate(ACCESS_LEVELS)}  # higher: more restrictive
# Not merged from the record: what only the file can say, and the row's own bookkeeping.
_FILE_ONLY = {"id", "sha256", "status", "warnings", "origins", "created_at", "updated_at",
              "media", "format"}
_EMPTY = (None, "", [], {})


def link_key(text: str | None) -> str:
    """An identifier folded for comparison.

    >>> link_key("KHO A/12"), link_key(" kho-a_12 ")
    ('kho-a-12', 'kho-a-12')
    """
    folded = unicodedata.normalize("NFC", text or "").casefold()
    return _SEPARATORS.sub("-", folded).strip("-")


def name_key(source: str, *, folder: bool = False) -> str:
    """The key a file's name carries: its stem; a folder's (a loose disc's) whole name.

    >>> name_key("dia/DVD-2019-004.mp4"), name_key("DVD.2019.004", folder=True)
    ('dvd-2019-004', 'dvd-2019-004')
    """
    path = PurePosixPath(source)
    if path.name.upper() == "VIDEO_TS" and path.parent.name:
        return link_key(path.parent.name)
    return link_key(path.name if folder else path.stem)


class RecordLinks:
    """The lookups of one ingest run, built once and kept up to date by the run itself."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._records: dict[str, str] | None = None  # key -> id of a record without a file
        self._owners: dict[str, set[str]] | None = None  # key -> ids of items with a file

    def record_for(self, row: ManifestRow | None, source: str, *,
                   folder: bool = False) -> str | None:
        """The record without a file that this new file was digitised from, if any."""
        if self._records is None:
            self._records = {}
            for item_id, identifier in self.catalog.record_identifiers():
                self._records.setdefault(link_key(identifier), item_id)
        if not self._records:
            return None
        key = _file_key(row, source, folder)
        return self._records.get(key) if len(key) >= _MIN_KEY else None

    def items_for(self, identifier: str) -> list[str]:
        """Items with a file that carry this identifier, in their metadata or their name."""
        key = link_key(identifier)
        if len(key) < _MIN_KEY:
            return []
        if self._owners is None:
            self._owners = {}
            for item_id, value in self.catalog.file_identifiers():
                self._owners.setdefault(link_key(value), set()).add(item_id)
            for item_id, source in self.catalog.file_sources():
                # Which names are folders (loose discs) is not recorded: both readings count.
                for key in {name_key(source), name_key(source, folder=True)}:
                    self._owners.setdefault(key, set()).add(item_id)
        return sorted(self._owners.get(key, ()))

    def file_of_record(self, row: ManifestRow, warnings: list[tuple[str, str]]
                       ) -> tuple[str | None, bool]:
        """The archived item this record's identifier names (its digitised file), and whether
        an earlier run linked them already; several candidates link none, with a warning."""
        if not row.values.get("identifier"):
            return None, False
        known = self.catalog.resolve(row.source)
        if known:
            return known, True
        found = self.items_for(row.source)
        if len(found) > 1:
            warnings.append((row.source, (
                f"manifest {row.at}: the identifier {row.source!r} is carried by {len(found)} "
                f"archived files ({', '.join(found)}); the record is kept by itself; give the "
                "right file's manifest row this identifier and the others another one")))
        return (found[0] if len(found) == 1 else None), False

    def attach(self, record_id: str, made: Item, *, pages: list[Page], files: list[FileRecord],
               cites: list[str], source: str, raw: bytes | None) -> Item:
        """The record on a shelf gains this file as its original: one item, not a second one."""
        record = self.catalog.get_item(record_id)
        item = merge_into_record(record, made)
        event = Event(record_id, "original-attached", "ingest", now_iso(),
                      {"source": source, "identifier": record.identifier, "sha256": made.sha256,
                       "mime": made.format, "pages": len(pages)})
        self.catalog.attach_original(item, pages=pages, files=files, source=source, event=event,
                                     raw=raw, cites=cites)
        log.info("%s: the digitised file of record %s (%s)", source, record.identifier,
                 record_id)
        return item

    def link(self, item_id: str, row: ManifestRow) -> bool:
        """The record's values join the archived item, which its identifier now names too."""
        item = self.catalog.get_item(item_id)
        before = item.access
        changed = row.apply(item)
        item.access = stricter(before, item.access)
        event = Event(item_id, "record-linked", "manifest", now_iso(),
                      {"identifier": row.source, "manifest": row.manifest, "line": row.line,
                       "fields": changed})
        self.catalog.link_record(item, row.source, event=event)
        return True

    def is_linked(self, item: Item) -> bool:
        """True for one item made of a record and its file."""
        if item.sha256 and item.id != item.sha256[:len(item.id)]:
            return True  # a record that gained its file keeps the record's id
        return any(e.action == "record-linked" for e in self.catalog.events(item.id))

    def record_made(self, item_id: str, identifier: str) -> None:
        """Note a new record without a file."""
        if self._records is not None:
            self._records.setdefault(link_key(identifier), item_id)

    def file_archived(self, item_id: str, row: ManifestRow | None, source: str, *,
                      folder: bool = False) -> None:
        """Note a new item with a file (or a record that gained one)."""
        key = _file_key(row, source, folder)
        if self._records is not None and self._records.get(key) == item_id:
            del self._records[key]
        if self._owners is not None:
            self._owners.setdefault(key, set()).add(item_id)


def stricter(one: str, other: str) -> str:
    """The more restrictive of two access levels.

    >>> stricter("public", "restricted")
    'restricted'
    """
    return max(one, other, key=lambda level: _RANK.get(level, len(_RANK)))


def _file_key(row: ManifestRow | None, source: str, folder: bool = False) -> str:
    """The identifier a file carries: its manifest row's, else the one its name carries."""
    given = row.values.get("identifier") if row else None
    return link_key(str(given)) if given else name_key(source, folder=folder)


def merge_into_record(record: Item, made: Item) -> Item:
    """The record with its file: the file's item, keeping the record's id, its history's start
    and what staff or its manifest row said (the file's own manifest row wins over both)."""
    merged = replace(made, id=record.id, created_at=record.created_at,
                     origins=dict(made.origins))
    for spec in fields(Item):
        name = spec.name
        if name in _FILE_ONLY or name == "access":
            continue
        ours, theirs = getattr(record, name), getattr(made, name)
        if ours in _EMPTY or (name == "kind" and ours == "other"):
            continue
        if made.origins.get(name) == "manifest" and theirs not in _EMPTY:
            continue  # the file's own row is nearer the file, and newer
        if record.origins.get(name) in ("manifest", "staff") or theirs in _EMPTY:
            setattr(merged, name, ours)
            if name in record.origins:
                merged.origins[name] = record.origins[name]
    # A restriction is never lost by linking (as when two manifest rows disagree).
    merged.access = stricter(record.access, made.access)
    merged.warnings = list(dict.fromkeys([*record.warnings, *made.warnings]))
    merged.status = "warning" if merged.warnings else "ok"
    return merged
