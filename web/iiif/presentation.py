"""IIIF Presentation API 3.0: a manifest per item with pages, and per published exhibition
(its films and recordings as time-based canvases).

Written by hand as plain dicts, which read as the specification's own examples do; iiif-prezi3
(its pydantic models) serves the tests as a loader only: as a run-time dependency it would pin
Pillow to <=12.0.0 for the whole archive.
Labels of fields are given in vi/en/zh (the interface's languages); values, never translated,
in the item's own first language.
"""
from __future__ import annotations

import math
from urllib.parse import urljoin

from flask import abort, current_app, request, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

import exhibits
from archive.errors import NotFound
from archive.models import Item
from archive.pyramids import page_size

from ..exhibits_public import clip_source, poster_url, timed
from ..labels import FIELD_LABELS, KIND_LABELS
from ..media import av_kind
from ..resources import audience, get_catalog, settings, visible_item
from . import bp
from .image import image_service, original_with_pages, public_headers

__all__ = ["item_manifest", "exhibition_manifest"]

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
UI_LANGUAGES = ("vi", "en", "zh")
_SHOWN = ("creator", "date", "issued", "doc_number", "doc_type", "issuer", "lead_unit",
          "places", "period", "scale", "collection", "subject", "languages")
_RIGHTS_URIS = ("http://creativecommons.org/", "https://creativecommons.org/",
                "http://rightsstatements.org/", "https://rightsstatements.org/")
_RIGHTS = _l("Rights")
_PAGE = _l("Page %(n)s")
# Said only in manifests, so kept here rather than in the interface's catalogues.
_PROVENANCE = {"vi": ["Nguồn gốc"], "en": ["Provenance"], "zh": ["来源"]}
_NO_RIGHTS = {"vi": ["Xem điều khoản sử dụng của kho tư liệu"],
              "en": ["See the archive's terms of use"], "zh": ["请参阅档案馆的使用条款"]}


def _in_languages(text) -> dict[str, list[str]]:
    """An interface string (lazy gettext) as a IIIF language map in vi, en and zh."""
    found = {}
    for lang in UI_LANGUAGES:
        with force_locale(lang):
            found[lang] = [str(text)]
    return found


def _page_label(n: int) -> dict[str, list[str]]:
    found = {}
    for lang in UI_LANGUAGES:
        with force_locale(lang):
            found[lang] = [str(_PAGE) % {"n": n}]
    return found


def _value(item: Item, value) -> dict[str, list[str]]:
    text = "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    return {item.languages[0] if item.languages else "none": [text]}


def _metadata(item: Item, sha256: str, source: str | None) -> list[dict]:
    rows = [{"label": _in_languages(FIELD_LABELS["kind"]),
             "value": _in_languages(KIND_LABELS.get(item.kind, item.kind))}]
    for name in _SHOWN:
        value = getattr(item, name, None)
        if value not in (None, "", [], {}):
            rows.append({"label": _in_languages(FIELD_LABELS.get(name, name)),
                         "value": _value(item, value)})
    provenance = f"sha256:{sha256}" + (f" · {source}" if source else "")
    rows.append({"label": _PROVENANCE, "value": {"none": [provenance]}})
    return rows


def _canvas(base: str, item_id: str, n: int, size: tuple[int, int], label: dict) -> dict:
    width, height = size
    service = image_service(item_id, n)
    shown_w, shown_h = _max_size(width, height)
    canvas_id = f"{base}/canvas/{n}"
    return {
        "id": canvas_id, "type": "Canvas", "label": label, "width": width, "height": height,
        "thumbnail": [_thumbnail(service, width, height)],
        "items": [{
            "id": f"{canvas_id}/page", "type": "AnnotationPage",
            "items": [{
                "id": f"{canvas_id}/page/image", "type": "Annotation", "motivation": "painting",
                "target": canvas_id,
                "body": {"id": f"{service}/full/max/0/default.jpg", "type": "Image",
                         "format": "image/jpeg", "width": shown_w, "height": shown_h,
                         "service": [{"id": service, "type": "ImageService3",
                                      "profile": "level1"}]},
            }],
        }],
    }


def _max_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, math.sqrt(settings().iiif_max_area / (width * height)))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def _thumbnail(service: str, width: int, height: int) -> dict:
    scale = min(1.0, 400 / max(width, height))
    return {"id": f"{service}/full/{max(1, math.floor(width * scale))},/0/default.jpg",
            "type": "Image", "format": "image/jpeg",
            "service": [{"id": service, "type": "ImageService3", "profile": "level1"}]}


def item_manifest(item: Item) -> dict | None:
    """The manifest of an item with page images, one canvas per page; None without any."""
    original = original_with_pages(item)
    if original is None:
        return None
    catalog = get_catalog()
    count = max(1, len(catalog.pages(item.id)))
    base = url_for("iiif.manifest", item_id=item.id, _external=True).rsplit("/", 1)[0]
    canvases = []
    for n in range(1, count + 1):
        size = page_size(settings(), original, n)
        if size is not None:
            canvases.append(_canvas(base, item.id, n, size, _page_label(n)))
    if not canvases:
        return None
    sources = catalog.sources(item.id)
    manifest = {
        "@context": CONTEXT, "id": f"{base}/manifest.json", "type": "Manifest",
        "label": _value(item, item.title or item.id),
        "metadata": _metadata(item, original.sha256, sources[0] if sources else None),
        "requiredStatement": {"label": _in_languages(_RIGHTS),
                              "value": ({"none": [item.rights]} if item.rights
                                        else _NO_RIGHTS)},
        "homepage": [{"id": url_for("items.show", item_id=item.id, _external=True),
                      "type": "Text", "format": "text/html", "label": _value(item, item.title
                                                                             or item.id)}],
        "seeAlso": [{"id": url_for("api.item", item_id=item.id, _external=True),
                     "type": "Dataset", "format": "application/json",
                     "label": {"en": ["Catalogue record (JSON)"]}}],
        "thumbnail": canvases[0]["thumbnail"], "items": canvases,
    }
    if item.description:
        manifest["summary"] = _value(item, item.description)
    if item.rights and item.rights.startswith(_RIGHTS_URIS):
        manifest["rights"] = item.rights
    return manifest


@bp.get("/<item_id>/manifest.json")
def manifest(item_id: str):
    """The Presentation 3.0 manifest of an item."""
    item = visible_item(item_id)
    found = item_manifest(item)
    if found is None:
        abort(404)
    return _answer(found, item)


def exhibition_manifest(slug: str) -> dict | None:
    """The manifest of a published exhibition: a canvas per entry, captions as labels."""
    catalog = get_catalog()
    try:
        exhibition = exhibits.get(catalog, slug, audience=audience())
    except NotFound:
        return None
    base = url_for("iiif.exhibition", slug=slug, _external=True).rsplit("/", 1)[0]
    canvases = []
    for found in exhibits.exhibits_of(catalog, exhibition, audience=audience()):
        canvas = (_timed_canvas(base, exhibition, found) if timed(found)
                  else _entry_canvas(base, found))
        if canvas is not None:
            canvases.append(canvas)
    manifest = {
        "@context": CONTEXT, "id": f"{base}/manifest.json", "type": "Manifest",
        "label": {lang: [text] for lang, text in exhibition.titles.items() if text},
        "requiredStatement": {"label": _in_languages(_RIGHTS), "value": _NO_RIGHTS},
        "homepage": [{"id": url_for("exhibitions.show", slug=slug, _external=True),
                      "type": "Text", "format": "text/html",
                      "label": {lang: [text] for lang, text in exhibition.titles.items()}}],
        "items": canvases,
    }
    if intros := {lang: [text] for lang, text in exhibition.intros.items() if text}:
        manifest["summary"] = intros
    # The manifest's thumbnail comes through the Image API: a film's poster frame has none.
    pictured = [c for c in canvases if "duration" not in c]
    if pictured:
        manifest["thumbnail"] = pictured[0]["thumbnail"]
    return manifest


def _entry_label(entry, item: Item) -> dict[str, list[str]]:
    """An entry's captions as its canvas's label; the item's title without any."""
    return ({lang: [text] for lang, text in entry.captions.items() if text}
            or _value(item, item.title or item.id))


def _timed_canvas(base: str, exhibition, found) -> dict:
    """A film's or recording's entry: a canvas as long as its clip (or the whole), painted
    by the web access copy cut to that range with a media fragment (``#t=start,end``), as the
    exhibition's own page plays it."""
    entry, item = found.entry, found.item
    start, end = entry.clip or (0.0, float(item.media["duration"]))
    kind = av_kind(item)
    source, media_type = clip_source(found, external=True)
    length = round(end - start, 3)
    canvas_id = f"{base}/canvas/entry-{entry.id}"
    body = {"id": source, "type": "Video" if kind == "video" else "Sound",
            "format": media_type, "duration": length}
    canvas = {"id": canvas_id, "type": "Canvas",
              "label": _entry_label(entry, item), "duration": length}
    picture = (item.media.get("video") or [{}])[0]
    if kind == "video" and picture.get("width") and picture.get("height"):
        size = {"width": int(picture["width"]), "height": int(picture["height"])}
        canvas.update(size)
        body.update(size)
    canvas["items"] = [{
        "id": f"{canvas_id}/page", "type": "AnnotationPage",
        "items": [{"id": f"{canvas_id}/page/media", "type": "Annotation",
                   "motivation": "painting", "body": body, "target": canvas_id}],
    }]
    poster = poster_url(exhibition, found)
    if poster:
        canvas["thumbnail"] = [{"id": urljoin(request.url_root, poster), "type": "Image",
                                "format": "image/jpeg"}]
    return canvas


def _entry_canvas(base: str, found) -> dict | None:
    entry, item, original = found.entry, found.item, found.original
    if item is None or original is None or original_with_pages(item) is None:
        return None
    page = entry.page or 1
    size = page_size(settings(), original, page)
    if size is None:
        return None
    label = _entry_label(entry, item)
    canvas = _canvas(base, item.id, page, size, label)
    canvas["id"] = canvas_id = f"{base}/canvas/entry-{entry.id}"
    painting = canvas["items"][0]
    painting["id"] = f"{canvas_id}/page"
    painting["items"][0].update(id=f"{canvas_id}/page/image", target=canvas_id)
    if entry.crop:
        x0, y0, x1, y1 = entry.crop
        box = (round(x0 * size[0]), round(y0 * size[1]), round((x1 - x0) * size[0]),
               round((y1 - y0) * size[1]))
        xywh = ",".join(map(str, box))
        # The crop is a region of the page's canvas: the caption comments on it, viewers can
        # zoom there, and the entry's thumbnail shows just that part.
        canvas["annotations"] = [{
            "id": f"{canvas_id}/annotations", "type": "AnnotationPage",
            "items": [{"id": f"{canvas_id}/annotations/crop", "type": "Annotation",
                       "motivation": "highlighting", "target": f"{canvas_id}#xywh={xywh}",
                       "body": {"type": "TextualBody", "format": "text/plain",
                                "value": next(iter(label.values()))[0]}}],
        }]
        service = image_service(item.id, page)
        canvas["thumbnail"] = [{**canvas["thumbnail"][0],
                                "id": f"{service}/{xywh}/!400,400/0/default.jpg"}]
    return canvas


@bp.get("/exhibitions/<slug>/manifest.json")
def exhibition(slug: str):
    """The Presentation 3.0 manifest of a published exhibition."""
    found = exhibition_manifest(slug)
    if found is None:
        abort(404)
    response = current_app.json.response(found)
    if "application/ld+json" in request.headers.get("Accept", ""):
        response.headers["Content-Type"] = f'application/ld+json;profile="{CONTEXT}"'
    if audience() == "public":  # a published exhibition, seen by anyone
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        response.headers["Cache-Control"] = "public, max-age=300"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _answer(found: dict, item: Item):
    response = current_app.json.response(found)
    if "application/ld+json" in request.headers.get("Accept", ""):
        response.headers["Content-Type"] = f'application/ld+json;profile="{CONTEXT}"'
    public_headers(response, item)
    if "public" in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "public, max-age=300"  # metadata may be edited
    return response
