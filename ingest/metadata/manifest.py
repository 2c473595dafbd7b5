"""Read `manifest.csv`: the metadata staff give in a spreadsheet, one row per file or record."""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from archive.errors import CorruptFile
from archive.models import ACCESS_LEVELS, KINDS, Item

__all__ = ["ManifestRow", "Manifest", "read_manifest", "MANIFEST_NAME", "COLUMNS"]

MANIFEST_NAME = "manifest.csv"
COLUMNS = ("file", "title", "kind", "languages", "access", "date", "doc_number", "issuer",
           "lead_unit", "partner_units", "places", "subjects", "description", "collection",
           "period", "creator", "rights", "identifier", "translation_of", "scale")
_LISTS = {"languages", "partner_units", "places", "subjects"}
# Manifest column -> Item field where the names differ.
_FIELD_FOR = {"subjects": "subject"}
_LANG_ALIASES = {"vie": "vi", "eng": "en", "chi": "zh", "zho": "zh", "jpn": "ja", "kor": "ko",
                 "fra": "fr", "fre": "fr", "viet": "vi", "tiếng việt": "vi"}


@dataclass
class ManifestRow:
    """One manifest row: the file it names (or none, for a physical record) and its values."""

    line: int
    file: str | None
    values: dict[str, object] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def record_id(self) -> str:
        """A stable id for a record without a file, from its identifier or title."""
        key = str(self.values.get("identifier") or self.values.get("title") or self.line)
        return hashlib.sha256(f"record:{key}".encode()).hexdigest()[:16]

    @property
    def source(self) -> str:
        """How a record without a file is named: its identifier, else its manifest line."""
        return str(self.values.get("identifier") or f"{MANIFEST_NAME}#{self.line}")

    def apply(self, item: Item) -> list[str]:
        """Write this row's values onto `item` (they win over extracted ones); return changed fields."""
        changed = []
        for column, value in self.values.items():
            name = _FIELD_FOR.get(column, column)
            if getattr(item, name) != value:
                setattr(item, name, value)
                changed.append(name)
            item.origins[name] = "manifest"
        return changed


@dataclass
class Manifest:
    """All rows of one manifest, by file path (relative, POSIX) and the records without a file."""

    path: Path
    by_file: dict[str, ManifestRow] = field(default_factory=dict)
    records: list[ManifestRow] = field(default_factory=list)

    def row_for(self, relative: str) -> ManifestRow | None:
        """The row naming this file, if any."""
        return self.by_file.get(relative)

    def languages(self) -> set[str]:
        """Every language the manifest mentions."""
        found: set[str] = set()
        for row in [*self.by_file.values(), *self.records]:
            found.update(row.values.get("languages", []))
        return found


def read_manifest(path: Path) -> Manifest:
    """Parse a manifest.csv (UTF-8, with or without BOM); unreadable files raise CorruptFile."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise CorruptFile(f"{path.name}: not UTF-8 text (save the spreadsheet as CSV UTF-8)") from err
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "file" not in [f.strip().lower() for f in reader.fieldnames]:
        raise CorruptFile(f"{path.name}: the first line must name the columns, with a 'file' column")
    manifest = Manifest(path=path)
    for line, raw in enumerate(reader, start=2):
        row = _parse_row(line, raw)
        if row.file:
            manifest.by_file[row.file] = row
        elif row.values:
            manifest.records.append(row)
    return manifest


def _parse_row(line: int, raw: dict) -> ManifestRow:
    clean = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
    file = clean.pop("file", "") or None
    row = ManifestRow(line=line, file=str(PurePosixPath(file.replace("\\", "/"))) if file else None)
    for column in COLUMNS[1:]:
        value = clean.get(column, "")
        if value:
            row.values[column] = _parse_value(row, column, value)
    _check(row)
    return row


def _parse_value(row: ManifestRow, column: str, value: str) -> object:
    if column not in _LISTS:
        return value
    parts = [p.strip() for p in value.split(";") if p.strip()]
    if column == "languages":
        return [_LANG_ALIASES.get(p.lower(), p.lower()) for p in parts]
    return parts


def _check(row: ManifestRow) -> None:
    kind = str(row.values.get("kind", "")).lower()
    if kind and kind not in KINDS:
        row.problems.append(f"manifest line {row.line}: unknown kind {kind!r} (use one of "
                            f"{', '.join(KINDS)}); kept as 'other'")
        row.values["kind"] = "other"
    elif kind:
        row.values["kind"] = kind
    access = str(row.values.get("access", "")).lower()
    if access and access not in ACCESS_LEVELS:
        # An unreadable access level must never make an item public.
        row.problems.append(f"manifest line {row.line}: unknown access {access!r}; kept internal")
        row.values["access"] = "internal"
    elif access:
        row.values["access"] = access
