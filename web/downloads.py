"""The Content-Disposition of a download, safe for any name an original arrived under."""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

__all__ = ["content_disposition"]

# Anything a header or an old browser's filename="..." cannot carry: controls (CR/LF end a
# header), quotes and backslashes (end or escape the quoted string), and non-ASCII.
_UNSAFE = re.compile(r'[^\x20-\x7e]|["\\;]')
# Controls are no part of a file name a browser should save under, even percent-encoded.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    """`attachment; filename="ASCII fallback"; filename*=UTF-8''percent-encoded` (RFC 6266/5987).

    >>> content_disposition("bad\\r\\nname.txt")
    'attachment; filename="bad__name.txt"; filename*=UTF-8\\'\\'bad__name.txt'
    >>> content_disposition("Kế hoạch.pdf")
    'attachment; filename="Ke hoach.pdf"; filename*=UTF-8\\'\\'K%E1%BA%BF%20ho%E1%BA%A1ch.pdf'
    """
    filename = _CONTROLS.sub("_", filename)
    # The fallback keeps Vietnamese readable without its tones ("Kế hoạch" -> "Ke hoach").
    bare = "".join(c for c in unicodedata.normalize("NFKD", filename)
                   if not unicodedata.combining(c))
    fallback = _UNSAFE.sub("_", bare).strip() or "download"
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
