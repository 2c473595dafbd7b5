"""`ttdn ingest`: archive files and folders, with a progress bar on stderr and the summary on stdout."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archive.errors import ArchiveError, ExitCode
from archive.settings import Settings

if TYPE_CHECKING:  # the pipeline is imported when `ttdn ingest` runs, not for every command
    from .pipeline import Progress

__all__ = ["ingest_command"]


class _Bar:
    """A progress line on stderr with files, pages per second and items per second."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.enabled = sys.stderr.isatty()

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        width = 30
        filled = int(width * p.done / p.total) if p.total else width
        click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {p.done}/{p.total} files "
                   f"{p.pages / elapsed:5.1f} pages/s {p.items / elapsed:5.2f} items/s",
                   err=True, nl=False)
        if p.done == p.total:
            click.echo("", err=True)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--lang", default=None, help="Tesseract languages when the manifest gives none "
              "(default vie+eng), e.g. vie+eng+chi_sim.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="OCR processes (default: all cores).")
@click.option("--rehash", is_flag=True, help="Read and hash every file again, even those "
              "whose size and times are as at their last ingest (skipped otherwise).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def ingest_command(ctx: click.Context, paths: tuple[Path, ...], lang: str | None,
                   jobs: int | None, rehash: bool, as_json: bool) -> None:
    """Archive files and folders (a manifest.csv at a folder's root gives their metadata).

    Exit codes: 0 all archived, 1 some input quarantined, 2 usage, 3 missing Tesseract,
    6 data home full, 7 another ingest, reindex or restore is running, 8 internal error.
    """
    from .pipeline import run_ingest
    settings: Settings = ctx.obj["settings"]
    try:
        summary = run_ingest(list(paths), settings, lang=lang, jobs=jobs, on_progress=_Bar(),
                             rehash=rehash)
    except ArchiveError:
        raise  # the root group prints it and exits with its code
    except Exception as err:  # a bug outside any one file's steps (those end in the summary)
        if ctx.obj.get("verbose"):
            raise
        click.echo(f"Error: internal error ({type(err).__name__}: {err}); please report it "
                   "(`ttdn -v ingest …` shows the traceback)", err=True)
        ctx.exit(ExitCode.internal_error)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(summary.lines()))
    ctx.exit(summary.exit_code)
