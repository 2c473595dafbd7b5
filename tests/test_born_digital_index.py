"""Index documents analyzed ahead of their commit (search/prepared.py, search/analyzed.py).

Ingest analyzes an item's index document as soon as the item is catalogued; the batch's commit
then adds it as analyzed. The index must be the same, byte for byte, as when the commit builds
every document itself, and a prepared document must never stand in for a newer catalog state.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

import search.prepared as prepared
from archive.catalog import Catalog
from archive.models import Item, Page
from archive.settings import Settings
from ingest.pipeline import run_ingest
from search.index import index_items, open_index
from search.schema import build_schema

from .conftest import CORPUS, FIXTURES
from .test_born_digital_postings import _segments_bytes

_TEXTS = ["Kế hoạch 51/KH-UBND của UBND tỉnh Lạng Sơn về an ninh biên giới Đồng Đăng",
          "谅山省 Lạng Sơn 서울 ＩＣＤ－１０ Ðồng Đăng 244/2026/NĐ-CP lạng làng lang",
          "Nghị định quy định xử phạt vi phạm hành chính trong lĩnh vực thông tin"]


@pytest.fixture
def home(tmp_path) -> Path:
    """A data home whose catalog holds 12 items of every access level, with an empty index."""
    home = tmp_path / "home"
    with Catalog(home / "catalog.sqlite3") as catalog:
        for n in range(12):
            item = Item(id=f"i{n:02d}", access=("public", "internal", "restricted")[n % 3],
                        title=_TEXTS[n % 3][:40], doc_number=f"{n}/2026/NĐ-CP" if n % 2 else None,
                        issuer="UBND tỉnh Lạng Sơn", languages=["vi"], places=["Lạng Sơn"],
                        issued=f"20{n:02d}-03-22")
            pages = [Page(p + 1, _TEXTS[(n + p) % 3] * (p + 1)) for p in range(n % 4 + 1)]
            catalog.save_item(item, pages=pages, sources=[f"d/{n}.pdf"])
    return home


def _index(home: Path, *, prepare: bool) -> list[dict[str, bytes]]:
    """Index the whole catalog in batches of 5 (as ingest commits), preparing first or not."""
    settings = Settings(home=home)
    shutil.rmtree(settings.index_dir, ignore_errors=True)
    ix = open_index(settings.index_dir)
    with Catalog(settings.catalog_path) as catalog:
        catalog.mark_all_dirty()
        versions = catalog.dirty_items(limit=100)
        if prepare:
            assert prepared.prepare(settings, catalog, [i for i, _ in versions]) == 12
        for start in range(0, 12, 5):
            index_items(ix, catalog, versions[start:start + 5])
    assert not prepared._prepared  # every prepared document was taken by its commit
    return _segments_bytes(settings.index_dir)


def test_prepared_documents_write_the_same_segments(home):
    assert _index(home, prepare=True) == _index(home, prepare=False)


def test_an_item_edited_after_preparing_is_indexed_as_edited(home, monkeypatch):
    """GIVEN an item prepared, then edited (as a clerk would in the portal) WHEN committed
    THEN the index holds the edited title, not the prepared one."""
    settings = Settings(home=home)
    ix = open_index(settings.index_dir)
    with Catalog(settings.catalog_path) as catalog:
        prepared.prepare(settings, catalog, ["i00"])
        item = catalog.get_item("i00")
        item.title = "Quyết định về Hữu Nghị"
        catalog.update_item(item, actor="clerk")
        taken = []
        real = prepared.take
        monkeypatch.setattr(prepared, "take", lambda *a: taken.append(real(*a)) or taken[-1])
        index_items(ix, catalog, catalog.dirty_items(limit=100))
    assert taken[0] is False  # i00 comes first: its prepared version was refused
    with whoosh_index.open_dir(settings.index_dir).searcher() as searcher:
        titles = {f["id"]: f["title"] for f in searcher.all_stored_fields()}
    assert titles["i00"] == "Quyết định về Hữu Nghị"


def test_a_writer_of_another_schema_builds_the_documents_itself(home):
    """GIVEN an index made before a field existed (its schema lacks `vocab`) WHEN a prepared
    item is committed THEN the document is built for that index's schema instead."""
    settings = Settings(home=home)
    settings.index_dir.mkdir(parents=True)
    schema = build_schema()
    schema.remove("vocab")
    ix = whoosh_index.create_in(settings.index_dir, schema)
    with Catalog(settings.catalog_path) as catalog:
        prepared.prepare(settings, catalog, ["i01"])
        writer = ix.writer()
        assert prepared.take(writer, catalog, "i01") is False
        writer.cancel()
    prepared.discard()


def test_preparing_stops_at_its_bound(home, monkeypatch):
    monkeypatch.setattr(prepared, "PREPARED_POSTINGS", 1)
    settings = Settings(home=home)
    with Catalog(settings.catalog_path) as catalog:
        assert prepared.prepare(settings, catalog, ["i00", "i01", "i02"]) == 1
    prepared.discard(settings)
    assert not prepared._prepared and prepared._held == 0


def test_solr_prepares_nothing(home):
    settings = Settings(home=home, search_url="solr+http://127.0.0.1:1/solr/ttdn")
    with Catalog(settings.catalog_path) as catalog:
        assert prepared.prepare(settings, catalog, ["i00"]) == 0


def test_ingest_prepares_born_digital_items_and_writes_the_same_index(tmp_path, monkeypatch):
    """GIVEN born-digital PDFs WHEN ingested with documents prepared ahead, and again with
    preparing turned off THEN every item was prepared and taken, and the indexes agree."""
    folder = tmp_path / "in"
    folder.mkdir()
    for pdf in [*sorted((CORPUS / "documents").glob("*.pdf"))[:3],
                *sorted((FIXTURES / "documents").glob("*.pdf"))[:3]]:
        shutil.copy(pdf, folder / pdf.name)
    taken: list[bool] = []
    real = prepared.take
    monkeypatch.setattr(prepared, "take", lambda *a: taken.append(real(*a)) or taken[-1])
    run_ingest([folder], Settings(home=tmp_path / "ahead", jobs=2))
    assert taken == [True] * 6
    monkeypatch.setattr(prepared, "prepare", lambda *a: 0)
    run_ingest([folder], Settings(home=tmp_path / "plain", jobs=2))
    assert not prepared._prepared
    assert _dump(tmp_path / "ahead" / "index") == _dump(tmp_path / "plain" / "index")


def _dump(index_dir: Path) -> dict:
    from .test_search_build_speed import _dump as dump
    return dump(index_dir)
