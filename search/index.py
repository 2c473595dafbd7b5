"""Open, write and rebuild the Whoosh index, always from the catalog (the index is derived)."""
from __future__ import annotations

import logging
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from whoosh import index as whoosh_index
from whoosh.index import LockError

from archive.catalog import Catalog
from archive.errors import IndexLocked
from archive.models import Item, Page
from archive.settings import Settings

from .analyzers import fold
from .schema import build_schema

__all__ = ["open_index", "writer", "index_items", "sync_index", "rebuild_index",
           "indexed_item_ids", "item_documents"]

log = logging.getLogger(__name__)
_LOCK_WAIT = 60.0  # seconds a writer waits for another process's lock


def open_index(directory: Path):
    """The index in `directory`, created empty when missing."""
    directory = Path(directory)
    if whoosh_index.exists_in(directory):
        return whoosh_index.open_dir(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(directory, build_schema())


@contextmanager
def writer(ix, *, procs: int = 1) -> Iterator:
    """A writer that commits when the block ends and cancels (never half-commits) on error."""
    try:
        w = ix.writer(timeout=_LOCK_WAIT, delay=0.25, procs=procs,
                      multisegment=procs > 1, limitmb=128)
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
             item.creator, item.signer, item.lead_unit, item.collection, item.period,
             item.identifier, " ".join(item.places), " ".join(item.subject),
             " ".join(item.partner_units)]
    return "\n".join(p for p in parts if p)


def _facets(item: Item) -> dict:
    values = {
        "kind": item.kind, "access": item.access, "collection": item.collection,
        "lead_unit": item.lead_unit, "issuer": item.issuer, "doc_type": item.doc_type,
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
    """The item doc (for ranking, counts and facets) and one doc per page (for pages, snippets)."""
    facets = _facets(item)
    title = item.title or ""
    meta_text = _text_of(item)
    body = "\n".join([meta_text, *(p.text for p in pages)])
    number = {"doc_number": item.doc_number, "doc_number_f": item.doc_number} \
        if item.doc_number else {}
    docs = [dict(id=item.id, item_id=item.id, doctype="item", page=0, title=title,
                 title_f=title, content=body, content_f=body, sort_title=fold(title), **number,
                 **facets)]
    for page in pages:
        docs.append(dict(id=f"{item.id}#{page.n}", item_id=item.id, doctype="page", page=page.n,
                         content=page.text, content_f=page.text, **facets))
    return docs


def index_items(ix, catalog: Catalog, versions: list[tuple[str, int]]) -> int:
    """(Re)index these items from the catalog in one commit, then note it in the catalog."""
    if not versions:
        return 0
    with writer(ix) as w:
        for item_id, _version in versions:
            w.delete_by_term("item_id", item_id)
            item = catalog.get_item(item_id)
            if item is None:
                continue
            for doc in item_documents(item, catalog.pages(item_id)):
                w.add_document(**doc)
    catalog.mark_indexed(versions)
    return len(versions)


def sync_index(ix, catalog: Catalog, *, batch: int = 50) -> int:
    """Bring the index up to the catalog: index every item whose newest version it lacks."""
    done = 0
    while versions := catalog.dirty_items(batch):
        done += index_items(ix, catalog, versions)
    return done


def rebuild_index(settings: Settings, catalog: Catalog) -> int:
    """Throw the index away and build it again from the catalog; returns items indexed."""
    shutil.rmtree(settings.index_dir, ignore_errors=True)
    catalog.mark_all_dirty()
    return sync_index(open_index(settings.index_dir), catalog, batch=500)


def indexed_item_ids(directory: Path) -> set[str]:
    """The ids of every item the index holds (item docs only)."""
    if not whoosh_index.exists_in(directory):
        return set()
    ix = whoosh_index.open_dir(directory)
    with ix.searcher() as s:
        return {fields["item_id"] for fields in s.all_stored_fields()
                if fields.get("doctype") == "item"}
