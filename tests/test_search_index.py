"""Index documents: one per item, page positions, pre-tokenized text, schema upgrades, threads."""
from __future__ import annotations

import threading
import time

import pymupdf
import pytest
from whoosh import index as whoosh_index

from archive.catalog import Catalog
from archive.models import Item, Page
from archive.settings import load_settings
from search.analyzers import exact_analyzer
from search.tokens import tokenize_pages
from search.index import item_documents, open_index, rebuild_index, writer
from search.query import Searcher, SearchRequest
from search.schema import build_schema

from .conftest import CORPUS

LEAFLET = CORPUS / "media" / "to-gap-lang-son-viet-trung.pdf"
DECREE = CORPUS / "documents" / "244-2026-nd-cp.pdf"


def _pages(pdf) -> list[Page]:
    with pymupdf.open(pdf) as doc:
        return [Page(i, page.get_text()) for i, page in enumerate(doc, 1)]


def _item(**values) -> Item:
    return Item(**{"id": "nd244", "access": "public", "title": "Nghị định 244/2026/NĐ-CP",
                   "doc_number": "244/2026/NĐ-CP", **values})


def test_one_document_per_item_with_the_page_each_position_falls_on():
    pages = _pages(DECREE)
    (doc,) = item_documents(_item(), pages)
    starts = dict(doc["page_starts"])
    assert sorted(starts) == [p.n for p in pages]
    tokens = doc["content"].tokens
    for page in pages:
        first = next(t for t in tokens if t[1] == starts[page.n])
        assert first[0].lower() == next(exact_analyzer()(page.text, mode="index")).text


def test_tokenized_once_gives_the_postings_the_analyzers_give(tmp_path):
    """GIVEN the same item indexed from pre-tokenized text and from plain text
    THEN every content term has the same positions in both indexes."""
    (doc,) = item_documents(_item(), _pages(LEAFLET) + _pages(DECREE)[:3])
    plain = {**doc, "content": str(doc["content"]), "content_f": str(doc["content_f"])}
    postings = []
    for name, values in (("a", doc), ("b", plain)):
        ix = whoosh_index.create_in(tmp_path, build_schema(), indexname=name)
        with writer(ix) as w:
            w.add_document(**values)
        with ix.searcher() as s:
            reader = s.reader()
            postings.append({(f, t): list(reader.postings(f, t).value_as("positions"))
                             for f, t in reader.all_terms() if f in ("content", "content_f")})
    assert postings[0] == postings[1] and len(postings[0]) > 500


def test_page_starts_agree_with_tokenizing_the_whole_text():
    texts = [p.text for p in _pages(LEAFLET)] + ["Số 244/2026/NĐ-CP", "谅山省 서울"]
    body, starts = tokenize_pages(texts)
    whole = [(t.text, t.pos) for t in exact_analyzer()(str(body), positions=True)]
    assert [(w.lower(), p) for w, p, _, _ in body.tokens] == whole
    assert starts == sorted(starts) and starts[0] == 0


def test_an_index_from_before_a_field_existed_gets_it_added(tmp_path):
    old = build_schema()
    old.remove("vocab")
    old.remove("page_starts")
    whoosh_index.create_in(tmp_path, old)
    ix = open_index(tmp_path)
    assert "vocab" in ix.schema and "page_starts" in ix.schema
    with writer(ix) as w:
        for doc in item_documents(_item(), _pages(DECREE)[:1]):
            w.add_document(**doc)


def test_a_failed_write_commits_nothing(tmp_path):
    ix = open_index(tmp_path)
    with pytest.raises(RuntimeError), writer(ix) as w:
        w.add_document(**item_documents(_item(), _pages(DECREE)[:1])[0])
        raise RuntimeError("killed mid-batch")
    assert open_index(tmp_path).doc_count() == 0


def _archive(home, items: list[tuple[Item, list[Page]]]):
    settings = load_settings(home)
    with Catalog(settings.catalog_path) as catalog:
        for item, pages in items:
            catalog.save_item(item, pages=pages, sources=[f"{item.id}.pdf"])
        rebuild_index(settings, catalog, procs=1)
    return settings


def test_one_searcher_serves_threads_while_the_index_changes(tmp_path):
    """GIVEN one Searcher shared by 4 threads searching in a loop
    WHEN another thread commits new items meanwhile (each commit merging and deleting segments)
    THEN no search fails, and every result is a consistent snapshot (total = hits)."""
    pages = _pages(DECREE)[:3]
    settings = _archive(tmp_path, [(_item(id=f"d{i}"), pages) for i in range(4)])
    searcher = Searcher(settings.index_dir)
    errors, totals, stop = [], [], threading.Event()

    def reader():
        with Catalog(settings.catalog_path, readonly=True) as catalog:
            while not stop.is_set():
                try:
                    result = searcher.search(SearchRequest("phát ngôn báo chí", limit=50),
                                             catalog)
                    assert result.total == len(result.hits)
                    assert sum(result.facets["kind"].values()) == result.total
                    totals.append(result.total)
                except Exception as err:  # noqa: BLE001 - collected and asserted below
                    errors.append(err)
                time.sleep(0.02)  # let the writer run between searches

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    ix = open_index(settings.index_dir)
    for i in range(4, 8):
        with writer(ix) as w:
            for doc in item_documents(_item(id=f"d{i}"), pages):
                w.add_document(**doc)
    stop.set()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert len(totals) > 10 and set(totals) <= set(range(4, 9))
    with Catalog(settings.catalog_path, readonly=True) as catalog:
        assert searcher.search(SearchRequest("phát ngôn báo chí"), catalog).total == 8
    searcher.close()


def test_a_live_searcher_sees_a_rebuilt_index(tmp_path):
    """GIVEN a searcher open on an index built in one commit
    WHEN `ttdn reindex` deletes it and builds it again (same generation number) with one more item
    THEN the searcher answers from the new index."""
    pages = _pages(DECREE)[:2]
    settings = _archive(tmp_path, [(_item(id=f"d{i}"), pages) for i in range(3)])
    with Searcher(settings.index_dir) as searcher, Catalog(settings.catalog_path) as catalog:
        assert searcher.search(SearchRequest("phát ngôn"), catalog).total == 3
        catalog.save_item(_item(id="d3"), pages=pages, sources=["d3.pdf"])
        rebuild_index(settings, catalog, procs=1)
        assert searcher.search(SearchRequest("phát ngôn"), catalog).total == 4


def test_a_searcher_reads_an_old_index_without_writing_to_it(tmp_path):
    """GIVEN an index from before page positions and autocomplete (no such fields)
    THEN a searcher answers from it (no pages, no completions) and leaves its schema alone."""
    old = build_schema()
    old.remove("vocab")
    old.remove("page_starts")
    ix = whoosh_index.create_in(tmp_path, old)
    (doc,) = item_documents(_item(), _pages(DECREE)[:2])
    with writer(ix) as w:
        w.add_document(**{k: v for k, v in doc.items() if k in old})
    with Searcher(tmp_path) as searcher, Catalog(tmp_path / "c.sqlite3") as catalog:
        hits = searcher.search(SearchRequest("phát ngôn"), catalog).hits
        assert [h.id for h in hits] == ["nd244"] and hits[0].pages == []
        assert searcher.autocomplete("phát ng", audience="staff")["terms"] == []
    assert "vocab" not in whoosh_index.open_dir(tmp_path).schema
