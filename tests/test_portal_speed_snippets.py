"""Snippets from pages prepared once (issue 17): the same snippets, the page kept by its text.

`make_snippet` made each page one line, shrank its form leaders and folded it on every search;
the prepared page (`snippets._one_line`) is now kept by the page's text, bounded by characters.
"""
from __future__ import annotations

import pytest

from search import snippets as S
from search.marks import marks_of_words

# Pages with what the preparation touches: leaders and ellipses (with every kind of space
# between the dots), OCR line breaks, tabs, no-break and wide spaces, and nothing at all.
PAGES = [
    "",
    "   \n\t ",
    "Họ và tên ………… Lạng Sơn, ngày …… tháng …… năm 2017",
    "Số: 51/KH-UBND\nLạng Sơn, ngày 22 tháng 3 năm 2017\n\nKẾ HOẠCH\nThông tin đối ngoại",
    "Điểm . . . . . . thông tin\u00a0đối\u2003ngoại . .. ... tiếp",
    "dấu chấm.\n.\n. xuống dòng, hai chấm .. và một chấm. Lạng Sơn.",
    "tab\t.\t.\t. Lạng Sơn …\n… cuối",
    "không có dấu chấm nào Lạng Sơn thông tin",
    "…Lạng Sơn…",
    "谅山省 对外信息 ……… 谅山",
]


def _fresh(text: str) -> str:
    """The one-line page as make_snippet made it before pages were kept."""
    return " ".join(S._LEADERS.sub(S._ELLIPSIS, text).split())


@pytest.mark.parametrize("page", PAGES)
def test_prepared_page_is_the_one_line_text(page: str) -> None:
    assert S._one_line(page).text == _fresh(page)


@pytest.mark.parametrize("words", [["lang", "son"], ["Lạng", "Sơn"], ["thông", "tin"], ["谅山"],
                                   ["ngay"]])
def test_snippets_from_kept_pages_are_the_same(words: list[str]) -> None:
    marks = marks_of_words(words)
    for page in PAGES:
        first = S.make_snippet(page, marks)
        again = S.make_snippet(page, marks)  # from the kept page
        text = _fresh(page)
        expected = "" if not text else None
        if text:
            spans = S.find_marks(text, marks)  # no prepared page: folded here, as before
            begin, end = S.best_window(text, spans)
            body = S._marked(text, spans, begin, end)
            if begin and not text[begin:end].startswith(S._ELLIPSIS):
                body = f"{S._ELLIPSIS} {body}"
            if end < len(text) and not text[begin:end].rstrip().endswith(S._ELLIPSIS):
                body = f"{body} {S._ELLIPSIS}"
            expected = body
        assert first == again == expected


def test_a_page_is_prepared_once_and_an_edited_one_anew() -> None:
    page = "Kế hoạch thông tin đối ngoại tỉnh Lạng Sơn năm 2017 ………… (bản kiểm tra)"
    assert S._one_line(page) is S._one_line(page)
    marks = marks_of_words(["lang", "son"])
    assert "<mark>Lạng</mark> <mark>Sơn</mark>" in S.make_snippet(page, marks)
    edited = page.replace("Lạng Sơn", "Cao Bằng")
    assert S._one_line(edited) is not S._one_line(page)
    assert "<mark>" not in S.make_snippet(edited, marks)  # never the old page's snippet


def test_kept_pages_stay_within_their_bound() -> None:
    for n in range(3000):
        S._one_line(f"trang {n} " + "thông tin đối ngoại " * 40)
    assert S._pages_chars <= S._PAGES_KEPT_CHARS
    assert sum(len(raw) + 3 * len(p.text) for raw, p in S._pages.items()) == S._pages_chars


def test_a_huge_page_is_not_kept() -> None:
    huge = "Lạng Sơn " * (S._PAGES_KEPT_CHARS // 20)
    page = S._one_line(huge)
    assert page.text == _fresh(huge)
    assert huge not in S._pages
    assert S.make_snippet(huge, marks_of_words(["lang", "son"])).startswith("<mark>Lạng</mark>")
