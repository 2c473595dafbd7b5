"""A DVD copied as a loose folder (DISC/VIDEO_TS/…) given to ingest is one disc item, as its ISO
image or its tar is (issue 15). Real dvdauthor, real ffmpeg."""
from __future__ import annotations

import os
import shutil
import tarfile
import time
from pathlib import Path

import pytest

from archive.catalog import Catalog
from archive.settings import load_settings
from archive.store import ObjectStore
from tests.media_fixtures import make_dvd_folder, needs_dvd_tools, needs_ffmpeg

from .conftest import run_cli, run_json

pytestmark = [needs_ffmpeg, needs_dvd_tools]


@pytest.fixture(scope="module")
def disc(tmp_path_factory) -> Path:
    """An authored 8-second DVD folder (DISC/VIDEO_TS), made once."""
    return make_dvd_folder(tmp_path_factory.mktemp("dvd") / "work")


def _copy_disc(disc: Path, folder: Path, name: str) -> Path:
    target = folder / name
    shutil.copytree(disc, target)
    return target


def test_a_loose_video_ts_folder_is_one_disc_item(tmp_path, disc):
    """GIVEN a folder holding LANG_SON_2017/VIDEO_TS/ (IFO, BUP, VOB files) and a manifest row
    WHEN the folder is ingested
    THEN one video item, named by the disc folder, with the disc's titles and chapters; no item
    or quarantine entry for any of its parts; the original is a tar that reads as the disc."""
    inbox = tmp_path / "in"
    _copy_disc(disc, inbox, "LANG_SON_2017")
    (inbox / "manifest.csv").write_text("file,identifier\nLANG_SON_2017,DVD-2017-01\n",
                                        encoding="utf-8")
    home = tmp_path / "home"
    result = run_cli(home, "ingest", str(inbox))
    assert result.exit_code == 0, result.output
    shown = run_json(home, "show", "LANG_SON_2017")
    assert (shown["kind"], shown["title"], shown["format"]) == (
        "video", "LANG SON 2017", "application/x-tar")
    assert shown["identifier"] == "DVD-2017-01", "the manifest row naming the disc folder"
    assert shown["media"]["duration"] == pytest.approx(8.0, abs=0.3)
    assert [c["start"] for c in shown["media"]["chapters"]] == [0, 3.0, 6.0]
    assert shown["media"]["disc"]["titles"][0]["chapters"] == 3
    settings = load_settings(home)
    with Catalog(settings.catalog_path) as catalog:
        assert catalog.stats()["items"] == 1
        assert catalog.quarantined() == []
    (original,) = [f for f in shown["files"] if f["role"] == "original"]
    with tarfile.open(ObjectStore(settings.objects_dir).path_for(original["sha256"])) as tar:
        names = tar.getnames()
    assert names == sorted(names) and all(n.startswith("VIDEO_TS/") for n in names)
    assert "VIDEO_TS/VIDEO_TS.IFO" in names
    assert not list((home / "tmp" / "discs").glob("*/*")), "the pack is removed"
    verified = run_cli(home, "verify")
    assert verified.exit_code == 0, verified.output


def test_the_same_disc_again_is_unchanged_and_a_copy_is_the_same_item(tmp_path, disc):
    inbox = tmp_path / "in"
    _copy_disc(disc, inbox, "DIA_A")
    time.sleep(0.2)  # past the racy-stat margin (ingest/seen.py): the first read is trusted
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(inbox)).exit_code == 0
    again = run_json(home, "ingest", str(inbox))
    assert (again["unchanged"], again["skipped"]) == (1, 1), "not even packed again"
    _copy_disc(disc, tmp_path / "in2", "BAN_SAO")
    assert run_cli(home, "ingest", str(tmp_path / "in2")).exit_code == 0
    assert run_json(home, "show", "BAN_SAO")["id"] == run_json(home, "show", "DIA_A")["id"]


def test_a_changed_disc_file_is_read_again(tmp_path, disc):
    inbox = tmp_path / "in"
    copy = _copy_disc(disc, inbox, "DIA")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(inbox)).exit_code == 0
    first = run_json(home, "show", "DIA")["id"]
    bup = copy / "VIDEO_TS" / "VIDEO_TS.BUP"
    data = bytearray(bup.read_bytes())
    data[-1] ^= 0xFF  # the backup copy of the menu IFO: the film still reads
    bup.write_bytes(bytes(data))
    time.sleep(0.2)
    again = run_json(home, "ingest", str(inbox))
    assert (again["skipped"], again["added"]) == (0, 1), "the changed disc is a new original"
    with Catalog(load_settings(home).catalog_path) as catalog:
        assert len({sha for _, sha, _ in catalog.all_files()}) >= 2
        assert catalog.has_item(first)


def test_the_disc_folder_given_itself_is_named_by_its_own_name(tmp_path, disc):
    copy = _copy_disc(disc, tmp_path, "PHIM_2018")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(copy)).exit_code == 0
    assert run_json(home, "show", "PHIM_2018")["kind"] == "video"
    assert run_cli(home, "ingest", str(copy / "VIDEO_TS")).exit_code == 0
    with Catalog(load_settings(home).catalog_path) as catalog:
        assert catalog.stats()["items"] == 1


def test_a_link_out_of_the_disc_folder_is_refused(tmp_path, disc):
    inbox = tmp_path / "in"
    copy = _copy_disc(disc, inbox, "DIA")
    outside = tmp_path / "secret.bin"
    outside.write_bytes(b"not part of the disc")
    os.symlink(outside, copy / "VIDEO_TS" / "VTS_01_9.VOB")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(inbox)).exit_code == 1
    with Catalog(load_settings(home).catalog_path) as catalog:
        (entry,) = catalog.quarantined()
    assert entry.code == "unsafe-link" and entry.stored_as is None


def test_a_disc_folder_named_by_a_shelf_record_becomes_that_record(tmp_path, disc):
    """GIVEN the record of a DVD on a shelf (identifier DVD.2017.09) WHEN its copied VIDEO_TS
    arrives in a folder of that name THEN the record is the disc item (issue 15, point 5)."""
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    (shelf / "manifest.csv").write_text("file,identifier,title,kind\n,DVD.2017.09,Lễ hội Kỳ "
                                        "Lừa,video\n", encoding="utf-8")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(shelf)).exit_code == 0
    record = run_json(home, "show", "DVD.2017.09")
    _copy_disc(disc, tmp_path / "rips", "DVD.2017.09")
    assert run_cli(home, "ingest", str(tmp_path / "rips")).exit_code == 0
    shown = run_json(home, "show", "DVD.2017.09")
    assert shown["id"] == record["id"] and shown["title"] == "Lễ hội Kỳ Lừa"
    assert shown["format"] == "application/x-tar" and shown["media"]["disc"]["titles"]
    with Catalog(load_settings(home).catalog_path) as catalog:
        assert catalog.stats()["items"] == 1
