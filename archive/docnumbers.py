"""The matching key of a Vietnamese document number, so citations find the documents they name."""
from __future__ import annotations

import re
import unicodedata

__all__ = ["doc_number_key"]

_DASHES = re.compile("[\u00ad\u2010-\u2015\u2212\ufe63\uff0d]")
_SPACES = re.compile(r"\s+")


def doc_number_key(number: str) -> str:
    """Fold a document number to the form citations are matched by.

    >>> doc_number_key("244/2026/NĐ\u2013CP") == doc_number_key("244 / 2026 / nd-cp")
    True
    >>> doc_number_key("51/KH-UBND")
    '51/KH-UBND'
    """
    text = unicodedata.normalize("NFC", number).replace("Ð", "Đ").replace("đ", "Đ")
    text = _SPACES.sub("", _DASHES.sub("-", text)).replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text)
                       if not unicodedata.combining(c))
    return stripped.upper()
