"""Page images made on demand from originals (PyMuPDF for PDFs, Pillow for images), cached.

The cache lives under the data home's derivatives/pages/, keyed by the original's sha256, so
it never goes stale (originals are immutable) and can be deleted at any time. Anonymous visitors
can ask for every page at every size, so it is held to TTDN_PAGE_CACHE_BYTES: a hit touches the
file's mtime, and when the running total passes the cap the least recently used files go.
"""
from __future__ import annotations

import io
import logging
import os
import tempfile
import threading
from pathlib import Path

from PIL import Image, ImageOps

from archive.errors import CorruptFile
from archive.imaging import is_large, shrink_jpeg
from archive.models import FileRecord
from archive.render import render_file_page
from archive.settings import Settings
from archive.store import ObjectStore

__all__ = ["SIZES", "renderable", "page_image", "PageCache"]

log = logging.getLogger(__name__)

# Longest side in pixels per size name: list view, reading, the zoom viewer.
SIZES = {"s": 480, "m": 1200, "l": 2400, "xl": 6000}
_MAX_DPI = 300  # never render a small page larger than a 300-dpi scan of it
_JPEG_QUALITY = 82
_EVICT_TO = 0.9  # share of the cap an eviction leaves, so the next writes do not rescan at once
# One render at a time keeps memory flat (archive.render also holds MuPDF to one thread).
_RENDER_LOCK = threading.Lock()
_CACHES: dict[Path, PageCache] = {}  # one per data home in this process
_CACHES_LOCK = threading.Lock()


def renderable(original: FileRecord | None) -> bool:
    """Whether page images can be made from this original."""
    return original is not None and (original.mime == "application/pdf"
                                     or original.mime.startswith("image/"))


def page_image(settings: Settings, original: FileRecord, n: int, size: str) -> Path | None:
    """The cached JPEG of page `n` at `size`, made first if needed; None if there is no page n."""
    cache = PageCache.of(settings)
    target = cache.root / original.sha256[:2] / original.sha256 / f"{n}-{size}.jpg"
    if cache.hit(target):
        return target
    source = ObjectStore(settings.objects_dir).path_for(original.sha256)
    with _RENDER_LOCK:
        if cache.hit(target):  # another thread made it while this one waited
            return target
        if original.mime == "application/pdf":
            data = _render_pdf(source, n, SIZES[size], settings.max_page_pixels)
        else:
            data = _render_image(source, n, SIZES[size], settings)
        if data is None:
            return None
        _write_atomically(target, data)
        cache.added(target, len(data))
    return target


class PageCache:
    """The page-image folder held to a total size by evicting the least recently used files."""

    def __init__(self, root: Path, cap: int) -> None:
        self.root, self.cap = root, cap
        self.total: int | None = None  # bytes; unknown until the first scan
        self._lock = threading.Lock()

    @classmethod
    def of(cls, settings: Settings) -> PageCache:
        """The process's one cache for this data home (its running total is shared by threads)."""
        root = settings.derivatives_dir / "pages"
        with _CACHES_LOCK:
            cache = _CACHES.get(root)
            if cache is None or cache.cap != settings.page_cache_bytes:
                cache = _CACHES[root] = cls(root, settings.page_cache_bytes)
            return cache

    def hit(self, path: Path) -> bool:
        """Whether `path` is cached; a hit marks it used now (mtime: atime is often not kept)."""
        try:
            os.utime(path)
        except FileNotFoundError:
            return False
        except OSError as err:  # a read-only data home still serves what it holds
            log.debug("cannot mark %s as used: %s", path, err)
            return path.is_file()
        return True

    def added(self, path: Path, size: int) -> None:
        """Count a newly written file; over the cap, evict the least recently used others."""
        with self._lock:
            if self.total is not None:
                self.total += size
            if self.total is None or self.total > self.cap:
                self._evict(keep=path)

    def _evict(self, keep: Path) -> None:
        files = sorted(self._scan(), key=lambda entry: entry[0])  # oldest use first
        self.total = sum(size for _, size, _ in files)
        goal = int(self.cap * _EVICT_TO)
        for _, size, path in files:
            if self.total <= goal:
                break
            if path == keep:
                continue  # the page being served now stays
            try:
                path.unlink()
            except FileNotFoundError:
                pass  # another process evicted it first
            self.total -= size
        log.debug("page cache %s: %d bytes after eviction (cap %d)", self.root, self.total,
                  self.cap)

    @staticmethod
    def _counts(name: str) -> bool:
        """Whether a file of this name is a finished entry of the cache."""
        return name.endswith(".jpg")

    def _scan(self) -> list[tuple[float, int, Path]]:
        found = []
        for folder, _, names in os.walk(self.root):
            for name in names:
                if not self._counts(name):
                    continue  # a .part another thread is still writing
                path = Path(folder) / name
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                found.append((stat.st_mtime, stat.st_size, path))
        return found


def _render_pdf(path: Path, n: int, longest: int, max_pixels: int) -> bytes | None:
    try:
        image = render_file_page(path, n, dpi=_MAX_DPI, longest=longest, max_pixels=max_pixels)
    except CorruptFile as err:
        log.warning("cannot render page %d of %s: %s", n, path.name, err)
        return None
    if image is None:
        return None
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=_JPEG_QUALITY)
    return buffer.getvalue()


def _render_image(path: Path, n: int, longest: int, settings: Settings) -> bytes | None:
    try:
        if is_large(path, settings):  # a map at 600 dpi: libvips shrinks it, streaming
            return shrink_jpeg(path, n, longest, settings)
        return _shrink_image(path, n, longest, settings.max_pixels)
    except CorruptFile as err:
        log.warning("cannot render page %d of %s: %s", n, path.name, err)
        return None
    except (Image.DecompressionBombError, OSError) as err:
        # Ingest accepted it, so this is damage or a Pillow too old for the format: no image.
        log.warning("cannot render page %d of %s: %s", n, path.name, err)
        return None


def _shrink_image(path: Path, n: int, longest: int, max_pixels: int) -> bytes | None:
    with Image.open(path) as image:
        frames = getattr(image, "n_frames", 1)
        if not 1 <= n <= frames or image.width * image.height > max_pixels:
            return None
        image.seek(n - 1)
        if image.format == "JPEG":
            image.draft("RGB", (longest, longest))  # decode at a reduced scale when it can
        shown = ImageOps.exif_transpose(image)
        shown = shown.convert("L" if shown.mode in ("1", "L", "I;16", "I", "F") else "RGB")
        shown.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        shown.save(buffer, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
        return buffer.getvalue()


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
