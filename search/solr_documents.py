"""The Solr documents of an item: the item's own (ranked, counted, faceted) and one per page.

Fields as ``index.item_documents`` gives them for Whoosh; what is only searched is prepared
as the Whoosh analyzers see it (:func:`_prepared`).
"""
from __future__ import annotations

import re
import unicodedata

from archive.models import Item, Page

from .analyzers import _CHAR_MAP, normalize_label
from .facets import year_label
from .index import item_documents
from .schema import LABEL_FIELDS
from .similar import _TEXT_CHARS

__all__ = ["solr_documents"]

_LIST_FIELDS = ("languages", "places", "subjects")


def _prepared(text: str) -> str:
    """Text as the Whoosh analyzers see it: dash and slash look-alikes mapped, Ð→Đ, NFC."""
    return unicodedata.normalize("NFC", str(text).translate(_CHAR_MAP))


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
