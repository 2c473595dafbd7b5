"""Subtitle cues: read SRT/WebVTT text, group cues into timed pages, write WebVTT back.

A film's text is its subtitles. Each page holds the cues of about `BLOCK_SECONDS` of one track,
one line per cue starting with its time, `[00:12:31] text`, so a search snippet names the time;
the cue timings are kept beside the pages (the item's `media.timecodes`) for the player.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from archive.errors import ArchiveError

__all__ = ["Cue", "TimedPage", "SIDECAR_SUFFIXES", "parse_cues", "group_cues", "timecode",
           "sidecar_subtitles", "is_sidecar_subtitle", "page_cues", "to_webvtt"]

BLOCK_SECONDS = 30.0  # one page of text per half minute of a track
SIDECAR_SUFFIXES = (".srt", ".vtt", ".ass", ".ssa")
_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_ARROW = re.compile(_TIME + r"\s*-->\s*" + _TIME)
_TAG = re.compile(r"<[^>]{0,200}>|\{\\[^}]{0,200}\}")  # <i>, <c.red>, ASS {\an8} overrides
_LINE = re.compile(r"^\[(\d+:\d{2}:\d{2})\] ?(.*)$")
_LANG_SUFFIX = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")


@dataclass(frozen=True)
class Cue:
    """One subtitle: shown from `start` to `end` seconds."""

    start: float
    end: float
    text: str


@dataclass
class TimedPage:
    """The text of one page of a track and the time range and cue timings it covers."""

    text: str
    start: float
    end: float
    cues: list[tuple[float, float]]


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000


def parse_cues(text: str) -> list[Cue]:
    """The cues of SRT or WebVTT `text`, in time order, markup removed, empty cues dropped."""
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = block.strip("\n").split("\n")
        at = next((i for i, line in enumerate(lines) if _ARROW.search(line)), None)
        if at is None:
            continue
        times = _ARROW.search(lines[at]).groups()
        words = " ".join(_TAG.sub("", line).strip() for line in lines[at + 1:])
        words = " ".join(words.split())
        if words:
            cues.append(Cue(_seconds(*times[:4]), _seconds(*times[4:]), words))
    return sorted(cues, key=lambda c: (c.start, c.end))


def timecode(seconds: float) -> str:
    """`seconds` as HH:MM:SS, the form a hit names the time in.

    >>> timecode(751.4)
    '00:12:31'
    """
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def group_cues(cues: list[Cue], block: float = BLOCK_SECONDS) -> list[TimedPage]:
    """Cues as pages of about `block` seconds each, one `[HH:MM:SS] text` line per cue."""
    pages: list[TimedPage] = []
    for cue in cues:
        if not pages or cue.start >= pages[-1].start + block:
            pages.append(TimedPage("", cue.start, cue.end, []))
        page = pages[-1]
        page.text += f"[{timecode(cue.start)}] {cue.text}\n"
        page.end = max(page.end, cue.end)
        page.cues.append((round(cue.start, 3), round(cue.end, 3)))
    return pages


def page_cues(text: str, timings: list[list[float]]) -> list[Cue]:
    """The cues of one stored page again: its `[HH:MM:SS]` lines paired with their timings."""
    lines = [m.group(2) for m in map(_LINE.match, text.splitlines()) if m]
    return [Cue(float(t[0]), float(t[1]), line) for line, t in zip(lines, timings)]


def to_webvtt(cues: list[Cue]) -> str:
    """A WebVTT file of `cues` (text escaped: a cue may not hold markup or "-->")."""
    out = ["WEBVTT", ""]
    for cue in cues:
        words = cue.text.replace("&", "&amp;").replace("<", "&lt;").replace("-->", "→")
        out += [f"{_vtt_time(cue.start)} --> {_vtt_time(cue.end)}", words, ""]
    return "\n".join(out)


def _vtt_time(seconds: float) -> str:
    millis = int(round(seconds * 1000))
    return f"{millis // 3600000:02d}:{millis // 60000 % 60:02d}:{millis // 1000 % 60:02d}." \
           f"{millis % 1000:03d}"


def sidecar_subtitles(media: Path) -> list[tuple[Path, str | None]]:
    """Subtitle files beside `media` with its stem (`film.srt`, `film.vi.srt`), with language."""
    found = []
    for other in sorted(media.parent.glob(glob_escape(media.stem) + ".*")):
        if other == media or other.suffix.lower() not in SIDECAR_SUFFIXES or not other.is_file():
            continue
        middle = other.name[len(media.stem):-len(other.suffix)].lstrip(".")
        found.append((other, middle.lower() if _LANG_SUFFIX.match(middle) else None))
    return found


def is_sidecar_subtitle(path: Path) -> bool:
    """True for a subtitle file that belongs to a film beside it (it is read with the film)."""
    if path.suffix.lower() not in SIDECAR_SUFFIXES:
        return False
    stem = path.name[:-len(path.suffix)]
    stems = {stem, stem.rpartition(".")[0]} - {""}  # film.srt and film.vi.srt belong to film.*
    for other in path.parent.iterdir():
        if other.suffix.lower() in SIDECAR_SUFFIXES or other.name.startswith("."):
            continue
        if other.name[:-len(other.suffix)] in stems and other.is_file() and _is_media(other):
            return True
    return False


def _is_media(path: Path) -> bool:
    from ingest.detect import MEDIA_MIMES, sniff_mime  # detect is light; no cycle at import

    try:
        return sniff_mime(path) in MEDIA_MIMES
    except (OSError, ArchiveError):  # an empty or unreadable neighbour is no film
        return False


def glob_escape(text: str) -> str:
    """`text` with glob's special characters escaped (a film may be named `[1995] Lễ hội`)."""
    return re.sub(r"([*?\[])", r"[\1]", text)
