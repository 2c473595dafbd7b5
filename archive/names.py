r"""File names as the archive shows and stores them, whatever bytes they were made of.

A POSIX file name is bytes; Python hands names that are not valid UTF-8 over with surrogate
escapes (PEP 383), which SQLite, JSON and a terminal all refuse. The archive shows such a name
with each undecodable byte written as ``\xNN`` (two lower-case hex digits) and keeps the raw
bytes beside it in the catalog. A backslash run the name itself holds before ``x`` and two hex
digits, or before an undecodable byte, is doubled, so the escaping is reversible: two different
names never show the same. Every valid UTF-8 name without such a run is shown unchanged.

>>> display_name(os.fsdecode(b"bad\xff.txt"))
'bad\\xff.txt'
>>> os.fsencode(name_from_display("bad\\xff.txt"))
b'bad\xff.txt'
>>> display_name("Kế hoạch 51.pdf")
'Kế hoạch 51.pdf'
"""
from __future__ import annotations

import os
import re

__all__ = ["display_name", "name_from_display", "raw_name", "is_clean"]

_HEX = "0123456789abcdefABCDEF"
_RUN = re.compile(r"(\\+)(x[0-9a-fA-F]{2})?")


def is_clean(name: str) -> bool:
    """True when `name` holds no surrogate escape (it came from valid UTF-8)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display_name(name: str) -> str:
    r"""The printable, reversible form of a name from the file system (``\xNN`` for bad bytes)."""
    if is_clean(name) and "\\" not in name:
        return name  # the common case costs one encode
    out: list[str] = []
    i = 0
    while i < len(name):
        ch = name[i]
        if ch == "\\":
            j = i
            while j < len(name) and name[j] == "\\":
                j += 1
            run = name[i:j]
            nxt = name[j:j + 3]
            escapes_next = (j < len(name) and _is_bad(name[j])) or (
                len(nxt) == 3 and nxt[0] == "x" and nxt[1] in _HEX and nxt[2] in _HEX)
            out.append(run * 2 if escapes_next else run)
            i = j
        elif _is_bad(ch):
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def name_from_display(shown: str) -> str:
    """The file-system name (surrogate-escaped str) that `display_name` showed as `shown`."""
    if "\\" not in shown:
        return shown

    def undo(match: re.Match) -> str:
        slashes, hexpart = match.group(1), match.group(2)
        if not hexpart:
            return slashes
        if len(slashes) % 2 == 0:
            return slashes[: len(slashes) // 2] + hexpart
        return slashes[: len(slashes) // 2] + chr(0xDC00 + int(hexpart[1:], 16))

    return _RUN.sub(undo, shown)


def raw_name(name: str) -> bytes | None:
    """The raw bytes of a name that is not valid UTF-8 (what the catalog keeps), else None."""
    return None if is_clean(name) else os.fsencode(name)


def _is_bad(ch: str) -> bool:
    return "\udc80" <= ch <= "\udcff"
