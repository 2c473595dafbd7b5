"""Snippets: a short passage of a page around the matched words, escaped, matches in <mark>.

The matches are found on a tone-folded copy of the page of the same length (so offsets stay
valid): whole words for Latin script, anywhere inside a run for CJK (bigrams sit inside longer
runs). The passage is the ~240 characters matching the most distinct query words (then the
most matches), cut at spaces; its text is
HTML-escaped and the matches wrapped in ``<mark>``. (Whoosh's highlighter, used before,
tokenized every page it was given: two thirds of a search's time.)
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import escape

from .analyzers import fold

__all__ = ["make_snippet", "best_window"]

_WINDOW = 240  # characters in a snippet
_BEFORE = 50  # of them before the first match
_PLAIN = 200  # characters shown when nothing matches on the page


def _fold_table() -> dict[int, str]:
    """One-character folds of Latin letters (and lowercasing), so a folded copy keeps offsets."""
    table = {}
    for cp in range(0x00C0, 0x2000):
        char = chr(cp)
        folded = fold(char)
        if len(folded) == 1 and folded != char:
            table[cp] = folded
    return table


_FOLD_TABLE = _fold_table()


def _same_length_fold(text: str) -> str:
    """A folded, lowercased copy of the text with one character per character.

    >>> _same_length_fold("Lạng Sơn – ĐÔNG")
    'lang son – dong'
    """
    return text.translate(_FOLD_TABLE).lower()


@lru_cache(maxsize=256)
def _words_re(words: frozenset[str]) -> re.Pattern | None:
    """Any of the folded words, whole (CJK ones anywhere: they sit inside longer runs)."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        if not word:
            continue
        wide = unicodedata.east_asian_width(word[0]) in "WF"
        parts.append(re.escape(word) if wide else rf"(?<!\w){re.escape(word)}(?!\w)")
    # In a lookahead, so that overlapping matches (谅山, 山省) are all found.
    return re.compile(f"(?=({'|'.join(parts)}))") if parts else None


def _spans(folded: str, words: frozenset[str]) -> list[tuple[int, int, str]]:
    """Merged (start, end, word) of every match of the words in the folded text."""
    pattern = _words_re(words)
    merged: list[tuple[int, int, str]] = []
    for match in pattern.finditer(folded) if pattern else ():
        start, end = match.start(), match.start() + len(match.group(1))
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), merged[-1][2])
        else:
            merged.append((start, end, match.group(1)))
    return merged


def best_window(text: str, spans: list[tuple[int, int, str]]) -> tuple[int, int]:
    """(start, end) of the ~240-character passage matching the most distinct words, cut at spaces.

    >>> text = "x " * 300 + "Lạng Sơn"
    >>> start, end = best_window(text, [(600, 604, "lang")]); text[start:end][-8:]
    'Lạng Sơn'
    """
    if not spans:
        return 0, text.rfind(" ", 0, _PLAIN) if len(text) > _PLAIN and " " in text else _PLAIN
    best, score, j = spans[0][0], (0, 0), 0
    inside: dict[str, int] = {}
    for i, (start, _, word) in enumerate(spans):  # slide a window over the matches
        inside[word] = inside.get(word, 0) + 1
        while spans[j][0] < start - (_WINDOW - _BEFORE * 2):
            gone = spans[j][2]
            inside[gone] -= 1
            if not inside[gone]:
                del inside[gone]
            j += 1
        if (len(inside), i - j + 1) > score:
            best, score = spans[j][0], (len(inside), i - j + 1)
    begin = max(0, best - _BEFORE)
    if begin:
        begin = text.find(" ", begin, best) + 1 or begin
    end = min(len(text), begin + _WINDOW)
    if end < len(text):
        end = text.rfind(" ", max(best + 1, begin), end) if " " in text[best:end] else end
    return begin, max(end, min(len(text), best + 1))


def make_snippet(text: str, words: set[str], analyzer=None) -> str:
    """The best passage of `text` for the query words (folded), HTML-escaped with <mark> tags."""
    text = " ".join(text.split())  # a snippet is one line: OCR line breaks mean nothing here
    if not text:
        return ""
    spans = _spans(_same_length_fold(text), frozenset(fold(w) for w in words))
    begin, end = best_window(text, spans)
    out, at = [], begin
    for start, stop, _word in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out += [escape(text[at:start]), "<mark>", escape(text[start:stop]), "</mark>"]
        at = stop
    out.append(escape(text[at:end]))
    return ("… " if begin else "") + "".join(out) + (" …" if end < len(text) else "")
