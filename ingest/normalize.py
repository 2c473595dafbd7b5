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
# The characters each class above matches, spelled out for normalize_text's `in` and replace.
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_SPACE_CHARS = "\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u2007"
_DASH_CHARS = "\u2010\u2011\u2012\u2212\ufe63\uff0d"
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
    # A pattern runs only when a character it needs is there, and a class of single characters
    # is str.replace per character: `in` and replace run at memchr speed, while a character
    # class (or a look-behind) is tried at every position, ~0.3 ms a page, twice per page
    # (extraction, then the header's own pass).
    if _SOFT_HYPHEN in text:
        # Real PDFs put a soft hyphen where the author typed a hyphen ("NĐ\u00adCP", "lập \u00ad
        # Tự do"); only at a line end before a lower-case letter does it join a word split
        # across lines.
        text = _LINE_END_SOFT_HYPHEN.sub("", text).replace(_SOFT_HYPHEN, "-")
    for char in _ZERO_WIDTH_CHARS:  # as _ZERO_WIDTH.sub("", text), one character at a time
        if char in text:
            text = text.replace(char, "")
    for char in _SPACE_CHARS:  # as _SPACES.sub(" ", text): most pages hold a no-break space
        if char in text:
            text = text.replace(char, " ")
    if _has_any(text, _DASH_CHARS):
        text = _JOINING_DASH.sub("-", text)
    if " \n" in text or "\t\n" in text:  # a match ends in a space or tab, then a line end
        text = _TRAILING_SPACE.sub("\n", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _has_any(text: str, chars: str) -> bool:
    """Whether `text` holds one of `chars` (each looked for at memchr speed)."""
    return any(c in text for c in chars)


def strip_controls(text: str) -> str:
    r"""Return `text` without C0/C1 control characters, keeping tab and newline.

    >>> strip_controls("Nguy\x1b[31mễn\x85 V\u0103n\tA\r\n")
    'Nguy[31mễn Văn\tA\n'
    """
    return _CONTROLS.sub("", text)
