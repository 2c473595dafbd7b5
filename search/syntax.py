"""The search box's vocabulary: field names and values in Vietnamese and English, years, dates.

>>> field_name("Ngôn_ngữ"), alias(KINDS, "bản đồ", "loai", ""), str(year_query("1940s"))
('languages', 'map', '(year:[1940 TO 1949] OR (period_from:[ TO 1949] AND period_to:[1940 TO ]))')
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from whoosh.query import And, NumericRange, Or, Prefix, Query, TermRange

from archive.errors import QuerySyntaxError
from search.analyzers import fold
from search.notices import N_, Notice

__all__ = ["field_name", "alias", "year_query", "date_query", "int_value", "key", "KINDS",
           "LANGUAGES", "ACCESS", "FIELD_HELP"]


def _aliases(table: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Invert {canonical: spellings} into {key: canonical}."""
    return {key(s): canonical for canonical, spellings in table.items()
            for s in (canonical, *spellings)}


def key(text: str) -> str:
    """Compare names and values without tones, case, spaces or underscores."""
    return re.sub(r"[\W_]+", "", fold(text))


_FIELD_NAMES = _aliases({
    "kind": ("loai",), "languages": ("ngon_ngu", "lang", "language"),
    "doc_number": ("so", "doc", "so_hieu", "number"), "year": ("nam",),
    "issuer": ("co_quan", "co_quan_ban_hanh"), "doc_type": ("loai_vb", "loai_van_ban"),
    "collection": ("bo_suu_tap",), "lead_unit": ("don_vi", "don_vi_chu_tri"),
    "places": ("dia_danh", "place"), "subjects": ("chu_de", "subject"),
    "title": ("tieu_de",), "content": ("noi_dung", "text"), "date": ("ngay",),
    "access": ("truy_cap",),
})
FIELD_HELP = ("loai/kind, ngon_ngu/lang, so/doc, nam/year, co_quan/issuer, loai_vb/doc_type, "
               "bo_suu_tap/collection, don_vi/lead_unit, dia_danh/place, chu_de/subject, "
               "tieu_de/title, noi_dung/content, ngay/date, truy_cap/access")
KINDS = _aliases({
    "document": ("tai_lieu", "van_ban", "doc"), "map": ("ban_do",),
    "photo": ("anh", "hinh", "hinh_anh", "image"),
    "publication": ("an_pham", "xuat_ban", "to_roi", "to_gap", "leaflet"),
    "video": ("phim", "dvd"), "audio": ("am_thanh", "ghi_am"), "other": ("khac",),
})
LANGUAGES = _aliases({
    "vi": ("vie", "viet", "tieng_viet"), "en": ("eng", "anh", "tieng_anh", "english"),
    "zh": ("chi", "zho", "trung", "tieng_trung", "hoa", "chinese"),
    "ja": ("jpn", "nhat", "tieng_nhat", "japanese"), "ko": ("kor", "han", "tieng_han", "korean"),
    "fr": ("fra", "fre", "phap", "tieng_phap", "french"),
})
ACCESS = _aliases({"public": ("cong_khai",), "internal": ("noi_bo",),
                    "restricted": ("han_che", "mat")})
_YEAR = re.compile(r"(\d{1,4})?(\.\.|-)(\d{1,4})?|(\d{1,4})")
_DECADE = re.compile(r"(\d{3})0s")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def int_value(text: str, field: str) -> int:
    """A year-like number for a NUMERIC field (0–9999; the index holds 32-bit ints)."""
    if not re.fullmatch(r"\d{1,4}", text.strip()):
        raise QuerySyntaxError(N_('"%(field)s" needs a year such as 1945, not "%(text)s"'),
                               field=field, text=text)
    return int(text)


def field_name(typed: str) -> str:
    """The schema field a typed name (Vietnamese or English, any case or tone) stands for."""
    name = _FIELD_NAMES.get(key(typed))
    if name is None:
        raise QuerySyntaxError(N_('Unknown field "%(typed)s:"; fields are %(fields)s'),
                               typed=typed, fields=FIELD_HELP)
    return name


def alias(table: Mapping[str, str], text: str, field: str, choices: str) -> str:
    """The canonical value for a typed one, e.g. loai:bando → map."""
    value = table.get(key(text))
    if value is None:
        raise QuerySyntaxError(N_('Unknown value "%(text)s" for %(field)s: use one of '
                                  '%(choices)s'), text=text, field=field, choices=choices)
    return value


def year_query(text: str, notices: list[Notice] | None = None) -> Query:
    """A year, decade or range (1945, 1940s, 1800..1900, 1940-1950, 1940.., ..1950).

    A reversed range is an error, or, given a list of notices, swapped with a notice.
    """
    decade = _DECADE.fullmatch(text.strip())
    if decade:
        text = f"{decade.group(1)}0..{decade.group(1)}9"
    match = _YEAR.fullmatch(text.strip())
    if match is None or not any(match.group(1, 3, 4)):
        raise QuerySyntaxError(N_('nam: needs a year or a range such as 1800..1900, '
                                  'not "%(text)s"'), text=text)
    low, high = (match.group(4),) * 2 if match.group(4) else match.group(1, 3)
    low, high = int(low or 1), int(high or 9999)  # 0 means "unknown year" in the index
    if low > high and notices is None:
        raise QuerySyntaxError(N_('nam: the range "%(text)s" ends before it starts'), text=text)
    if low > high:
        low, high = high, low
        notices.append(Notice("years-swapped", N_(
            'nam: the range "%(text)s" ended before it started: searched %(low)s..%(high)s'),
            {"text": text, "low": low, "high": high}))
    overlaps = And([NumericRange("period_from", None, high), NumericRange("period_to", low, None)])
    return Or([NumericRange("year", low, high), overlaps])


def date_query(text: str, notices: list[Notice] | None = None) -> Query:
    """An ISO date or its prefix (2017, 2017-03, 2017-03-22), or a range of them with "..".

    A reversed range is put the right way round (with a notice, given a list of them).
    """
    low, _, high = text.strip().partition("..")
    if not all(_DATE.fullmatch(d) for d in (low, high) if d) or not (low or high):
        raise QuerySyntaxError(N_('ngay: needs a date such as 2017-03-22, 2017-03 or 2017, '
                                  'not "%(text)s"'), text=text)
    if ".." not in text:
        return Prefix("date", low)
    if low and high and low > high:
        low, high = high, low
        if notices is not None:
            notices.append(Notice("dates-swapped", N_(
                'ngay: the range "%(text)s" ended before it started: searched %(low)s..%(high)s'),
                {"text": text.strip(), "low": low, "high": high}))
    return TermRange("date", low or None, (high + "\uffff") if high else None)
