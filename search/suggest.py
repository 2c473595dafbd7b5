"""Suggestions that never reveal what the audience may not see: "did you mean" and autocomplete.

*Did you mean*: a free word that no visible item contains is replaced by the closest word
(edit distance 1, or 2 for words of five letters and more) that visible items do contain; the
corrected query is offered only when it finds visible items. *Autocomplete*: completions come
from the ``vocab`` entries of the audience's access levels (``vocab.py``), ranked by how many
visible items use them, and titles from visible items; an anonymous visitor never gets a word
that only internal items contain. Place names from the gazetteer ("lang s" → "Lạng Sơn",
"thành phố l" → "thành phố Lạng Sơn") come first, spelt as the gazetteer spells them, but only
names that some visible item writes: the gazetteer is public, yet offering a name no visible
item holds would tell that hidden items do.
"""
from __future__ import annotations

import re
from collections import Counter

from whoosh import query as Q

from archive.errors import UsageError

from .access import access_filter, visible_levels
from .analyzers import fold
from .gazetteer import Gazetteer, default_gazetteer, name_tokens
from .parse import parse_search
from .phrase import PositionalPhrase
from .plan import first_pass
from .snapshot import Snapshot
from .typos import pair_count, swaps, visible_word
from .vocab import SEPARATOR, vocab_key

__all__ = ["did_you_mean", "autocomplete", "visible_word", "edit_distance"]

_CORRECTABLE = re.compile(r"[^\W\d_]{3,}")
_CANDIDATES = 8
_MAX_VOCAB_SCAN = 20_000  # vocab entries read for one completion


def did_you_mean(snap: Snapshot, request, words: list[str], allowed: frozenset[int],
                 gazetteer) -> str | None:
    """The query with unknown words corrected, when that finds visible items; else None."""
    text, changed = request.query, False
    for i, word in enumerate(words):
        if not _CORRECTABLE.fullmatch(word) or visible_word(snap, fold(word), allowed):
            continue
        previous = fold(words[i - 1]) if i else None
        better = _correction(snap, word, allowed, visible_levels(request.audience), previous)
        if better:
            text, changed = _replace_word(text, word, better), True
    if not changed:
        return None
    try:
        parsed = parse_search(text, schema=snap.searcher.schema, gazetteer=gazetteer)
    except UsageError:
        return None
    return text if snap.matching(first_pass(parsed.query), allowed) else None


def _correction(snap: Snapshot, word: str, allowed: frozenset[int], levels: tuple[str, ...],
                previous: str | None = None) -> str | None:
    """The closest visible word, spelt with tones as the visible items mostly spell it.

    Nearest first (two swapped letters are one edit); among equally near words, the one the
    visible items most often write after the previous word ("lang" → "son", not "song"),
    then the corrector's order (by frequency). The typed word's capital is kept.
    """
    folded = fold(word)
    corrector = snap.searcher.corrector("content_f")
    maxdist = 2 if len(folded) >= 5 else 1
    found = list(corrector.suggest(folded, limit=_CANDIDATES, maxdist=maxdist, prefix=1))
    reader = snap.searcher.reader()
    found += [w for w in sorted(swaps(folded)) if w not in found and ("content_f", w) in reader]

    def key(candidate: str) -> tuple[int, int]:
        near = 1 if candidate in swaps(folded) else edit_distance(folded, candidate)
        return near, -pair_count(snap, levels, previous, candidate) if previous else 0

    for candidate in sorted(found, key=key):
        if candidate != folded and visible_word(snap, candidate, allowed):
            better = candidate if folded == word.lower() else _spelling(snap, candidate, levels)
            return better[:1].upper() + better[1:] if word[:1].isupper() else better
    return None


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions).

    >>> edit_distance("ngonn", "ngon"), edit_distance("ngonn", "ngoai")
    (1, 2)
    """
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]


def _spelling(snap: Snapshot, folded: str, levels: tuple[str, ...]) -> str:
    """The most common spelling with tones of a folded word in the visible items' vocab."""
    counts: Counter = Counter()
    reader = snap.searcher.reader()
    for level in levels if "vocab" in snap.searcher.schema else ():
        prefix = f"{vocab_key(level, folded)}{SEPARATOR}"
        for term, info in reader.iter_prefix("vocab", prefix):
            counts[_display(term)] += info.doc_frequency()
    return counts.most_common(1)[0][0] if counts else folded


def _display(term: bytes | str) -> str:
    text = term.decode("utf-8") if isinstance(term, bytes) else term
    return text.rsplit(SEPARATOR, 1)[-1]


def _replace_word(text: str, word: str, better: str) -> str:
    """The text with the first whole occurrence of `word` replaced."""
    return re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", lambda _: better, text, count=1)


# -- autocomplete ---------------------------------------------------------------------------

def autocomplete(snap: Snapshot, text: str, audience: str, limit: int,
                 gazetteer: Gazetteer | None = None) -> dict:
    """{"titles": [{"id", "title"}], "terms": [completed queries]} from visible items only."""
    typed = " ".join(text.split())
    if len(typed) < 2:
        return {"titles": [], "terms": []}
    places = [] if text.endswith(" ") else \
        _places(snap, typed, audience, gazetteer or default_gazetteer())
    terms = places + [t for t in _completions(snap, text, typed, audience, limit)
                      if t not in places]
    return {"titles": _titles(snap, typed, audience, limit), "terms": terms[:limit]}


def _places(snap: Snapshot, typed: str, audience: str, gazetteer: Gazetteer) -> list[str]:
    """The typed text with its last words completed to a place name a visible item writes.

    The longest run of last words that begins a name wins ("thành phố l" → "thành phố Lạng
    Sơn", not "thành phố Lộc Bình"); a run of one word needs two letters, as titles do.
    """
    words = typed.split()
    allowed: frozenset[int] | None = None
    for k in range(min(len(words), gazetteer.longest), 0, -1):
        tail = [name_tokens(w) for w in words[-k:]]
        if any(len(t) != 1 for t in tail) or (k == 1 and len(tail[0][0]) < 2):
            continue  # punctuation or CJK in the run: not a name being typed
        found = gazetteer.completions([t[0] for t in tail])
        if not found:
            continue
        if allowed is None:
            allowed = snap.docs(Q.And([Q.Term("doctype", "item"), access_filter(audience)]))
        head, named, out = " ".join(words[:-k]), set(), []
        for place, name in found:  # per place, its first name a visible item writes
            if place.id not in named and _written(snap, name, allowed):
                named.add(place.id)
                out.append(f"{head} {name}".strip())
        if out:
            return out
    return []


def _written(snap: Snapshot, name: str, allowed: frozenset[int]) -> bool:
    """Whether some allowed item has this name, with its tones, in its title or text."""
    tokens = list(name_tokens(name))
    parts: list[Q.Query] = []
    for field in ("title", "content"):
        parts.append(PositionalPhrase(field, tokens) if len(tokens) > 1
                     else Q.Term(field, tokens[0]))
    return bool(snap.matching(Q.Or(parts), allowed))


def _completions(snap: Snapshot, raw: str, typed: str, audience: str, limit: int) -> list[str]:
    """Completed queries: the last two words completed as a pair first, then the last word."""
    words = typed.split()
    if raw.endswith(" "):
        return []
    tails = ([" ".join(words[-2:])] if len(words) > 1 else []) + [words[-1]]
    seen, out = set(), []
    for tail in tails:  # a pair ("lạng s" → "lạng sơn") says more than a word ("s" → "số")
        if out and " " not in tail:
            break  # pairs found: "lạng số", the last word alone after "lạng", is no query
        entries = _entries(snap, tail, audience)
        for display, _ in sorted(entries.items(), key=lambda kv: (-kv[1], kv[0])):
            query = f"{typed[:len(typed) - len(tail)]}{display}"
            if query not in seen and display != tail.lower():
                seen.add(query)
                out.append(query)
    return out[:limit]


def _entries(snap: Snapshot, tail: str, audience: str) -> Counter:
    """Display forms of the vocab entries completing `tail`, with their visible item counts."""
    folded, lowered = fold(tail), tail.lower()
    accented = folded != lowered
    counts: Counter = Counter()
    reader, scanned = snap.searcher.reader(), 0
    if "vocab" not in snap.searcher.schema:
        return counts  # an index from before autocomplete: `ttdn reindex` fills it
    for level in visible_levels(audience):
        for term, info in reader.iter_prefix("vocab", vocab_key(level, folded)):
            display = _display(term)
            scanned += 1
            if not accented or display.startswith(lowered):
                counts[display] += info.doc_frequency()
            if scanned >= _MAX_VOCAB_SCAN:
                return counts
    return counts


def _titles(snap: Snapshot, typed: str, audience: str, limit: int) -> list[dict]:
    """Visible items whose title holds the typed words, the last one as a prefix."""
    tokens = list(snap.searcher.schema["title_f"].process_text(typed, mode="query"))
    if not tokens or (len(tokens) == 1 and len(tokens[0]) < 2):
        return []  # one letter alone would list half the titles
    parts: list[Q.Query] = [Q.Term("title_f", t) for t in tokens[:-1]]
    parts.append(Q.Prefix("title_f", tokens[-1]))
    allowed = snap.docs(Q.And([Q.Term("doctype", "item"), access_filter(audience)]))
    scored = snap.scored(Q.And(parts) if len(parts) > 1 else parts[0], allowed)
    scored.sort(key=lambda ds: (-ds[1], ds[0]))
    out = []
    for docnum, _ in scored[:limit]:
        stored = snap.searcher.stored_fields(docnum)
        out.append({"id": stored["item_id"], "title": stored.get("title", "")})
    return out
