"""What a search changed for the reader: a quote or parenthesis closed, a year range swapped.

A notice, like a :class:`archive.errors.QuerySyntaxError`, carries an English ``msgid`` (a
%-style template marked with :func:`N_` where it is written, so that pybabel's default keywords
extract it) and its ``params``: the CLI and the API print ``message``, the portal renders
``gettext(msgid) % params`` in the reader's language.

>>> Notice("years-swapped", N_("From %(low)s to %(high)s"), {"low": 1940, "high": 1950}).message
'From 1940 to 1950'
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

__all__ = ["Notice", "N_", "swap_years"]


def N_(msgid: str) -> str:
    """Mark a message for translation where it is written; it stays English here."""
    return msgid


@dataclass(frozen=True)
class Notice:
    """One thing the search did differently from what was typed, and why."""

    code: str  # a short machine-readable tag, e.g. "quote-closed"
    msgid: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The notice in English."""
        return self.msgid % self.params if self.params else self.msgid

    def to_dict(self) -> dict[str, str]:
        """The JSON shape: ``{"code", "message"}``."""
        return {"code": self.code, "message": self.message}


def swap_years(request, notices: list[Notice]):
    """The request with a reversed from/to year range put the right way round (and said so)."""
    low, high = request.year_from, request.year_to
    if low is None or high is None or low <= high:
        return request
    notices.append(Notice("years-swapped", N_(
        "The years were the wrong way round: searched from %(low)s to %(high)s"),
        {"low": high, "high": low}))
    return replace(request, year_from=high, year_to=low)
