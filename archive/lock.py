"""One writer at a time per data home: ingest, reindex and restore take an exclusive lock first.

The lock is `fcntl.flock` on `ttdn.lock` in the data home. A second run does not wait: it stops at
once with `HomeBusy` (exit code 7) naming the command and pid holding the lock, since a clerk
would rather rerun later than watch a silent terminal. The kernel drops the lock when its holder
exits, even when killed, so a stale lock file never blocks anyone; the file itself is kept (deleting
it would let two runs lock two different files).
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import HomeBusy

__all__ = ["LOCK_NAME", "home_lock"]

LOCK_NAME = "ttdn.lock"


@contextmanager
def home_lock(home: Path, command: str) -> Iterator[None]:
    """Hold the data home's exclusive lock for `command`; raise HomeBusy if another run holds it."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(home / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise HomeBusy(f"another run ({_holder(fd)}) is working on the data home {home}: wait "
                           f"for it to finish, then run `ttdn {command}` again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {command}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # still ours: no stale pid is left for anyone to misread
    finally:
        os.close(fd)  # closing releases the lock


def _holder(fd: int) -> str:
    """'ttdn ingest, pid 1234' from the lock file (written by its holder just after locking)."""
    words = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
    if len(words) >= 2 and words[0].isdigit():
        return f"ttdn {words[1]}, pid {words[0]}"
    return "pid not yet written"
