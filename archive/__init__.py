"""archive: originals by sha256 and the SQLite catalog, the source of truth.

Names are imported on first use, so `ttdn --help` (which imports `archive.cli`) does not load
the catalog, the store or the records.
"""
from __future__ import annotations

import importlib

_WHERE = {
    "Catalog": "catalog", "now_iso": "catalog",
    "ArchiveError": "errors", "AccessDenied": "errors", "CorruptFile": "errors",
    "EncryptedFile": "errors", "IndexLocked": "errors", "MissingDependency": "errors",
    "NotFound": "errors", "UnsupportedFormat": "errors", "UsageError": "errors",
    "Event": "models", "FileRecord": "models", "Item": "models", "Page": "models",
    "QuarantineEntry": "models", "item_record": "records", "Settings": "settings",
    "load_settings": "settings", "ObjectStore": "store", "sha256_file": "store",
}

__all__ = list(_WHERE)


def __getattr__(name: str):
    """Import the module that defines `name` on first use."""
    if name not in _WHERE:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
