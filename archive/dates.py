"""Dates as people write them on the forms, read into the one form the catalog stores.

Accepted: `22/3/2017`, `22-3-2017`, `22.3.2017`, `ngày 22 tháng 3 năm 2017` (accents optional),
`2017-03-22`, `3/2017`, `tháng 3 năm 2017`, `2017`, `c. 1838` (also `khoảng 1838`, `ca. 1838`),
`1944/1945` and `1944-1945`. Stored as ISO (`2017-03-22`, `2017-03`, `2017`), `c. 1838` and
`1944/1945`. Anything else, or a day that is not in the calendar, is refused with a DateError
naming what is wrong, so a form never says "saved" over `ngày 32 tháng 13`.

>>> [normalize_date(t) for t in ("22/3/2017", "ngày 22 tháng 3 năm 2017", "2017", "c. 1838")]
['2017-03-22', '2017-03-22', '2017', 'c. 1838']
>>> normalize_date("1944-1945"), normalize_date("tháng 3 năm 2017")
('1944/1945', '2017-03')
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from .errors import UsageError

__all__ = ["DATE_FIELDS", "DateError", "normalize_date"]

# Item fields holding a date or a period (issued: the document's date; date: Dublin Core's).
DATE_FIELDS = frozenset({"issued", "date", "period"})
_MIN_YEAR, _MAX_YEAR = 1000, 2100


class DateError(UsageError):
    """A date that cannot be read; `problem` says which part (for a translated message)."""

    def __init__(self, message: str, *, problem: str, text: str, field: str = "date") -> None:
        super().__init__(message)
        self.problem = problem  # format | day | month | year | range
        self.text = text
        self.field = field


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower().strip()


_N = r"(\d{1,4})"
_PATTERNS = (
    ("ymd", re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")),
    ("dmy", re.compile(rf"(?:ngay\s*)?{_N}\s*(?:thang|/|-|\.)\s*{_N}\s*(?:nam|/|-|\.)\s*{_N}")),
    ("range", re.compile(r"(\d{4})\s*(?:/|-|–|—)\s*(\d{4})")),
    ("my", re.compile(rf"(?:thang\s*)?{_N}\s*(?:nam|/|-|\.)\s*(\d{{4}})")),
    ("ym", re.compile(r"(\d{4})-(\d{1,2})")),
    ("approx", re.compile(r"(?:c\.|ca\.|circa|khoang|khoang nam|~)\s*(\d{4})")),
    ("year", re.compile(r"(?:nam\s*)?(\d{4})")),
)


def _year(text: str, raw: str) -> int:
    year = int(text)
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise DateError(f"{raw!r}: the year {year} is not between {_MIN_YEAR} and {_MAX_YEAR}",
                        problem="year", text=raw)
    return year


def _month(text: str, raw: str) -> int:
    month = int(text)
    if not 1 <= month <= 12:
        raise DateError(f"{raw!r}: there is no month {month}; a month is 1 to 12",
                        problem="month", text=raw)
    return month


def _day(year: int, month: int, text: str, raw: str) -> str:
    try:
        return date(year, month, int(text)).isoformat()
    except ValueError:
        raise DateError(f"{raw!r}: day {int(text)} is not in month {month} of {year}",
                        problem="day", text=raw) from None


def normalize_date(text: str, *, field: str = "date") -> str:
    """The stored form of a date typed on a form; DateError (a UsageError) when unreadable."""
    raw = " ".join((text or "").split())
    folded = _fold(raw).rstrip(".")
    for name, pattern in _PATTERNS:
        found = pattern.fullmatch(folded)
        if found:
            try:
                return _read(name, found.groups(), raw)
            except DateError as err:
                err.field = field
                raise
    raise DateError(f"{raw!r} is not a date the {field} field can read; write it as 22/3/2017, "
                    "ngày 22 tháng 3 năm 2017, 3/2017, 2017, c. 1838 or 1944/1945",
                    problem="format", text=raw, field=field)


def _read(name: str, groups: tuple[str, ...], raw: str) -> str:
    if name == "dmy":
        day, month, year = groups
        year_n = _year(year, raw)
        return _day(year_n, _month(month, raw), day, raw)
    if name == "ymd":
        year, month, day = groups
        year_n = _year(year, raw)
        return _day(year_n, _month(month, raw), day, raw)
    if name in ("my", "ym"):
        month, year = groups if name == "my" else groups[::-1]
        return f"{_year(year, raw):04d}-{_month(month, raw):02d}"
    if name == "range":
        first, last = (_year(y, raw) for y in groups)
        if last < first:
            raise DateError(f"{raw!r}: a period ends after it starts", problem="range", text=raw)
        return f"{first}/{last}"
    if name == "approx":
        return f"c. {_year(groups[0], raw)}"
    return str(_year(groups[0], raw))
