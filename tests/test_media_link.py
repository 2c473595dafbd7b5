"""A manifest's record of a disc on a shelf and the file digitised from it become one item,
linked by `identifier`, whichever arrives first (issue 15, point 5). Real ffmpeg, real files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.linking import link_key, name_key
from tests.media_fixtures import SIDECAR_WORD, make_film, needs_ffmpeg

from .conftest import run_cli, run_json

pytestmark = needs_ffmpeg

_RECORD = ("file,title,kind,identifier,access,description\n"
           ",Phim tài liệu Lạng Sơn 2019,video,{identifier},{access},Đĩa DVD trên giá kho A\n")


def _record(folder: Path, identifier: str = "DVD-2019-004", access: str = "public") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.csv").write_text(_RECORD.format(identifier=identifier, access=access),
                                         encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def film(tmp_path_factory) -> Path:
    """The test film with its sidecar SRT, made once."""
    return make_film(tmp_path_factory.mktemp("film-src"))


def _copy_film(film: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copy(film, target)
    shutil.copy(film.with_suffix(".srt"), target.with_suffix(".srt"))
    return target


def _ingest(home: Path, folder: Path):
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    return result


def _actions(shown: dict) -> list[str]:
    return [e["action"] for e in shown.get("events", [])]


def test_identifiers_compare_folded_and_whole():
    assert link_key("KHO A/12") == link_key("kho-a_12") == "kho-a-12"
    assert link_key("ĐĨA-01") == link_key("đĩa 01")
    assert name_key("rips/DVD-2019-004.mp4") == "dvd-2019-004"
    assert name_key("DVD-2019-004/VIDEO_TS") == "dvd-2019-004"
    assert name_key("DVD-2019-0045.mp4") != link_key("DVD-2019-004")


def test_the_record_gains_its_digitised_file_named_in_the_manifest(tmp_path, film):
    """GIVEN a record without a file (a DVD on a shelf) archived first
    WHEN its digitised film arrives with a manifest row giving the same identifier
    THEN the record is the film's item: same id, the film as its original, one item, history."""
    home = tmp_path / "home"
    _ingest(home, _record(tmp_path / "shelf"))
    before = run_json(home, "show", "DVD-2019-004")
    assert before["files"] == []
    rips = tmp_path / "rips"
    _copy_film(film, rips, "ban-sao-so.mp4")
    (rips / "manifest.csv").write_text("file,identifier\nban-sao-so.mp4,dvd-2019-004\n",
                                       encoding="utf-8")
    _ingest(home, rips)
    after = run_json(home, "show", "DVD-2019-004")
    assert after["id"] == before["id"], "the record keeps its id (links to it stay good)"
    assert after["title"] == "Phim tài liệu Lạng Sơn 2019", "the record's manifest title stays"
    assert after["description"] == "Đĩa DVD trên giá kho A"
    assert (after["kind"], after["format"]) == ("video", "video/mp4")
    assert [f["role"] for f in after["files"]].count("original") == 1
    assert after["media"]["duration"] == pytest.approx(6.0, abs=0.3)
    assert any(SIDECAR_WORD in p["text"] for p in after["pages"])
    assert run_json(home, "show", "ban-sao-so.mp4")["id"] == before["id"]
    assert run_json(home, "stats")["items"] == 1
    assert _actions(after)[-1] == "original-attached", "the link is in the item's history"
    hits = run_json(home, "search", SIDECAR_WORD)["hits"]
    assert [(h["id"], h["source"]) for h in hits] == [(before["id"], "ban-sao-so.mp4")], \
        "a hit names the file's path as its source, as for any item with a file"
    assert after["sources"] == ["ban-sao-so.mp4", "DVD-2019-004"]
    verified = run_cli(home, "verify")
    assert verified.exit_code == 0, verified.output


def test_a_file_whose_name_carries_the_identifier_is_linked(tmp_path, film):
    home = tmp_path / "home"
    _ingest(home, _record(tmp_path / "shelf", "DVD-2019-005"))
    _copy_film(film, tmp_path / "rips", "DVD-2019-005.mp4")
    _ingest(home, tmp_path / "rips")
    shown = run_json(home, "show", "DVD-2019-005")
    assert shown["kind"] == "video" and shown["media"]
    assert run_json(home, "stats")["items"] == 1


def test_a_name_holding_only_part_of_an_identifier_is_not_linked(tmp_path, film):
    home = tmp_path / "home"
    _ingest(home, _record(tmp_path / "shelf", "DVD-2019-004"))
    _copy_film(film, tmp_path / "rips", "DVD-2019-0045.mp4")
    _ingest(home, tmp_path / "rips")
    assert run_json(home, "show", "DVD-2019-004")["files"] == []
    assert run_json(home, "stats")["items"] == 2


def test_the_record_arriving_after_its_file_joins_the_file(tmp_path, film):
    """GIVEN the digitised film archived first (its name carries the identifier)
    WHEN the shelf record with that identifier arrives
    THEN no second item: the film's item takes the record's values and is named by it;
    and running both again changes nothing."""
    home = tmp_path / "home"
    _copy_film(film, tmp_path / "rips", "DVD-2019-006.mp4")
    _ingest(home, tmp_path / "rips")
    first = run_json(home, "show", "DVD-2019-006.mp4")
    _ingest(home, _record(tmp_path / "shelf", "DVD-2019-006"))
    shown = run_json(home, "show", "DVD-2019-006")
    assert shown["id"] == first["id"]
    assert shown["title"] == "Phim tài liệu Lạng Sơn 2019"
    assert shown["identifier"] == "DVD-2019-006"
    assert "record-linked" in _actions(shown)
    verified = run_cli(home, "verify")
    assert verified.exit_code == 0, verified.output
    assert shown["media"]["duration"] == pytest.approx(6.0, abs=0.3)
    assert run_json(home, "stats")["items"] == 1
    again = run_cli(home, "ingest", str(tmp_path / "shelf"), str(tmp_path / "rips"), "--json")
    assert again.exit_code == 0, again.output
    assert run_json(home, "stats")["items"] == 1


def test_linking_never_loosens_a_restriction(tmp_path, film):
    home = tmp_path / "home"
    _ingest(home, _record(tmp_path / "shelf", "DVD-2019-007", access="restricted"))
    rips = tmp_path / "rips"
    _copy_film(film, rips, "rip.mp4")
    (rips / "manifest.csv").write_text("file,identifier,access\nrip.mp4,DVD-2019-007,public\n",
                                       encoding="utf-8")
    _ingest(home, rips)
    assert run_json(home, "show", "DVD-2019-007")["access"] == "restricted"
    assert run_json(home, "search", SIDECAR_WORD, "--as", "public")["total"] == 0


def test_a_record_and_its_file_in_one_manifest_are_one_item(tmp_path, film):
    folder = tmp_path / "in"
    _copy_film(film, folder, "rip.mp4")
    (folder / "manifest.csv").write_text(
        "file,title,identifier,access\n,Đĩa VCD hội chợ 2018,VCD-2018-02,public\n"
        "rip.mp4,,VCD-2018-02,\n", encoding="utf-8")
    home = tmp_path / "home"
    _ingest(home, folder)
    shown = run_json(home, "show", "VCD-2018-02")
    assert (shown["title"], shown["kind"]) == ("Đĩa VCD hội chợ 2018", "video")
    assert run_json(home, "stats")["items"] == 1
