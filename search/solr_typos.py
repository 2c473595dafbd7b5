"""Typo tolerance and "did you mean" on Solr, as ``typos.py`` and ``suggest.py`` do on Whoosh.

Everything is judged on the items the audience may see (the search's own filter queries), so
neither widening a query nor a suggestion tells a visitor what an internal item holds:

1. the search's first request also counts, per typed word, the visible items holding it (a
   JSON query facet whose domain is every visible item: :func:`visibility_facets`); a query of
   known words costs no request more;
2. for a word no visible item holds, the folded words one edit away (:func:`edits`, first
   letter kept, a swap of neighbours is one edit, as Whoosh's ``terms_within(…, 1, prefix=1)``
   with ``typos.swaps``) are counted over the visible items in one request
   (``facet.field={!terms=…}content_f``: a term query per candidate, never the whole field);
3. how often the visible items write a candidate after the previous word (``vocab`` pairs,
   ``typos.pair_count``) and, for a word typed with tones, how they spell it (``vocab``
   display forms) in one more request.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from whoosh import query as Q

from .analyzers import fold
from .question import Part
from .suggest import _CORRECTABLE, _replace_word, edit_distance
from .typos import MAX_ALTERNATIVES, MIN_LETTERS, TYPO_BOOST, _folded_terms, swaps
from .vocab import SEPARATOR, vocab_key

__all__ = ["edits", "typed_words", "visibility_facets", "Vocabulary", "widened_parts",
           "correction_text", "far_wanted", "terms_params", "within_two"]

_ALPHABET = "abcdefghijklmnopqrstuvwxyz"  # folded text: ASCIIFoldingFilter leaves a-z (đ → d)


def edits(word: str) -> set[str]:
    """Folded words one edit from `word`: its first letter kept, except by a swap.

    >>> len(edits("nuio")), sorted(w for w in edits("nuio") if w.startswith("nu"))[:3]
    (182, ['nuaio', 'nuao', 'nubio'])
    >>> {"nuoi", "nui", "nuino", "unio"} <= edits("nuio"), "nuio" in edits("nuio")
    (True, False)
    """
    out = set(swaps(word))
    for i in range(1, len(word) + 1):
        head, tail = word[:i], word[i:]
        out.update(head + c + tail for c in _ALPHABET)  # insertion
        if tail:
            out.add(head + tail[1:])  # deletion
            out.update(head + c + tail[1:] for c in _ALPHABET)  # substitution
    out.discard(word)
    return {w for w in out if w}


@dataclass
class _Typed:
    """The words of one search that may be unknown: typo candidates and correctable words."""

    parts: dict[int, str] = field(default_factory=dict)  # part index -> folded content_f word
    previous: dict[int, str | None] = field(default_factory=dict)  # part index -> word before
    words: list[str] = field(default_factory=list)  # did-you-mean: free words as typed

    def folded(self) -> list[str]:
        """Every folded word to look up, once each, in a stable order."""
        seen = dict.fromkeys([*self.parts.values(), *(fold(w) for w in self.words)])
        return list(seen)


def typed_words(parsed, suggest: bool) -> _Typed:
    """What to check for this parsed query (``typos.with_typos`` and ``did_you_mean``'s words)."""
    typed, previous = _Typed(), None
    for i, part in enumerate(parsed.parts):
        terms = _folded_terms(part)
        word = terms["content_f"].text if "content_f" in terms else None
        if part.required and word and len(word) >= MIN_LETTERS and word.isalpha():
            typed.parts[i], typed.previous[i] = word, previous
        previous = word
    if suggest:
        typed.words = [w for w in parsed.words if _CORRECTABLE.fullmatch(w)]
    return typed


def visibility_facets(words: list[str], filters: list[str]) -> str:
    """``json.facet``: per word, the items under `filters` holding it (whatever the query)."""
    domain = {"query": "*:*", "filter": filters}
    return json.dumps({f"w{i}": {"type": "query", "q": f'content_f:"{w}"', "domain": domain}
                       for i, w in enumerate(words)})


def visible_counts(words: list[str], facets: dict) -> dict[str, int]:
    """The counts :func:`visibility_facets` asked for, by word."""
    return {w: int((facets.get(f"w{i}") or {}).get("count", 0)) for i, w in enumerate(words)}


@dataclass
class Vocabulary:
    """What the visible items hold near the unknown words (filled by the Solr engine)."""

    near: dict[str, dict[str, int]] = field(default_factory=dict)  # word -> {candidate: items}
    far: dict[str, dict[str, int]] = field(default_factory=dict)  # the same, two edits away
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)  # (previous, cand) -> items
    spelling: dict[str, str] = field(default_factory=dict)  # folded candidate -> shown form

    def nearest(self, word: str) -> list[str]:
        """Visible words one edit away (typo expansion), most visible items first."""
        found = self.near.get(word, {})
        return sorted(found, key=lambda w: (-found[w], w))

    def candidates(self, word: str) -> list[str]:
        """Corrections: visible words one edit away, else (5 letters or more) two."""
        found = self.near.get(word) or self.far.get(word, {})
        return sorted(found, key=lambda w: (-found[w], w))


MAX_DISTANCE_AT = 5  # letters: did-you-mean looks two edits away from words this long (suggest.py)
_TERMS_LIMIT = 2000  # indexed words read for a two-edit correction


def far_wanted(typed: _Typed, vocab: Vocabulary) -> list[str]:
    """Correctable words with no visible word one edit away, long enough to look two away."""
    out = []
    for word in typed.words:
        folded = fold(word)
        if folded in vocab.near and not vocab.near[folded] and len(folded) >= MAX_DISTANCE_AT:
            out.append(folded)
    return list(dict.fromkeys(out))


def terms_params(word: str) -> dict:
    """The terms component: indexed folded words of the same first letter and about as long.

    Read from the whole index (the terms component knows no filter), they are only
    candidates: :func:`near_params` then counts the visible items holding each.
    """
    low, high = max(0, len(word) - 3), len(word) + 1
    return {"q": "*:*", "rows": 0, "terms": "true", "terms.fl": "content_f",
            "terms.prefix": word[0], "terms.regex": f"{re.escape(word[0])}[a-z]{{{low},{high}}}",
            "terms.limit": _TERMS_LIMIT, "terms.mincount": 1}


def within_two(word: str, terms: list[str]) -> list[str]:
    """The terms two edits or fewer from `word` (a swap of neighbours is one)."""
    return [t for t in terms if t != word and (t in swaps(word) or edit_distance(word, t) <= 2)]


def near_params(unknown: list[str], filters: list[str],
                candidates: dict[str, list[str]] | None = None) -> dict:
    """One request counting, over the visible items, each unknown word's one-edit neighbours
    (or the `candidates` given for it)."""
    fields = [f"{{!terms={','.join(sorted(candidates[w] if candidates else edits(w)))} "
              f"key=n{i}}}content_f" for i, w in enumerate(unknown)]
    return {"q": "*:*", "defType": "lucene", "rows": 0, "fq": filters, "facet": "true",
            "facet.mincount": 1, "facet.limit": -1, "facet.field": fields}


def read_near(unknown: list[str], facet_fields: dict) -> dict[str, dict[str, int]]:
    """{word: {candidate: visible items}} from the answer to :func:`near_params`."""
    out = {}
    for i, word in enumerate(unknown):
        flat = facet_fields.get(f"n{i}", [])
        out[word] = {t: int(n) for t, n in zip(flat[::2], flat[1::2]) if int(n) > 0}
    return out


def pair_queries(pairs: list[tuple[str, str]], levels: tuple[str, ...]) -> list[str]:
    """facet.query per (previous, candidate) and level: items whose vocab holds the pair."""
    return [f"{{!prefix f=vocab key=p{i}_{j}}}{vocab_key(level, f'{a} {b}')}{SEPARATOR}"
            for i, (a, b) in enumerate(pairs) for j, level in enumerate(levels)]


def read_pairs(pairs: list[tuple[str, str]], levels: tuple[str, ...],
               facet_queries: dict) -> dict[tuple[str, str], int]:
    """Summed over the levels, as ``typos.pair_count`` does."""
    return {pair: sum(int(facet_queries.get(f"p{i}_{j}", 0)) for j in range(len(levels)))
            for i, pair in enumerate(pairs)}


def widened_parts(parts: list[Part], typed: _Typed, vocab: Vocabulary) -> list[Part]:
    """``typos.with_typos``: a required unknown word's part also matches its neighbours."""
    out = list(parts)
    for i, word in typed.parts.items():
        if word not in vocab.near:
            continue  # a word the visible items hold
        alternatives = vocab.nearest(word)
        previous = typed.previous.get(i)
        if previous:
            counts = {w: vocab.pairs.get((previous, w), 0) for w in alternatives}
            best = max(counts.values(), default=0)
            if best > 0:
                alternatives = [w for w in alternatives if counts[w] == best]
        part = parts[i]
        folded = _folded_terms(part)
        leaves = list(part.query.subqueries) if type(part.query) is Q.Or else [part.query]
        extra = [Q.Term(name, alt, boost=leaf.boost * TYPO_BOOST)
                 for alt in alternatives[:MAX_ALTERNATIVES] for name, leaf in folded.items()]
        if extra:
            out[i] = Part(Q.Or([*leaves, *extra]), part.required, part.literal)
    return out


def correction(word: str, previous: str | None, vocab: Vocabulary) -> str | None:
    """``suggest._correction`` on what the visible items hold: nearest, then the pair."""
    folded = fold(word)
    found = vocab.candidates(folded)
    if not found:
        return None

    def key(candidate: str) -> tuple[int, int]:
        near = 1 if candidate in swaps(folded) else edit_distance(folded, candidate)
        return near, -vocab.pairs.get((previous, candidate), 0) if previous else 0

    best = sorted(found, key=key)[0]
    if folded != word.lower():  # typed with tones: as the visible items spell it
        best = vocab.spelling.get(best, best)
    return best[:1].upper() + best[1:] if word[:1].isupper() else best


def correction_text(text: str, words: list[str], vocab: Vocabulary) -> str | None:
    """The query text with each unknown word corrected (``did_you_mean``), or None."""
    changed = False
    for i, word in enumerate(words):
        if fold(word) not in vocab.near:
            continue
        better = correction(word, fold(words[i - 1]) if i else None, vocab)
        if better:
            text, changed = _replace_word(text, word, better), True
    return text if changed else None


def wanted_pairs(typed: _Typed, vocab: Vocabulary) -> list[tuple[str, str]]:
    """Every (previous word, candidate) whose count decides a typo or a correction."""
    out = []
    for i, word in typed.parts.items():
        if typed.previous.get(i):
            out += [(typed.previous[i], c) for c in vocab.nearest(word)]
    for i, word in enumerate(typed.words):
        if i and vocab.candidates(fold(word)):
            out += [(fold(typed.words[i - 1]), c) for c in vocab.candidates(fold(word))]
    return list(dict.fromkeys(out))


def spelling_wanted(typed: _Typed, vocab: Vocabulary) -> list[str]:
    """Candidates whose spelling with tones a correction may show (words typed with tones)."""
    out = []
    for word in typed.words:
        folded = fold(word)
        if folded in vocab.near and folded != word.lower():
            out += vocab.candidates(folded)[:MAX_ALTERNATIVES]
    return list(dict.fromkeys(out))
