"""Page images made on demand from originals (PyMuPDF for PDFs, Pillow for images), cached.

The cache lives under the data home's derivatives/pages/, keyed by the original's sha256, so
it never goes stale (originals are immutable) and can be deleted at any time.
"""
from __future__ import annotations

import io
import logging
import os
import tempfile
import threading
from pathlib import Path

import pymupdf
from PIL import Image, ImageOps

from archive.models import FileRecord
from archive.settings import Settings
from archive.store import ObjectStore

__all__ = ["SIZES", "renderable", "page_image"]

log = logging.getLogger(__name__)

# Longest side in pixels per size name: list view, reading, the zoom viewer.
SIZES = {"s": 480, "m": 1200, "l": 2400, "xl": 6000}
_MAX_DPI = 300  # never render a small page larger than a 300-dpi scan of it
_JPEG_QUALITY = 82
# MuPDF is not thread-safe across threads, and one render at a time keeps memory flat.
_RENDER_LOCK = threading.Lock()


def renderable(original: FileRecord | None) -> bool:
    """Whether page images can be made from this original."""
    return original is not None and (original.mime == "application/pdf"
                                     or original.mime.startswith("image/"))


def page_image(settings: Settings, original: FileRecord, n: int, size: str) -> Path | None:
    """The cached JPEG of page `n` at `size`, made first if needed; None if there is no page n."""
    target = (settings.derivatives_dir / "pages" / original.sha256[:2] / original.sha256
              / f"{n}-{size}.jpg")
    if target.is_file():
        return target
    source = ObjectStore(settings.objects_dir).path_for(original.sha256)
    with _RENDER_LOCK:
        if target.is_file():  # another thread made it while this one waited
            return target
        if original.mime == "application/pdf":
            data = _render_pdf(source, n, SIZES[size])
        else:
            data = _render_image(source, n, SIZES[size], settings.max_pixels)
        if data is None:
            return None
        _write_atomically(target, data)
    return target


def _render_pdf(path: Path, n: int, longest: int) -> bytes | None:
    with pymupdf.open(path) as doc:
        if not 1 <= n <= doc.page_count:
            return None
        page = doc[n - 1]
        zoom = min(longest / max(page.rect.width, page.rect.height), _MAX_DPI / 72)
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        return pix.tobytes("jpeg", jpg_quality=_JPEG_QUALITY)


def _render_image(path: Path, n: int, longest: int, max_pixels: int) -> bytes | None:
    try:
        return _shrink_image(path, n, longest, max_pixels)
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
