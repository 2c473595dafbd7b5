"""Every TTDN_* environment variable, read in one place, typed, with its default and unit."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SettingsError

__all__ = ["Settings", "SolrTarget", "load_settings", "search_url", "solr_target"]


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


# solr+http://host:port[,host2:port2...]/solr/COLLECTION: several hosts, one collection.
_SOLR_URL = re.compile(r"solr\+(?P<scheme>https?)://(?P<hosts>[A-Za-z0-9.\-]+:\d{1,5}"
                       r"(?:,[A-Za-z0-9.\-]+:\d{1,5})*)/solr/(?P<collection>[A-Za-z0-9_.\-]+)/?")
_SEARCH_HELP = ("leave TTDN_SEARCH unset for the built-in index in the data home, or set it to a "
                "SolrCloud collection as solr+http://host:port/solr/COLLECTION (several hosts: "
                "solr+http://host1:8983,host2:8983/solr/COLLECTION)")


@dataclass(frozen=True)
class SolrTarget:
    """Where a Solr collection is: each node's base URL ("http://host:port/solr") and its name."""

    base_urls: tuple[str, ...]
    collection: str


def search_url(raw: str | None) -> str | None:
    """TTDN_SEARCH checked: None for the built-in Whoosh index, else a Solr collection's URL.

    >>> search_url(""), search_url("solr+http://127.0.0.1:8983/solr/ttdn")
    (None, 'solr+http://127.0.0.1:8983/solr/ttdn')
    """
    text = (raw or "").strip()
    if not text:
        return None
    if not _SOLR_URL.fullmatch(text):
        raise SettingsError(f"TTDN_SEARCH={text!r} names no search engine this archive knows: "
                            f"{_SEARCH_HELP}")
    return text


def solr_target(url: str) -> SolrTarget:
    """The nodes and collection of a checked TTDN_SEARCH value.

    >>> solr_target("solr+http://a:8983,b:7574/solr/ttdn")
    SolrTarget(base_urls=('http://a:8983/solr', 'http://b:7574/solr'), collection='ttdn')
    """
    match = _SOLR_URL.fullmatch(url.strip())
    if match is None:
        raise SettingsError(f"TTDN_SEARCH={url!r} is not a Solr collection: {_SEARCH_HELP}")
    urls = tuple(f"{match['scheme']}://{host}/solr" for host in match["hosts"].split(","))
    return SolrTarget(urls, match["collection"])


@dataclass(frozen=True)
class Settings:
    """Run-time settings of the archive; `home` holds everything the archive owns."""

    home: Path = Path("data")  # TTDN_HOME: data home (objects, catalog, index, derivatives)
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)  # TTDN_JOBS: OCR processes
    ocr_timeout: float = 180.0  # TTDN_OCR_TIMEOUT: seconds per page before Tesseract is stopped
    max_file_mb: int = 512  # TTDN_MAX_FILE_MB: larger inputs are quarantined (MiB)
    # Images are decoded by libvips, streaming: an A0 map at 600 dpi (560 Mpx) fits in bounded
    # memory, so the cap is far above real scans; the bombs it misses the next bound catches.
    max_pixels: int = 2_000_000_000  # TTDN_MAX_PIXELS: larger images are decompression bombs
    max_pixels_per_byte: int = 2000  # TTDN_MAX_PIXELS_PER_BYTE: pixels per compressed byte
    iiif_max_area: int = 16_000_000  # TTDN_IIIF_MAX_AREA: pixels of one IIIF image answer
    # Bounds on what one small hostile file may cost (a 522-byte PDF can ask for a 200-inch page).
    max_page_pixels: int = 40_000_000  # TTDN_MAX_PAGE_PIXELS: per page image (A3, 300 dpi: 17 M)
    max_pages: int = 2000  # TTDN_MAX_PAGES: pages per PDF or DOCX (a 400-page book fits 5 times)
    max_frames: int = 2000  # TTDN_MAX_FRAMES: frames (pages) per image file such as a TIFF
    max_docx_part_bytes: int = 64 * 1024 * 1024  # TTDN_MAX_DOCX_PART_BYTES: unpacked, per part
    max_file_seconds: float = 600.0  # TTDN_MAX_FILE_SECONDS: wall time (s) to read one file
    page_cache_bytes: int = 512 * 1024 * 1024  # TTDN_PAGE_CACHE_BYTES: web page-image cache size
    index_batch: int = 50  # TTDN_INDEX_BATCH: items per index commit
    ffprobe_timeout: float = 60.0  # TTDN_FFPROBE_TIMEOUT: seconds per ffprobe call
    ffmpeg_timeout: float = 900.0  # TTDN_FFMPEG_TIMEOUT: s per long ffmpeg call (+2 s/s of media)
    max_media_seconds: float = 12 * 3600.0  # TTDN_MAX_MEDIA_SECONDS: longer media is refused
    media_cache_bytes: int = 8 * 1024 ** 3  # TTDN_MEDIA_CACHE_BYTES: web access copies (bytes)
    oai_page_size: int = 100  # TTDN_OAI_PAGE_SIZE: records per OAI-PMH response page
    search_cache: int = 512  # TTDN_SEARCH_CACHE: answers a portal process keeps (0: none)
    secret_key: str | None = None  # TTDN_SECRET_KEY: Flask session key; required to serve
    # TTDN_SEARCH: unset = Whoosh in `index_dir`; solr+http://host:port[,...]/solr/COLLECTION
    search_url: str | None = None

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
        max_pixels=_int("TTDN_MAX_PIXELS", 2_000_000_000),
        max_pixels_per_byte=max(1, _int("TTDN_MAX_PIXELS_PER_BYTE", 2000)),
        iiif_max_area=max(1, _int("TTDN_IIIF_MAX_AREA", 16_000_000)),
        max_page_pixels=max(1, _int("TTDN_MAX_PAGE_PIXELS", 40_000_000)),
        max_pages=max(1, _int("TTDN_MAX_PAGES", 2000)),
        max_frames=max(1, _int("TTDN_MAX_FRAMES", 2000)),
        max_docx_part_bytes=max(1, _int("TTDN_MAX_DOCX_PART_BYTES", 64 * 1024 * 1024)),
        max_file_seconds=_float("TTDN_MAX_FILE_SECONDS", 600.0) or 600.0,
        page_cache_bytes=max(0, _int("TTDN_PAGE_CACHE_BYTES", 512 * 1024 * 1024)),
        index_batch=max(1, _int("TTDN_INDEX_BATCH", 50)),
        ffprobe_timeout=_float("TTDN_FFPROBE_TIMEOUT", 60.0) or 60.0,
        ffmpeg_timeout=_float("TTDN_FFMPEG_TIMEOUT", 900.0) or 900.0,
        max_media_seconds=_float("TTDN_MAX_MEDIA_SECONDS", 12 * 3600.0) or 12 * 3600.0,
        media_cache_bytes=max(0, _int("TTDN_MEDIA_CACHE_BYTES", 8 * 1024 ** 3)),
        oai_page_size=max(1, _int("TTDN_OAI_PAGE_SIZE", 100)),
        search_cache=max(0, _int("TTDN_SEARCH_CACHE", 512)),
        secret_key=os.environ.get("TTDN_SECRET_KEY") or None,
        search_url=search_url(os.environ.get("TTDN_SEARCH")),
    )
