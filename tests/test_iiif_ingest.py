"""Large images at ingest: libvips decodes them in bounded memory, the bomb bounds are named,
a pyramid is tiled per page at ingest, `ttdn derivatives build` and `ttdn verify` know them."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from archive import imaging
from archive.errors import CorruptFile
from archive.pyramids import open_pyramid, pyramid_path
from archive.settings import Settings, load_settings
from ingest.registry import extract_file
from tests.conftest import REPO, run_cli
from tests.iiif_fixtures import make_map


def test_a_190_mpx_sheet_is_read_in_bounded_memory_without_pillow_warnings(tmp_path):
    """GIVEN an A1-at-600-dpi-sized sheet (190 Mpx: Pillow itself refuses past 179 Mpx)
    WHEN it is extracted in a child process THEN it is accepted, OCR gets a copy of at most
    TTDN_MAX_PAGE_PIXELS, and the peak RSS stays far below the 570 MB its RGB pixels take."""
    sheet = make_map(tmp_path / "a1.tif", 11_000, 17_300)
    script = textwrap.dedent(f"""
        import json, warnings
        from tests.peak_memory import peak_kib
        from pathlib import Path
        from archive.settings import load_settings
        from ingest.registry import extract_file
        warnings.simplefilter("error")
        result = extract_file(Path({str(sheet)!r}), settings=load_settings({str(tmp_path)!r}))
        job = result.ocr_jobs[0]
        print(json.dumps({{"rss_mb": peak_kib() // 1024,
                          "ocr_path": job.path, "dpi": job.dpi,
                          "thumbnail": len(result.thumbnail or b"")}}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["rss_mb"] < 400, found
    assert found["thumbnail"] > 1000
    with Image.open(found["ocr_path"]) as copy:
        assert copy.width * copy.height <= load_settings(tmp_path).max_page_pixels
    assert found["dpi"] < 300  # the copy is read at its own, lower resolution


def test_pixel_cap_names_its_setting(tmp_path):
    sheet = make_map(tmp_path / "map.tif", 1200, 1000)
    with pytest.raises(CorruptFile, match=r"more than TTDN_MAX_PIXELS=1000000: likely"):
        extract_file(sheet, settings=Settings(home=tmp_path, max_pixels=1_000_000))


def test_pixels_per_byte_bound_names_its_setting(tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("1", (8000, 8000), 1).save(blank)  # 64 Mpx of white in a few kilobytes
    with pytest.raises(CorruptFile, match=r"pixels per byte, more than "
                                          r"TTDN_MAX_PIXELS_PER_BYTE=2000"):
        extract_file(blank, settings=Settings(home=tmp_path))


def test_time_limit_stops_libvips_and_names_its_setting(tmp_path):
    sheet = make_map(tmp_path / "map.tif", 4000, 3000)
    with pytest.raises(CorruptFile, match=r"took longer than TTDN_MAX_FILE_SECONDS=1e-06 s"):
        imaging.thumbnail_jpeg(sheet, Settings(home=tmp_path), seconds=1e-6)


def test_ingest_tiles_each_image_page_and_verify_checks_the_pyramid(tmp_path):
    folder, home = tmp_path / "in", tmp_path / "home"
    folder.mkdir()
    make_map(folder / "map.tif", 2000, 1500)
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    settings = load_settings(home)
    shown = json.loads(run_cli(home, "show", "map.tif", "--json").stdout)
    sha = next(f["sha256"] for f in shown["files"] if f["role"] == "original")
    pyramid = open_pyramid(pyramid_path(settings, sha, 1))
    assert pyramid is not None and (pyramid.width, pyramid.height) == (2000, 1500)
    assert len(pyramid.levels) >= 3
    # Deleted, it is rebuilt by the command; with its original damaged too, verify names it.
    pyramid.path.unlink()
    result = run_cli(home, "derivatives", "build", "--all")
    assert result.exit_code == 0 and "pyramids built: 1" in result.output, result.output
    assert run_cli(home, "verify").exit_code == 0
    pyramid_path(settings, sha, 1).unlink()
    Path(settings.objects_dir / sha[:2] / sha[2:]).write_bytes(b"not an image any more")
    result = run_cli(home, "verify")
    assert result.exit_code != 0
    assert "page 1 has no image pyramid and cannot be tiled again" in result.output


def test_portal_page_image_of_a_large_sheet_is_made_by_libvips(tmp_path, monkeypatch):
    """GIVEN a sheet over TTDN_MAX_PAGE_PIXELS and over Pillow's own bomb limit (both scaled
    down here: 1 Mpx, as 40 Mpx and 179 Mpx are for real sheets) WHEN the portal asks for its
    page image THEN libvips shrinks it, where Pillow refused it and the page had no image."""
    from archive.models import FileRecord
    from web.derivatives import page_image

    folder, home = tmp_path / "in", tmp_path / "home"
    folder.mkdir()
    make_map(folder / "map.tif", 2000, 1500)
    assert run_cli(home, "ingest", str(folder)).exit_code == 0
    shown = json.loads(run_cli(home, "show", "map.tif", "--json").stdout)
    sha = next(f["sha256"] for f in shown["files"] if f["role"] == "original")
    settings = Settings(home=home, max_page_pixels=1_000_000)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    found = page_image(settings, FileRecord(sha, "image/tiff", 0, "original"), 1, "s")
    with Image.open(found) as small:
        assert small.size == (480, 360)
