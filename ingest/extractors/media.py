"""Films and recordings (MPEG-PS/VCD, MP4/MOV, MKV/WebM, AVI, WAV, FLAC, MP3, AAC, Ogg).

ffprobe gives the technical facts, stored on the item as `media`; the subtitles (text tracks in
the container, SRT/VTT/ASS files beside it with the same stem) become timed pages of text; the
poster frame (not a black one) or, for audio, the waveform becomes the thumbnail. Media that
ffprobe/ffmpeg cannot read in their time limits, or that claims absurd durations or stream
counts, is refused with CorruptFile and quarantined by the pipeline.
"""
from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path

from archive.errors import ArchiveError, CorruptFile, MissingDependency, UnsupportedFormat
from archive.settings import Settings, load_settings
from ingest.detect import IFO_MIME, ISO_MIME, MEDIA_MIMES, TAR_MIME, sniff_mime
from ingest.disc import DvdImage, read_dvd_image, read_dvd_tar, tar_video_ts
from ingest.extraction import Extraction, PageText
from ingest.media_derivatives import long_timeout, poster_frame, waveform
from ingest.registry import Extractor
from ingest.subpictures import PICTURE_SUBTITLES, read_picture_track
from ingest.subtitles import Cue, group_cues, parse_cues, sidecar_subtitles
from ingest.tools.ffmpeg import check_ffmpeg, input_of, probe, run_ffmpeg

__all__ = ["MediaExtractor", "describe", "SUBTITLE_ORIGIN"]

log = logging.getLogger(__name__)

SUBTITLE_ORIGIN = "subtitles"  # Page.origin of a film's text
_MAX_STREAMS = 64  # a DVD has 1 video, 8 audio and 32 subpicture streams at most
_MAX_SIDECAR_BYTES = 8 * 1024 * 1024  # a feature film's SRT is ~100 KB; also caps a track's text
_TEXT_SUBTITLES = ("subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text", "microdvd")
# ISO 639-2 (what containers tag) -> ISO 639-1 (what the archive's `languages` hold).
_LANGS = {"vie": "vi", "eng": "en", "chi": "zh", "zho": "zh", "jpn": "ja", "kor": "ko",
          "fra": "fr", "fre": "fr", "vi": "vi", "en": "en", "zh": "zh", "ja": "ja", "ko": "ko",
          "fr": "fr"}
_TAIL_SECONDS = 2.0  # how far before the stated end a frame must still decode
_DISC_READERS = {ISO_MIME: read_dvd_image, TAR_MIME: read_dvd_tar}


class MediaExtractor(Extractor):
    """Audio-visual files, read through ffprobe and ffmpeg."""

    MIME_TYPES = (*MEDIA_MIMES, TAR_MIME, IFO_MIME)
    SCORE = 10

    @classmethod
    def score(cls, mime: str, path: Path) -> int:
        """Bid on media; on a tar archive only when it holds a DVD's VIDEO_TS folder."""
        if mime == TAR_MIME:
            try:
                return cls.SCORE if tar_video_ts(path)[0] else 0
            except CorruptFile:
                return 0
        return super().score(mime, path)

    def extract(
        self,
        path: Path,
        *,
        lang: str = "vie+eng",
        kind_hint: str | None = None,
        settings: Settings | None = None,
    ) -> Extraction:
        """Probe the file, check it decodes to its end, read its subtitles and make its picture."""
        path, settings = Path(path), settings or load_settings()
        mime = sniff_mime(path)
        if mime == IFO_MIME:  # one file of a copied disc: the disc is one item, not its parts
            raise UnsupportedFormat(
                "a DVD's VIDEO_TS control file: a disc is archived as one item; ingest the folder "
                "that holds VIDEO_TS (or VIDEO_TS itself), pack it (tar cf disc.tar VIDEO_TS) "
                "or use the disc's ISO image")
        check_ffmpeg()
        disc = _DISC_READERS[mime](path) if mime in _DISC_READERS else None
        source = disc.input_url(input_of(path)) if disc else input_of(path)
        info = probe(source, timeout=settings.ffprobe_timeout)
        facts = describe(info)
        _check_sane(facts, settings)
        _check_riff_length(path)
        _check_decodes_to_end(source, facts, settings)
        kind = "video" if facts["video"] else "audio"
        result = Extraction(mime=_mime(mime, kind), kind=kind)
        if disc:
            _add_disc(facts, disc)
        tracks = _read_subtitles(source, path, facts, settings, lang, result.warnings)
        facts["timecodes"] = _add_pages(result, tracks)
        result.metadata["media"] = facts
        result.metadata["title"] = ((info.get("format", {}).get("tags") or {}).get("title")
                                    or (disc.volume.replace("_", " ").strip() if disc else None))
        result.metadata["page_count"] = len(result.pages)
        result.thumbnail = _picture(source, facts, kind, settings, result.warnings)
        return result


def describe(info: dict) -> dict:
    """The technical facts staff see, from ffprobe's JSON: container, duration, streams."""
    fmt = info.get("format") or {}
    streams = info.get("streams") or []
    video = [s for s in streams if s.get("codec_type") == "video"
             and not (s.get("disposition") or {}).get("attached_pic")]
    return {
        "container": fmt.get("format_name"),
        "container_name": fmt.get("format_long_name"),
        "duration": _float(fmt.get("duration")),
        "start_time": _float(fmt.get("start_time")),  # MPEG streams rarely start at 0
        "bit_rate": _int(fmt.get("bit_rate")),
        "stream_count": len(streams),
        "video": [{"codec": s.get("codec_name"), "width": s.get("width"),
                   "height": s.get("height"), "frame_rate": _rate(s.get("avg_frame_rate")
                                                                  or s.get("r_frame_rate"))}
                  for s in video],
        "audio": [{"codec": s.get("codec_name"), "channels": s.get("channels"),
                   "sample_rate": _int(s.get("sample_rate")), "language": _lang(s)}
                  for s in streams if s.get("codec_type") == "audio"],
        "subtitles": [{"codec": s.get("codec_name"), "language": _lang(s),
                       "title": (s.get("tags") or {}).get("title"),
                       "text": s.get("codec_name") in _TEXT_SUBTITLES, "source": "embedded"}
                      for s in streams if s.get("codec_type") == "subtitle"],
        "chapters": [{"start": _float(c.get("start_time")), "end": _float(c.get("end_time")),
                      "title": (c.get("tags") or {}).get("title")}
                     for c in info.get("chapters") or []],
    }


def _check_sane(facts: dict, settings: Settings) -> None:
    if facts["stream_count"] > _MAX_STREAMS:
        raise CorruptFile(f"claims {facts['stream_count']} streams (more than {_MAX_STREAMS}): "
                          "damaged or hostile media")
    if not facts["video"] and not facts["audio"]:
        raise CorruptFile("holds no picture or sound that ffprobe can read")
    undecodable = [s for s in facts["video"] + facts["audio"] if not s["codec"]]
    if undecodable:
        raise CorruptFile("a picture or sound stream uses a codec ffmpeg cannot decode")
    duration = facts["duration"]
    if duration is None or duration <= 0:
        raise CorruptFile("ffprobe finds no duration: the file is truncated or is not media")
    if duration > settings.max_media_seconds:
        raise CorruptFile(f"claims to last {duration / 3600:.1f} hours, over the limit of "
                          f"{settings.max_media_seconds / 3600:g} h (TTDN_MAX_MEDIA_SECONDS)")


def _check_riff_length(path: Path) -> None:
    """A WAV or AVI states its length in its RIFF header; a shorter file was cut off."""
    with path.open("rb") as handle:
        head = handle.read(12)
    if head[:4] != b"RIFF" or head[8:12] not in (b"WAVE", b"AVI "):
        return
    stated, actual = int.from_bytes(head[4:8], "little") + 8, path.stat().st_size
    # 0 and 0xFFFFFFFF mean "unknown" (a recorder that never finished or streamed the header).
    if stated not in (8, 0xFFFFFFFF + 8) and actual < stated:
        raise CorruptFile(f"truncated: its header states {stated} bytes, the file has {actual}")


def _check_decodes_to_end(source: str, facts: dict, settings: Settings) -> None:
    """A truncated file states its full length but stops early: its last seconds do not decode."""
    at = max(facts["duration"] - _TAIL_SECONDS, 0.0)
    stream = "0:v:0" if facts["video"] else "0:a:0"
    out = run_ffmpeg(["-ss", f"{at:.3f}", "-i", source, "-map", stream, "-t", "1",
                      "-f", "framecrc", "-"], timeout=settings.ffprobe_timeout,
                     what="ffmpeg (decoding the end)")
    if not any(line and not line.startswith(b"#") for line in out.splitlines()):
        raise CorruptFile(f"nothing decodes near its stated end ({facts['duration']:.1f} s): "
                          "the file is truncated or damaged")


def _add_disc(facts: dict, disc: DvdImage) -> None:
    """A DVD image's titles, and the main title's chapters when the stream itself has none."""
    facts["input"] = {"start": disc.start, "end": disc.end}  # where the film lies in the image
    facts["disc"] = {"volume": disc.volume, "main_title_set": disc.main_set,
                     "titles": [{"n": t.n, "title_set": t.title_set, "chapters": t.chapters,
                                 "duration": t.duration} for t in disc.titles]}
    main = next((t for t in disc.titles if t.title_set == disc.main_set), None)
    if main and not facts["chapters"]:
        ends = [*main.chapter_starts[1:], main.duration or facts["duration"]]
        facts["chapters"] = [{"start": start, "end": end, "title": None}
                             for start, end in zip(main.chapter_starts, ends)]


def _read_subtitles(source: str, path: Path, facts: dict, settings: Settings, lang: str,
                    warnings: list[str]) -> list[tuple[dict, list[Cue]]]:
    """(track facts, cues) of every subtitle track: the file's own (text, or pictures read by
    OCR), then the subtitle files beside it."""
    tracks = []
    for n, track in enumerate(facts["subtitles"]):
        if track["codec"] in PICTURE_SUBTITLES:
            cues = _picture_cues(source, n, track, facts, settings, lang, warnings)
            if cues is not None:
                tracks.append((track, cues))
            continue
        if not track["text"]:
            warnings.append(f"subtitle track {n + 1} ({track['codec']}) cannot be read")
            continue
        # The whole file is read (demuxed, not decoded) for one track: the long time limit.
        srt = run_ffmpeg(["-i", source, "-map", f"0:s:{n}", "-fs", str(_MAX_SIDECAR_BYTES),
                          "-f", "srt", "-"],
                         timeout=long_timeout(settings.ffmpeg_timeout, facts["duration"]),
                         what="ffmpeg (subtitles)")
        tracks.append((track, parse_cues(srt.decode("utf-8", errors="replace"))))
    for sidecar, language in sidecar_subtitles(path):
        try:
            cues = _sidecar_cues(sidecar, settings)
        except (ArchiveError, OSError) as e:  # a bad subtitle file never loses the film
            warnings.append(f"subtitle file {sidecar.name} could not be read ({e})")
            continue
        track = {"codec": sidecar.suffix.lstrip(".").lower(),
                 "language": _LANGS.get(language or ""),
                 "title": None, "text": True, "source": sidecar.name}
        facts["subtitles"].append(track)
        tracks.append((track, cues))
    return tracks


def _picture_cues(source: str, n: int, track: dict, facts: dict, settings: Settings, lang: str,
                  warnings: list[str]) -> list[Cue] | None:
    """The cues of a picture subtitle track by OCR (None, with a warning, when it fails)."""
    try:
        read = read_picture_track(
            source, n, start=facts["start_time"] or 0.0, language=track["language"],
            default_lang=lang, timeout=long_timeout(settings.ffmpeg_timeout, facts["duration"]),
            ocr_timeout=settings.ocr_timeout)
    except (CorruptFile, MissingDependency) as e:
        warnings.append(f"subtitle track {n + 1} ({track['codec']}, pictures) not read: {e}")
        return None
    track["origin"], track["confidence"] = "ocr", read.confidence
    return read.cues


def _sidecar_cues(sidecar: Path, settings: Settings) -> list[Cue]:
    if sidecar.stat().st_size > _MAX_SIDECAR_BYTES:
        raise CorruptFile(f"over {_MAX_SIDECAR_BYTES // 2**20} MiB, too large for subtitles")
    if sidecar.suffix.lower() in (".ass", ".ssa"):  # styled: let ffmpeg flatten it to SRT
        raw = run_ffmpeg(["-i", input_of(sidecar), "-fs", str(_MAX_SIDECAR_BYTES), "-f", "srt",
                          "-"],
                         timeout=settings.ffprobe_timeout, what="ffmpeg (subtitles)")
    else:
        raw = sidecar.read_bytes()
    return parse_cues(_decode(raw))


def _decode(raw: bytes) -> str:
    # Old Vietnamese subtitle files are often Windows-1258, not UTF-8.
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _add_pages(result: Extraction, tracks: list[tuple[dict, list[Cue]]]) -> list[dict]:
    """One page per ~30 s of each track; returns each page's time range and cue timings."""
    timecodes = []
    for number, (track, cues) in enumerate(tracks):
        first = len(result.pages) + 1
        track["track"] = number  # what timecodes and the player's WebVTT URLs call it
        for page in group_cues(cues):
            n = len(result.pages) + 1
            result.pages.append(PageText(n, page.text, origin=track.get("origin", SUBTITLE_ORIGIN),
                                         confidence=track.get("confidence"),
                                         language=track["language"]))
            timecodes.append({"n": n, "start": round(page.start, 3), "end": round(page.end, 3),
                              "track": number, "cues": page.cues})
        track["pages"] = [first, len(result.pages)] if len(result.pages) >= first else []
    return timecodes


def _picture(path: Path | str, facts: dict, kind: str, settings: Settings,
             warnings: list[str]) -> bytes | None:
    """The poster frame of a film, or the waveform of a recording (a warning if neither comes)."""
    try:
        if kind == "video":
            return poster_frame(path, facts["duration"], timeout=settings.ffprobe_timeout)
        # The waveform decodes the whole recording.
        return waveform(path, timeout=long_timeout(settings.ffmpeg_timeout, facts["duration"]))
    except CorruptFile as e:  # the media reads, only its picture failed: keep the item
        warnings.append(f"no preview picture ({e})")
        return None


def _mime(sniffed: str, kind: str) -> str:
    # Ogg and MPEG-PS may hold video or audio only: say what is really there.
    if sniffed == "audio/ogg" and kind == "video":
        return "video/ogg"
    if sniffed == "video/mpeg" and kind == "audio":
        return "audio/mpeg"
    return sniffed


def _lang(stream: dict) -> str | None:
    return _LANGS.get(((stream.get("tags") or {}).get("language") or "").lower())


def _float(value) -> float | None:
    try:
        return round(float(value), 3)
    except (TypeError, ValueError):
        return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _rate(value: str | None) -> float | None:
    try:
        return round(float(Fraction(value)), 3) if value and value != "0/0" else None
    except (ValueError, ZeroDivisionError):
        return None
