"""Interface names of fields, kinds, access levels, origins and events, in the reader's language.

Values of metadata are never translated; only these names of things are, and the values of a
controlled vocabulary (document types), which name things too.
"""
from __future__ import annotations

from weakref import WeakKeyDictionary

from flask_babel import lazy_gettext as _l

from .i18n import interface_locale, translations

__all__ = ["DUBLIN_CORE", "FIELD_LABELS", "KIND_LABELS", "ACCESS_LABELS", "ORIGIN_LABELS",
           "ACTION_LABELS", "ROLE_LABELS", "SORT_LABELS", "FACET_LABELS", "DETAIL_LABELS",
           "DOC_TYPE_LABELS", "label", "language_name",
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
    "original-attached": _l("Digitised file attached"),
    "record-linked": _l("Manifest record linked"), "rule-applied": _l("Rule applied"),
    "released-from-quarantine": _l("Released from quarantine"),
    "quarantined": _l("Quarantined"), "quarantine-deleted": _l("Deleted from quarantine"),
    "backed-up": _l("Backed up"), "restored": _l("Restored"),
    # An item's history also holds the work on exhibitions it is in (named as web/exhibits.py).
    "exhibit-item-added": _l("Item added"), "exhibit-item-removed": _l("Item removed"),
    "exhibit-caption-edited": _l("Caption edited"), "exhibit-section-set": _l("Section chosen"),
    "exhibit-item-edited": _l("Page, crop or note edited"),
    "exhibit-reordered": _l("Order changed"),
}
# Keys of an event's details, as the history tables show them.
DETAIL_LABELS = {
    "source": _l("Source"), "exhibition": _l("Exhibition"), "pages": _l("Pages"),
    "mime": _l("File type"),
    "position": _l("Position"), "languages": _l("Languages"), "identifier": _l("Identifier"),
    "sha256": _l("Checksum (SHA-256)"), "record": _l("Record without a file"),
    "manifest": _l("Manifest"), "line": _l("Line"), "fields": _l("Fields"),
    "reason": _l("Reason"), "code": _l("Error code"), "rule": _l("Rule"), "rules": _l("Rules"),
    "review": _l("Review"), "refused": _l("Refused"), "dest": _l("Destination"),
    "item_id": _l("Item"), "from": _l("From"), "to": _l("To"), "featured": _l("Featured"),
    "bulk": _l("Bulk edit"), "title": _l("Title"), "captions": _l("Captions"),
    "section": _l("Section"), "page": _l("Page"), "crop": _l("Crop"), "note": _l("Note"),
    "clip": _l("Clip"), "pdf": _l("Catalogue (PDF)"), "bag": _l("Evidence pack (.zip)"),
}
# Controlled values of doc_type (ingest/metadata/vocab.py's DOC_TYPES): stored in Vietnamese,
# shown in the interface language, so a Chinese reader sees 议定 where the record says Nghị định.
DOC_TYPE_LABELS = {
    "Thông tư liên tịch": _l("Joint circular"), "Chương trình hành động": _l("Action programme"),
    "Nghị định": _l("Decree"), "Thông tư": _l("Circular"), "Quyết định": _l("Decision"),
    "Kế hoạch": _l("Plan"), "Công văn": _l("Official letter"), "Báo cáo": _l("Report"),
    "Tờ trình": _l("Submission"), "Nghị quyết": _l("Resolution"), "Chỉ thị": _l("Directive"),
    "Thông báo": _l("Notice"), "Kết luận": _l("Conclusion"), "Chương trình": _l("Programme"),
    "Hướng dẫn": _l("Guidance"), "Quy chế": _l("Regulation"), "Quy định": _l("Provisions"),
    "Công điện": _l("Official telegram"), "Pháp lệnh": _l("Ordinance"), "Bộ luật": _l("Code"),
    "Luật": _l("Law"),
}
ROLE_LABELS = {"staff": _l("Staff"), "curator": _l("Curator"), "admin": _l("Administrator")}
SORT_LABELS = {"relevance": _l("Relevance"), "date": _l("Newest first"), "title": _l("Title A-Z")}
FACET_LABELS = {"kind": _l("Kind"), "languages": _l("Language"), "year": _l("Year"),
                "lead_unit": _l("Lead unit"), "collection": _l("Collection"),
                "issuer": _l("Issuing body"), "doc_type": _l("Document type"),
                "access": _l("Access"), "places": _l("Places"), "subjects": _l("Subjects"),
                "creator": _l("Creator")}
_TABLES = {"field": FIELD_LABELS, "kind": KIND_LABELS, "access": ACCESS_LABELS,
           "origin": ORIGIN_LABELS, "action": ACTION_LABELS, "sort": SORT_LABELS,
           "role": ROLE_LABELS,
           "facet": FACET_LABELS, "detail": DETAIL_LABELS, "doc_type": DOC_TYPE_LABELS}


# Names already translated, per gettext catalog (one per interface language): a results page
# names dozens of kinds, facets and languages, and Flask-Babel's lookup of a lazy string costs
# ~30 µs each time. A catalog stands for one locale, so it keys the language names too.
_NAMED: WeakKeyDictionary = WeakKeyDictionary()


def _named() -> dict:
    catalog = translations()
    found = _NAMED.get(catalog)
    if found is None:
        found = _NAMED.setdefault(catalog, {})
    return found


def label(table: str, key: str) -> str:
    """The interface name of `key` in one of the tables; an unknown key shows as itself."""
    found = _TABLES[table].get(key)
    if found is None:
        return key
    named = _named()
    text = named.get((table, key))
    if text is None:
        text = named[table, key] = str(found)
    return text


def language_name(code: str) -> str:
    """A language code's name in the interface language (`zh` → "Tiếng Trung" in Vietnamese)."""
    if not code:
        return code
    named = _named()
    shown = named.get(("language", code))
    if shown is None:
        name = interface_locale().languages.get(code)
        shown = named["language", code] = name[:1].upper() + name[1:] if name else code
    return shown


def field_groups(fields: list[str]) -> tuple[list[str], list[str]]:
    """The item's fields split into Dublin Core ones (in DC order) and the domain's own."""
    dc = [f for f in DUBLIN_CORE if f in fields]
    return dc, [f for f in fields if f not in DUBLIN_CORE]
