"""Film clips in exhibitions: a start and end time on an entry of a film or recording.

Times are written as a clerk reads them off a player (`1:05`, `00:01:05.5`, or seconds `65`);
the catalogue prints the range and a poster frame taken inside the clip, not a black one.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image, ImageStat

from archive.errors import CorruptFile, UsageError
from archive.models import Item

__all__ = ["parse_time", "clock", "clip_range", "check_clip", "clip_poster", "film_frame"]

_TIME = re.compile(r"^(?:(?:(\d{1,3}):)?(\d{1,2}):)?(\d{1,6}(?:[.,]\d{1,3})?)$")
_SLACK = 0.5  # seconds past the stated duration still accepted (players round the last frame)
_POSTER_AT = (0.1, 0.5, 0.9)  # where in the clip a frame is tried, until one is not black
_POSTER_WIDTH = 960
_BLACK_LEVEL = 16  # mean luminance below this (0-255) is a black frame (a fade, a leader)


def parse_time(text: str | float | int | None) -> float | None:
    """Seconds from `65`, `1:05`, `00:01:05.5` (None for empty); UsageError otherwise.

    >>> parse_time("1:05"), parse_time("00:01:05,5"), parse_time(" ")
    (65.0, 65.5, None)
    """
    if isinstance(text, (int, float)):
        return float(text)
    raw = (text or "").strip()
    if not raw:
        return None
    found = _TIME.match(raw)
    if not found:
        raise UsageError(f"{raw!r} is not a time: write it as seconds (65), minutes:seconds "
                         "(1:05) or hours:minutes:seconds (00:01:05)")
    hours, minutes, seconds = found.groups()
    secs = float(seconds.replace(",", "."))
    # "75:10" is 75 minutes (a long film); after a colon, seconds (and minutes after hours)
    # stay under 60.
    if (minutes is not None and secs >= 60) or (hours is not None and int(minutes) >= 60):
        raise UsageError(f"{raw!r} is not a time: minutes and seconds after a colon are under 60")
    return round(int(hours or 0) * 3600 + int(minutes or 0) * 60 + secs, 3)


def clock(seconds: float | None) -> str:
    """`00:01:05` (tenths shown only when the time has them: `00:01:05.5`).

    >>> clock(65), clock(65.5)
    ('00:01:05', '00:01:05.5')
    """
    if seconds is None:
        return ""
    tenths = round(seconds * 10) % 10
    whole = int(round(seconds * 10) // 10)
    text = f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return f"{text}.{tenths}" if tenths else text


def clip_range(clip: tuple[float, float] | None) -> str:
    """`00:01:05 – 00:02:10` for a clip; "" for none."""
    return f"{clock(clip[0])} – {clock(clip[1])}" if clip else ""


def check_clip(item: Item, start, end) -> tuple[float, float] | None:
    """The clip (start, end seconds) checked against the item's film; None when both empty."""
    start, end = parse_time(start), parse_time(end)
    if start is None and end is None:
        return None
    duration = float((item.media or {}).get("duration") or 0)
    if not duration:
        raise UsageError(f"item {item.id} is not a film or recording: it has no time range to "
                         "show; leave the start and end empty")
    start = 0.0 if start is None else start
    end = duration if end is None else end
    if not 0 <= start < end:
        raise UsageError(f"the clip must end after it starts ({clock(start)} – {clock(end)})")
    if end > duration + _SLACK:
        raise UsageError(f"the clip ends at {clock(end)}, after the end of the film "
                         f"({clock(duration)})")
    return (round(start, 3), round(min(end, duration), 3))


def clip_poster(source: str, clip: tuple[float, float], *, timeout: float) -> bytes | None:
    """A JPEG frame from inside the clip that is not black (None when every try is black).

    `source` is what ffmpeg reads (ingest.media_derivatives.media_input: a disc image's span).
    """
    from ingest.tools.ffmpeg import run_ffmpeg  # ffmpeg only where a clip is drawn

    start, end = clip
    for fraction in _POSTER_AT:
        at = start + (end - start) * fraction
        jpeg = run_ffmpeg(["-ss", f"{at:.3f}", "-i", source, "-an", "-sn", "-vf",
                           f"scale={_POSTER_WIDTH}:-2", "-frames:v", "1", "-f", "image2",
                           "-c:v", "mjpeg", "-q:v", "3", "-"],
                          timeout=timeout, what="ffmpeg (clip poster frame)")
        if jpeg and not _is_black(jpeg):
            return jpeg
    return None


def _is_black(jpeg: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(jpeg)) as frame:
            return ImageStat.Stat(frame.convert("L")).mean[0] < _BLACK_LEVEL
    except OSError as err:
        raise CorruptFile(f"ffmpeg gave no readable frame ({err})") from err



def film_frame(path: Path, item: Item, clip: tuple[float, float] | None) -> bytes | None:
    """The catalogue's picture of a film: a frame inside its clip (or the whole film); None for
    a recording, or when ffmpeg gives no frame that is not black."""
    from archive.settings import load_settings
    from ingest.media_derivatives import media_input

    media = item.media or {}
    if not media.get("video") or not media.get("duration"):
        return None
    span = clip or (0.0, float(media["duration"]))
    return clip_poster(media_input(path, media), span, timeout=load_settings().ffprobe_timeout)
