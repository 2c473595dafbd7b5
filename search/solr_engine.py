"""The Solr engine: the same searches as the Whoosh engine, on a SolrCloud collection.

Chosen by ``TTDN_SEARCH=solr+http://host:port[,host2:port2]/solr/COLLECTION`` (see
``engine.open_engine``); the collection uses the configset in ``solr/configset`` (fields as in
``schema.py``: exact and folded twins, CJK bigrams, whole document numbers).

- **Documents**: each item's document from ``index.item_documents`` (metadata and every page's
  text: ranked, counted, faceted), and one document per page (``doctype:page``) that says which
  pages of the shown items match, for per-page hits and snippets.
- **Queries**: the search box's text is parsed by ``parse.parse_search`` exactly as for Whoosh,
  and the parsed tree (And/Or/Not/Term/Phrase/Prefix/ranges, with the field boosts) is written
  out in Solr's Lucene syntax (``solr_syntax.py``). A plain query (no operator syntax) is
  matched as ``relax.py`` does: every word (edismax, ``mm`` all), else most of them by the
  configset's ``{!coord}`` (``ttdn.solr.CoordQuery``: relaxed matches scored × the share of
  words they hold, relax.py's coordination, in one pass); function words only add to the score.
- **Scores** as Whoosh's: the configset's ``ttdn.solr.WhooshBM25SimilarityFactory`` (solr/)
  gives BM25 Whoosh's idf and the title's field_boost (tf × 3 / 1.5); a phrase matches as a
  phrase but scores as the sum of its words (``phrase.py``; Lucene would score the phrase's
  own frequency); ``proximity.rerank``'s factor for adjacent typed words multiplies the best
  50 matches only, as in Whoosh (``solr_rank.py``: the pairs' counts are pseudo-fields of the
  window's documents, the factor computed and the window re-sorted here); ExactStatsCache
  keeps idf global (without it, 53 % of the judged top tens match, not 94 %; LRUStatsCache
  scored copies of one item differently at 268k pages). A place name written as typed ranks
  its matches above those found through the place's other names only.
- **Typos and "did you mean"** (``solr_typos.py``): the words of a search are checked
  against the visible items inside the search's own request; only an unknown word costs
  requests more (its neighbours one edit away, their pairs and spellings, the search again).
- **Pages**: the query evaluated on the page documents as ``pages.py`` evaluates it.
- **Access** is a filter query (``fq``) on every request: hits, totals, facets, page hits,
  autocomplete, typo candidates, "did you mean" and "more like this" (``solr_similar.py``:
  ties first, as ``similar.py``) all count only what the audience may see.
- **Several hosts** (``solr_client.py``): a request goes to the next host when one does not
  answer (or answers 5xx); a host that failed is tried last for a few seconds.
- **Documents** are built by ``solr_documents.py``.

Not as in Whoosh: a typo's alternatives are ordered by the visible items holding them (Whoosh:
by all items); a page of hits names pages from at most 2,000 matching page documents; "more
like this" takes key terms by Lucene's MoreLikeThis, not Whoosh's Bo1.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field

from whoosh import query as Q

from archive.catalog import Catalog
from archive.errors import NotFound, SearchUnavailable, UsageError
from archive.settings import Settings, solr_target

from .access import visible_levels
from .analyzers import fold, folded_analyzer, normalize_label
from .gazetteer import Gazetteer, default_gazetteer, name_tokens
from .marks import marks_of
from .notices import swap_years
from .parse import parse_search
from .query import Hit, SearchRequest, SearchResult, Searcher, _check, _facet_names
from .relax import RELAX_BELOW, SENTENCE, minimum_should_match
from .pages import MAX_PAGES
from .schema import build_schema
from .similar import KEY_TERMS
from .snippets import make_snippet
from .solr_client import SolrClient
from .solr_documents import solr_documents
from .solr_rank import LITERAL_KEY, Window, listed, proximity, with_json_facet
from .solr_similar import ranked_relatives, ties_query
from .solr_syntax import (
    PAIRS, escaped as _escaped, page_query, quoted as _quoted, to_solr,
)
from .solr_typos import (
    Vocabulary, correction_text, far_wanted, near_params, pair_queries, read_near, read_pairs,
    spelling_wanted, terms_params, typed_words, visibility_facets, visible_counts, wanted_pairs,
    widened_parts, within_two,
)
from .vocab import SEPARATOR, vocab_key

__all__ = ["SolrEngine", "SolrClient", "solr_documents", "to_solr", "MERGED_SEGMENTS"]

_SNIPPET_PAGES = 3
_RELATED_ROWS = 200  # candidates read for "more like this" (ties, then shared text)
_PAGE_ROWS = 2000  # page documents read for one page of hits (an 11-page item is 11)
_BATCH_DOCS = 500  # documents per update request
# Segments a shard keeps after a full reindex. The load leaves dozens (27 and 42 at 1M pages);
# merged to 4, searches read a term's postings in 4 places, not 40: query p95 at 1M pages
# 124 -> 103-110 ms (bench/solr_scale.py); to 1, no better.
MERGED_SEGMENTS = 4
# Text characters per update request: item documents carry every page twice, and a request of
# several megabytes stalls the leader's forwarding to its replica on a loaded machine.
_BATCH_CHARS = 400_000
# A collection this large answers a few keywords by the strict match first (_plain); its size
# is counted again after _SIZE_FOR seconds.
_STRICT_FIRST_ITEMS = 2000
_SIZE_FOR = 600.0
_SIZE_KEY = "ttdn_items"


def _ids_clause(field: str, ids: list[str]) -> str:
    return f"{field}:(" + " OR ".join(_quoted(i) for i in ids) + ")"


@dataclass
class _Found:
    """One /select answer: total, the documents, facet counts."""

    total: int
    docs: list[dict]
    facets: dict
    counts: dict = field(default_factory=dict)  # facet.query key -> count
    json: dict = field(default_factory=dict)  # json.facet answers
    params: dict = field(default_factory=dict)  # what was asked


# -- the engine --------------------------------------------------------------------------------

class SolrEngine:
    """The search interface (``engine.SearchEngine``) on a SolrCloud collection."""

    name = "solr"

    def __init__(self, settings: Settings | None = None, *, url: str | None = None,
                 gazetteer: Gazetteer | None = None) -> None:
        target = solr_target(url or settings.search_url)
        self.client = SolrClient(target.base_urls, target.collection)
        self.gazetteer = gazetteer or default_gazetteer()
        # The Whoosh schema's analyzers parse the search box's text (parse.py) as for Whoosh.
        self._schema = build_schema()
        self._analyzer = folded_analyzer()
        self._size: tuple[int, float] | None = None  # (items, when counted), see _large

    def __enter__(self) -> SolrEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------------

    @staticmethod
    def _visible(audience: str) -> str:
        """The access filter query: never a post-filter, on every request."""
        return "access:(" + " OR ".join(_quoted(lv) for lv in visible_levels(audience)) + ")"

    def _filters(self, request: SearchRequest) -> list[str]:
        fqs = ["doctype:item", self._visible(request.audience)]
        return fqs + [to_solr(q) for q in Searcher._filters(request, self._schema)]

    def search(self, request: SearchRequest, catalog: Catalog) -> SearchResult:
        """One search for one audience: access is a filter, never a post-filter."""
        notices: list = []
        request = swap_years(request, notices)
        _check(request)
        parsed = parse_search(request.query, schema=self._schema, gazetteer=self.gazetteer)
        filters = self._filters(request)
        base = {"fq": filters, "fl": "id,item_id,title,kind,languages,date,"
                "access,score", "start": (request.page - 1) * request.limit,
                "rows": request.limit, "sort": _SORT[request.sort],
                **self._facet_params(_facet_names(request.audience))}
        window = self._window(parsed, request)
        if window is None:
            base.update(self._literal_first(parsed, request))
        # The words that may be unknown are counted over the visible items by the same
        # request (typos.py, suggest.py): a query of known words costs no request more.
        typed = typed_words(parsed, request.suggest and bool(parsed.words))
        checked = typed.folded()
        first = {**base, "json.facet": visibility_facets(checked, filters)} if checked else base
        found, shown_query = self._matches(parsed.parts, parsed.query, first, window)
        unknown = [w for w, n in visible_counts(checked, found.json).items() if n == 0]
        suggestion = None
        if unknown:
            vocab = self._vocabulary(unknown, typed, filters, request.audience)
            parts = widened_parts(parsed.parts, typed, vocab)
            corrected = self._corrected(request, typed.words, vocab)
            # "Did you mean" is offered only when it finds visible items: counted by the
            # widened search's request when there is one, else by a request of its own.
            check = {"json.facet": json.dumps({"dym": {
                "type": "query", "q": corrected[1],
                "domain": {"query": "*:*", "filter": filters}}})} if corrected else {}
            counted: dict = {}
            if parts != parsed.parts:
                found, shown_query = self._matches(parts, parsed.query, {**base, **check},
                                                   window, widened=True)
                counted = found.json
            elif corrected:
                counted = self._select({"q": "*:*", "defType": "lucene", "rows": 0,
                                        "fq": filters, **check}).json
            if corrected and int((counted.get("dym") or {}).get("count", 0)):
                suggestion = corrected[0]
        facets = self._facet_counts(found.facets, _facet_names(request.audience))
        docs = self._page_of(found, window)
        hits = self._hits(docs, shown_query, request.audience, catalog)
        expansions = {typed: list(names) for typed, names in parsed.expansions}
        return SearchResult(found.total, hits, facets, suggestion, expansions,
                            notices + list(getattr(parsed, "notices", [])))

    def _window(self, parsed, request: SearchRequest) -> Window | None:
        """The best matches re-scored for proximity (solr_rank.py), or None: another order
        than relevance, or no pair of adjacent typed words."""
        if request.sort != "relevance":
            return None
        fields, field_params = proximity(parsed.runs)
        if not fields:
            return None
        literal = self._literal_first(parsed, request).get("lit")
        return Window(fields, field_params, (request.page - 1) * request.limit,
                      request.limit, literal)

    def _page_of(self, found: _Found, window: Window | None) -> list[dict]:
        """The page's documents: as Solr ordered them, or the window re-scored; literal
        matches beyond the window asked for when the page needs them (rarely)."""
        if window is None:
            return found.docs
        outside: list[dict] = []
        missing = window.missing_literal(found.docs, int(found.counts.get(LITERAL_KEY, 0)))
        if missing:
            params = {k: v for k, v in found.params.items()
                      if not k.startswith(("facet", "json.facet"))}
            params.update({"fq": listed(params.get("fq")) + ["{!lucene v=$lit}"],
                           "fl": "id,item_id,title,kind,languages,date,access,score",
                           "start": 0, "rows": missing})
            outside = self._select(params).docs
        return window.order(found.docs, outside)

    def _matches(self, parts: list, query: Q.Query, base: dict, window: Window | None, *,
                 widened: bool = False) -> tuple[_Found, Q.Query]:
        """The matches of a plain query's parts (relaxed as relax.py) or of a Boolean query,
        and the query that names pages and marks snippets."""
        if window is not None:
            base = window.params(base)
        if parts:
            found, relaxed = self._plain(parts, base)
            if relaxed or widened:  # pages and snippets from any word
                return found, Q.Or([p.query for p in parts if p.required]
                                   or [p.query for p in parts])
            return found, query
        return self._select({**base, "q": to_solr(query), "defType": "lucene"}), query

    @staticmethod
    def _literal_first(parsed, request: SearchRequest) -> dict:
        """Every match holding a place name as typed before those found through its other
        names only (``Searcher._rank``): a sort on whether the literal query matches."""
        if request.sort != "relevance":
            return {}
        literal = parsed.literal
        if parsed.parts:  # a plain query: the place names as typed, whatever else matched
            places = [p.literal for p in parsed.parts if p.literal is not None]
            literal = Q.And(places) if places else parsed.query
        if literal is parsed.query:
            return {}
        return {"lit": to_solr(literal),
                "sort": f"if(query($lit,0),1,0) desc,{_SORT['relevance']}"}

    def _vocabulary(self, unknown: list[str], typed, filters: list[str],
                    audience: str) -> Vocabulary:
        """The visible words one edit from the unknown ones, their pairs and spellings."""
        vocab = Vocabulary()
        reply = self._select(near_params(unknown, filters))
        vocab.near = read_near(unknown, reply.facets)
        # A long word with nothing visible one edit away: did-you-mean looks two away, among
        # the indexed words the terms component lists, counted over the visible items.
        far = {}
        for word in far_wanted(typed, vocab):
            indexed = self.client.select(terms_params(word)).get("terms", {}).get("content_f", [])
            found = within_two(word, indexed[::2])
            if found:
                far[word] = found
        if far:
            words = list(far)
            vocab.far = read_near(words, self._select(near_params(words, filters, far)).facets)
        pairs = wanted_pairs(typed, vocab)
        spell = spelling_wanted(typed, vocab)
        if not pairs and not spell:
            return vocab
        levels = visible_levels(audience)
        fields = [f"{{!key=s{i}_{j} facet.prefix={_local(vocab_key(lv, w) + SEPARATOR)}}}vocab"
                  for i, w in enumerate(spell) for j, lv in enumerate(levels)]
        params = {"q": "*:*", "defType": "lucene", "rows": 0, "facet": "true",
                  "facet.mincount": 1, "facet.limit": 20, "fq": ["doctype:item",
                                                                 self._visible(audience)],
                  "facet.query": pair_queries(pairs, levels), "facet.field": fields}
        reply = self._select(params)
        vocab.pairs = read_pairs(pairs, levels, reply.counts)
        for i, word in enumerate(spell):
            counts: Counter = Counter()
            for j in range(len(levels)):
                flat = reply.facets.get(f"s{i}_{j}", [])
                for term, count in zip(flat[::2], flat[1::2]):
                    counts[term.rsplit(SEPARATOR, 1)[-1]] += count
            if counts:
                vocab.spelling[word] = counts.most_common(1)[0][0]
        return vocab

    def _corrected(self, request: SearchRequest, words: list[str],
                   vocab: Vocabulary) -> tuple[str, str] | None:
        """``did_you_mean``'s corrected text and its query in Solr's syntax, or None."""
        text = correction_text(request.query, words, vocab) if words else None
        if text is None:
            return None
        try:
            parsed = parse_search(text, schema=self._schema, gazetteer=self.gazetteer)
        except UsageError:
            return None
        return text, to_solr(parsed.query)

    def _plain(self, parts, base: dict) -> tuple[_Found, bool]:
        """Every required word first, then most of them (relax.py's rule).

        One request in the usual case. On a large collection (:data:`_STRICT_FIRST_ITEMS`)
        a few keywords mostly find ten items holding them all: the strict match is asked
        first, and the relaxed one only when it finds fewer. On a small one the relaxed
        matches are asked first, counting the all-word ones beside them (a facet query); the
        strict match only when those are enough (RELAX_BELOW). A question or a long query
        is relaxed whatever it finds: one request. A relaxed match is scored as
        ``relax.score_plain`` does: its words' scores times the share of words it holds.
        """
        anything = any(p.required for p in parts)
        required = [p for p in parts if p.required or not anything]
        optional = [p for p in parts if anything and not p.required]
        words = [to_solr(p.query) for p in required]
        extra = [to_solr(p.query) for p in optional]
        # The strict match: every word, scored as their sum (edismax, mm = all).
        strict = {**base, "defType": "edismax", "q.op": "OR", "mm": str(len(words)),
                  "q": " ".join(f"({w})" for w in words)}
        if extra:
            strict["bq"] = extra
        n = len(required)
        if n == 1:
            return self._select(strict), False
        sentence = bool(optional) or n >= SENTENCE  # relax._sentence
        need = minimum_should_match(n)
        if sentence:
            found = self._relaxed(base, words, extra, need)
        elif self._large():
            first = self._select(strict)
            if first.total >= RELAX_BELOW:
                return first, False
            found = self._relaxed(base, words, extra, need)
        else:
            found = self._relaxed(base, words, extra, need, count_all=True)
            if found.counts.get("all", 0) >= RELAX_BELOW:
                return self._select(strict), False
        while need > 1 and found.total == 0:
            need -= 1
            found = self._relaxed(base, words, extra, need)
        return found, True

    def _large(self) -> bool:
        """Whether the collection held :data:`_STRICT_FIRST_ITEMS` items or more when last
        counted (by a relaxed request, at most :data:`_SIZE_FOR` seconds ago)."""
        counted = self._size
        return counted is not None and time.monotonic() < counted[1] + _SIZE_FOR \
            and counted[0] >= _STRICT_FIRST_ITEMS

    def _relaxed(self, base: dict, words: list[str], extra: list[str], need: int, *,
                 count_all: bool = False) -> _Found:
        """Matches holding `need` of the words, scored × (words held / words), relax.py's
        coordination, by the configset's ``{!coord}`` (solr/: ``ttdn.solr.CoordQuery``);
        with `count_all`, also how many hold every word (``counts["all"]``) and how many
        items the collection holds (for :meth:`_large`)."""
        n = len(words)
        params = {**base, **{f"w{i}": w for i, w in enumerate(words)},
                  **{f"o{j}": o for j, o in enumerate(extra)},
                  "q": f"{{!coord n={n} need={need} optional={len(extra)}}}"}
        if not count_all:
            return self._select(params)
        params["facet"] = "true"
        params["facet.query"] = listed(params.get("facet.query")) + [
            f"{{!coord n={n} need={n} key=all}}"]
        params = with_json_facet(params, _SIZE_KEY, {
            "type": "query", "q": "doctype:item", "domain": {"query": "*:*"}})
        found = self._select(params)
        size = (found.json.get(_SIZE_KEY) or {}).get("count")
        if size is not None:
            self._size = (int(size), time.monotonic())
        return found

    def _select(self, params: dict) -> _Found:
        try:
            reply = self.client.select(params)
        except UsageError as err:
            missing = [f for f in PAIRS.values() if f"undefined field {f}" in str(err)]
            if missing:
                raise SearchUnavailable(
                    f"the Solr collection {self.client.collection!r} was made with an older "
                    f"configset (it has no field {missing[0]}): upload solr/configset to it "
                    f"and run `ttdn reindex`") from err
            raise
        response = reply.get("response", {})
        counts = reply.get("facet_counts", {})
        return _Found(int(response.get("numFound", 0)), response.get("docs", []),
                      counts.get("facet_fields", {}), counts.get("facet_queries", {}),
                      reply.get("facets", {}), params)

    @staticmethod
    def _facet_params(names: list[str]) -> dict:
        return {"facet": "true", "facet.mincount": 1, "facet.limit": -1,
                "facet.field": [f"{{!key={name}}}{_FACET_FIELD.get(name, name + '_shown')}"
                                for name in names]}

    @staticmethod
    def _facet_counts(raw: dict, names: list[str]) -> dict:
        """{facet: {value: count}} most frequent first, as ``facets.count_facets`` gives."""
        out = {}
        for name in names:
            flat = raw.get(name, [])
            counts: Counter = Counter()
            spelled: dict[str, Counter] = {}
            for value, count in zip(flat[::2], flat[1::2]):
                if name in ("places", "subjects"):  # one value per normalized label
                    key = normalize_label(value)
                    spelled.setdefault(key, Counter())[value] += count
                    counts[key] += count
                elif value not in (None, ""):
                    counts[str(value)] += count
            if spelled:
                counts = Counter({spelled[k].most_common(1)[0][0]: c for k, c in counts.items()})
            out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def _hits(self, docs: list[dict], query: Q.Query, audience: str,
              catalog: Catalog) -> list[Hit]:
        ids = [d["item_id"] for d in docs]
        pages = self._pages(query, ids, audience)
        words = marks_of(query)
        # The snippets' pages and the sources of the whole page of hits: two catalog reads,
        # as the Whoosh engine does (not every page of every item).
        texts = catalog.page_texts((i, n) for i in ids for n in pages.get(i, [])[:_SNIPPET_PAGES])
        sources = catalog.first_sources(ids)
        return [self._hit(doc, pages.get(doc["item_id"], []), words, catalog, texts, sources)
                for doc in docs]

    def _pages(self, query: Q.Query, item_ids: list[str], audience: str
               ) -> dict[str, list[int]]:
        """Each shown item's matching pages, best first, from the page documents."""
        q = page_query(query)
        if q is None or not item_ids:
            return {}
        reply = self._select({"q": q, "defType": "lucene", "fl": "item_id,page,score",
                              "fq": ["doctype:page", self._visible(audience),
                                     _ids_clause("item_id", item_ids)],
                              "rows": _PAGE_ROWS, "sort": "score desc,page asc"})
        out: dict[str, list[int]] = {}
        for doc in reply.docs:
            pages = out.setdefault(doc["item_id"], [])
            if len(pages) < MAX_PAGES:  # as Whoosh: the weakest pages past these dropped
                pages.append(int(doc["page"]))
        return out

    def _hit(self, doc: dict, pages: list[int], words, catalog: Catalog, texts: dict,
             sources: dict) -> Hit:
        item_id = doc["item_id"]
        snippets = [{"page": n, "text": make_snippet(texts.get((item_id, n), ""), words,
                                                     self._analyzer)}
                    for n in pages[:_SNIPPET_PAGES]]
        source = sources.get(item_id)
        if source is None:
            item = catalog.get_item(item_id)
            source = item.identifier if item else None
        return Hit(id=item_id, title=doc.get("title", ""), kind=doc.get("kind", ""),
                   languages=list(doc.get("languages", [])), date=doc.get("date"),
                   access=doc.get("access", ""), source=source,
                   score=round(float(doc.get("score", 0.0)), 4),
                   snippet=snippets[0]["text"] if snippets else "",
                   pages=sorted(pages), snippets=snippets)

    def autocomplete(self, text: str, *, audience: str = "public", limit: int = 8) -> dict:
        """``{"titles": [{"id", "title"}], "terms": [...]}`` from items the audience may see."""
        visible_levels(audience)
        typed = " ".join(text.split())
        if len(typed) < 2:
            return {"titles": [], "terms": []}
        places = [] if text.endswith(" ") else self._places(typed, audience)
        terms = places + [t for t in self._completions(text, typed, audience, limit)
                          if t not in places]
        return {"titles": self._titles(typed, audience, limit), "terms": terms[:limit]}

    def _titles(self, typed: str, audience: str, limit: int) -> list[dict]:
        tokens = list(self._schema["title_f"].process_text(typed, mode="query"))
        if not tokens or (len(tokens) == 1 and len(tokens[0]) < 2):
            return []  # one letter alone would list half the titles
        q = " ".join([f"+title_f:{_quoted(t)}" for t in tokens[:-1]]
                     + [f"+title_f:{_escaped(tokens[-1])}*"])
        found = self._select({"q": q, "defType": "lucene", "rows": limit,
                              "fq": ["doctype:item", self._visible(audience)],
                              "fl": "item_id,title", "sort": "score desc,id asc"})
        return [{"id": d["item_id"], "title": d.get("title", "")} for d in found.docs]

    def _places(self, typed: str, audience: str) -> list[str]:
        """The last words completed to a place name a visible item writes (see suggest.py)."""
        words = typed.split()
        for k in range(min(len(words), self.gazetteer.longest), 0, -1):
            tail = [name_tokens(w) for w in words[-k:]]
            if any(len(t) != 1 for t in tail) or (k == 1 and len(tail[0][0]) < 2):
                continue
            found = self.gazetteer.completions([t[0] for t in tail])
            if not found:
                continue
            head, named, out = " ".join(words[:-k]), set(), []
            for place, name in found:
                if place.id not in named and self._written(name, audience):
                    named.add(place.id)
                    out.append(f"{head} {name}".strip())
            if out:
                return out
        return []

    def _written(self, name: str, audience: str) -> bool:
        """Whether some visible item has this name, with its tones, in its title or text."""
        phrase = _quoted(" ".join(name_tokens(name)))
        found = self._select({"q": f"title:{phrase} OR content:{phrase}", "defType": "lucene",
                              "rows": 0, "fq": ["doctype:item", self._visible(audience)]})
        return found.total > 0

    def _completions(self, raw: str, typed: str, audience: str, limit: int) -> list[str]:
        words = typed.split()
        if raw.endswith(" "):
            return []
        tails = ([" ".join(words[-2:])] if len(words) > 1 else []) + [words[-1]]
        seen, out = set(), []
        for tail in tails:
            if out and " " not in tail:
                break
            for display, _ in sorted(self._entries(tail, audience).items(),
                                     key=lambda kv: (-kv[1], kv[0])):
                query = f"{typed[:len(typed) - len(tail)]}{display}"
                if query not in seen and display != tail.lower():
                    seen.add(query)
                    out.append(query)
        return out[:limit]

    def _entries(self, tail: str, audience: str) -> Counter:
        """Display forms of the vocab entries completing `tail`, counted over visible items."""
        folded, lowered = fold(tail), tail.lower()
        accented = folded != lowered
        levels = visible_levels(audience)
        fields = [f"{{!key=v{i} facet.prefix={_local(vocab_key(level, folded))}}}vocab"
                  for i, level in enumerate(levels)]
        reply = self.client.select({"q": "*:*", "rows": 0, "facet": "true",
                                    "facet.mincount": 1, "facet.limit": 200,
                                    "facet.field": fields,
                                    "fq": ["doctype:item", self._visible(audience)]})
        counts: Counter = Counter()
        raw = reply.get("facet_counts", {}).get("facet_fields", {})
        for i in range(len(levels)):
            flat = raw.get(f"v{i}", [])
            for term, count in zip(flat[::2], flat[1::2]):
                display = term.rsplit(SEPARATOR, 1)[-1]
                if not accented or display.startswith(lowered):
                    counts[display] += count
        return counts

    def more_like_this(self, item_id: str, catalog: Catalog, *, audience: str = "staff",
                       limit: int = 10) -> SearchResult:
        """Items like this one that the audience may see (NotFound if it may not see it)."""
        visible = self._visible(audience)
        seen = self._select({"q": f"id:{_quoted(item_id)}", "defType": "lucene", "rows": 0,
                             "fq": ["doctype:item", visible]})
        if seen.total == 0:  # a forbidden item and a missing one look the same
            raise NotFound(f"no item {item_id!r}")
        item = catalog.get_item(item_id)
        if item is None:
            raise NotFound(f"no item {item_id!r}")
        # Ties first, shared text only orders them (solr_similar.py, as similar.py).
        common = {"fq": ["doctype:item", visible, f"-id:{_quoted(item_id)}"],
                  "fl": "id,item_id,title,kind,languages,date,access,score",
                  "rows": _RELATED_ROWS, "defType": "lucene"}
        text = self._select({
            **common, "q": f"{{!mlt qf=mlt_text mintf=1 mindf=1 maxqt={KEY_TERMS}}}{item_id}"})
        ties = ties_query(item, catalog, self._schema, to_solr, _quoted)
        tied = self._select({**common, "q": ties}).docs if ties else []
        ranked = ranked_relatives(tied, text.docs, item.kind)
        shown = [doc for doc, _ in ranked[:limit]]
        sources = catalog.first_sources(d["item_id"] for d in shown)
        hits = [self._hit(doc, [], None, catalog, {}, sources) for doc in shown]
        for hit, (_, rank) in zip(hits, ranked):
            hit.score = round(rank, 4)
        return SearchResult(len(ranked), hits, {})

    def refresh(self) -> None:
        """See the latest commit now (writes here commit before they return)."""
        self.client.request("update", params={"wt": "json", "softCommit": "true"}, json=[])

    # -- writing ---------------------------------------------------------------------------------

    def index_items(self, catalog: Catalog, versions: list[tuple[str, int]]) -> int:
        """Write these item versions in one commit, then ``catalog.mark_indexed(versions)``."""
        if not versions:
            return 0
        self._write(catalog, [item_id for item_id, _ in versions])
        catalog.mark_indexed(versions)
        return len(versions)

    def _write(self, catalog: Catalog, item_ids: list[str], *, replace: bool = True) -> None:
        """Delete these items' documents and add them again from the catalog; one commit."""
        docs: list[dict] = []
        size = 0
        for start in range(0, len(item_ids), 200) if replace else ():
            # Pages an edit removed go too: the page documents are found by item_id.
            self.client.update({"delete": {"query": _ids_clause("item_id",
                                                                item_ids[start:start + 200])}})
        for item_id in item_ids:
            item = catalog.get_item(item_id)
            if item is not None:
                added = solr_documents(item, catalog.pages(item_id))
                docs.extend(added)
                size += sum(len(d.get("content") or d.get("page_text") or "") for d in added)
            if len(docs) >= _BATCH_DOCS or size >= _BATCH_CHARS:
                self.client.update(docs)
                docs, size = [], 0
        self.client.update(docs, commit=True)

    def remove_items(self, item_ids: list[str]) -> int:
        """Delete these items from the index in one commit; documents removed."""
        if not item_ids:
            return 0
        clause = _ids_clause("item_id", list(item_ids))
        count = self._select({"q": clause, "defType": "lucene", "rows": 0}).total
        self.client.update({"delete": {"query": clause}}, commit=True)
        return count

    def sync(self, catalog: Catalog, *, batch: int = 50) -> int:
        """Index every item whose newest version the index lacks; items indexed."""
        done = 0
        while versions := catalog.dirty_items(batch):
            done += self.index_items(catalog, versions)
        return done

    def rebuild(self, catalog: Catalog, *, procs: int | None = None) -> int:
        """Throw the collection's documents away and index the catalog again; items indexed."""
        self.client.update({"delete": {"query": "*:*"}})
        catalog.mark_all_dirty()
        versions = catalog.dirty_items(limit=10**9)
        self._write(catalog, [item_id for item_id, _ in versions], replace=False)
        catalog.mark_indexed(versions)
        self.merge_segments()
        return len(versions)

    def merge_segments(self, segments: int = MERGED_SEGMENTS) -> None:
        """Merge each shard's index into at most `segments` segments, as after any bulk load
        (Solr's optimize); searches answer meanwhile, from the segments before the merge."""
        self.client.merge(segments)

    def indexed_item_ids(self) -> set[str]:
        """The id of every item the index holds (for ``ttdn verify``); a collection made with
        an older configset is named first, as its searches would name it."""
        self._select({"q": " OR ".join(f'{f}:"x y"' for f in PAIRS.values()),
                      "defType": "lucene", "rows": 0})
        ids, cursor = set(), "*"
        while True:
            reply = self.client.select({"q": "doctype:item", "fl": "id", "rows": 1000,
                                        "sort": "id asc", "cursorMark": cursor})
            ids.update(d["id"] for d in reply["response"]["docs"])
            following = reply.get("nextCursorMark", cursor)
            if following == cursor:
                return ids
            cursor = following

    def close(self) -> None:
        """Nothing to release but idle connections."""
        session = getattr(self.client._local, "session", None)
        if session is not None:
            session.close()


_SORT = {"relevance": "score desc,id asc", "date": "date desc,score desc,id asc",
         "title": "sort_title asc,score desc,id asc"}
# Facet name -> the Solr field counted (labels count their catalog spelling: *_shown).
_FACET_FIELD = {"kind": "kind", "languages": "languages", "year": "year_label",
                "access": "access"}


def _local(value: str) -> str:
    """A value inside local params {!...}: quoted, with quotes and backslashes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
