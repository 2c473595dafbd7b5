"""Backup and restore: the archive as a BagIt bag (objects, a consistent catalog copy, events)."""
from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import bagit

from .catalog import Catalog, now_iso
from .errors import CorruptFile, UsageError
from .lock import LOCK_NAME
from .models import Event
from .settings import Settings

__all__ = ["BackupReport", "backup_archive", "restore_archive"]

_CATALOG = "catalog.sqlite3"


@dataclass
class BackupReport:
    """What a backup or restore wrote."""

    path: Path
    objects: int
    items: int
    bytes: int


def _empty_or_missing(path: Path) -> bool:
    # The data home's lock file (taken by restore itself) does not make a home non-empty.
    return not path.exists() or (path.is_dir() and not any(p.name != LOCK_NAME
                                                            for p in path.iterdir()))


def backup_archive(settings: Settings, dest: Path, *, actor: str = "backup",
                   processes: int = 1) -> BackupReport:
    """Write the archive into `dest` (new or empty) as a BagIt bag that `bagit` validates."""
    dest = Path(dest)
    if not _empty_or_missing(dest):
        raise UsageError(f"{dest} is not empty: back up into a new or empty folder")
    if not settings.catalog_path.is_file():
        raise UsageError(f"there is no archive at {settings.home} to back up")
    dest.mkdir(parents=True, exist_ok=True)
    with Catalog(settings.catalog_path) as catalog:
        _copy_catalog(catalog, dest / _CATALOG)
        _write_events(catalog, dest / "events.jsonl")
        items = len(catalog.item_ids())
        catalog.log_event(Event(None, "backed-up", actor, now_iso(), {"dest": str(dest)}))
    objects = _copy_objects(settings.objects_dir, dest / "objects")
    bag = bagit.make_bag(str(dest), {"Source-Organization": "ttdn-archive",
                                     "External-Description": f"Archive backup of {settings.home}",
                                     "Bagging-Date": now_iso()[:10]},
                         processes=processes, checksums=["sha256"])
    size = sum(p.stat().st_size for p in Path(bag.path).rglob("*") if p.is_file())
    return BackupReport(dest, objects, items, size)


def _copy_catalog(catalog: Catalog, target: Path) -> None:
    """A consistent copy even while ingest writes: SQLite's online backup."""
    copy = sqlite3.connect(target)
    try:
        catalog.db.backup(copy)
    finally:
        copy.close()


def _write_events(catalog: Catalog, target: Path) -> None:
    with open(target, "w", encoding="utf-8") as out:
        for event in catalog.events():
            out.write(json.dumps(vars(event), ensure_ascii=False) + "\n")


def _copy_objects(source: Path, target: Path) -> int:
    count = 0
    for blob in sorted(source.glob("??/*")):
        (target / blob.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy2(blob, target / blob.parent.name / blob.name)
        count += 1
    return count


def restore_archive(settings: Settings, source: Path, *, actor: str = "restore") -> BackupReport:
    """Validate a backup bag and restore it into an empty data home; the index is rebuilt after."""
    if not _empty_or_missing(settings.home):
        raise UsageError(f"{settings.home} is not empty: restore into a new or empty data home")
    try:
        bag = bagit.Bag(str(source))
        bag.validate(processes=1)
    except (bagit.BagError, bagit.BagValidationError) as err:
        raise CorruptFile(f"{source}: not a valid backup bag ({err})") from err
    data = Path(bag.path) / "data"
    settings.home.mkdir(parents=True, exist_ok=True)
    objects = _copy_objects(data / "objects", settings.objects_dir)
    shutil.copy2(data / _CATALOG, settings.catalog_path)
    with Catalog(settings.catalog_path) as catalog:
        catalog.mark_all_dirty()
        catalog.log_event(Event(None, "restored", actor, now_iso(), {"source": str(source)}))
        items = len(catalog.item_ids())
    return BackupReport(settings.home, objects, items, 0)
