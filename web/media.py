"""Films and recordings on the web: the access copy with byte ranges, WebVTT tracks, pictures.

Browsers do not play MPEG-2 or FLAC, so each item gets an access copy (H.264/AAC MP4, or AAC
for audio) made on first request and cached under derivatives/media/, held to
TTDN_MEDIA_CACHE_BYTES by evicting the least recently used copies. Every route answers through
`visible_item`, so a film the visitor may not see answers exactly like a missing one.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

from flask import Blueprint, Response, abort, send_file
from flask_login import current_user

from archive.errors import ArchiveError
from archive.models import FileRecord, Item
from archive.settings import Settings
from archive.store import ObjectStore
from ingest.media_derivatives import (ACCESS_FORMATS, access_copy, contact_sheet, long_timeout,
                                      media_input, waveform)
from ingest.subtitles import page_cues, to_webvtt

from .derivatives import PageCache
from .resources import get_catalog, settings, visible_item

__all__ = ["bp", "player_context", "MediaCache", "av_kind"]

log = logging.getLogger(__name__)

bp = Blueprint("media", __name__, url_prefix="/items")

_MAX_AGE = 3600  # seconds a browser or shared cache may keep a public item's media
_WAIT_SECONDS = 20.0  # a request waits this long for a copy being made, then says "retry"
_RETRY_AFTER = 30  # seconds a player is told to wait before asking again
_RETRY_FAILED_AFTER = 3600  # seconds before a copy ffmpeg failed to make is tried again
_JOBS: dict[Path, threading.Thread] = {}  # copies being made in this process, by target
_JOBS_LOCK = threading.Lock()
_MAKE_ONE_AT_A_TIME = threading.Semaphore(1)  # two encodes at once would starve the portal


class MediaCache(PageCache):
    """PageCache's least-recently-used bound, over access copies and media pictures."""

    @classmethod
    def of(cls, settings: Settings) -> MediaCache:
        """The cache of access copies for this data home."""
        return cls(settings.derivatives_dir / "media", settings.media_cache_bytes)

    @staticmethod
    def _counts(name: str) -> bool:
        """Every finished file counts: copies, subtitles, pictures (not a .part being written)."""
        return not name.endswith(".part")


def _original(item: Item) -> FileRecord:
    """The item's original when it is a film or recording that ingest read; else 404."""
    original = next((f for f in get_catalog().files(item.id) if f.role == "original"), None)
    if original is None or not item.media.get("duration"):
        abort(404)
    return original


def av_kind(item: Item) -> str:
    """`video` or `audio` by what the file holds (ingest's facts), whatever `kind` staff chose."""
    return "video" if item.media.get("video") else "audio"


def _private(response: Response, item: Item) -> Response:
    # Only public media may sit in shared caches; anything else is for this reader alone.
    public = item.access == "public" and not current_user.is_authenticated
    response.headers["Cache-Control"] = (f"public, max-age={_MAX_AGE}" if public
                                         else "private, no-store")
    return response


def _made(target: Path, make) -> Path | None:
    """`target`, made by `make(target)` in a background thread if missing; None while it runs."""
    cache = MediaCache.of(settings())
    if cache.hit(target):
        return target
    with _JOBS_LOCK:
        job = _JOBS.get(target)
        if job is None or not job.is_alive():
            job = _JOBS[target] = threading.Thread(target=_run_job, args=(target, make, cache),
                                                   daemon=True, name=f"media {target.name}")
            job.start()
    job.join(_WAIT_SECONDS)
    return target if target.is_file() else None


def _run_job(target: Path, make, cache: MediaCache) -> None:
    with _MAKE_ONE_AT_A_TIME:
        if target.is_file():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            make(target)
        except ArchiveError as err:  # logged; the request that waits sees no file: 404 below
            log.warning("could not make %s: %s", target, err)
            failed = target.with_name(target.name + ".failed")
            failed.write_text(str(err), encoding="utf-8")
            return
        cache.added(target, target.stat().st_size)


def _serve_made(item: Item, target: Path, make, mimetype: str, *, conditional: bool = False):
    failed = target.with_name(target.name + ".failed")
    if failed.is_file() and time.time() - failed.stat().st_mtime < _RETRY_FAILED_AFTER:
        abort(404)  # ffmpeg could not make it: not tried again on every request, only hourly
    failed.unlink(missing_ok=True)
    path = _made(target, make)
    if path is None and failed.is_file():
        abort(404)
    if path is None:
        response = Response("The access copy is being prepared; try again shortly.\n", 503,
                            mimetype="text/plain")
        response.headers["Retry-After"] = str(_RETRY_AFTER)
        return _private(response, item)
    return _private(send_file(path, mimetype=mimetype, conditional=conditional), item)


def _folder(original: FileRecord) -> Path:
    return settings().derivatives_dir / "media" / original.sha256[:2] / original.sha256


@bp.get("/<item_id>/access")
def access(item_id: str):
    """The web access copy (MP4 or M4A), with byte ranges so the player can seek."""
    item = visible_item(item_id)
    original = _original(item)
    kind = av_kind(item)
    suffix, mimetype = ACCESS_FORMATS[kind]
    source = media_input(ObjectStore(settings().objects_dir).path_for(original.sha256),
                         item.media)
    timeout = long_timeout(settings().ffmpeg_timeout, item.media.get("duration"))

    def make(target: Path) -> None:
        access_copy(source, target, kind, timeout=timeout)

    return _serve_made(item, _folder(original) / f"access.{suffix}", make, mimetype,
                       conditional=True)


@bp.get("/<item_id>/contact-sheet.jpg")
def sheet(item_id: str):
    """A grid of frames at the film's scene changes."""
    item = visible_item(item_id)
    original = _original(item)
    if av_kind(item) != "video":
        abort(404)
    source = media_input(ObjectStore(settings().objects_dir).path_for(original.sha256),
                         item.media)
    duration = float(item.media.get("duration") or 0)
    timeout = long_timeout(settings().ffmpeg_timeout, duration)

    def make(target: Path) -> None:
        _write(target, contact_sheet(source, duration, timeout=timeout))

    return _serve_made(item, _folder(original) / "contact-sheet.jpg", make, "image/jpeg")


@bp.get("/<item_id>/waveform.jpg")
def wave(item_id: str):
    """The waveform of the sound track."""
    item = visible_item(item_id)
    original = _original(item)
    if not item.media.get("audio"):
        abort(404)
    source = media_input(ObjectStore(settings().objects_dir).path_for(original.sha256),
                         item.media)
    timeout = long_timeout(settings().ffmpeg_timeout, item.media.get("duration"))

    def make(target: Path) -> None:
        _write(target, waveform(source, timeout=timeout, size="960x160"))

    return _serve_made(item, _folder(original) / "waveform.jpg", make, "image/jpeg")


def _write(target: Path, data: bytes) -> None:
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    partial.replace(target)


@bp.get("/<item_id>/subtitles/<int:track>.vtt")
def subtitles(item_id: str, track: int):
    """Subtitle track `track` as WebVTT, rebuilt from the item's timed pages."""
    item = visible_item(item_id)
    _original(item)
    cues = _track_cues(item, track)
    if cues is None:
        abort(404)
    response = Response(to_webvtt(cues), mimetype="text/vtt")
    response.charset = "utf-8"
    return _private(response, item)


def _track_cues(item: Item, track: int) -> list | None:
    tracks = [t for t in item.media.get("timecodes", []) if t.get("track") == track]
    if not tracks:
        return None
    pages = {p.n: p.text for p in get_catalog().pages(item.id)}
    cues = []
    for entry in tracks:
        cues += page_cues(pages.get(entry["n"], ""), entry.get("cues", []))
    return cues


def player_context(item: Item) -> dict | None:
    """What the item page needs to show the player: tracks, page start times, chapters."""
    if not item.media.get("duration"):
        return None
    media = item.media
    numbers = sorted({t["track"] for t in media.get("timecodes", [])})
    read = {t["track"]: t for t in media.get("subtitles", []) if "track" in t}
    tracks = [{"n": n, "language": read.get(n, {}).get("language"),
               "label": _track_label(read.get(n, {}), n)} for n in numbers]
    starts = {t["n"]: t["start"] for t in media.get("timecodes", [])}
    return {"kind": av_kind(item), "tracks": tracks, "starts": starts,
            "clocks": {n: _clock(start) for n, start in starts.items()},
            "chapters": media.get("chapters", []), "facts": _facts(media),
            "starts_json": json.dumps(starts)}


def _track_label(track: dict, n: int) -> str:
    return " · ".join(x for x in (track.get("language") or "", track.get("title") or
                                  track.get("source") or "") if x) or str(n + 1)


def _facts(media: dict) -> list[tuple[str, str]]:
    """The technical facts as (name, value) rows for staff."""
    rows = [("container", media.get("container_name") or media.get("container") or ""),
            ("duration", _clock(media.get("duration")))]
    for v in media.get("video", []):
        rows.append(("video", f"{v.get('codec')} {v.get('width')}×{v.get('height')}"
                              f" {v.get('frame_rate') or '?'} fps"))
    for a in media.get("audio", []):
        rows.append(("audio", f"{a.get('codec')} {a.get('channels')} ch {a.get('sample_rate')} Hz"
                              f" {a.get('language') or ''}".strip()))
    for s in media.get("subtitles", []):
        rows.append(("subtitles", f"{s.get('codec')} {s.get('language') or ''} "
                                  f"({s.get('source')})"))
    for c in media.get("chapters", []):
        rows.append(("chapter", f"{_clock(c.get('start'))} {c.get('title') or ''}".strip()))
    return rows


def _clock(seconds) -> str:
    if seconds is None:
        return "?"
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
