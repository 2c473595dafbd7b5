"""Whoosh's segment writer with its slow spots fixed, and segments built in parallel.

Profiled on a 10k-page rebuild (bench/search_bench.py), Whoosh's own commit took over half of
the time, mostly in places this module replaces without changing a byte of the result:

- the posting pool pickled every posting one by one into its sorted runs on disk and unpickled
  them one by one to merge: runs are now pickled in chunks (one `pickle.dump` per 20k postings);
- writing the postings asked, for each of them, the length of the posting's document in its
  field: the lookup checked the column file on disk (`os.stat`) each time for fields that keep
  no lengths (vocab, the labels): lengths are now read once per field;
- the postings were written term by term through five Whoosh objects: one fused loop writes
  the same bytes (``segment_postings.py``; ingest's commits spent most of their time there);
- `ix.writer(procs=N)` tokenized every document in the parent process and pickled it to the
  children: :func:`build_segments` has each process read its share of the items from the
  catalog, build their documents and write one segment, and the parent commits the segments in
  catalog order (so documents are numbered as a one-process build numbers them).

The classes lean on Whoosh internals (``PostingPool``, ``SegmentWriter._flush_segment``,
``_commit_toc``): setup.cfg pins whoosh-reloaded, and tests/test_search_build_speed.py compares
every posting, length and stored field against plain Whoosh.
"""
from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh.index import Index, LockError
from whoosh.writing import PostingPool, SegmentWriter

from archive.errors import IndexLocked

from .segment_postings import write_postings

__all__ = ["FastSegmentWriter", "build_segments", "open_writer"]

_CHUNK = 20_000  # postings per pickle in a pool run: big enough to amortize, small in memory
_LOCK_WAIT = 60.0  # seconds a writer waits for another process's lock
_MISSING = object()


class _ChunkedPool(PostingPool):
    """Whoosh's posting pool, writing and reading its sorted runs a chunk at a time."""

    def add(self, item: tuple) -> None:
        """Queue one (field, term, docnum, weight, value) posting; spill a run when full."""
        # Whoosh's size estimate, simplified: only the run boundaries depend on it.
        self.fieldnames.add(item[0])
        self.currentsize += 150 + 3 * len(item[1]) + len(item[4] or b"")
        self.current.append(item)
        if self.currentsize > self.limit:
            self.save()

    def _write_run(self, f, items) -> None:
        chunk: list = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= _CHUNK:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator[tuple]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


class _Lengths:
    """A per-document reader's field lengths, each field's column read once."""

    def __init__(self, reader) -> None:
        self._reader = reader
        self._fields: dict[str, list[int] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        """The length of `fieldname` in document `docnum` (as the reader would answer)."""
        lengths = self._fields.get(fieldname, _MISSING)
        if lengths is _MISSING:
            lengths = self._fields[fieldname] = self._load(fieldname)
        return default if lengths is None else lengths[docnum]

    def field_lengths(self, fieldname: str) -> list[int] | None:
        """Every document's length in `fieldname`, or None when the field keeps no lengths."""
        lengths = self._fields.get(fieldname, _MISSING)
        if lengths is _MISSING:
            lengths = self._fields[fieldname] = self._load(fieldname)
        return lengths

    def _load(self, fieldname: str) -> list[int] | None:
        reader = self._reader
        probe = reader.doc_field_length(0, fieldname, default=None) \
            if reader.doc_count_all() else None
        if probe is None:  # no length column for this field: every answer is the default
            return None
        return [reader.doc_field_length(d, fieldname) for d in range(reader.doc_count_all())]


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with the chunked pool and lengths read once per field."""

    def __init__(self, ix: Index, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.pool = _ChunkedPool(self._tempstorage, self.newsegment,
                                 limitmb=kwargs.get("limitmb", 128))

    def _flush_segment(self) -> None:
        # As SegmentWriter._flush_segment, with the lengths cached and the postings written
        # by one fused loop (segment_postings.py).
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        write_postings(self.fieldwriter, self.schema, _Lengths(pdr) if pdr else None,
                       self.pool.iter_postings())
        self.fieldwriter.close()
        if pdr:
            pdr.close()


def open_writer(ix: Index, *, limitmb: int = 256) -> FastSegmentWriter:
    """A locked writer on `ix`; :class:`IndexLocked` when another process holds the lock."""
    try:
        return FastSegmentWriter(ix, timeout=_LOCK_WAIT, delay=0.25, limitmb=limitmb)
    except LockError as err:
        raise IndexLocked("the search index is being written by another process; try again "
                          "when it has finished") from err


# A job: (index folder, catalog path, item ids, limitmb); the worker returns its Segment.
_Job = tuple[Path, Path, list[str], int]


def _segment_of(job: _Job):
    """Worker: write one segment holding the documents of these items (no lock: the parent's)."""
    from archive.catalog import Catalog
    from whoosh import index as whoosh_index

    from .index import write_documents
    index_dir, catalog_path, item_ids, limitmb = job
    ix = whoosh_index.open_dir(index_dir)
    w = FastSegmentWriter(ix, _lk=False, limitmb=limitmb)
    try:
        with Catalog(catalog_path, readonly=True) as catalog:
            write_documents(w, catalog, item_ids, replace=False)
        return w._finalize_segment()
    except BaseException:
        w._close_segment()
        raise


def build_segments(ix: Index, catalog_path: Path, shares: list[list[str]], *,
                   limitmb: int = 256, worker: Callable = _segment_of) -> None:
    """Index each share of items in its own process and segment; commit them all at once.

    `ix` must be empty (a rebuild). The segments are committed in the order of `shares`, so
    contiguous shares of the catalog order number documents as one writer would.
    """
    w = open_writer(ix, limitmb=limitmb)
    try:
        jobs = [(Path(ix.storage.folder), Path(catalog_path), share, limitmb)
                for share in shares if share]
        # fork: the workers inherit the imported modules (spawn would import them again).
        with multiprocessing.get_context("fork").Pool(len(jobs) or 1) as pool:
            segments = pool.map(worker, jobs, chunksize=1)
        w._close_segment()  # the parent's own segment stays empty
        w._commit_toc(list(w.segments) + segments)
        w._finish()
    except BaseException:
        w.cancel()
        raise
