"""Analyzers for Vietnamese text with Chinese, Japanese, Korean, English and French mixed in.

Every analyzer starts from NFC, so text typed or extracted in NFD finds the same terms. The
exact analyzers keep Vietnamese tones (ký ≠ kỳ), the folded ones drop them (and map đ→d) for
users who type without diacritics; the schema indexes both and the parser ranks exact higher.
There are no stop words anywhere: English lists drop "an", as in "an ninh" (security).
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate, chain
from operator import sub
from pickle import dumps, loads

from whoosh.analysis import (
    Analyzer,
    Filter,
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    Token,
    Tokenizer,
)
from whoosh.formats import Positions
from whoosh.system import pack_uint

# The classes are public because Whoosh pickles them into the index's schema: renaming or
# moving one makes existing indexes unreadable until `ttdn reindex`.
__all__ = [
    "ArchiveTokenizer",
    "Tokenized",
    "TokenizedPositions",
    "vocab_analyzer",
    "DocNumberTokenizer",
    "FoldFilter",
    "LabelFilter",
    "fold",
    "normalize_label",
    "exact_analyzer",
    "folded_analyzer",
    "docnumber_analyzer",
    "label_analyzer",
    "keyword_analyzer",
    "language_analyzer",
]

# Han, kana and Hangul (with conjoining jamo, so NFD Korean is caught before NFC recomposes it).
_CJK = (
    "\u1100-\u11ff\u3005-\u3007\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
# Combining marks that NFD text carries after its base letter (Python's \w does not match them).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_LETTER = rf"[^\W_{_CJK}]"
_RUN = rf"{_LETTER}(?:{_LETTER}|[{_MARKS}])*"
# The tokens: a CJK run (with the marks NFD text puts after its characters), or a letter/digit
# run and the compounds it heads (244/2026/NĐ-CP). Compiling it costs ~20 ms, because sre walks
# every BMP code point of each of the six CJK classes in Python: a one-shot `ttdn search` only
# tokenizes its query and the gazetteer's names, so short texts use _SHORT_PATTERN below.
_TOKEN_PATTERN = rf"(?P<cjk>[{_CJK}](?:[{_CJK}]|[{_MARKS}])*)|(?P<word>{_RUN}(?:[-/]{_RUN})*)"
# The same tokens (tests/test_lean_startup.py compares the two), written with two CJK
# classes instead of six: C(C|M)* as (CM*)+; RUN([-/]RUN)* as L M*([-/]?L M*)*; and the first
# letter of a word needs no CJK exclusion, since the cjk branch was tried at that character
# first. A third of the compile, but slower per character (more steps in its loop), so pages
# keep the first pattern.
_SHORT_PATTERN = (rf"(?P<cjk>(?:[{_CJK}][{_MARKS}]*)+)"
                  rf"|(?P<word>[^\W_][{_MARKS}]*(?:[-/]?{_LETTER}[{_MARKS}]*)*)")
_SHORT_TEXT = 256  # characters up to which a text is scanned with the short pattern
_SEP_RE = re.compile(r"[-/]")
_VI_MARKS_RE = re.compile("[\u0300-\u036f]")


def _char_map() -> dict[int, str]:
    """One-to-one replacements (offsets stay valid): dash and slash look-alikes, Ð, fullwidth."""
    dashes = "\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
    table = {ord(c): "-" for c in dashes}  # soft hyphens stand for hyphens in the corpus PDFs
    table.update({ord(c): "/" for c in "\u2215\u2044\uff0f"})
    # Ð (U+00D0, Icelandic eth) stands in for Đ in text converted from old Vietnamese encodings.
    table.update({0x00D0: "\u0110", 0x00F0: "\u0111"})
    table.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)})
    table.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF21, 0xFF3B)})
    table.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF41, 0xFF5B)})
    return table


_CHAR_MAP = _char_map()
_FOLD_MAP = str.maketrans({"đ": "d", "Đ": "D", "\u00d0": "D", "\u00f0": "d"})


def fold(text: str) -> str:
    """Strip Vietnamese (Latin) diacritics, map đ→d, lowercase; CJK is left as it is.

    >>> fold("Lạng Sơn"), fold("Đồng Đăng"), fold("谅山 서울")
    ('lang son', 'dong dang', '谅山 서울')
    """
    if text.isascii():
        return text.lower()
    if len(text) <= _SHORT:  # a word or a pair: the same ones come back item after item
        return _fold_short(text)
    return _fold(text)


def _fold(text: str) -> str:
    # Only U+0300–U+036F is dropped: Japanese voicing marks (が = か + U+3099) must survive.
    bare = _VI_MARKS_RE.sub("", unicodedata.normalize("NFD", text.translate(_FOLD_MAP)))
    return unicodedata.normalize("NFC", bare).lower()


_SHORT = 48  # characters up to which folds are remembered (every vocab entry of an item)
_fold_short = lru_cache(maxsize=1 << 15)(_fold)  # ~9 MB when full
_fold_token = lru_cache(maxsize=1 << 16)(fold)


def normalize_label(text: str) -> str:
    """Normalize a facet label or keyword for matching: NFC, folded, single spaces, "_" as space.

    >>> normalize_label("  Bộ Tài   chính "), normalize_label("so_ngoai_vu")
    ('bo tai chinh', 'so ngoai vu')
    """
    text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP).replace("_", " ")
    return " ".join(fold(text).split())


def _nfc(run: str) -> tuple[str, list[int] | None]:
    """NFC of a run and, when that changes it, the NFC length of each prefix (to map offsets)."""
    if unicodedata.is_normalized("NFC", run):
        return run, None
    lengths = [len(unicodedata.normalize("NFC", run[:k])) for k in range(len(run) + 1)]
    return unicodedata.normalize("NFC", run), lengths


def _offset(lengths: list[int] | None, j: int) -> int:
    """Offset in the original run of NFC index j (start of a char, or end when j is an end)."""
    return j if lengths is None else bisect_right(lengths, j) - 1


class ArchiveTokenizer(Tokenizer):
    """Letter/digit runs, doc-number compounds and CJK character bigrams, all NFC.

    A compound such as ``244/2026/NĐ-CP`` is emitted whole at the position of its first part,
    then its parts at consecutive positions, so phrases over the parts still match. In query
    mode only the compound is emitted (the parser adds a phrase of the parts as a fallback).
    CJK runs give overlapping bigrams at consecutive positions; at index time each character is
    also emitted as a unigram at its own position, so a one-character query (山) finds it.
    """

    def __init__(self, unigrams: bool = True) -> None:
        self.unigrams = unigrams

    def __call__(  # noqa: PLR0913 - Whoosh's tokenizer protocol
        self, value: str, positions: bool = False, chars: bool = False,
        keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
        start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if isinstance(value, Tokenized) and tokenize and mode != "query":
            for word, pos, start, end in value.tokens:
                yield _emit(t, word, start_pos + pos, start_char + start, start_char + end,
                            keeporiginal)
            return
        text = value.translate(_CHAR_MAP)
        if not tokenize:
            text = unicodedata.normalize("NFC", text)
            yield _emit(t, text, start_pos, start_char, start_char + len(value), keeporiginal)
            return
        query = mode == "query"
        for word, pos, start, end in _scan(text, query, self.unigrams and not query, start_pos,
                                           start_char):
            yield _emit(t, word, pos, start, end, keeporiginal)


def _scan(text: str, query: bool, unigrams: bool, pos: int,
          start_char: int) -> list[tuple[str, int, int, int]]:
    """The tokenizer's work: (text, position, start, end) of each token of a mapped text."""
    # A list, not a generator: every caller keeps all the tokens, and this loop runs for
    # every token of every page indexed.
    out: list[tuple[str, int, int, int]] = []
    append, is_normalized = out.append, unicodedata.is_normalized
    pattern = _token_re() if len(text) > _SHORT_TEXT else _short_re()
    for match in pattern.finditer(text):
        word = match.group()
        # The common case (a plain NFC word) is inlined.
        if match.lastgroup == "word" and "-" not in word and "/" not in word \
                and is_normalized("NFC", word):
            at = start_char + match.start()
            append((word, pos, at, at + len(word)))
            pos += 1
            continue
        at = start_char + match.start()
        if match.lastgroup == "cjk":
            pieces, width = _cjk_pieces(word, unigrams)
        else:
            pieces, width = _word_pieces(word, query)
        for piece, rel, start, end in pieces:
            append((piece, pos + rel, at + start, at + end))
        pos += width
    return out


@lru_cache(maxsize=None)
def _token_re() -> re.Pattern:
    """The token pattern, compiled at the first long text (or use of ``_TOKEN_RE``)."""
    return re.compile(_TOKEN_PATTERN)


@lru_cache(maxsize=None)
def _short_re() -> re.Pattern:
    """The short texts' pattern, compiled at the first short text."""
    return re.compile(_SHORT_PATTERN)


def __getattr__(name: str):
    # PEP 562: `_TOKEN_RE` (search.body_tokens scans pages with it) compiled on first use.
    if name == "_TOKEN_RE":
        return _token_re()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_Piece = tuple[str, int, int, int]  # text, position offset, start and end offsets in the match


class Tokenized(str):
    """Text carrying its index-mode tokens, so the exact and folded fields tokenize it once.

    Made by ``search.tokens.tokenize_pages``; the tokenizer replays the tokens instead of
    scanning the text again.
    """

    tokens: tuple[tuple[str, int, int, int], ...]  # raw text, position, start and end chars
    width: int  # positions the text takes (the next text would start there)


def _emit(t: Token, text: str, pos: int, start: int, end: int, keep: bool) -> Token:
    """Fill the reused token (Whoosh's tokenizers reuse one Token object for speed)."""
    t.text, t.boost, t.stopped = text, 1.0, False
    if keep:
        t.original = text
    if t.positions:
        t.pos = pos
    if t.chars:
        t.startchar, t.endchar = start, end
    return t


def _word_pieces(word: str, query: bool) -> tuple[list[_Piece], int]:
    """A run or compound: the compound whole at its first part's position, then the parts."""
    pieces = [(_nfc(word)[0], 0, 0, len(word))]
    if query or not _SEP_RE.search(word):
        return pieces, 1
    offset = 0
    for rel, part in enumerate(_SEP_RE.split(word)):
        pieces.append((_nfc(part)[0], rel, offset, offset + len(part)))
        offset += len(part) + 1
    return pieces, len(pieces) - 1


def _cjk_pieces(run: str, unigrams: bool) -> tuple[list[_Piece], int]:
    """Overlapping bigrams (and unigrams when asked); a lone character stays itself."""
    norm, lengths = _nfc(run)
    n, pieces = len(norm), []
    for i in range(n):
        start = _offset(lengths, i)
        if i + 1 < n:
            pieces.append((norm[i:i + 2], i, start, _offset(lengths, i + 2)))
        if n == 1 or unigrams:
            pieces.append((norm[i], i, start, _offset(lengths, i + 1)))
    return pieces, n


class TokenizedPositions(Positions):
    """Positions read straight from a :class:`Tokenized` value, lowercased or folded.

    The content fields' format: the same postings their analyzer would give, without building
    a token object per word twice (a quarter of the indexing time). Other values go through
    the analyzer as usual.
    """

    def __init__(self, field_boost: float = 1.0, folded: bool = False, **options) -> None:
        super().__init__(field_boost=field_boost, **options)
        self.folded = folded

    def word_values(self, value, analyzer, **kwargs):
        """(word, frequency, weight, encoded positions) for each distinct word."""
        if not isinstance(value, Tokenized):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        # The exact field groups positions by lowercased word in one pass over the tokens,
        # kept on the value; the folded field folds each distinct lowercased word once
        # (fold(w) == fold(w.lower()) for every character) and pools the forms that meet
        # (lạng, làng), sorted back into token order. A word with one form reuses its encoded
        # positions: most Vietnamese syllables are the only form of their folded word.
        lowered, encoded = _lower_positions(value), value.__dict__.setdefault("_encoded", {})
        boost = self.field_boost
        if not self.folded:
            for word, positions in lowered.items():
                data = encoded.get(word)
                if data is None:
                    data = encoded[word] = _encode_positions(positions)
                yield word, len(positions), len(positions) * boost, data
            return
        forms: dict[str, list[str]] = {}
        for low in lowered:
            word = _fold_token(low)
            if word:
                known = forms.get(word)
                if known is None:
                    forms[word] = [low]
                else:
                    known.append(low)
        for word, lows in forms.items():
            if len(lows) == 1:
                positions = lowered[lows[0]]
                data = encoded.get(lows[0])
                if data is None:
                    data = encoded[lows[0]] = _encode_positions(positions)
            else:
                positions = sorted(chain.from_iterable(lowered[low] for low in lows))
                data = _encode_positions(positions)
            yield word, len(positions), len(positions) * boost, data

    def decode_positions(self, valuestring: bytes) -> list[int]:
        """The positions of a posting (Whoosh's own decoding, with a C-speed running sum)."""
        if not valuestring.endswith(b"."):
            valuestring += b"."  # Whoosh strips pickle's STOP opcode when it writes
        return list(accumulate(loads(valuestring[4:])))


def _lower_positions(value: Tokenized) -> dict[str, list[int]]:
    """The positions of each lowercased token, in token order; computed once per value."""
    grouped = value.__dict__.get("_lower_positions")
    if grouped is None:
        by_word: defaultdict[str, list[int]] = defaultdict(list)
        for text, pos, _start, _end in value.tokens:
            by_word[text.lower()].append(pos)
        grouped = value._lower_positions = dict(by_word)
    return grouped


def _encode_positions(positions: list[int]) -> bytes:
    """Whoosh's ``Positions.encode``, byte for byte: the count, then the pickled deltas."""
    return pack_uint(len(positions)) + dumps(list(map(sub, positions, [0, *positions])), 2)


class FoldFilter(Filter):
    """Folds each token with :func:`fold`, dropping tokens that fold to nothing."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = _fold_token(t.text)
            if t.text:
                yield t


class LabelFilter(Filter):
    """Normalizes whole labels with :func:`normalize_label`, dropping empty ones."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = normalize_label(t.text)
            if t.text:
                yield t


def exact_analyzer() -> Analyzer:
    """NFC, lowercase, diacritics kept; compounds, CJK bigrams; no stop words.

    >>> [t.text for t in exact_analyzer()("Lạng Sơn: an ninh, 244/2026/NĐ-CP")]
    ['lạng', 'sơn', 'an', 'ninh', '244/2026/nđ-cp', '244', '2026', 'nđ', 'cp']
    >>> [t.text for t in exact_analyzer()("谅山省 서울", mode="query")]
    ['谅山', '山省', '서울']
    """
    return ArchiveTokenizer() | LowercaseFilter()


def folded_analyzer() -> Analyzer:
    """The exact analyzer's tokens, folded (no tones, đ→d).

    >>> [t.text for t in folded_analyzer()("Đồng Đăng ICD-10")]
    ['dong', 'dang', 'icd-10', 'icd', '10']
    """
    return ArchiveTokenizer() | FoldFilter()


class _Whole:
    """The whole value, shaped like a regex match (for ``tokenize=False``)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def group(self) -> str:
        return self.text

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.text)


class DocNumberTokenizer(Tokenizer):
    """One token per document number; numbers in one value are separated by ";", "," or lines."""

    _SPLIT = re.compile(r"[^;,\n]+")
    _PREFIX = re.compile(r"^(?:số|so|no|n°|№)\s*[:.]?\s*(?=\d)", re.IGNORECASE)
    _AROUND = re.compile(r"\s*([-/])\s*")

    def __call__(  # noqa: PLR0913 - Whoosh's tokenizer protocol
        self, value: str, positions: bool = False, chars: bool = False,
        keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
        start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = unicodedata.normalize("NFC", value).translate(_CHAR_MAP)
        pieces = self._SPLIT.finditer(text) if tokenize else [_Whole(text)]
        pos = start_pos
        for piece in pieces:
            number = self.normalize(piece.group())
            if number:
                yield _emit(t, number, pos, start_char + piece.start(),
                                             start_char + piece.end(), keeporiginal)
                pos += 1

    @classmethod
    def normalize(cls, number: str) -> str:
        """Drop a "Số:" prefix and the spaces around "/" and "-"; collapse other spaces."""
        number = cls._PREFIX.sub("", " ".join(number.split()))
        return re.sub(r"-{2,}", "-", cls._AROUND.sub(r"\1", number))


def docnumber_analyzer(folded: bool = False) -> Analyzer:
    """Document numbers as one token each, so typed variants agree; ``folded`` maps nđ→nd.

    >>> [t.text for t in docnumber_analyzer()("51 / KH – UBND; Số: 244/2026/NÐ-CP")]
    ['51/kh-ubnd', '244/2026/nđ-cp']
    >>> [t.text for t in docnumber_analyzer(folded=True)("244/2026/NĐ-CP")]
    ['244/2026/nd-cp']
    """
    return DocNumberTokenizer() | (FoldFilter() if folded else LowercaseFilter())


def label_analyzer() -> Analyzer:
    """A whole label (issuer, unit, collection, type) as one normalized token.

    >>> [t.text for t in label_analyzer()("UBND tỉnh  Lạng Sơn")]
    ['ubnd tinh lang son']
    """
    return IDTokenizer() | LabelFilter()


def keyword_analyzer() -> Analyzer:
    """A list of labels separated by "," or ";" (places, subjects), each normalized.

    >>> [t.text for t in keyword_analyzer()("Lạng Sơn; Hữu Nghị, Đồng Đăng")]
    ['lang son', 'huu nghi', 'dong dang']
    """
    return RegexTokenizer(r"[^,;]+") | LabelFilter()


def vocab_analyzer() -> Analyzer:
    """One term per line, kept as it is (autocomplete entries built by the indexer).

    >>> [t.text for t in vocab_analyzer()("public|lang son|lạng sơn\\npublic|son|sơn")]
    ['public|lang son|lạng sơn', 'public|son|sơn']
    """
    return RegexTokenizer(r"[^\n]+")


def language_analyzer() -> Analyzer:
    """Language codes separated by ",", ";" or spaces, lowercased.

    >>> [t.text for t in language_analyzer()("vi;ZH, en")]
    ['vi', 'zh', 'en']
    """
    return RegexTokenizer(r"[^,;\s]+") | LowercaseFilter()
