"""A DVD copied as a loose folder (DISC/VIDEO_TS/*.IFO, *.BUP, *.VOB) is one item, one original.

The folder's VIDEO_TS files are packed into an uncompressed tar made the same way every time
(sorted names under `VIDEO_TS/`, no times, owners or modes of the copy), hashed as it is
written: the same disc copied twice, under any folder name, is the same original; ingest/disc.py
reads the tar as it reads `tar cf disc.tar VIDEO_TS`. The pack lives in the data home's tmp/
only while its file is ingested.

A folder is judged unchanged from the stat of its files: their summed size, the newest
modification and change times (the folder's own included, so a file added or removed shows)
and the folder's inode (ingest/seen.py).
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from archive.errors import CorruptFile, UnsafeLink
from archive.settings import Settings

from .quarantine_names import safe_name

__all__ = ["DiscPack", "is_video_ts", "folder_stat", "pack_video_ts", "clean_packs",
           "MAX_DISC_FILES"]

MAX_DISC_FILES = 200  # a DVD's VIDEO_TS holds under 100 files (99 title sets at most)
_MIB = 1024 * 1024


@dataclass
class DiscPack:
    """The packed disc: where the tar is, its hash and size."""

    path: Path
    sha256: str
    size: int

    def remove(self) -> None:
        """Delete the pack (its folder in the data home's tmp/)."""
        _remove_tree(self.path.parent)


def is_video_ts(path: Path) -> bool:
    """True for a real (not linked) folder named VIDEO_TS that holds a VIDEO_TS.IFO."""
    if path.name.upper() != "VIDEO_TS" or path.is_symlink() or not path.is_dir():
        return False
    try:
        return any(p.name.upper() == "VIDEO_TS.IFO" and p.is_file() for p in path.iterdir())
    except OSError:
        return False


def _files(video_ts: Path, *, strict: bool = True) -> list[Path]:
    """The disc's files in a stable order; a link leading out of the folder is refused
    (`strict`), or only listed, for a stat that must not fail before the read reports why."""
    found = []
    for path in sorted(video_ts.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue
        if not strict:
            found.append(path)
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(video_ts.resolve()):
            raise UnsafeLink(f"{path.name} in the disc folder is a link to a file outside it: "
                             "copy the disc's files themselves into VIDEO_TS")
        if path.is_file():
            found.append(path)
        if len(found) > MAX_DISC_FILES:
            raise CorruptFile(f"the VIDEO_TS folder holds over {MAX_DISC_FILES} files: not a "
                              "DVD's as copied from the disc; check what was put in it")
    return found


def folder_stat(video_ts: Path, st: os.stat_result) -> tuple[int, int, int]:
    """(summed size, newest mtime, newest ctime) of the folder and the files in it."""
    size, mtime, ctime = 0, st.st_mtime_ns, st.st_ctime_ns
    for path in _files(video_ts, strict=False)[:MAX_DISC_FILES + 1]:
        one = os.lstat(path)
        size += one.st_size
        mtime, ctime = max(mtime, one.st_mtime_ns), max(ctime, one.st_ctime_ns)
    return size, mtime, ctime


class _Hashing:
    """A write-only file that hashes what passes through it (the tar is read once, as made)."""

    def __init__(self, handle) -> None:
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def write(self, data) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.handle.write(data)


def pack_video_ts(video_ts: Path, settings: Settings, *, name: str) -> DiscPack:
    """Pack the folder's files into `<name>.tar` in the data home's tmp/ (the disc's title)."""
    files = _files(video_ts)
    total = sum(p.stat().st_size for p in files)
    if total > settings.max_file_mb * _MIB:
        raise CorruptFile(f"disc too large: {total / _MIB:.0f} MiB, over the limit of "
                          f"{settings.max_file_mb} MiB (TTDN_MAX_FILE_MB)")
    work = settings.home / "tmp" / "discs"
    work.mkdir(parents=True, exist_ok=True)
    import tarfile  # a disc to pack needs these, not every ingest's start-up
    import tempfile
    folder = Path(tempfile.mkdtemp(dir=work))
    target = folder / safe_name(f"{name or 'disc'}.tar")
    try:
        with target.open("wb") as raw:
            out = _Hashing(raw)
            with tarfile.open(fileobj=out, mode="w|", format=tarfile.USTAR_FORMAT) as tar:
                for path in files:
                    info = tarfile.TarInfo(f"VIDEO_TS/{path.name}")
                    info.size, info.mode, info.mtime = path.stat().st_size, 0o444, 0
                    with path.open("rb") as data:
                        tar.addfile(info, data)
        return DiscPack(target, out.digest.hexdigest(), out.size)
    except BaseException:
        _remove_tree(folder)
        raise


def clean_packs(settings: Settings) -> None:
    """Remove packs a killed run left behind."""
    packs = settings.home / "tmp" / "discs"
    if packs.exists():
        _remove_tree(packs)


def _remove_tree(folder: Path) -> None:
    # shutil (with bz2 and lzma) loads only when there is a pack to remove: every run cleans.
    import shutil
    shutil.rmtree(folder, ignore_errors=True)


def is_folder(st: os.stat_result) -> bool:
    """True when a stat is a folder's (a loose disc)."""
    return stat.S_ISDIR(st.st_mode)
