"""Whether a file is the one ingest read last time, judged from its stat alone (no read).

A file is taken as unchanged when its absolute path, the source it is archived under, its size,
modification time, change time and inode all match what the catalog recorded when it was last
read. The change time (ctime) is what catches a file rewritten with the same size and its old
mtime put back (`cp -p`, `touch -r`, `rsync -t`): the kernel sets ctime on every write and no
program can set it back. A new inode catches a file replaced by rename (editors, `rsync`).

Racy stats (as git's index has them): a file written again within the file system's timestamp
tick of our stat would keep the same times. A record is trusted only when the file's last change
is older than the stat by a safe margin; a fresher one is read again next time (then recorded
with an older change, so trusted after that).
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.catalog import Catalog, SeenFile

from .disc_folder import folder_stat, is_folder
from .inputs import Input, Inputs

__all__ = ["ReadPlan", "plan_reads", "stat_file", "unchanged"]

# Timestamp ticks: ext4, xfs and btrfs stamp with the kernel's coarse clock (a jiffy, 1-10 ms);
# file systems with whole-second times (FAT: 2 s, some network mounts: 1 s) get the wide margin.
_FINE_MARGIN_NS = 100_000_000
_COARSE_MARGIN_NS = 2_000_000_000


def stat_file(path: Path, source: str) -> SeenFile:
    """The file's stat as a SeenFile (hash still empty); take it before reading the file."""
    seen_ns = time.time_ns()
    st = os.stat(path)
    size, mtime_ns, ctime_ns = st.st_size, st.st_mtime_ns, st.st_ctime_ns
    if is_folder(st):  # a loose DVD's VIDEO_TS: judged by its files' stats together
        size, mtime_ns, ctime_ns = folder_stat(Path(path), st)
    return SeenFile(os.fsencode(os.path.abspath(path)), source, size, mtime_ns, ctime_ns,
                    st.st_ino, seen_ns)


def unchanged(recorded: SeenFile | None, now: SeenFile) -> bool:
    """True when `now` (a fresh stat) shows the very file `recorded` describes, safely."""
    if recorded is None:
        return False
    same = (recorded.path, recorded.source, recorded.size, recorded.mtime_ns, recorded.ctime_ns,
            recorded.inode) == (now.path, now.source, now.size, now.mtime_ns, now.ctime_ns,
                                now.inode)
    return same and _trusted(recorded)


def _trusted(recorded: SeenFile) -> bool:
    whole_seconds = recorded.ctime_ns % 1_000_000_000 == 0 and recorded.mtime_ns % 1_000_000_000 == 0
    margin = _COARSE_MARGIN_NS if whole_seconds else _FINE_MARGIN_NS
    return max(recorded.mtime_ns, recorded.ctime_ns) + margin <= recorded.seen_ns


@dataclass
class ReadPlan:
    """Which files a run reads, which it skips unread (with their item), which manifests changed."""

    to_read: list[Input] = field(default_factory=list)
    skip: dict[int, tuple[str, SeenFile]] = field(default_factory=dict)  # id(Input) -> item, stat
    changed_folders: set[Path] = field(default_factory=set)  # their manifests differ from last run
    new_prints: dict[bytes, str] = field(default_factory=dict)  # to record once the run is done

    def rows_changed(self, folder: Path | None) -> bool:
        """True when the manifests of `folder` changed since they were last applied."""
        return folder is not None and folder in self.changed_folders


def plan_reads(inputs: Inputs, catalog: Catalog, *, rehash: bool) -> ReadPlan:
    """Stat every file (no reads) against the catalog's records; `rehash` reads them all."""
    plan = ReadPlan()
    known = {} if rehash else catalog.seen_files()
    last_prints = {} if rehash else catalog.manifest_prints()
    for folder, fingerprint in inputs.manifest_prints.items():
        key = os.fsencode(folder)
        if last_prints.get(key) != fingerprint:
            plan.changed_folders.add(folder)
            plan.new_prints[key] = fingerprint
    for inp in inputs.files:
        try:
            now = stat_file(inp.path, inp.source)
        except OSError:  # gone or unreadable: reading it reports why
            plan.to_read.append(inp)
            continue
        recorded, item_id = known.get(now.path, (None, ""))
        if unchanged(recorded, now):
            plan.skip[id(inp)] = (item_id, recorded)
        else:
            plan.to_read.append(inp)
    return plan
