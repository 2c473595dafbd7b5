"""The result of one ingest run: what was added, left unchanged, updated, kept with warnings, refused."""
from __future__ import annotations

from dataclasses import dataclass, field

from archive.errors import ExitCode

__all__ = ["IngestSummary"]


@dataclass
class IngestSummary:
    """Counts and reasons for one run; `exit_code` says whether input failed or the run did."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    # Unexpected errors (bugs), also counted in `failed` when one file was refused for one:
    # (source, or "" for the run itself, message).
    internal: list[tuple[str, str]] = field(default_factory=list)
    skipped: int = 0  # of the unchanged files, those not read at all (same stat as last read)
    pages: int = 0
    ocr_pages: int = 0
    indexed: int = 0
    seconds: float = 0.0

    @property
    def exit_code(self) -> ExitCode:
        """internal_error (8) after an unexpected error, else input_file (1) when some input
        was quarantined, else ok (0)."""
        if self.internal:
            return ExitCode.internal_error
        return ExitCode.input_file if self.failed else ExitCode.ok

    def to_dict(self) -> dict:
        """The summary as a JSON-ready mapping."""
        return {
            "added": len(self.added), "unchanged": len(self.unchanged),
            "updated": len(self.updated), "failed": len(self.failed), "skipped": self.skipped,
            "internal_errors": len(self.internal),
            "pages": self.pages, "ocr_pages": self.ocr_pages, "indexed": self.indexed,
            "seconds": round(self.seconds, 2),
            "failures": [{"source": s, "reason": r} for s, r in self.failed],
            "warnings": [{"source": s, "warning": w} for s, w in self.warnings],
            "internal": [{"source": s, "error": e} for s, e in self.internal],
        }

    def lines(self) -> list[str]:
        """The human summary, one fact per line."""
        unread = f" ({self.skipped} files not read again: same size and times)" if self.skipped else ""
        out = [f"added: {len(self.added)}", f"unchanged: {len(self.unchanged)}{unread}",
               f"updated: {len(self.updated)}", f"failed: {len(self.failed)}",
               f"pages: {self.pages} ({self.ocr_pages} by OCR)", f"seconds: {self.seconds:.1f}"]
        if self.internal:
            out.insert(4, f"internal errors: {len(self.internal)} (a bug: please report it with "
                          "the lines below; `ttdn -v ingest …` shows the traceback)")
        out += [f"  failed {reason}" for _source, reason in self.failed]
        out += [f"  warning {source}: {warning}" for source, warning in self.warnings]
        out += [f"  internal error {source or '(the run itself)'}: {error}"
                for source, error in self.internal]
        return out
