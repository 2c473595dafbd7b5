"""Read an index segment's files in place from its memory map, instead of from a copy.

Whoosh opens a segment (one ``.seg`` file) as a memory map and each file inside it as a
``BufferFile`` over a slice of that map, which copies the slice into a ``BytesIO`` at once for
its ``read``/``seek``. Opening a searcher therefore copied every segment's postings and terms
(33 MB at 10k pages, 280 MB at 100k): most of what a one-shot ``ttdn search`` spent opening
the index, and that much memory per searcher in the portal (one searcher per thread and index
generation). :class:`ViewFile` reads the map itself: ``read`` and ``seek`` move over the
memoryview, so only the pages a search touches are read, and nothing is copied.

``install()`` makes Whoosh's compound-segment storage create ViewFiles; ``index.open_index``
calls it, so every index this project opens reads this way.
"""
from __future__ import annotations

import pickle
from io import BytesIO

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

__all__ = ["ViewFile", "install"]

_PICKLE_GUESS = 4096  # bytes: a postings block's header is ~50, a column's length block a few K
# Protocol 4 and 5 pickles (what Whoosh writes on Python 3) open with PROTO, FRAME and the
# frame's length; a small pickle is one frame.
_FRAMED = (b"\x80\x04\x95", b"\x80\x05\x95")


class ViewFile(BufferFile):
    """A BufferFile whose read, seek and tell work on its memoryview, without a copy.

    Anything else that asks for the file object itself (``.file``: iteration, ``raw_file``)
    gets Whoosh's own BytesIO copy, made then, at the same position; from then on this file
    reads through that copy, so the two never disagree.
    """

    def __init__(self, buf, name=None, onclose=None) -> None:
        self._buf = buf
        self._name = name
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False
        self._pos = 0
        self._io: BytesIO | None = None

    @property
    def file(self) -> BytesIO:
        """Whoosh's BytesIO copy, for code that reads the file object directly."""
        if self._io is None:
            self._io = BytesIO(self._buf)
            self._io.seek(self._pos)
            # Instance attributes win over the methods below: one position from now on.
            self.read, self.seek, self.tell = self._io.read, self._io.seek, self._io.tell
            self.readline = self._io.readline
            self.read_pickle = lambda: pickle.load(self._io)
        return self._io

    def read(self, n: int | None = -1) -> bytes:
        """Up to n bytes from the position (all that is left when n is None or negative)."""
        pos = self._pos
        found = bytes(self._buf[pos:] if n is None or n < 0 else self._buf[pos:pos + n])
        self._pos = pos + len(found)  # a slice past the end is empty: the position stays
        return found

    def readline(self, size: int | None = -1) -> bytes:
        """Bytes up to and including the next newline, as BytesIO.readline reads them."""
        pos, length = self._pos, len(self._buf)
        end = length if size is None or size < 0 else min(pos + size, length)
        if end <= pos:
            return b""
        found = bytes(self._buf[pos:end])
        cut = found.find(b"\n")
        if cut >= 0:
            found = found[:cut + 1]
        self._pos = pos + len(found)
        return found

    def seek(self, pos: int, whence: int = 0) -> int:
        """Move as BytesIO.seek does (past the end allowed, before the start refused)."""
        if whence == 0 and pos >= 0:
            self._pos = pos
        elif whence == 0:
            raise ValueError(f"negative seek value {pos}")
        elif whence == 1:
            self._pos = max(0, self._pos + pos)
        elif whence == 2:
            self._pos = max(0, len(self._buf) + pos)
        else:
            raise ValueError(f"invalid whence ({whence}, should be 0, 1 or 2)")
        return self._pos

    def tell(self) -> int:
        """The position."""
        return self._pos

    def read_pickle(self):
        """The pickled object at the position; the position moves past it."""
        pos, buf = self._pos, self._buf
        head = bytes(buf[pos:pos + 11])
        if head[:3] in _FRAMED:
            # One frame holding the STOP is the whole pickle: unpickled from the map itself.
            end = pos + 11 + int.from_bytes(head[3:], "little")
            try:
                found = pickle.loads(buf[pos:end])
            except (EOFError, pickle.UnpicklingError):
                pass  # more frames follow: read it as a stream below
            else:
                self._pos = end
                return found
        return self._read_pickle_stream()

    def _read_pickle_stream(self):
        # pickle reads nothing after an object's STOP, so a slice that holds the whole pickle
        # gives the same object; a slice too short fails, and the next is the whole rest.
        pos, size = self._pos, len(self._buf)
        guess = min(size, pos + _PICKLE_GUESS)
        while True:
            chunk = BytesIO(self._buf[pos:guess])
            try:
                found = pickle.load(chunk)
            except (EOFError, pickle.UnpicklingError):
                if guess >= size:
                    raise
                guess = size
                continue
            self._pos = pos + chunk.tell()
            return found

    def close(self) -> None:
        """Close (once, as StructFile.close), without making a copy only to close it."""
        if self.is_closed:
            raise Exception("This file is already closed")  # noqa: TRY002 - StructFile's
        if self.onclose:
            self.onclose(self)
        if self._io is not None:
            self._io.close()
        self.is_closed = True


def install() -> None:
    """Make Whoosh's compound segments open their files as ViewFiles (idempotent)."""
    compound.BufferFile = ViewFile
