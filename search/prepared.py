"""Index documents analyzed ahead of their commit, so the commit only adds and writes them.

Ingest catalogs an item, then (while the workers read the next files) analyzes its index
document here: :func:`prepare` builds it from the catalog as the commit would and analyzes it
(``analyzed.py``); the commit (``index.write_documents``) takes it when the item is still at
the version it was prepared from and the writer's schema is the one it was analyzed for, and
otherwise builds the document from the catalog as before. So the index holds the same
documents either way; a crash loses nothing but this cache (the catalog still marks the item
for indexing). Nothing here holds the index's write lock: portal edits are not kept waiting.

Only Whoosh (the built-in index) prepares; with ``TTDN_SEARCH`` naming Solr, nothing is kept.
"""
from __future__ import annotations

import pickle
import threading
from collections.abc import Iterable
from pathlib import Path

from whoosh.writing import SegmentWriter

from archive.catalog import Catalog
from archive.settings import Settings

from .analyzed import AnalyzedDocument, add_analyzed, analyze

__all__ = ["prepare", "take", "discard", "PREPARED_POSTINGS"]

# Postings kept analyzed at most (~170 bytes each, so ~85 MB): a thirty-page item holds ~2.5k,
# a batch of 50 of them ~125k; past the bound an item is analyzed at its commit, as before.
PREPARED_POSTINGS = 500_000

_lock = threading.Lock()
# (index folder, item id) -> (version, analyzed documents)
_prepared: dict[tuple[str, str], tuple[int, list[AnalyzedDocument]]] = {}
_held = 0
_schema = None
_schema_print: tuple | None = None


def _fingerprint(schema) -> tuple:
    """What makes two schemas analyze alike: each field's pickled state, in order.

    Schemas compare unequal after a round trip through the index's TOC (column types compare
    by identity), but their fields pickle to the same bytes when they behave the same.
    """
    return tuple((name, pickle.dumps(field, 2)) for name, field in schema.items())


def _analysis_schema():
    """The schema prepared documents are analyzed for (search/schema.py), built once."""
    global _schema, _schema_print
    if _schema is None:
        from .schema import build_schema
        _schema = build_schema()
        _schema_print = _fingerprint(_schema)
    return _schema


def prepare(settings: Settings, catalog: Catalog, item_ids: Iterable[str]) -> int:
    """Analyze these items' index documents now, from the catalog; the number prepared."""
    global _held
    if settings.search_url:
        return 0
    from .index import item_documents
    folder, done = str(Path(settings.index_dir)), 0
    schema = _analysis_schema()
    for item_id in item_ids:
        if _held >= PREPARED_POSTINGS:
            break
        version = catalog.item_version(item_id)
        item = catalog.get_item(item_id)
        if item is None or version is None:
            continue
        docs = [analyze(schema, doc) for doc in item_documents(item, catalog.pages(item_id))]
        if any(doc is None for doc in docs) or catalog.item_version(item_id) != version:
            continue  # a feature only the writer handles, or changed while read: not kept
        size = sum(doc.size for doc in docs)
        with _lock:
            old = _prepared.pop((folder, item_id), None)
            _held -= sum(d.size for d in old[1]) if old else 0
            _prepared[(folder, item_id)] = (version, docs)
            _held += size
        done += 1
    return done


def take(writer, catalog: Catalog, item_id: str) -> bool:
    """Add the item's prepared documents to `writer` if they are still what the catalog says;
    False when the caller must build them (none kept, the item changed, another schema)."""
    global _held
    if not _prepared or not isinstance(writer, SegmentWriter):
        return False
    folder = str(Path(writer.storage.folder)) if hasattr(writer.storage, "folder") else None
    with _lock:
        entry = _prepared.pop((folder, item_id), None)
        if entry is not None:
            _held -= sum(doc.size for doc in entry[1])
    if entry is None:
        return False
    version, docs = entry
    if catalog.item_version(item_id) != version or not _same_schema(writer):
        return False
    for doc in docs:
        add_analyzed(writer, doc)
    return True


def _same_schema(writer) -> bool:
    """Whether the writer's schema analyzes as the prepared documents' schema did."""
    known = getattr(writer, "_ttdn_schema_print", None)
    if known is None:
        known = _fingerprint(writer.schema)
        try:
            writer._ttdn_schema_print = known
        except AttributeError:  # a writer class without a __dict__: compute each time
            pass
    return known == _schema_print


def discard(settings: Settings | None = None) -> None:
    """Forget what was prepared (for one index folder, or all): the end of an ingest run."""
    global _held
    with _lock:
        if settings is None:
            _prepared.clear()
            _held = 0
            return
        folder = str(Path(settings.index_dir))
        for key in [k for k in _prepared if k[0] == folder]:
            _held -= sum(doc.size for doc in _prepared.pop(key)[1])
