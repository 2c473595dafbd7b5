"""An item as metadata: Dublin Core (`oai_dc`) and the archive's own richer `ttdn` format."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from archive.models import Item

from .xml import DC, OAI_DC, OAI_DC_SCHEMA_URL, TTDN, XML_LANG, XSI, sub, text

__all__ = ["Links", "FORMATS", "oai_dc", "ttdn", "dcmi_type"]

# DCMI Type Vocabulary term per kind of material.
_DCMI = {"document": "Text", "publication": "Text", "map": "StillImage", "photo": "StillImage",
         "video": "MovingImage", "audio": "Sound"}


@dataclass(frozen=True)
class Links:
    """Where the item lives on the portal (absolute URLs), and its original's media type."""

    page: str
    thumbnail: str | None = None
    translation_of: str | None = None
    iiif_manifest: str | None = None
    mime: str | None = None


def dcmi_type(kind: str) -> str | None:
    """The DCMI type of a kind of material, if there is one."""
    return _DCMI.get(kind)


def _lang(item: Item) -> dict:
    # The item's first language is the language of its title and description.
    return {XML_LANG: item.languages[0]} if item.languages else {}


def _values(*values) -> list[str]:
    out: list[str] = []
    for value in values:
        for one in (value if isinstance(value, list) else [value]):
            if one not in (None, "") and str(one) not in out:
                out.append(str(one))
    return out


def oai_dc(parent: ET.Element, item: Item, links: Links) -> None:
    """Append the item's Dublin Core record."""
    root = sub(parent, f"{{{OAI_DC}}}dc", {
        f"{{{XSI}}}schemaLocation": f"{OAI_DC} {OAI_DC_SCHEMA_URL}"})
    lang = _lang(item)
    fields = [
        ("title", _values(item.title or item.id), lang),
        ("creator", _values(item.creator or item.issuer), {}),
        ("subject", _values(item.subject), lang),
        ("description", _values(item.description), lang),
        ("publisher", _values(item.publisher), {}),
        ("contributor", _values(item.contributor, item.signer), {}),
        ("date", _values(item.issued or item.date or item.period), {}),
        ("type", _values(dcmi_type(item.kind), item.type, item.doc_type), {}),
        ("format", _values(item.format, links.mime), {}),
        ("identifier", _values(links.page, item.identifier, item.doc_number), {}),
        ("source", _values(item.dc_source), {}),
        ("language", _values(item.languages), {}),
        ("relation", _values(item.relation, links.translation_of), {}),
        ("coverage", _values(item.coverage, item.places, item.period), {}),
        ("rights", _values(item.rights), {}),
    ]
    for name, values, attrib in fields:
        for value in values:
            text(root, f"{{{DC}}}{name}", value, attrib)


# ttdn element -> Item attribute, in the order ttdn.xsd declares them.
_TTDN_FIELDS = (
    ("title", "title"), ("docNumber", "doc_number"), ("docType", "doc_type"),
    ("issued", "issued"), ("issuedPlace", "issued_place"), ("issuer", "issuer"),
    ("abstract", "_abstract"), ("signer", "signer"), ("signerCapacity", "signer_capacity"),
    ("leadUnit", "lead_unit"), ("partnerUnit", "partner_units"), ("recipient", "recipients"),
    ("creator", "creator"), ("description", "description"), ("subject", "subject"),
    ("language", "languages"),
    ("place", "places"), ("period", "period"), ("scale", "scale"), ("collection", "collection"),
    ("date", "date"), ("rights", "rights"),
)


def _value(item: Item, name: str):
    if name == "_abstract":
        # The trích yếu is what ingest reads as an administrative document's title.
        return item.title if item.doc_number or item.doc_type else None
    value = getattr(item, name)
    return value or (item.id if name == "title" else None)


def ttdn(parent: ET.Element, item: Item, links: Links, schema_url: str) -> None:
    """Append the item's `ttdn` record: the Vietnamese administrative fields and its links."""
    root = sub(parent, f"{{{TTDN}}}record", {f"{{{XSI}}}schemaLocation": f"{TTDN} {schema_url}"})
    text(root, f"{{{TTDN}}}identifier", item.id)
    text(root, f"{{{TTDN}}}kind", item.kind)
    for tag, name in _TTDN_FIELDS:
        for one in _values(_value(item, name)):
            lang = _lang(item) if tag in ("title", "abstract", "description") else {}
            text(root, f"{{{TTDN}}}{tag}", one, lang)
    for tag, url in (("page", links.page), ("thumbnail", links.thumbnail),
                     ("translationOf", links.translation_of),
                     ("iiifManifest", links.iiif_manifest)):
        if url:
            text(root, f"{{{TTDN}}}{tag}", url)


FORMATS = {
    "oai_dc": (OAI_DC_SCHEMA_URL, OAI_DC),
    "ttdn": (None, TTDN),  # its schema is served by this portal: /oai/ttdn.xsd
}
