"""A second baseline: plain BM25 over folded syllables, every query word optional (OR).

What a textbook engine does with no knowledge of Vietnamese beyond folding: one bag of words per
item (title and everything else, as ``fts.py`` gives FTS5), Lucene's BM25 (k1 = 1.2, b = 0.75,
idf = ln(1 + (N - n + 0.5) / (n + 0.5))), the query's words OR-ed. Questions are the case it is
for: it never finds nothing, and common words weigh almost nothing by their idf alone.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from search.analyzers import fold

from .collection import Doc, item_text

__all__ = ["BM25Index", "words"]

_WORD = re.compile(r"\w+")
_K1, _B = 1.2, 0.75


def words(text: str) -> list[str]:
    """Folded word runs (CJK runs as character bigrams).

    >>> words("Lạng Sơn 谅山省")
    ['lang', 'son', '谅山', '山省']
    """
    out = []
    for run in _WORD.findall(fold(text)):
        if "\u4e00" <= run[0] <= "\u9fff" and len(run) > 1:
            out += [run[i:i + 2] for i in range(len(run) - 1)]
        else:
            out.append(run)
    return out


@dataclass
class BM25Index:
    """Term frequencies per item, with the statistics BM25 needs."""

    sources: list[str]
    tfs: list[Counter]
    lengths: list[int]
    df: Counter

    @classmethod
    def build(cls, docs: list[Doc]) -> BM25Index:
        """Index the docs (title and body in one bag)."""
        sources, tfs = [], []
        for doc in docs:
            sources.append(doc.item.identifier if doc.source.startswith("record:")
                           else doc.source)
            tfs.append(Counter(words(f"{doc.item.title or ''}\n{item_text(doc)}")))
        df = Counter(w for tf in tfs for w in tf)
        return cls(sources, tfs, [sum(tf.values()) for tf in tfs], df)

    def rank(self, text: str, limit: int = 10) -> list[str]:
        """Sources of the best `limit` items for the words of `text`, best first."""
        n, avg = len(self.tfs), (sum(self.lengths) / len(self.lengths)) if self.lengths else 1
        query = set(words(text))
        scores = []
        for i, tf in enumerate(self.tfs):
            score = 0.0
            for w in query:
                f = tf.get(w)
                if f:
                    idf = math.log(1 + (n - self.df[w] + 0.5) / (self.df[w] + 0.5))
                    norm = _K1 * (1 - _B + _B * self.lengths[i] / avg)
                    score += idf * f * (_K1 + 1) / (f + norm)
            if score > 0:
                scores.append((-score, i))
        return [self.sources[i] for _, i in sorted(scores)[:limit]]
