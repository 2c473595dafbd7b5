"""Template filters: highlighted snippets built from escaped text, dates and numbers per locale."""
from __future__ import annotations

import html
import re
from datetime import date, datetime

from flask import Flask
from babel.dates import format_skeleton
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from markupsafe import Markup, escape

from .i18n import interface_locale
from .labels import DUBLIN_CORE, field_groups, label, language_name

__all__ = ["highlight", "local_date", "local_datetime", "file_size", "init_filters"]

_MARK = re.compile(r"(</?mark>)")
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def highlight(snippet: str | None) -> Markup:
    """A search snippet as markup where only <mark> and </mark> survive; all else is text.

    The search layer escapes snippets already; this does not trust that: every piece between
    the tags is unescaped once and escaped again, so stray markup can never become live.
    >>> str(highlight('a <mark>b</mark> &lt;i&gt; <script>'))
    'a <mark>b</mark> &lt;i&gt; &lt;script&gt;'
    """
    out, open_ = [], False
    for part in _MARK.split(snippet or ""):
        if part == "<mark>" and not open_:
            out.append("<mark>")
            open_ = True
        elif part == "</mark>" and open_:
            out.append("</mark>")
            open_ = False
        elif part not in ("<mark>", "</mark>"):
            out.append(str(escape(html.unescape(part))))
    if open_:
        out.append("</mark>")
    return Markup("".join(out))


# Dates as shown, by (ISO value, locale): a results page shows a date per hit, mostly the same
# few, and Babel formats one in ~60 µs. Emptied when full (a few thousand distinct dates).
_DATES: dict[tuple[str, str], str] = {}
_DATES_KEPT = 4096


def local_date(value: str | None) -> str:
    """An ISO date (2017-03-22, 2017-03) in the reader's format; anything else as written."""
    if not value:
        return ""
    key = (value, str(interface_locale()))
    shown = _DATES.get(key)
    if shown is None:
        shown = _format_date(value)
        if len(_DATES) >= _DATES_KEPT:
            _DATES.clear()
        _DATES[key] = shown
    return shown


def _format_date(value: str) -> str:
    try:
        if _FULL_DATE.fullmatch(value):
            return format_date(date.fromisoformat(value), "medium")
        if m := _MONTH.fullmatch(value):
            return format_skeleton("yMMMM", date(int(m[1]), int(m[2]), 1),
                                   locale=get_locale())
    except ValueError:
        pass
    return value


def local_datetime(value: str | None) -> str:
    """An ISO timestamp in the reader's format and the archive's time zone."""
    if not value:
        return ""
    try:
        return format_datetime(datetime.fromisoformat(value), "medium")
    except ValueError:
        return value


def file_size(size: int | None) -> str:
    """Bytes as kB/MB with the reader's decimal mark."""
    if size is None:
        return ""
    for unit, factor in (("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= factor:
            return f"{format_decimal(round(size / factor, 1))} {unit}"
    return f"{format_decimal(size)} B"


def number(value) -> str:
    """A count with the reader's digit grouping; counts under 1000 have none in vi, en or zh.

    Pages show dozens of facet counts: Babel's formatter costs ~30 µs a call, str() nothing.
    """
    if isinstance(value, int) and 0 <= value < 1000:
        return str(value)
    return format_decimal(value)


def init_filters(app: Flask) -> None:
    """Register the filters and label helpers with Jinja."""
    app.jinja_env.filters.update(highlight=highlight, local_date=local_date,
                                 local_datetime=local_datetime, file_size=file_size,
                                 number=number, percent=format_percent)
    app.jinja_env.globals.update(label=label, language_name=language_name,
                                 field_groups=field_groups, dublin_core=DUBLIN_CORE)
