"""Export an exhibition as a printable PDF catalogue, an evidence pack (BagIt), or both."""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.catalog import Catalog, now_iso
from archive.errors import NotFound, UsageError
from archive.exhibitions import ExhibitionStore
from archive.settings import Settings
from archive.store import ObjectStore

from .api import exhibits_of
from .catalogue import PAPERS, build_catalogue
from .evidence import check_target, write_bag

__all__ = ["ExportResult", "export", "export_pdf", "export_bag"]


@dataclass
class ExportResult:
    """What an export wrote, what it left out and why, and how long it took."""

    slug: str
    paper: str
    pdf: Path | None
    bag: Path | None
    pages: int
    items: int
    pdf_sha256: str
    seconds: float
    skipped: list[str] = field(default_factory=list)  # entries the audience may not see
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {**vars(self), "pdf": str(self.pdf) if self.pdf else None,
                "bag": str(self.bag) if self.bag else None}


def export(settings: Settings, catalog: Catalog, slug: str, *, pdf: Path | None = None,
           bag: Path | None = None, paper: str = "a4", actor: str) -> ExportResult:
    """Write the catalogue to `pdf` and/or the evidence pack to `bag`; the catalogue is built once.

    A public exhibition exports only public items; an internal one what staff may see, and its
    cover says it is an internal draft.
    """
    started = time.perf_counter()
    if pdf is None and bag is None:
        raise UsageError("say where to export: --pdf FILE, --bag DIR, or both")
    if paper not in PAPERS:
        raise UsageError(f"unknown paper {paper!r}; use {' or '.join(PAPERS)}")
    exhibition = ExhibitionStore(catalog).get(slug)
    if exhibition is None:
        raise NotFound(f"no exhibition has the slug {slug!r} (see `ttdn exhibit list`)")
    audience = "public" if exhibition.access == "public" else "staff"
    shown = exhibits_of(catalog, exhibition, audience=audience)
    if not shown:
        raise UsageError(f"{slug!r} has no items to export: add some with `ttdn exhibit add`")
    shown_ids = {x.entry.id for x in shown}
    left_out = [x for x in exhibits_of(catalog, exhibition) if x.entry.id not in shown_ids]
    skipped = [x.label for x in left_out]
    if bag is not None:
        check_target(Path(bag))  # before the slow part, not after it
    store = ObjectStore(settings.objects_dir)
    stamp = now_iso()
    doc = build_catalogue(exhibition, shown, store=store, paper=paper, made_on=stamp[:10])
    pages = doc.page_count
    doc.subset_fonts()  # the CJK font alone is 4 MB whole; the subset is a few kB
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    if pdf is not None:
        _write_atomically(Path(pdf), data)
    if bag is not None:
        write_bag(Path(bag), exhibition, shown, store=store, catalogue=data, exported_at=stamp)
    result = ExportResult(slug, paper, pdf and Path(pdf), bag and Path(bag), pages, len(shown),
                          hashlib.sha256(data).hexdigest(), 0.0, skipped, _warnings(exhibition))
    result.seconds = round(time.perf_counter() - started, 3)
    # Each left-out entry with its item and level, so that a history shows its label only to
    # readers who may see that item (archive.history).
    ExhibitionStore(catalog).log(slug, "exhibit-exported", actor=actor, detail={
        **{k: v for k, v in result.to_dict().items() if k not in ("slug", "warnings")},
        "skipped": [{"position": x.entry.position, "item_id": x.entry.item_id,
                     "access": x.item.access if x.item else None, "label": x.label}
                    for x in left_out]})
    return result


def export_pdf(settings: Settings, catalog: Catalog, slug: str, path: Path, *,
               paper: str = "a4", actor: str) -> ExportResult:
    """Write only the printable catalogue."""
    return export(settings, catalog, slug, pdf=path, paper=paper, actor=actor)


def export_bag(settings: Settings, catalog: Catalog, slug: str, directory: Path, *,
               paper: str = "a4", actor: str) -> ExportResult:
    """Write only the evidence pack (which holds the catalogue too)."""
    return export(settings, catalog, slug, bag=directory, paper=paper, actor=actor)


def _warnings(exhibition) -> list[str]:
    warnings = []
    if not exhibition.organization:
        warnings.append(f"no organization is recorded for {exhibition.slug!r}: set it with"
                        f" `ttdn exhibit edit {exhibition.slug} --organization TEXT`")
    missing = [str(e.position) for e in exhibition.entries if "vi" not in e.captions]
    if missing:
        warnings.append("no Vietnamese caption at position(s) " + ", ".join(missing))
    return warnings


def _write_atomically(path: Path, data: bytes) -> None:
    """A half-written catalogue never replaces a good one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)
