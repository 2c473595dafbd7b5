"""manifest.csv: staff metadata by file, records without a file, and values that must stay safe."""
from __future__ import annotations

import pytest

from archive.errors import CorruptFile
from archive.models import Item
from ingest.metadata.manifest import read_manifest

from .conftest import CORPUS


def test_corpus_manifest_rows_and_records():
    manifest = read_manifest(CORPUS / "manifest.csv")
    row = manifest.row_for("media/to-gap-lang-son-viet-trung.pdf")
    assert row.values["languages"] == ["vi", "zh"]
    assert row.values["places"] == ["Lạng Sơn", "Hữu Nghị", "Đồng Đăng"]
    assert row.values["access"] == "public"
    dvd = [r for r in manifest.records if r.values.get("identifier") == "DVD-2017-004"]
    assert dvd and dvd[0].values["kind"] == "video" and dvd[0].source == "DVD-2017-004"


def test_manifest_values_win_and_are_marked(tmp_path):
    path = tmp_path / "manifest.csv"
    path.write_text("file,title,subjects,access\na.pdf,Tiêu đề,biên giới;cửa khẩu,public\n",
                    encoding="utf-8-sig")
    item = Item(id="x", title="extracted title")
    changed = read_manifest(path).row_for("a.pdf").apply(item)
    assert item.title == "Tiêu đề" and item.subject == ["biên giới", "cửa khẩu"]
    assert item.access == "public" and item.origins["title"] == "manifest"
    assert set(changed) == {"title", "subject", "access"}


def test_unknown_access_never_becomes_public(tmp_path):
    path = tmp_path / "manifest.csv"
    path.write_text("file,access,kind\na.pdf,publik,bản đồ\n", encoding="utf-8")
    row = read_manifest(path).row_for("a.pdf")
    assert row.values["access"] == "internal"
    assert row.values["kind"] == "other"
    assert any("publik" in p for p in row.problems)


def test_manifest_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "manifest.csv"
    path.write_bytes("file,title\na.pdf,Lạng Sơn\n".encode("utf-16"))
    with pytest.raises(CorruptFile, match="UTF-8"):
        read_manifest(path)
