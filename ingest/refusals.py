"""Refusing one input: its quarantine entry, a copy of it with its reason, the run going on.

A mixin of the pipeline's run (ingest/pipeline.py): every failure of one file becomes that
file's entry; only a full disk stops the run (``is_full``).
"""
from __future__ import annotations

import errno
import logging
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from archive.catalog import now_iso
from archive.errors import ArchiveError, ChangedWhileReading, InternalError, UnreadableFile
from archive.models import QuarantineEntry
from archive.names import display_name

from .quarantine_names import safe_name

if TYPE_CHECKING:
    from archive.catalog import Catalog
    from archive.settings import Settings

    from .inputs import Input
    from .summary import IngestSummary

__all__ = ["Refusals", "is_full"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class Refusals:
    """The refusing half of an ingest run (needs `settings`, `catalog`, `summary`, `_advance`)."""

    settings: Settings
    catalog: Catalog
    summary: IngestSummary

    def _advance(self, *, indexed: bool = False) -> None:  # the run's own
        raise NotImplementedError

    def _guard(self, inp: Input, sha256: str | None, step: Callable[..., T], *args,
               advance: bool = True) -> T | None:
        """Run one step for one input and return its result; whatever it raises becomes that
        input's quarantine entry (and None)."""
        try:
            return step(*args)
        except Exception as err:
            self._fail(inp, sha256, err, advance=advance)
            return None

    def _fail(self, inp: Input, sha256: str | None, err: Exception, *,
              advance: bool = True) -> None:
        """Quarantine `inp` for `err`; only a full disk stops the run (run_ingest reports it)."""
        if is_full(err):
            raise err
        if isinstance(err, OSError) and not self._in_home(err.filename):
            err = UnreadableFile(f"could not be read ({err.strerror or err}): check that it is "
                                 "still there and readable, then run the same ingest again")
        elif not isinstance(err, ArchiveError):  # a bug, or the data home failing under us
            log.warning("%s: unexpected %s: %s", inp.source, type(err).__name__, err)
            log.info("traceback of the unexpected error", exc_info=err)  # shown with -v
            self.summary.internal.append((inp.source, f"{type(err).__name__}: {err}"))
            err = InternalError(f"internal error ({type(err).__name__}: {err}): not archived; "
                                "please report it (a copy is kept in quarantine)")
        self._refuse(inp, sha256, err, advance=advance)

    def _in_home(self, filename) -> bool:
        """True when an OS error's file is the archive's own (so not the input's fault)."""
        if not filename:
            return False
        return Path(os.fsdecode(filename)).is_relative_to(self.settings.home)

    def _refuse(self, inp: Input, sha256: str | None, err: ArchiveError, *,
                advance: bool = True) -> None:
        reason = display_name(f"{Path(inp.source).name}: {err}")  # a message may quote a raw name
        # A changing file is not worth a copy; an unread one (outside link) must not be read.
        keep = sha256 is not None and not isinstance(err, ChangedWhileReading)
        stored_as = self._quarantine_copy(inp, sha256, reason) if keep else None
        self.catalog.quarantine(QuarantineEntry(inp.source, sha256, err.code, reason, now_iso(),
                                                stored_as), raw_source=inp.raw)
        self.summary.failed.append((inp.source, reason))
        if advance:
            self._advance()

    def _quarantine_copy(self, inp: Input, sha256: str, reason: str) -> str | None:
        """Copy a refused file to quarantine/<hash>/<short safe name>, with its reason beside it."""
        import shutil  # on the first refusal: a run that refuses nothing does not load it
        folder = self.settings.quarantine_dir / sha256[:16]
        target = folder / safe_name(Path(inp.source).name)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(inp.path, target)
            target.with_name(target.name + ".reason.txt").write_text(
                f"{inp.source}\n{reason}\n", encoding="utf-8")
        except OSError as err:
            if is_full(err):
                raise
            log.warning("could not copy %s to quarantine: %s", inp.source, err)
            return None
        return str(target.relative_to(self.settings.home))


def is_full(err: BaseException) -> bool:
    """True for the disk-full errors that stop a run (StorageFull), OS or SQLite."""
    if isinstance(err, OSError):
        return err.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(err, sqlite3.OperationalError) and "full" in str(err)
