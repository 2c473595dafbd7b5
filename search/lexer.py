"""The search box's text as tokens: words, "phrases"~slop, parentheses and +/- signs.

:func:`prepare` checks and normalizes the text (typed look-alike quotes and dashes, spaced doc
numbers); :func:`lex` splits it, refusing an unbalanced quote or parenthesis, or, given a list
of notices, repairing it: the last quote left open runs to the end, a ")" that closes nothing
is left out, a "(" left open is closed at the end.

>>> notices = []
>>> [x.text for x in lex('(a "b c', notices)], [n.code for n in notices]
(['(', 'a', 'b c', ')'], ['quote-closed', 'parenthesis-closed'])
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from archive.errors import QuerySyntaxError
from search.notices import N_, Notice

__all__ = ["Lexeme", "prepare", "lex", "MAX_QUERY_LENGTH"]

MAX_QUERY_LENGTH = 1000  # characters; longer text is a pasted document, not a query

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


@dataclass(frozen=True)
class Lexeme:
    """One token of the search box's text."""

    kind: str  # "sign", "open", "close", "phrase", "word"
    text: str
    slop: int = 1


def prepare(text: str) -> str:
    """Check the text's size and encoding, normalize it, rejoin spaced doc numbers."""
    if not isinstance(text, str):
        raise QuerySyntaxError(N_("The query must be text"))
    if any("\ud800" <= c <= "\udfff" for c in text):
        raise QuerySyntaxError(N_("The query is not valid UTF-8 text"))
    text = unicodedata.normalize("NFC", text).translate(_QUERY_MAP)
    if not text.strip():
        raise QuerySyntaxError(N_('Empty query: type a word, a "phrase" or a field such as '
                                  'loai:bando'))
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(N_("The query is too long (over %(limit)s characters)"),
                               limit=MAX_QUERY_LENGTH)
    return _SPACED_NUMBER.sub(lambda m: "".join(m.group().split()), text)


def lex(text: str, notices: list[Notice] | None = None) -> list[Lexeme]:
    """Split the text into words, phrases, parentheses and +/- signs.

    Unbalanced quotes and parentheses are errors, or, given a list of notices, repaired.
    """
    if notices is not None and text.count('"') % 2:
        # Pairs are read left to right, so only the last quote can be open: it runs to the end.
        text += '"'
        notices.append(Notice("quote-closed", N_(
            'A quote was not closed: the phrase was read to the end of the query')))
    lexemes = []
    for m in _LEX.finditer(text):
        kind = m.lastgroup
        if kind == "quote":
            raise QuerySyntaxError(N_('Unbalanced quote: close the phrase with a second "'))
        if kind == "phrase":
            lexemes.append(Lexeme("phrase", m.group("body"), int(m.group("slop") or 1)))
        elif kind != "space":
            lexemes.append(Lexeme(kind, m.group()))
    return lexemes if notices is None else _balance(lexemes, notices)


def _balance(lexemes: list[Lexeme], notices: list[Notice]) -> list[Lexeme]:
    """Leave out each ")" that closes nothing and close each "(" left open at the end."""
    out, depth, stray = [], 0, 0
    for lexeme in lexemes:
        if lexeme.kind == "close" and depth == 0:
            stray += 1
            continue
        depth += {"open": 1, "close": -1}.get(lexeme.kind, 0)
        out.append(lexeme)
    if stray:
        notices.append(Notice("parenthesis-dropped", N_(
            'A ")" had no "(" before it: it was left out')))
    if depth:
        out += [Lexeme("close", ")") for _ in range(depth)]
        notices.append(Notice("parenthesis-closed", N_(
            'A "(" was not closed: it was closed at the end of the query')))
    return out
