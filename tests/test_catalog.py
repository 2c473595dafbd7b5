"""The SQLite catalog: WAL mode, atomic item writes, an append-only event log, index bookkeeping."""
from __future__ import annotations

import sqlite3

import pytest

from archive.catalog import Catalog, now_iso
from archive.models import Event, FileRecord, Item, Page


def _item(item_id="abc", **kw) -> Item:
    return Item(id=item_id, title="Kế hoạch thông tin đối ngoại", languages=["vi"],
                places=["Lạng Sơn"], origins={"title": "manifest"}, **kw)


def test_catalog_uses_wal(tmp_path):
    with Catalog(tmp_path / "c.sqlite3") as cat:
        assert cat.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_save_and_read_back_item(tmp_path):
    with Catalog(tmp_path / "c.sqlite3") as cat:
        cat.save_item(_item(sha256="f" * 64), pages=[Page(1, "trang một"), Page(2, "trang hai", "ocr", 91.5)],
                      files=[FileRecord("f" * 64, "application/pdf", 10)], sources=["a/b.pdf"],
                      event=Event("abc", "ingested", "test", now_iso()))
        item = cat.get_item("abc")
        assert item.title == "Kế hoạch thông tin đối ngoại"
        assert item.places == ["Lạng Sơn"] and item.languages == ["vi"]
        assert item.origins["title"] == "manifest"
        assert [p.n for p in cat.pages("abc")] == [1, 2]
        assert cat.pages("abc")[1].confidence == 91.5
        assert cat.resolve("a/b.pdf") == "abc" == cat.resolve("abc")
        assert cat.item_id_for_sha("f" * 64) == "abc"
        assert [e.action for e in cat.events("abc")] == ["ingested"]


def test_failed_save_leaves_nothing(tmp_path):
    with Catalog(tmp_path / "c.sqlite3") as cat:
        cat.save_item(_item(), sources=["x.pdf"])
        with pytest.raises(sqlite3.IntegrityError):
            # Same id again: the whole transaction, pages included, must roll back.
            cat.save_item(_item(), pages=[Page(1, "lost")], sources=["y.pdf"])
        assert cat.pages("abc") == []
        assert cat.resolve("y.pdf") is None


def test_event_log_is_append_only(tmp_path):
    with Catalog(tmp_path / "c.sqlite3") as cat:
        cat.log_event(Event(None, "verified", "test", now_iso()))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            cat.db.execute("DELETE FROM events")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            cat.db.execute("UPDATE events SET actor = 'x'")


def test_dirty_items_follow_versions(tmp_path):
    with Catalog(tmp_path / "c.sqlite3") as cat:
        cat.save_item(_item())
        assert cat.dirty_items() == [("abc", 1)]
        cat.mark_indexed([("abc", 1)])
        assert cat.dirty_items() == []
        item = cat.get_item("abc")
        item.access = "public"
        cat.update_item(item, actor="staff", action="access-changed")
        assert cat.dirty_items() == [("abc", 2)]
        assert cat.get_item("abc").access == "public"
        assert cat.events("abc")[-1].actor == "staff"
