"""Hostile manifests (issue 18.6): nothing a spreadsheet does may change access silently."""
from __future__ import annotations

import json
from pathlib import Path

from ingest.inputs import collect_inputs
from ingest.metadata.manifest import read_manifest

from .conftest import run_cli, run_json

BIG = "x" * (200 * 1024)  # over the 128 KiB a cell may hold, and over csv's default limit


def _manifest(folder: Path, text: str, name: str = "manifest.csv") -> Path:
    """Write a manifest as a spreadsheet would: bytes exactly as given, CRLF and all."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _note(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- duplicate rows -------------------------------------------------------------------------

def test_duplicate_rows_keep_the_most_restrictive_access_and_name_both_lines(tmp_path):
    path = _manifest(tmp_path, "file,title,access\r\na.pdf,Mật,restricted\r\nb.pdf,B,public\r\n"
                               "a.pdf,Công khai,public\r\nb.pdf,B,internal\r\n")
    manifest = read_manifest(path)
    a, b = manifest.row_for("a.pdf"), manifest.row_for("b.pdf")
    assert a.values["access"] == "restricted" and b.values["access"] == "internal"
    assert a.values["title"] == "Mật"  # other columns: the first row wins
    assert any("lines 2 and 4" in p and "access" in p for p in a.problems)
    assert any("lines 2 and 4" in p and "title" in p for p in a.problems)
    assert any("lines 3 and 5" in p for p in b.problems)


def test_identical_duplicate_rows_merge_quietly_and_fill_gaps(tmp_path):
    path = _manifest(tmp_path, "file,title,access,issuer\na.pdf,T,public,\na.pdf,T,,UBND\n")
    row = read_manifest(path).row_for("a.pdf")
    assert row.values == {"title": "T", "access": "public", "issuer": "UBND"}
    assert row.problems == []


def test_duplicate_records_keep_the_most_restrictive_access(tmp_path):
    path = _manifest(tmp_path, "file,identifier,kind,access\n,DVD-1,video,restricted\n"
                               ",DVD-1,video,public\n")
    records = read_manifest(path).records
    assert len(records) == 1 and records[0].values["access"] == "restricted"
    assert any("lines 2 and 3" in p for p in records[0].problems)


def test_repeated_access_column_keeps_the_most_restrictive(tmp_path):
    path = _manifest(tmp_path, "file,access,Access\na.pdf,public,restricted\n")
    manifest = read_manifest(path)
    assert manifest.row_for("a.pdf").values["access"] == "restricted"
    assert any("repeats" in p for p in manifest.problems)


# --- columns --------------------------------------------------------------------------------

def test_unknown_column_is_reported_with_the_nearest_known_one(tmp_path):
    path = _manifest(tmp_path, "file,access level,Titel\na.pdf,restricted,Kế hoạch\n")
    manifest = read_manifest(path)
    notes = " | ".join(manifest.problems)
    assert "'access level'" in notes and "did you mean 'access'" in notes
    assert "'Titel'" in notes and "did you mean 'title'" in notes
    assert "access" not in manifest.row_for("a.pdf").values


def test_case_and_space_variants_are_read_with_a_warning(tmp_path):
    path = _manifest(tmp_path, "File, Access ,Doc Number,language\na.pdf,restricted,51/KH,vie\n")
    manifest = read_manifest(path)
    row = manifest.row_for("a.pdf")
    assert row.values == {"access": "restricted", "doc_number": "51/KH", "languages": ["vi"]}
    assert any("' Access ' is read as 'access'" in p for p in manifest.problems)


def test_extra_cells_from_an_unquoted_comma_are_reported(tmp_path):
    path = _manifest(tmp_path, "file,title,access\na.pdf,Báo cáo, tháng 3,restricted\n")
    row = read_manifest(path).row_for("a.pdf")
    assert row.values["access"] == "internal"  # ' tháng 3' is no access level: never public
    assert any("4 cells" in p and "quotes" in p for p in row.problems)


# --- cells and line breaks ------------------------------------------------------------------

def test_control_line_breaks_inside_a_cell_do_not_split_the_row(tmp_path):
    for mark in ("\x0b", "\x0c", "\x85", "\u2028", "\x1c"):
        path = _manifest(tmp_path, f"file,title,access\n"
                                   f"a.pdf,Báo cáo{mark}tình hình,restricted\n")
        manifest = read_manifest(path)
        assert list(manifest.by_file) == ["a.pdf"], repr(mark)
        assert manifest.row_for("a.pdf").values == {"title": "Báo cáo tình hình",
                                                    "access": "restricted"}
        assert manifest.records == []


def test_quoted_alt_enter_keeps_words_apart(tmp_path):
    path = _manifest(tmp_path, 'file,title,places,description,access\r\n'
                               'a.pdf,"Báo cáo\ntình hình","Lạng Sơn\nCao Bằng",'
                               '"Dòng một\nDòng hai",restricted\r\nb.pdf,B,,,public\r\n')
    manifest = read_manifest(path)
    row = manifest.row_for("a.pdf")
    assert row.values["title"] == "Báo cáo tình hình"
    assert row.values["places"] == ["Lạng Sơn", "Cao Bằng"]
    assert row.values["description"] == "Dòng một\nDòng hai"
    assert row.values["access"] == "restricted"
    b = manifest.row_for("b.pdf")  # three quoted line breaks above it
    assert (b.line, b.sheet_row, b.at) == (6, 3, "line 6 (spreadsheet row 3)")


def test_oversized_cell_is_a_bad_line_and_the_rest_is_read(tmp_path):
    path = _manifest(tmp_path, f"file,title,description,access\na.pdf,A,,public\n"
                               f"b.pdf,B,{BIG},restricted\n,{BIG},,public\nc.pdf,C,,internal\n")
    manifest = read_manifest(path)
    assert manifest.row_for("a.pdf").values["access"] == "public"
    assert manifest.row_for("c.pdf").values["title"] == "C"
    # The bad line keeps its file and access, so its restriction is not lost; nothing else.
    assert manifest.row_for("b.pdf").values == {"access": "restricted"}
    assert manifest.records == []  # a bad line without its file describes nothing
    notes = [p for p in manifest.problems if "128 KiB" in p]
    assert [n.split(":")[0] for n in notes] == ["manifest line 3", "manifest line 4"]


def test_rows_outside_the_folder_or_naming_a_manifest_are_refused(tmp_path):
    path = _manifest(tmp_path, "file,access\n../x.pdf,public\n/etc/x.pdf,public\n"
                               "sub/manifest.csv,public\n")
    manifest = read_manifest(path)
    assert manifest.by_file == {} and manifest.records == []
    assert len(manifest.problems) == 3


# --- nested manifests -----------------------------------------------------------------------

def test_subfolder_manifest_applies_below_it_and_is_no_input(tmp_path):
    """GIVEN a root manifest and sub/manifest.csv both naming sub/b.txt
    WHEN the folder is collected
    THEN the deeper row wins for the title, access takes the most restrictive, no manifest is
    a file to ingest and the subfolder's record is collected with its own source."""
    root = tmp_path / "in"
    _note(root, "a.txt", "a")
    _note(root, "sub/b.txt", "b")
    _note(root, "sub/deep/c.txt", "c")
    _manifest(root, "file,title,access\nsub/b.txt,Gốc,restricted\na.txt,A,public\n")
    _manifest(root / "sub", "file,title,access\nb.txt,Con,public\ndeep/c.txt,C,public\n"
                            ",Băng hình,internal\n")
    _manifest(root / "sub" / "deep", "file,access\nc.txt,internal\n", name="Manifest.csv")
    inputs = collect_inputs([root])
    by_source = {i.source: i for i in inputs.files}
    assert sorted(by_source) == ["a.txt", "sub/b.txt", "sub/deep/c.txt"]
    assert by_source["sub/b.txt"].row.values == {"title": "Con", "access": "restricted"}
    assert by_source["sub/deep/c.txt"].row.values == {"title": "C", "access": "internal"}
    assert [r.values["title"] for r in inputs.records] == ["Băng hình"]
    assert any(src == "sub/manifest.csv" and "manifest.csv line 2 and sub/manifest.csv line 2"
               in msg and "access" in msg for src, msg in inputs.problems)


def test_a_manifest_given_by_name_is_not_archived(tmp_path):
    path = _manifest(tmp_path, "file,access\n")
    inputs = collect_inputs([path])
    assert inputs.files == [] and "is a manifest" in inputs.problems[0][1]


# --- end to end -----------------------------------------------------------------------------

def _hits(home: Path, query: str, *audience: str) -> set[str]:
    return {h["source"] for h in run_json(home, "search", query, *audience)["hits"]}


def test_ingest_keeps_duplicate_restricted_row_restricted(tmp_path, home):
    folder = tmp_path / "in"
    _note(folder, "mat.txt", "Biên bản họp kín về zorbaquang.")
    _manifest(folder, "file,title,access\nmat.txt,Biên bản,restricted\n"
                      "mat.txt,Biên bản,public\n")
    summary = run_json(home, "ingest", str(folder))
    assert summary["failed"] == 0
    assert any("lines 2 and 3" in w["warning"] for w in summary["warnings"])
    assert run_json(home, "show", "mat.txt")["access"] == "restricted"
    assert "mat.txt" not in _hits(home, "zorbaquang", "--as", "public")
    assert "mat.txt" in _hits(home, "zorbaquang", "--as", "admin")


def test_ingest_reads_subfolder_manifest_and_never_archives_it(tmp_path, home):
    folder = tmp_path / "in"
    _note(folder, "sub/b.txt", "Tài liệu về quyxanhtrang.")
    _manifest(folder / "sub", "file,title,access,identifier,kind\nb.txt,Tờ trình,public,,\n"
                              ",Băng hình hội nghị,internal,VHS-9,video\n")
    summary = run_json(home, "ingest", str(folder))
    assert summary["failed"] == 0 and summary["added"] == 2, summary
    item = run_json(home, "show", "sub/b.txt")
    assert item["title"] == "Tờ trình" and item["access"] == "public"
    assert "sub/b.txt" in _hits(home, "quyxanhtrang", "--as", "public")
    assert run_json(home, "show", "VHS-9")["kind"] == "video"
    assert run_cli(home, "show", "sub/manifest.csv").exit_code != 0
    assert run_json(home, "stats")["items"] == 2


def test_ingest_survives_a_huge_cell_and_keeps_cells_whole(tmp_path, home):
    folder = tmp_path / "in"
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        _note(folder, name, f"Nội dung {name}.")
    _manifest(folder, "file,title,description,access\r\n"
                      "a.txt,\"Báo cáo\ntình hình\",,public\r\n"
                      f"b.txt,B,{BIG},restricted\r\n"
                      "c.txt,Kế hoạch\x0btriển khai,,public\r\n"
                      "d.txt,D,,restricted\r\n")
    result = run_cli(home, "ingest", str(folder), "--json")
    assert result.exit_code == 0, result.output
    bad = [w["warning"] for w in json.loads(result.stdout)["warnings"] if "128 KiB" in w["warning"]]
    assert len(bad) == 1 and bad[0].startswith("manifest line 4 (spreadsheet row 3)"), bad
    assert run_json(home, "show", "a.txt")["title"] == "Báo cáo tình hình"
    assert run_json(home, "show", "b.txt")["access"] == "restricted"
    c = run_json(home, "show", "c.txt")
    assert c["title"] == "Kế hoạch triển khai" and c["access"] == "public"
    assert run_json(home, "show", "d.txt")["access"] == "restricted"
