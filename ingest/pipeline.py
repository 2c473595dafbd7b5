"""The ingest pipeline: hash → detect → extract → OCR where needed → store → catalog → index."""
from __future__ import annotations

import logging
import sqlite3
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from archive.catalog import Catalog, SeenFile, now_iso
from archive.errors import ArchiveError, IndexLocked, SearchUnavailable, StorageFull
from archive.lock import home_lock
from archive.models import Event, FileRecord, Page
from archive.names import display_name
from archive.settings import Settings
from archive.store import ObjectStore, sha256_file

from .bounds import Deadline
from .inputs import Input, Inputs, collect_inputs
from .language import DEFAULT_OCR_LANG, tesseract_langs
from .linking import RecordLinks, stricter
from .refusals import Refusals
from .refusals import is_full as _is_full
from .seen import plan_reads, stat_file
from .summary import IngestSummary

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from archive.models import Item
    from search.engine import SearchEngine

    from .extraction import Extraction, OcrJob, PageText
    from .metadata.manifest import ManifestRow

# Extractors (PyMuPDF, Pillow), the OCR worker, Tesseract's wrapper and the search index are
# imported where first needed: a re-run over unchanged files needs none of them (~0.5 s). So is
# the process pool (concurrent.futures.process, with multiprocessing: ~30 ms of such a re-run).

__all__ = ["run_ingest", "Progress"]

log = logging.getLogger(__name__)


@dataclass
class Progress:
    """What the progress bar shows: files done of total, pages and items so far."""

    done: int
    total: int
    pages: int
    items: int


@dataclass
class _Work:
    """One file on its way through the pipeline."""

    input: Input
    sha256: str
    size: int
    extraction: Extraction
    seen: SeenFile
    pages: dict[int, PageText] = field(default_factory=dict)
    waiting: int = 0
    deadline: Deadline | None = None  # TTDN_MAX_FILE_SECONDS, from the first read to the last page
    built: _Built | None = None  # pages, item and citations, when a worker built them already


class _Run(Refusals):
    """The context one ingest run passes from step to step."""

    def __init__(self, settings: Settings, catalog: Catalog, *, lang: str, jobs: int,
                 on_progress: Callable[[Progress], None] | None) -> None:
        self.settings, self.catalog, self.lang, self.jobs = settings, catalog, lang, jobs
        self.store = ObjectStore(settings.objects_dir)
        self.summary = IngestSummary()
        self.on_progress = on_progress
        self._engine = None  # opened at the first write: a run that indexes nothing never opens it
        # The warning given when the engine was locked or down: then only the last flush indexes.
        self._index_waiting: tuple[str, str] | None = None
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[Future, tuple[_Work, OcrJob]] = {}
        self.done = 0
        self.total = 0
        self.links = RecordLinks(catalog)  # records on a shelf <-> their digitised files
        # Content whose OCR is running -> other inputs of the same content, waiting for it; and
        # inputs to read again because the copy they waited for was refused.
        self.reading: dict[str, list[tuple[Input, SeenFile]]] = {}
        self.again: list[Input] = []
        # Files being extracted by the workers, oldest first: finished in the order they came.
        self.extracting: deque[_Extracting] = deque()

    # -- one file ------------------------------------------------------------------------------

    def ingest_file(self, inp: Input) -> None:
        """Hash the file; skip it if archived; else extract it and queue its OCR pages."""
        if inp.disc is not None:
            return self._ingest_disc(inp)
        from .registry import check_size
        try:
            check_size(inp.path, self.settings)  # before hashing: a huge file costs no read
            seen = stat_file(inp.path, inp.source)  # before the read: a later change shows
            sha256 = sha256_file(inp.path)
            existing = self.catalog.item_id_for_sha(sha256)
        except Exception as err:  # every failure of one file is that file's entry (_fail)
            return self._fail(inp, None, err)
        self._ingest_hashed(inp, _with_sha(seen, sha256), existing)

    def _ingest_disc(self, inp: Input) -> None:
        """A loose VIDEO_TS folder: packed into one tar (its original), then read as a file."""
        from .disc_folder import pack_video_ts
        try:
            seen = stat_file(inp.path, inp.source)  # the folder's files, before packing
            pack = pack_video_ts(inp.disc, self.settings, name=Path(inp.source).name)
        except Exception as err:
            return self._fail(inp, None, err)
        packed = Input(pack.path, inp.source, inp.row, inp.raw, inp.folder, disc=inp.disc)
        try:
            existing = self.catalog.item_id_for_sha(pack.sha256)
            self._ingest_hashed(packed, _with_sha(seen, pack.sha256), existing)
        finally:
            if not any(work.input is packed for work, _ in self.futures.values()):
                pack.remove()  # a disc has no OCR pages queued: archived or refused by now

    def _ingest_hashed(self, inp: Input, seen: SeenFile, existing: str | None) -> None:
        sha256 = seen.sha256
        # Progress, OCR queueing and index writes stay outside the per-file guard: their failure
        # is the run's, and must never quarantine a file that was archived.
        if existing:
            if self._guard(inp, sha256, self._already_archived, existing, inp, seen):
                self._advance()
        elif sha256 in self.reading:  # a copy of a file still being read: wait, don't read twice
            self.reading[sha256].append((inp, seen))
        elif self.pool is None or not _is_pdf(inp) or not self._extract_in_pool(inp, seen):
            if work := self._guard(inp, sha256, self._extract, inp, seen):
                self._queue_ocr(work)

    def _extract_in_pool(self, inp: Input, seen: SeenFile) -> bool:
        """Have a worker extract the file while this process catalogs and indexes the others.

        Born-digital ingest was one process doing both in turn; now the workers (started for
        OCR) read the text layers and, with no page to OCR, the header, titles and languages
        too. Results are taken oldest first; at most 2 files per worker wait. False when the
        pool is broken: then this process reads the file itself.
        """
        from concurrent.futures.process import BrokenProcessPool  # loaded with the pool
        try:
            future = self.pool.submit(_extract_job, inp.path, self._lang_for(inp.row),
                                      _hint(inp.row, "kind"), self.settings, seen.sha256,
                                      inp.row, inp.source)
        except BrokenProcessPool:  # a worker died (out of memory): this process reads the file
            return False
        self.reading[seen.sha256] = []
        self.extracting.append(_Extracting(inp, seen, Deadline(self.settings), future))
        while len(self.extracting) > 2 * self.jobs:
            self._next_extraction(block=True)
        return True

    def _next_extraction(self, *, block: bool) -> bool:
        """Take the oldest extraction if it is done (or wait for it): queue its OCR or archive it."""
        if not self.extracting or not (block or self.extracting[0].future.done()):
            return False
        pending = self.extracting.popleft()
        inp, seen = pending.input, pending.seen
        try:
            extraction, built = pending.future.result()
        except Exception as err:  # that file's failure, as when extracted here
            self._fail(inp, seen.sha256, err)
            self._settle(seen.sha256)
            return True
        self._queue_ocr(_Work(inp, seen.sha256, seen.size, extraction, seen,
                              {p.n: p for p in extraction.pages}, deadline=pending.deadline,
                              built=built))
        return True

    def skip_unread(self, inp: Input, item_id: str, seen: SeenFile, *, rows_changed: bool) -> None:
        """Count a file unchanged since its last read; apply its row if the manifest changed."""
        self.summary.skipped += 1
        if inp.row is not None and rows_changed:
            if self._guard(inp, seen.sha256, self._already_archived, item_id, inp, None):
                self._advance()
            return
        self.summary.unchanged.append(inp.source)
        self._advance()

    def _extract(self, inp: Input, seen: SeenFile) -> _Work:
        deadline = Deadline(self.settings)
        extraction = extract_file(inp.path, lang=self._lang_for(inp.row),
                                  kind_hint=_hint(inp.row, "kind"), settings=self.settings)
        # A packed disc's stat is its folder's; the original is the tar.
        size = inp.path.stat().st_size if inp.disc is not None else seen.size
        return _Work(inp, seen.sha256, size, extraction, seen,
                     {p.n: p for p in extraction.pages}, deadline=deadline)

    def refuse_unread(self, inp: Input, err: ArchiveError) -> None:
        """Record an input refused before any read (a link leading outside its folder)."""
        self._refuse(inp, None, err)

    def _lang_for(self, row: ManifestRow | None) -> str:
        return tesseract_langs(row.values.get("languages") if row else None, default=self.lang)

    def _already_archived(self, item_id: str, inp: Input, seen: SeenFile | None) -> bool:
        if self.catalog.add_source(item_id, inp.source, raw=inp.raw):
            log.info("%s: same content as item %s, recorded as another source", inp.source, item_id)
        if inp.row and self._apply_row(item_id, inp.row):
            self.summary.updated.append(inp.source)
        else:
            self.summary.unchanged.append(inp.source)
        if seen is not None:
            self.catalog.record_seen(seen)
        return True

    def _apply_row(self, item_id: str, row: ManifestRow) -> bool:
        item = self.catalog.get_item(item_id)
        before = item.access
        changed = row.apply(item)
        if before != item.access and self.links.is_linked(item):
            # Two rows (the record's, the file's) describe one item: the stricter access holds.
            item.access = stricter(before, item.access)
            changed = [name for name in changed if name != "access" or item.access != before]
        if changed:
            self.catalog.update_item(item, actor="manifest", detail={"fields": changed})
        return bool(changed)

    # -- OCR -----------------------------------------------------------------------------------

    def _queue_ocr(self, work: _Work) -> None:
        if not work.extraction.ocr_jobs:
            return self._finish(work)
        from .ocr import run_ocr_job
        pool = self.start_pool()
        self.reading.setdefault(work.sha256, [])  # set already when a worker extracted it
        work.waiting = len(work.extraction.ocr_jobs)
        for job in work.extraction.ocr_jobs:
            while len(self.futures) >= self.jobs * 3:
                self.collect(block=True, extractions=False)
            future = pool.submit(run_ocr_job, job, self.settings.ocr_timeout)
            self.futures[future] = (work, job)

    def collect(self, *, block: bool, extractions: bool = True) -> None:
        """Take the OCR pages and extractions that are done; with `block`, wait for one first."""
        if extractions:
            while self._next_extraction(block=False):
                block = False  # one was taken: nothing to wait for
        if not self.futures:
            if block and extractions:
                self._next_extraction(block=True)
            return
        waited = list(self.futures)
        if extractions and self.extracting:
            waited.append(self.extracting[0].future)
        from concurrent.futures import FIRST_COMPLETED, wait  # loaded with the pool already
        done, _ = wait(waited, timeout=None if block else 0, return_when=FIRST_COMPLETED)
        if extractions:
            while self._next_extraction(block=False):
                pass
        done = [future for future in done if future in self.futures]
        for future in done:
            work, job = self.futures.pop(future)
            try:
                work.pages[job.n] = future.result()
            except Exception as err:  # one unreadable page is a warning, never a lost item
                work.extraction.warnings.append(f"page {job.n}: OCR failed ({err})")
                from .extraction import PageText
                work.pages[job.n] = PageText(job.n, "", origin="ocr", confidence=None)
            work.waiting -= 1
            if work.waiting == 0:
                self._finish(work)
            elif work.deadline is not None and work.deadline.expired():
                self._give_up(work)

    def _give_up(self, work: _Work) -> None:
        """Refuse a file whose OCR ran past TTDN_MAX_FILE_SECONDS; drop its pages still queued."""
        total = len(work.extraction.ocr_jobs)
        done = total - work.waiting
        for future, (other, _) in list(self.futures.items()):
            if other is work:
                future.cancel()  # a page already running ends by its own TTDN_OCR_TIMEOUT
                del self.futures[future]
        work.waiting = -1  # never finished now, whatever comes back
        self._fail(work.input, work.sha256, work.deadline.error(f"{done} of {total} pages OCRed"))
        self._settle(work.sha256)

    def drain(self) -> None:
        """Wait for every file a worker extracts and every queued OCR page; finish their items."""
        while self.futures or self.extracting:
            self.collect(block=True)
            if self.futures and len(self.futures) < self.jobs:
                # A core is idle while the last pages are read: index what is done there, not
                # after. Earlier, each commit would take a core from a page being OCRed.
                self.flush_index()

    # -- archive -------------------------------------------------------------------------------

    def _settle(self, sha256: str) -> None:
        """The inputs that waited for this content: other sources of its item now, or, when the
        copy they waited for was refused, read again for an answer of their own."""
        item_id = self.catalog.item_id_for_sha(sha256)
        for inp, seen in self.reading.pop(sha256, ()):
            if item_id is None:
                self.again.append(inp)
            elif self._guard(inp, sha256, self._already_archived, item_id, inp, seen):
                self._advance()

    def read_again(self) -> None:
        """Read the inputs whose same-content copy was refused while they waited (see _settle)."""
        while self.again:
            self.ingest_file(self.again.pop(0))
            self.drain()

    def _finish(self, work: _Work) -> None:
        archived = self._guard(work.input, work.sha256, self._archive, work)
        self._settle(work.sha256)
        if archived:
            if not self.futures:  # no page being OCRed: no core is taken from Tesseract
                self._prepare_index(archived)
            self._advance(indexed=True)
            from archive.pyramids import build_image_pyramids  # pyvips: loaded when needed
            try:
                build_image_pyramids(self.settings, work.sha256, work.extraction.mime,
                                     len(work.pages), scanned=any(
                                         p.origin == "ocr" for p in work.pages.values()))
            except Exception as err:  # archived already: the first IIIF request builds the tiles
                log.warning("%s: tiles not built (%s); `ttdn verify` will name them",
                            work.input.source, err)

    def _archive(self, work: _Work) -> str:
        """Store the original (checking it did not change since hashed), then catalog the item;
        its id."""
        ext = work.extraction
        if work.built is not None:
            pages, item, cites = work.built
        else:
            pages, item, cites = _build(work.sha256, ext, work.pages, work.input.row,
                                        work.input.source)
        files = [FileRecord(work.sha256, ext.mime, work.size, "original")]
        self.store.put_file(work.input.path, work.sha256)
        if ext.thumbnail:
            files.append(FileRecord(self.store.put_bytes(ext.thumbnail), "image/jpeg",
                                    len(ext.thumbnail), "thumbnail"))
        folder = work.input.disc is not None  # a loose disc is named by its folder's whole name
        record_id = self.links.record_for(work.input.row, work.input.source, folder=folder)
        if record_id:
            item = self.links.attach(record_id, item, pages=pages, files=files, cites=cites,
                                     source=work.input.source, raw=work.input.raw)
        else:
            event = Event(item.id, "ingested", "ingest", now_iso(),
                          {"source": work.input.source, "pages": len(pages), "mime": ext.mime})
            raw = {work.input.source: work.input.raw} if work.input.raw else None
            self.catalog.save_item(item, pages=pages, files=files, sources=[work.input.source],
                                   event=event, cites=cites, raw_sources=raw)
        self.links.file_archived(item.id, work.input.row, work.input.source, folder=folder)
        self.catalog.record_seen(work.seen)
        self.summary.added.append(work.input.source)
        self.summary.pages += len(pages)
        self.summary.ocr_pages += sum(1 for p in pages if p.origin == "ocr")
        self.summary.warnings.extend((work.input.source, w) for w in item.warnings)
        return item.id

    def ingest_record(self, row: ManifestRow, *, rows_changed: bool = True) -> None:
        """A manifest row without a file (a DVD, a book on a shelf) becomes an item by itself."""
        if self._guard(Input(Path(), row.source, row), None, self._record, row, rows_changed,
                       advance=False):
            self.flush_index(force=False)

    def _record(self, row: ManifestRow, rows_changed: bool) -> bool:
        if not rows_changed and self.catalog.has_item(row.record_id):
            self.summary.unchanged.append(row.source)  # its manifest is as last applied
            return True
        if self.catalog.get_item(row.record_id):
            changed = self._apply_row(row.record_id, row)
            (self.summary.updated if changed else self.summary.unchanged).append(row.source)
            return True
        linked, already = self.links.file_of_record(row, self.summary.warnings)
        if linked and already and not rows_changed:
            self.summary.unchanged.append(row.source)  # its manifest is as last applied
            return True
        if linked:
            changed = self._apply_row(linked, row) if already else self.links.link(linked, row)
            (self.summary.updated if changed else self.summary.unchanged).append(row.source)
            return True
        from .item_builder import record_item
        item = record_item(row)
        self.catalog.save_item(item, sources=[row.source], event=Event(
            item.id, "ingested", "ingest", now_iso(), {"source": row.source, "record": True}))
        self.links.record_made(item.id, item.identifier)
        self.summary.added.append(row.source)
        return True

    # -- index and progress --------------------------------------------------------------------

    @property
    def engine(self) -> SearchEngine:
        """The search engine TTDN_SEARCH names (search/engine.py), opened on first use."""
        if self._engine is None:
            from search.engine import open_engine
            self._engine = open_engine(self.settings)
        return self._engine

    def flush_index(self, *, force: bool = True) -> None:
        """Index what the catalog holds and the index lacks: all of it, or only a full batch."""
        if not force and self._index_waiting:
            return  # the engine failed this run: only the last flush tries again
        try:
            if force:
                if self.catalog.dirty_items(1):  # nothing to index: the engine is never opened
                    self.summary.indexed += self.engine.sync(self.catalog,
                                                             batch=self.settings.index_batch)
                if self._index_waiting:  # caught up after all: nothing is left to say
                    self.summary.warnings.remove(self._index_waiting)
                    self._index_waiting = None
                return
            pending = self.catalog.dirty_items(self.settings.index_batch)
            if len(pending) >= self.settings.index_batch:
                self.summary.indexed += index_items(self.engine, self.catalog, pending)
        except (IndexLocked, SearchUnavailable) as err:
            # Archiving goes on: what is archived stays marked for indexing in the catalog, so
            # this run's last flush, the next ingest or `ttdn reindex` catches up.
            if not self._index_waiting:
                self._index_waiting = ("(search index)", f"{err}; what was archived is kept and "
                                       "is indexed by the next `ttdn ingest` or `ttdn reindex`")
                self.summary.warnings.append(self._index_waiting)

    def _prepare_index(self, item_id: str) -> None:
        """Analyze the item's index document now, while the workers read the next files: the
        batch's commit then only adds it (search/prepared.py; the same document either way)."""
        if self._index_waiting:
            return  # the engine failed this run: what it would prepare may wait long
        from search.prepared import prepare
        try:
            prepare(self.settings, self.catalog, [item_id])
        except Exception as err:  # archived already: its commit builds the document instead
            log.warning("index document of %s not prepared ahead (%s: %s)", item_id,
                        type(err).__name__, err)

    def _advance(self, *, indexed: bool = False) -> None:
        self.done += 1
        if indexed:
            self.flush_index(force=False)
        if self.on_progress:
            self.on_progress(Progress(self.done, self.total, self.summary.pages,
                                      len(self.summary.added)))

    def start_pool(self) -> ProcessPoolExecutor:
        """The OCR workers, started once per run, before the first file is read."""
        if self.pool is None:
            from .ocr_pool import start_ocr_pool
            self.pool = start_ocr_pool(self.jobs, self.lang)
        return self.pool

    def close(self) -> None:
        """Stop the OCR workers."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def close_engine(self) -> None:
        """Release the search engine after the run's last index write."""
        if "search.prepared" in sys.modules:  # what was prepared and not committed is let go
            sys.modules["search.prepared"].discard(self.settings)
        if self._engine is not None:
            self._engine.close()
            self._engine = None


def _is_pdf(inp: Input) -> bool:
    """True for a file whose bytes start as a PDF's: the one kind a worker extracts.

    PDFs need PyMuPDF only; images go through libvips, whose threads a worker forked from a
    process that used it (the portal's quarantine retry) would inherit locked.
    """
    if inp.disc is not None:
        return False
    try:
        with open(inp.path, "rb") as fh:
            return b"%PDF-" in fh.read(1024)  # the header may follow up to 1 KiB of junk
    except OSError:
        return False  # this process reads it, and reports the error as before


@dataclass
class _Extracting:
    """A file a worker is extracting."""

    input: Input
    seen: SeenFile
    deadline: Deadline
    future: Future


_Built = tuple[list[Page], "Item", list[str]]


def _extract_job(path: Path, lang: str, kind_hint: str | None, settings: Settings, sha256: str,
                 row: ManifestRow | None, source: str) -> tuple[Extraction, _Built | None]:
    """What a worker runs for one file: `extract_file`, then, with no page left to OCR, its item
    (header, titles, languages: `_build`), as the pipeline itself would."""
    extraction = extract_file(path, lang=lang, kind_hint=kind_hint, settings=settings)
    if extraction.ocr_jobs:
        return extraction, None
    return extraction, _build(sha256, extraction, {p.n: p for p in extraction.pages}, row, source)


def _build(sha256: str, ext: Extraction, texts: dict[int, PageText], row: ManifestRow | None,
           source: str) -> _Built:
    """The pages in order, the item (ingest/item_builder.py) and the numbers it cites."""
    pages = [Page(p.n, p.text, p.origin, p.confidence, p.language)
             for _, p in sorted(texts.items())]
    # The shown name, not the path: a title from the file name must be printable text.
    from .item_builder import build_item
    item, cites = build_item(sha256, ext, pages, row, Path(source))
    return pages, item, cites


def extract_file(path: Path, **options) -> Extraction:
    """Extract one file's text and pages (ingest/registry.py, loaded on first use)."""
    from .registry import extract_file as extract
    return extract(path, **options)


def index_items(engine: SearchEngine, catalog: Catalog, versions: list[tuple[str, int]]) -> int:
    """Index these item versions in one commit through the search engine."""
    return engine.index_items(catalog, versions)


def _with_sha(seen: SeenFile, sha256: str) -> SeenFile:
    return SeenFile(seen.path, seen.source, seen.size, seen.mtime_ns, seen.ctime_ns, seen.inode,
                    seen.seen_ns, sha256)


def _hint(row: ManifestRow | None, name: str) -> str | None:
    return row.values.get(name) if row else None


def run_ingest(paths: list[Path], settings: Settings, *, lang: str | None = None,
               jobs: int | None = None, on_progress: Callable[[Progress], None] | None = None,
               rehash: bool = False) -> IngestSummary:
    """Ingest files and folders into the archive at `settings.home`; never stops at a bad file.

    A file whose path, size, times and inode match the catalog's record of its last read is not
    read again (ingest/seen.py); `rehash` reads every file.
    """
    started = time.monotonic()
    inputs = collect_inputs([Path(p) for p in paths])
    lang = lang or DEFAULT_OCR_LANG
    if inputs.files and not settings.catalog_path.exists():
        _check_tesseract(lang, inputs.files)  # a new home: every file is read; stop before work
    try:
        with home_lock(settings.home, "ingest"):  # HomeBusy when another run holds it
            return _run(inputs, settings, lang, jobs, on_progress, started, rehash)
    except (OSError, sqlite3.OperationalError) as err:
        if not _is_full(err):
            raise
        raise StorageFull(_FULL.format(home=settings.home)) from err


_FULL = ("the data home {home} is full: free some space (or move TTDN_HOME) and run the same "
         "ingest again; what was archived is kept and nothing half-written was")
# A file that may hold pages to OCR: the OCR workers are started with the run when one is read.
_OCR_SUFFIXES = frozenset({".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".jp2", ".bmp",
                           ".gif", ".webp", ""})


def _check_tesseract(lang: str, to_read: list[Input]) -> None:
    """MissingDependency (exit 3) unless Tesseract has every language these files may need."""
    from .tools.tesseract import check_tesseract
    named = sorted({c for i in to_read if i.row for c in i.row.values.get("languages", [])})
    check_tesseract("+".join(dict.fromkeys(lang.split("+") + tesseract_langs(named, "").split("+")
                                           )).strip("+"))


def _run(inputs: Inputs, settings: Settings, lang: str, jobs: int | None,
         on_progress: Callable[[Progress], None] | None, started: float,
         rehash: bool) -> IngestSummary:
    with Catalog(settings.catalog_path) as catalog:
        plan = plan_reads(inputs, catalog, rehash=rehash)
        if plan.to_read:  # OCR may be needed: Tesseract must be there before any file is read
            _check_tesseract(lang, plan.to_read)
        run = _Run(settings, catalog, lang=lang, jobs=jobs or settings.jobs, on_progress=on_progress)
        if any(i.path.suffix.lower() in _OCR_SUFFIXES for i in plan.to_read):
            run.start_pool()  # the workers load while the first files are read
        run.store.clean_temp()
        from .disc_folder import clean_packs
        clean_packs(settings)
        run.total = len(inputs.files) + len(inputs.refused)
        run.summary.warnings.extend(inputs.problems)
        for source, err in inputs.bad_manifests:
            run.summary.failed.append((display_name(source), str(err)))
        try:
            run.flush_index()  # catch up with what a killed run committed but did not index
            for row in inputs.records:
                run.ingest_record(row, rows_changed=plan.rows_changed(
                    inputs.record_folders.get(row.record_id)))
            for inp, err in inputs.refused:
                run.refuse_unread(inp, err)
            for inp in inputs.files:
                if skipped := plan.skip.get(id(inp)):
                    run.skip_unread(inp, *skipped, rows_changed=plan.rows_changed(inp.folder))
                else:
                    run.ingest_file(inp)
                run.collect(block=False)
            run.drain()
            run.read_again()
            if plan.new_prints:  # every row is applied: the next run may skip the manifests
                catalog.record_manifest_prints(plan.new_prints)
        except Exception as err:  # not one file's fault (those are caught per file): the run's
            _run_failed(run, err)
        finally:
            run.close()
        try:
            run.flush_index()  # what was archived gets indexed, even after a failure
        except Exception as err:
            _run_failed(run, err)
        finally:
            run.close_engine()
    run.summary.seconds = time.monotonic() - started
    return run.summary


def _run_failed(run: _Run, err: Exception) -> None:
    """Record an unexpected error that stopped the run; a full disk is StorageFull instead."""
    if _is_full(err):
        raise err
    log.warning("ingest stopped by an unexpected %s: %s", type(err).__name__, err)
    log.info("traceback of the unexpected error", exc_info=err)  # shown with -v
    run.summary.internal.append(("", f"{type(err).__name__}: {err}; the run stopped here, what "
                                     "was archived before is kept and indexed"))
