"""Typo tolerance: a word no item holds also matches the indexed words one edit away.

Only for a plain query's required words of :data:`MIN_LETTERS` letters or more whose folded
form occurs in no item (the exact query finds nothing for that word): "thuc an chan nuio"
then also looks for "nuoi" (a transposition) and "nui". An edit is an insertion, deletion,
substitution or swap of two neighbouring letters (Damerau), on folded terms. The alternatives
weigh :data:`TYPO_BOOST` of the typed word, so an item holding the word as typed (in a field
not searched here, a title) is never outranked by a guess. "No item" and the candidates are
judged on the items the audience may see only: otherwise whether a query is widened would tell
a visitor that some restricted item holds the word.

>>> sorted(swaps("nuio"))
['niuo', 'nuoi', 'unio']
"""
from __future__ import annotations

from whoosh import query as Q
from whoosh.reading import TermNotFound

from .question import Part
from .snapshot import Snapshot
from .vocab import SEPARATOR, vocab_key

__all__ = ["MIN_LETTERS", "TYPO_BOOST", "MAX_ALTERNATIVES", "with_typos", "swaps", "pair_count",
           "visible_word"]

MIN_LETTERS = 4
TYPO_BOOST = 0.5
MAX_ALTERNATIVES = 8  # most frequent first: a short word can be one edit from dozens
_FOLDED = ("title_f", "content_f")


def swaps(word: str) -> set[str]:
    """The word with two neighbouring letters swapped, each way it can be."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)
            if word[i] != word[i + 1]}


def with_typos(snap: Snapshot, parts: list[Part], levels: tuple[str, ...],
               allowed: frozenset[int]) -> list[Part]:
    """The parts, a required unknown word's ones widened to the indexed words one edit away.

    When some of those follow the previous word in the visible items' vocabulary ("doi" →
    "ngoai", as in đối ngoại, rather than "nguoi"), only the most frequent such pairs count.
    """
    out, previous = [], None
    for part in parts:
        folded = _folded_terms(part)
        out.append(_widened(snap, part, folded, previous, levels, allowed) if part.required
                   else part)
        previous = folded["content_f"].text if "content_f" in folded else None
    return out


def _folded_terms(part: Part) -> dict[str, Q.Term]:
    """A one-word part's folded terms by field (empty for phrases, places and compounds)."""
    leaves = list(part.query.subqueries) if type(part.query) is Q.Or else [part.query]
    if len(leaves) > 4 or not all(type(leaf) is Q.Term for leaf in leaves):
        return {}
    return {leaf.fieldname: leaf for leaf in leaves if leaf.fieldname in _FOLDED}


def _widened(snap: Snapshot, part: Part, folded: dict[str, Q.Term], previous: str | None,
             levels: tuple[str, ...], allowed: frozenset[int]) -> Part:
    if "content_f" not in folded:
        return part
    word = folded["content_f"].text
    if len(word) < MIN_LETTERS or not word.isalpha() or visible_word(snap, word, allowed):
        return part
    near = [w for w in _near(snap, word) if visible_word(snap, w, allowed)]
    alternatives = sorted(near, key=lambda w: (-_frequency(snap, w), w))
    if previous:
        pairs = {w: pair_count(snap, levels, previous, w) for w in alternatives}
        best = max(pairs.values(), default=0)
        if best > 0:
            alternatives = [w for w in alternatives if pairs[w] == best]
    leaves = list(part.query.subqueries) if type(part.query) is Q.Or else [part.query]
    extra = [Q.Term(name, alt, boost=leaf.boost * TYPO_BOOST)
             for alt in alternatives[:MAX_ALTERNATIVES] for name, leaf in folded.items()]
    if not extra:
        return part
    return Part(Q.Or([*leaves, *extra]), part.required, part.literal)


def _near(snap: Snapshot, word: str) -> set[str]:
    """Indexed folded words one edit from `word` (first letter kept, as typos rarely hit it)."""
    reader = snap.searcher.reader()
    found = set(reader.terms_within("content_f", word, 1, prefix=1))
    found.update(w for w in swaps(word) if ("content_f", w) in reader)
    found.discard(word)
    return found


def pair_count(snap: Snapshot, levels: tuple[str, ...], first: str, second: str) -> int:
    """Visible items (of these levels) whose vocabulary holds the folded pair `first second`."""
    if "vocab" not in snap.searcher.schema:
        return 0
    reader, total = snap.searcher.reader(), 0
    for level in levels:
        prefix = f"{vocab_key(level, f'{first} {second}')}{SEPARATOR}"
        total += sum(info.doc_frequency() for _, info in reader.iter_prefix("vocab", prefix))
    return total


def visible_word(snap: Snapshot, folded: str, allowed: frozenset[int]) -> bool:
    """Whether some allowed item has this (folded) word in its text."""
    for sub, offset in snap.searcher.leaf_searchers():
        try:
            matcher = sub.reader().postings("content_f", folded)
        except TermNotFound:
            continue
        if any(d + offset in allowed for d in matcher.all_ids()):
            return True
    return False


def _frequency(snap: Snapshot, word: str) -> int:
    return snap.searcher.doc_frequency("content_f", word)
