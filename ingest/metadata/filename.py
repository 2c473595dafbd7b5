"""A document number read from a file name that follows the office convention ("70-2026-tt-btc")."""
from __future__ import annotations

import re

from .vocab import ISSUER_BY_CODE, TYPE_BY_CODE

__all__ = ["number_from_filename"]

# File names lose the letter đ: the codes that carry it get it back.
_WITH_D = {"ND": "NĐ", "QD": "QĐ", "HD": "HĐ", "BGDDT": "BGDĐT", "HDND": "HĐND", "TTDN": "TTĐN"}
_NUMBER_YEAR_TYPE_ISSUER = re.compile(r"^(\d{1,5})-((?:19|20)\d\d)-([a-z]{2,5})-([a-z]{2,10})$")
_TYPE_NUMBER_ISSUER = re.compile(r"^([a-z]{2,5})-(\d{1,5})-([a-z]{2,10})(?:-|$)")


def _code(text: str) -> str:
    upper = text.upper()
    return _WITH_D.get(upper, upper)


def number_from_filename(stem: str) -> str | None:
    """The number a conventional file name spells, when its codes are known ones.

    >>> number_from_filename("70-2026-tt-btc")
    '70/2026/TT-BTC'
    >>> number_from_filename("kh-51-ubnd-2017-lang-son")
    '51/KH-UBND'
    >>> number_from_filename("anh-cua-khau-huu-nghi-2017") is None
    True
    """
    stem = stem.lower()
    if m := _NUMBER_YEAR_TYPE_ISSUER.match(stem):
        number, year, kind, issuer = m.groups()
        if kind.upper() in TYPE_BY_CODE and issuer.upper() in ISSUER_BY_CODE:
            return f"{number}/{year}/{_code(kind)}-{_code(issuer)}"
    if m := _TYPE_NUMBER_ISSUER.match(stem):
        kind, number, issuer = m.groups()
        if kind.upper() in TYPE_BY_CODE and issuer.upper() in ISSUER_BY_CODE:
            return f"{number}/{_code(kind)}-{_code(issuer)}"
    return None
