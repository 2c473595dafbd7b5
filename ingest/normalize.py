"""Text normalization: NFC, and plain forms of the invisible characters real PDFs carry."""
from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_text", "strip_controls"]

_SOFT_HYPHEN = "\u00ad"
_LINE_END_SOFT_HYPHEN = re.compile("\u00ad\n(?=[a-zà-ỹđ])")
# No-break, narrow, figure, thin, hair, ideographic-free spaces and friends become a plain space.
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u2007]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# Dash variants between letters or digits (document numbers, compounds) become "-".
_JOINING_DASH = re.compile(r"(?<=\w)[\u2010\u2011\u2012\u2212\ufe63\uff0d](?=\w)")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
# C0 controls but tab and newline, DEL, and C1 controls: ESC (\x1b) in an EXIF artist reaches the
# terminal through `ttdn show`; NEL (\x85) is what Latin-1 makes of a stray UTF-8 byte.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def normalize_text(text: str) -> str:
    """Return `text` as NFC with soft hyphens dropped and odd spaces and joining dashes made plain.

    >>> normalize_text("S\u1ed1: 51/KH\u2011UBND\u00a0ng\u00e0y")
    'Số: 51/KH-UBND ngày'
    >>> normalize_text("51/2026/N\u0110\u00adCP; \u0110\u1ed9c l\u1eadp \u00ad T\u1ef1 do")
    '51/2026/NĐ-CP; Độc lập - Tự do'
    """
    text = unicodedata.normalize("NFC", text)
    # Real PDFs put a soft hyphen where the author typed a hyphen ("NĐ\u00adCP", "lập \u00ad Tự do");
    # only at a line end before a lower-case letter does it join a word split across lines.
    text = _LINE_END_SOFT_HYPHEN.sub("", text).replace(_SOFT_HYPHEN, "-")
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _JOINING_DASH.sub("-", text)
    text = _TRAILING_SPACE.sub("\n", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_controls(text: str) -> str:
    r"""Return `text` without C0/C1 control characters, keeping tab and newline.

    >>> strip_controls("Nguy\x1b[31mễn\x85 V\u0103n\tA\r\n")
    'Nguy[31mễn Văn\tA\n'
    """
    return _CONTROLS.sub("", text)
