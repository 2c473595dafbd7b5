"""The Solr engine: the same searches as the Whoosh engine, on a SolrCloud collection.

Chosen by ``TTDN_SEARCH=solr+http://host:port[,host2:port2]/solr/COLLECTION`` (see
``engine.open_engine``); the collection uses the configset in ``solr/configset`` (fields as in
``schema.py``: exact and folded twins, CJK bigrams, whole document numbers).

- **Documents**: each item's document from ``index.item_documents`` (metadata and every page's
  text: ranked, counted, faceted), and one document per page (``doctype:page``) that says which
  pages of the shown items match, for per-page hits and snippets.
- **Queries**: the search box's text is parsed by ``parse.parse_search`` exactly as for Whoosh,
  and the parsed tree (And/Or/Not/Term/Phrase/Prefix/ranges, with the field boosts) is written
  out in Solr's Lucene syntax (:func:`to_solr`). A plain query (no operator syntax) is matched
  as ``relax.py`` does, by edismax's ``mm`` (relaxed matches scored × the share of words they
  hold, relax.py's coordination); function words only add to the score (``bq``).
- **Scores** as Whoosh's: the configset's ``ttdn.solr.WhooshBM25SimilarityFactory`` (solr/)
  gives BM25 Whoosh's idf and the title's field_boost (tf × 3 / 1.5); a phrase matches as a
  phrase but scores as the sum of its words (``phrase.py``; Lucene would score the phrase's
  own frequency); ``proximity.rerank``'s factor for adjacent typed words is a function query
  (:func:`proximity`, on ``content_px``); ExactStatsCache keeps idf global (without it, 53 %
  of the judged top tens match, not 94 %). A place name written as typed ranks its matches
  above those found through the place's other names only (a sort on the literal query).
- **Typos and "did you mean"** (``solr_typos.py``): the words of a search are checked
  against the visible items inside the search's own request; only an unknown word costs
  requests more (its neighbours one edit away, their pairs and spellings, the search again).
- **Pages**: the query evaluated on the page documents as ``pages.py`` evaluates it.
- **Access** is a filter query (``fq``) on every request: hits, totals, facets, page hits,
  autocomplete, typo candidates, "did you mean" and "more like this" (``solr_similar.py``:
  ties first, as ``similar.py``) all count only what the audience may see.
- **Several hosts**: a request goes to the next host when one does not answer (or answers
  5xx); a host that failed is tried last for a few seconds.

Not as in Whoosh: the proximity factor applies to every match (Whoosh: the best 50); a typo's
alternatives are ordered by the visible items holding them (Whoosh: by all items); a page of
hits names pages from at most 2,000 matching page documents; "more like this" takes key terms
by Lucene's MoreLikeThis, not Whoosh's Bo1.
"""
from __future__ import annotations

import itertools
import json
import logging
import re
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import requests
from whoosh import query as Q

from archive.catalog import Catalog
from archive.errors import NotFound, SearchUnavailable, UsageError
from archive.models import Item, Page
from archive.settings import Settings, solr_target

from .access import visible_levels
from .analyzers import _CHAR_MAP, fold, folded_analyzer, normalize_label
from .facets import year_label
from .gazetteer import Gazetteer, default_gazetteer, name_tokens
from .index import item_documents
from .marks import marks_of
from .notices import swap_years
from .parse import parse_search
from .query import Hit, SearchRequest, SearchResult, Searcher, _check, _facet_names
from .proximity import PAIR_BONUS, TITLE_PAIR_BONUS, _COUNT_HALF, _COUNT_SHARE
from .relax import RELAX_BELOW, SENTENCE, minimum_should_match
from .pages import MAX_PAGES
from .schema import LABEL_FIELDS, PAGE_FIELDS, TEXT_FIELDS, build_schema
from .similar import KEY_TERMS, _TEXT_CHARS
from .snippets import make_snippet
from .solr_similar import ranked_relatives, ties_query
from .solr_typos import (
    Vocabulary, correction_text, far_wanted, near_params, pair_queries, read_near, read_pairs,
    spelling_wanted, terms_params, typed_words, visibility_facets, visible_counts, wanted_pairs,
    widened_parts, within_two,
)
from .vocab import SEPARATOR, vocab_key

__all__ = ["SolrEngine", "SolrClient", "to_solr"]

log = logging.getLogger(__name__)

_SNIPPET_PAGES = 3
_RELATED_ROWS = 200  # candidates read for "more like this" (ties, then shared text)
_PAGE_ROWS = 2000  # page documents read for one page of hits (an 11-page item is 11)
_BATCH_DOCS = 500  # documents per update request
# Text characters per update request: item documents carry every page twice, and a request of
# several megabytes stalls the leader's forwarding to its replica on a loaded machine.
_BATCH_CHARS = 400_000
_DOWN_FOR = 5.0  # seconds a host that failed is tried last
_PATIENCE = 15.0  # seconds a search keeps trying the hosts before it fails
_WRITE_PATIENCE = 90.0  # seconds a write does: a shard without a leader elects one first
_NUMERIC_FIELDS = frozenset({"year", "page", "period_from", "period_to"})
_LIST_FIELDS = ("languages", "places", "subjects")
_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/\s])')


# -- the parsed query in Solr's syntax ----------------------------------------------------------

def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _escaped(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _boosted(clause: str, boost: float) -> str:
    return clause if boost == 1.0 else f"{clause}^{boost:g}"


def _value(field: str, value) -> str:
    if field in _NUMERIC_FIELDS:
        return str(int(value))
    return _quoted(str(value))


def _bound(value, numeric: bool) -> str:
    if value is None or value == "":
        return "*"
    return str(int(value)) if numeric else _quoted(str(value))


def to_solr(query: Q.Query) -> str:
    """A parsed Whoosh query tree written in Solr's Lucene syntax (fields and boosts kept).

    >>> from whoosh.query import And, Not, Or, Phrase, Prefix, Term, NumericRange
    >>> to_solr(And([Term("content_f", "lang", boost=0.5), Not(Term("kind", "map"))]))
    '(+content_f:"lang"^0.5 -kind:"map")'
    >>> to_solr(Or([Prefix("title_f", "son"), NumericRange("year", 1940, None)]))
    '(title_f:son* OR year:[1940 TO *])'
    >>> to_solr(Phrase("content_f", ["trung", "quoc"], boost=2.0))
    '(+content_f:"trung quoc"^0 content_f:"trung" content_f:"quoc")^2'
    """
    if isinstance(query, Q.Phrase):  # search.phrase.PositionalPhrase is one
        words = " ".join(query.words)
        # Whoosh's slop counts the step to the next word (1: adjacent); Lucene's the gaps (0).
        slop = max(0, int(getattr(query, "slop", 1)) - 1)
        phrase = f"{query.fieldname}:{_quoted(words)}" + (f"~{slop}" if slop else "")
        if len(query.words) < 2:
            return _boosted(phrase, query.boost)
        # Whoosh scores a phrase as the sum of its words' own scores (phrase.py), Lucene by
        # how often the phrase occurs: the phrase only decides the match (^0), its words score.
        terms = " ".join(f"{query.fieldname}:{_value(query.fieldname, w)}" for w in query.words)
        return _boosted(f"(+{phrase}^0 {terms})", query.boost)
    if isinstance(query, Q.Prefix):
        return _boosted(f"{query.fieldname}:{_escaped(query.text)}*", query.boost)
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


def _prepared(text: str) -> str:
    """Text as the Whoosh analyzers see it: dash and slash look-alikes mapped, Ð→Đ, NFC."""
    return unicodedata.normalize("NFC", str(text).translate(_CHAR_MAP))


def proximity(runs: list[tuple[str, ...]]) -> tuple[str | None, dict]:
    """``proximity.rerank``'s factor as a function query (and the params it refers to).

    1 + (Σ pairs [0.7·found + 0.3·c/(c+2)] in the text + Σ pairs found in the title) / pairs,
    c the times a pair of adjacent typed words stands side by side (``content_px`` scores a
    phrase by that count). Unlike Whoosh, every match gets it, not only the best 50.
    """
    params, text, title = {}, [], []
    for run in runs:
        for first, second in zip(run, run[1:]):
            i = len(text)
            pair = _quoted(f"{first} {second}")
            params[f"px{i}"] = f"content_px:{pair}"
            params[f"pt{i}"] = f"title_f:{pair}"
            count = f"query($px{i},0)"
            text.append(f"if({count},{1 - _COUNT_SHARE},0),"
                        f"product({_COUNT_SHARE},div({count},sum({count},{_COUNT_HALF})))")
            title.append(f"if(query($pt{i},0),{TITLE_PAIR_BONUS},0)")
    if not text:
        return None, {}
    pairs = len(text)
    bonus = f"sum(product({PAIR_BONUS},sum({','.join(text)})),{','.join(title)})"
    return f"sum(1,div({bonus},{pairs}))", params


# -- the HTTP client ---------------------------------------------------------------------------

class SolrClient:
    """JSON over HTTP to one collection through several nodes; the next node when one fails."""

    def __init__(self, base_urls: tuple[str, ...], collection: str, *,
                 timeout: float = 30.0, patience: float = _PATIENCE) -> None:
        self.base_urls, self.collection, self.timeout = tuple(base_urls), collection, timeout
        self.patience = patience
        self._local = threading.local()
        self._down: dict[str, float] = {}
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _order(self) -> list[str]:
        """Every host, starting at the next in turn; hosts that failed lately go last."""
        start = next(self._turn) % len(self.base_urls)
        hosts = list(self.base_urls[start:] + self.base_urls[:start])
        now = time.monotonic()
        return sorted(hosts, key=lambda h: self._down.get(h, 0.0) > now)

    def request(self, path: str, *, params: dict | None = None, json=None,
                patience: float | None = None) -> dict:
        """POST to ``/COLLECTION/path`` on the first host that answers; the JSON response.

        Every host is tried in turn, again and again for `patience` seconds (a node that
        stopped takes a few seconds to leave the cluster state; a shard whose leader stopped
        needs a leader election before it takes writes).
        """
        errors: list[str] = []
        deadline = time.monotonic() + (self.patience if patience is None else patience)
        for attempt in itertools.count(1):
            for host in self._order():
                url = f"{host}/{self.collection}/{path}"
                try:
                    if json is None:
                        reply = self._session().post(url, data=params or {},
                                                     timeout=(2.0, self.timeout))
                    else:  # the body is sent under the connect timeout: a big batch
                        # to a busy node needs longer than a search's quick failover
                        reply = self._session().post(url, params=params or {}, json=json,
                                                     timeout=(self.timeout, self.timeout))
                except requests.RequestException as err:
                    self._down[host] = time.monotonic() + _DOWN_FOR
                    errors.append(f"{host}: {type(err).__name__}")
                    continue
                if reply.status_code >= 500:
                    self._down[host] = time.monotonic() + _DOWN_FOR
                    errors.append(f"{host}: HTTP {reply.status_code} {_solr_message(reply)}")
                    continue
                if reply.status_code >= 400:
                    raise UsageError(f"the search engine refused the request: "
                                     f"{_solr_message(reply)}")
                if attempt > 1 or errors:
                    log.info("Solr answered after %d failure(s): %s", len(errors), errors[-1])
                return reply.json()
            pause = min(0.25 * attempt, 2.0)
            if time.monotonic() + pause > deadline:
                break
            time.sleep(pause)
        raise SearchUnavailable(f"no Solr node of collection {self.collection!r} answered "
                                f"({'; '.join(errors[-len(self.base_urls):])}); check that the "
                                f"cluster in TTDN_SEARCH is running")

    def select(self, params: dict) -> dict:
        """A /select request (params as form fields: long queries fit)."""
        # Each shard from a replica on the node asked when it has one: one hop fewer.
        return self.request("select", params={"wt": "json",
                                              "shards.preference": "replica.location:local",
                                              **params})

    def update(self, commands, *, commit: bool = False) -> dict:
        """A JSON /update request; with `commit`, visible to searches when it returns."""
        params = {"wt": "json", **({"commit": "true"} if commit else {})}
        return self.request("update", params=params, json=commands, patience=_WRITE_PATIENCE)


def _solr_message(reply: requests.Response) -> str:
    try:
        return str(reply.json().get("error", {}).get("msg", ""))[:300]
    except ValueError:
        return reply.text[:300]


# -- documents ---------------------------------------------------------------------------------

def solr_documents(item: Item, pages: list[Page]) -> list[dict]:
    """The item's Solr document (fields as ``index.item_documents``) and one per page."""
    [doc] = item_documents(item, pages)
    out = {"id": doc["id"], "item_id": doc["item_id"], "doctype": "item", "page": 0}
    # The title is shown as catalogued (NFC); what is only searched is prepared as Whoosh's.
    out["title"] = unicodedata.normalize("NFC", doc.get("title") or "")
    for name in ("title_f", "content", "content_f"):
        out[name] = _prepared(doc.get(name) or "")
    if doc.get("doc_number"):
        out["doc_number"] = out["doc_number_f"] = _prepared(doc["doc_number"])
    for name in ("kind", "access", "date", "sort_title"):
        if doc.get(name):
            out[name] = doc[name]
    out["languages"] = [x.strip().lower() for x in doc.get("languages", "").split(",")
                        if x.strip()]
    for name in LABEL_FIELDS:
        raw = doc.get(name)
        if not raw:
            continue
        values = [v.strip() for v in re.split(r"[,;]", raw)] if name in _LIST_FIELDS \
            else [raw.strip()]
        values = [v for v in values if normalize_label(v)]
        out[name] = [normalize_label(v) for v in values]
        out[f"{name}_shown"] = values
    for name in ("year", "period_from", "period_to"):
        if doc.get(name):
            out[name] = int(doc[name])
    label = year_label(int(doc.get("year") or 0))
    if label:
        out["year_label"] = label
    out["vocab"] = [v for v in doc.get("vocab", "").split("\n") if v]
    out["mlt_text"] = _prepared(_mlt_text(item, pages))
    docs = [out]
    for page in pages:
        text = _prepared(page.text or "")
        docs.append({"id": f"{item.id}#{page.n}", "item_id": item.id, "doctype": "page",
                     "page": page.n, "access": item.access, "page_text": text,
                     "page_text_f": text})
    return docs


def _mlt_text(item: Item, pages: list[Page]) -> str:
    """Title, description and first pages, as ``similar.py`` takes an item's key terms."""
    parts = [item.title or "", item.description or ""]
    size = sum(map(len, parts))
    for page in pages:
        if size >= _TEXT_CHARS:
            break
        parts.append(page.text or "")
        size += len(page.text or "")
    return "\n".join(parts)[:_TEXT_CHARS]


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
        factor, factor_params = proximity(parsed.runs) if request.sort == "relevance" \
            else (None, {})
        base.update(factor_params)
        base.update(self._literal_first(parsed, request))
        # The words that may be unknown are counted over the visible items by the same
        # request (typos.py, suggest.py): a query of known words costs no request more.
        typed = typed_words(parsed, request.suggest and bool(parsed.words))
        checked = typed.folded()
        first = {**base, "json.facet": visibility_facets(checked, filters)} if checked else base
        found, shown_query = self._matches(parsed.parts, parsed.query, first, factor)
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
                                                   factor, widened=True)
                counted = found.json
            elif corrected:
                counted = self._select({"q": "*:*", "defType": "lucene", "rows": 0,
                                        "fq": filters, **check}).json
            if corrected and int((counted.get("dym") or {}).get("count", 0)):
                suggestion = corrected[0]
        facets = self._facet_counts(found.facets, _facet_names(request.audience))
        hits = self._hits(found.docs, shown_query, request.audience, catalog)
        expansions = {typed: list(names) for typed, names in parsed.expansions}
        return SearchResult(found.total, hits, facets, suggestion, expansions,
                            notices + list(getattr(parsed, "notices", [])))

    def _matches(self, parts: list, query: Q.Query, base: dict, factor: str | None, *,
                 widened: bool = False) -> tuple[_Found, Q.Query]:
        """The matches of a plain query's parts (relaxed as relax.py) or of a Boolean query,
        and the query that names pages and marks snippets."""
        if parts:
            found, relaxed = self._plain(parts, base, factor)
            if relaxed or widened:  # pages and snippets from any word
                return found, Q.Or([p.query for p in parts if p.required]
                                   or [p.query for p in parts])
            return found, query
        q = to_solr(query)
        params = dict(base)
        if factor:  # the proximity factor multiplies the Boolean query's score
            params.update({"qq": q, "proximity": factor})
            q = "{!boost b=$proximity v=$qq}"
        return self._select({**params, "q": q, "defType": "lucene"}), query

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
            listed = self.client.select(terms_params(word)).get("terms", {}).get("content_f", [])
            found = within_two(word, listed[::2])
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

    def _plain(self, parts, base: dict, factor: str | None = None) -> tuple[_Found, bool]:
        """Every required word first, then most of them (relax.py's rule), by edismax's mm.

        One request in the usual case: a query that may be relaxed asks for the relaxed
        matches and counts the all-word ones beside them (a facet query); only when those are
        enough (RELAX_BELOW) is the strict match asked for. A relaxed match is scored as
        ``relax.score_plain`` does: its words' scores times the share of words it holds.
        """
        anything = any(p.required for p in parts)
        required = [p for p in parts if p.required or not anything]
        optional = [p for p in parts if anything and not p.required]
        words = [to_solr(p.query) for p in required]
        params = {**base, "defType": "edismax", "q.op": "OR",
                  "q": " ".join(f"({w})" for w in words)}
        if optional:
            params["bq"] = [to_solr(p.query) for p in optional]
        if factor:
            params["boost"] = factor
        n = len(required)
        if n == 1:
            return self._select({**params, "mm": "1"}), False
        sentence = bool(optional) or n >= SENTENCE  # relax._sentence
        need = minimum_should_match(n)
        relaxed = self._relaxed(params, words, need, count_all=not sentence)
        if not sentence and relaxed.counts.get("all", 0) >= RELAX_BELOW:
            return self._select({**params, "mm": str(n)}), False
        found = relaxed
        while need > 1 and found.total == 0:
            need -= 1
            found = self._relaxed(params, words, need)
        return found, True

    def _relaxed(self, params: dict, words: list[str], need: int, *,
                 count_all: bool = False) -> _Found:
        """Matches holding `need` of the words, scored × (words held / words), relax.py's
        coordination; with `count_all`, also how many hold every word (``counts["all"]``)."""
        n = len(words)
        coord = {f"w{i}": w for i, w in enumerate(words)}
        held = ",".join(f"if(query($w{i},0),1,0)" for i in range(n))
        boost = f"div(sum({held}),{n})"
        if params.get("boost"):  # and the proximity factor
            boost = f"product({boost},{params['boost']})"
        extra = {**coord, "boost": boost, "mm": str(need)}
        if count_all:
            extra["facet"] = "true"
            extra["facet.query"] = f"{{!edismax q.op=OR mm={n} key=all v=$q}}"
        return self._select({**params, **extra})

    def _select(self, params: dict) -> _Found:
        reply = self.client.select(params)
        response = reply.get("response", {})
        counts = reply.get("facet_counts", {})
        return _Found(int(response.get("numFound", 0)), response.get("docs", []),
                      counts.get("facet_fields", {}), counts.get("facet_queries", {}),
                      reply.get("facets", {}))

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
        pages = self._pages(query, [d["item_id"] for d in docs], audience)
        words = marks_of(query)
        return [self._hit(doc, pages.get(doc["item_id"], []), words, catalog) for doc in docs]

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

    def _hit(self, doc: dict, pages: list[int], words, catalog: Catalog) -> Hit:
        item_id = doc["item_id"]
        texts = {p.n: p.text for p in catalog.pages(item_id)} if pages else {}
        snippets = [{"page": n, "text": make_snippet(texts.get(n, ""), words, self._analyzer)}
                    for n in pages[:_SNIPPET_PAGES]]
        sources = catalog.sources(item_id)
        if sources:
            source = sources[0]
        else:
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
        hits = [self._hit(doc, [], None, catalog) for doc, _ in ranked[:limit]]
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
        return len(versions)

    def indexed_item_ids(self) -> set[str]:
        """The id of every item the index holds (for ``ttdn verify``)."""
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
