"""Fixity: every catalogued file exists in the object store with the hash it is named by."""
from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import Catalog
from .store import ObjectStore, sha256_file

__all__ = ["FixityReport", "check_fixity"]


@dataclass
class FixityReport:
    """What a fixity check found: problems (each naming the item) and counts."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)
    unreferenced: int = 0

    @property
    def ok(self) -> bool:
        """True when every object is present and intact."""
        return not self.problems


def check_fixity(catalog: Catalog, store: ObjectStore) -> FixityReport:
    """Re-hash every object the catalog references and report what is missing or altered."""
    report = FixityReport()
    referenced = set()
    for item_id, sha256, size in catalog.all_files():
        referenced.add(sha256)
        report.checked += 1
        path = store.path_for(sha256)
        if not path.is_file():
            report.problems.append(f"item {item_id}: object {sha256[:12]}… is missing from the store")
        elif path.stat().st_size != size or sha256_file(path) != sha256:
            report.problems.append(f"item {item_id}: object {sha256[:12]}… is damaged"
                                   " (its content no longer matches its hash)")
    report.unreferenced = sum(1 for h in store.iter_hashes() if h not in referenced)
    return report
