"""Picture subtitles (DVD subpictures, Blu-ray PGS, DVB): their frames read by Tesseract.

ffmpeg renders the track alone, one grey image per change (a subtitle shown, or cleared), named
by its time in milliseconds; each image with something on it is cropped to its text, inverted
to dark on light, and read in the track's language. A subtitle lasts until the next change.
"""
from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from archive.errors import CorruptFile

from .language import tesseract_langs
from .subtitles import Cue
from .tools.ffmpeg import run_ffmpeg
from .tools.tesseract import ocr_image

__all__ = ["PICTURE_SUBTITLES", "OcrCues", "read_picture_track"]

log = logging.getLogger(__name__)

PICTURE_SUBTITLES = ("dvd_subtitle", "hdmv_pgs_subtitle", "dvb_subtitle", "xsub")
_MAX_CHANGES = 20000  # images per track: a feature film shows ~1500 subtitles (x2 for clears)
_LAST_SECONDS = 5.0  # how long the last subtitle counts as shown when no clear follows
_PAD = 12  # pixels of margin around the text: Tesseract reads badly at the very edge
_PSM_BLOCK = 6  # one block of text (a subtitle may hold two lines)


@dataclass
class OcrCues:
    """The cues read from one picture track and the mean OCR confidence over them."""

    cues: list[Cue]
    confidence: float | None


def read_picture_track(source: str, n: int, *, start: float, language: str | None,
                       default_lang: str, timeout: float, ocr_timeout: float) -> OcrCues:
    """OCR subtitle track `n` of `source`; `start` is the film's start time (seconds)."""
    lang = tesseract_langs([language], default=default_lang) if language else default_lang
    with tempfile.TemporaryDirectory(prefix="ttdn-subpictures-") as work:
        folder = Path(work)
        # -copyts keeps the stream's own times; image names are milliseconds (enc_time_base).
        run_ffmpeg(["-copyts", "-i", source, "-filter_complex", f"[0:s:{n}]format=gray[s]",
                    "-map", "[s]", "-an", "-fps_mode", "passthrough", "-enc_time_base",
                    "1:1000", "-frame_pts", "1", "-frames:v", str(_MAX_CHANGES), "-f", "image2",
                    str(folder / "%012d.png")], timeout=timeout, what="ffmpeg (subtitle pictures)")
        frames = sorted(folder.glob("*.png"))
        return _read_frames(frames, start, lang, ocr_timeout)


def _read_frames(frames: list[Path], start: float, lang: str, ocr_timeout: float) -> OcrCues:
    cues, confidences = [], []
    times = [int(frame.stem) / 1000 - start for frame in frames]
    for i, frame in enumerate(frames):
        text, confidence = _read_one(frame, lang, ocr_timeout)
        if not text:
            continue  # a cleared screen: it only ends the subtitle before it
        begin = max(times[i], 0.0)
        end = times[i + 1] if i + 1 < len(times) else begin + _LAST_SECONDS
        if cues and cues[-1].text == text and abs(cues[-1].end - begin) < 0.05:
            cues[-1] = Cue(cues[-1].start, end, text)  # the same subtitle sent twice
        else:
            cues.append(Cue(round(begin, 3), round(end, 3), text))
        if confidence is not None:
            confidences.append(confidence)
    mean = round(sum(confidences) / len(confidences), 2) if confidences else None
    return OcrCues(cues, mean)


def _read_one(frame: Path, lang: str, timeout: float) -> tuple[str, float | None]:
    with Image.open(frame) as image:
        grey = image.convert("L")
    box = grey.getbbox()
    if box is None:
        return "", None
    crop = ImageOps.expand(ImageOps.invert(grey.crop(box)), border=_PAD, fill=255)
    try:
        result = ocr_image(crop, lang=lang, psm=_PSM_BLOCK, timeout=timeout)
    except (CorruptFile, TimeoutError) as e:  # one unreadable subtitle never loses the film
        log.info("subtitle picture %s not read: %s", frame.name, e)
        return "", None
    return " ".join(result.text.split()), result.confidence
