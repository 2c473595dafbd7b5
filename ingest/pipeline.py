"""The ingest pipeline: hash → detect → extract → OCR where needed → store → catalog → index."""
from __future__ import annotations

import errno
import logging
import shutil
import sqlite3
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from archive.catalog import Catalog, now_iso
from archive.errors import ArchiveError, CorruptFile, StorageFull
from archive.models import Event, FileRecord, Item, Page, QuarantineEntry
from archive.settings import Settings
from archive.store import ObjectStore, sha256_file
from search.index import index_items, open_index, sync_index

from .extraction import Extraction, OcrJob, PageText
from .inputs import Input, collect_inputs
from .item_builder import build_item, record_item
from .language import DEFAULT_OCR_LANG, tesseract_langs
from .metadata.manifest import ManifestRow
from .ocr import run_ocr_job
from .registry import check_size, extract_file
from .summary import IngestSummary
from .tools.tesseract import check_tesseract

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
    pages: dict[int, PageText] = field(default_factory=dict)
    waiting: int = 0


class _Run:
    """The context one ingest run passes from step to step."""

    def __init__(self, settings: Settings, catalog: Catalog, *, lang: str, jobs: int,
                 on_progress: Callable[[Progress], None] | None) -> None:
        self.settings, self.catalog, self.lang, self.jobs = settings, catalog, lang, jobs
        self.store = ObjectStore(settings.objects_dir)
        self.summary = IngestSummary()
        self.on_progress = on_progress
        self.ix = open_index(settings.index_dir)
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[Future, tuple[_Work, OcrJob]] = {}
        self.done = 0
        self.total = 0

    # -- one file ------------------------------------------------------------------------------

    def ingest_file(self, inp: Input) -> None:
        """Hash the file; skip it if archived; else extract it and queue its OCR pages."""
        try:
            check_size(inp.path, self.settings)  # before hashing: a huge file costs no read
            size = inp.path.stat().st_size
            sha256 = sha256_file(inp.path)
        except (OSError, ArchiveError) as err:
            return self._refuse(inp, None, err, keep_copy=False)
        existing = self.catalog.item_id_for_sha(sha256)
        if existing:
            return self._already_archived(existing, inp)
        try:
            extraction = extract_file(inp.path, lang=self._lang_for(inp.row),
                                      kind_hint=_hint(inp.row, "kind"), settings=self.settings)
        except ArchiveError as err:
            return self._refuse(inp, sha256, err)
        except Exception as err:  # a library failing on odd input must not stop the batch
            log.exception("extracting %s failed", inp.source)
            return self._refuse(inp, sha256, CorruptFile(f"could not be read ({err})"))
        work = _Work(inp, sha256, size, extraction, {p.n: p for p in extraction.pages})
        self._queue_ocr(work)

    def _lang_for(self, row: ManifestRow | None) -> str:
        return tesseract_langs(row.values.get("languages") if row else None, default=self.lang)

    def _already_archived(self, item_id: str, inp: Input) -> None:
        if self.catalog.add_source(item_id, inp.source):
            log.info("%s: same content as item %s, recorded as another source", inp.source, item_id)
        if inp.row and self._apply_row(item_id, inp.row):
            self.summary.updated.append(inp.source)
        else:
            self.summary.unchanged.append(inp.source)
        self._advance()

    def _apply_row(self, item_id: str, row: ManifestRow) -> bool:
        item = self.catalog.get_item(item_id)
        changed = row.apply(item)
        if changed:
            self.catalog.update_item(item, actor="manifest", detail={"fields": changed})
        return bool(changed)

    # -- OCR -----------------------------------------------------------------------------------

    def _queue_ocr(self, work: _Work) -> None:
        if not work.extraction.ocr_jobs:
            return self._finish(work)
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.jobs)
        work.waiting = len(work.extraction.ocr_jobs)
        for job in work.extraction.ocr_jobs:
            while len(self.futures) >= self.jobs * 3:
                self.collect(block=True)
            future = self.pool.submit(run_ocr_job, job, self.settings.ocr_timeout)
            self.futures[future] = (work, job)

    def collect(self, *, block: bool) -> None:
        if not self.futures:
            return
        done, _ = wait(list(self.futures), timeout=None if block else 0,
                       return_when=FIRST_COMPLETED)
        for future in done:
            work, job = self.futures.pop(future)
            try:
                work.pages[job.n] = future.result()
            except Exception as err:  # one unreadable page is a warning, never a lost item
                work.extraction.warnings.append(f"page {job.n}: OCR failed ({err})")
                work.pages[job.n] = PageText(job.n, "", origin="ocr", confidence=None)
            work.waiting -= 1
            if work.waiting == 0:
                self._finish(work)

    def drain(self) -> None:
        """Wait for every queued OCR page and finish its item."""
        while self.futures:
            self.collect(block=True)

    # -- archive -------------------------------------------------------------------------------

    def _finish(self, work: _Work) -> None:
        ext = work.extraction
        pages = [Page(p.n, p.text, p.origin, p.confidence, p.language)
                 for _, p in sorted(work.pages.items())]
        item, cites = build_item(work.sha256, ext, pages, work.input.row, work.input.path)
        files = [FileRecord(work.sha256, ext.mime, work.size, "original")]
        self.store.put_file(work.input.path, work.sha256)
        if ext.thumbnail:
            files.append(FileRecord(self.store.put_bytes(ext.thumbnail), "image/jpeg",
                                    len(ext.thumbnail), "thumbnail"))
        event = Event(item.id, "ingested", "ingest", now_iso(),
                      {"source": work.input.source, "pages": len(pages), "mime": ext.mime})
        self.catalog.save_item(item, pages=pages, files=files, sources=[work.input.source],
                               event=event, cites=cites)
        self.summary.added.append(work.input.source)
        self.summary.pages += len(pages)
        self.summary.ocr_pages += sum(1 for p in pages if p.origin == "ocr")
        self.summary.warnings.extend((work.input.source, w) for w in item.warnings)
        self._advance(indexed=True)

    def ingest_record(self, row: ManifestRow) -> None:
        """A manifest row without a file (a DVD, a book on a shelf) becomes an item by itself."""
        if self.catalog.get_item(row.record_id):
            changed = self._apply_row(row.record_id, row)
            (self.summary.updated if changed else self.summary.unchanged).append(row.source)
            return
        item = record_item(row)
        self.catalog.save_item(item, sources=[row.source], event=Event(
            item.id, "ingested", "ingest", now_iso(), {"source": row.source, "record": True}))
        self.summary.added.append(row.source)
        self.flush_index(force=False)

    def _refuse(self, inp: Input, sha256: str | None, err: Exception, *,
                keep_copy: bool = True) -> None:
        reason = f"{Path(inp.source).name}: {err}"
        stored_as = self._quarantine_copy(inp, sha256, reason) if keep_copy else None
        self.catalog.quarantine(QuarantineEntry(inp.source, sha256, getattr(err, "code", "error"),
                                                reason, now_iso(), stored_as))
        self.summary.failed.append((inp.source, reason))
        self._advance()

    def _quarantine_copy(self, inp: Input, sha256: str | None, reason: str) -> str | None:
        folder = self.settings.quarantine_dir / (sha256[:16] if sha256 else "unhashed")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / inp.path.name
        try:
            shutil.copyfile(inp.path, target)
        except OSError as err:
            log.warning("could not copy %s to quarantine: %s", inp.source, err)
            return None
        (folder / (inp.path.name + ".reason.txt")).write_text(reason + "\n", encoding="utf-8")
        return str(target.relative_to(self.settings.home))

    # -- index and progress --------------------------------------------------------------------

    def flush_index(self, *, force: bool = True) -> None:
        """Index what the catalog holds and the index lacks: all of it, or only a full batch."""
        if force:
            self.summary.indexed += sync_index(self.ix, self.catalog, batch=self.settings.index_batch)
            return
        pending = self.catalog.dirty_items(self.settings.index_batch)
        if len(pending) >= self.settings.index_batch:
            self.summary.indexed += index_items(self.ix, self.catalog, pending)

    def _advance(self, *, indexed: bool = False) -> None:
        self.done += 1
        if indexed:
            self.flush_index(force=False)
        if self.on_progress:
            self.on_progress(Progress(self.done, self.total, self.summary.pages,
                                      len(self.summary.added)))

    def close(self) -> None:
        """Stop the OCR workers."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _hint(row: ManifestRow | None, name: str) -> str | None:
    return row.values.get(name) if row else None


def run_ingest(paths: list[Path], settings: Settings, *, lang: str | None = None,
               jobs: int | None = None,
               on_progress: Callable[[Progress], None] | None = None) -> IngestSummary:
    """Ingest files and folders into the archive at `settings.home`; never stops at a bad file."""
    started = time.monotonic()
    inputs = collect_inputs([Path(p) for p in paths])
    lang = lang or DEFAULT_OCR_LANG
    check_tesseract("+".join(dict.fromkeys(lang.split("+") +
                                           tesseract_langs(sorted(inputs.languages()), "").split("+")
                                           )).strip("+"))
    settings.home.mkdir(parents=True, exist_ok=True)
    try:
        return _run(inputs, settings, lang, jobs, on_progress, started)
    except OSError as err:
        if err.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise StorageFull(_FULL.format(home=settings.home)) from err
    except sqlite3.OperationalError as err:
        if "full" not in str(err):
            raise
        raise StorageFull(_FULL.format(home=settings.home)) from err


_FULL = ("the data home {home} is full: free some space (or move TTDN_HOME) and run the same "
         "ingest again; what was archived is kept and nothing half-written was")


def _run(inputs, settings: Settings, lang: str, jobs: int | None,
         on_progress: Callable[[Progress], None] | None, started: float) -> IngestSummary:
    with Catalog(settings.catalog_path) as catalog:
        run = _Run(settings, catalog, lang=lang, jobs=jobs or settings.jobs, on_progress=on_progress)
        run.store.clean_temp()
        run.flush_index()  # catch up with what a killed run committed but did not index
        run.total = len(inputs.files)
        run.summary.warnings.extend(inputs.problems)
        for source, err in inputs.bad_manifests:
            run.summary.failed.append((source, str(err)))
        try:
            for row in inputs.records:
                run.ingest_record(row)
            for inp in inputs.files:
                run.ingest_file(inp)
                run.collect(block=False)
            run.drain()
        finally:
            run.close()
        run.flush_index()
    run.summary.seconds = time.monotonic() - started
    return run.summary
