"""The OAI-PMH 2.0 data provider at /oai (GET and POST), and the ttdn schema at /oai/ttdn.xsd.

Only public items are records; an item that leaves the public is a deleted record for ever
(archive/oai.py). Settings: OAI_PAGE_SIZE (records per response; TTDN_OAI_PAGE_SIZE),
OAI_TOKEN_TTL (seconds a resumptionToken lives, 24 h), OAI_REPOSITORY_NAME, OAI_REPOSITORY_ID
(the namespace part of oai:… identifiers) and OAI_ADMIN_EMAIL.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from flask import Blueprint, Response, current_app, request, url_for

from archive import oai
from archive.models import Item
from archive.translations import translation_links

from ..resources import get_catalog
from .args import OaiError, read_args
from .records import Links
from .verbs import VERB_HANDLERS, Context
from .xml import OAI, OAI_SCHEMA_URL, XSI, clean, serialize, text

__all__ = ["bp", "context", "respond"]

bp = Blueprint("oai", __name__, url_prefix="/oai")
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "static" / "schemas" / "ttdn.xsd"
_XML = "text/xml; charset=utf-8"
_DEFAULTS = {
    "OAI_TOKEN_TTL": 24 * 3600,  # seconds: a day to finish a harvest
    "OAI_REPOSITORY_NAME": "Kho lưu trữ Thông tin đối ngoại tỉnh Lạng Sơn",
    "OAI_REPOSITORY_ID": "ttdn.langson.gov.vn",
    "OAI_ADMIN_EMAIL": "luutru@langson.gov.vn",
}


@bp.record_once
def _configure(state) -> None:
    app = state.app
    for key, value in _DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("OAI_PAGE_SIZE", app.config["TTDN_SETTINGS"].oai_page_size)
    # Harvesters POST without a session or a CSRF token: the endpoint only reads.
    if "csrf" in app.extensions:
        app.extensions["csrf"].exempt(bp)


def _links(item: Item) -> Links:
    catalog = get_catalog()
    files = {f.role: f for f in catalog.files(item.id)}
    original_id, _ = translation_links(catalog, item)
    original = catalog.get_item(original_id) if original_id else None
    public_original = original is not None and original.access in oai.PUBLIC_LEVELS
    return Links(
        page=url_for("items.show", item_id=item.id, _external=True),
        thumbnail=(url_for("items.thumbnail", item_id=item.id, _external=True)
                   if "thumbnail" in files else None),
        translation_of=(url_for("items.show", item_id=original.id, _external=True)
                        if public_original else None),
        iiif_manifest=_iiif_manifest(item),
        mime=files["original"].mime if "original" in files else None)


def _iiif_manifest(item: Item) -> str | None:
    """The item's IIIF Presentation manifest, when the portal serves IIIF and the item has pages."""
    if "iiif.manifest" not in current_app.view_functions:
        return None
    from ..iiif.image import original_with_pages

    return (url_for("iiif.manifest", item_id=item.id, _external=True)
            if original_with_pages(item) is not None else None)


def context() -> Context:
    """This request's verb context."""
    config, catalog = current_app.config, get_catalog()
    oai.catch_up(catalog)  # rows for items an older version wrote
    return Context(
        catalog=catalog, base_url=url_for("oai.endpoint", _external=True),
        repository_name=config["OAI_REPOSITORY_NAME"], repository_id=config["OAI_REPOSITORY_ID"],
        admin_email=config["OAI_ADMIN_EMAIL"], page_size=max(1, int(config["OAI_PAGE_SIZE"])),
        token_ttl=int(config["OAI_TOKEN_TTL"]), secret=config["SECRET_KEY"],
        schema_url=url_for("oai.schema", _external=True), links=_links)


def respond(args) -> bytes:
    """The OAI-PMH response document to these request arguments."""
    ctx = context()
    root = ET.Element(f"{{{OAI}}}OAI-PMH", {f"{{{XSI}}}schemaLocation": f"{OAI} {OAI_SCHEMA_URL}"})
    text(root, f"{{{OAI}}}responseDate", oai.datestamp())
    shown = text(root, f"{{{OAI}}}request", ctx.base_url)
    try:
        verb, found = read_args(args)
        shown.attrib.update({"verb": verb, **{k: clean(v) for k, v in found.items()}})
        VERB_HANDLERS[verb](ctx, root, found)
    except OaiError as err:
        if err.code in ("badVerb", "badArgument"):
            shown.attrib.clear()  # the specification: no attributes echoed for these two
        for name in list(root)[2:]:
            root.remove(name)
        text(root, f"{{{OAI}}}error", err.message, {"code": err.code})
    return serialize(root)


@bp.route("", methods=["GET", "POST"], strict_slashes=False)
def endpoint():
    """The OAI-PMH base URL."""
    args = request.form if request.method == "POST" else request.args
    response = Response(respond(args), content_type=_XML)
    response.headers["Access-Control-Allow-Origin"] = "*"  # public records only, any harvester
    return response


@bp.get("/ttdn.xsd")
def schema():
    """The XML schema of the ttdn metadata format (a stable URL harvesters validate against)."""
    response = Response(SCHEMA_FILE.read_bytes(), content_type="application/xml; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
