"""schema.org JSON-LD for public item and exhibition pages (search engines read it as data).

The CSP forbids inline script, and browsers never run `application/ld+json`, so the block is data
only; `<`, `>` and `&` are written as \\u escapes so no value can close the element early.
"""
from __future__ import annotations

import json

from flask import url_for
from markupsafe import Markup

from archive.models import Item

__all__ = ["SCHEMA_TYPES", "item_data", "exhibition_data", "ld_script", "item_jsonld",
           "exhibition_jsonld"]

SCHEMA_TYPES = {"document": "DigitalDocument", "map": "Map", "photo": "Photograph",
                "publication": "Book", "video": "VideoObject", "audio": "AudioObject",
                "other": "CreativeWork"}
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
            "\u2029": "\\u2029"}


def ld_script(data: dict) -> Markup:
    """The data as a `<script type="application/ld+json">` element that nothing can break out of."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _ESCAPES.items():
        payload = payload.replace(char, escape)
    return Markup(f'<script type="application/ld+json">{payload}</script>')


def _drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def item_data(item: Item, *, url: str, thumbnail: str | None = None,
              mime: str | None = None) -> dict:
    """The item as a schema.org CreativeWork of its kind."""
    org = (lambda name: {"@type": "Organization", "name": name} if name else None)  # noqa: E731
    return _drop_empty({
        "@context": "https://schema.org", "@type": SCHEMA_TYPES.get(item.kind, "CreativeWork"),
        "@id": url, "url": url, "name": item.title or item.id, "description": item.description,
        "inLanguage": item.languages[0] if len(item.languages) == 1 else item.languages,
        "dateCreated": item.issued or item.date, "temporalCoverage": item.period,
        "identifier": item.doc_number or item.identifier, "genre": item.doc_type,
        "creator": org(item.creator or item.issuer), "publisher": org(item.publisher),
        "keywords": ", ".join(item.subject) if item.subject else None,
        "spatialCoverage": [{"@type": "Place", "name": p} for p in item.places],
        "isPartOf": {"@type": "Collection", "name": item.collection} if item.collection else None,
        "thumbnailUrl": thumbnail, "encodingFormat": mime, "copyrightNotice": item.rights,
    })


def item_jsonld(item: Item, has_thumbnail: bool = False, original=None) -> Markup:
    """The public item page's JSON-LD block (nothing for a page the public cannot see)."""
    if item.access != "public":
        return Markup("")
    return ld_script(item_data(
        item, url=url_for("items.show", item_id=item.id, _external=True),
        thumbnail=(url_for("items.thumbnail", item_id=item.id, _external=True)
                   if has_thumbnail else None),
        mime=original.mime if original is not None else None))


def exhibition_data(exhibition, exhibits, *, url: str, lang: str) -> dict:
    """A published exhibition as a schema.org ExhibitionEvent featuring its items."""
    title = exhibition.titles.get(lang) or exhibition.title
    return _drop_empty({
        "@context": "https://schema.org", "@type": "ExhibitionEvent", "@id": url, "url": url,
        "name": title, "description": exhibition.intros.get(lang) or exhibition.intros.get("vi"),
        "inLanguage": lang, "startDate": exhibition.published_at,
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "location": {"@type": "VirtualLocation", "url": url},
        "organizer": ({"@type": "Organization", "name": exhibition.organization}
                      if exhibition.organization else None),
        "workFeatured": [_drop_empty({
            "@type": SCHEMA_TYPES.get(x.item.kind, "CreativeWork"), "name": x.item.title,
            "url": url_for("items.show", item_id=x.item.id, _external=True)})
            for x in exhibits if x.item is not None and x.item.access == "public"],
    })


def exhibition_jsonld(exhibition, groups, lang: str) -> Markup:
    """The public exhibition page's JSON-LD block (nothing for an unpublished one)."""
    if exhibition.access != "public":
        return Markup("")
    shown = [x for group in groups for x in group.exhibits]
    return ld_script(exhibition_data(
        exhibition, shown, url=url_for("exhibitions.show", slug=exhibition.slug, _external=True),
        lang=lang))
