"""Content-addressed object store: originals kept immutable under objects/ab/cdef… by sha256."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["ObjectStore", "sha256_file"]

_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
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
        """Store a copy of `path` and return its sha256; storing the same content again is free."""
        sha256 = sha256 or sha256_file(path)
        if self.has(sha256):
            return sha256
        with open(path, "rb") as src:
            self._write(sha256, lambda dst: shutil.copyfileobj(src, dst, _CHUNK))
        return sha256

    def put_bytes(self, data: bytes) -> str:
        """Store bytes (a derivative such as a thumbnail) and return their sha256."""
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.has(sha256):
            self._write(sha256, lambda dst: dst.write(data))
        return sha256

    def _write(self, sha256: str, fill) -> None:
        self._tmp.mkdir(parents=True, exist_ok=True)
        final = self.path_for(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix=sha256[:8])
        try:
            with os.fdopen(fd, "wb") as dst:
                fill(dst)
                dst.flush()
                os.fsync(dst.fileno())
            os.chmod(tmp_name, 0o444)
            os.replace(tmp_name, final)
            _fsync_dir(final.parent)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

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
