"""The evidence pack: a BagIt bag of the originals, the captions (CSV and JSON) and the catalogue."""
from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path, PurePosixPath

import bagit

from archive.csvsafe import csv_row
from archive.errors import CorruptFile, UsageError
from archive.exhibitions import Exhibition
from archive.store import ObjectStore

from .api import LANGUAGES, Exhibit

__all__ = ["write_bag", "check_target", "caption_rows", "CSV_COLUMNS", "CATALOGUE_NAME"]

CATALOGUE_NAME = "catalogue.pdf"
CSV_COLUMNS = ("position", "section", "item_id", "title", "kind", "access", "source", "file",
               "sha256", "page", "crop", *(f"caption_{lang}" for lang in LANGUAGES), "note",
               "date", "period", "places", "scale", "creator", "clip")  # new columns go last


def _file_name(source: str | None, sha256: str, taken: set[str]) -> str:
    """The original's own file name, made unique with its hash when two originals share it."""
    name = PurePosixPath(source or "").name or sha256[:16]
    name = name.replace("\\", "_").lstrip(".") or sha256[:16]
    if name in taken:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem}-{sha256[:8]}.{ext}" if dot else f"{name}-{sha256[:8]}"
    taken.add(name)
    return name


def _file_names(exhibits: list[Exhibit]) -> dict[str, str]:
    """sha256 -> path inside the bag's payload, one file per distinct original."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for x in exhibits:
        if x.original and x.original.sha256 not in names:
            names[x.original.sha256] = "originals/" + _file_name(x.source, x.original.sha256, taken)
    return names


def caption_rows(exhibits: list[Exhibit], files: dict[str, str]) -> list[dict]:
    """One row per entry: where it stands, its item, its original in the bag and its captions."""
    rows = []
    for x in exhibits:
        item, entry = x.item, x.entry
        sha = x.original.sha256 if x.original else None
        rows.append({
            "position": entry.position, "section": entry.section, "item_id": item.id,
            "title": item.title, "kind": item.kind, "access": item.access, "source": x.source,
            "file": files.get(sha), "sha256": sha, "page": entry.page,
            "crop": list(entry.crop) if entry.crop else None,
            "clip": list(entry.clip) if entry.clip else None,  # seconds of the original
            "captions": {lang: entry.captions[lang] for lang in LANGUAGES if lang in entry.captions},
            "note": entry.note, "date": item.issued or item.date, "period": item.period,
            "places": item.places, "scale": item.scale, "creator": item.creator})
    return rows


def _write_csv(path: Path, rows: list[dict]) -> None:
    # utf-8-sig: Excel, which curators open CSV files with, then reads Vietnamese correctly.
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            flat = {k: v for k, v in row.items() if k in CSV_COLUMNS}
            flat.update({f"caption_{lang}": text for lang, text in row["captions"].items()})
            flat["places"] = ";".join(row["places"])
            # The crop's box; the clip's start,end in seconds of the whole original (uncut).
            for key in ("crop", "clip"):
                flat[key] = ",".join(f"{v:g}" for v in row[key]) if row[key] else ""
            writer.writerow(csv_row(flat))


def _bag_info(exhibition: Exhibition, exported_at: str) -> dict[str, str]:
    info = {"External-Identifier": exhibition.slug, "Exhibition-Title": exhibition.title,
            "External-Description": " / ".join(exhibition.titles.values()),
            "Exhibition-Access": exhibition.access, "Exported-At": exported_at}
    for lang, title in exhibition.titles.items():
        if lang != "vi":
            info[f"Exhibition-Title-{lang}"] = title
    if exhibition.organization:
        info["Source-Organization"] = exhibition.organization
    if exhibition.published_at:
        info["Exhibition-Published"] = exhibition.published_at
    return info


def check_target(directory: Path) -> None:
    """Refuse a folder that holds anything: an export never mixes with or replaces other files."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(f"{directory} already exists and is not an empty folder: choose a new"
                         " folder for the evidence pack")


def write_bag(directory: Path, exhibition: Exhibition, exhibits: list[Exhibit], *,
              store: ObjectStore, catalogue: bytes, exported_at: str) -> bagit.Bag:
    """Build the bag in a staging folder beside `directory`, then move it into place whole."""
    directory = Path(directory)
    check_target(directory)
    staging = directory.parent / f".{directory.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)  # left by a killed export of the same bag
    (staging / "originals").mkdir(parents=True)
    try:
        files = _file_names(exhibits)
        for sha, name in files.items():
            shutil.copyfile(store.path_for(sha), staging / name)
        rows = caption_rows(exhibits, files)
        _write_csv(staging / "captions.csv", rows)
        document = {"exhibition": {k: v for k, v in exhibition.to_dict().items()
                                   if k != "entries"}, "exported_at": exported_at, "items": rows}
        (staging / "captions.json").write_text(
            json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        (staging / CATALOGUE_NAME).write_bytes(catalogue)
        bag = bagit.make_bag(str(staging), _bag_info(exhibition, exported_at),
                             checksums=["sha256"])
        _check_originals(bag, files)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if directory.exists():
        directory.rmdir()
    os.replace(staging, directory)
    return bagit.Bag(str(directory))


def _check_originals(bag: bagit.Bag, files: dict[str, str]) -> None:
    """The bag's own hashes of the originals must be the archive's: fixity proven at export."""
    for sha, name in files.items():
        found = bag.entries.get(f"data/{name}", {}).get("sha256")
        if found != sha:
            raise CorruptFile(f"the stored original {name} no longer has its sha256 {sha}: run"
                              " `ttdn verify` before exporting")
