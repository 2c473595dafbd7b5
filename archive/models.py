"""Plain records of the archive: items, files, pages, events, quarantine entries."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

__all__ = ["Item", "FileRecord", "Page", "Event", "QuarantineEntry", "ITEM_FIELDS",
           "KINDS", "ACCESS_LEVELS"]

KINDS = ("document", "map", "photo", "publication", "video", "audio", "other")
ACCESS_LEVELS = ("public", "internal", "restricted")


@dataclass
class Item:
    """One archived thing; Dublin Core fields plus the domain's own (DESIGN.md, Records)."""

    id: str
    kind: str = "document"
    access: str = "internal"
    title: str | None = None
    creator: str | None = None
    subject: list[str] = field(default_factory=list)
    description: str | None = None
    publisher: str | None = None
    contributor: str | None = None
    date: str | None = None
    type: str | None = None
    format: str | None = None
    identifier: str | None = None
    dc_source: str | None = None
    relation: str | None = None
    coverage: str | None = None
    rights: str | None = None
    doc_number: str | None = None
    doc_type: str | None = None
    issued: str | None = None
    issuer: str | None = None
    signer: str | None = None
    signer_capacity: str | None = None  # "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    issued_place: str | None = None  # "Lạng Sơn" in "Lạng Sơn, ngày 22 tháng 3 năm 2017"
    recipients: list[str] = field(default_factory=list)  # Nơi nhận
    lead_unit: str | None = None
    partner_units: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    period: str | None = None
    scale: str | None = None  # maps: "1:10,000"
    places: list[str] = field(default_factory=list)
    collection: str | None = None
    translation_of: str | None = None
    media: dict = field(default_factory=dict)  # films, recordings: ffprobe facts, page times
    sha256: str | None = None
    status: str = "ok"
    warnings: list[str] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)  # field -> "manifest" | "extracted" | "staff"
    created_at: str | None = None
    updated_at: str | None = None

    def to_dict(self) -> dict:
        """The item as a JSON-ready mapping with the field names DESIGN.md uses."""
        return asdict(self)

    @property
    def year(self) -> int | None:
        """The year the item is dated to (issued, date, or the start of its period)."""
        for value in (self.issued, self.date, self.period):
            if value and value[:4].isdigit():
                return int(value[:4])
        return None


# Metadata fields kept in the catalog's metadata table (everything but the item row's own columns).
_ROW_FIELDS = {"id", "kind", "access", "title", "sha256", "status", "created_at", "updated_at",
               "warnings", "origins"}
ITEM_FIELDS = tuple(f.name for f in fields(Item) if f.name not in _ROW_FIELDS)


@dataclass
class FileRecord:
    """An original or derivative blob, by sha256."""

    sha256: str
    mime: str
    size: int
    role: str = "original"  # original | thumbnail


@dataclass
class Page:
    """One page's text and where it came from."""

    n: int
    text: str
    origin: str = "text-layer"  # text-layer | ocr
    confidence: float | None = None
    language: str | None = None


@dataclass
class Event:
    """One line of the append-only audit trail."""

    item_id: str | None
    action: str  # ingested | metadata-edited | access-changed | exported | verified | ...
    actor: str
    at: str
    detail: dict = field(default_factory=dict)
    id: int | None = None


@dataclass
class QuarantineEntry:
    """An input the archive refused, with the reason a clerk can act on."""

    source: str
    sha256: str | None
    code: str
    reason: str
    at: str
    stored_as: str | None = None
