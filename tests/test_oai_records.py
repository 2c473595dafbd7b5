"""What harvesters see of the catalog (archive/oai.py): datestamps, deletions, sets, tokens."""
from __future__ import annotations

import time
from dataclasses import replace

import pytest

from archive import oai
from archive.catalog import Catalog
from archive.models import Event, Item
from search.access import AUDIENCES
from web.oai import tokens


@pytest.fixture
def catalog(tmp_path):
    with Catalog(tmp_path / "catalog.sqlite3") as found:
        yield found


def _save(catalog: Catalog, item_id: str, access: str, **fields) -> Item:
    item = Item(id=item_id, access=access, title=f"Tài liệu {item_id}", languages=["vi"],
                **fields)
    catalog.save_item(item, event=Event(item_id, "ingested", "test", oai.datestamp()))
    return catalog.get_item(item_id)


def _rows(catalog: Catalog) -> dict[str, tuple]:
    return {r[0]: tuple(r[1:]) for r in catalog.db.execute(
        "SELECT item_id, public, ever_public, seq FROM oai_records")}


def test_public_levels_match_the_public_audience():
    assert oai.PUBLIC_LEVELS == AUDIENCES["public"]


def test_set_slugs_fold_vietnamese_and_keep_other_scripts_apart():
    assert oai.set_slug("Văn bản pháp luật") == "van-ban-phap-luat"
    assert oai.set_slug("Đồng Đăng") == "dong-dang"
    assert oai.set_slug("文献") != oai.set_slug("地图") and oai.set_slug("文献").startswith("h")
    item = Item(id="x", kind="map", collection="Bản đồ", languages=["vi", "fr"])
    assert oai.set_specs(item) == ("collection:ban-do", "kind:map", "lang:vi", "lang:fr")


def test_every_save_and_update_writes_the_record_in_the_same_transaction(catalog):
    item = _save(catalog, "a", "public")
    assert _rows(catalog)["a"][:2] == (1, 1)
    seq = _rows(catalog)["a"][2]
    catalog.update_item(replace(item, title="Mới"), actor="test")
    assert _rows(catalog)["a"][2] > seq  # a public change is a change for harvesters


def test_an_item_that_leaves_the_public_is_deleted_and_comes_back(catalog):
    item = _save(catalog, "a", "public")
    catalog.update_item(replace(item, access="internal"), actor="t", action="access-changed",
                        detail={"from": "public", "to": "internal"})
    rec = oai.record(catalog.db, "a")
    assert rec.deleted and rec.sets == ("kind:document", "lang:vi")
    # Edits of the now internal item are not changes a harvester sees: the datestamp stays.
    seq = rec.seq
    catalog.update_item(replace(item, access="internal", title="bí mật"), actor="t")
    assert oai.record(catalog.db, "a").seq == seq
    catalog.update_item(replace(item, access="public"), actor="t", action="access-changed",
                        detail={"from": "internal", "to": "public"})
    assert not oai.record(catalog.db, "a").deleted


def test_an_item_never_public_is_no_record_at_all(catalog):
    _save(catalog, "secret", "restricted", collection="Mật")
    assert oai.record(catalog.db, "secret") is None
    assert oai.count(catalog.db, oai.HarvestQuery()) == 0
    assert oai.list_sets(catalog.db) == []


def test_a_withdrawn_record_keeps_its_public_sets(catalog):
    item = _save(catalog, "a", "public", collection="Công khai")
    catalog.update_item(replace(item, access="restricted", collection="Mật"), actor="t",
                        action="access-changed", detail={"from": "public", "to": "restricted"})
    assert oai.record(catalog.db, "a").sets[0] == "collection:cong-khai"
    # Its old sets stay listed (headers name them); the new, never public one is not.
    specs = [spec for spec, _ in oai.list_sets(catalog.db)]
    assert "collection:cong-khai" in specs and not any("mat" in spec for spec in specs)


def test_backfill_rebuilds_the_table_from_items_and_access_changes(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    with Catalog(path) as catalog:
        _save(catalog, "pub", "public")
        was = _save(catalog, "was", "public")
        catalog.update_item(replace(was, access="internal"), actor="t", action="access-changed",
                            detail={"from": "public", "to": "internal"})
        _save(catalog, "never", "internal")
        left_at = oai.record(catalog.db, "was").datestamp
        catalog.db.execute("DROP TABLE oai_records")  # a data home from before this table
        catalog.db.commit()
    with Catalog(path) as catalog:
        assert set(_rows(catalog)) == {"pub", "was", "never"}
        assert not oai.record(catalog.db, "pub").deleted
        assert oai.record(catalog.db, "was").deleted
        assert oai.record(catalog.db, "was").datestamp == left_at
        assert oai.record(catalog.db, "never") is None
        before = _rows(catalog)
        with catalog.transaction() as db:
            assert oai.backfill(db) == 0  # idempotent
        assert _rows(catalog) == before


def test_a_removed_item_becomes_a_deleted_record(catalog):
    _save(catalog, "gone", "public")
    with catalog.transaction() as db:
        db.execute("DELETE FROM items WHERE id = 'gone'")
        assert oai.backfill(db) == 1
    assert oai.record(catalog.db, "gone").deleted


def test_a_harvest_bounded_by_its_starting_seq_ignores_later_changes(catalog):
    for n in range(5):
        _save(catalog, f"i{n}", "public")
    query = oai.HarvestQuery(max_seq=oai.max_seq(catalog.db))
    first = oai.harvest(catalog.db, query, limit=2)
    _save(catalog, "late", "public")  # added mid-harvest: for the next harvest
    rest = oai.harvest(catalog.db, query, after_seq=first[-1].seq, limit=10)
    assert [r.item_id for r in first + rest] == [f"i{n}" for n in range(5)]


def _position(**changes) -> tokens.Position:
    base = tokens.Position("ListRecords", "oai_dc", None, None, None, 9, 3, 3, 9,
                           int(time.time()) + 60)
    return replace(base, **changes)


def test_tokens_round_trip_and_refuse_tampering_and_age():
    token = tokens.encode(_position(), "key")
    assert tokens.decode(token, "key") == _position()
    with pytest.raises(tokens.BadToken):
        tokens.decode(token, "another key")
    body, sig = token.split(".")
    forged = tokens.encode(_position(cursor=0), "other").split(".")[0]
    with pytest.raises(tokens.BadToken):
        tokens.decode(f"{forged}.{sig}", "key")
    for junk in ("", "abc", "a.b.c", "é.é", token + "x"):
        with pytest.raises(tokens.BadToken):
            tokens.decode(junk, "key")
    old = tokens.encode(_position(expires=int(time.time()) - 1), "key")
    with pytest.raises(tokens.BadToken, match="expired"):
        tokens.decode(old, "key")
