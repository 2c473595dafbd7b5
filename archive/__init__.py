"""archive: originals by sha256 and the SQLite catalog, the source of truth."""
from __future__ import annotations

from .catalog import Catalog, now_iso
from .errors import (AccessDenied, ArchiveError, CorruptFile, EncryptedFile, IndexLocked,
                     MissingDependency, NotFound, UnsupportedFormat, UsageError)
from .models import Event, FileRecord, Item, Page, QuarantineEntry
from .records import item_record
from .settings import Settings, load_settings
from .store import ObjectStore, sha256_file

__all__ = ["Catalog", "now_iso", "ArchiveError", "AccessDenied", "CorruptFile", "EncryptedFile",
           "IndexLocked", "MissingDependency", "NotFound", "UnsupportedFormat", "UsageError",
           "Event", "FileRecord", "Item", "Page", "QuarantineEntry", "Settings", "load_settings",
           "ObjectStore", "sha256_file", "item_record"]
