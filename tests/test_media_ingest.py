"""Films and recordings: detection by content, ffprobe facts, subtitles as timed pages, pictures,
bad media quarantined with a reason (issue 15). Real ffmpeg, real files made by the tests."""
from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from archive.catalog import Catalog
from archive.errors import CorruptFile, MissingDependency
from archive.settings import load_settings
from archive.store import ObjectStore
from ingest.detect import sniff_mime
from ingest.tools.ffmpeg import probe, run_ffmpeg
from tests.media_fixtures import (AUDIO_CODECS, EMBEDDED_WORD, SIDECAR_WORD, make_audio,
                                  ffmpeg, make_bad, make_dvd_folder, make_dvd_iso, make_film,
                                  make_subpicture_film, make_vcd_dat, needs_dvd_tools,
                                  needs_ffmpeg)

from .conftest import run_cli, run_json

pytestmark = needs_ffmpeg


@pytest.fixture(scope="module")
def film_home(tmp_path_factory) -> tuple[Path, Path]:
    """A data home with the test film (and its sidecar SRT) and the five audio files ingested."""
    folder = tmp_path_factory.mktemp("media-input")
    make_film(folder / "films")
    make_audio(folder / "audio")
    home = tmp_path_factory.mktemp("media") / "home"
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    return home, folder


def test_media_is_recognised_by_content_not_name(tmp_path):
    film = make_film(tmp_path / "f")
    audio = make_audio(tmp_path / "a")
    disguised = tmp_path / "phim.pdf"
    disguised.write_bytes(film.read_bytes())
    assert sniff_mime(disguised) == "video/mp4"
    assert {name: sniff_mime(p) for name, p in audio.items()} == {
        "tone.wav": "audio/wav", "tone.mp3": "audio/mpeg", "tone.flac": "audio/flac",
        "tone.ogg": "audio/ogg", "tone.m4a": "audio/mp4"}


@pytest.mark.parametrize("head, mime", [
    (b"\x00\x00\x01\xba\x44\x00\x04", "video/mpeg"),  # MPEG-2 program stream (a VOB)
    (b"RIFF\x00\x10\x00\x00CDXAfmt ", "video/mpeg"),  # a VCD's AVSEQ01.DAT
    (b"RIFF\x00\x10\x00\x00AVI LIST", "video/x-msvideo"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
    (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),

    (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
    (b"\xff\xf1\x50\x80\x02\x1f\xfc", "audio/aac"),
    (bytes(0x8001) + b"CD001\x01", "application/x-iso9660-image"),
    ((b"\x47" + bytes(187)) * 3, "video/mp2t"),
    ((bytes(4) + b"\x47" + bytes(187)) * 3, "video/mp2t"),  # .m2ts
    (b"DVDVIDEO-VMG\x00\x00", "application/x-dvd-ifo"),
])
def test_container_magics(tmp_path, head, mime):
    path = tmp_path / "x.bin"
    path.write_bytes(head + bytes(64))
    assert sniff_mime(path) == mime


@pytest.mark.parametrize("text", ["ID3 tags of the 1998 tapes, notes\n", ("G" + "x" * 187) * 4,
                                  "OggS is a container\n"])
def test_notes_that_begin_like_a_media_magic_stay_text(tmp_path, text):
    path = tmp_path / "note.txt"
    path.write_text(text, encoding="utf-8")
    assert sniff_mime(path) == "text/plain"


def test_film_gets_its_technical_facts(film_home):
    home, _ = film_home
    shown = run_json(home, "show", "films/phim.mp4")
    media = shown["media"]
    assert (shown["kind"], shown["format"], shown["title"]) == ("video", "video/mp4",
                                                                "Phim thử nghiệm")
    assert media["duration"] == pytest.approx(6.0, abs=0.2)
    assert media["video"] == [{"codec": "h264", "width": 160, "height": 120, "frame_rate": 10.0}]
    assert [(a["codec"], a["language"]) for a in media["audio"]] == [("aac", "vi")]
    assert [(s["codec"], s["language"], s["source"]) for s in media["subtitles"]] == [
        ("mov_text", "vi", "embedded"), ("srt", None, "phim.srt")]


def test_subtitles_become_timed_pages(film_home):
    home, _ = film_home
    shown = run_json(home, "show", "films/phim.mp4")
    texts = [p["text"] for p in shown["pages"]]
    assert {p["origin"] for p in shown["pages"]} == {"subtitles"}
    assert f"[00:00:04] Lễ hội {EMBEDDED_WORD} ở Đồng Đăng" in texts[0]
    assert f"[00:00:03] Điệu múa {SIDECAR_WORD} của người Tày" in texts[1], "no <i> left"
    assert {"vi", "en"} <= set(shown["languages"]), "a bilingual film indexes both languages"
    timecodes = shown["media"]["timecodes"]
    assert [(t["n"], t["track"], t["start"]) for t in timecodes] == [(1, 0, 4.0), (2, 1, 1.0)]
    assert timecodes[1]["cues"] == [[1.0, 2.5], [3.0, 4.8]]


def test_the_sidecar_is_read_with_the_film_not_archived_alone(film_home):
    home, _ = film_home
    sources = [h["source"] for h in run_json(home, "search", "*", "--limit", "50")["hits"]]
    assert "films/phim.srt" not in sources and "films/phim.mp4" in sources


def test_a_word_only_the_subtitles_hold_finds_the_film_and_names_the_time(film_home):
    home, _ = film_home
    found = run_json(home, "search", SIDECAR_WORD.lower())
    (hit,) = found["hits"]
    assert (hit["source"], hit["kind"], hit["pages"]) == ("films/phim.mp4", "video", [2])
    assert "[00:00:03]" in hit["snippet"]


def test_poster_frame_is_a_real_frame(film_home):
    home, _ = film_home
    shown = run_json(home, "show", "films/phim.mp4")
    (thumb,) = [f for f in shown["files"] if f["role"] == "thumbnail"]
    data = ObjectStore(load_settings(home).objects_dir).path_for(thumb["sha256"]).read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.width == 480
        assert ImageStat.Stat(image.convert("L")).mean[0] > 40, "not a black frame"


@pytest.mark.parametrize("name", list(AUDIO_CODECS))
def test_recordings_are_audio_items_with_a_waveform(film_home, name):
    home, _ = film_home
    shown = run_json(home, "show", f"audio/{name}")
    assert shown["kind"] == "audio"
    assert shown["media"]["duration"] == pytest.approx(3.0, abs=0.15)
    assert [a["codec"] for a in shown["media"]["audio"]] == [AUDIO_CODECS[name]]
    assert any(f["role"] == "thumbnail" for f in shown["files"]), "the waveform picture"


def test_a_video_cd_track_is_read(tmp_path):
    make_vcd_dat(tmp_path / "in" / "MPEGAV")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(tmp_path / "in")).exit_code == 0
    shown = run_json(home, "show", "MPEGAV/AVSEQ01.DAT")
    assert (shown["kind"], shown["format"]) == ("video", "video/mpeg")
    assert [(v["codec"], v["width"], v["height"]) for v in shown["media"]["video"]] == [
        ("mpeg1video", 352, 288)]
    assert [a["codec"] for a in shown["media"]["audio"]] == ["mp2"]
    assert shown["media"]["duration"] == pytest.approx(6.0, abs=0.3)


@needs_dvd_tools
def test_a_dvd_image_is_one_item_with_its_titles_and_chapters(tmp_path):
    make_dvd_iso(tmp_path / "in")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(tmp_path / "in")).exit_code == 0
    shown = run_json(home, "show", "dia-dvd.iso")
    media = shown["media"]
    assert (shown["kind"], shown["format"]) == ("video", "application/x-iso9660-image")
    assert shown["title"] == "LANG SON 2017", "the disc's volume name"
    assert media["duration"] == pytest.approx(8.0, abs=0.3)
    assert [(v["codec"], v["width"], v["height"]) for v in media["video"]] == [
        ("mpeg2video", 720, 576)]
    assert media["disc"]["titles"] == [{"n": 1, "title_set": 1, "chapters": 3, "duration": 8.0}]
    assert [c["start"] for c in media["chapters"]] == [0, 3.0, 6.0]
    assert any(f["role"] == "thumbnail" for f in shown["files"])


@needs_dvd_tools
def test_a_packed_video_ts_folder_is_one_item_per_disc(tmp_path):
    disc = make_dvd_folder(tmp_path / "work")
    (tmp_path / "in").mkdir()
    with tarfile.open(tmp_path / "in" / "dia.tar", "w", format=tarfile.USTAR_FORMAT) as tar:
        tar.add(disc / "VIDEO_TS", arcname="LANG_SON_2017/VIDEO_TS")
    with tarfile.open(tmp_path / "in" / "giay-to.tar", "w") as tar:  # no DVD: not read
        tar.add(disc / "VIDEO_TS" / "VIDEO_TS.BUP", arcname="a.bin")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(tmp_path / "in")).exit_code == 1
    shown = run_json(home, "show", "dia.tar")
    assert (shown["kind"], shown["title"]) == ("video", "LANG SON 2017")
    assert [c["start"] for c in shown["media"]["chapters"]] == [0, 3.0, 6.0]
    assert shown["media"]["duration"] == pytest.approx(8.0, abs=0.3)
    with Catalog(load_settings(home).catalog_path) as catalog:
        assert [q.code for q in catalog.quarantined()] == ["unsupported"]


@needs_dvd_tools
def test_the_loose_files_of_a_disc_say_how_to_archive_the_disc(tmp_path):
    disc = make_dvd_folder(tmp_path / "work")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(disc / "VIDEO_TS" / "VIDEO_TS.IFO")).exit_code == 1
    with Catalog(load_settings(home).catalog_path) as catalog:
        (entry,) = catalog.quarantined()
    assert entry.code == "unsupported" and "tar cf disc.tar VIDEO_TS" in entry.reason


@needs_dvd_tools
def test_picture_subtitles_are_read_by_ocr_with_their_times(tmp_path):
    make_subpicture_film(tmp_path / "in")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(tmp_path / "in")).exit_code == 0
    shown = run_json(home, "show", "phu-de-hinh.mpg")
    (track,) = shown["media"]["subtitles"]
    assert (track["codec"], track["origin"]) == ("dvd_subtitle", "ocr")
    (page,) = shown["pages"]
    assert page["origin"] == "ocr" and page["confidence"] > 60
    assert "[00:00:01] Welcome to Lang Son" in page["text"]
    assert "[00:00:04] Wild bananas grow here" in page["text"]
    (timing,) = shown["media"]["timecodes"]
    assert timing["cues"] == [[pytest.approx(1.0, abs=0.05), pytest.approx(3.0, abs=0.05)],
                              [pytest.approx(4.0, abs=0.05), pytest.approx(6.5, abs=0.05)]]
    (hit,) = run_json(home, "search", "bananas")["hits"]
    assert "[00:00:04]" in hit["snippet"]


def test_an_iso_without_video_ts_is_refused_plainly(tmp_path):
    (tmp_path / "in").mkdir()
    pvd = bytearray(2048)
    pvd[0:6] = b"\x01CD001"
    root = bytearray(34)
    root[0], root[2:6], root[10:14], root[25] = 34, (17).to_bytes(4, "little"), \
        (2048).to_bytes(4, "little"), 2
    pvd[156:190] = root
    (tmp_path / "in" / "data.iso").write_bytes(bytes(16 * 2048) + bytes(pvd) + bytes(2048))
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(tmp_path / "in")).exit_code == 1
    with Catalog(load_settings(home).catalog_path) as catalog:
        (entry,) = catalog.quarantined()
    assert entry.code == "unsupported" and "no VIDEO_TS folder" in entry.reason


def test_bad_media_is_quarantined_with_a_plain_reason_and_the_run_goes_on(tmp_path):
    make_bad(tmp_path / "in")
    make_film(tmp_path / "in", "tot.mp4")
    home = tmp_path / "home"
    result = run_cli(home, "ingest", str(tmp_path / "in"))
    assert result.exit_code == 1, result.output
    with Catalog(load_settings(home).catalog_path) as catalog:
        reasons = {q.source: q.reason for q in catalog.quarantined()}
        assert catalog.resolve("tot.mp4"), "the good film beside them is archived"
    assert set(reasons) == {"rong.mp4", "cut.mp4", "cut.wav", "junk.wav", "junk.mkv"}
    assert "empty file" in reasons["rong.mp4"]
    assert "truncated" in reasons["cut.mp4"] and "truncated" in reasons["cut.wav"]
    assert "could not read the media" in reasons["junk.wav"]
    assert str(tmp_path) not in reasons["junk.wav"] and "@ 0x" not in reasons["junk.wav"]


def test_absurd_duration_is_refused(tmp_path, monkeypatch):
    make_film(tmp_path / "in")
    monkeypatch.setenv("TTDN_MAX_MEDIA_SECONDS", "2")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(tmp_path / "in")).exit_code == 1
    with Catalog(load_settings(home).catalog_path) as catalog:
        (entry,) = catalog.quarantined()
    assert entry.code == "corrupt" and "TTDN_MAX_MEDIA_SECONDS" in entry.reason


def test_an_absurd_stream_count_is_refused(tmp_path):
    (tmp_path / "in").mkdir()
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", *["-map", "0:a"] * 65, "-c:a", "pcm_s16le",
           str(tmp_path / "in" / "many.mkv"))
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(tmp_path / "in")).exit_code == 1
    with Catalog(load_settings(home).catalog_path) as catalog:
        (entry,) = catalog.quarantined()
    assert "claims 65 streams" in entry.reason


def test_a_hanging_ffmpeg_is_stopped_at_its_time_limit():
    with pytest.raises(CorruptFile, match="stopped after 0.5 s"):
        run_ffmpeg(["-re", "-f", "lavfi", "-i", "testsrc", "-f", "null", "-"], timeout=0.5)


def test_missing_ffmpeg_names_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingDependency, match="apt-get install ffmpeg"):
        probe(Path(os.devnull), timeout=5)


def test_a_name_that_reads_as_an_ffmpeg_protocol_is_only_a_name(tmp_path, monkeypatch):
    film = make_film(tmp_path / "in")
    film.rename(film.with_name("concat:phim.mp4"))  # relative, ffmpeg would open "phim.mp4"
    monkeypatch.chdir(tmp_path / "in")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", ".").exit_code == 0
    shown = run_json(home, "show", "concat:phim.mp4")
    assert shown["media"]["duration"] == pytest.approx(6.0, abs=0.2)
