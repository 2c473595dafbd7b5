"""Read what a user types in the search box into a Whoosh query.

Free words are looked up in the exact and folded twins of title, content and doc_number, the
exact ones boosted (see ``schema.TEXT_FIELDS``); words are ANDed. The syntax: "phrases"~slop,
AND/OR/NOT (and VÀ/HOẶC/KHÔNG), -word, (groups), trailing * for prefixes, and field queries
with Vietnamese or English names (``loai:bando``, ``nam:1940..1950``, ``so:51/KH-UBND``…).
Whatever the text, :func:`parse_query` returns a query or raises :class:`UsageError`.
:func:`filter_query` builds facet and option filters normalized the way the index stores them.

>>> from search.schema import build_schema
>>> print(parse_query("loai:bando nam:1940..1950", schema=build_schema()))
(kind:map AND (year:[1940 TO 1950] OR (period_from:[ TO 1950] AND period_to:[1940 TO ])))
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from whoosh.fields import NUMERIC, Schema
from whoosh.query import And, Every, Not, NumericRange, Or, Phrase, Prefix, Query, Term, TermRange

from archive.errors import UsageError
from search.analyzers import fold
from search.schema import CONTENT_FIELDS, DOC_NUMBER_FIELDS, TEXT_FIELDS, TITLE_FIELDS

__all__ = ["parse_query", "filter_query", "MAX_QUERY_LENGTH"]

MAX_QUERY_LENGTH = 1000  # characters; longer text is a pasted document, not a query
_MAX_DEPTH = 12  # nested groups and NOTs; keeps the recursive parser far from Python's limit

# Typed look-alikes: curly and angle quotes start phrases, dash variants are "-".
_QUERY_MAP = str.maketrans({**{c: '"' for c in "\u201c\u201d\u201e\u201f\u00ab\u00bb\uff02"},
                            **{c: "-" for c in "\u00ad\u2010\u2011\u2012\u2013\u2014\u2212\uff0d"},
                            **{c: "/" for c in "\u2215\u2044\uff0f"}})
# "51 / KH - UBND" as typed from a paper copy: rejoin it so it is one doc-number compound.
_SPACED_NUMBER = re.compile(r"(?<![\w/])\d+(?:\s*/\s*[^\W_]+)+(?:\s*-\s*[^\W_]+)*")
_LEX = re.compile(r"""
    (?P<space>\s+)
  | (?P<sign>[-+](?=[^\s\-+]))
  | (?P<open>\()
  | (?P<close>\))
  | (?P<phrase>"(?P<body>[^"]*)"(?:~(?P<slop>\d{1,2}))?)
  | (?P<quote>")
  | (?P<word>[^\s()"]+)
""", re.VERBOSE)
_FIELD = re.compile(r"([^\W\d][\w\-]*):(.*)", re.DOTALL)
_OPERATORS = {"AND": "AND", "OR": "OR", "NOT": "NOT"}
# Vietnamese operators are common words in capitals ("THÔNG TIN VÀ TRUYỀN THÔNG"), so they
# count only when the query's other words are not all capitals (a pasted heading).
_VI_OPERATORS = {"VÀ": "AND", "HOẶC": "OR", "KHÔNG": "NOT"}


def _aliases(table: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Invert {canonical: spellings} into {key: canonical}."""
    return {_key(s): canonical for canonical, spellings in table.items()
            for s in (canonical, *spellings)}


def _key(text: str) -> str:
    """Compare names and values without tones, case, spaces or underscores."""
    return re.sub(r"[\W_]+", "", fold(text))


_FIELD_NAMES = _aliases({
    "kind": ("loai",), "languages": ("ngon_ngu", "lang", "language"),
    "doc_number": ("so", "doc", "so_hieu", "number"), "year": ("nam",),
    "issuer": ("co_quan", "co_quan_ban_hanh"), "doc_type": ("loai_vb", "loai_van_ban"),
    "collection": ("bo_suu_tap",), "lead_unit": ("don_vi", "don_vi_chu_tri"),
    "places": ("dia_danh", "place"), "subjects": ("chu_de", "subject"),
    "title": ("tieu_de",), "content": ("noi_dung", "text"), "date": ("ngay",),
    "access": ("truy_cap",),
})
_FIELD_HELP = ("loai/kind, ngon_ngu/lang, so/doc, nam/year, co_quan/issuer, loai_vb/doc_type, "
               "bo_suu_tap/collection, don_vi/lead_unit, dia_danh/place, chu_de/subject, "
               "tieu_de/title, noi_dung/content, ngay/date, truy_cap/access")
_KINDS = _aliases({
    "document": ("tai_lieu", "van_ban", "doc"), "map": ("ban_do",),
    "photo": ("anh", "hinh", "hinh_anh", "image"),
    "publication": ("an_pham", "xuat_ban", "to_roi", "to_gap", "leaflet"),
    "video": ("phim", "dvd"), "audio": ("am_thanh", "ghi_am"), "other": ("khac",),
})
_LANGUAGES = _aliases({
    "vi": ("vie", "viet", "tieng_viet"), "en": ("eng", "anh", "tieng_anh", "english"),
    "zh": ("chi", "zho", "trung", "tieng_trung", "hoa", "chinese"),
    "ja": ("jpn", "nhat", "tieng_nhat", "japanese"), "ko": ("kor", "han", "tieng_han", "korean"),
    "fr": ("fra", "fre", "phap", "tieng_phap", "french"),
})
_ACCESS = _aliases({"public": ("cong_khai",), "internal": ("noi_bo",),
                    "restricted": ("han_che", "mat")})
_YEAR = re.compile(r"(\d{1,4})?(\.\.|-)(\d{1,4})?|(\d{1,4})")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


@dataclass(frozen=True)
class _Lexeme:
    kind: str  # "sign", "open", "close", "phrase", "word"
    text: str
    slop: int = 1


def parse_query(text: str, *, schema: Schema) -> Query:
    """Parse the search box's text into a query; raise UsageError when it cannot be read."""
    text = _prepare(text)
    query = _Parser(_lex(text), schema, not _all_caps(text)).parse()
    return query.normalize()


def filter_query(field: str, value: str | int, *, schema: Schema) -> Query:
    """Match documents whose ``field`` holds ``value``, normalized the way it was indexed."""
    if field not in schema:
        raise UsageError(f'Unknown field "{field}"')
    fieldobj = schema[field]
    if isinstance(fieldobj, NUMERIC):
        number = _int(str(value), field)
        return NumericRange(field, number, number)
    terms = list(fieldobj.process_text(str(value), mode="query"))
    if not terms:
        raise UsageError(f'Empty value for "{field}"')
    return _combine(And, [Term(field, t) for t in terms])


def _prepare(text: str) -> str:
    """Check the text's size and encoding, normalize it, rejoin spaced doc numbers."""
    if not isinstance(text, str):
        raise UsageError("The query must be text")
    if any("\ud800" <= c <= "\udfff" for c in text):
        raise UsageError("The query is not valid UTF-8 text")
    text = unicodedata.normalize("NFC", text).translate(_QUERY_MAP)
    if not text.strip():
        raise UsageError("Empty query: type a word, a \"phrase\" or a field such as loai:bando")
    if len(text) > MAX_QUERY_LENGTH:
        raise UsageError(f"The query is too long (over {MAX_QUERY_LENGTH} characters)")
    return _SPACED_NUMBER.sub(lambda m: "".join(m.group().split()), text)


def _all_caps(text: str) -> bool:
    """Whether the words (codes with digits and operators aside) are all in capitals."""
    words = [w for w in text.split() if w not in _VI_OPERATORS and not re.search(r"\d", w)]
    letters = "".join(words)
    return any(c.isupper() for c in letters) and not any(c.islower() for c in letters)


def _lex(text: str) -> list[_Lexeme]:
    """Split the text into words, phrases, parentheses and +/- signs."""
    lexemes = []
    for m in _LEX.finditer(text):
        kind = m.lastgroup
        if kind == "quote":
            raise UsageError('Unbalanced quote: close the phrase with a second "')
        if kind == "phrase":
            lexemes.append(_Lexeme("phrase", m.group("body"), int(m.group("slop") or 1)))
        elif kind != "space":
            lexemes.append(_Lexeme(kind, m.group()))
    return lexemes


def _combine(cls: type[And] | type[Or], parts: list[Query | None]) -> Query | None:
    """Join the parts that are left; one part stands alone."""
    parts = [p for p in parts if p is not None]
    if len(parts) > 1:
        return cls(parts)
    return parts[0] if parts else None


def _int(text: str, field: str) -> int:
    """A year-like number for a NUMERIC field (0–9999; the index holds 32-bit ints)."""
    if not re.fullmatch(r"\d{1,4}", text.strip()):
        raise UsageError(f'"{field}" needs a year such as 1945, not "{text}"')
    return int(text)


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary+; unary := NOT unary | atom."""

    def __init__(self, lexemes: list[_Lexeme], schema: Schema, vi_operators: bool) -> None:
        self.lexemes, self.at, self.values = lexemes, 0, _Values(schema)
        self.operators = {**_OPERATORS, **(_VI_OPERATORS if vi_operators else {})}

    def parse(self) -> Query:
        """The whole query; a stray ")" or nothing searchable is a UsageError."""
        query = self._or(None, 0)
        if self.at < len(self.lexemes):
            raise UsageError('Unbalanced parenthesis: a ")" has no "(" before it')
        if query is None:
            raise UsageError("The query has no words to search for")
        return query

    def _peek(self) -> _Lexeme | None:
        return self.lexemes[self.at] if self.at < len(self.lexemes) else None

    def _operator(self, lexeme: _Lexeme | None) -> str | None:
        return self.operators.get(lexeme.text) if lexeme and lexeme.kind == "word" else None

    def _or(self, field: str | None, depth: int) -> Query | None:
        parts = [self._and(field, depth)]
        while self._operator(self._peek()) == "OR":
            self.at += 1
            parts.append(self._and(field, depth))
        return _combine(Or, parts)

    def _and(self, field: str | None, depth: int) -> Query | None:
        parts: list[Query | None] = []
        while (lexeme := self._peek()) is not None and lexeme.kind != "close":
            operator = self._operator(lexeme)
            if operator == "OR":
                break
            if operator == "AND":
                self.at += 1
                continue
            parts.append(self._unary(field, depth))
        return _combine(And, parts)

    def _unary(self, field: str | None, depth: int) -> Query | None:
        if depth > _MAX_DEPTH:
            raise UsageError(f"The query nests groups or NOT deeper than {_MAX_DEPTH} levels")
        lexeme = self.lexemes[self.at]
        negate = self._operator(lexeme) == "NOT" or lexeme.kind == "sign" and lexeme.text == "-"
        if negate or lexeme.kind == "sign":
            self.at += 1
            following = self._peek()
            if following is None or following.kind == "close":
                return None  # a dangling NOT or sign: nothing to apply it to
            inner = self._unary(field, depth + 1)
            return Not(inner) if negate and inner is not None else inner
        return self._atom(field, depth)

    def _atom(self, field: str | None, depth: int) -> Query | None:
        lexeme = self.lexemes[self.at]
        self.at += 1
        if lexeme.kind == "open":
            inner = self._or(field, depth + 1)
            if self._peek() is None:
                raise UsageError('Unbalanced parenthesis: a "(" is never closed')
            self.at += 1
            return inner
        if lexeme.kind == "phrase":
            return self.values.value(field, lexeme.text, True, lexeme.slop)
        match = _FIELD.fullmatch(lexeme.text)
        if match is None:
            return self.values.value(field, lexeme.text, False, 1)
        name = _field_name(match.group(1))
        if match.group(2):
            return self.values.value(name, match.group(2), False, 1)
        following = self._peek()
        if following is None or following.kind in ("close", "sign") or self._operator(following):
            raise UsageError(f'"{match.group(1)}:" needs a value, e.g. {match.group(1)}:...')
        return self._atom(name, depth + 1)


def _field_name(typed: str) -> str:
    """The schema field a typed name (Vietnamese or English, any case or tone) stands for."""
    name = _FIELD_NAMES.get(_key(typed))
    if name is None:
        raise UsageError(f'Unknown field "{typed}:"; fields are {_FIELD_HELP}')
    return name


class _Values:
    """Builds the query for one value (word or phrase) in a field, or in the free text."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    def value(self, field: str | None, text: str, phrase: bool, slop: int) -> Query | None:
        """Dispatch on the field; None means the free-text fields."""
        handlers: dict[str | None, Callable[[], Query | None]] = {
            None: lambda: self.text(TEXT_FIELDS, text, phrase, slop),
            "title": lambda: self.text(TITLE_FIELDS, text, phrase, slop),
            "content": lambda: self.text(CONTENT_FIELDS, text, phrase, slop),
            "doc_number": lambda: self.text(DOC_NUMBER_FIELDS, text, phrase, slop),
            "kind": lambda: Term("kind", _alias(_KINDS, text, "loai", "bando, tailieu, anh, "
                                                "an_pham, phim, am_thanh, khac")),
            "languages": lambda: Term("languages", _alias(_LANGUAGES, text, "ngon_ngu",
                                                          "vi, en, zh, ja, ko, fr")),
            "access": lambda: Term("access", _alias(_ACCESS, text, "truy_cap",
                                                    "public, internal, restricted")),
            "year": lambda: _year_query(text),
            "date": lambda: _date_query(text),
        }
        handler = handlers.get(field)
        return handler() if handler else self.label(field, text)

    def text(self, fields: Mapping[str, float], text: str, phrase: bool,
             slop: int) -> Query | None:
        """One word (or phrase) looked up in each of the given fields, with their boosts."""
        if not phrase and text.strip("*") == "":
            return Every()
        prefix = not phrase and text.endswith("*")
        text = text.rstrip("*") if prefix else text
        # A free word without a digit cannot be a document number: skip those lookups.
        numbery = fields is not TEXT_FIELDS or any(c.isdigit() for c in text)
        return _combine(Or, [self._field_text(name, boost, text, prefix, slop)
                             for name, boost in fields.items()
                             if numbery or name not in DOC_NUMBER_FIELDS])

    def _field_text(self, field: str, boost: float, text: str, prefix: bool,
                    slop: int) -> Query | None:
        tokens = [t for t in self.schema[field].process_text(text, mode="query") if t]
        if not tokens:
            return None
        positional = self.schema[field].format.supports("positions")
        if prefix:
            _check_prefix(tokens[-1])
            rest = [Term(field, t, boost=boost) for t in tokens[:-1]]
            return _combine(And, [*rest, Prefix(field, tokens[-1], boost=boost)])
        if len(tokens) == 1:
            return _term(field, tokens[0], boost, positional)
        if positional:
            words = [part for token in tokens for part in _parts(token)]
            return Phrase(field, words, slop=slop, boost=boost)
        return And([Term(field, t, boost=boost) for t in tokens])

    def label(self, field: str, text: str) -> Query | None:
        """Labels and keyword lists: the whole normalized value, or a prefix of it with *."""
        if text.endswith("*"):
            stem = next(iter(self.schema[field].process_text(text.rstrip("*"),
                                                              mode="query")), "")
            _check_prefix(stem)
            return Prefix(field, stem)
        terms = list(self.schema[field].process_text(text, mode="query"))
        return _combine(Or, [Term(field, t) for t in terms])


def _parts(token: str) -> list[str]:
    """A doc-number compound's parts (the index holds them at consecutive positions)."""
    return [p for p in re.split(r"[-/]", token) if p] or [token]


def _term(field: str, token: str, boost: float, positional: bool) -> Query:
    """A term; a compound also matches its parts as a phrase ("51/KH" inside "51/KH-UBND")."""
    parts = _parts(token)
    if not positional or len(parts) < 2:
        return Term(field, token, boost=boost)
    # Half weight: the phrase is a fallback, and a text citing the number often matches both.
    return Or([Term(field, token, boost=boost), Phrase(field, parts, boost=boost / 2)])


def _check_prefix(stem: str) -> None:
    """Refuse one-letter prefixes: they expand to a large part of the vocabulary."""
    if len(stem) < 2 and not (stem and unicodedata.east_asian_width(stem) in "WF"):
        raise UsageError("A prefix search needs at least two letters before *")


def _alias(table: Mapping[str, str], text: str, field: str, choices: str) -> str:
    """The canonical value for a typed one, e.g. loai:bando → map."""
    value = table.get(_key(text))
    if value is None:
        raise UsageError(f'Unknown value "{text}" for {field}: use one of {choices}')
    return value


def _year_query(text: str) -> Query:
    """A year or range (1945, 1800..1900, 1940-1950, 1940.., ..1950) on year or period."""
    match = _YEAR.fullmatch(text.strip())
    if match is None or not any(match.group(1, 3, 4)):
        raise UsageError(f'nam: needs a year or a range such as 1800..1900, not "{text}"')
    low, high = (match.group(4),) * 2 if match.group(4) else match.group(1, 3)
    low, high = int(low or 1), int(high or 9999)  # 0 means "unknown year" in the index
    if low > high:
        raise UsageError(f'nam: the range "{text}" ends before it starts')
    overlaps = And([NumericRange("period_from", None, high), NumericRange("period_to", low, None)])
    return Or([NumericRange("year", low, high), overlaps])


def _date_query(text: str) -> Query:
    """An ISO date or its prefix (2017, 2017-03, 2017-03-22), or a range of them with "..".
    """
    low, _, high = text.strip().partition("..")
    if not all(_DATE.fullmatch(d) for d in (low, high) if d) or not (low or high):
        raise UsageError(f'ngay: needs a date such as 2017-03-22, 2017-03 or 2017, not "{text}"')
    if ".." not in text:
        return Prefix("date", low)
    return TermRange("date", low or None, (high + "\uffff") if high else None)
