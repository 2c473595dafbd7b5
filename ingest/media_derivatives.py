"""Pictures and copies made from a film or recording with ffmpeg: poster frame, contact sheet,
waveform, and the web access copy. Each is one bounded ffmpeg call (ingest/tools/ffmpeg.py).
"""
from __future__ import annotations

import io
import logging
from pathlib import Path

from PIL import Image, ImageStat

from archive.errors import CorruptFile

from .tools.ffmpeg import input_of, run_ffmpeg

__all__ = ["poster_frame", "waveform", "contact_sheet", "access_copy", "ACCESS_FORMATS",
           "media_input", "long_timeout"]

log = logging.getLogger(__name__)

_POSTER_WIDTH = 480
_MAX_PICTURE_BYTES = 16 * 1024 * 1024  # ffmpeg stops writing a picture past this (-fs)
_JPEG_OUT = ("-fs", str(_MAX_PICTURE_BYTES), "-f", "image2pipe", "-c:v", "mjpeg")
_BLACK_LEVEL = 20  # mean luma (0-255) under which a frame is taken for black (fade, leader)
_POSTER_AT = (0.1, 0.3, 0.5, 0.0)  # fractions of the duration tried in turn
_SHEET_TILES = (4, 4)
_SHEET_WIDTH = 200  # pixels per tile
_FULL_DECODE_SECONDS = 600  # longer films: the contact sheet looks at key frames only
_ENCODE_SECONDS_PER_SECOND = 2.0  # time limit per second of media (measured ~0.6 on 2 cores)
# The access copy: what every browser plays, at a modest bitrate (SD, ~1 Mbit/s).
ACCESS_FORMATS = {"video": ("mp4", "video/mp4"), "audio": ("m4a", "audio/mp4")}
_VIDEO_ARGS = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-maxrate", "1200k",
               "-bufsize", "2400k", "-pix_fmt", "yuv420p",
               "-vf", "scale='min(854,iw)':-2"]
_AUDIO_ARGS = ["-c:a", "aac", "-b:a", "128k", "-ac", "2"]


def media_input(path: Path, media: dict) -> str:
    """What ffmpeg reads for an item: the file, or the span of a disc image its film lies in."""
    span = media.get("input") or {}
    if span.get("start") is not None and span.get("end"):
        return f"subfile,,start,{int(span['start'])},end,{int(span['end'])},,:{input_of(path)}"
    return input_of(path)


def long_timeout(base: float, duration: float | None) -> float:
    """The time limit of a call that reads the whole film: TTDN_FFMPEG_TIMEOUT plus 2 s for each
    second of media, so a two-hour DVD is not cut off where a clip would hang."""
    return base + _ENCODE_SECONDS_PER_SECOND * float(duration or 0)


def poster_frame(path: Path | str, duration: float, *, timeout: float) -> bytes | None:
    """A JPEG of a representative frame that is not black (None when every try is black)."""
    for fraction in _POSTER_AT:
        jpeg = run_ffmpeg(["-ss", f"{duration * fraction:.3f}", "-i", input_of(path), "-an", "-sn",
                           "-vf", f"thumbnail=25,scale={_POSTER_WIDTH}:-2", "-frames:v", "1",
                           *_JPEG_OUT, "-q:v", "4", "-"],
                          timeout=timeout, what="ffmpeg (poster frame)")
        if jpeg and not _is_black(jpeg):
            return jpeg
    return None


def _is_black(jpeg: bytes) -> bool:
    with Image.open(io.BytesIO(jpeg)) as image:
        return ImageStat.Stat(image.convert("L")).mean[0] < _BLACK_LEVEL


def waveform(path: Path | str, *, timeout: float, size: str = "640x160") -> bytes:
    """A JPEG of the recording's waveform (all channels in one picture)."""
    return run_ffmpeg(["-i", input_of(path), "-vn", "-sn", "-filter_complex",
                       f"[0:a:0]showwavespic=s={size}:colors=#1f4e79", "-frames:v", "1",
                       *_JPEG_OUT, "-q:v", "3", "-"],
                      timeout=timeout, what="ffmpeg (waveform)")


def contact_sheet(path: Path | str, duration: float, *, timeout: float) -> bytes:
    """A JPEG grid of frames at scene changes, and at least one frame per share of the film."""
    cols, rows = _SHEET_TILES
    step = max(duration / (cols * rows), 0.5)
    # A scene change, or the first frame, or a frame `step` s after the last one kept.
    pick = (f"select='gt(scene\\,0.3)*gte(t-prev_selected_t\\,{step / 4:.3f})"
            f"+isnan(prev_selected_t)+gte(t-prev_selected_t\\,{step:.3f})'")
    # A long film is judged on its key frames alone (every ~0.5 s on a DVD): 10x less decoding.
    keyframes = ["-skip_frame", "nokey"] if duration > _FULL_DECODE_SECONDS else []
    return run_ffmpeg([*keyframes, "-i", input_of(path), "-an", "-sn", "-vf",
                       f"{pick},scale={_SHEET_WIDTH}:-2,tile={cols}x{rows}:padding=2",
                       "-fps_mode", "vfr", "-frames:v", "1", *_JPEG_OUT,
                       "-q:v", "4", "-"], timeout=timeout, what="ffmpeg (contact sheet)")


def access_copy(path: Path | str, target: Path, kind: str, *, timeout: float) -> Path:
    """Write the web access copy of `path` to `target` (H.264/AAC MP4, or AAC for audio)."""
    partial = target.with_name(target.name + ".part")
    streams = (["-map", "0:v:0", "-map", "0:a:0?", *_VIDEO_ARGS, *_AUDIO_ARGS]
               if kind == "video" else ["-map", "0:a:0", "-vn", *_AUDIO_ARGS])
    try:
        run_ffmpeg(["-y", "-i", input_of(path), *streams, "-sn", "-dn", "-movflags", "+faststart",
                    "-f", "mp4", str(partial)], timeout=timeout, what="ffmpeg (access copy)")
        partial.replace(target)  # whole or not at all: a reader never gets half a copy
    except CorruptFile:
        partial.unlink(missing_ok=True)
        raise
    return target
