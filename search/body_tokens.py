"""An item's body tokenized straight into its positions by word, for indexing.

``tokens.tokenize_pages`` makes a token tuple (text, position, start, end) per word and
``TokenizedPositions`` then groups their positions by lowercased word: two passes, and a tuple
per word that indexing never reads again (a fifth of an ingest commit). :func:`tokenize_body`
groups while it scans (``_scan_grouped``): the same grouping, in the same order, and
the same token tuples, made only if something asks for them.

>>> body, starts = tokenize_body(["Kế hoạch 51/KH-UBND", "谅山 Lạng Sơn"])
>>> starts, body._lower_positions["kh"], [t[0] for t in body.tokens if t[1] == starts[1]]
([0, 5], [3], ['谅山', '谅'])
"""
from __future__ import annotations

import unicodedata

from .analyzers import _CHAR_MAP, _TOKEN_RE, Tokenized, _cjk_pieces, _word_pieces
from .tokens import tokenize_once

__all__ = ["tokenize_body"]


def _scan_grouped(text: str, pos: int, by_word: dict[str, list[int]]) -> int:
    """`_scan` in index mode folded into `_lower_positions`: each token's position appended
    under its lowercased text, in token order, with no token tuple made; the next position.

    What indexing a pre-tokenized body needs (TokenizedPositions reads only the grouping), in
    one pass instead of two. A text that is NFC as a whole is NFC in every run it holds.
    """
    nfc = unicodedata.is_normalized("NFC", text)
    is_normalized, get = unicodedata.is_normalized, by_word.get
    # findall's (cjk, word) pairs, not match objects: no offsets are needed here. A group that
    # took part in a match is never empty, so `word` is true exactly when the word group matched.
    for cjk, word in _TOKEN_RE.findall(text):
        if word:
            if "-" not in word and "/" not in word and (nfc or is_normalized("NFC", word)):
                low = word.lower()
                known = get(low)
                if known is None:
                    by_word[low] = [pos]
                else:
                    known.append(pos)
                pos += 1
                continue
            pieces, width = _word_pieces(word, False)
        else:
            pieces, width = _cjk_pieces(cjk, True)
        for piece, rel, _start, _end in pieces:
            low = piece.lower()
            known = get(low)
            if known is None:
                by_word[low] = [pos + rel]
            else:
                known.append(pos + rel)
        pos += width
    return pos


_MAPPED = {chr(cp): out for cp, out in _CHAR_MAP.items() if out != chr(cp)}
_MAPPED_KEYS = frozenset(_MAPPED)
assert _MAPPED_KEYS.isdisjoint(_MAPPED.values())  # one pass per character gives translate's


def _map_chars(text: str) -> str:
    """``text.translate(_CHAR_MAP)``, 3x faster on a page: translate looks every character up
    in a dict; a page holds few of the mapped ones, each replaced at memchr speed."""
    for char in set(text) & _MAPPED_KEYS:
        text = text.replace(char, _MAPPED[char])
    return text


class _Grouped(Tokenized):
    """A body whose positions were grouped by lowercased word as it was scanned."""

    @property
    def tokens(self) -> tuple[tuple[str, int, int, int], ...]:
        """The raw tokens, as ``tokens.tokenize_pages`` gives them; made on first use."""
        made = self.__dict__.get("_tokens")
        if made is None:
            found: list[tuple[str, int, int, int]] = []
            pos = char = 0
            for text in self._texts:
                part = tokenize_once(text, start_pos=pos, start_char=char)
                found.extend(part.tokens)
                pos, char = pos + part.width, char + len(text) + 1
            made = self._tokens = tuple(found)
        return made


def tokenize_body(texts: list[str]) -> tuple[Tokenized, list[int]]:
    """``tokens.tokenize_pages(texts)``: the joined body and each text's first position."""
    by_word: dict[str, list[int]] = {}
    starts, pos = [], 0
    for text in texts:
        starts.append(pos)
        pos = _scan_grouped(_map_chars(text), pos, by_word)
    body = _Grouped("\n".join(texts))
    body._texts, body.width, body._lower_positions = list(texts), pos, by_word
    return body, starts
