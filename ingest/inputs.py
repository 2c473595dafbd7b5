"""Turn the paths given to `ttdn ingest` into files to ingest, each with its manifest row."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import ArchiveError, UnsafeLink
from archive.names import display_name, raw_name
from archive.store import sha256_file

from .disc_folder import is_video_ts
from .metadata.manifest import Manifest, ManifestRow, is_manifest, merge_rows, read_manifest
from .subtitles import is_sidecar_subtitle

__all__ = ["Input", "Inputs", "collect_inputs"]


@dataclass
class Input:
    """One file to ingest: where it is, the name it is archived under, its manifest row."""

    path: Path
    source: str  # shown form: undecodable bytes of the name as \xNN (archive/names.py)
    row: ManifestRow | None = None
    raw: bytes | None = None  # the name's raw bytes when it is not valid UTF-8
    folder: Path | None = None  # the folder given to ingest it came from (None: a file given)
    disc: Path | None = None  # a loose DVD: its VIDEO_TS folder, packed when read (disc_folder)


@dataclass
class Inputs:
    """Files, records without a file, and problems found while reading the manifests."""

    files: list[Input] = field(default_factory=list)
    records: list[ManifestRow] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (source, message)
    bad_manifests: list[tuple[str, ArchiveError]] = field(default_factory=list)
    refused: list[tuple[Input, ArchiveError]] = field(default_factory=list)  # never read
    # Per folder given (absolute): a fingerprint of the content of every manifest below it, so
    # a re-run applies manifest rows to files it does not re-read only when a manifest changed.
    manifest_prints: dict[Path, str] = field(default_factory=dict)
    record_folders: dict[str, Path] = field(default_factory=dict)  # record_id -> its folder

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
        elif path.is_file() and is_manifest(path.name):
            shown = display_name(str(path))
            inputs.problems.append((shown, f"{shown} is a manifest: it is read when its folder "
                                    "is ingested and is never archived; give the folder"))
        elif path.is_file():
            inputs.files.append(Input(path=path, source=display_name(path.name),
                                      raw=raw_name(path.name)))
        else:
            shown = display_name(str(path))
            inputs.problems.append((shown, f"{shown}: no such file or folder"))
    return inputs


def _collect_folder(folder: Path, inputs: Inputs) -> None:
    found: list[tuple[Path, str, str]] = []
    manifests: list[tuple[Path, str]] = []
    discs: list[Path] = [folder] if is_video_ts(folder) else []  # VIDEO_TS given itself
    for path in sorted(folder.rglob("*")):
        relative_fs = path.relative_to(folder).as_posix()
        relative = display_name(relative_fs)
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if any(path.is_relative_to(disc) for disc in discs):
            continue  # a file of a loose DVD: the disc is the item, not its parts
        if is_video_ts(path):
            discs.append(path)
            continue
        if not path.is_file():
            continue
        if is_manifest(path.name):  # at any depth: a manifest describes items, it is never one
            manifests.append((path, relative))
            continue
        if is_sidecar_subtitle(path):  # film.srt is read with film.mp4, never an item alone
            continue
        found.append((path, relative_fs, relative))
    inputs.manifest_prints[folder.absolute()] = _fingerprint(folder, manifests)
    rows, records = _manifest_rows(folder, manifests, inputs)
    for path, relative_fs, relative in found:
        _add_file(inputs, Input(path=path, source=relative, row=rows.pop(relative, None),
                                raw=raw_name(relative_fs), folder=folder.absolute()), folder)
    for disc in discs:
        _add_disc(inputs, disc, folder, rows)
    for row in rows.values():
        inputs.problems.append((row.manifest, f"manifest {row.at} names {row.file}, "
                                "which is not in the folder"))
    inputs.records.extend(records)
    inputs.record_folders.update((row.record_id, folder.absolute()) for row in records)


def _fingerprint(folder: Path, manifests: list[tuple[Path, str]]) -> str:
    """A hash of every manifest's name and content; taken before they are parsed, so a manifest
    edited in between reads as changed next time (rows applied again), never as unchanged."""
    digest = hashlib.sha256()
    for path, relative in sorted(manifests, key=lambda m: m[1]):
        try:
            if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
                content = f"outside link: {path.resolve()}"  # refused unread (_read_one)
            else:
                content = sha256_file(path)
        except OSError as err:  # reported when parsed; here it only has to differ from a read
            content = f"unreadable: {err.errno}"
        digest.update(f"{relative}\0{content}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _manifest_rows(folder: Path, manifests: list[tuple[Path, str]], inputs: Inputs
                   ) -> tuple[dict[str, ManifestRow], list[ManifestRow]]:
    """Rows by path in `folder`, and records, from every manifest; a deeper one is read later.

    A manifest applies to the files below its own folder, named relative to it. Where two
    manifests describe one file (or record), `merge_rows` decides: access the most restrictive,
    any other column the deeper manifest's value (it is nearer the file); each conflict is reported.
    """
    rows: dict[str, ManifestRow] = {}
    records: dict[str, ManifestRow] = {}
    for path, relative in sorted(manifests, key=lambda m: (m[1].count("/"), m[1])):
        manifest = _read_one(folder, path, relative, inputs)
        if manifest is None:
            continue
        base = relative.rpartition("/")[0]
        for name, row in manifest.by_file.items():
            _fold(rows, f"{base}/{name}" if base else name, row, inputs)
        for row in manifest.records:
            _fold(records, row.record_id, row, inputs)
    return rows, list(records.values())


def _read_one(folder: Path, path: Path, relative: str, inputs: Inputs) -> Manifest | None:
    if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
        inputs.bad_manifests.append((relative, UnsafeLink(
            f"{relative}: a link to a manifest outside the folder being ingested; copy the "
            "manifest itself into the folder")))
        return None
    try:
        manifest = read_manifest(path, name=relative)
    except ArchiveError as err:
        inputs.bad_manifests.append((str(path), err))
        return None
    inputs.problems.extend((relative, p) for p in manifest.problems)
    for row in [*manifest.by_file.values(), *manifest.records]:
        inputs.problems.extend((relative, p) for p in row.problems)
    return manifest


def _fold(rows: dict[str, ManifestRow], key: str, row: ManifestRow, inputs: Inputs) -> None:
    kept = rows.setdefault(key, row)
    if kept is not row:
        what = key if row.file else f"the record {row.source!r}"
        notes = merge_rows(kept, row, what, other_wins=True)
        inputs.problems.extend((row.manifest, note) for note in notes)


def _add_disc(inputs: Inputs, video_ts: Path, folder: Path, rows: dict[str, ManifestRow]
              ) -> None:
    """A loose DVD: one input named by the folder that holds VIDEO_TS (`DISC`), whose manifest
    row may name that folder or its VIDEO_TS."""
    holder = video_ts.parent
    if holder.is_relative_to(folder) and holder != folder:
        relative_fs = holder.relative_to(folder).as_posix()
    else:  # the disc folder (or its VIDEO_TS) was given itself: named by its own name
        relative_fs = holder.name or "VIDEO_TS"
    source = display_name(relative_fs)
    row = rows.pop(source, None) or rows.pop(f"{source}/{video_ts.name}", None)
    inputs.files.append(Input(path=video_ts, source=source, row=row, raw=raw_name(relative_fs),
                              folder=folder.absolute(), disc=video_ts))


def _add_file(inputs: Inputs, inp: Input, folder: Path) -> None:
    """Queue a file from `folder`; a link that resolves outside `folder` is refused, unread."""
    if not inp.path.is_symlink():  # rglob never descends into linked folders: only this can be
        inputs.files.append(inp)
        return
    target = inp.path.resolve()
    if not target.is_relative_to(folder.resolve()):
        inputs.refused.append((inp, UnsafeLink(
            f"a link to {display_name(str(target))}, outside the folder being ingested: links "
            "are followed only inside it; copy the file itself into the folder if it belongs "
            "in the archive")))
        return
    inp.path = target  # read the target itself: the link cannot be swapped while we read
    inputs.files.append(inp)
