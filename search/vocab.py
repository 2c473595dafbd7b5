"""Autocomplete vocabulary: the words and word pairs an item contributes, per access level.

Each entry is one term of the ``vocab`` field: ``level|folded|display`` (``public|thong tin|thông
tin``). Searching a prefix of ``level|folded`` finds completions typed with or without tones;
the document frequency of the entry counts the items of that level holding it, so the searcher
ranks suggestions by how many items *the audience may see* use them, and never offers a word
that occurs only in items it may not see. Words are Latin-script runs of 2–24 letters (CJK is
left to title completion); pairs are two such words separated by one space.

>>> sorted(vocab_terms("public", "Lạng Sơn", ["Tỉnh Lạng Sơn, tỉnh Lạng Sơn."]))[:4]
['public|lang son|lạng sơn', 'public|lang|lạng', 'public|son|sơn', 'public|tinh lang|tỉnh lạng']
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from .analyzers import fold

__all__ = ["vocab_terms", "vocab_key", "SEPARATOR"]

SEPARATOR = "|"
_MIN_COUNT = 2  # body words and pairs seen once are too often OCR noise to suggest
_CJK = "\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uff9f"
_LETTERS = rf"[^\W\d_{_CJK}]"
# Patterns, compiled at first use (re's cache): a search imports this module for vocab_key only.
_WORD = rf"(?<!\w){_LETTERS}{{2,24}}(?!\w)"
# A word followed by one space and another word; the lookahead lets pairs overlap.
_PAIR = rf"(?<!\w)({_LETTERS}{{2,24}}) (?=({_LETTERS}{{2,24}})(?!\w))"


def vocab_key(level: str, folded: str) -> str:
    """The term prefix under which completions of `folded` are listed for one access level."""
    return f"{level}{SEPARATOR}{folded}"


def _count(texts: Iterable[str]) -> Counter:
    """Lowercased words and pairs of words in these texts, with their counts.

    What ``re.findall(_WORD, low)`` and ``_PAIR`` find, from one split into word runs: a word
    is a whole run of 2-24 letters, a pair two such runs with one space between. The look-
    arounds made those scans try every position (a third of an ingest commit).
    """
    counts: Counter = Counter()
    letters = re.compile(rf"{_LETTERS}{{2,24}}").fullmatch
    known: dict[str, bool] = {}
    for text in texts:
        parts = _RUNS.split(unicodedata.normalize("NFC", text).lower())
        words, pairs, last = [], [], None  # last: the run just before, if it was a word
        for i in range(0, len(parts), 2):  # runs at even places, what separates them between
            run = parts[i]
            word = known.get(run)
            if word is None:
                word = known[run] = letters(run) is not None
            if word:
                words.append(run)
                if last is not None and parts[i - 1] == " ":
                    pairs.append(f"{last} {run}")
            last = run if word else None
        counts.update(words)
        counts.update(pairs)
    return counts


_RUNS = re.compile(r"(\W+)")  # split: word runs (maybe empty at the ends) and separators


def vocab_terms(level: str, title: str, texts: Iterable[str]) -> set[str]:
    """The vocab entries of one item: title words and pairs, and body ones seen twice or more."""
    chosen = set(_count([title or ""]))
    chosen.update(w for w, n in _count(texts).items() if n >= _MIN_COUNT)
    return {f"{vocab_key(level, fold(w))}{SEPARATOR}{w}" for w in chosen}
