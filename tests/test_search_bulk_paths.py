"""The fast paths give what Whoosh's matchers give: block-read postings, bulk ORs of phrases,
and a page of hits read from the catalog in two queries (issue 17)."""
from __future__ import annotations

import pytest
from whoosh import fields, query as Q
from whoosh.filedb.filestore import RamStorage

from archive.catalog import Catalog
from archive.settings import load_settings
from search.evaluate import supported
from search.pages import PositionReader
from search.parse import parse_search
from search.postings import entries, positions_in, positions_of
from search.query import Searcher, SearchRequest

from .relevance.collection import build_home


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    home = build_home(tmp_path_factory.getbasetemp())
    settings = load_settings(home)
    searcher = Searcher(settings.index_dir)
    with Catalog(settings.catalog_path, readonly=True) as catalog:
        yield searcher, catalog
    searcher.close()


def _whoosh_scored(snap, query, allowed):
    """What Whoosh's own matchers score (the path the bulk one replaces)."""
    out = {}
    context = snap.searcher.context(needs_current=True)
    for sub, offset in snap.searcher.leaf_searchers():
        matcher = query.matcher(sub, context)
        while matcher.is_active():
            if matcher.id() + offset in allowed:
                out[matcher.id() + offset] = matcher.score()
            matcher.next()
    return out


@pytest.mark.parametrize("text", ['"xử phạt vi phạm"', '"cung cấp thông tin"', "Lạng Sơn",
                                  "lang son", "paracel islands", "244/2026/NĐ-CP", "谅山",
                                  '"thong tin doi ngoai"'])
def test_bulk_or_of_terms_and_phrases_scores_as_whoosh(collection, text):
    searcher, _ = collection
    with searcher._pool.lease() as snap:  # noqa: SLF001 - the snapshot under test
        parsed = parse_search(text, schema=snap.searcher.schema, gazetteer=searcher.gazetteer)
        queries = [p.query for p in parsed.parts] or [parsed.query]
        allowed = frozenset(range(snap.searcher.doc_count_all()))
        for query in queries:
            assert supported(query), query
            bulk = dict(snap.scored(query, allowed))
            whoosh = _whoosh_scored(snap, query, allowed)
            assert bulk, text
            assert bulk.keys() == whoosh.keys()
            for docnum, score in whoosh.items():
                assert bulk[docnum] == pytest.approx(score, rel=1e-9)
            assert snap.matching(query, allowed) == sorted(whoosh)


def test_block_positions_are_the_matchers_positions(collection):
    searcher, _ = collection
    snap = searcher._pool.peek()  # noqa: SLF001
    docs = list(range(0, snap.searcher.doc_count_all(), 3))
    reader = PositionReader(snap.searcher)
    for word in ("lang", "son", "thong", "tin", "xu", "phat"):
        found = positions_of(snap.searcher, "content_f", word, docs)
        expected = {d: reader.positions("content_f", word, d) for d in docs}
        assert found == {d: p for d, p in expected.items() if p}
        assert found, word


def test_postings_leave_out_deleted_documents():
    schema = fields.Schema(key=fields.ID(stored=True, unique=True),
                           body=fields.TEXT(phrase=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for i in range(300):  # more than one block of postings
            writer.add_document(key=str(i), body="alpha beta" if i % 2 else "alpha gamma alpha")
    with ix.writer() as writer:
        writer.delete_by_term("key", "4")
    with ix.searcher() as s:
        (sub, _), = s.leaf_searchers()
        reader = sub.reader()
        got = dict(entries(reader, "body", "alpha"))
        assert 4 not in got and len(got) == 299 and got[2] == 2.0 and got[3] == 1.0
        assert positions_in(reader, "body", "alpha", [2, 4, 5, 298]) == {2: [0, 2], 5: [0],
                                                                       298: [0, 2]}
        assert list(entries(reader, "body", "missing")) == []


def test_a_page_of_hits_reads_the_catalog_in_two_queries(collection):
    searcher, catalog = collection
    statements = []
    catalog.db.set_trace_callback(statements.append)
    try:
        result = searcher.search(SearchRequest(query="thông tin", limit=20), catalog)
    finally:
        catalog.db.set_trace_callback(None)
    assert len(result.hits) == 20 and all(h.snippets for h in result.hits)
    missing = sum(1 for h in result.hits if h.source is None)
    assert len(statements) <= 2 + 2 * missing, statements  # not three per hit


def test_single_child_or_keeps_whoosh_scoring(collection):
    searcher, _ = collection
    snap = searcher._pool.peek()  # noqa: SLF001
    allowed = frozenset(range(snap.searcher.doc_count_all()))
    query = Q.Or([Q.Term("content_f", "lang", boost=2.0)], boost=3.0)
    assert dict(snap.scored(query, allowed)) == pytest.approx(
        _whoosh_scored(snap, query, allowed), rel=1e-9)


@pytest.mark.parametrize("text", ['"xử phạt vi phạm"', '"cung cấp thông tin"',
                                  '"thông tin đối ngoại" Lạng Sơn', '"Lạng Sơn" -"biên giới"',
                                  '"vi phạm" hành chính'])
@pytest.mark.parametrize("wanted", [1, 5, 20])
def test_folded_first_pass_ranks_the_page_as_the_full_query(collection, text, wanted):
    """A phrase typed with tones: first the folded phrase, the tone-exact one only for the
    best few (bounded by its words' scores), the same page as Whoosh scoring everything."""
    from search.evaluate import leaf_bounds
    from search.plan import first_pass, score_matches

    searcher, _ = collection
    with searcher._pool.lease() as snap:  # noqa: SLF001 - the snapshot under test
        parsed = parse_search(text, schema=snap.searcher.schema, gazetteer=searcher.gazetteer)
        allowed = frozenset(range(snap.searcher.doc_count_all()))
        dropped: list = []
        first_pass(parsed.query, dropped)
        assert any(isinstance(d, Q.Phrase) and d.fieldname == "content" for d in dropped)
        full = _whoosh_scored(snap, parsed.query, allowed)
        assert full, text
        ours = dict(score_matches(snap, parsed.query, allowed, wanted))
        assert ours.keys() == full.keys()  # the same matches: totals and facets hold
        best = sorted(full.items(), key=lambda ds: (-ds[1], ds[0]))[:wanted]
        shown = sorted(ours.items(), key=lambda ds: (-ds[1], ds[0]))[:wanted]
        assert [d for d, _ in shown] == [d for d, _ in best]
        assert [s for _, s in shown] == pytest.approx([s for _, s in best], rel=1e-9)
        for leaf in dropped:  # a bound is never below what the leaf scores
            bounds = leaf_bounds(snap.bulk, leaf, sorted(full))
            scored = _whoosh_scored(snap, leaf, allowed)
            assert all(bounds[d] >= s - 1e-9 for d, s in scored.items() if d in bounds)


@pytest.mark.parametrize("text", ["Lạng Sơn", "lang son", "thông tin đối ngoại", "cửa khẩu quốc tế",
                                  "Nghị định nào quy định về phát ngôn và cung cấp thông tin?",
                                  "lang son co bao nhieu cua khau quoc te", "là gì", "谅山",
                                  "hoang sa truong sa ban do"])
def test_plain_queries_score_the_same_in_arrays_and_dictionaries(collection, text):
    """The two ways of adding a plain query's scores (arrays at scale, dictionaries when
    importing numpy would cost more than it saves) give the same matches and scores."""
    from search.relax import _plain_in_arrays, _plain_in_dicts

    searcher, _ = collection
    with searcher._pool.lease() as snap:  # noqa: SLF001 - the snapshot under test
        parsed = parse_search(text, schema=snap.searcher.schema, gazetteer=searcher.gazetteer)
        assert parsed.parts, text
        everything = frozenset(range(snap.searcher.doc_count_all()))
        for allowed in (everything, frozenset(d for d in everything if d % 2)):
            arrays, relaxed = _plain_in_arrays(snap, parsed.parts, allowed)
            dicts, relaxed_too = _plain_in_dicts(snap, parsed.parts, allowed)
            assert arrays == dicts and relaxed == relaxed_too
            assert all(d in allowed for d, _ in arrays)


def test_field_lengths_read_from_the_column_are_whooshs(collection):
    """Every document's field lengths, read as the column's bytes, equal Whoosh's per-document
    answer (what BM25F divides by), for every text field and one the index lacks."""
    from search.bulk import _segment_lengths
    from search.schema import TEXT_FIELDS

    searcher, _ = collection
    snap = searcher._pool.peek()  # noqa: SLF001
    for sub, _offset in snap.searcher.leaf_searchers():
        reader = sub.reader()
        for field in (*TEXT_FIELDS, "no_such_field"):
            expected = [reader.doc_field_length(i, field, 1)
                        for i in range(reader.doc_count_all())]
            assert _segment_lengths(reader, field) == expected, field
        assert any(x and x > 1 for x in _segment_lengths(reader, "content_f"))
