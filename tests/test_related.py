"""Related items: citations, places, collections and subjects first, shared text after."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from archive.catalog import Catalog
from archive.settings import load_settings

from .conftest import open_searcher, run_cli

DECREE = """BỘ CÔNG AN
Số: 69/2026/TT-BCA
Hà Nội, ngày 22 tháng 5 năm 2026
THÔNG TƯ
Quy định về mẫu hộ chiếu phổ thông và giấy thông hành
Điều 1. Phạm vi điều chỉnh
Thông tư này quy định mẫu hộ chiếu phổ thông, giấy thông hành, tờ khai đề nghị cấp hộ chiếu
phổ thông ở trong nước và ở nước ngoài; trình tự cấp, thu hồi, hủy giá trị sử dụng hộ chiếu.
"""
# Nearest to the decree by its words, tied to it by nothing.
LOOKALIKE = """BỘ CÔNG AN
Số: 29/2026/TT-BCA
Hà Nội, ngày 2 tháng 3 năm 2026
THÔNG TƯ
Quy định về mẫu giấy thông hành và tờ khai
Điều 1. Phạm vi điều chỉnh
Thông tư này quy định mẫu giấy thông hành, tờ khai đề nghị cấp giấy thông hành, hộ chiếu
phổ thông ở trong nước và ở nước ngoài; trình tự cấp, thu hồi, hủy giá trị sử dụng.
"""
CITING = """UỶ BAN NHÂN DÂN TỈNH LẠNG SƠN
Số: 40/BC-UBND
Lạng Sơn, ngày 10 tháng 9 năm 2026
BÁO CÁO
Kết quả tiếp nhận hồ sơ xuất nhập cảnh quý III
Thực hiện Thông tư số 69/2026/TT-BCA ngày 22 tháng 5 năm 2026 của Bộ Công an, Công an tỉnh
đã tổ chức tiếp nhận hồ sơ tại các điểm một cửa của tỉnh.
"""
# A map legend read by OCR: decree-like words, but a map is related to places, not to decrees.
MAP = """Bản đồ hành chính tỉnh Lạng Sơn
Chú giải: cửa khẩu, đồn biên phòng, điểm cấp hộ chiếu phổ thông, giấy thông hành
"""
LEAFLET = "Tờ gấp du lịch Lạng Sơn: chợ Đông Kinh, động Tam Thanh, cửa khẩu Hữu Nghị.\n"

# file, text, kind, access, places, collection, subjects
_ITEMS = (
    ("decree.txt", DECREE, "document", "public", "", "Văn bản pháp luật", ""),
    ("lookalike.txt", LOOKALIKE, "document", "public", "", "", ""),
    ("citing.txt", CITING, "document", "public", "", "", ""),
    ("citing-internal.txt", CITING.replace("40/BC", "41/BC"), "document", "internal", "", "", ""),
    ("map.txt", MAP, "map", "public", "Lạng Sơn", "Bản đồ", "bản đồ"),
    ("leaflet.txt", LEAFLET, "publication", "public", "Lạng Sơn", "", "du lịch"),
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A home with the items above; their ids by file name."""
    folder = tmp_path_factory.mktemp("related-in")
    home = tmp_path_factory.mktemp("related") / "home"
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "kind", "languages", "access", "places", "collection", "subjects"])
        for name, text, kind, access, places, collection, subjects in _ITEMS:
            (folder / name).write_text(text, encoding="utf-8")
            out.writerow([name, kind, "vi", access, places, collection, subjects])
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    with Catalog(load_settings(home).catalog_path) as catalog:
        ids = {name: catalog.resolve(name) for name, *_ in _ITEMS}
    return home, ids


def _related(home: Path, item_id: str, audience: str) -> list[str]:
    with Catalog(load_settings(home).catalog_path) as catalog, \
            open_searcher(home) as searcher:
        return [h.id for h in searcher.more_like_this(item_id, catalog, audience=audience,
                                                       limit=5).hits]


def test_an_item_citing_the_number_comes_before_the_nearest_text(archive):
    """GIVEN a report citing "69/2026/TT-BCA" and a decree worded much like that Thông tư
    WHEN the Thông tư's related items are listed THEN the citing report comes first."""
    home, ids = archive
    related = _related(home, ids["decree.txt"], "public")
    assert related[0] == ids["citing.txt"], related
    assert ids["lookalike.txt"] in related  # same kind, shared words: after the tie
    assert _related(home, ids["citing.txt"], "public")[0] == ids["decree.txt"]


def test_a_map_is_related_to_its_place_not_to_decrees_by_text(archive):
    home, ids = archive
    related = _related(home, ids["map.txt"], "public")
    assert related == [ids["leaflet.txt"]], related


def test_related_items_are_only_those_the_audience_may_see(archive):
    home, ids = archive
    assert ids["citing-internal.txt"] not in _related(home, ids["decree.txt"], "public")
    assert ids["citing-internal.txt"] in _related(home, ids["decree.txt"], "staff")
