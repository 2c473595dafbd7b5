"""Open, write and rebuild the Whoosh index, always from the catalog (the index is derived).

Behind ``engine.WhooshEngine``: outside ``search/`` (tests and the bench aside) no code holds
a Whoosh index.

One document per item (see ``schema.py``): metadata and text, each page's starting position,
and the item's autocomplete vocabulary. Writes are batched: ingest commits every
``TTDN_INDEX_BATCH`` items, each analyzed as soon as it was catalogued (``prepared.py``); a
rebuild writes everything through one writer, or when the catalog is large through ``procs``
processes that each read a contiguous share of the catalog and write one segment
(``segments.build_segments``), committed together in catalog order.
"""
from __future__ import annotations

import logging
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from whoosh import index as whoosh_index
from whoosh.index import Index, LockError

from archive.catalog import Catalog
from archive.errors import IndexLocked
from archive.models import Item, Page
from archive.settings import Settings

from .analyzers import fold
from .schema import build_schema
# The writing side (segments, tokens, vocab) is imported where it is used: a search imports
# this module for open_index only, and `ttdn search` pays every import on every query.

__all__ = ["open_index", "writer", "index_items", "remove_items", "sync_index", "rebuild_index",
           "indexed_item_ids", "item_documents", "write_documents"]

log = logging.getLogger(__name__)
_LOCK_WAIT = 60.0  # seconds a writer waits for another process's lock
# From this many pages a rebuild writes with `settings.jobs` processes (one segment each):
# each process tokenizes its own share, so two cores build nearly twice as fast (a 10k-page
# rebuild: 36 CPU s in one process, 42 CPU s over two; bench/search_bench.py).
_PARALLEL_FROM_PAGES = 10_000
# The posting pool's memory before it spills a sorted run to disk (~150 bytes a posting): a
# 10k-page rebuild (1.2M postings) stays in memory; runs are cheap since segments.py anyway.
_LIMIT_MB = 256


def open_index(directory: Path, *, upgrade: bool = True) -> Index:
    """The index in `directory`, created empty when missing; `upgrade` adds any new fields.

    Readers pass ``upgrade=False``: adding fields takes the write lock.
    """
    from .segment_files import install
    install()  # segments are read in place from their memory map, not copied (segment_files.py)
    directory = Path(directory)
    if not whoosh_index.exists_in(directory):
        directory.mkdir(parents=True, exist_ok=True)
        return whoosh_index.create_in(directory, build_schema())
    ix = whoosh_index.open_dir(directory)
    if not upgrade:
        return ix
    missing = [(n, f) for n, f in build_schema().items() if n not in ix.schema]
    if missing:
        # An index from before a field existed keeps working; `ttdn reindex` fills the field.
        log.warning("search index lacks %s: run `ttdn reindex` to fill them",
                    ", ".join(n for n, _ in missing))
        with writer(ix) as w:
            for name, fieldtype in missing:
                w.add_field(name, fieldtype)
        ix = whoosh_index.open_dir(directory)
    return ix


@contextmanager
def writer(ix: Index, *, procs: int = 1) -> Iterator:
    """A writer that commits when the block ends and cancels (never half-commits) on error.

    One process writes through :class:`segments.FastSegmentWriter` (Whoosh's, with its
    commit's slow spots fixed); ``procs`` > 1 is Whoosh's own multiprocess writer, which
    tokenizes in this process: rebuilds use :func:`segments.build_segments` instead.
    """
    from .segments import open_writer
    try:
        w = open_writer(ix, limitmb=_LIMIT_MB) if procs <= 1 else \
            ix.writer(timeout=_LOCK_WAIT, delay=0.25, procs=procs, multisegment=True,
                      limitmb=_LIMIT_MB)
    except LockError as err:
        raise IndexLocked("the search index is being written by another process; try again "
                          "when it has finished") from err
    try:
        yield w
    except BaseException:
        w.cancel()
        raise
    w.commit()


def _text_of(item: Item) -> str:
    parts = [item.title, item.description, item.doc_number, item.issuer, item.doc_type,
             item.creator, item.scale, item.signer, item.lead_unit, item.collection, item.period,
             item.identifier, " ".join(item.places), " ".join(item.subject),
             " ".join(item.partner_units)]
    return "\n".join(p for p in parts if p)


def _facets(item: Item) -> dict:
    values = {
        "kind": item.kind, "access": item.access, "collection": item.collection,
        "lead_unit": item.lead_unit, "issuer": item.issuer, "doc_type": item.doc_type,
        "creator": item.creator,
        "languages": ",".join(item.languages), "places": ",".join(item.places),
        "subjects": ",".join(item.subject), "year": item.year or 0,
        "date": item.issued or item.date or item.period,
        **_period_bounds(item),
    }
    return {k: v for k, v in values.items() if v not in (None, "")}


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _period_bounds(item: Item) -> dict:
    """First and last year of a historic period ("1944/1945", "c. 1838", "1800-1900")."""
    years = [int(y) for y in _YEAR.findall(item.period or item.issued or item.date or "")]
    return {"period_from": min(years), "period_to": max(years)} if years else {}


def item_documents(item: Item, pages: list[Page]) -> list[dict]:
    """The item's index document (a list: one document per item since page positions)."""
    from .body_tokens import tokenize_body
    from .vocab import vocab_terms
    title = item.title or ""
    # Tokenized once for content and content_f; page n starts at position starts[i + 1].
    body, starts = tokenize_body([_text_of(item), *(p.text for p in pages)])
    number = {"doc_number": item.doc_number, "doc_number_f": item.doc_number} \
        if item.doc_number else {}
    vocab = vocab_terms(item.access, title, [p.text for p in pages])
    return [dict(id=item.id, item_id=item.id, doctype="item", page=0, title=title,
                 title_f=title, content=body, content_f=body, sort_title=fold(title),
                 page_starts=[(p.n, start) for p, start in zip(pages, starts[1:])],
                 vocab="\n".join(sorted(vocab)), **number, **_facets(item))]


def write_documents(w, catalog: Catalog, item_ids: list[str], *, replace: bool = True) -> None:
    """Add these items' documents to an open writer (deleting their old ones first).

    An item ingest analyzed already (prepared.py) is added as analyzed, when it is still the
    version it was analyzed from; any other is built from the catalog here.
    """
    from .prepared import take
    for item_id in item_ids:
        if replace:
            w.delete_by_term("item_id", item_id)
        if take(w, catalog, item_id):
            continue
        item = catalog.get_item(item_id)
        if item is not None:
            for doc in item_documents(item, catalog.pages(item_id)):
                w.add_document(**doc)


def index_items(ix: Index, catalog: Catalog, versions: list[tuple[str, int]]) -> int:
    """(Re)index these items from the catalog in one commit, then note it in the catalog."""
    if not versions:
        return 0
    with writer(ix) as w:
        write_documents(w, catalog, [item_id for item_id, _ in versions])
    catalog.mark_indexed(versions)
    return len(versions)


def remove_items(ix: Index, item_ids: list[str]) -> int:
    """Delete these items' documents in one commit; the number of documents deleted."""
    if not item_ids:
        return 0
    with writer(ix) as w:
        return sum(w.delete_by_term("item_id", item_id) for item_id in item_ids)


def sync_index(ix: Index, catalog: Catalog, *, batch: int = 50) -> int:
    """Bring the index up to the catalog: index every item whose newest version it lacks."""
    done = 0
    while versions := catalog.dirty_items(batch):
        done += index_items(ix, catalog, versions)
    return done


def rebuild_index(settings: Settings, catalog: Catalog, *, procs: int | None = None) -> int:
    """Throw the index away and build it again from the catalog in one commit; items indexed."""
    shutil.rmtree(settings.index_dir, ignore_errors=True)
    catalog.mark_all_dirty()
    versions = catalog.dirty_items(limit=10**9)
    if procs is None:
        pages = catalog.stats().get("pages", 0)
        procs = settings.jobs if pages >= _PARALLEL_FROM_PAGES else 1
    ids = [item_id for item_id, _ in versions]
    ix = open_index(settings.index_dir)
    if procs > 1 and len(ids) > 1:
        # Each process reads its contiguous share from the catalog and writes one segment.
        from .segments import build_segments
        build_segments(ix, catalog.path, _shares(ids, procs), limitmb=_LIMIT_MB)
    else:
        with writer(ix) as w:
            # Fresh index: nothing to delete.
            write_documents(w, catalog, ids, replace=False)
    catalog.mark_indexed(versions)
    return len(versions)


def _shares(item_ids: list[str], parts: int) -> list[list[str]]:
    """`item_ids` cut into `parts` contiguous runs of (nearly) equal length."""
    size, extra = divmod(len(item_ids), parts)
    bounds = [0]
    for k in range(parts):
        bounds.append(bounds[-1] + size + (k < extra))
    return [item_ids[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def indexed_item_ids(directory: Path) -> set[str]:
    """The ids of every item the index holds (item docs only)."""
    if not whoosh_index.exists_in(directory):
        return set()
    ix = whoosh_index.open_dir(directory)
    with ix.searcher() as s:
        return {fields["item_id"] for fields in s.all_stored_fields()
                if fields.get("doctype") == "item"}
