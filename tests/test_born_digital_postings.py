"""The fused posting writer (search/segment_postings.py) writes Whoosh's bytes exactly.

Each segment is written twice from the same catalog, once through Whoosh's own
``FieldWriter.add_postings`` and once through ``write_postings``, and every file of the two
segments is compared byte for byte: term table, posting blocks, columns, lengths, stored
fields. The catalog has terms with one posting, with a few, and with more than one block of
128 postings (Whoosh's block limit), on the corpus's real text (Vietnamese, Chinese, numbers).
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pymupdf
import pytest
from whoosh import index as whoosh_index

import search.segment_postings as segment_postings
import search.segments as segments
from archive.catalog import Catalog
from archive.models import Item, Page
from search.index import index_items, write_documents
from search.schema import build_schema
from search.segment_postings import write_postings

from .conftest import CORPUS


def _whoosh_postings(fieldwriter, schema, lengths, items) -> None:
    fieldwriter.add_postings(schema, lengths, items)


@pytest.fixture(scope="module")
def catalog_path(tmp_path_factory) -> Path:
    """300 items of 1–3 corpus paragraphs each: common words reach 2 and 3 blocks of postings."""
    paragraphs = []
    for pdf in sorted((CORPUS / "documents").glob("*.pdf")):
        with pymupdf.open(pdf) as doc:
            for page in doc:
                paragraphs += [p for p in page.get_text().split("\n\n") if len(p) > 40]
    paragraphs += ["Ðồng Đăng 244/2026/NĐ-CP ＩＣＤ－１０ 谅山 서울 Lạng Sơn"]
    rng = random.Random(17)
    path = tmp_path_factory.mktemp("postings") / "catalog.sqlite3"
    with Catalog(path) as catalog:
        for n in range(300):
            pages = [Page(i + 1, rng.choice(paragraphs)) for i in range(rng.randint(1, 3))]
            item = Item(id=f"p{n:03d}", access=("public", "internal")[n % 2],
                        title=rng.choice(paragraphs)[:60].replace("\n", " "),
                        doc_number=f"{n}/2026/NĐ-CP" if n % 3 else None, languages=["vi"],
                        places=["Lạng Sơn"] if n % 5 else [])
            catalog.save_item(item, pages=pages, sources=[f"p/{n}.pdf"])
    return path


def _segment_files(index_dir: Path) -> dict[str, bytes]:
    """Every file of the index, named without its random segment id."""
    return {re.sub(r"^[^_.]+_[^_.]+", "", f.name) or f.name: f.read_bytes()
            for f in sorted(index_dir.iterdir()) if not f.name.endswith((".toc", "LOCK"))}


def _write(index_dir: Path, catalog_path: Path, *, limitmb: int = 256) -> None:
    index_dir.mkdir()
    ix = whoosh_index.create_in(index_dir, build_schema())
    w = segments.FastSegmentWriter(ix, limitmb=limitmb, compound=False)
    with Catalog(catalog_path, readonly=True) as catalog:
        write_documents(w, catalog, catalog.item_ids(), replace=False)
    w.commit()


@pytest.mark.parametrize("limitmb, memo", [(256, None), (1, 3)],
                         ids=["in-memory", "spilled-runs-memo-cleared"])
def test_fused_postings_are_whooshs_bytes(tmp_path, catalog_path, monkeypatch, limitmb, memo):
    if memo is not None:  # the memo of compressed blocks forgotten every few terms
        monkeypatch.setattr(segment_postings, "_MEMO_ENTRIES", memo)
    monkeypatch.setattr(segments, "write_postings", _whoosh_postings)
    _write(tmp_path / "whoosh", catalog_path, limitmb=limitmb)
    monkeypatch.setattr(segments, "write_postings", write_postings)
    _write(tmp_path / "fused", catalog_path, limitmb=limitmb)
    whoosh, fused = _segment_files(tmp_path / "whoosh"), _segment_files(tmp_path / "fused")
    assert ".trm" in whoosh and ".pst" in whoosh and len(whoosh[".pst"]) > 100_000
    assert len(whoosh[".trm"]) > 2**16  # the key index outgrows 16-bit positions (retyped)
    assert fused.keys() == whoosh.keys()
    assert [name for name in whoosh if fused[name] != whoosh[name]] == []


def test_the_catalog_has_terms_of_several_blocks(tmp_path, catalog_path):
    """The comparison above covers terms past Whoosh's 128-posting block limit."""
    _write(tmp_path / "ix", catalog_path)
    ix = whoosh_index.open_dir(tmp_path / "ix")
    with ix.searcher() as searcher:
        reader = searcher.reader()
        most = max(reader.doc_frequency("content", t) for t in reader.lexicon("content"))
    assert most > 256


def _segments_bytes(index_dir: Path) -> list[dict[str, bytes]]:
    """Each segment's files in the index's order (a compound segment's parts read out)."""
    ix, out = whoosh_index.open_dir(index_dir), []
    for segment in ix._segments():
        segid = segment.segment_id()
        if segment.is_compound():
            parts = segment.open_compound_file(ix.storage)
            out.append({name.replace(segid, ""): parts.open_file(name).read()
                        for name in parts.list()})
        else:
            out.append({f.name.replace(segid, ""): f.read_bytes()
                        for f in index_dir.glob(f"{segid}*")})
    return out


def test_merged_commits_are_whooshs_bytes(tmp_path, catalog_path, monkeypatch):
    """GIVEN ingest's small commits, which Whoosh merges into larger segments as they come
    WHEN written by both writers THEN every segment holds the same bytes."""
    with Catalog(catalog_path, readonly=True) as catalog:
        versions = catalog.dirty_items(limit=1000)
    written = {}
    for label, writer in (("whoosh", _whoosh_postings), ("fused", write_postings)):
        monkeypatch.setattr(segments, "write_postings", writer)
        home = tmp_path / label
        (home / "index").mkdir(parents=True)
        (home / "catalog.sqlite3").write_bytes(catalog_path.read_bytes())
        ix = whoosh_index.create_in(home / "index", build_schema())
        with Catalog(home / "catalog.sqlite3") as catalog:
            for start in range(0, 120, 10):  # 12 commits: Whoosh merges the small segments
                index_items(ix, catalog, versions[start:start + 10])
        written[label] = _segments_bytes(home / "index")
    assert 1 < len(written["whoosh"]) < 12  # merged, and not all into one
    assert written["fused"] == written["whoosh"]


@pytest.mark.parametrize("items", [
    [("title", b"b", 0, 1.0, b""), ("title", b"a", 0, 1.0, b"")],  # terms out of order
    [("title", b"a", 0, 1.0, b""), ("content", b"a", 0, 1.0, b"")],  # fields out of order
], ids=["terms", "fields"])
def test_postings_out_of_order_are_refused_as_whoosh_refuses_them(tmp_path, items):
    from whoosh.codec.base import OutOfOrderError
    ix = whoosh_index.create_in(tmp_path, build_schema())
    for write in (_whoosh_postings, write_postings):
        w = segments.FastSegmentWriter(ix)
        with pytest.raises(OutOfOrderError):
            write(w.fieldwriter, ix.schema, None, iter(items))
        w.cancel()
