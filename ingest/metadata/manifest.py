"""Read `manifest.csv`: the metadata staff give in a spreadsheet, one row per file or record.

The rules, in the README's manifest section too:
- The file is parsed as written with the csv module: a quoted line break (Excel's Alt+Enter)
  stays in its cell and `\\x0b \\x0c \\x85 U+2028` never split a row. In a cell a line break
  reads as a space, as a `;` in list columns, and is kept in `description`.
- Column names ignore case, spaces, `-` and `_` (`Access`, `Doc Number`) and a singular names
  its list (`language`); such a variant is reported. An unknown column is reported with the
  known column it most resembles, and its values are not read.
- A line with a cell over 128 KiB is a bad line: it is reported, the rest is read, and of the
  line only `file` and a valid `access` are kept, so a restriction is never lost.
- Two rows for one file (or one record): `access` takes the most restrictive
  (restricted > internal > public), any other column keeps the first row's value, and each
  conflict is reported naming both lines. `merge_rows` is the one place for that rule.
- A manifest in a subfolder describes the files below it (`ingest.inputs`): where a deeper and
  a shallower one name the same file, the deeper one's values win but access still takes the
  most restrictive. Messages give the physical line, and the spreadsheet row when it differs.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from archive.errors import CorruptFile
from archive.models import ACCESS_LEVELS, KINDS, Item

__all__ = ["ManifestRow", "Manifest", "read_manifest", "merge_rows", "is_manifest",
           "MANIFEST_NAME", "COLUMNS", "MAX_CELL_BYTES"]

MANIFEST_NAME = "manifest.csv"
COLUMNS = ("file", "title", "kind", "languages", "access", "date", "doc_number", "issuer",
           "lead_unit", "partner_units", "places", "subjects", "description", "collection",
           "period", "creator", "rights", "identifier", "translation_of", "scale")
MAX_CELL_BYTES = 128 * 1024  # a longer cell is a missing closing quote or a pasted document
_MAX_MANIFEST_BYTES = 64 * 1024 * 1024  # a spreadsheet of records is far smaller; bounds memory
_LISTS = {"languages", "partner_units", "places", "subjects"}
# Manifest column -> Item field where the names differ.
_FIELD_FOR = {"subjects": "subject"}
# Obvious variants read as the known column (with a warning).
_ALIASES = {"language": "languages", "subject": "subjects", "place": "places",
            "partner_unit": "partner_units"}
_LANG_ALIASES = {"vie": "vi", "eng": "en", "chi": "zh", "zho": "zh", "jpn": "ja", "kor": "ko",
                 "fra": "fr", "fre": "fr", "viet": "vi", "tiếng việt": "vi"}
_RANK = {level: rank for rank, level in enumerate(ACCESS_LEVELS)}  # higher is more restrictive
_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def is_manifest(name: str) -> bool:
    """Whether a file name is a manifest (any case: `Manifest.csv` from Windows is one too)."""
    return name.casefold() == MANIFEST_NAME


@dataclass
class ManifestRow:
    """One manifest row: the file it names (or none, for a physical record) and its values."""

    line: int
    file: str | None
    values: dict[str, object] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    manifest: str = MANIFEST_NAME  # the manifest's path in the ingested folder
    sheet_row: int = 0  # the spreadsheet's row number, when a quoted line break moved the line

    @property
    def at(self) -> str:
        """Where the row is, as a clerk finds it: its line, and its spreadsheet row if different."""
        return _at(self.line, self.sheet_row)

    @property
    def record_id(self) -> str:
        """A stable id for a record without a file, from its identifier or title."""
        at = self.line if self.manifest == MANIFEST_NAME else f"{self.manifest}#{self.line}"
        key = str(self.values.get("identifier") or self.values.get("title") or at)
        return hashlib.sha256(f"record:{key}".encode()).hexdigest()[:16]

    @property
    def source(self) -> str:
        """How a record without a file is named: its identifier, else its manifest line."""
        return str(self.values.get("identifier") or f"{self.manifest}#{self.line}")

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
    """One manifest: rows by file path (relative, POSIX), records without a file, problems."""

    path: Path
    by_file: dict[str, ManifestRow] = field(default_factory=dict)
    records: list[ManifestRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about columns and bad lines

    def row_for(self, relative: str) -> ManifestRow | None:
        """The row naming this file, if any."""
        return self.by_file.get(relative)

    def languages(self) -> set[str]:
        """Every language the manifest mentions."""
        found: set[str] = set()
        for row in [*self.by_file.values(), *self.records]:
            found.update(row.values.get("languages", []))
        return found


def merge_rows(kept: ManifestRow, other: ManifestRow, what: str, *, other_wins: bool = False
               ) -> list[str]:
    """Fold `other` (a second row for `what`) into `kept`; return one message per conflict."""
    notes = []
    for column, value in other.values.items():
        mine = kept.values.get(column)
        if mine is None or mine == value:
            kept.values[column] = value
            continue
        if column == "access":  # never resolved towards less restriction
            chosen, why = max(mine, value, key=_RANK.__getitem__), "the most restrictive wins"
        else:
            chosen, why = (value, f"{other.manifest} is nearer the file") if other_wins else (
                mine, "the first row wins")
        kept.values[column] = chosen
        notes.append(f"{_both(kept, other)} both describe {what} with different {column} "
                     f"({_short(mine)} / {_short(value)}): {_short(chosen)} is kept ({why}); "
                     "make the rows agree")
    kept.problems.extend([*other.problems, *notes])
    return notes


def read_manifest(path: Path, name: str | None = None) -> Manifest:
    """Parse a manifest.csv (UTF-8, with or without BOM); unreadable files raise CorruptFile.

    `name` is how the manifest is called in messages and record sources (its path in the folder).
    """
    name = name or path.name
    lines = _records(_read_text(path, name))
    if not lines or lines[0][1] is None:
        raise CorruptFile(f"{name}: the first line must name the columns, with a 'file' column")
    header = lines[0][1]
    columns = [_known(cell) for cell in header]
    if "file" not in columns:
        raise CorruptFile(f"{name}: the first line must name the columns, with a 'file' column"
                          + _rename_hint(header))
    manifest = Manifest(path=path)
    unnamed = [i for i, cell in enumerate(header) if not cell.strip()]
    used: set[int] = set()  # unnamed columns holding a value somewhere
    by_id: dict[str, ManifestRow] = {}
    for sheet_row, (line, cells, error) in enumerate(lines[1:], start=2):
        used.update(i for i in unnamed if cells and i < len(cells) and cells[i].strip())
        row = _parse_line((line, sheet_row), cells, error, columns, manifest, name)
        if row is not None:
            _add(manifest, row, by_id)
    manifest.problems[:0] = _header_notes(header, columns, used)
    return manifest


def _read_text(path: Path, name: str) -> str:
    try:
        if path.stat().st_size > _MAX_MANIFEST_BYTES:
            raise CorruptFile(f"{name}: larger than {_MAX_MANIFEST_BYTES // 2**20} MiB, which no "
                              "manifest of records needs; check it is the right file")
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CorruptFile(f"{name}: not UTF-8 text (save the spreadsheet as CSV UTF-8)") from err
    except OSError as err:
        raise CorruptFile(f"{name}: cannot be read ({err.strerror}); check its "
                          "permissions") from err


def _records(text: str) -> list[tuple[int, list[str] | None, str]]:
    """(first physical line, cells or None, csv's error) for each record of the text."""
    out: list[tuple[int, list[str] | None, str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    # No cell can outgrow the file, so csv's own limit never aborts the run; ours is per cell.
    old = csv.field_size_limit(max(len(text) + 1, csv.field_size_limit()))
    try:
        start = 1
        while True:
            try:
                cells: list[str] | None = next(reader)
                error = ""
            except StopIteration:
                break
            except csv.Error as err:
                cells, error = None, str(err)
            out.append((start, cells, error))
            start = reader.line_num + 1
    finally:
        csv.field_size_limit(old)
    return out


def _norm(name: str) -> str:
    name = name.replace("\ufeff", "").replace("\u200b", "").strip().casefold()
    return re.sub(r"[\s_\-]+", "_", name).strip("_")


def _known(cell: str) -> str | None:
    column = _ALIASES.get(_norm(cell), _norm(cell))
    return column if column in COLUMNS else None


def _nearest(cell: str) -> str:
    norm = _norm(cell)
    inside = [c for c in COLUMNS if c in norm]
    if inside:
        return max(inside, key=len)
    import difflib  # for a header with an unknown column only: not every ingest's start-up
    return (difflib.get_close_matches(norm, COLUMNS, n=1, cutoff=0) or ["title"])[0]


def _rename_hint(header: list[str]) -> str:
    near = [cell for cell in header if cell.strip() and _nearest(cell) == "file"]
    return f" (found {near[0]!r}: rename it 'file')" if near else ""


def _header_notes(header: list[str], columns: list[str | None], used: set[int]) -> list[str]:
    notes, first = [], {}
    for index, (cell, column) in enumerate(zip(header, columns)):
        if column and column in first:
            notes.append(f"manifest line 1: column {index + 1} {cell!r} repeats column "
                         f"{first[column] + 1} ({column!r}); both are read, a conflict between "
                         "them is reported on its line")
        elif column and cell != column:
            notes.append(f"manifest line 1: column {cell!r} is read as {column!r}")
        elif not column and cell.strip():
            notes.append(f"manifest line 1: column {cell!r} is not a manifest column and is "
                         f"ignored; did you mean {_nearest(cell)!r}? Rename it to apply it")
        elif not column and index in used:
            notes.append(f"manifest line 1: column {index + 1} has no name and its values are "
                         "ignored; give it one of the manifest's column names")
        if column:
            first.setdefault(column, index)
    return notes


def _at(line: int, sheet_row: int) -> str:
    if sheet_row in (0, line):
        return f"line {line}"
    return f"line {line} (spreadsheet row {sheet_row})"


def _parse_line(line: tuple[int, int], cells: list[str] | None, error: str,
                columns: list[str | None], manifest: Manifest, name: str) -> ManifestRow | None:
    if cells is None:
        manifest.problems.append(f"manifest {_at(*line)}: not readable as CSV ({error}); the line "
                                 "is skipped")
        return None
    if not any(cell.strip() for cell in cells):
        return None
    long = [i for i, cell in enumerate(cells) if _too_long(cell)]
    if long:
        return _bad_line(line, cells, columns, long, manifest, name)
    row = _parse_row(line, cells, columns, manifest, name)
    if row and len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
        row.problems.append(f"manifest {row.at}: {len(cells)} cells but the first line names "
                            f"{len(columns)} columns; the extra cells are ignored (put a value "
                            "holding a comma in quotes)")
    return row


def _too_long(cell: str) -> bool:
    return len(cell) > MAX_CELL_BYTES // 4 and len(cell.encode("utf-8")) > MAX_CELL_BYTES


def _bad_line(line: tuple[int, int], cells: list[str], columns: list[str | None], long: list[int],
              manifest: Manifest, name: str) -> ManifestRow | None:
    # Keep what decides where the file goes and who sees it, so a bad line never loosens access.
    where = ", ".join(repr(columns[i] if i < len(columns) and columns[i] else f"column {i + 1}")
                      for i in long)
    manifest.problems.append(
        f"manifest {_at(*line)}: a cell ({where}) holds more than {MAX_CELL_BYTES // 1024} KiB "
        "(a missing closing quote?); only its file and access are read; fix the line and "
        "ingest again")
    keep = [c if c in ("file", "access") else None for c in columns]
    short = [cell if i not in long else "" for i, cell in enumerate(cells)]
    row = _parse_row(line, short, keep, manifest, name)
    return row if row and row.file else None  # without its file the line describes nothing


def _parse_row(line: tuple[int, int], cells: list[str], columns: list[str | None],
               manifest: Manifest, name: str) -> ManifestRow | None:
    given: dict[str, list[str]] = {}
    for column, cell in zip(columns, cells):
        if column and cell.strip():
            given.setdefault(column, []).append(cell.strip())
    files = given.pop("file", [""])
    row = ManifestRow(line=line[0], file=None, manifest=name, sheet_row=line[1])
    file = files[0]
    if len(set(files)) > 1:
        row.problems.append(f"manifest {row.at}: two file columns disagree ({files[0]!r} / "
                            f"{files[1]!r}); the first is read")
    if file:
        row.file = _file_path(file, row.at, manifest)
        if row.file is None:
            return None
    for column in sorted(given, key=COLUMNS.index):
        values = [_parse_value(row, column, value) for value in given[column]]
        row.values[column] = _one(row, column, values)
    return row


def _file_path(text: str, at: str, manifest: Manifest) -> str | None:
    if "/" not in text and "\\" not in text and text != ".." and not is_manifest(text):
        return text  # a plain name, as most rows give: nothing to normalise
    path = PurePosixPath(text.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        manifest.problems.append(f"manifest {at}: {text!r} is outside the manifest's "
                                 "folder; name files relative to it. The row is ignored")
        return None
    if is_manifest(path.name):
        manifest.problems.append(f"manifest {at}: names {text!r}, a manifest, which is "
                                 "read, never archived. The row is ignored")
        return None
    return str(path)


def _one(row: ManifestRow, column: str, values: list[object]) -> object:
    """One value from the cells of repeated columns: access the most restrictive, else the first."""
    if column == "access":
        return max(values, key=_RANK.__getitem__)
    if any(v != values[0] for v in values[1:]):
        row.problems.append(f"manifest {row.at}: two {column} columns disagree "
                            f"({_short(values[0])} / {_short(values[1])}); the first is kept")
    return values[0]


def _parse_value(row: ManifestRow, column: str, value: str) -> object:
    if column == "description":
        return _BREAKS.sub("\n", value)
    if column in _LISTS:
        parts = [" ".join(p.split()) for p in re.split(f";|{_BREAKS.pattern}", value)]
        parts = [p for p in parts if p]
        if column == "languages":
            return [_LANG_ALIASES.get(p.lower(), p.lower()) for p in parts]
        return parts
    value = " ".join(value.split())  # an in-cell line break (Alt+Enter) reads as a space
    if column == "kind":
        return _kind(row, value.lower())
    if column == "access":
        return _access(row, value.lower())
    return value


def _kind(row: ManifestRow, kind: str) -> str:
    if kind in KINDS:
        return kind
    row.problems.append(f"manifest {row.at}: unknown kind {kind!r} (use one of "
                        f"{', '.join(KINDS)}); kept as 'other'")
    return "other"


def _access(row: ManifestRow, access: str) -> str:
    if access in ACCESS_LEVELS:
        return access
    # An unreadable access level must never make an item public.
    row.problems.append(f"manifest {row.at}: unknown access {access!r}; kept internal")
    return "internal"


def _add(manifest: Manifest, row: ManifestRow, records: dict[str, ManifestRow]) -> None:
    if row.file:
        kept = manifest.by_file.get(row.file)
        if kept is None:
            manifest.by_file[row.file] = row
        else:
            merge_rows(kept, row, row.file)
        return
    if not row.values:
        return
    kept = records.setdefault(row.record_id, row)  # one id, one item: so one row
    if kept is row:
        manifest.records.append(row)
    else:
        merge_rows(kept, row, f"the record {row.source!r}")


def _both(a: ManifestRow, b: ManifestRow) -> str:
    if a.manifest == b.manifest and a.at == f"line {a.line}" and b.at == f"line {b.line}":
        return f"{a.manifest} lines {a.line} and {b.line}"
    second = b.at if a.manifest == b.manifest else f"{b.manifest} {b.at}"
    return f"{a.manifest} {a.at} and {second}"


def _short(value: object) -> str:
    text = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
    return repr(text if len(text) <= 40 else text[:39] + "…")
