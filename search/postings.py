"""Postings read a block at a time: ids, weights and positions without a method call per posting.

Whoosh's matchers hand out one posting per call (``id()``, ``weight()``, ``next()``), and
``skip_to`` inside a block steps one posting at a time: reading the positions of 50 documents
or the weights of a common term costs hundreds of thousands of calls. Whoosh 2.7's on-disk
matcher (``W3LeafMatcher``) keeps each block's ids, weights and values as sequences: this
module reads those (skipping, by their last id, the blocks that hold no wanted document), and
falls back to the matcher's own interface for anything else (postings inlined in the term
index). A segment's deleted documents are left out, as ``SegmentReader.postings`` does.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterator
from threading import Lock
from weakref import WeakKeyDictionary

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

__all__ = ["entries", "block_entries", "positions_in", "positions_of"]


def _leaf(reader, field: str, text: str):
    """The term's postings matcher without the deleted-documents wrapper, and those deleted."""
    try:
        matcher = reader.postings(field, text)
    except TermNotFound:
        return None, frozenset()
    if type(matcher) is FilterMatcher:
        return matcher.child, matcher._ids  # noqa: SLF001 - the set SegmentReader excludes
    return matcher, frozenset()


def _blocks(matcher) -> Iterator[tuple]:
    """(max id, matcher) per block of an on-disk matcher, standing on that block."""
    while matcher.is_active():
        yield matcher._maxid, matcher  # noqa: SLF001 - block-level reading (see module doc)
        matcher._next_block()  # noqa: SLF001


# Decoded blocks kept (a segment's postings file is never rewritten): a common word's blocks
# are unpickled and delta-decoded once, not once per search that reads them (a third of a
# phrase or document-number search's time went to that). One LRU for every segment; a file's
# entries are keyed by a token that lives as long as the file does, so they age out after it.
_FILE_TOKENS: WeakKeyDictionary = WeakKeyDictionary()  # postings file -> its token
_DECODED: OrderedDict = OrderedDict()  # (token, block offset) -> [data, ids, weights, values, size]
# What is kept, counted as each block's bytes on disk: decoded, a block takes ~4-5 times that
# (positions as bytes objects, ids as ints), so ~100 MB a process at most.
_DECODED_DISK_BYTES = 24 << 20
_decoded_bytes = 0
_DECODED_LOCK = Lock()
_DATA, _IDS, _WEIGHTS, _VALUES, _SIZE = range(5)


def _decoded(m) -> list:
    """The block's decoded parts ([data, ids, weights, values], None until read), shared."""
    global _decoded_bytes
    postfile = m._postfile  # noqa: SLF001
    with _DECODED_LOCK:
        token = _FILE_TOKENS.get(postfile)
        if token is None:
            token = _FILE_TOKENS[postfile] = object()
        key = (token, m._dataoffset)  # noqa: SLF001
        parts = _DECODED.get(key)
        if parts is not None:
            _DECODED.move_to_end(key)
            return parts
        size = m._nextoffset - m._dataoffset  # noqa: SLF001
        parts = _DECODED[key] = [None, None, None, None, size]
        _decoded_bytes += size
        while _decoded_bytes > _DECODED_DISK_BYTES and len(_DECODED) > 1:
            _decoded_bytes -= _DECODED.popitem(last=False)[1][_SIZE]
        return parts


def _read(m, part: int, attribute: str, read) -> object:
    """One decoded part of the matcher's current block, from the kept block when read before."""
    parts = _decoded(m)
    if parts[part] is None:
        if m._data is None and parts[_DATA] is not None:  # noqa: SLF001
            m._data = parts[_DATA]  # noqa: SLF001
        read()
        parts[_DATA], parts[part] = m._data, getattr(m, attribute)  # noqa: SLF001
    setattr(m, attribute, parts[part])
    return parts[part]


def _block_ids(m) -> tuple:
    if m._ids is None:  # noqa: SLF001
        return _read(m, _IDS, "_ids", m._read_ids)  # noqa: SLF001
    return m._ids  # noqa: SLF001


def _block_weights(m):
    if m._weights is None:  # noqa: SLF001
        return _read(m, _WEIGHTS, "_weights", m._read_weights)  # noqa: SLF001
    return m._weights  # noqa: SLF001


def _block_values(m):
    if m._values is None:  # noqa: SLF001
        return _read(m, _VALUES, "_values", m._read_values)  # noqa: SLF001
    return m._values  # noqa: SLF001


def entries(reader, field: str, text: str) -> Iterator[tuple[int, float]]:
    """(local docnum, weight) of every live posting of the term in one segment reader."""
    matcher, deleted = _leaf(reader, field, text)
    if matcher is None:
        return
    if type(matcher) is not W3LeafMatcher:
        while matcher.is_active():
            if matcher.id() not in deleted:
                yield matcher.id(), matcher.weight()
            matcher.next()
        return
    for _, block in _blocks(matcher):
        pairs = zip(_block_ids(block), _block_weights(block))
        if deleted:
            yield from ((d, w) for d, w in pairs if d not in deleted)
        else:
            yield from pairs


def block_entries(reader, field: str, text: str) -> Iterator[tuple[list[int], list[float]]]:
    """(local docnums, weights) of the term's live postings in one segment, a block at a time."""
    matcher, deleted = _leaf(reader, field, text)
    if matcher is None:
        return
    if type(matcher) is not W3LeafMatcher or deleted:
        pairs = list(entries(reader, field, text))
        if pairs:
            yield [d for d, _ in pairs], [w for _, w in pairs]
        return
    for _, block in _blocks(matcher):
        yield _block_ids(block), _block_weights(block)


def positions_in(reader, field: str, text: str, wanted: list[int]) -> dict[int, list[int]]:
    """The term's positions in each of these local docnums (ascending) that holds it."""
    out: dict[int, list[int]] = {}
    if not wanted:
        return out
    decode = reader.schema[field].format.decode_positions
    kept = _DIRECTORIES.get(reader)
    found = kept.get((field, text)) if kept is not None else None
    if found is not None:  # looked up before: the term's matcher and blocks are at hand
        kept.move_to_end((field, text))
        last_ids, offsets, matcher, deleted = found
    else:
        matcher, deleted = _leaf(reader, field, text)
        if matcher is None:
            return out
        if type(matcher) is not W3LeafMatcher:
            wanted_set = set(wanted)
            while matcher.is_active():
                if matcher.id() in wanted_set and matcher.id() not in deleted:
                    out[matcher.id()] = decode(matcher.value())
                matcher.next()
            return out
        last_ids, offsets = _directory(reader, field, text, matcher, deleted)
    at, block = 0, 0
    try:
        while at < len(wanted):
            block = bisect_left(last_ids, wanted[at], block)
            if block == len(last_ids):
                break
            matcher._goto(offsets[block])  # noqa: SLF001 - straight to the block holding it
            ids, values, last = _block_ids(matcher), None, last_ids[block]
            while at < len(wanted) and wanted[at] <= last:
                docnum = wanted[at]
                i = bisect_left(ids, docnum)
                if i < len(ids) and ids[i] == docnum and docnum not in deleted:
                    if values is None:
                        values = _block_values(matcher)
                    out[docnum] = decode(values[i])
                at += 1
            block += 1
    finally:  # the kept matcher holds no block: those live (bounded) in _DECODED
        matcher._data = matcher._ids = matcher._weights = matcher._values = None  # noqa: SLF001
    return out


_DIRECTORIES: WeakKeyDictionary = WeakKeyDictionary()  # segment reader -> its terms' blocks
_DIRECTORY_TERMS = 4096  # terms whose block directory a segment reader keeps


def _directory(reader, field: str, text: str, matcher, deleted) -> tuple[list[int], list[int]]:
    """(last docnum, file offset) of each block of the term's postings, kept per reader.

    Finding a document's block otherwise means reading every block header before it (the
    blocks form a chain): for a common word that is hundreds of reads each time it is asked.
    The matcher is kept beside them (it only ever goes straight to a block), so the term is
    not looked up in the term table again. A segment reader serves one thread at a time
    (``snapshot.SnapshotPool``), so its kept matchers do too.
    """
    kept = _DIRECTORIES.get(reader)
    if kept is None:
        kept = _DIRECTORIES.setdefault(reader, OrderedDict())
    key = (field, text)
    last_ids, offsets, at = [], [], matcher._baseoffset  # noqa: SLF001
    while matcher.is_active():
        last_ids.append(matcher._maxid)  # noqa: SLF001
        offsets.append(at)
        at = matcher._nextoffset  # noqa: SLF001
        matcher._next_block()  # noqa: SLF001
    kept[key] = (last_ids, offsets, matcher, deleted)
    while len(kept) > _DIRECTORY_TERMS:
        kept.popitem(last=False)
    return last_ids, offsets


def positions_of(searcher, field: str, text: str, docnums: list[int],
                 memo: dict | None = None) -> dict[int, list[int]]:
    """The term's positions in each of these global docnums (ascending) that holds it.

    With a `memo` (one per search), what was read once is not read again: the proximity
    rerank and the hits' pages ask for the positions of the same words in the same documents.
    """
    if memo is not None:
        todo = [d for d in docnums if (field, text, d) not in memo]
        if todo:
            found = positions_of(searcher, field, text, todo)
            memo.update(((field, text, d), found.get(d)) for d in todo)
        return {d: p for d in docnums if (p := memo[field, text, d]) is not None}
    out: dict[int, list[int]] = {}
    leaves = searcher.leaf_searchers()
    for i, (sub, offset) in enumerate(leaves):
        end = leaves[i + 1][1] if i + 1 < len(leaves) else offset + sub.doc_count_all()
        local = [d - offset for d in docnums if offset <= d < end]
        if local:
            found = positions_in(sub.reader(), field, text, local)
            out.update((d + offset, p) for d, p in found.items())
    return out
