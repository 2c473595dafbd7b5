"""`ttdn verify`: fixity of every object, and the search index holding the catalog's items."""
from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field

from archive.catalog import Catalog
from archive.fixity import check_fixity
from archive.pyramids import check_pyramids
from archive.settings import Settings
from archive.store import ObjectStore

from .engine import SearchEngine, open_engine

__all__ = ["VerifyReport", "verify_archive"]


@dataclass
class VerifyReport:
    """Everything verify checked and every problem it found, each naming an item."""

    objects: int = 0
    items: int = 0
    indexed: int = 0
    unreferenced: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every check held."""
        return not self.problems

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"ok": self.ok, "objects": self.objects, "items": self.items,
                "indexed": self.indexed, "unreferenced_objects": self.unreferenced,
                "problems": self.problems}


def verify_archive(settings: Settings, engine: SearchEngine | None = None) -> VerifyReport:
    """Check objects against their hashes and the search engine's index against the catalog."""
    report = VerifyReport()
    with Catalog(settings.catalog_path) as catalog:
        fixity = check_fixity(catalog, ObjectStore(settings.objects_dir))
        report.objects, report.unreferenced = fixity.checked, fixity.unreferenced
        report.problems += fixity.problems
        report.problems += check_pyramids(settings, catalog)  # image pages can be tiled
        catalog_ids = set(catalog.item_ids())
        stale = {item_id for item_id, _ in catalog.dirty_items(limit=1_000_000)}
    if engine is None:
        with closing(open_engine(settings)) as opened:
            index_ids = opened.indexed_item_ids()
    else:
        index_ids = engine.indexed_item_ids()
    report.items, report.indexed = len(catalog_ids), len(index_ids)
    report.problems += [f"item {i}: in the catalog but not in the index (run `ttdn reindex`)"
                        for i in sorted(catalog_ids - index_ids)]
    report.problems += [f"item {i}: in the index but not in the catalog (run `ttdn reindex`)"
                        for i in sorted(index_ids - catalog_ids)]
    report.problems += [f"item {i}: the index holds an older version (run `ttdn reindex`)"
                        for i in sorted(stale & index_ids)]
    return report
