"""Every TTDN_* environment variable, read in one place, typed, with its default and unit."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Settings", "load_settings"]


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    """Run-time settings of the archive; `home` holds everything the archive owns."""

    home: Path = Path("data")  # TTDN_HOME: data home (objects, catalog, index, derivatives)
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)  # TTDN_JOBS: OCR processes
    ocr_timeout: float = 180.0  # TTDN_OCR_TIMEOUT: seconds per page before Tesseract is stopped
    max_file_mb: int = 512  # TTDN_MAX_FILE_MB: larger inputs are quarantined (MiB)
    max_pixels: int = 180_000_000  # TTDN_MAX_PIXELS: larger images are decompression bombs
    index_batch: int = 50  # TTDN_INDEX_BATCH: items per index commit
    secret_key: str | None = None  # TTDN_SECRET_KEY: Flask session key; required to serve

    @property
    def catalog_path(self) -> Path:
        """The SQLite catalog file."""
        return self.home / "catalog.sqlite3"

    @property
    def objects_dir(self) -> Path:
        """Where originals live, by sha256."""
        return self.home / "objects"

    @property
    def index_dir(self) -> Path:
        """The Whoosh index (derived, rebuildable)."""
        return self.home / "index"

    @property
    def derivatives_dir(self) -> Path:
        """Thumbnails and rendered page images."""
        return self.home / "derivatives"

    @property
    def quarantine_dir(self) -> Path:
        """Copies of rejected inputs with a reason file."""
        return self.home / "quarantine"


def load_settings(home: str | os.PathLike | None = None) -> Settings:
    """Settings from the environment; an explicit `home` (the --home option) wins over TTDN_HOME."""
    chosen = home or os.environ.get("TTDN_HOME") or "data"
    return Settings(
        home=Path(chosen).expanduser().resolve(),
        jobs=max(1, _int("TTDN_JOBS", os.cpu_count() or 1)),
        ocr_timeout=_float("TTDN_OCR_TIMEOUT", 180.0),
        max_file_mb=_int("TTDN_MAX_FILE_MB", 512),
        max_pixels=_int("TTDN_MAX_PIXELS", 180_000_000),
        index_batch=max(1, _int("TTDN_INDEX_BATCH", 50)),
        secret_key=os.environ.get("TTDN_SECRET_KEY") or None,
    )
