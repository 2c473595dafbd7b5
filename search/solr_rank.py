"""Ranking on Solr as the Whoosh engine ranks: proximity over the best matches only.

Whoosh multiplies the best :data:`proximity.RERANK_DEPTH` matches (or as many as the page
reaches) by a factor for the typed words found side by side (``proximity.rerank``), then puts
the matches holding a place name as typed first (``Searcher._rank``). Solr did it with a
boost function on every match, which read each pair's positions in every matching item: most
of a multi-word query's time at scale. Here one request asks for the best matches by score
(the whole window, merged across shards as one index would rank them) with each pair's counts
and the literal flag as pseudo-fields, which Solr computes for the returned documents only;
the factor is computed and the window re-sorted here (:func:`factor`, :meth:`Window.order`).

Not Solr's ReRank query parser (``rq={!rerank reRankOperator=multiply}``): it re-scores each
shard's own best N, so items outside the collection's best N would be boosted too, and it
re-sorts by score alone, which loses "literal places first".
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from .proximity import PAIR_BONUS, RERANK_DEPTH, TITLE_PAIR_BONUS, _COUNT_HALF, _COUNT_SHARE
from .solr_syntax import PAIRS_FIELD, quoted

__all__ = ["proximity", "factor", "Window", "with_json_facet", "listed", "LITERAL_KEY"]

LITERAL_KEY = "ttdn_literal"  # facet.query key: how many matches hold the places as typed
_SCORE_ORDER = "score desc,id asc"


def proximity(runs: list[tuple[str, ...]]) -> tuple[list[str], dict]:
    """What ``proximity.rerank`` reads, as pseudo-fields of the window's documents (and the
    params they refer to): per pair of adjacent typed words, how often it stands side by side
    in the text (``c0``: the pair is one term of ``content_pairs_f``, scored by its frequency)
    and whether it does in the title (``t0``). :func:`factor` turns them into the factor."""
    params, fields = {}, []
    for run in runs:
        for first, second in zip(run, run[1:]):
            i = len(fields) // 2
            pair = quoted(f"{first} {second}")
            params[f"px{i}"] = f"{PAIRS_FIELD}:{pair}"
            params[f"pt{i}"] = f"title_f:{pair}"
            fields += [f"c{i}:query($px{i},0)", f"t{i}:query($pt{i},0)"]
    return fields, params


def factor(doc: dict, pairs: int) -> float:
    """``proximity._factor`` from a document's pair counts (:func:`proximity`'s fields):
    1 + (Σ pairs [0.7·found + 0.3·c/(c+2)] in the text + Σ pairs found in the title) / pairs.
    """
    if not pairs:
        return 1.0
    in_text = in_title = 0.0
    for i in range(pairs):
        count = round(float(doc.get(f"c{i}") or 0.0))
        in_text += (1 - _COUNT_SHARE) * bool(count) + _COUNT_SHARE * count / (count + _COUNT_HALF)
        in_title += bool(float(doc.get(f"t{i}") or 0.0))
    return 1.0 + (PAIR_BONUS * in_text + TITLE_PAIR_BONUS * in_title) / pairs


def with_json_facet(params: dict, name: str, spec: dict) -> dict:
    """`params` with one more ``json.facet`` entry (merged into any already asked for)."""
    facets = json.loads(params.get("json.facet") or "{}")
    facets[name] = spec
    return {**params, "json.facet": json.dumps(facets)}


def listed(value) -> list:
    """A request parameter's values as a list (absent: none)."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


@dataclass
class Window:
    """The best matches of a relevance search, re-scored for proximity and literal places."""

    fields: list[str]  # the pair counts asked per document (proximity())
    field_params: dict  # the pair queries they refer to
    start: int  # the page's first match (0-based) and its length
    limit: int
    literal: str | None = None  # the places as typed, in Solr syntax, when they rank first

    @property
    def size(self) -> int:
        """How many of the best matches are re-scored: as Whoosh, at least the depth."""
        return max(RERANK_DEPTH, self.start + self.limit)

    def params(self, base: dict) -> dict:
        """`base` (a page request) asking for the whole window by score, with each pair's
        counts and, when places rank first, the literal flag (``lit``) and count."""
        fl = ",".join([base["fl"], *self.fields])
        out = {**base, **self.field_params, "start": 0, "rows": self.size,
               "sort": _SCORE_ORDER}
        if self.literal is not None:
            fl += ",lit:query($lit,0)"
            out["lit"] = self.literal
            out["facet"] = "true"
            out["facet.query"] = listed(base.get("facet.query")) + [
                f"{{!lucene key={LITERAL_KEY} v=$lit}}"]
        out["fl"] = fl
        return out

    def missing_literal(self, docs: list[dict], literal_total: int) -> int:
        """How many literal matches beyond the window the page needs (0: none)."""
        if self.literal is None:
            return 0
        inside = sum(1 for d in docs if _literal(d))
        wanted = self.start + self.limit
        if inside >= wanted or literal_total <= inside:
            return 0
        return wanted

    def order(self, docs: list[dict], outside: list[dict] = ()) -> list[dict]:
        """The page: the window's documents × their factor, literal ones first (then the
        literal matches from beyond the window, `outside`, unboosted as in Whoosh)."""
        pairs = len(self.fields) // 2
        ranked = []
        for doc in docs:
            shown = {k: v for k, v in doc.items() if not _asked(k)}
            shown["score"] = float(doc.get("score", 0.0)) * factor(doc, pairs)
            ranked.append((_literal(doc), shown))
        inside = {d["id"] for _, d in ranked}
        ranked += [(True, dict(d)) for d in outside if d["id"] not in inside]
        if self.literal is not None:
            ranked.sort(key=lambda ld: (not ld[0], -ld[1]["score"], ld[1]["id"]))
        else:
            ranked.sort(key=lambda ld: (-ld[1]["score"], ld[1]["id"]))
        return [d for _, d in ranked[self.start:self.start + self.limit]]


def _literal(doc: dict) -> bool:
    return bool(float(doc.get("lit") or 0.0))


def _asked(name: str) -> bool:
    """Whether a returned field is one the window asked for (c0, t0, lit), not shown."""
    return name == "lit" or (name[:1] in "ct" and name[1:].isdigit())
