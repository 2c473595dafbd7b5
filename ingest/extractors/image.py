"""Images (scans, maps, photos): size guard, EXIF/IPTC metadata, one OCR job per page, thumbnail.

Pillow reads headers and metadata only. Pixels of a page larger than TTDN_MAX_PAGE_PIXELS (maps
at 400–600 dpi) are decoded by libvips, streaming (archive.imaging): its thumbnail, and a copy
shrunk to TTDN_MAX_PAGE_PIXELS for OCR, kept under derivatives/ocr/ by the file's hash.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import re
import struct
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, IptcImagePlugin, UnidentifiedImageError
from PIL.ExifTags import IFD, Base, GPS

from archive import imaging
from archive.errors import CorruptFile
from archive.settings import Settings, load_settings
from archive.store import sha256_file
from ingest.bounds import Deadline, check_frames
from ingest.extraction import Extraction, OcrJob
from ingest.normalize import normalize_text
from ingest.registry import Extractor, psm_for
from ingest.thumbnails import thumbnail_jpeg

__all__ = ["ImageExtractor"]

log = logging.getLogger(__name__)

_FORMATS = ("JPEG", "PNG", "TIFF", "GIF", "WEBP")  # what Pillow may parse (JPEG covers MPO)
_MIMES = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff",
          "GIF": "image/gif", "WEBP": "image/webp"}
_PAGED_FORMATS = ("TIFF",)  # frames are pages; a GIF's or WebP's frames are animation: OCR frame 1
# What Pillow raises on damaged data (TypeError and IndexError for broken TIFF directories).
_DECODE_ERRORS = (OSError, SyntaxError, EOFError, ValueError, TypeError, IndexError, struct.error)
_METADATA_ERRORS = (OSError, SyntaxError, ValueError, KeyError, TypeError, struct.error)
_DEFAULT_DPI = 300
_PSM_SPARSE = 11  # what psm_for gives maps
_MAP_OCR_DPI = 300  # map lettering is read at this resolution (ingest/map_ocr.py's MAP_DPI)
_MAP_OCR_PIXELS = 160_000_000  # grey bytes: an A0 sheet at 300 dpi is 139 Mpx
_PLAUSIBLE_DPI = range(150, 2401)  # scanner resolutions; a camera's 72 "dpi" means nothing
# "L? ch?o c? t?i": text written through an ASCII-only encoder loses every accented letter to "?".
_LOST_ACCENTS = re.compile(r"\w\?\w")
_IPTC_TITLE, _IPTC_KEYWORDS, _IPTC_DATE, _IPTC_CREATOR, _IPTC_CAPTION = (
    (2, 5), (2, 25), (2, 55), (2, 80), (2, 120))


@dataclass
class _Facts:
    """What an image's own metadata says, and whether a camera (not a scanner) made it."""

    metadata: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    camera_made: bool = False


class ImageExtractor(Extractor):
    """JPEG, PNG, TIFF (multi-page), GIF and WebP images."""

    MIME_TYPES = ("image/jpeg", "image/png", "image/tiff", "image/gif", "image/webp")
    SCORE = 10

    def extract(
        self,
        path: Path,
        *,
        lang: str = "vie+eng",
        kind_hint: str | None = None,
        settings: Settings | None = None,
    ) -> Extraction:
        """Guard the size, read EXIF/IPTC, queue one OCR job per page and make a thumbnail."""
        settings = settings or load_settings()
        deadline = Deadline(settings)
        with _no_pillow_bomb_check(), _open_image(path, settings) as image:
            facts = _read_facts(image)
            kind = kind_hint or ("photo" if facts.camera_made else "document")
            result = Extraction(mime=_MIMES[image.format], kind=kind, metadata=facts.metadata,
                                warnings=facts.warnings)
            width, height = image.size  # of the first page: the one a viewer shows
            sizes = _readable_frames(image, settings, result.warnings, deadline)
            frames = len(sizes)
            result.metadata.update(width=width, height=height, page_count=frames)
            dpi = _declared_dpi(image)
            large = max(w * h for w, h in sizes) > settings.max_page_pixels
            psm = psm_for(kind)
            ocr_path, scales = (_ocr_rendition(path, sizes, dpi, psm, settings, deadline)
                                if large else (path, [1.0] * frames))
            result.ocr_jobs = [OcrJob(path=str(ocr_path), n=n, source="image", lang=lang,
                                      psm=psm, dpi=max(1, round(dpi * scales[n - 1])))
                               for n in range(1, frames + 1)]
            image.seek(0)
            # From the OCR copy when it keeps the colours: a fifth of the pixels to decode again.
            preview = path if psm == _PSM_SPARSE else ocr_path
            result.thumbnail = (_large_thumbnail(preview, settings, deadline)
                                if width * height > settings.max_page_pixels
                                else _thumbnail(image))
        return result


@contextmanager
def _no_pillow_bomb_check() -> Iterator[None]:
    # Pillow refuses headers past 179 Mpx; the archive's own bounds (archive.imaging) decide,
    # and Pillow never decodes such a page here: libvips does.
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _ocr_rendition(path: Path, sizes: list[tuple[int, int]], dpi: int, psm: int,
                   settings: Settings, deadline: Deadline) -> tuple[Path, list[float]]:
    """Every page shrunk to a bounded size in one TIFF, so OCR decodes bounded pages.

    A page: TTDN_MAX_PAGE_PIXELS. A map (sparse text, read tile by tile) keeps up to
    _MAP_OCR_DPI, in grey, within _MAP_OCR_PIXELS: small lettering stays readable.
    """
    bound = settings.max_page_pixels
    if psm == _PSM_SPARSE:
        width, height = sizes[0]
        at_map_dpi = width * height * min(1.0, _MAP_OCR_DPI / dpi) ** 2
        bound = int(min(max(bound, at_map_dpi), _MAP_OCR_PIXELS))
    target = settings.derivatives_dir / "ocr" / f"{sha256_file(path)}.tif"
    remaining = max(1.0, deadline.seconds - _elapsed(deadline))
    scales = imaging.write_ocr_rendition(path, len(sizes), settings, target, max_pixels=bound,
                                         grey=psm == _PSM_SPARSE, seconds=remaining)
    log.info("%s: OCR reads a copy at %.0f %% of its size", path.name, 100 * min(scales))
    return target, scales


def _elapsed(deadline: Deadline) -> float:
    return time.monotonic() - deadline.started


def _large_thumbnail(path: Path, settings: Settings, deadline: Deadline) -> bytes:
    remaining = max(1.0, deadline.seconds - _elapsed(deadline))
    return imaging.thumbnail_jpeg(path, settings, seconds=remaining)


def _open_image(path: Path, settings: Settings) -> Image.Image:
    """Open lazily (header only) and refuse images too large to decode safely."""
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 Mpx on; the archive's own limit (TTDN_MAX_PIXELS) decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path, formats=_FORMATS)
    except Image.DecompressionBombError as e:
        raise CorruptFile(_bomb_message(_header_size(path))) from e
    except (UnidentifiedImageError, *_DECODE_ERRORS) as e:
        raise CorruptFile("damaged image: its header could not be read") from e
    try:
        _check_pixels(image, settings)
    except CorruptFile:
        image.close()
        raise
    return image


def _check_pixels(image: Image.Image, settings: Settings) -> None:
    size = Path(image.filename).stat().st_size if image.filename else 1
    imaging.check_bounds(image.width, image.height, size, settings)


def _bomb_message(size: tuple[int, int] | None) -> str:
    dims = f"{size[0]}×{size[1]} pixels" if size else "too many pixels"
    return f"image too large: {dims}, likely a decompression bomb"


def _header_size(path: Path) -> tuple[int, int] | None:
    """Width and height read from the header by Pillow's plugin, without its own bomb check."""
    with path.open("rb") as handle:
        prefix = handle.read(16)
        for name in _FORMATS:
            factory, accept = Image.OPEN.get(name, (None, None))
            accepted = accept(prefix) if accept else True
            if factory is None or not accepted or isinstance(accepted, str):
                continue
            handle.seek(0)
            try:
                return factory(handle, path.name).size
            except _DECODE_ERRORS as e:
                log.debug("header of %s not readable as %s: %s", path, name, e)
    return None


def _readable_frames(image: Image.Image, settings: Settings, warnings_out: list[str],
                     deadline: Deadline) -> list[tuple[int, int]]:
    """The size of each page of a paged image, checking each; stop at a damaged one.

    Counting stops one frame past TTDN_MAX_FRAMES: a file of a million frames costs no more.
    """
    sizes = [image.size]
    if image.format not in _PAGED_FORMATS:
        return sizes
    while True:
        count = len(sizes)
        check_frames(count, settings)
        deadline.check(f"{count} frames")
        try:
            _seek_quietly(image, count)
        except EOFError:
            return sizes
        except _DECODE_ERRORS as e:
            log.warning("TIFF frame %d unreadable: %s", count + 1, e)
            warnings_out.append(f"damaged TIFF: pages after page {count} could not be read")
            return sizes
        _check_pixels(image, settings)
        sizes.append(image.size)


def _seek_quietly(image: Image.Image, frame: int) -> None:
    # A damaged directory also makes Pillow warn ("Corrupt EXIF data"); the damage is reported once,
    # by the caller, in the extraction's warnings.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        image.seek(frame)
    for warning in caught:
        log.debug("TIFF frame %d: %s", frame + 1, warning.message)


def _declared_dpi(image: Image.Image) -> int:
    """The resolution the file declares (Tesseract's --dpi), else 300."""
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError, ZeroDivisionError):
        value = 0
    return value if value in _PLAUSIBLE_DPI else _DEFAULT_DPI


def _thumbnail(image: Image.Image) -> bytes:
    try:
        return thumbnail_jpeg(image)
    except _DECODE_ERRORS as e:
        raise CorruptFile(f"damaged image: its pixels could not be decoded ({e})") from e


def _read_facts(image: Image.Image) -> _Facts:
    facts = _Facts()
    try:
        _read_exif(image.getexif(), facts)
    except _METADATA_ERRORS as e:
        log.warning("EXIF unreadable: %s", e)
        facts.warnings.append("EXIF metadata damaged; ignored")
    try:
        _read_iptc(IptcImagePlugin.getiptcinfo(image) or {}, facts)
    except _METADATA_ERRORS as e:
        log.warning("IPTC unreadable: %s", e)
        facts.warnings.append("IPTC metadata damaged; ignored")
    return facts


def _read_exif(exif: Image.Exif, facts: _Facts) -> None:
    camera = _camera(exif)
    scanner = bool(camera) and "scan" in camera.casefold()
    taken = _exif_date(exif.get_ifd(IFD.Exif).get(Base.DateTimeOriginal))
    if camera:
        facts.metadata["camera"] = camera
    if taken:
        # A scanner's "original" time is when the sheet was scanned, not when the item was made.
        facts.metadata["digitized" if scanner else "date"] = taken
    facts.camera_made = not scanner and bool(camera or taken)
    if gps := _gps(exif.get_ifd(IFD.GPSInfo)):
        facts.metadata["gps"] = gps
    _put_text(facts, "title", _xp_text(exif.get(Base.XPTitle)), "EXIF title")
    _put_text(facts, "description", _exif_text(exif.get(Base.ImageDescription)), "EXIF description")
    _put_text(facts, "creator", _exif_text(exif.get(Base.Artist)), "EXIF artist")


def _read_iptc(iptc: dict, facts: _Facts) -> None:
    _put_text(facts, "title", _iptc_text(iptc.get(_IPTC_TITLE)), "IPTC title")
    _put_text(facts, "description", _iptc_text(iptc.get(_IPTC_CAPTION)), "IPTC caption")
    _put_text(facts, "creator", _iptc_text(iptc.get(_IPTC_CREATOR)), "IPTC by-line")
    keywords = iptc.get(_IPTC_KEYWORDS)
    keywords = keywords if isinstance(keywords, list) else [keywords] if keywords else []
    if subjects := [text for text in map(_iptc_text, keywords) if text]:
        facts.metadata.setdefault("subject", subjects)
    if "date" not in facts.metadata and (date := _iptc_date(iptc.get(_IPTC_DATE))):
        facts.metadata["date"] = date


def _put_text(facts: _Facts, key: str, text: str | None, label: str) -> None:
    """Keep the first good value for `key`; a value whose accents were lost is dropped, said so."""
    if not text or key in facts.metadata:
        return
    if len(_LOST_ACCENTS.findall(text)) >= 2:
        facts.warnings.append(f"{label} ignored: its accented letters were lost (“{text}”)")
        return
    facts.metadata[key] = text


def _camera(exif: Image.Exif) -> str | None:
    make = _exif_text(exif.get(Base.Make)) or ""
    model = _exif_text(exif.get(Base.Model)) or ""
    if model.casefold().startswith(make.casefold()):
        make = ""  # "Canon" + "Canon EOS 5D"
    return " ".join(part for part in (make, model) if part) or None


def _exif_text(value: object) -> str | None:
    """An EXIF ASCII value as text: many writers put UTF-8 there, which Pillow reads as Latin-1."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    return normalize_text(_undo_latin1(value).replace("\x00", "")).strip() or None


def _undo_latin1(text: str) -> str:
    """UTF-8 bytes that were read as Latin-1 ("Nguyá»\x85n") back to text; other text unchanged."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _xp_text(value: object) -> str | None:
    """Windows XP* tags hold UTF-16-LE bytes (Pillow may give bytes or a tuple of ints)."""
    if isinstance(value, tuple):
        value = bytes(value)
    if not isinstance(value, bytes):
        return _exif_text(value)
    text = value.decode("utf-16-le", errors="replace").replace("\x00", "")
    return normalize_text(text).strip() or None


def _iptc_text(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, bytes):
        return None
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        text = value.decode("latin-1")
    return normalize_text(text).strip() or None


def _exif_date(value: object) -> str | None:
    """'2017:09:02 08:15:00' -> '2017-09-02'; None for blanks like '0000:00:00'."""
    text = _exif_text(value) or ""
    return _iso_date(text[:10].replace(":", ""))


def _iptc_date(value: object) -> str | None:
    return _iso_date(_iptc_text(value) or "")  # IPTC DateCreated is CCYYMMDD


def _iso_date(digits: str) -> str | None:
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])).isoformat()
    except ValueError:
        return None


def _gps(gps: dict) -> tuple[float, float] | None:
    """EXIF GPS degrees/minutes/seconds and N/S/E/W references as signed decimal degrees."""
    lat = _degrees(gps.get(GPS.GPSLatitude), gps.get(GPS.GPSLatitudeRef), "S")
    lon = _degrees(gps.get(GPS.GPSLongitude), gps.get(GPS.GPSLongitudeRef), "W")
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180 or lat == lon == 0:
        return None  # 0, 0 is what receivers without a fix write
    return (round(lat, 6), round(lon, 6))


def _degrees(dms: object, ref: object, negative_ref: str) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(value):
        return None
    ref_text = ref.decode("ascii", "replace") if isinstance(ref, bytes) else str(ref or "")
    return -value if ref_text.strip().upper() == negative_ref else value
