"""Short real media made with Debian's ffmpeg for the audio-visual tests (tests/test_media_*.py).

A 6-second test pattern with a tone, an embedded mov_text track (Vietnamese) and a bilingual
Vietnamese–English SRT beside it; the same tone as WAV, MP3, FLAC, Ogg and M4A; and bad media.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = ["needs_ffmpeg", "needs_dvd_tools", "make_film", "make_audio", "make_bad",
           "make_dvd_iso", "make_dvd_folder", "make_vcd_dat", "make_subpicture_film",
           "PICTURE_SRT", "SIDECAR_WORD", "EMBEDDED_WORD", "SIDECAR_SRT",
           "ffmpeg"]

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None,
                                  reason="ffmpeg is missing (apt-get install ffmpeg)")

SIDECAR_WORD = "Xylomarimba"  # only in the sidecar SRT, at 00:00:03
EMBEDDED_WORD = "Kỳlânđồng"  # only in the embedded track, at 00:00:04
SIDECAR_SRT = """1
00:00:01,000 --> 00:00:02,500
Xin chào các bạn đến với Lạng Sơn
Welcome to Lang Son

2
00:00:03,000 --> 00:00:04,800
<i>Điệu múa Xylomarimba của người Tày</i>
The Xylomarimba dance of the Tay people
"""
EMBEDDED_SRT = """1
00:00:04,000 --> 00:00:05,500
Lễ hội Kỳlânđồng ở Đồng Đăng
"""


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly; fail the test on error."""
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True, timeout=120)


def make_film(folder: Path, name: str = "phim.mp4", *, seconds: int = 6) -> Path:
    """A test-pattern film with a tone, an embedded Vietnamese track and a sidecar SRT."""
    folder.mkdir(parents=True, exist_ok=True)
    embedded = folder / "embedded.tmp.srt"
    embedded.write_text(EMBEDDED_SRT, encoding="utf-8")
    film = folder / name
    ffmpeg("-f", "lavfi", "-i", f"testsrc=size=160x120:rate=10:duration={seconds}",
           "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-i", str(embedded),
           "-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-c:a", "aac", "-c:s", "mov_text",
           "-metadata:s:s:0", "language=vie", "-metadata:s:a:0", "language=vie",
           "-metadata", "title=Phim thử nghiệm", str(film))
    embedded.unlink()
    (folder / (film.stem + ".srt")).write_text(SIDECAR_SRT, encoding="utf-8")
    return film


AUDIO = {"tone.wav": [], "tone.mp3": ["-c:a", "libmp3lame"], "tone.flac": [],
         "tone.ogg": ["-c:a", "libvorbis"], "tone.m4a": ["-c:a", "aac"]}
AUDIO_CODECS = {"tone.wav": "pcm_s16le", "tone.mp3": "mp3", "tone.flac": "flac",
                "tone.ogg": "vorbis", "tone.m4a": "aac"}


def make_audio(folder: Path) -> dict[str, Path]:
    """The same 3-second tone in each audio format, by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, codec in AUDIO.items():
        made[name] = folder / name
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:duration=3", *codec, str(made[name]))
    return made


def make_bad(folder: Path) -> dict[str, Path]:
    """Zero-length, truncated (MP4 with its index first, WAV) and undecodable media."""
    folder.mkdir(parents=True, exist_ok=True)
    whole = folder / "whole.tmp"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=6", "-c:v", "libx264",
           "-preset", "ultrafast", "-movflags", "+faststart", "-f", "mp4", str(whole))
    wav = folder / "wav.tmp"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=4", "-f", "wav", str(wav))
    bad = {"rong.mp4": b"", "cut.mp4": whole.read_bytes()[:20000],
           "cut.wav": wav.read_bytes()[:30000],
           "junk.wav": b"RIFF\x10\x00\x00\x00WAVE" + bytes(range(256)) * 20,
           "junk.mkv": b"\x1a\x45\xdf\xa3" + b"\x00\xff" * 4000}
    whole.unlink()
    wav.unlink()
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in bad}


needs_dvd_tools = pytest.mark.skipif(
    shutil.which("dvdauthor") is None or shutil.which("genisoimage") is None,
    reason="dvdauthor and genisoimage are not installed (apt-get install dvdauthor genisoimage)")
DVD_XML = """<dvdauthor dest="{dest}">
  <vmgm />
  <titleset><titles><pgc><vob file="{vob}" chapters="0,0:03,0:06" /></pgc></titles></titleset>
</dvdauthor>
"""


def make_dvd_folder(work: Path) -> Path:
    """An 8-second PAL DVD with three chapters (0, 3 and 6 s) authored by Debian's dvdauthor;
    returns the disc folder (holding VIDEO_TS/)."""
    work.mkdir(parents=True, exist_ok=True)
    vob = work / "title.mpg"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=720x576:rate=25:duration=8", "-f", "lavfi",
           "-i", "sine=duration=8", "-target", "pal-dvd", "-b:v", "1M", str(vob))
    (work / "dvd.xml").write_text(DVD_XML.format(dest=work / "DISC", vob=vob), encoding="utf-8")
    subprocess.run(["dvdauthor", "-x", str(work / "dvd.xml")], check=True, capture_output=True,
                   env={"VIDEO_FORMAT": "PAL", "PATH": "/usr/bin:/bin"}, timeout=120)
    vob.unlink()
    (work / "dvd.xml").unlink()
    return work / "DISC"


def make_dvd_iso(folder: Path, name: str = "dia-dvd.iso") -> Path:
    """The DVD of `make_dvd_folder` mastered into an ISO image by genisoimage."""
    work = folder / "dvd.tmp"
    disc = make_dvd_folder(work)
    iso = folder / name
    subprocess.run(["genisoimage", "-quiet", "-dvd-video", "-V", "LANG_SON_2017", "-o", str(iso),
                    str(disc)], check=True, capture_output=True, timeout=120)
    shutil.rmtree(work)
    return iso


def make_vcd_dat(folder: Path, name: str = "AVSEQ01.DAT") -> Path:
    """A Video CD track as copied from the disc: MPEG-1 (PAL VCD) in 2352-byte CD-XA Mode 2
    sectors behind a RIFF/CDXA header, as the CD file system presents AVSEQnn.DAT."""
    folder.mkdir(parents=True, exist_ok=True)
    mpeg = folder / "vcd.tmp"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=352x288:rate=25:duration=6", "-f", "lavfi",
           "-i", "sine=duration=6", "-target", "pal-vcd", "-f", "vcd", str(mpeg))
    data = mpeg.read_bytes()
    mpeg.unlink()
    sync = b"\x00" + b"\xff" * 10 + b"\x00"
    sector = sync + bytes([0, 2, 0, 2]) + bytes([1, 1, 0x62, 0x0F]) * 2  # header, subheader
    body = b"".join(sector + data[i:i + 2324].ljust(2324, b"\x00") + bytes(4)
                    for i in range(0, len(data), 2324))
    fmt = b"fmt " + (16).to_bytes(4, "little") + bytes(16)
    size = (4 + len(fmt) + 8 + len(body)).to_bytes(4, "little")
    dat = folder / name
    dat.write_bytes(b"RIFF" + size + b"CDXA" + fmt + b"data" + len(body).to_bytes(4, "little")
                    + body)
    return dat


PICTURE_SRT = """1
00:00:01,000 --> 00:00:03,000
Welcome to Lang Son

2
00:00:04,000 --> 00:00:06,500
Wild bananas grow here
"""
_SPUMUX_XML = """<subpictures format="PAL"><stream>
<textsub filename="{srt}" characterset="UTF-8" fontsize="28.0" font="DejaVuSans.ttf"
 horizontal-alignment="center" vertical-alignment="bottom" left-margin="60" right-margin="60"
 bottom-margin="30" subtitle-fps="25" movie-fps="25" movie-width="720" movie-height="576"/>
</stream></subpictures>
"""
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian's fonts-dejavu-core


def make_subpicture_film(folder: Path, name: str = "phu-de-hinh.mpg") -> Path:
    """An 8-second DVD program stream whose only subtitles are pictures (DVD subpictures),
    rendered from PICTURE_SRT by dvdauthor's spumux."""
    work = folder / "spu.tmp"
    (work / ".spumux").mkdir(parents=True, exist_ok=True)
    shutil.copy(FONT, work / ".spumux" / FONT.name)  # spumux looks for fonts in ~/.spumux
    plain = work / "plain.mpg"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=720x576:rate=25:duration=8", "-f", "lavfi",
           "-i", "sine=duration=8", "-target", "pal-dvd", "-b:v", "1M", str(plain))
    (work / "s.srt").write_text(PICTURE_SRT, encoding="utf-8")
    (work / "spu.xml").write_text(_SPUMUX_XML.format(srt=work / "s.srt"), encoding="utf-8")
    film = folder / name
    with plain.open("rb") as source, film.open("wb") as target:
        subprocess.run(["spumux", "-s0", str(work / "spu.xml")], stdin=source, stdout=target,
                       stderr=subprocess.DEVNULL, check=True, timeout=120,
                       env={"HOME": str(work), "PATH": "/usr/bin:/bin"})
    shutil.rmtree(work)
    return film
