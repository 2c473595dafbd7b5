"""Interface names of fields, kinds, access levels, origins and events, in the reader's language.

Values of metadata are never translated; only these names of things are.
"""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

__all__ = ["DUBLIN_CORE", "FIELD_LABELS", "KIND_LABELS", "ACCESS_LABELS", "ORIGIN_LABELS",
           "ACTION_LABELS", "ROLE_LABELS", "SORT_LABELS", "FACET_LABELS", "label", "language_name",
           "field_groups"]

# Dublin Core element of each field that has one (`dc_source` is DC's `source`).
DUBLIN_CORE = {
    "title": "title", "creator": "creator", "subject": "subject", "description": "description",
    "publisher": "publisher", "contributor": "contributor", "date": "date", "type": "type",
    "format": "format", "identifier": "identifier", "dc_source": "source",
    "languages": "language", "relation": "relation", "coverage": "coverage", "rights": "rights",
}
FIELD_LABELS = {
    "title": _l("Title"), "creator": _l("Creator"), "subject": _l("Subjects"),
    "description": _l("Description"), "publisher": _l("Publisher"),
    "contributor": _l("Contributor"), "date": _l("Date"), "type": _l("Type"),
    "format": _l("Format"), "identifier": _l("Identifier"), "dc_source": _l("Source"),
    "languages": _l("Languages"), "relation": _l("Relation"), "coverage": _l("Coverage"),
    "rights": _l("Rights"), "kind": _l("Kind"), "access": _l("Access"),
    "doc_number": _l("Document number"), "doc_type": _l("Document type"),
    "issued": _l("Issued on"), "issuer": _l("Issuing body"), "signer": _l("Signed by"),
    "signer_capacity": _l("Signed as"), "issued_place": _l("Issued at"),
    "recipients": _l("Recipients"), "lead_unit": _l("Lead unit"),
    "partner_units": _l("Partner units"), "period": _l("Period"), "scale": _l("Scale"),
    "places": _l("Places"), "collection": _l("Collection"),
    "translation_of": _l("Translation of"), "year": _l("Year"),
}
KIND_LABELS = {
    "document": _l("Document"), "map": _l("Map"), "photo": _l("Photo"),
    "publication": _l("Publication"), "video": _l("Video"), "audio": _l("Audio"),
    "other": _l("Other"),
}
ACCESS_LABELS = {"public": _l("Public"), "internal": _l("Internal"),
                 "restricted": _l("Restricted")}
ORIGIN_LABELS = {"manifest": _l("from the manifest"), "extracted": _l("extracted"),
                 "staff": _l("edited by staff"), "text-layer": _l("text layer"),
                 "ocr": _l("OCR")}
ACTION_LABELS = {
    "ingested": _l("Ingested"), "metadata-edited": _l("Metadata edited"),
    "access-changed": _l("Access changed"), "exported": _l("Exported"),
    "verified": _l("Verified"), "source-added": _l("Source added"),
    "updated": _l("Updated"), "reingested": _l("Re-ingested"),
}
ROLE_LABELS = {"staff": _l("Staff"), "curator": _l("Curator"), "admin": _l("Administrator")}
SORT_LABELS = {"relevance": _l("Relevance"), "date": _l("Newest first"), "title": _l("Title A-Z")}
FACET_LABELS = {"kind": _l("Kind"), "languages": _l("Language"), "year": _l("Year"),
                "lead_unit": _l("Lead unit"), "collection": _l("Collection"),
                "issuer": _l("Issuing body"), "doc_type": _l("Document type"),
                "access": _l("Access")}
_TABLES = {"field": FIELD_LABELS, "kind": KIND_LABELS, "access": ACCESS_LABELS,
           "origin": ORIGIN_LABELS, "action": ACTION_LABELS, "sort": SORT_LABELS,
           "role": ROLE_LABELS,
           "facet": FACET_LABELS}


def label(table: str, key: str) -> str:
    """The interface name of `key` in one of the tables; an unknown key shows as itself."""
    found = _TABLES[table].get(key)
    return str(found) if found is not None else key


def language_name(code: str) -> str:
    """A language code's name in the interface language (`zh` → "Tiếng Trung" in Vietnamese)."""
    name = get_locale().languages.get(code) if code else None
    return name[:1].upper() + name[1:] if name else code


def field_groups(fields: list[str]) -> tuple[list[str], list[str]]:
    """The item's fields split into Dublin Core ones (in DC order) and the domain's own."""
    dc = [f for f in DUBLIN_CORE if f in fields]
    return dc, [f for f in fields if f not in DUBLIN_CORE]
