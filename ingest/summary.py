"""The result of one ingest run: what was added, left unchanged, updated, kept with warnings, refused."""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["IngestSummary"]


@dataclass
class IngestSummary:
    """Counts and reasons for one run; `exit_code` is 0 when nothing failed, 1 otherwise."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    pages: int = 0
    ocr_pages: int = 0
    indexed: int = 0
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 when every input was archived, 1 when some input was quarantined."""
        return 1 if self.failed else 0

    def to_dict(self) -> dict:
        """The summary as a JSON-ready mapping."""
        return {
            "added": len(self.added), "unchanged": len(self.unchanged),
            "updated": len(self.updated), "failed": len(self.failed),
            "pages": self.pages, "ocr_pages": self.ocr_pages, "indexed": self.indexed,
            "seconds": round(self.seconds, 2),
            "failures": [{"source": s, "reason": r} for s, r in self.failed],
            "warnings": [{"source": s, "warning": w} for s, w in self.warnings],
        }

    def lines(self) -> list[str]:
        """The human summary, one fact per line."""
        out = [f"added: {len(self.added)}", f"unchanged: {len(self.unchanged)}",
               f"updated: {len(self.updated)}", f"failed: {len(self.failed)}",
               f"pages: {self.pages} ({self.ocr_pages} by OCR)", f"seconds: {self.seconds:.1f}"]
        out += [f"  failed {reason}" for _source, reason in self.failed]
        out += [f"  warning {source}: {warning}" for source, warning in self.warnings]
        return out
