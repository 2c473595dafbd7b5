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
from collections.abc import Iterator

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

__all__ = ["entries", "positions_in", "positions_of"]


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


def _block_ids(m) -> tuple:
    if m._ids is None:  # noqa: SLF001
        m._read_ids()  # noqa: SLF001
    return m._ids  # noqa: SLF001


def _block_weights(m):
    if m._weights is None:  # noqa: SLF001
        m._read_weights()  # noqa: SLF001
    return m._weights  # noqa: SLF001


def _block_values(m):
    if m._values is None:  # noqa: SLF001
        m._read_values()  # noqa: SLF001
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


def positions_in(reader, field: str, text: str, wanted: list[int]) -> dict[int, list[int]]:
    """The term's positions in each of these local docnums (ascending) that holds it."""
    out: dict[int, list[int]] = {}
    matcher, deleted = _leaf(reader, field, text)
    if matcher is None or not wanted:
        return out
    decode = reader.schema[field].format.decode_positions
    if type(matcher) is not W3LeafMatcher:
        wanted_set = set(wanted)
        while matcher.is_active():
            if matcher.id() in wanted_set and matcher.id() not in deleted:
                out[matcher.id()] = decode(matcher.value())
            matcher.next()
        return out
    at = 0
    for last, block in _blocks(matcher):
        if wanted[at] > last:
            continue  # no wanted document in this block: its data is never read
        ids = _block_ids(block)
        values = None
        while at < len(wanted) and wanted[at] <= last:
            docnum = wanted[at]
            i = bisect_left(ids, docnum)
            if i < len(ids) and ids[i] == docnum and docnum not in deleted:
                if values is None:
                    values = _block_values(block)
                out[docnum] = decode(values[i])
            at += 1
        if at == len(wanted):
            break
    return out


def positions_of(searcher, field: str, text: str, docnums: list[int]) -> dict[int, list[int]]:
    """The term's positions in each of these global docnums (ascending) that holds it."""
    out: dict[int, list[int]] = {}
    leaves = searcher.leaf_searchers()
    for i, (sub, offset) in enumerate(leaves):
        end = leaves[i + 1][1] if i + 1 < len(leaves) else offset + sub.doc_count_all()
        local = [d - offset for d in docnums if offset <= d < end]
        if local:
            found = positions_in(sub.reader(), field, text, local)
            out.update((d + offset, p) for d, p in found.items())
    return out
