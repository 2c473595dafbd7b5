"""Turn the paths given to `ttdn ingest` into files to ingest, each with its manifest row."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import ArchiveError

from .metadata.manifest import MANIFEST_NAME, ManifestRow, read_manifest

__all__ = ["Input", "Inputs", "collect_inputs"]


@dataclass
class Input:
    """One file to ingest: where it is, the name it is archived under, its manifest row."""

    path: Path
    source: str
    row: ManifestRow | None = None


@dataclass
class Inputs:
    """Files, records without a file, and problems found while reading the manifests."""

    files: list[Input] = field(default_factory=list)
    records: list[ManifestRow] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (source, message)
    bad_manifests: list[tuple[str, ArchiveError]] = field(default_factory=list)

    def languages(self) -> set[str]:
        """Every language any manifest row names."""
        rows = [i.row for i in self.files if i.row] + self.records
        return {code for row in rows for code in row.values.get("languages", [])}


def collect_inputs(paths: list[Path]) -> Inputs:
    """Walk folders recursively (sorted, hidden files skipped) and pair files with manifest rows."""
    inputs = Inputs()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            _collect_folder(path, inputs)
        elif path.is_file():
            inputs.files.append(Input(path=path, source=path.name))
        else:
            inputs.problems.append((str(path), f"{path}: no such file or folder"))
    return inputs


def _collect_folder(folder: Path, inputs: Inputs) -> None:
    manifest = None
    manifest_path = folder / MANIFEST_NAME
    if manifest_path.is_file():
        try:
            manifest = read_manifest(manifest_path)
        except ArchiveError as err:
            inputs.bad_manifests.append((str(manifest_path), err))
    seen: set[str] = set()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path == manifest_path:
            continue
        row = manifest.row_for(relative) if manifest else None
        seen.add(relative)
        inputs.files.append(Input(path=path, source=relative, row=row))
    if manifest:
        inputs.records.extend(manifest.records)
        for row in [*manifest.by_file.values(), *manifest.records]:
            inputs.problems.extend((MANIFEST_NAME, p) for p in row.problems)
        for name in sorted(set(manifest.by_file) - seen):
            line = manifest.by_file[name].line
            inputs.problems.append((MANIFEST_NAME, f"manifest line {line} names {name}, which is "
                                    "not in the folder"))
