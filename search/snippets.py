"""Snippets and marked page text: escaped text, the query's matches in <mark>.

The matches are found on two copies of the page of the same length as it (so offsets stay
valid): a lowercased one for words typed with tones and a tone-folded one for the rest, with
the rule of ``marks.py`` (tone-exact words, runs of typed words, phrases, nothing negated):
whole words for Latin script, anywhere inside a run for CJK (bigrams sit inside longer runs).
A snippet is the ~240 characters matching the most distinct query clauses (then the most
matches), cut at spaces; its text is HTML-escaped and the matches wrapped in ``<mark>``; an
ellipsis says where it was cut, never twice, and dotted form leaders ("…………") shrink to one.
(Whoosh's highlighter, used before, tokenized every page it was given: two thirds of a
search's time.)
"""
from __future__ import annotations

import re
import sys
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache
from html import escape

from .analyzers import fold
from .marks import Alternative, Marks, is_wide, marks_of_words

__all__ = ["make_snippet", "mark_text", "best_window", "find_marks"]

_WINDOW = 240  # characters in a snippet
_BEFORE = 50  # of them before the first match
_PLAIN = 200  # characters shown when nothing matches on the page
_ELLIPSIS = "…"
# Code points as 4-byte units in the machine's order (array and numpy views of a text).
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
# Form leaders and OCR'd dot rows ("……….", ". . . ."), and ellipses with only spaces between.
_LEADERS = re.compile(r"(?:[.…](?:\s?[.…]){2,}|…)(?:\s*(?:[.…](?:\s?[.…]){2,}|…))*")
# In every match of _LEADERS (two dots or an ellipsis): a page without it is not searched.
_TWO_DOTS = re.compile(r"\.\s?\.")
_GAP = re.compile(r"(?:[^\w]|_){0,6}")  # what may separate the words of a phrase or run
# Dash and slash look-alikes, as the analyzers read them (one character for one).
_DASHES = {ord(c): "-" for c in "\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
_DASHES.update({ord(c): "/" for c in "\u2215\u2044\uff0f"})
_DASH_RE = re.compile("[" + "".join(map(chr, _DASHES)) + "]")

_Span = tuple[int, int, object]


def _fold_table() -> dict[int, str]:
    """One-character folds of Latin letters (and lowercasing), so a folded copy keeps offsets."""
    table = dict(_DASHES)
    # Folded in one call (a line each: nothing composes or reorders across a newline), as each
    # character alone would be: a fold per character cost ~40 ms of every process's start.
    chars = [chr(cp) for cp in range(0x00C0, 0x2000)]
    for char, folded in zip(chars, fold("\n".join(chars)).split("\n")):
        if len(folded) == 1 and folded != char:
            table[ord(char)] = folded
    return table


def _as_sequence(table: dict[int, str]) -> str:
    """The same one-character mapping as a string indexed by code point.

    ``str.translate`` looks a string up twice as fast as a dict; code points past its end
    are left as they are, as missing keys of the dict are.
    """
    identity = array("I", range(max(table) + 1)).tobytes().decode(_UTF32, "surrogatepass")
    pieces, at = [], 0
    for cp in sorted(table):
        pieces += [identity[at:cp], table[cp]]
        at = cp + 1
    return "".join(pieces) + identity[at:]


_FOLD_TABLE = _as_sequence(_fold_table())


def _same_length(text: str, table: dict[int, str] | str) -> str:
    """The text through `table`, lowercased, one character per character.

    >>> _same_length("Lạng Sơn – ĐÔNG", _FOLD_TABLE)
    'lang son - dong'
    """
    if table:
        text = text.translate(table)
    out = text.lower()
    if len(out) == len(text):
        return out
    # A letter whose lowercase is longer (İ): keep it as it is, so offsets stay valid.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_fold_array = None  # _FOLD_TABLE as a numpy array of code points, made on first use
# Pages folded by str.translate before numpy is imported for it: by then translate has cost
# about what importing numpy does (~0.1 s), so a long-lived process gains and a one-shot
# search (a few dozen pages) never pays the import.
_TRANSLATED_BEFORE_NUMPY = 1500
_translated = 0


def _folded_copy(text: str) -> str:
    """``_same_length(text, _FOLD_TABLE)``, through numpy once a process has loaded it.

    ``str.translate`` looks each character up one by one (~60 ns); a lookup in an array of
    the table's code points does a page three times faster.
    """
    global _fold_array, _translated
    numpy = sys.modules.get("numpy")
    if numpy is None and _translated >= _TRANSLATED_BEFORE_NUMPY:
        import numpy
    if numpy is None or not text:
        _translated += 1
        return _same_length(text, _FOLD_TABLE)
    if _fold_array is None:
        _fold_array = numpy.frombuffer(_FOLD_TABLE.encode(_UTF32, "surrogatepass"),
                                       dtype=numpy.uint32)
    table = _fold_array
    points = numpy.frombuffer(text.encode(_UTF32, "surrogatepass"), dtype=numpy.uint32)
    # Code points past the table's end stay as they are, as with str.translate.
    mapped = numpy.where(points < len(table), table[numpy.minimum(points, len(table) - 1)],
                         points)
    return _same_length(mapped.tobytes().decode(_UTF32, "surrogatepass"), "")


def _lower_dashes(text: str) -> str:
    """``_same_length(text, _DASHES)``, the dashes replaced by a pattern: ten times faster.

    >>> _lower_dashes("Nghị định – NĐ‐CP") == _same_length("Nghị định – NĐ‐CP", _DASHES)
    True
    """
    if _DASH_RE.search(text):
        text = _DASH_RE.sub(lambda m: _DASHES[ord(m.group())], text)
    return _same_length(text, {})


# -- finding the marks ---------------------------------------------------------------------------


def _word_keys(marks: Marks) -> frozenset[tuple[str, bool]]:
    return frozenset((fold(w), a.prefix) for c in marks.clauses for a in c.alternatives
                     for w in a.words)


def _pieces(folded: str, words: frozenset[tuple[str, bool]]) -> list[tuple[int, str]]:
    """(start, matched text) of each place one of the words (or prefixes) occurs, in order.

    Each word is found with ``str.find`` and its boundaries checked: a Latin word or number
    stands whole (no letter, digit or ``_`` on either side; a prefix runs on to the word's
    end), a CJK one matches anywhere, inside longer runs too. Where several words start at
    the same place, the longest typed word wins. (A pattern of all the words in a lookahead,
    tried at every character, found the same at several times the cost.)
    """
    ends: dict[int, int] = {}
    size = len(folded)
    for word, prefix, wide in _longest_first(words):
        at = folded.find(word)
        while at != -1:
            if (wide or at == 0 or not _is_word(folded[at - 1])) and at not in ends:
                end = at + len(word)
                if wide:
                    ends[at] = end
                elif prefix:
                    while end < size and _is_word(folded[end]):
                        end += 1
                    ends[at] = end
                elif end == size or not _is_word(folded[end]):
                    ends[at] = end
            at = folded.find(word, at + 1)
    return [(at, folded[at:ends[at]]) for at in sorted(ends)]


@lru_cache(maxsize=256)
def _longest_first(words: frozenset[tuple[str, bool]]) -> tuple[tuple[str, bool, bool], ...]:
    """(word, is_prefix, is_CJK) of each word, the longest first."""
    return tuple((word, prefix, is_wide(word))
                 for word, prefix in sorted(words, key=lambda wp: -len(wp[0])))


def _is_word(char: str) -> bool:
    """What ``\\w`` matches in a pattern: a letter, digit or underscore."""
    return char.isalnum() or char == "_"


_Key = tuple[str, bool, bool]  # (word, exact, prefix)


@lru_cache(maxsize=256)
def _lookup(marks: Marks) -> tuple[frozenset, tuple[_Key, ...], dict[str, list[_Key]],
                                   list[tuple[str, _Key]]]:
    """What finding the marks needs, worked out once per query, not once per page.

    The folded words to find, every (word, exact, prefix) key, the whole-word keys by folded
    form and the prefix keys with theirs: each match is looked up by its folded form (words
    folded once, not once per match); only prefixes are tried one by one.
    """
    wanted = tuple(dict.fromkeys((w, a.exact, a.prefix) for c in marks.clauses
                                 for a in c.alternatives for w in a.words))
    whole: dict[str, list[_Key]] = {}
    prefixes: list[tuple[str, _Key]] = []
    for key in wanted:
        if key[2]:
            prefixes.append((fold(key[0]), key))
        else:
            whole.setdefault(fold(key[0]), []).append(key)
    return _word_keys(marks), wanted, whole, prefixes


def _occurrences(text: str, marks: Marks, page: _Page | None = None
                 ) -> dict[_Key, list[tuple[int, int]]]:
    """Where each (word, exact, prefix) of the marks occurs, in text order.

    `page`: the text's prepared copies (``_Page``), kept between searches."""
    keys, wanted, whole, prefixes = _lookup(marks)
    if not keys:
        return {}
    folded = page.folded() if page is not None else _folded_copy(text)
    lower = None
    found: dict[_Key, list[tuple[int, int]]] = {key: [] for key in wanted}
    for start, piece in _pieces(folded, keys):
        end = start + len(piece)
        found_keys = whole.get(piece, ())
        if prefixes:
            found_keys = [*found_keys, *(key for folded_key, key in prefixes
                                         if piece.startswith(folded_key))]
        for key in found_keys:
            word, exact, prefix = key
            if exact:
                if lower is None:
                    lower = page.lower() if page is not None else _lower_dashes(text)
                seen = lower[start:end]
                if not (seen.startswith(word) if prefix else seen == word):
                    continue
            found[key].append((start, end))
    return found


def _chains(text: str, lists: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """(start, end) of each place where a span of every list follows the one before it."""
    if not lists or any(not spans for spans in lists):
        return []
    starts = [[s for s, _ in spans] for spans in lists]
    out = []
    for start, end in lists[0]:
        for spans, firsts in zip(lists[1:], starts[1:]):
            i = bisect_left(firsts, end)
            while i < len(firsts) and not _GAP.fullmatch(text, end, firsts[i]):
                if firsts[i] - end > 6:
                    i = len(firsts)
                    break
                i += 1
            if i == len(firsts):
                break
            end = spans[i][1]
        else:
            out.append((start, end))
    return out


def _alternative_spans(text: str, alt: Alternative, occ) -> list[tuple[int, int]]:
    if len(alt.words) > 1 and all(is_wide(w) for w in alt.words):
        joined = alt.words[0] + "".join(  # overlapping bigrams (谅山 山省) spell one run: 谅山省
            w[1:] if prev[1:] == w[:-1] else w for prev, w in zip(alt.words, alt.words[1:]))
        return [(m.start(), m.end()) for m in re.finditer(re.escape(joined), text.lower())]
    return _chains(text, [occ.get((w, alt.exact, alt.prefix), []) for w in alt.words])


def find_marks(text: str, marks: Marks, page: _Page | None = None) -> list[_Span]:
    """Merged (start, end, clause key) of what to mark in `text`, in text order.

    `page`: the text's prepared copies (``_Page``, whose ``text`` is `text`), if at hand."""
    occ = _occurrences(text, marks, page)
    spans: list[_Span] = []
    in_runs: set[int] = set()
    for number, run in enumerate(marks.runs):
        lists = [sorted(s for a in marks.clauses[i].alternatives
                        for s in occ.get((a.words[0], a.exact, a.prefix), []))
                 for i in run]
        found = _chains(text, lists)
        if found:
            in_runs.update(run)
            spans += [(s, e, ("run", number)) for s, e in found]
    for index, clause in enumerate(marks.clauses):
        for alt in clause.alternatives:
            if len(alt.words) == 1 and index in in_runs:
                continue  # its run occurs on this page: the word alone is another word
            spans += [(s, e, index) for s, e in _alternative_spans(text, alt, occ)]
    return _merge(spans)


def _merge(spans: list[_Span]) -> list[_Span]:
    merged: list[_Span] = []
    for start, end, key in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), merged[-1][2])
        else:
            merged.append((start, end, key))
    return merged


def _as_marks(words: Marks | Iterable[str]) -> Marks:
    return words if isinstance(words, Marks) else marks_of_words(words)


# -- snippets ------------------------------------------------------------------------------------


def best_window(text: str, spans: list[_Span]) -> tuple[int, int]:
    """(start, end) of the ~240-character passage matching the most distinct words, cut at spaces.

    >>> text = "x " * 300 + "Lạng Sơn"
    >>> start, end = best_window(text, [(600, 604, "lang")]); text[start:end][-8:]
    'Lạng Sơn'
    """
    if not spans:
        return 0, text.rfind(" ", 0, _PLAIN) if len(text) > _PLAIN and " " in text else _PLAIN
    best, score, j = spans[0][0], (0, 0), 0
    inside: dict[object, int] = {}
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


def _marked(text: str, spans: list[_Span], begin: int, end: int) -> str:
    """text[begin:end] escaped, the spans inside it in <mark>."""
    out, at = [], begin
    for start, stop, _key in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out += [escape(text[at:start]), "<mark>", escape(text[start:stop]), "</mark>"]
        at = stop
    out.append(escape(text[at:end]))
    return "".join(out)


def make_snippet(text: str, words: Marks | Iterable[str], analyzer=None) -> str:
    """The best passage of `text` for the query's marks (or loose words), escaped, in <mark>.

    >>> make_snippet("Hệ thống thông tin. Thống kê.", marks_of_words(["thong"]))
    'Hệ <mark>thống</mark> <mark>thông</mark> tin. <mark>Thống</mark> kê.'
    >>> make_snippet("Họ ………… tên ……", {"ten"})
    'Họ … <mark>tên</mark> …'
    """
    page = _one_line(text)
    text = page.text
    if not text:
        return ""
    spans = find_marks(text, _as_marks(words), page)
    begin, end = best_window(text, spans)
    body = _marked(text, spans, begin, end)
    if begin and not text[begin:end].startswith(_ELLIPSIS):
        body = f"{_ELLIPSIS} {body}"
    if end < len(text) and not text[begin:end].rstrip().endswith(_ELLIPSIS):
        body = f"{body} {_ELLIPSIS}"
    return body


class _Page:
    """A page's text as snippets read it, and its folded and lowercased copies once needed."""

    __slots__ = ("text", "_folded", "_lower")

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded: str | None = None
        self._lower: str | None = None

    def folded(self) -> str:
        """``_folded_copy(text)``: tones folded, lowercased, one character per character."""
        if self._folded is None:  # two threads may both fold: the same string either way
            self._folded = _folded_copy(self.text)
        return self._folded

    def lower(self) -> str:
        """``_lower_dashes(text)``: lowercased, dash look-alikes as ``-`` and ``/``."""
        if self._lower is None:
            self._lower = _lower_dashes(self.text)
        return self._lower


# Pages prepared for snippets, by their text as the catalog holds it: a results page makes
# snippets from a few dozen pages, and making one line of a page, shrinking its leaders and
# folding it cost more than finding the query's words in it. The same pages come back
# (common words, the next page of results, the HTML page and the API asking alike); the text
# itself is the key, so an edited page is prepared anew. Bounded by characters held.
_PAGES_KEPT_CHARS = 2_000_000  # a text and up to 3 copies: ~500 pages of 1,000 chars, ~4 MB
_pages: OrderedDict[str, _Page] = OrderedDict()
_pages_chars = 0
_pages_lock = threading.Lock()


def _one_line(raw: str) -> _Page:
    """The page as one line (OCR line breaks mean nothing here), leaders as one ellipsis each."""
    global _pages_chars
    with _pages_lock:
        page = _pages.get(raw)
        if page is not None:
            _pages.move_to_end(raw)
            return page
    text = _LEADERS.sub(_ELLIPSIS, raw) if "…" in raw or _TWO_DOTS.search(raw) else raw
    page = _Page(" ".join(text.split()))
    if 3 * len(page.text) + len(raw) > _PAGES_KEPT_CHARS // 8:
        return page  # a huge page would push out dozens of others
    with _pages_lock:
        if raw not in _pages:
            _pages[raw] = page
            _pages_chars += len(raw) + 3 * len(page.text)  # the copies it may come to hold
            while _pages_chars > _PAGES_KEPT_CHARS:
                old_raw, old = _pages.popitem(last=False)
                _pages_chars -= len(old_raw) + 3 * len(old.text)
    return page


def mark_text(text: str, words: Marks | Iterable[str]) -> str:
    """The whole text, escaped, line breaks kept, the query's matches in <mark>."""
    return _marked(text, find_marks(text, _as_marks(words)), 0, len(text))
