"""Exhibition exports for the web, each in a fresh child process, one at a time per server.

Why a child process (`python -m web.exhibits_export`, given its job as JSON on stdin):
`bagit.make_bag` changes the process's working directory while it hashes, and MuPDF may not be
used from two threads at once; the portal's other threads (page images, other visitors) must be
touched by neither.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import BinaryIO

from archive import errors
from archive.errors import ArchiveError
from archive.settings import Settings

__all__ = ["FORMATS", "ExportBusy", "run_export", "main"]

log = logging.getLogger(__name__)

FORMATS = {"pdf": "application/pdf", "zip": "application/zip"}
TIMEOUT = 900  # seconds: a 20-item A3 catalogue with its originals takes well under a minute
_LOCK = threading.Lock()  # one export at a time: each holds a catalogue and its images in memory
_ROOT = Path(__file__).resolve().parents[1]  # the child imports this very checkout
_ERRORS = {name: getattr(errors, name) for name in errors.__all__}


class ExportBusy(Exception):
    """Another export is running in this server."""


def run_export(settings: Settings, slug: str, *, fmt: str, paper: str,
               actor: str) -> tuple[BinaryIO, str]:
    """Export in a child process; returns the open result file and its download name.

    The file is already unlinked from disk: it lives until the response has sent and closed it.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if not _LOCK.acquire(blocking=False):
        raise ExportBusy(slug)
    work = Path(tempfile.mkdtemp(prefix="ttdn-export-"))
    try:
        name = _in_child(settings, slug, fmt, paper, actor, work)
        return open(work / name, "rb"), name  # noqa: SIM115 (the response closes it)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        _LOCK.release()


def _in_child(settings: Settings, slug: str, fmt: str, paper: str, actor: str,
              work: Path) -> str:
    """Run this module as a program; it answers one line of JSON on stdout."""
    job = {"settings": {**asdict(settings), "home": str(settings.home)}, "slug": slug,
           "format": fmt, "paper": paper, "actor": actor, "work": str(work)}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(_ROOT), os.environ.get("PYTHONPATH")) if p)}
    try:
        done = subprocess.run([sys.executable, "-m", __name__], input=json.dumps(job),
                              capture_output=True, text=True, timeout=TIMEOUT, env=env,
                              check=False)
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"the export of {slug!r} took longer than {TIMEOUT} s") from None
    lines = done.stdout.strip().splitlines()
    answer = json.loads(lines[-1]) if lines else {}
    if done.returncode == 0 and "file" in answer:
        return answer["file"]
    if answer.get("error") in _ERRORS:
        raise _ERRORS[answer["error"]](answer["message"])
    raise RuntimeError(f"the export process ended with code {done.returncode}: "
                       f"{answer.get('message') or done.stderr.strip()[-2000:]}")


def main() -> int:
    """The child: read the job from stdin, export, print {"file": name} or the error."""
    job = json.loads(sys.stdin.read())
    fields = {**job["settings"], "home": Path(job["settings"]["home"])}
    try:
        name = _export(Settings(**fields), job["slug"], job["format"], job["paper"],
                       job["actor"], Path(job["work"]))
    except ArchiveError as err:
        print(json.dumps({"error": type(err).__name__, "message": err.message}))
        return 1
    except Exception as err:  # noqa: BLE001 (the parent reports it)
        log.exception("export failed")
        print(json.dumps({"error": "crash", "message": f"{type(err).__name__}: {err}"}))
        return 1
    print(json.dumps({"file": name}))
    return 0


def _export(settings: Settings, slug: str, fmt: str, paper: str, actor: str, work: Path) -> str:
    # Imported here: only the child needs MuPDF's catalogue code and bagit.
    from archive.catalog import Catalog
    from exhibits import export

    with Catalog(settings.catalog_path) as catalog:
        if fmt == "pdf":
            name = f"{slug}-{paper}.pdf"
            export(settings, catalog, slug, pdf=work / name, paper=paper, actor=actor)
            return name
        bag = work / f"{slug}-evidence"
        export(settings, catalog, slug, bag=bag, paper=paper, actor=actor)
    name = f"{slug}-evidence.zip"
    _zip(bag, work / name)
    return name


def _zip(folder: Path, target: Path) -> None:
    """The bag as a zip whose one top folder is the bag (unzipped, `bagit` validates it)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
