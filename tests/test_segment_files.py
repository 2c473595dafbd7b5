"""Segment files read in place (search/segment_files.py) read exactly what Whoosh's copies read."""
from __future__ import annotations

import array
import mmap
import pickle
import random

import pytest
from whoosh.filedb.structfile import BufferFile

from search.segment_files import ViewFile


@pytest.fixture
def mapped(tmp_path):
    """GIVEN a real file of pickles, integers, text lines and raw bytes, memory-mapped."""
    rng = random.Random(17)
    parts = []
    for n in range(60):
        parts.append(pickle.dumps((n, rng.random(), "Lạng Sơn" * n, list(range(n * 40))), -1))
        parts.append(rng.randbytes(rng.randrange(1, 300)))
        parts.append(f"line {n}\n".encode())
        if n % 20 == 7:  # a pickle of several frames (past 64 KiB), and one of a large bytes
            parts.append(pickle.dumps((list(range(20000)), rng.randbytes(70000)), -1))
    path = tmp_path / "segment.bin"
    path.write_bytes(b"".join(parts))
    with path.open("rb") as f:
        mapping = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    yield memoryview(mapping), len(parts[0])


def _step(f, op: str, arg: int):
    if op == "read":
        return f.read(arg)
    if op == "read_all":
        return f.read()
    if op == "seek":
        return f.seek(arg), f.tell()
    if op == "seek_cur":
        return f.seek(arg - 100, 1), f.tell()
    if op == "seek_end":
        return f.seek(-arg, 2), f.tell()
    if op == "readline":
        return f.readline()
    if op == "ints":
        return f.read_int(), f.read_varint(), f.tell()
    if op == "array":
        return f.read_array("i", arg % 50).tolist(), f.tell()
    if op == "get":
        return f.get(arg, 40), f.tell()
    raise AssertionError(op)


def test_any_sequence_of_reads_gives_what_whoosh_bytesio_gives(mapped):
    """WHEN the same random reads and seeks run on Whoosh's BufferFile and on a ViewFile
    THEN every result and position agree, past the end included."""
    buf, _ = mapped
    rng = random.Random(3)
    ops = ("read", "read_all", "seek", "seek_cur", "seek_end", "readline", "ints", "array", "get")
    for _ in range(20):
        theirs, ours = BufferFile(buf), ViewFile(buf)
        for _ in range(200):
            op, arg = rng.choice(ops), rng.randrange(0, len(buf) + 50)
            if op in ("read", "readline"):
                arg %= 400
            try:
                expected = _step(theirs, op, arg)
            except Exception as err:  # noqa: BLE001 - the same failure is expected of ours
                with pytest.raises(type(err)):
                    _step(ours, op, arg)
                ours.seek(theirs.tell())
                continue
            assert _step(ours, op, arg) == expected, op
        assert ours.file is not None and ours._io is not None  # noqa: SLF001


def test_pickles_are_read_in_place_and_leave_the_position_after_them(mapped):
    buf, first = mapped
    ours = ViewFile(buf)
    n, _, text, numbers = ours.read_pickle()
    assert (n, text, numbers) == (0, "", [])
    assert ours.tell() == first
    theirs = BufferFile(buf)
    starts = [pos for pos in range(len(buf) - 3) if buf[pos:pos + 3] == b"\x80\x05\x95"]
    assert len(starts) >= 63
    for pos in [*range(0, len(buf), 997), *starts]:  # big pickles too (several frames)
        theirs.seek(pos)
        try:
            expected = theirs.read_pickle()
        except Exception as err:  # noqa: BLE001 - not a pickle there: the same error
            ours.seek(pos)
            with pytest.raises(type(err)):
                ours.read_pickle()
            continue
        ours.seek(pos)
        assert ours.read_pickle() == expected and ours.tell() == theirs.tell()
    assert ours._io is None  # noqa: SLF001 - nothing was copied


def test_asking_for_the_file_object_switches_to_a_copy_at_the_same_position(mapped):
    buf, first = mapped
    ours = ViewFile(buf)
    ours.read_pickle()
    raw = ours.raw_file()
    assert raw.tell() == first
    assert ours.read(5) == bytes(buf[first:first + 5]) and raw.tell() == first + 5
    ours.seek(3)
    assert raw.tell() == 3 and ours.tell() == 3
    ours.close()
    assert raw.closed and ours.is_closed
    with pytest.raises(Exception, match="already closed"):
        ours.close()


def test_arrays_and_closing_need_no_copy(mapped):
    buf, _ = mapped
    ours = ViewFile(buf, name="x")
    ours.seek(10)
    expected = array.array("i")
    expected.frombytes(bytes(buf[10:10 + 4 * 7]))
    expected.byteswap()  # Whoosh's on-disk arrays are big-endian
    assert ours.read_array("i", 7) == expected
    ours.close()
    assert ours._io is None and ours.is_closed  # noqa: SLF001
