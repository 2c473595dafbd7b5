"""Whoosh 3's posting lists and term table written in one loop, byte for byte as Whoosh does.

Profiled on ingest (38 born-digital documents, one commit), writing the segment's postings
took over half of the commit: Whoosh calls, per term, ``start_term``, ``start_postings``, ``add``
and ``add_posting`` per posting, ``finish_postings``, ``_write_block``, ``add_block``,
``to_bytes`` and the term table's ``add``, each checking its arguments, asking the file its
position and writing a few bytes. A segment of one document per item holds tens of
thousands of terms with two or three postings each, so those calls were the cost, not the
pickling or compressing they wrap. :func:`write_postings` does the same work per term in one
function, tracks file positions itself and writes each field's bytes in large pieces.

The output is Whoosh's exactly: the same pickles, blocks of ``blocklimit`` postings, zlib
level, block headers, term infos, keys, hash buckets and key index (checked file by file in
tests/test_search_build_speed.py). It applies to the codec this project writes (``W3Codec``
with its defaults, integer ids, nothing inlined); anything else goes through Whoosh's own
``add_postings``.
"""
from __future__ import annotations

import struct
import zlib
from array import array
from collections.abc import Iterable
from functools import lru_cache
from hashlib import md5
from itertools import groupby, starmap
from operator import itemgetter, sub
from pickle import dumps
from types import MethodType

from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3TermInfo
from whoosh.filedb.filetables import OrderedHashWriter, _lengths, _pointer
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

__all__ = ["write_postings"]

_TERMINFO = W3TermInfo._struct
_NO_ID = 0xFFFFFFFF
_FLUSH_BYTES = 1 << 20  # buffered bytes per file before they are written out
_FIELD_TERM = itemgetter(0, 1)  # a pool posting's (field name, term bytes)
_MEMO_ENTRIES = 200_000  # distinct blocks remembered (a few MB), then forgotten all at once


def _supported(fieldwriter) -> bool:
    """True for the writer and settings :func:`write_postings` reproduces exactly."""
    if type(fieldwriter) is not W3FieldWriter or \
            type(fieldwriter._tindex) is not OrderedHashWriter:
        return False
    codec = fieldwriter._codec
    return codec._inlinelimit == 1 and codec._blocklimit >= 1 and zlib is not None \
        and fieldwriter._tindex.hashtype == 0


def write_postings(fieldwriter, schema, lengths, items: Iterable[tuple]) -> None:
    """``fieldwriter.add_postings(schema, lengths, items)``, fused (see the module's docstring).

    `items` are the pool's sorted (field name, term bytes, docnum, weight, value) postings.
    """
    if not _supported(fieldwriter):
        fieldwriter.add_postings(schema, lengths, items)
        return
    _Fused(fieldwriter, lengths).run(schema, items)


class _Fused:
    """One segment's postings: the state Whoosh spreads over five objects, kept in locals."""

    def __init__(self, fieldwriter: W3FieldWriter, lengths) -> None:
        self.fw = fieldwriter
        self.lengths = lengths
        codec = fieldwriter._codec
        self.blocklimit, self.compression = codec._blocklimit, codec._compression

    def run(self, schema, items: Iterable[tuple]) -> None:
        """Write every field's terms: postings to the posting file, term infos to the table."""
        fw = self.fw
        lastfn = lasttext = None
        out = _Out(fw._postfile, fw._tindex)
        field_lengths = None
        fixedsize = None
        fieldid = 0
        blocklimit, compression = self.blocklimit, self.compression
        # One group per (field, term): Whoosh's order checks compare a posting's term with the
        # previous term, so checking each group's first posting checks them all.
        for (fieldname, btext), group in groupby(items, _FIELD_TERM):
            if lastfn is not None and fieldname < lastfn:
                raise OutOfOrderError("Field %r .. %r" % (lastfn, fieldname))
            if fieldname == lastfn and lasttext and btext < lasttext:
                raise OutOfOrderError(
                    "Term %s:%r .. %s:%r" % (lastfn, lasttext, fieldname, btext))
            if fieldname != lastfn:
                if lastfn is not None:
                    out.flush()
                    fw.finish_field()
                fieldobj = schema[fieldname]
                fw.start_field(fieldname, fieldobj)
                fieldid, fixedsize = fw._fieldid, fieldobj.format.fixed_value_size()
                field_lengths = self._field_lengths(fieldname)
                lastfn, lasttext = fieldname, None
            # docnum -1 is Whoosh's marker for a spelling word: no posting, and no term
            postings = [(docnum, weight, value or b"", field_lengths(docnum))
                        for _, _, docnum, weight, value in group if docnum != -1]
            if postings:
                out.term(fieldid, btext, postings, fixedsize, blocklimit, compression)
                lasttext = btext
        out.flush()
        if lastfn is not None:
            fw.finish_field()

    def _field_lengths(self, fieldname: str):
        """docnum -> the length Whoosh's add_postings would pass for this field."""
        lengths = self.lengths
        if not lengths:
            return lambda docnum: 0
        column = getattr(lengths, "field_lengths", None)
        if column is not None:
            known = column(fieldname)
            if known is None:
                return lambda docnum: 0
            return known.__getitem__
        dfl = lengths.doc_field_length
        return lambda docnum: dfl(docnum, fieldname)


class _Out:
    """The posting file and the term table, written through buffers with positions tracked."""

    def __init__(self, postfile, tindex: OrderedHashWriter) -> None:
        self.postfile, self.tindex = postfile, tindex
        self.post_pos, self.post_buf, self.post_size = postfile.tell(), [], 0
        self.dbfile = tindex.dbfile
        self.term_pos, self.term_buf, self.term_size = self.dbfile.tell(), [], 0
        self.buckets = tindex.buckets
        self.positions: list[int] = []  # rows' positions, for the table's key index
        # The hash tables are written one bucket at a time, not one slot at a time.
        tindex._write_hashes = MethodType(_write_hashes, tindex)
        # Blocks repeat: a word with one folded form has the same postings in content and
        # content_f, and an item's vocab entries share theirs. zlib.compress costs 15-70 us a
        # call (it sets up 256 KiB of state), so each distinct block is compressed once.
        self.compressed: dict[bytes, bytes] = {}
        self.infos: dict[tuple, bytes] = {}
        self.terms: dict[tuple, tuple[bytes, tuple]] = {}  # posting list -> bytes, statistics

    def term(self, fieldid: int, btext: bytes, postings: list[tuple], fixedsize,
             blocklimit: int, compression: int) -> None:
        """One term: its blocks of postings, then its term info under (field id, text)."""
        # Two thirds of an ingest's terms repeat another's posting list (content and content_f
        # of a word with one folded form; an item's vocab entries, one posting each): their
        # bytes are made once. Pool weights are floats (add_document multiplies by a float
        # boost; merged segments decode float32), so equal keys mean equal pickles.
        key = (fixedsize, tuple(postings))
        made = self.terms.get(key)
        if made is None:
            if len(self.terms) > _MEMO_ENTRIES:
                self.terms.clear()
            made = self.terms[key] = self._blocks(postings, fixedsize, blocklimit, compression)
        written, stats = made
        start = self.post_pos
        self.post_buf.append(written)
        self.post_pos += len(written)
        self.post_size += len(written)
        info = _TERMINFO.pack(False, *stats) + pack_long(start) + pack_int(len(written))
        self._add_term(pack_ushort(fieldid) + btext, info)
        if self.post_size >= _FLUSH_BYTES or self.term_size >= _FLUSH_BYTES:
            self.flush()

    def _blocks(self, postings: list[tuple], fixedsize, blocklimit: int,
                compression: int) -> tuple[bytes, tuple]:
        """A posting list's bytes (header, then blocks of `blocklimit`) and its term info's
        statistics (weight, count, min and max length bytes, max weight, first and last id)."""
        pieces = [WHOOSH3_HEADER_MAGIC]
        # TermInfo's running statistics, as W3TermInfo.add_block keeps them
        t_weight, t_minlength, t_maxlength, t_maxweight = 0, None, 0, 0
        count = len(postings)
        compressed, infos = self.compressed, self.infos
        if len(compressed) > _MEMO_ENTRIES or len(infos) > _MEMO_ENTRIES:
            compressed.clear()
            infos.clear()
        for a in range(0, count, blocklimit):
            block = postings if count <= blocklimit else postings[a:a + blocklimit]
            ids, raw_weights, values, lengths = zip(*block)
            weights = array("f", raw_weights)
            maxweight = max(raw_weights)
            if not maxweight > 0:
                maxweight = 0  # Whoosh starts from 0 and keeps the first larger weight
            truthy = [n for n in lengths if n]
            minlength, maxlength = (min(truthy), max(truthy)) if truthy else (None, 0)
            data = (_deltas(ids), _mini_weights(weights),
                    _mini_values([v for v in values if v], fixedsize))
            databytes = dumps(data, 2)
            if compression:
                packed = compressed.get(databytes)
                if packed is None:
                    packed = compressed[databytes] = zlib.compress(databytes, compression)
                databytes = packed
            info = (len(ids), ids[-1], maxweight.__class__, maxweight, _length_byte(minlength),
                    _length_byte(maxlength))  # the class: 0 and 0.0 are equal keys
            infobytes = infos.get(info)
            if infobytes is None:
                infobytes = infos[info] = dumps((info[0], info[1], maxweight, compression,
                                                 info[4], info[5]), 2)
            blocklength = len(infobytes) + len(databytes)
            if a + blocklimit >= count:
                blocklength = -blocklength
            pieces += (pack_int(blocklength), infobytes, databytes)
            t_weight += sum(weights)
            t_minlength = minlength if t_minlength is None else min(t_minlength, minlength)
            if maxlength > t_maxlength:
                t_maxlength = maxlength
            if maxweight > t_maxweight:
                t_maxweight = maxweight
        stats = (t_weight, count, 0 if t_minlength is None else _length_byte(t_minlength),
                 _length_byte(t_maxlength), t_maxweight, postings[0][0], postings[-1][0])
        return b"".join(pieces), stats

    def _add_term(self, key: bytes, value: bytes) -> None:
        """OrderedHashWriter.add: keys in order, each row's position indexed and hashed."""
        tindex = self.tindex
        if key <= tindex.lastkey:
            raise ValueError("Keys must increase: %r..%r" % (tindex.lastkey, key))
        pos = self.term_pos
        self.positions.append(pos)
        row = _lengths.pack(len(key), len(value)) + key + value
        self.term_buf.append(row)
        self.term_pos += len(row)
        self.term_size += len(row)
        # filetables.md5_hash: the low 32 bits of the digest read as one big number
        h = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")
        self.buckets[h & 255].append((h, pos))
        tindex.lastkey = key

    def flush(self) -> None:
        """Write out what is buffered (the files' own positions then match the tracked ones)."""
        if self.post_buf:
            self.postfile.write(b"".join(self.post_buf))
            self.post_buf, self.post_size = [], 0
        if self.term_buf:
            self.dbfile.write(b"".join(self.term_buf))
            self.term_buf, self.term_size = [], 0
        if self.positions:
            _extend(self.tindex.index, self.positions)
            self.positions = []


def _extend(index, positions: list[int]) -> None:
    """GrowableArray.extend (an append per item, retyping on overflow), at C speed when the
    positions fit the array's type as it is."""
    limit = _ARRAY_MAX.get(getattr(index.array, "typecode", None))
    if limit is not None and max(positions) <= limit:
        index.array.extend(positions)
    else:
        for pos in positions:
            index.append(pos)


_ARRAY_MAX = {"B": 2**8 - 1, "H": 2**16 - 1, "i": 2**31 - 1, "I": 2**32 - 1, "q": 2**63 - 1}


def _write_hashes(self) -> None:
    """HashWriter._write_hashes with each bucket's table written as one string of bytes."""
    dbfile, null = self.dbfile, (0, 0)
    for entries in self.buckets:
        pos = dbfile.tell()
        numslots = 2 * len(entries)
        self.directory.append((pos, numslots))
        hashtable = [null] * numslots
        for hashval, position in entries:
            slot = (hashval >> 8) % numslots
            while hashtable[slot] != null:
                slot = (slot + 1) % numslots
            hashtable[slot] = (hashval, position)
        if hashtable:
            dbfile.write(b"".join(starmap(_pointer.pack, hashtable)))


def _deltas(ids: tuple[int, ...]) -> tuple[int, ...]:
    """whoosh.util.numlists.delta_encode, as a tuple."""
    if len(ids) == 1:
        return ids
    return tuple(map(sub, ids, (0, *ids)))


_length_byte = lru_cache(maxsize=4096)(length_to_byte)  # a bisect per call in Whoosh


def _mini_weights(weights: array):
    """W3PostingsWriter._mini_weights: None when all are 1, one number when all are equal."""
    first = weights[0]
    if first == 1.0 and weights.count(first) == len(weights):
        return None
    if weights.count(first) == len(weights):
        return first
    return tuple(weights)


def _mini_values(values: list[bytes], fixedsize):
    """W3PostingsWriter._mini_values for the field's format."""
    if fixedsize is None or fixedsize < 0:
        return tuple(values)
    if fixedsize == 0:
        return None
    return b"".join(values)


assert struct.calcsize("!BfIBBfII") == _TERMINFO.size  # the term info layout Whoosh 2.7 writes
