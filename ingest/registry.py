"""Pick the extractor for a file: each bids on the sniffed type and the highest score wins.

As in Aleph ingest-file's `Manager.auction`: extractors declare `MIME_TYPES` and `SCORE`, the
registry asks every one of them for a score and runs the best; nothing bids, nothing is read.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from archive.errors import CorruptFile, UnsupportedFormat
from archive.settings import Settings, load_settings
from ingest.detect import sniff_mime
from ingest.extraction import Extraction

__all__ = ["Extractor", "Registry", "default_registry", "extract_file", "psm_for", "check_size"]

log = logging.getLogger(__name__)

_MIB = 1024 * 1024
# Tesseract page segmentation: sparse text (11) for maps, automatic layout (3) else. A photo is
# most often of a page (a phone's picture of a letter): read as one, sparse only if that fails.
_SPARSE_TEXT_KINDS = ("map",)
_PSM_SPARSE = 11
_PSM_AUTO = 3


def psm_for(kind: str | None) -> int:
    """Return the Tesseract page-segmentation mode suited to an item of this `kind`."""
    return _PSM_SPARSE if kind in _SPARSE_TEXT_KINDS else _PSM_AUTO


class Extractor:
    """One file format: declare `MIME_TYPES` and `SCORE`, implement `extract`."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ()
    SCORE: ClassVar[int] = 0

    @classmethod
    def score(cls, mime: str, path: Path) -> int:
        """Return how well this extractor reads a file of type `mime` (0: it cannot)."""
        return cls.SCORE if mime in cls.MIME_TYPES else 0

    def extract(
        self,
        path: Path,
        *,
        lang: str = "vie+eng",
        kind_hint: str | None = None,
        settings: Settings | None = None,
    ) -> Extraction:
        """Read `path` into pages, OCR jobs still to run, metadata and warnings."""
        raise NotImplementedError


class Registry:
    """An ordered set of extractor classes; on equal scores the one listed first wins."""

    def __init__(self, extractors: Iterable[type[Extractor]]) -> None:
        self.extractors: tuple[type[Extractor], ...] = tuple(extractors)

    def auction(self, mime: str, path: Path) -> type[Extractor]:
        """Return the extractor bidding highest for `path`; raise UnsupportedFormat if none bids."""
        bids = [(cls.score(mime, path), -i, cls) for i, cls in enumerate(self.extractors)]
        best_score, _, best = max(bids, key=lambda bid: bid[:2], default=(0, 0, None))
        if best is None or best_score <= 0:
            raise UnsupportedFormat(f"not a file type the archive can read ({mime})")
        log.debug("%s (%s): %s wins with %d", path, mime, best.__name__, best_score)
        return best

    def extract(
        self,
        path: Path,
        *,
        lang: str = "vie+eng",
        kind_hint: str | None = None,
        settings: Settings | None = None,
    ) -> Extraction:
        """Sniff `path`, check its size, and run the winning extractor on it."""
        path = Path(path)
        settings = settings or load_settings()
        check_size(path, settings)
        extractor = self.auction(sniff_mime(path), path)
        return extractor().extract(path, lang=lang, kind_hint=kind_hint, settings=settings)


def check_size(path: Path, settings: Settings) -> None:
    """Refuse a file over the TTDN_MAX_FILE_MB limit with CorruptFile."""
    size = path.stat().st_size
    if size > settings.max_file_mb * _MIB:
        raise CorruptFile(
            f"file too large: {size / _MIB:.0f} MiB, over the limit of {settings.max_file_mb} MiB"
            " (TTDN_MAX_FILE_MB)"
        )


@functools.cache
def default_registry() -> Registry:
    """The registry of every extractor the archive ships (`ingest.extractors.EXTRACTORS`)."""
    # Imported here, not at the top: the extractor modules import `Extractor` from this module.
    from ingest.extractors import EXTRACTORS

    return Registry(EXTRACTORS)


def extract_file(
    path: Path,
    *,
    lang: str = "vie+eng",
    kind_hint: str | None = None,
    settings: Settings | None = None,
) -> Extraction:
    """Identify `path` by content and extract it with the best extractor (ArchiveError if not)."""
    return default_registry().extract(path, lang=lang, kind_hint=kind_hint, settings=settings)
