"""Citations read from documents become relations: what an item cites, and what cites it."""
from __future__ import annotations

from archive.catalog import Catalog
from archive.records import item_record
from archive.settings import load_settings

from .conftest import run_cli, run_json

PLAN = """ỦY BAN NHÂN DÂN
TỈNH LẠNG SƠN
Số: 12/KH-UBND
Lạng Sơn, ngày 5 tháng 1 năm 2018
KẾ HOẠCH
Tổ chức triển lãm tư liệu Hoàng Sa, Trường Sa năm 2018
Thực hiện Nghị định số 72/2015/NĐ-CP ngày 07/9/2015 của Chính phủ về quản lý hoạt động thông tin đối ngoại, UBND tỉnh ban hành kế hoạch như sau.
"""
REPORT = """ỦY BAN NHÂN DÂN
TỈNH LẠNG SƠN
Số: 30/BC-UBND
Lạng Sơn, ngày 20 tháng 12 năm 2018
BÁO CÁO
Kết quả triển lãm tư liệu Hoàng Sa, Trường Sa năm 2018
Thực hiện Kế hoạch số 12/KH–UBND ngày 05/01/2018 của UBND tỉnh Lạng Sơn, triển lãm đã được tổ chức tại thành phố Lạng Sơn.
"""


def _ingest(tmp_path, home):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ke-hoach.txt").write_text(PLAN, encoding="utf-8")
    (folder / "bao-cao.txt").write_text(REPORT, encoding="utf-8")
    (folder / "manifest.csv").write_text("file,access\nbao-cao.txt,public\n", encoding="utf-8")
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output


def test_header_fields_are_extracted_and_marked(tmp_path, home):
    _ingest(tmp_path, home)
    plan = run_json(home, "show", "ke-hoach.txt")
    assert plan["doc_number"] == "12/KH-UBND" and plan["origins"]["doc_number"] == "extracted"
    assert plan["issued"] == "2018-01-05" and plan["doc_type"] == "Kế hoạch"
    assert plan["title"].startswith("Tổ chức triển lãm")


def test_citation_links_both_ways(tmp_path, home):
    _ingest(tmp_path, home)
    plan = run_json(home, "show", "ke-hoach.txt")
    report = run_json(home, "show", "bao-cao.txt")
    linked = [c for c in report["cites"] if c["id"]]
    assert [c["id"] for c in linked] == [plan["id"]], report["cites"]
    assert [c["id"] for c in plan["cited_by"]] == [report["id"]]
    decree = [c for c in plan["cites"] if c["doc_number"].startswith("72/2015")]
    assert decree and decree[0]["id"] is None, "a document not in the archive is cited unlinked"


def test_related_items_respect_access(tmp_path, home):
    """GIVEN a public report citing an internal plan WHEN the record is built for the public
    THEN the internal plan is not named (its number, as printed in the report, is)."""
    _ingest(tmp_path, home)
    with Catalog(load_settings(home).catalog_path) as catalog:
        record = item_record(catalog, "bao-cao.txt", visible=("public",))
    assert all(c["id"] is None and c["title"] is None for c in record["cites"])
    assert "12/KH-UBND" in [c["doc_number"].replace("–", "-") for c in record["cites"]]


def test_number_from_a_conventional_file_name(tmp_path, home):
    """GIVEN a document whose text names no number WHEN its file is named 70-2026-tt-btc
    THEN number, type and issuer come from the name, marked as extracted."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "70-2026-tt-btc.txt").write_text("Mẫu số 01A\nBáo cáo kê khai tài sản kết cấu hạ "
                                               "tầng đường bộ\n", encoding="utf-8")
    assert run_cli(home, "ingest", str(folder)).exit_code == 0
    item = run_json(home, "show", "70-2026-tt-btc.txt")
    assert (item["doc_number"], item["doc_type"], item["issuer"]) == (
        "70/2026/TT-BTC", "Thông tư", "Bộ Tài chính")
    assert item["origins"]["doc_number"] == "extracted"
