"""Content-addressed object store: originals kept immutable under objects/ab/cdef… by sha256."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .errors import ChangedWhileReading

__all__ = ["ObjectStore", "sha256_file"]

_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_hashing(src, dst) -> str:
    """Copy `src` to `dst` in 1 MiB chunks and return the sha256 of what was copied."""
    digest = hashlib.sha256()
    while chunk := src.read(_CHUNK):
        digest.update(chunk)
        dst.write(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ObjectStore:
    """Blobs by sha256; writes go to a temp file, are fsynced, then renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"

    def path_for(self, sha256: str) -> Path:
        """Where the blob with this hash lives (whether or not it exists)."""
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        """True when the blob is stored."""
        return self.path_for(sha256).is_file()

    def put_file(self, path: Path, sha256: str | None = None) -> str:
        """Store a copy of `path` and return its sha256; storing the same content again is free.

        The copy is hashed as it is written (one read). When `sha256` (the hash taken earlier)
        is given and the copy's differs, the file changed in between: the temp copy is deleted
        and ChangedWhileReading raised, so no object is ever stored under a wrong hash.
        """
        if sha256 and self.has(sha256):
            return sha256
        with open(path, "rb") as src:
            return self._write(lambda dst: _copy_hashing(src, dst), expected=sha256)

    def put_bytes(self, data: bytes) -> str:
        """Store bytes (a derivative such as a thumbnail) and return their sha256."""
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.has(sha256):
            def fill(dst) -> str:
                dst.write(data)
                return sha256
            self._write(fill, expected=sha256)
        return sha256

    def _write(self, fill, *, expected: str | None) -> str:
        """Run `fill(dst) -> sha256` into a temp file, check the hash, fsync, rename into place."""
        import tempfile  # here: a re-run over unchanged files writes nothing
        self._tmp.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix=(expected or "new")[:8])
        try:
            with os.fdopen(fd, "wb") as dst:
                sha256 = fill(dst)
                if expected and sha256 != expected:
                    raise ChangedWhileReading(
                        "changed while being read (another program was writing it): nothing "
                        "was kept; run the same ingest again once the file is complete")
                dst.flush()
                os.fsync(dst.fileno())
            final = self.path_for(sha256)
            if final.is_file():  # without an expected hash, known to be stored only now
                Path(tmp_name).unlink()
                return sha256
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp_name, 0o444)
            os.replace(tmp_name, final)
            _fsync_dir(final.parent)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return sha256

    def clean_temp(self) -> int:
        """Remove temp files a killed process left behind; returns how many."""
        if not self._tmp.is_dir():
            return 0
        leftovers = list(self._tmp.iterdir())
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        return len(leftovers)

    def iter_hashes(self):
        """Every stored blob's hash, from the directory layout."""
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.is_dir() and len(sub.name) == 2:
                for blob in sorted(sub.iterdir()):
                    yield sub.name + blob.name
