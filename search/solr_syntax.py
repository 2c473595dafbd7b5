"""The parsed search (a Whoosh query tree, ``parse.py``) written in Solr's Lucene syntax.

Fields and boosts are kept as parsed, so Solr matches and weighs as the Whoosh engine does;
:func:`page_query` is the same query on the page documents (per-page hits, ``pages.py``).
"""
from __future__ import annotations

import re

from whoosh import query as Q

from archive.errors import UsageError

from .marks import is_wide
from .schema import PAGE_FIELDS, TEXT_FIELDS

__all__ = ["to_solr", "page_query", "quoted", "escaped", "PAIRS", "PAIRS_FIELD"]

# The body's word pairs (the configset's shingles), tones kept and folded: a phrase on the body
# is matched there, on the positions of pairs, which are far rarer than those of syllables.
PAIRS = {"content": "content_pairs", "content_f": "content_pairs_f"}
PAIRS_FIELD = PAIRS["content_f"]  # the proximity bonus's pair counts (solr_rank.py)

_NUMERIC_FIELDS = frozenset({"year", "page", "period_from", "period_to"})
_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/\s])')


def quoted(text: str) -> str:
    """A phrase or value in double quotes, its quotes and backslashes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def escaped(text: str) -> str:
    """A bare term with Lucene's special characters escaped (a prefix's stem)."""
    return _SPECIAL.sub(r"\\\1", text)


def _boosted(clause: str, boost: float) -> str:
    return clause if boost == 1.0 else f"{clause}^{boost:g}"


def _value(field: str, value) -> str:
    if field in _NUMERIC_FIELDS:
        return str(int(value))
    return quoted(str(value))


def _bound(value, numeric: bool) -> str:
    if value is None or value == "":
        return "*"
    return str(int(value)) if numeric else quoted(str(value))


def to_solr(query: Q.Query) -> str:
    """A parsed Whoosh query tree written in Solr's Lucene syntax (fields and boosts kept).

    >>> from whoosh.query import And, Not, Or, Phrase, Prefix, Term, NumericRange
    >>> to_solr(And([Term("content_f", "lang", boost=0.5), Not(Term("kind", "map"))]))
    '(+content_f:"lang"^0.5 -kind:"map")'
    >>> to_solr(Or([Prefix("title_f", "son"), NumericRange("year", 1940, None)]))
    '(title_f:son* OR year:[1940 TO *])'
    >>> to_solr(Phrase("content_f", ["ha", "noi"], boost=2.0))
    '(+content_pairs_f:"ha noi"^0 content_f:"ha" content_f:"noi")^2'
    """
    if isinstance(query, Q.Phrase):  # search.phrase.PositionalPhrase is one
        words = " ".join(query.words)
        # Whoosh's slop counts the step to the next word (1: adjacent); Lucene's the gaps (0).
        slop = max(0, int(getattr(query, "slop", 1)) - 1)
        phrase = f"{_paired(query, slop)}:{quoted(words)}" + (f"~{slop}" if slop else "")
        if len(query.words) < 2:
            return _boosted(phrase, query.boost)
        # Whoosh scores a phrase as the sum of its words' own scores (phrase.py), Lucene by
        # how often the phrase occurs: the phrase only decides the match (^0), its words score.
        terms = " ".join(f"{query.fieldname}:{_value(query.fieldname, w)}" for w in query.words)
        return _boosted(f"(+{phrase}^0 {terms})", query.boost)
    if isinstance(query, Q.Prefix):
        return _boosted(f"{query.fieldname}:{escaped(query.text)}*", query.boost)
    if isinstance(query, Q.Term):
        return _boosted(f"{query.fieldname}:{_value(query.fieldname, query.text)}", query.boost)
    if isinstance(query, Q.NumericRange) or isinstance(query, Q.TermRange):
        numeric = isinstance(query, Q.NumericRange)
        low = "{" if query.startexcl else "["
        high = "}" if query.endexcl else "]"
        return _boosted(f"{query.fieldname}:{low}{_bound(query.start, numeric)} TO "
                        f"{_bound(query.end, numeric)}{high}", query.boost)
    if isinstance(query, Q.Not):
        return f"(*:* -{to_solr(query.query)})"
    if isinstance(query, Q.Every):
        return "*:*"
    if query is Q.NullQuery or isinstance(query, type(Q.NullQuery)):
        return "(*:* -*:*)"
    if isinstance(query, Q.And):
        parts = [f"-{to_solr(q.query)}" if isinstance(q, Q.Not) else f"+{to_solr(q)}"
                 for q in query.subqueries]
        if all(p.startswith("-") for p in parts):
            parts.insert(0, "+*:*")
        return _boosted("(" + " ".join(parts) + ")", query.boost)
    if isinstance(query, Q.Or):
        return _boosted("(" + " OR ".join(to_solr(q) for q in query.subqueries) + ")",
                        query.boost)
    raise UsageError(f"this query cannot be run on Solr yet: {query!r}")


def _paired(query: Q.Phrase, slop: int) -> str:
    """The field a phrase is matched on: the body's pairs for adjacent words (the same items:
    the pairs are the body's own tokens, paired), else the phrase's own field. CJK runs are
    indexed as overlapping bigrams, single characters too: they keep the positional phrase."""
    paired = PAIRS.get(query.fieldname)
    if paired is None or slop or len(query.words) < 2 or any(map(is_wide, "".join(query.words))):
        return query.fieldname
    return paired


def page_query(query: Q.Query) -> str | None:
    """The query evaluated on page documents, as ``pages.PageMatcher`` evaluates it on pages.

    Words, phrases and prefixes on page text move to the page documents' fields; a match in
    the title or document number is on no page; clauses on the item (kind, year, labels) do
    not narrow (None). AND keeps the pages every part matches, OR any, NOT those it does not.

    >>> from whoosh.query import And, Not, Term
    >>> page_query(And([Term("content_f", "hai"), Term("content_f", "quan"), Term("kind", "map")]))
    '(+page_text_f:"hai" +page_text_f:"quan")'
    >>> page_query(Not(Term("title_f", "x"))), page_query(Term("year", 1940))
    ('(*:* -(*:* -*:*))', None)
    """
    if isinstance(query, (Q.Phrase, Q.Prefix, Q.Term)):
        if query.fieldname in PAGE_FIELDS:
            return to_solr(_on_page(query))
        return "(*:* -*:*)" if query.fieldname in TEXT_FIELDS else None
    if isinstance(query, Q.Not):
        inner = page_query(query.query)
        return None if inner is None else f"(*:* -{inner})"
    if isinstance(query, (Q.And, Q.Or)):
        parts = [p for p in map(page_query, query.subqueries) if p is not None]
        if not parts:
            return None
        if isinstance(query, Q.Or):
            return "(" + " OR ".join(parts) + ")" if len(parts) > 1 else parts[0]
        return "(" + " ".join(f"+{p}" for p in parts) + ")"
    return None


_PAGE_TWIN = {"content": "page_text", "content_f": "page_text_f"}


def _on_page(leaf: Q.Query) -> Q.Query:
    """A content leaf moved to the page documents' field (a copy: parsed queries are shared)."""
    moved = leaf.copy()
    moved.fieldname = _PAGE_TWIN[leaf.fieldname]
    return moved
