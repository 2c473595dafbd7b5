"""Subtitle files: SRT, WebVTT and ASS read into cues, grouped into timed pages, back to WebVTT."""
from __future__ import annotations

import pytest

from ingest.subtitles import (group_cues, is_sidecar_subtitle, page_cues, parse_cues,
                              sidecar_subtitles, timecode, to_webvtt)
from tests.media_fixtures import SIDECAR_SRT, ffmpeg, make_film, needs_ffmpeg

from .conftest import run_cli, run_json

VTT = """WEBVTT

NOTE a comment

intro
00:01.000 --> 00:02.000 align:start
<v Người dẫn>Chào mừng</v>

01:02:03.500 --> 01:02:05.000
<c.yellow>Hết</c>
"""


def test_srt_and_vtt_read_into_cues_without_markup():
    srt = parse_cues(SIDECAR_SRT)
    assert [(c.start, c.end) for c in srt] == [(1.0, 2.5), (3.0, 4.8)]
    assert srt[1].text == ("Điệu múa Xylomarimba của người Tày The Xylomarimba dance of the "
                           "Tay people")
    vtt = parse_cues(VTT)
    assert [(c.start, c.text) for c in vtt] == [(1.0, "Chào mừng"), (3723.5, "Hết")]


def test_cues_are_grouped_by_half_minute_with_their_times():
    cues = parse_cues(VTT) + parse_cues(SIDECAR_SRT)
    pages = group_cues(sorted(cues, key=lambda c: c.start))
    assert [(p.start, len(p.cues)) for p in pages] == [(1.0, 3), (3723.5, 1)]
    assert pages[1].text == "[01:02:03] Hết\n"
    assert timecode(751.4) == "00:12:31"


def test_a_page_turns_back_into_webvtt_safely():
    (page,) = group_cues(parse_cues(SIDECAR_SRT.replace("Welcome", "a <b> & --> c")))
    cues = page_cues(page.text, page.cues)
    vtt = to_webvtt(cues)
    assert vtt.startswith("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n")
    assert "<b>" not in vtt and "&amp;" in vtt and vtt.count("-->") == 2


@needs_ffmpeg
def test_sidecars_by_stem_and_language(tmp_path):
    film = make_film(tmp_path, "phim.mp4")
    (tmp_path / "phim.en.vtt").write_text(VTT, encoding="utf-8")
    (tmp_path / "khac.srt").write_text(SIDECAR_SRT, encoding="utf-8")  # no film of that name
    (tmp_path / "ghi-chu.pdf.srt").write_text(SIDECAR_SRT, encoding="utf-8")
    found = {p.name: lang for p, lang in sidecar_subtitles(film)}
    assert found == {"phim.srt": None, "phim.en.vtt": "en"}
    assert is_sidecar_subtitle(tmp_path / "phim.en.vtt")
    assert not is_sidecar_subtitle(tmp_path / "khac.srt")


@needs_ffmpeg
def test_an_ass_sidecar_is_read_through_ffmpeg(tmp_path):
    film = make_film(tmp_path, "phim.mp4")
    (tmp_path / "phim.srt").unlink()
    ffmpeg("-i", str(_srt(tmp_path)), str(tmp_path / "phim.vi.ass"))
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(film)).exit_code == 0
    shown = run_json(home, "show", "phim.mp4")
    (track,) = [s for s in shown["media"]["subtitles"] if s["source"] == "phim.vi.ass"]
    assert track["language"] == "vi"
    assert any("[00:00:03] Điệu múa Xylomarimba" in p["text"] for p in shown["pages"])


def _srt(folder):
    path = folder / "source.srt.txt"  # not `phim.*`: ffmpeg reads it by content
    path.write_text(SIDECAR_SRT, encoding="utf-8")
    return path


@pytest.mark.parametrize("text", ["", "WEBVTT\n", "1\nno times here\n"])
def test_empty_or_timeless_files_give_no_cues(text):
    assert parse_cues(text) == []
