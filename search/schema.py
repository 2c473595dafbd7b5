"""The search index's fields: the only place they are defined.

One document per archived item carries its metadata and its text (metadata text first, then
each page in order) for ranking, counting and facets. ``page_starts`` stores the token position
at which each page's text begins, so the positions of the matched words name the matching pages
without a document per page (which cost three quarters of the indexing time). ``vocab`` holds,
per access level, the words and word pairs an item contributes to autocomplete, so suggestions
for an audience come only from items that audience may see.

Text is indexed twice: ``title``/``content``/``doc_number`` keep Vietnamese tones, the ``_f``
twins are folded (no tones, đ→d). Folding merges ký/kỳ/kỷ/kỹ, so the exact fields weigh more.
"""
from __future__ import annotations

from math import log
from types import MappingProxyType

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.scoring import BM25F

from search.analyzers import (
    TokenizedPositions,
    docnumber_analyzer,
    exact_analyzer,
    folded_analyzer,
    keyword_analyzer,
    label_analyzer,
    language_analyzer,
    vocab_analyzer,
)

__all__ = [
    "build_schema",
    "weighting",
    "FACET_FIELDS",
    "TEXT_FIELDS",
    "TITLE_FIELDS",
    "CONTENT_FIELDS",
    "PAGE_FIELDS",
    "DOC_NUMBER_FIELDS",
    "LABEL_FIELDS",
    "KINDS",
    "LANGUAGES",
    "ACCESS_LEVELS",
    "DOCTYPES",
]

FACET_FIELDS = ("kind", "languages", "year", "lead_unit", "collection", "issuer", "doc_type",
                "access", "creator")

# Query-time boosts the parser puts on each free-text field (on top of the schema's
# field_boost, which Whoosh applies to term frequency before BM25 saturates it). Exact fields
# weigh twice their folded twins, so a tone-exact match outranks a folded-only one (words
# typed without tones use the folded twins only, with both boosts: parse._toneless); a hit in
# the doc_number field is the strongest signal there is for a typed number; doc_number at
# 4.0 let a text citing the number win once. Title against body, measured with `make
# relevance` (keyword sets / questions accented / unaccented, MRR): title 2.0+1.0 gave
# 0.992 / 0.915 / 0.876, 1.0+0.5 0.992 / 0.930 / 0.888, 0.5+0.25 0.992 / 0.940 / 0.895,
# 0.3+0.15 0.992 / 0.937 / 0.895: at 0.5 a title hit (field_boost 3, no length norm) still
# weighs about one body hit, so a heading sharing a word no longer beats the text answering.
TITLE_FIELDS = MappingProxyType({"title": 0.5, "title_f": 0.25})
CONTENT_FIELDS = MappingProxyType({"content": 1.0, "content_f": 0.5})
DOC_NUMBER_FIELDS = MappingProxyType({"doc_number": 6.0, "doc_number_f": 3.0})
TEXT_FIELDS = MappingProxyType({**TITLE_FIELDS, **CONTENT_FIELDS, **DOC_NUMBER_FIELDS})
# The positional fields whose positions fall on pages (see page_starts).
PAGE_FIELDS = tuple(CONTENT_FIELDS)

# Free-text labels indexed as one normalized (folded) term: filter on them through
# search.parse.filter_query, which normalizes the value the same way.
LABEL_FIELDS = ("collection", "lead_unit", "issuer", "doc_type", "places", "subjects",
                "creator")

KINDS = ("document", "map", "photo", "publication", "video", "audio", "other")
LANGUAGES = ("vi", "en", "zh", "ja", "ko", "fr")
ACCESS_LEVELS = ("public", "internal", "restricted")
DOCTYPES = ("item", "page")


class _ArchiveBM25F(BM25F):
    """BM25F whose idf is defined on an empty index (zero documents is a normal state)."""

    def idf(self, searcher, fieldname, text):
        """Whoosh's idf, log(N / (n + 1)) + 1, with N at least 1: log(0) on a fresh home."""
        parent = searcher.get_parent()
        count = max(parent.doc_count_all(), 1)
        return log(count / (parent.doc_frequency(fieldname, text) + 1)) + 1


def weighting() -> BM25F:
    """BM25F tuned for this schema: open searchers with ``ix.searcher(weighting=weighting())``.

    Whoosh averages a field's length over all documents, also those without it, so short
    fields that only item documents have (title ~0.7 tokens "on average", doc_number ~0.03)
    would be crushed by length normalization: a doc-number hit scored 0.6 against 10 for a
    page merely citing that number. B=0 turns length normalization off for those fields.
    """
    return _ArchiveBM25F(B=0.75, K1=1.2, **{f"{name}_B": 0.0 for name in (*TITLE_FIELDS,
                                                                  *DOC_NUMBER_FIELDS)})


def _label() -> ID:
    """A stored label: one folded term to filter on, the original in the column for facets."""
    return ID(stored=True, sortable=True, analyzer=label_analyzer())


def _body(analyzer, folded: bool) -> TEXT:
    """A positional text field that reads pre-tokenized bodies directly (see index.py)."""
    body = TEXT(analyzer=analyzer, phrase=True)
    body.format = TokenizedPositions(field_boost=body.format.field_boost, folded=folded)
    return body


def build_schema() -> Schema:
    """Return the index schema (item and page documents share it)."""
    exact, folded = exact_analyzer(), folded_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        item_id=ID(stored=True),
        doctype=ID(stored=True),
        page=NUMERIC(int, stored=True, sortable=True),
        title=TEXT(analyzer=exact, stored=True, field_boost=3.0),
        title_f=TEXT(analyzer=folded, field_boost=1.5),
        content=_body(exact, folded=False),
        content_f=_body(folded, folded=True),
        doc_number=TEXT(analyzer=docnumber_analyzer(), stored=True, phrase=False),
        doc_number_f=TEXT(analyzer=docnumber_analyzer(folded=True), phrase=False),
        kind=ID(stored=True, sortable=True),
        languages=KEYWORD(stored=True, commas=True, lowercase=True,
                          analyzer=language_analyzer()),
        access=ID(stored=True, sortable=True),
        collection=_label(),
        lead_unit=_label(),
        issuer=_label(),
        doc_type=_label(),
        creator=_label(),  # Dublin Core creator (a map's surveyor, a photo's artist)
        places=KEYWORD(stored=True, commas=True, analyzer=keyword_analyzer()),
        subjects=KEYWORD(stored=True, commas=True, analyzer=keyword_analyzer()),
        year=NUMERIC(int, stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        sort_title=ID(stored=True, sortable=True),
        period_from=NUMERIC(int, stored=True),
        period_to=NUMERIC(int, stored=True),
        page_starts=STORED(),
        vocab=KEYWORD(analyzer=vocab_analyzer(), scorable=False),
    )
