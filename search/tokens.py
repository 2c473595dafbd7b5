"""Tokenize an item's text once, for both content fields and for its page positions.

>>> from search.analyzers import folded_analyzer
>>> [t.text for t in folded_analyzer()(tokenize_once("Lạng Sơn"))]
['lang', 'son']
"""
from __future__ import annotations

from .analyzers import _CHAR_MAP, Tokenized, _scan

__all__ = ["tokenize_once", "tokenize_pages"]


def tokenize_pages(texts: list[str]) -> tuple[Tokenized, list[int]]:
    """The texts joined by newlines, tokenized once, and the position at which each one starts.

    >>> body, starts = tokenize_pages(["Kế hoạch 51/KH-UBND", "谅山 Lạng Sơn"])
    >>> starts, [t[0] for t in body.tokens if t[1] == starts[1]]
    ([0, 5], ['谅山', '谅'])
    """
    tokens: list[tuple[str, int, int, int]] = []
    starts, pos, char = [], 0, 0
    for text in texts:
        part = tokenize_once(text, start_pos=pos, start_char=char)
        starts.append(pos)
        tokens.extend(part.tokens)
        pos, char = pos + part.width, char + len(text) + 1
    body = Tokenized("\n".join(texts))
    body.tokens, body.width = tuple(tokens), pos
    return body, starts


def tokenize_once(text: str, *, start_pos: int = 0, start_char: int = 0) -> Tokenized:
    """`text` with its raw index-mode tokens (before lowercasing or folding) attached."""
    found = tuple(_scan(text.translate(_CHAR_MAP), False, True, start_pos, start_char))
    out = Tokenized(text)
    out.tokens, out.width = found, (found[-1][1] + 1 - start_pos) if found else 0
    return out
