"""The faster index build writes exactly what plain Whoosh writes (search/segments.py).

Every term, posting (document, weight, positions), field length, stored field and sortable
column of an index written by ``FastSegmentWriter`` (one process, runs spilled to disk or not)
and by ``build_segments`` (two processes) is compared with the index plain Whoosh writes from
the same catalog, on the sample corpus's real text (Vietnamese, Chinese, document numbers).
"""
from __future__ import annotations

import random
from pathlib import Path

import pymupdf
import pytest
from whoosh import index as whoosh_index
from whoosh.formats import Positions

from archive.catalog import Catalog
from archive.models import Item, Page
from archive.settings import Settings
from search.analyzers import _encode_positions, exact_analyzer, fold, folded_analyzer
from search.index import rebuild_index, write_documents
from search.schema import build_schema
from search.segments import FastSegmentWriter, build_segments
from search.tokens import tokenize_pages

from .conftest import CORPUS, FIXTURES

_PDFS = sorted((CORPUS / "documents").glob("*.pdf")) + [
    CORPUS / "media" / "to-gap-lang-son-viet-trung.pdf"]


def _texts() -> list[str]:
    pages = []
    for pdf in _PDFS:
        with pymupdf.open(pdf) as doc:
            pages += [p.get_text() for p in doc if p.get_text().strip()]
    truth = (FIXTURES / "truth" / "kh-51-ubnd-2017-lang-son.gt.txt").read_text(encoding="utf-8")
    return pages + [truth, truth.upper(), "Ðồng Đăng 244/2026/NĐ-CP ＩＣＤ－１０ 谅山 서울"]


@pytest.fixture(scope="module")
def catalog_path(tmp_path_factory) -> Path:
    """A catalog of 40 items recombining the corpus pages, with metadata of every kind."""
    rng, texts = random.Random(5), _texts()
    path = tmp_path_factory.mktemp("build") / "catalog.sqlite3"
    with Catalog(path) as catalog:
        for n in range(40):
            pages = [Page(i + 1, rng.choice(texts)) for i in range(rng.randint(0, 6))]
            item = Item(id=f"t{n:03d}", access=("public", "internal", "restricted")[n % 3],
                        title=rng.choice(texts)[:80].replace("\n", " "),
                        doc_number=f"{n}/2026/NĐ-CP" if n % 2 else None,
                        issuer="UBND tỉnh Lạng Sơn" if n % 4 else None, languages=["vi", "zh"],
                        places=["Lạng Sơn", "Đồng Đăng"][: n % 3], issued=f"20{n % 27:02d}-01-02")
            catalog.save_item(item, pages=pages, sources=[f"t/{n}.pdf"])
    return path


def _plain(index_dir: Path, catalog_path: Path) -> None:
    """The reference: Whoosh's own single-process writer."""
    index_dir.mkdir()
    ix = whoosh_index.create_in(index_dir, build_schema())
    w = ix.writer()
    with Catalog(catalog_path, readonly=True) as catalog:
        write_documents(w, catalog, catalog.item_ids(), replace=False)
    w.commit()


def _dump(index_dir: Path) -> dict:
    """Everything an index holds, keyed by item id (not document number)."""
    ix, out = whoosh_index.open_dir(index_dir), {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        out["stored"] = {ids[d]: fields for d, fields in reader.iter_docs()}
        for name, field in ix.schema.items():
            if field.indexed:
                for term in reader.lexicon(name):
                    m, postings = reader.postings(name, term), []
                    while m.is_active():
                        value = m.value()
                        if field.format.supports("positions"):
                            value = tuple(field.format.decode_positions(value))
                        postings.append((ids[m.id()], m.weight(), value))
                        m.next()
                    out[(name, term)] = sorted(postings)
            if field.scorable:
                out[("length", name)] = {ids[d]: reader.doc_field_length(d, name) for d in ids}
            if field.column_type is not None:
                # Per segment: one that holds no value of a field keeps no column for it.
                out[("column", name)] = sorted(
                    (ids[offset + d], v) for leaf, offset in reader.leaf_readers()
                    if leaf.has_column(name) for d, v in enumerate(leaf.column_reader(name))
                    if v not in ("", 0, None))
    return out


def _fast(index_dir: Path, catalog_path: Path, limitmb: int) -> None:
    index_dir.mkdir()
    ix = whoosh_index.create_in(index_dir, build_schema())
    w = FastSegmentWriter(ix, limitmb=limitmb)
    with Catalog(catalog_path, readonly=True) as catalog:
        write_documents(w, catalog, catalog.item_ids(), replace=False)
    w.commit()


@pytest.mark.parametrize("limitmb", [256, 1], ids=["in-memory", "spilled-runs"])
def test_fast_writer_writes_what_whoosh_writes(tmp_path, catalog_path, limitmb):
    _plain(tmp_path / "plain", catalog_path)
    _fast(tmp_path / "fast", catalog_path, limitmb)
    plain, fast = _dump(tmp_path / "plain"), _dump(tmp_path / "fast")
    assert len(plain) > 1000
    assert fast == plain


def test_segments_built_in_parallel_hold_the_same_index_in_catalog_order(tmp_path,
                                                                          catalog_path):
    _plain(tmp_path / "plain", catalog_path)
    (tmp_path / "par").mkdir()
    ix = whoosh_index.create_in(tmp_path / "par", build_schema())
    with Catalog(catalog_path, readonly=True) as catalog:
        ids = catalog.item_ids()
    build_segments(ix, catalog_path, [ids[:13], ids[13:27], ids[27:]])
    assert _dump(tmp_path / "par") == _dump(tmp_path / "plain")
    ix = whoosh_index.open_dir(tmp_path / "par")
    assert len(ix._segments()) == 3
    with ix.searcher() as searcher:  # documents numbered as one writer numbers them
        assert [f["id"] for _, f in searcher.reader().iter_docs()] == ids


def test_rebuild_with_two_processes_equals_one(tmp_path, catalog_path):
    dumps = []
    for procs in (1, 2):
        home = tmp_path / f"home{procs}"
        home.mkdir()
        (home / "catalog.sqlite3").write_bytes(catalog_path.read_bytes())
        with Catalog(home / "catalog.sqlite3") as catalog:
            assert rebuild_index(Settings(home=home), catalog, procs=procs) == 40
            assert catalog.dirty_items() == []
        dumps.append(_dump(home / "index"))
    assert dumps[0] == dumps[1]


def test_a_failing_worker_commits_nothing(tmp_path, catalog_path):
    (tmp_path / "ix").mkdir()
    ix = whoosh_index.create_in(tmp_path / "ix", build_schema())
    with pytest.raises(ZeroDivisionError):
        build_segments(ix, catalog_path, [["t001"], ["t002"]], worker=_fail)
    ix = whoosh_index.open_dir(tmp_path / "ix")
    assert ix.doc_count_all() == 0
    with ix.writer() as w:  # the lock was released
        w.add_document(id="x")


def _fail(job):
    return 1 / 0


def test_positions_encode_byte_for_byte():
    rng = random.Random(3)
    for _ in range(200):
        positions = sorted(rng.sample(range(5000), rng.randint(1, 300)))
        assert _encode_positions(positions) == Positions().encode(positions)


def test_pre_tokenized_postings_equal_the_analyzers_postings():
    """Grouping raw words once gives each field the postings its analyzer gives (real text)."""
    schema = build_schema()
    texts = _texts()
    body, _starts = tokenize_pages(texts)
    text = "\n".join(texts)
    for name, analyzer in (("content", exact_analyzer()), ("content_f", folded_analyzer())):
        fmt = schema[name].format
        ours = sorted(fmt.word_values(body, analyzer, mode="index"))
        whoosh = sorted(Positions(field_boost=fmt.field_boost).word_values(
            text, analyzer, mode="index"))
        assert ours == whoosh


def test_folding_a_lowercased_word_folds_the_word():
    """The folded field folds the exact field's lowercased words: that must change nothing."""
    chars = (chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert [c for c in chars if fold(c) != fold(c.lower())] == []
    for text in _texts():
        for word in text.split():
            assert fold(word) == fold(word.lower())
