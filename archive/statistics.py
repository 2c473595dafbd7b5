"""Collection statistics for the staff page, the API and the CSV export, for given access levels."""
from __future__ import annotations

import json
from collections import Counter

from .catalog import Catalog
from .models import ITEM_FIELDS, Item
from .translations import translated_ids

__all__ = ["collection_stats", "LOW_CONFIDENCE"]

LOW_CONFIDENCE = 60.0  # mean OCR confidence (0-100) under which a page wants a human look
_FIELDS = ("issued", "date", "period", "languages", "lead_unit")
_LIST_LIMIT = 200  # rows of the two lists; the counts always cover everything


def _items(catalog: Catalog, levels: tuple[str, ...]) -> list[Item]:
    """The items at these access levels with just the fields statistics need."""
    marks = ",".join("?" * len(levels))
    items = {r["id"]: Item(id=r["id"], kind=r["kind"], access=r["access"], title=r["title"])
             for r in catalog.db.execute(f"SELECT id, kind, access, title FROM items WHERE"
                                         f" access IN ({marks}) ORDER BY id", levels)}
    fields = ",".join("?" * len(_FIELDS))
    for r in catalog.db.execute(f"SELECT item_id, field, value FROM metadata WHERE field IN"
                                f" ({fields})", _FIELDS):
        if r["item_id"] in items and r["field"] in ITEM_FIELDS:
            setattr(items[r["item_id"]], r["field"], json.loads(r["value"]))
    return list(items.values())


def _pages(catalog: Catalog, ids: set[str], items: dict[str, Item]) -> dict:
    """Page counts by origin, text coverage and the low-confidence OCR pages."""
    origins: Counter = Counter()
    empty, low, with_text = 0, [], set()
    for r in catalog.db.execute("SELECT item_id, n, origin, confidence, length(trim(text)) AS"
                                " chars FROM pages ORDER BY item_id, n"):
        if r["item_id"] not in ids:
            continue
        origins[r["origin"]] += 1
        if r["chars"]:
            with_text.add(r["item_id"])
        else:
            empty += 1
        if r["origin"] == "ocr" and r["confidence"] is not None \
                and r["confidence"] < LOW_CONFIDENCE:
            low.append({"item_id": r["item_id"], "title": items[r["item_id"]].title,
                        "n": r["n"], "confidence": round(r["confidence"], 1)})
    total = sum(origins.values())
    return {"pages": total, "pages_by_origin": dict(sorted(origins.items())),
            "pages_without_text": empty, "items_with_text": len(with_text),
            "ocr_share": round(origins["ocr"] / total, 4) if total else 0.0,
            "low_confidence_pages": sorted(low, key=lambda p: p["confidence"])[:_LIST_LIMIT]}


def collection_stats(catalog: Catalog, levels: tuple[str, ...]) -> dict:
    """Counts by kind, language, year, lead unit and access, OCR coverage and the two work lists.

    Only items at `levels` are counted or listed, so a public caller learns nothing of the rest.
    """
    items = _items(catalog, levels)
    by = {name: Counter() for name in ("kind", "language", "year", "lead_unit", "access")}
    for item in items:
        by["kind"][item.kind] += 1
        by["access"][item.access] += 1
        by["language"].update(item.languages or ["und"])
        by["year"][str(item.year) if item.year else "unknown"] += 1
        by["lead_unit"][item.lead_unit or "unknown"] += 1
    linked = translated_ids(catalog)
    lonely = [{"item_id": i.id, "title": i.title, "languages": i.languages} for i in items
              if not set(i.languages) - {"vi"} and i.id not in linked]
    pages = _pages(catalog, {i.id for i in items}, {i.id: i for i in items})
    return {
        "items": len(items),
        "by_kind": dict(sorted(by["kind"].items())),
        "by_language": dict(by["language"].most_common()),
        "by_year": dict(sorted(by["year"].items())),
        "by_lead_unit": dict(by["lead_unit"].most_common()),
        "by_access": dict(sorted(by["access"].items())),
        **{k: v for k, v in pages.items() if k != "low_confidence_pages"},
        "low_confidence_threshold": LOW_CONFIDENCE,
        "low_confidence_pages": pages["low_confidence_pages"],
        "without_foreign_language": lonely[:_LIST_LIMIT],
        "without_foreign_language_count": len(lonely),
    }
