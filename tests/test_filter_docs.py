"""Filter document sets read a block at a time are Whoosh's own (deleted documents left out)."""
from __future__ import annotations

from whoosh import fields, query as Q
from whoosh.filedb.filestore import RamStorage

from search.bulk import BulkScorer
from search.snapshot import term_docs


def _index():
    schema = fields.Schema(key=fields.ID(stored=True, unique=True), access=fields.ID,
                           doctype=fields.ID, kind=fields.KEYWORD, year=fields.NUMERIC)
    ix = RamStorage().create_index(schema)
    levels = ("public", "internal", "restricted")
    for start in (0, 700):  # two segments
        with ix.writer(merge=False) as writer:
            for i in range(start, start + 700):
                writer.add_document(key=str(i), access=levels[i % 3],
                                    doctype="item" if i % 5 else "page",
                                    kind="map" if i % 7 == 0 else "document", year=1990 + i % 30)
    with ix.writer(merge=False) as writer:
        for i in (3, 702, 1000):
            writer.delete_by_term("key", str(i))
    return ix


def test_term_filters_give_whooshs_documents():
    ix = _index()
    filters = [Q.Term("access", "public"),
               Q.And([Q.Term("doctype", "item"),
                      Q.Or([Q.Term("access", "public"), Q.Term("access", "internal")])]),
               Q.And([Q.Term("kind", "map"), Q.Term("access", "restricted")]),
               Q.Term("access", "secret"), Q.Term("nofield", "x"),
               Q.Or([Q.Term("kind", "map"), Q.Term("kind", "none")])]
    with ix.searcher() as s:
        assert len(s.leaf_searchers()) == 2
        bulk = BulkScorer(s)
        for query in filters:
            assert term_docs(bulk, query) == set(s.docs_for_query(query)), query
        assert 3 not in term_docs(bulk, Q.Term("access", "public"))
        assert term_docs(bulk, Q.NumericRange("year", 1995, 2000)) is None  # Whoosh answers it
        assert term_docs(bulk, Q.And([Q.Term("access", "public"), Q.Prefix("kind", "m")])) is None
