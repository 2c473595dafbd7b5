"""Read what a user types in the search box into a Whoosh query.

Free words are looked up in the exact and folded twins of title, content and doc_number, the
exact ones boosted (see ``schema.TEXT_FIELDS``); words are ANDed. The syntax: "phrases"~slop,
AND/OR/NOT (and VÀ/HOẶC/KHÔNG), -word, (groups), trailing * for prefixes, and field queries
with Vietnamese or English names (``loai:bando``, ``nam:1940..1950``, ``so:51/KH-UBND``…).
Whatever the text, :func:`parse_query` returns a query or raises :class:`UsageError` (a
:class:`QuerySyntaxError`, translatable). :func:`parse_search`, what the search runs, forgives
what it can repair: an unclosed quote or "(" is closed at the end, a stray ")" left out, a
reversed year or date range swapped, each with a :class:`~search.notices.Notice`.
:func:`filter_query` builds facet and option filters normalized the way the index stores them.

>>> from search.schema import build_schema
>>> print(parse_query("loai:bando nam:1940..1950", schema=build_schema()))
(kind:map AND (year:[1940 TO 1950] OR (period_from:[ TO 1950] AND period_to:[1940 TO ])))
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field as dataclass_field

from whoosh.fields import NUMERIC, Schema
from whoosh.query import And, Every, Not, NumericRange, Or, Prefix, Query, Term

from archive.errors import QuerySyntaxError
from search.analyzers import fold, normalize_label
from search.expand import EXPANDABLE_FIELDS, EXPANSION_BOOST, place_run, scaled
from search.gazetteer import Gazetteer
from search.lexer import MAX_QUERY_LENGTH, Lexeme, lex, prepare
from search.notices import N_, Notice
from search.phrase import PositionalPhrase as Phrase
from search.question import Part, function_texts, plain_parts, split_runs, toneless_fields, \
    vi_operators_apply
from search.schema import CONTENT_FIELDS, DOC_NUMBER_FIELDS, TEXT_FIELDS, TITLE_FIELDS
from search.syntax import ACCESS, KINDS, LANGUAGES, alias, date_query, field_name, int_value, \
    year_query

__all__ = ["parse_query", "parse_search", "ParsedQuery", "filter_query", "MAX_QUERY_LENGTH"]

_MAX_DEPTH = 12  # nested groups and NOTs; keeps the recursive parser far from Python's limit
_FIELD = re.compile(r"([^\W\d][\w\-]*):(.*)", re.DOTALL)
_OPERATORS = {"AND": "AND", "OR": "OR", "NOT": "NOT"}
# Vietnamese operators are common words in capitals ("THÔNG TIN VÀ TRUYỀN THÔNG"), so they
# count only when the query's other words are not all capitals (a pasted heading), and only
# where search.question's one-line rule says the query is a search, not a sentence.
_VI_OPERATORS = {"VÀ": "AND", "HOẶC": "OR", "KHÔNG": "NOT"}


@dataclass
class ParsedQuery:
    """A query with place names expanded, the same query without, and what was expanded."""

    query: Query
    literal: Query
    expansions: list[tuple[str, tuple[str, ...]]] = dataclass_field(default_factory=list)
    words: list[str] = dataclass_field(default_factory=list)  # free words, as typed
    runs: list[tuple[str, ...]] = dataclass_field(default_factory=list)  # adjacent free words
    # A plain query (no operator syntax): its words, matched all first, then most (relax.py).
    parts: list[Part] = dataclass_field(default_factory=list)
    notices: list[Notice] = dataclass_field(default_factory=list)  # what was repaired


def parse_query(text: str, *, schema: Schema, gazetteer: Gazetteer | None = None) -> Query:
    """Parse the search box's text into a query; raise UsageError when it cannot be read.

    With a gazetteer, place names are expanded to their names in other languages.
    """
    text = prepare(text)
    query = _Parser(lex(text), schema, not _all_caps(text), gazetteer).parse()
    return query.normalize()


def parse_search(text: str, *, schema: Schema, gazetteer: Gazetteer) -> ParsedQuery:
    """Parse once with place expansion and once without (to rank literal matches first).

    What can be repaired is, with a notice (see the module's docstring).
    """
    text = prepare(text)
    vi_operators = not _all_caps(text)
    notices: list[Notice] = []
    lexemes = lex(text, notices)
    expanding = _Parser(lexemes, schema, vi_operators, gazetteer, notices)
    query = expanding.parse().normalize()
    parts = plain_parts(expanding, schema) if expanding.plain else []
    runs = [tuple(schema["content_f"].process_text(" ".join(run), mode="query"))
            for run in split_runs(expanding.runs, function_texts(expanding) if parts else ())]
    runs = [run for run in runs if len(run) > 1]
    if parts and any(not p.required for p in parts) and any(p.required for p in parts):
        # Function words are never required: the strict query is the other words'.
        query = _combine(And, [p.query for p in parts if p.required]).normalize()
    if not expanding.expansions:
        return ParsedQuery(query, query, [], expanding.words, runs, parts, notices)
    literal = _Parser(lexemes, schema, vi_operators, notices=[]).parse().normalize()
    return ParsedQuery(query, literal, expanding.expansions, expanding.words, runs, parts,
                       notices)


def filter_query(field: str, value: str | int, *, schema: Schema) -> Query:
    """Match documents whose ``field`` holds ``value``, normalized the way it was indexed."""
    if field not in schema:
        raise QuerySyntaxError(N_('Unknown field "%(field)s"'), field=field)
    fieldobj = schema[field]
    if field == "year":
        return year_query(str(value))
    if isinstance(fieldobj, NUMERIC):
        number = int_value(str(value), field)
        return NumericRange(field, number, number)
    terms = list(fieldobj.process_text(str(value), mode="query"))
    if not terms:
        raise QuerySyntaxError(N_('Empty value for "%(field)s"'), field=field)
    return _combine(And, [Term(field, t) for t in terms])


def _has_syntax(lexemes: list[Lexeme]) -> bool:
    """Whether the query uses operator syntax besides Vietnamese operator words."""
    return any(lx.kind != "word" or lx.text in _OPERATORS or lx.text.endswith("*")
               or _FIELD.fullmatch(lx.text) for lx in lexemes)


def _all_caps(text: str) -> bool:
    """Whether the words (codes with digits and operators aside) are all in capitals."""
    words = [w for w in text.split() if w not in _VI_OPERATORS and not re.search(r"\d", w)]
    letters = "".join(words)
    return any(c.isupper() for c in letters) and not any(c.islower() for c in letters)


def _combine(cls: type[And] | type[Or], parts: list[Query | None]) -> Query | None:
    """Join the parts that are left; one part stands alone."""
    parts = [p for p in parts if p is not None]
    if len(parts) > 1:
        return cls(parts)
    return parts[0] if parts else None


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary+; unary := NOT unary | atom."""

    def __init__(self, lexemes: list[Lexeme], schema: Schema, vi_operators: bool,
                 gazetteer: Gazetteer | None = None, notices: list[Notice] | None = None) -> None:
        self.lexemes, self.at = lexemes, 0
        self.values = _Values(schema, gazetteer, notices)
        self.operators = {**_OPERATORS, **(_VI_OPERATORS if vi_operators else {})}
        syntax = _has_syntax(lexemes)
        allowed = vi_operators_apply([lx.text for lx in lexemes], [lx.kind for lx in lexemes],
                                     syntax)
        self._vi_ok = {id(lx) for lx, ok in zip(lexemes, allowed) if ok}
        # Plain: no operator syntax at all, so every word is a part that relaxation may drop.
        self.plain = not syntax and not any(self._operator(lx) for lx in lexemes)
        self.spans: list[tuple[int, int, Query]] = []  # top-level parts: lexeme range, query
        self.literals: dict[int, Query] = {}  # id(place query) -> its literal alternative
        self.gazetteer = gazetteer
        self.expansions: list[tuple[str, tuple[str, ...]]] = []
        self.words: list[str] = []
        self.runs: list[list[str]] = []

    def parse(self) -> Query:
        """The whole query; a stray ")" or nothing searchable is a UsageError."""
        query = self._or(None, 0)
        if self.at < len(self.lexemes):
            raise QuerySyntaxError(N_('Unbalanced parenthesis: a ")" has no "(" before it'))
        if query is None:
            raise QuerySyntaxError(N_("The query has no words to search for"))
        return query

    def _peek(self) -> Lexeme | None:
        return self.lexemes[self.at] if self.at < len(self.lexemes) else None

    def _operator(self, lexeme: Lexeme | None) -> str | None:
        if not lexeme or lexeme.kind != "word":
            return None
        if lexeme.text in _VI_OPERATORS and id(lexeme) not in self._vi_ok:
            return None
        return self.operators.get(lexeme.text)

    def _or(self, field: str | None, depth: int) -> Query | None:
        parts = [self._and(field, depth)]
        while self._operator(self._peek()) == "OR":
            self.at += 1
            parts.append(self._and(field, depth))
        return _combine(Or, parts)

    def _and(self, field: str | None, depth: int) -> Query | None:
        parts: list[Query | None] = []
        run: list[str] = []  # adjacent plain words, for the ranking's proximity bonus
        while (lexeme := self._peek()) is not None and lexeme.kind != "close":
            operator = self._operator(lexeme)
            if operator == "OR":
                break
            if operator == "AND":
                self.at += 1
                continue
            start = self.at
            place = self._place(field, depth)
            parts.append(place if place is not None else self._unary(field, depth))
            if field is None and depth == 0 and parts[-1] is not None:
                self.spans.append((start, self.at, parts[-1]))
            plain = self._plain_texts(start, self.at) if field is None else []
            run = run + plain if plain else self._close(run)
        self._close(run)
        return _combine(And, parts)

    def _close(self, run: list[str]) -> list[str]:
        """Keep a run of two or more words; start a new one."""
        if len(run) > 1:
            self.runs.append(run)
        return []

    def _place(self, field: str | None, depth: int) -> Query | None:
        """Words naming a place, as ``literal OR other names``; None (nothing read) otherwise."""
        if self.gazetteer is None or field not in EXPANDABLE_FIELDS:
            return None
        run = place_run(self._plain_texts(), self.gazetteer)
        if run is None:
            return None
        count, place, tokens = run
        first, end = self.lexemes[self.at], self.at + count
        typed = " ".join(lexeme.text for lexeme in self.lexemes[self.at:end])
        self.at = end
        literal = self.values.value(field, typed, True, first.slop)
        names = self.gazetteer.variants(place, tokens)
        self.expansions.append((typed, tuple(names)))
        fields = EXPANDABLE_FIELDS[field]
        variants = [self.values.text(fields, name, True, 1) for name in names]
        query = _combine(Or, [literal, *(scaled(v, EXPANSION_BOOST) for v in variants
                                         if v is not None)])
        if query is not None and literal is not None:
            self.literals[id(query)] = literal
        return query

    def _plain_texts(self, start: int | None = None, end: int | None = None) -> list[str]:
        """The texts of the plain words from here on (or of one phrase), as a place could be."""
        texts = []
        for lexeme in self.lexemes[self.at if start is None else start:end]:
            if lexeme.kind == "phrase" and not texts:
                return [lexeme.text]
            if lexeme.kind != "word" or self._operator(lexeme) or lexeme.text.endswith("*") \
                    or _FIELD.fullmatch(lexeme.text):
                break
            texts.append(lexeme.text)
        return texts

    def _unary(self, field: str | None, depth: int) -> Query | None:
        if depth > _MAX_DEPTH:
            raise QuerySyntaxError(N_("The query nests groups or NOT deeper than %(depth)s "
                                      "levels"), depth=_MAX_DEPTH)
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
                raise QuerySyntaxError(N_('Unbalanced parenthesis: a "(" is never closed'))
            self.at += 1
            return inner
        if lexeme.kind == "phrase":
            return self.values.value(field, lexeme.text, True, lexeme.slop)
        match = _FIELD.fullmatch(lexeme.text)
        if match is None:
            if field is None:
                self.words.append(lexeme.text)
            return self.values.value(field, lexeme.text, False, 1)
        name = field_name(match.group(1))
        if match.group(2):
            return self.values.value(name, match.group(2), False, 1)
        following = self._peek()
        if following is None or following.kind in ("close", "sign") or self._operator(following):
            raise QuerySyntaxError(N_('"%(field)s:" needs a value, e.g. %(field)s:...'),
                                   field=match.group(1))
        return self._atom(name, depth + 1)


class _Values:
    """Builds the query for one value (word or phrase) in a field, or in the free text."""

    def __init__(self, schema: Schema, gazetteer: Gazetteer | None = None,
                 notices: list[Notice] | None = None) -> None:
        self.schema, self.gazetteer, self.notices = schema, gazetteer, notices

    def value(self, field: str | None, text: str, phrase: bool, slop: int) -> Query | None:
        """Dispatch on the field; None means the free-text fields."""
        handlers: dict[str | None, Callable[[], Query | None]] = {
            None: lambda: self.text(TEXT_FIELDS, text, phrase, slop),
            "title": lambda: self.text(TITLE_FIELDS, text, phrase, slop),
            "content": lambda: self.text(CONTENT_FIELDS, text, phrase, slop),
            "doc_number": lambda: self.text(DOC_NUMBER_FIELDS, text, phrase, slop),
            "kind": lambda: Term("kind", alias(KINDS, text, "loai", "bando, tailieu, anh, "
                                                "an_pham, phim, am_thanh, khac")),
            "languages": lambda: Term("languages", alias(LANGUAGES, text, "ngon_ngu",
                                                          "vi, en, zh, ja, ko, fr")),
            "access": lambda: Term("access", alias(ACCESS, text, "truy_cap",
                                                    "public, internal, restricted")),
            "year": lambda: year_query(text, self.notices),
            "date": lambda: date_query(text, self.notices),
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
        if fold(text) == text.lower():
            fields = toneless_fields(fields)
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
        place = self.gazetteer.by_label(text) if self.gazetteer and field == "places" else None
        if place is not None:  # dia_danh:谅山 also finds items whose places say Lạng Sơn
            terms += [normalize_label(name) for name in place.names]
        return _combine(Or, [Term(field, t) for t in dict.fromkeys(terms)])


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
        raise QuerySyntaxError(N_("A prefix search needs at least two letters before *"))


