"""Titles come from the text (trích yếu, scope clause, heading), never from the file name."""
from __future__ import annotations

import csv
import doctest
import shutil
from pathlib import Path

import pymupdf

import ingest.metadata.titles
from ingest.metadata.titles import title_from_text

from .conftest import FIXTURES, run_cli, run_json

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

APPENDIX = """Phụ lục: 09 biểu mẫu mới (chi tiết từng trường)
Mẫu TK01 - Tờ khai đề nghị cấp hộ chiếu phổ thông ở trong nước (dành cho người từ 14
tuổi trở lên)
Ban hành kèm theo Thông tư số 69/2026/TT-BCA ngày 22 tháng 5 năm 2026 của Bộ Công an
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
TỜ KHAI
Đề nghị cấp hộ chiếu phổ thông ở trong nước
1. Họ …………………… Chữ đệm và tên ……………………
"""
# A first page whose header block was lost: only the scope clause says what the text is.
HEADLESS = """Theo đề nghị của Vụ trưởng Vụ Kế hoạch - Tài chính.
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng
a) Thông tư này quy định phân cấp thẩm quyền của Bộ trưởng Bộ Xây dựng trong lĩnh
vực quản lý, sử dụng tài sản công; đầu tư xây dựng, mua sắm tài sản.
"""
FORM = """Mẫu số 01A
BỘ XÂY DỰNG/ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
UBND TỈNH, THÀNH PHỐ... Độc lập - Tự do - Hạnh phúc
BÁO CÁO
Kê khai lần đầu tài sản kết cấu hạ tầng đường bộ
A. Thông tin về đối tượng báo cáo
Tên đối tượng:......... Mã đối tượng: ...........
"""


def _pdf(path: Path, text: str, *, title: str = "") -> Path:
    """A one-page born-digital PDF of `text` (Vietnamese glyphs from DejaVu Sans)."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="dv", fontfile=FONT)
    y = 60.0
    for line in text.splitlines():
        page.insert_text((40, y), line, fontname="dv", fontsize=10)
        y += 15
    if title:
        doc.set_metadata({"title": title})
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    doc.close()
    return path


def test_docstring_examples_hold():
    assert doctest.testmod(ingest.metadata.titles).failed == 0


def test_an_appendix_is_titled_by_its_own_heading():
    assert title_from_text([APPENDIX]) == "Phụ lục: 09 biểu mẫu mới (chi tiết từng trường)"


def test_a_text_without_header_is_titled_by_its_scope_clause():
    assert title_from_text([HEADLESS]) == ("Quy định phân cấp thẩm quyền của Bộ trưởng Bộ Xây "
                                           "dựng trong lĩnh vực quản lý, sử dụng tài sản công")


def test_a_form_is_titled_by_its_type_line_and_subject():
    assert title_from_text([FORM]) == "Báo cáo kê khai lần đầu tài sản kết cấu hạ tầng đường bộ"


def test_the_kem_theo_note_is_not_part_of_a_heading():
    text = ("MẪU THÔNG TIN CÓ DỊCH BỆNH, KẾT THÚC DỊCH BỆNH (Kèm theo Thông tư số\n"
            "15/2026/TT-BYT ngày 17 tháng 5 năm 2026 của Bộ trưởng Bộ Y tế)\n")
    assert title_from_text([text]) == "Mẫu thông tin có dịch bệnh, kết thúc dịch bệnh"


def test_english_text_is_titled_by_its_first_line():
    text = "The (quick) [brown] {fox} jumps!\nOver the $43,456.78 <lazy> #90 dog\n"
    assert title_from_text([text]) == "The (quick) [brown] {fox} jumps!"


def test_ingested_pdfs_are_never_titled_by_their_file_names(tmp_path, home):
    """GIVEN an appendix named 69-2026-tt-bca.pdf, a header-less decree whose PDF title is its
    file name, and the fixture form 15-2026-tt-byt.pdf WHEN they are ingested THEN each title
    comes from the text, marked as extracted."""
    folder = tmp_path / "in"
    _pdf(folder / "69-2026-tt-bca.pdf", APPENDIX)
    _pdf(folder / "27-2026-tt-bxd.pdf", HEADLESS, title="27-2026-tt-bxd")
    shutil.copy(FIXTURES / "documents" / "15-2026-tt-byt.pdf", folder)
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    appendix = run_json(home, "show", "69-2026-tt-bca.pdf")
    assert appendix["title"] == "Phụ lục: 09 biểu mẫu mới (chi tiết từng trường)"
    assert appendix["origins"]["title"] == "extracted"
    headless = run_json(home, "show", "27-2026-tt-bxd.pdf")
    assert headless["title"].startswith("Quy định phân cấp thẩm quyền của Bộ trưởng")
    form = run_json(home, "show", "15-2026-tt-byt.pdf")
    assert form["title"] == "Mẫu thông tin có dịch bệnh, kết thúc dịch bệnh"


def test_a_text_with_nothing_to_say_is_named_by_its_number(tmp_path, home):
    """GIVEN a blank form whose only words are dotted leaders WHEN it is ingested under a
    conventional file name THEN its title is the number that name spells, not the name."""
    folder = tmp_path / "in"
    _pdf(folder / "70-2026-tt-btc.pdf", "………………\n1. ………… 2. …………\n")
    assert run_cli(home, "ingest", str(folder)).exit_code == 0
    assert run_json(home, "show", "70-2026-tt-btc.pdf")["title"] == "Thông tư 70/2026/TT-BTC"


def test_a_manifest_title_still_wins(tmp_path, home):
    folder = tmp_path / "in"
    _pdf(folder / "69-2026-tt-bca.pdf", APPENDIX)
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["file", "title"], ["69-2026-tt-bca.pdf", "Biểu mẫu hộ chiếu"]])
    assert run_cli(home, "ingest", str(folder)).exit_code == 0
    item = run_json(home, "show", "69-2026-tt-bca.pdf")
    assert item["title"] == "Biểu mẫu hộ chiếu" and item["origins"]["title"] == "manifest"


def test_an_ocr_scan_is_titled_by_its_first_line(tmp_path, home):
    """GIVEN eurotext.tif (Tesseract's test page) WHEN it is ingested THEN its title is its
    first line as read, not "eurotext"."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "scans" / "eurotext.tif", folder)
    assert run_cli(home, "ingest", str(folder), "--lang", "eng").exit_code == 0
    title = run_json(home, "show", "eurotext.tif")["title"]
    assert title != "eurotext" and "quick" in title and "fox" in title
