"""Hostile ingest input (issue 18): links out of the folder, files that change while read, names
that are not UTF-8 or too long, unexpected errors, and two runs on one data home at once."""
from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import ingest.pipeline as pipeline
from archive.catalog import Catalog
from archive.errors import ExitCode
from archive.lock import home_lock
from archive.names import display_name, name_from_display
from ingest.extractors.text import TextExtractor

from .conftest import REPO, run_cli, run_json

TTDN = Path(sys.executable).parent / "ttdn"
GOOD = "Kế hoạch hợp tác biên giới Lạng Sơn năm 2017, văn bản số {n}.\n"


def _folder(tmp_path: Path, names: dict[bytes, bytes]) -> Path:
    """A folder with files made from raw byte names (os.fsencode-level, as a hostile USB stick)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in names.items():
        with open(os.path.join(os.fsencode(folder), name), "wb") as fh:
            fh.write(data)
    return folder


def _ingest_json(home: Path, folder: Path):
    result = run_cli(home, "ingest", str(folder), "--json")
    return result, json.loads(result.stdout)


# -- 1. links ----------------------------------------------------------------------------------

def test_link_outside_the_folder_is_refused_and_not_public(tmp_path, home):
    """GIVEN notes.txt -> a file outside the folder (standing for /etc/passwd) with a `public`
    manifest row, and an inside link WHEN ingested THEN the outside link is quarantined with a
    plain reason and nothing of the outside file is archived or found by the public; the inside
    link is archived."""
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:hemmelig:/root:/bin/bash\n", encoding="utf-8")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "real.txt").write_text(GOOD.format(n=1), encoding="utf-8")
    (folder / "notes.txt").symlink_to(secret)
    (folder / "alias.txt").symlink_to(Path("sub") / "real.txt")
    (folder / "manifest.csv").write_text("file,title,access\nnotes.txt,Notes,public\n"
                                         "alias.txt,Alias,public\n", encoding="utf-8")
    result, summary = _ingest_json(home, folder)
    assert result.exit_code == 1, result.output
    reasons = {f["source"]: f["reason"] for f in summary["failures"]}
    assert set(reasons) == {"notes.txt"}
    assert "outside the folder" in reasons["notes.txt"]
    assert run_json(home, "search", "hemmelig", "--as", "public")["total"] == 0
    assert run_json(home, "search", "hemmelig")["total"] == 0
    assert run_cli(home, "show", "notes.txt").exit_code == ExitCode.not_found
    assert not list((home / "quarantine").rglob("*passwd*"))
    with Catalog(home / "catalog.sqlite3") as catalog:
        assert [(q.source, q.code) for q in catalog.quarantined()] == [("notes.txt", "unsafe-link")]
    alias = run_json(home, "show", "alias.txt")
    assert alias["access"] == "public" and "sub/real.txt" in alias["sources"]
    assert run_cli(home, "verify").exit_code == 0


# -- 2. a file that changes while it is ingested -----------------------------------------------

def test_file_changed_while_ingested_is_refused_and_verify_holds(tmp_path, home, monkeypatch):
    """GIVEN a writer that appends to a file between its hashing and its storing (done for real,
    on disk, right after extraction) WHEN ingested THEN the file is refused for this run with a
    clear reason, no object or temp file is kept, `verify` passes; a rerun archives it."""
    folder = _folder(tmp_path, {b"growing.txt": GOOD.format(n=2).encode(),
                                b"steady.txt": GOOD.format(n=3).encode()})
    real_extract = pipeline.extract_file

    def extract_then_someone_writes(path, **kwargs):
        extraction = real_extract(path, **kwargs)
        if Path(path).name == "growing.txt":
            with open(path, "ab") as fh:  # what a scanner still saving the file does
                fh.write(b"more lines the scanner was still writing\n")
        return extraction

    monkeypatch.setattr(pipeline, "extract_file", extract_then_someone_writes)
    result, summary = _ingest_json(home, folder)
    assert result.exit_code == 1, result.output
    assert summary["added"] == 1
    (reason,) = [f["reason"] for f in summary["failures"] if f["source"] == "growing.txt"]
    assert "changed while being read" in reason and "again" in reason
    assert not list((home / "objects" / "tmp").glob("*"))
    verify = run_cli(home, "verify")
    assert verify.exit_code == 0, verify.output
    assert run_json(home, "stats")["items"] == 1
    monkeypatch.setattr(pipeline, "extract_file", real_extract)
    result, summary = _ingest_json(home, folder)
    assert result.exit_code == 0, result.output
    assert summary["added"] == 1
    assert run_cli(home, "verify").exit_code == 0


def test_file_deleted_while_ingested_is_refused_not_a_crash(tmp_path, home, monkeypatch):
    folder = _folder(tmp_path, {b"gone.txt": GOOD.format(n=8).encode(),
                                b"stays.txt": GOOD.format(n=9).encode()})
    real_extract = pipeline.extract_file

    def extract_then_someone_deletes(path, **kwargs):
        extraction = real_extract(path, **kwargs)
        if Path(path).name == "gone.txt":
            Path(path).unlink()  # a clerk moving files away mid-run
        return extraction

    monkeypatch.setattr(pipeline, "extract_file", extract_then_someone_deletes)
    result, summary = _ingest_json(home, folder)
    assert result.exit_code == 1, result.output
    assert summary["added"] == 1
    assert "could not be read" in summary["failures"][0]["reason"]
    assert run_cli(home, "verify").exit_code == 0


# -- 3. names ----------------------------------------------------------------------------------

def test_undecodable_and_overlong_names_give_a_summary_and_the_run_goes_on(tmp_path, home):
    """GIVEN a file named b'bad\\xff.txt', a bad file with a 245-byte name, and a good file
    sorted after both WHEN ingested THEN exit 1 with a summary, the good files are archived and
    indexed, the odd name is shown with \\xff and found by `show`, its bytes are in the catalog,
    and the quarantine copy has a short name."""
    long_name = b"k" * 241 + b".pdf"
    assert len(long_name) == 245
    folder = _folder(tmp_path, {b"bad\xff.txt": GOOD.format(n=4).encode(),
                                long_name: b"%PDF-1.4 not really a pdf",
                                b"zz-later.txt": "Tài liệu sau cùng về cửa khẩu.\n".encode()})
    result, summary = _ingest_json(home, folder)
    assert result.exit_code == 1, result.output
    assert summary["added"] == 2 and summary["failed"] == 1
    assert summary["failures"][0]["source"] == long_name.decode()
    shown = run_json(home, "show", "bad\\xff.txt")
    assert shown["sources"] == ["bad\\xff.txt"]
    assert shown["title"] == GOOD.format(n=4).strip(" .\n")  # from the text, not the odd name
    raw_arg = os.fsdecode(b"bad\xff.txt")  # as a shell passes the raw name
    assert run_cli(home, "show", raw_arg).exit_code == 0
    assert run_json(home, "search", "cửa khẩu")["total"] == 1
    db = sqlite3.connect(home / "catalog.sqlite3")
    assert db.execute("SELECT raw_source FROM sources WHERE source = ?",
                      ("bad\\xff.txt",)).fetchone()[0] == b"bad\xff.txt"
    db.close()
    copies = [p for p in (home / "quarantine").rglob("*") if p.is_file()]
    assert len(copies) == 2 and all(len(p.name.encode()) <= 120 for p in copies)
    assert run_cli(home, "verify").exit_code == 0


def test_quarantined_undecodable_name_keeps_its_bytes(tmp_path, home):
    folder = _folder(tmp_path, {b"h\xe9-broken.pdf": b"%PDF-1.4 broken"})
    result, summary = _ingest_json(home, folder)
    assert result.exit_code == 1, result.output
    assert summary["failures"][0]["source"] == "h\\xe9-broken.pdf"
    db = sqlite3.connect(home / "catalog.sqlite3")
    assert db.execute("SELECT raw_source FROM quarantine").fetchone()[0] == b"h\xe9-broken.pdf"
    db.close()


def test_display_names_are_reversible_and_distinct():
    alphabet = [b"\\", b"x", b"f", b"F", b"0", b".", b"\xff", b"\x80", "ế".encode()]
    rng = random.Random(18)
    seen: dict[str, bytes] = {}
    for _ in range(20000):
        raw = b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        shown = display_name(os.fsdecode(raw))
        shown.encode("utf-8")  # printable, storable
        assert os.fsencode(name_from_display(shown)) == raw
        assert seen.setdefault(shown, raw) == raw
    assert display_name("Kế hoạch 51/KH-UBND.pdf") == "Kế hoạch 51/KH-UBND.pdf"


def test_an_old_catalog_gains_the_raw_name_columns(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    old = sqlite3.connect(path)
    old.executescript("CREATE TABLE sources (source TEXT PRIMARY KEY, item_id TEXT NOT NULL,"
                      " added_at TEXT NOT NULL); CREATE TABLE quarantine (source TEXT PRIMARY KEY,"
                      " sha256 TEXT, code TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL,"
                      " stored_as TEXT);")
    old.close()
    for _ in range(2):  # idempotent
        Catalog(path).close()
    db = sqlite3.connect(path)
    for table in ("sources", "quarantine"):
        assert "raw_source" in {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
    db.close()


# -- 4. unexpected errors ------------------------------------------------------------------------

def test_an_extractor_bug_is_an_internal_error_with_a_summary(tmp_path, home, monkeypatch):
    """GIVEN an extractor that raises RuntimeError on one file WHEN ingested THEN exit 8 (not 1),
    the summary is printed and names it, the other files are archived and `verify` passes."""
    folder = _folder(tmp_path, {b"a-boom.txt": GOOD.format(n=5).encode(),
                                b"b-fine.txt": GOOD.format(n=6).encode()})
    real = TextExtractor.extract

    def buggy(self, path, **kwargs):
        if Path(path).name == "a-boom.txt":
            raise RuntimeError("index out of range in the text decoder")
        return real(self, path, **kwargs)

    monkeypatch.setattr(TextExtractor, "extract", buggy)
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == ExitCode.internal_error == 8, result.output
    assert "added: 1" in result.stdout and "internal errors: 1" in result.stdout
    assert "RuntimeError" in result.stdout and "Traceback" not in result.output
    with Catalog(home / "catalog.sqlite3") as catalog:
        assert [q.code for q in catalog.quarantined()] == ["internal"]
    assert run_cli(home, "verify").exit_code == 0


def test_an_index_failure_mid_run_still_ends_with_a_summary(tmp_path, home, monkeypatch):
    """GIVEN the index write failing once in the middle of a run WHEN ingested THEN exit 8 with
    the summary, and the final catch-up leaves catalog and index agreeing (verify 0)."""
    monkeypatch.setenv("TTDN_INDEX_BATCH", "1")
    folder = _folder(tmp_path, {f"f{n}.txt".encode(): GOOD.format(n=n).encode()
                                for n in range(3)})
    calls = []

    def failing_once(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("segment writer crashed")

    monkeypatch.setattr(pipeline, "index_items", failing_once)
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 8, result.output
    assert calls and "internal error (the run itself)" in result.stdout
    assert run_cli(home, "verify").exit_code == 0


# -- 5. two runs on one data home ----------------------------------------------------------------

def test_a_second_run_is_refused_plainly_while_the_home_is_locked(tmp_path, home):
    folder = _folder(tmp_path, {b"a.txt": GOOD.format(n=7).encode()})
    with home_lock(home, "ingest"):
        result = run_cli(home, "ingest", str(folder))
        assert result.exit_code == ExitCode.home_busy == 7, result.output
        assert f"pid {os.getpid()}" in result.output and "another run" in result.output
        assert run_cli(home, "reindex").exit_code == 7
        assert run_cli(home, "restore", str(tmp_path)).exit_code == 7
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output


def test_two_concurrent_ingest_processes_into_one_fresh_home(tmp_path):
    """GIVEN two real `ttdn ingest` processes started together on one fresh data home WHEN both
    run THEN neither shows a traceback, each either finishes or says another run is working,
    and the archive verifies."""
    folder = _folder(tmp_path, {f"doc{n:02d}.txt".encode(): GOOD.format(n=n).encode()
                                for n in range(12)})
    home = tmp_path / "home"
    env = {**os.environ, "TTDN_HOME": str(home)}
    procs = [subprocess.Popen([str(TTDN), "ingest", str(folder)], env=env, cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outcomes = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    for code, out, err in outcomes:
        assert "Traceback" not in out + err, out + err
        assert code in (0, 7), out + err
        if code == 7:
            assert "another run" in err and "pid" in err
    assert 0 in [code for code, _, _ in outcomes]
    assert run_json(home, "stats")["items"] == 12
    assert run_cli(home, "verify").exit_code == 0
