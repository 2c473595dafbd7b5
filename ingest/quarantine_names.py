"""Names for quarantine copies: short, safe on any file system, distinct when cut."""
from __future__ import annotations

import hashlib
import re

__all__ = ["safe_name"]

_UNSAFE = re.compile(r"[^\w.\-]+")
_NAME_BYTES = 100  # quarantine copies: far under the 255-byte limit, with ".reason.txt" added


def safe_name(name: str) -> str:
    """A short name for a quarantine copy: letters, digits, '._-' only, at most 100 bytes."""
    safe = _UNSAFE.sub("_", name).lstrip(".") or "file"
    if len(safe.encode()) <= _NAME_BYTES:
        return safe
    stem, dot, ext = safe.rpartition(".")
    ext = dot + ext if dot and len(ext) <= 10 else ""
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]  # keeps cut names apart
    keep = _NAME_BYTES - len(ext) - len(digest) - 1
    cut = (stem if ext else safe).encode()[:keep].decode("utf-8", "ignore")
    return f"{cut}-{digest}{ext}"
