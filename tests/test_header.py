"""Tests for ingest.metadata: headers, signatures and citations of Vietnamese administrative documents.

Real material from the evaluation set, as kept in the repository: the province's 2017 plan
(exact text and a web copy with markdown, tests/fixtures/) and the 13 born-digital decrees and
circulars of corpus/documents and tests/fixtures/documents, whose text layers carry soft hyphens,
no-break spaces, HTML line breaks and OCR noise. The same figures over all 39 documents of
the evaluation set are bench/header_accuracy.py's.
"""
from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pymupdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.metadata.citations import find_citations, normalize_doc_number
from ingest.metadata.header import DocumentHeader, read_document, read_header

from .conftest import CORPUS, FIXTURES, SEED
from .conftest import TRUTH as TRUTH_DIR

TRUTH = TRUTH_DIR / "truth.json"
KH51_TEXT = TRUTH_DIR / "kh-51-ubnd-2017-lang-son.gt.txt"
# Where the evaluation set's born-digital documents are kept in the repository.
DOCUMENT_FOLDERS = (CORPUS / "documents", FIXTURES / "documents")


@dataclass
class Expected:
    """One born-digital document's truth: the four fields the header must give exactly."""

    key: str
    doc_number: str
    issued: str
    issuer: str
    doc_type: str
    header_visible: bool


def _docx_pages(path: Path) -> list[str]:
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return ["\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs)]


def _pages(path: Path) -> list[str]:
    if path.suffix == ".docx":
        return _docx_pages(path)
    with pymupdf.open(path) as doc:
        return [page.get_text() for page in doc]


def _kept(key: str) -> Path | None:
    name = key.removeprefix("documents/")
    return next((folder / name for folder in DOCUMENT_FOLDERS if (folder / name).exists()), None)


def _born_digital() -> Iterator[tuple[Expected, Path]]:
    for key, v in json.loads(TRUTH.read_text(encoding="utf-8")).items():
        if key.startswith("documents/") and v.get("doc_number") and (path := _kept(key)):
            expected = Expected(key, v["doc_number"], v["issued"], v["issuer"], v["type"],
                                v.get("header_visible", True))
            yield expected, path


@pytest.fixture(scope="module")
def corpus() -> list[tuple[Expected, DocumentHeader]]:
    """Every born-digital document of truth.json kept in the repository, read once."""
    return [(e, read_document(_pages(path))) for e, path in _born_digital()]


@pytest.fixture(scope="module")
def kh51() -> DocumentHeader:
    return read_header(KH51_TEXT.read_text(encoding="utf-8"))


def _by_key(corpus: list[tuple[Expected, DocumentHeader]], name: str) -> DocumentHeader:
    return next(header for expected, header in corpus if expected.key.endswith(name))


# --- the province's plan -------------------------------------------------------------------------


def test_plan_header_from_exact_text(kh51: DocumentHeader) -> None:
    assert kh51.doc_number == "51/KH-UBND"
    assert kh51.issued == "2017-03-22"
    assert kh51.place == "Lạng Sơn"
    assert kh51.doc_type == "Kế hoạch"
    # The header carries no issuer line: it comes from KH-UBND and the body's "UBND tỉnh Lạng Sơn".
    assert kh51.issuer == "UBND tỉnh Lạng Sơn"
    assert kh51.title == "Hoạt động thông tin đối ngoại năm 2017 trên địa bàn tỉnh Lạng Sơn"


def test_plan_signature_and_recipients(kh51: DocumentHeader) -> None:
    assert kh51.signer == "Hồ Tiến Thiệu"
    assert kh51.signer_capacity == "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"
    assert kh51.recipients[0] == "Các Bộ: Thông tin và TT, Ngoại giao"
    assert "UBND các huyện, thành phố" in kh51.recipients
    assert not any(r.startswith("Lưu") for r in kh51.recipients)


def test_plan_citations_exclude_its_own_number(kh51: DocumentHeader) -> None:
    cited = {c.doc_number: c for c in kh51.citations}
    circular = cited["22/2016/TT-BTTTT"]
    assert (circular.doc_type, circular.issued, circular.issuer) == (
        "Thông tư", "2016-10-19", "Bộ Thông tin và Truyền thông"
    )
    assert circular.text.startswith("Thông tư số 22/2016/TT-BTTTT ngày 19/10/2016")
    letter = cited["3737/BTTTT-TTĐN"]
    assert (letter.doc_type, letter.issued) == ("Công văn", "2016-10-25")
    assert cited["72/2015/NĐ-CP"].issued == "2015-09-07"
    assert "51/KH-UBND" not in cited


@pytest.mark.parametrize("seed", sorted(SEED.glob("*.txt")), ids=lambda p: p.name)
def test_plan_web_copy_with_markdown(seed: Path) -> None:
    """GIVEN the plan as a web copy ("Số: **51** /KH-UBND") WHEN read THEN the same header comes out."""
    header = read_header(seed.read_text(encoding="utf-8"))
    assert (header.doc_number, header.issued, header.issuer, header.doc_type) == (
        "51/KH-UBND", "2017-03-22", "UBND tỉnh Lạng Sơn", "Kế hoạch"
    )
    assert header.signer == "Hồ Tiến Thiệu"


# --- born-digital decrees and circulars --------------------------------------------------------

FIELDS = ("doc_number", "issued", "issuer", "doc_type")


def _same(field: str, got: str | None, want: str) -> bool:
    if field == "doc_number":
        return normalize_doc_number(got or "") == normalize_doc_number(want)
    return (got or "").casefold() == want.casefold()


def test_every_visible_header_is_read_exactly(corpus: list[tuple[Expected, DocumentHeader]]) -> None:
    """Per-field accuracy over the kept born-digital documents whose header is visible: 100 %."""
    visible = [(e, h) for e, h in corpus if e.header_visible]
    misses = [
        f"{e.key} {f}: got {getattr(h, f)!r}, want {getattr(e, f)!r}"
        for e, h in visible
        for f in FIELDS
        if not _same(f, getattr(h, f), getattr(e, f))
    ]
    assert len(visible) >= 10
    assert misses == []


def test_hidden_headers_fall_back_on_the_appendix_and_enacting_clause(
    corpus: list[tuple[Expected, DocumentHeader]],
) -> None:
    """GIVEN documents rendered without their header WHEN read THEN what the body says is used.

    15/2026/TT-BYT and 19/2026/TT-BNNMT name themselves in an appendix heading ("(Kèm theo Thông tư
    số …)"); 193/2026/NĐ-CP only in its enacting clause, and its "ban hành kèm theo Nghị định số
    254/2025/NĐ-CP" inside a sentence must not be taken for its own number.
    """
    rule = _by_key(corpus, "15-2026-tt-byt.pdf")
    assert (rule.doc_number, rule.issued, rule.issuer) == ("15/2026/TT-BYT", "2026-05-17", "Bộ Y tế")
    land = _by_key(corpus, "19-2026-tt-bnnmt.pdf")
    assert (land.doc_number, land.issuer) == ("19/2026/TT-BNNMT", "Bộ Nông nghiệp và Môi trường")
    settlement = _by_key(corpus, "193-2026-nd-cp.pdf")
    assert settlement.doc_number is None
    assert (settlement.issuer, settlement.doc_type) == ("Chính phủ", "Nghị định")


def test_titles_and_signatures_of_real_decrees(corpus: list[tuple[Expected, DocumentHeader]]) -> None:
    spokesman = _by_key(corpus, "244-2026-nd-cp.pdf")
    assert spokesman.title == (
        "Quy định chi tiết việc phát ngôn và cung cấp thông tin cho báo chí của các cơ quan hành chính nhà nước"
    )
    # An upper-case trích yếu comes back in sentence case.
    customs = _by_key(corpus, "169-2026-nd-cp.pdf")
    assert customs.title == "Quy định xử phạt vi phạm hành chính trong lĩnh vực hải quan"
    interior = _by_key(corpus, "06-2026-tt-bnv.pdf")
    assert (interior.signer, interior.signer_capacity) == ("Đỗ Thanh Bình", "BỘ TRƯỞNG")
    assert interior.recipients[0] == "Ban Bí thư Trung ương Đảng"
    police = _by_key(corpus, "56-2026-tt-bca.pdf")
    assert police.signer == "Lương Tam Quang"  # printed "Đại tướng Lương Tam Quang"
    veterinary = _by_key(corpus, "204-2026-nd-cp.pdf")
    assert veterinary.signer_capacity == "TM. CHÍNH PHỦ KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG"
    health = _by_key(corpus, "06-2026-tt-byt.pdf")
    assert "Ban Bí thư Trung ương Đảng" in health.recipients  # a one-paragraph Nơi nhận


# --- OCR noise ---------------------------------------------------------------------------------

PLAN_HEAD = "Lạng Sơn, ngày 22 tháng 3 năm 2017\nKẾ HOẠCH\nHoạt động thông tin đối ngoại\nThực hiện …"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"Sô: 51 /KH-UBND\n{PLAN_HEAD}", id="So-with-circumflex-and-space"),
        pytest.param(f"S6: 51/KH-UBND\n{PLAN_HEAD}", id="S6"),
        pytest.param(f"SỐ: 51/KH–UBND\n{PLAN_HEAD}", id="upper-SO-en-dash"),
        pytest.param(f"„ —_ „ Số:51/KH-UBND {PLAN_HEAD}", id="number-and-date-on-one-line"),
        pytest.param("So: 51/KH-UBND\nLang Son, ngay 22 thang 3 nam 2017\nKE HOACH\nHoat dong", id="no-diacritics"),
        pytest.param(f"Số: 51/KH-UBND\n{PLAN_HEAD}".replace("ngày", "ngảy").replace("năm", "nắm"), id="vowel-swaps"),
        pytest.param(unicodedata.normalize("NFD", f"Số: 51/KH-UBND\n{PLAN_HEAD}"), id="decomposed"),
        pytest.param(f"Số: **51** /KH-UBND\n\n{PLAN_HEAD}", id="markdown"),
    ],
)
def test_noisy_plan_headers(text: str) -> None:
    header = read_header(text)
    assert normalize_doc_number(header.doc_number or "") == "51/KH-UBND"
    assert header.issued == "2017-03-22"
    assert header.doc_type == "Kế hoạch"
    assert header.issuer in ("UBND tỉnh Lạng Sơn", "UBND tỉnh Lang Son")


def test_look_alike_d_and_broken_header_diacritics() -> None:
    text = "CHÍNH PHÙ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 244/2026/N\u00d0-CP Hà Nội, ngày 26 tháng 6 năm 2026\nNGHI ĐINH\n"
    header = read_header(text + "Quy định chi tiết việc phát ngôn\nCăn cứ Luật Báo chí;")
    assert header.doc_number == "244/2026/NĐ-CP"
    assert (header.issuer, header.doc_type, header.place) == ("Chính phủ", "Nghị định", "Hà Nội")
    assert header.title == "Quy định chi tiết việc phát ngôn"


def test_two_line_council_header_and_a_missing_slash() -> None:
    text = "ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN\nSố: 12/2017QĐ-UBND\nLạng Sơn, ngày 5 tháng 1 năm 2017\nQUYẾT ĐỊNH\nVề việc x"
    header = read_header(text)
    assert (header.doc_number, header.issuer, header.doc_type) == ("12/2017/QĐ-UBND", "UBND tỉnh Lạng Sơn", "Quyết định")


def test_official_letter_takes_its_title_from_vv() -> None:
    text = (
        "BỘ THÔNG TIN VÀ TRUYỀN THÔNG\nSố: 3737/BTTTT-TTĐN\nV/v hướng dẫn xây dựng kế hoạch\n"
        "công tác thông tin đối ngoại năm 2017\nHà Nội, ngày 25 tháng 10 năm 2016\nKính gửi: UBND các tỉnh"
    )
    header = read_header(text)
    assert (header.doc_type, header.issuer) == ("Công văn", "Bộ Thông tin và Truyền thông")
    assert header.title == "Hướng dẫn xây dựng kế hoạch công tác thông tin đối ngoại năm 2017"


def test_issuer_and_type_from_the_number_alone() -> None:
    header = read_header("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 08/2026/TT-BKHCN\nHà Nội, ngày 31 tháng 3 năm 2026")
    assert (header.issuer, header.doc_type) == ("Bộ Khoa học và Công nghệ", "Thông tư")


# --- numbers and citations ---------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["51/kh-ubnd", "51 / KH - UBND", "51/KH–UBND", "51/KH\u2011UBND", " 51/KH-UBND "])
def test_normalize_doc_number_agrees(raw: str) -> None:
    assert normalize_doc_number(raw) == "51/KH-UBND"


def test_normalize_doc_number_unifies_d_look_alikes() -> None:
    assert normalize_doc_number("244/2026/N\u00d0-CP") == normalize_doc_number("244/2026/nđ-cp") == "244/2026/NĐ-CP"


@pytest.mark.parametrize(
    ("phrase", "number", "doc_type", "issued", "issuer"),
    [
        ("Thông tư số 22/2016/TT-BTTTT ngày 19/10/2016 của Bộ Thông tin và Truyền thông",
         "22/2016/TT-BTTTT", "Thông tư", "2016-10-19", "Bộ Thông tin và Truyền thông"),
        ("Nghị định 72/2015/NĐ-CP, ngày 07/9/2015", "72/2015/NĐ-CP", "Nghị định", "2015-09-07", "Chính phủ"),
        ("Công văn số 3737/BTTTT-TTĐN ngày 25/10/2016", "3737/BTTTT-TTĐN", "Công văn", "2016-10-25",
         "Bộ Thông tin và Truyền thông"),
        ("Luật Viễn thông số 24/2023/QH15", "24/2023/QH15", "Luật", None, "Quốc hội"),
        ("Quyết định số 33/2025/QĐ-TTg ngày 15 tháng 9 năm 2025 của Thủ tướng Chính phủ",
         "33/2025/QĐ-TTG", "Quyết định", "2025-09-15", "Thủ tướng Chính phủ"),
        ("Thông tư 70/2026/TT-BTC", "70/2026/TT-BTC", "Thông tư", None, "Bộ Tài chính"),
    ],
)
def test_find_citations(phrase: str, number: str, doc_type: str, issued: str | None, issuer: str) -> None:
    (citation,) = find_citations(f"Căn cứ {phrase}; xây dựng kế hoạch như sau.")
    assert (citation.doc_number, citation.doc_type, citation.issued, citation.issuer) == (
        number, doc_type, issued, issuer
    )
    assert citation.text == phrase


def test_find_citations_skips_own_number_and_forms() -> None:
    text = "Số: 51/KH-UBND\nThực hiện Kế hoạch số 49/KH-UBND; lập theo Mẫu số 01/TCD ban hành kèm theo."
    assert [c.doc_number for c in find_citations(text)] == ["49/KH-UBND"]


# --- nothing escapes ---------------------------------------------------------------------------

_PIECES = st.sampled_from(
    ["Số: ", "Sô:", "51", "/", "KH", "-", "–", "UBND", "Ð", "ngày ", "22 tháng 3 năm 2017", "\n", " ",
     "Nơi nhận:", "- ", "KT. CHỦ TỊCH", "Hồ Tiến Thiệu", "(Kèm theo Thông tư số ", "V/v ", "NGHỊ ĐỊNH",
     "CỘNG HÒA XÃ HỘI", "<br>", "**", "\u00ad", "\u0300", "…", "(1)", "Luật ", " số "]
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_PIECES, max_size=60).map("".join) | st.text(max_size=200), st.lists(st.text(max_size=80), max_size=3))
def test_no_input_raises(text: str, pages: list[str]) -> None:
    assert isinstance(read_header(text), DocumentHeader)
    assert isinstance(read_document([text, *pages]), DocumentHeader)
    assert isinstance(find_citations(text), list)
    normalize_doc_number(text)


def test_empty_and_odd_inputs() -> None:
    assert read_header("") == DocumentHeader()
    assert read_document([]) == DocumentHeader()
    assert read_document("Số: 51/KH-UBND").doc_number == "51/KH-UBND"  # a bare string is one page
    assert find_citations("") == []
