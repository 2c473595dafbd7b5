"""Decoded postings blocks are kept between searches: same answers, no stale segment, bounded."""
from __future__ import annotations

from whoosh import fields
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.filestore import RamStorage

from search import postings
from search.pages import PositionReader
from search.postings import entries, positions_in


def _index(docs: int):
    schema = fields.Schema(key=fields.ID(stored=True, unique=True),
                           body=fields.TEXT(phrase=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for i in range(docs):  # several blocks of postings (128 a block)
            writer.add_document(key=str(i), body="alpha beta alpha" if i % 3 else "alpha gamma")
    return ix


def _counting_reads(monkeypatch) -> list:
    reads = []
    real = W3LeafMatcher._read_data

    def counted(self):
        reads.append(self._dataoffset)
        return real(self)

    monkeypatch.setattr(W3LeafMatcher, "_read_data", counted)
    return reads


def test_a_block_read_again_is_not_decoded_again_and_gives_the_same(monkeypatch):
    ix = _index(1000)
    reads = _counting_reads(monkeypatch)
    with ix.searcher() as s:
        (sub, _), = s.leaf_searchers()
        reader, wanted = sub.reader(), list(range(0, 1000, 7))
        first = positions_in(reader, "body", "alpha", wanted)
        decoded = len(reads)
        assert decoded >= 7  # every block holding a wanted document
        again = positions_in(reader, "body", "alpha", wanted)
        weights = dict(entries(reader, "body", "alpha"))
        assert len(reads) == decoded  # ids, weights and positions all from the kept blocks
        matcher = PositionReader(s)
        assert first == again == {d: matcher.positions("body", "alpha", d) for d in wanted}
        assert weights[1] == 2.0 and weights[3] == 1.0 and len(weights) == 1000


def test_a_later_segment_is_read_from_its_own_file():
    ix = _index(300)
    with ix.searcher() as s:
        (sub, _), = s.leaf_searchers()
        assert len(dict(entries(sub.reader(), "body", "gamma"))) == 100
    with ix.writer() as writer:
        for i in range(300, 600):
            writer.add_document(key=str(i), body="gamma delta")
    with ix.searcher() as s:
        found = sum(len(dict(entries(sub.reader(), "body", "gamma")))
                    for sub, _ in s.leaf_searchers())
        assert found == 400


def test_kept_blocks_stay_within_their_budget(monkeypatch):
    monkeypatch.setattr(postings, "_DECODED_DISK_BYTES", 3000)
    monkeypatch.setattr(postings, "_decoded_bytes", 0)
    monkeypatch.setattr(postings, "_DECODED", type(postings._DECODED)())
    ix = _index(3000)
    with ix.searcher() as s:
        (sub, _), = s.leaf_searchers()
        reader = sub.reader()
        got = positions_in(reader, "body", "alpha", list(range(3000)))
        assert len(got) == 3000 and got[1] == [0, 2] and got[0] == [0]
        kept = sum(parts[postings._SIZE] for parts in postings._DECODED.values())
        assert kept == postings._decoded_bytes <= 3000 or len(postings._DECODED) == 1
        assert 0 < len(postings._DECODED) < 24  # most of the ~24 blocks were let go


def test_a_term_asked_again_is_not_looked_up_again_and_reads_right(monkeypatch):
    ix = _index(1000)
    asks = [[5, 600, 999], list(range(0, 1000, 3)), [998], [0, 1, 2], [999]]
    words = ("alpha", "gamma", "beta")
    with ix.searcher() as s:
        (sub, _), = s.leaf_searchers()
        reader = sub.reader()
        expected = {}
        for wanted in asks:
            for word in words:
                matcher = PositionReader(s)  # a fresh one each time: ascending docnums only
                expected[word, tuple(wanted)] = {
                    d: p for d in wanted if (p := matcher.positions("body", word, d))}
        lookups = []
        real = type(reader).postings

        def counted(self, *args, **kwargs):
            lookups.append(args[:2])
            return real(self, *args, **kwargs)

        monkeypatch.setattr(type(reader), "postings", counted)
        for wanted in asks:
            for word in words:
                got = positions_in(reader, "body", word, wanted)
                assert got == expected[word, tuple(wanted)], (word, wanted)
        assert sorted(lookups) == [("body", w) for w in sorted(words)]  # each term once


def test_position_reader_reopens_a_term_it_read_to_the_end():
    ix = _index(300)
    with ix.searcher() as s:
        reader = PositionReader(s)
        assert reader.positions("body", "gamma", 299) == []  # past its last posting (297)
        assert reader.positions("body", "gamma", 0) == [1]  # read again from the start
