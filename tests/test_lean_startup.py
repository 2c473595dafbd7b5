"""One-shot `ttdn` calls pay only for what they use (issue 17): a search compiles no page-sized
token pattern, an unchanged re-ingest loads no process pool, and what was deferred still works.
"""
from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from archive.catalog import Catalog
from search import analyzers

from .conftest import FIXTURES, run_json

# Run `ttdn ARGS` in a fresh interpreter; print the modules it loaded, its stdout and exit code.
_RUN = """\
import io, json, sys, contextlib
from archive.cli import cli
out, code = io.StringIO(), 0
with contextlib.redirect_stdout(out):
    try: cli.main({args!r}, standalone_mode=True)
    except SystemExit as exit: code = exit.code
extra = {extra}
print(json.dumps([sorted(sys.modules), out.getvalue(), code, extra]))
"""


def _fresh(args: list[str], extra: str = "None") -> tuple[set[str], str, int, object]:
    code = _RUN.format(args=args, extra=extra)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={"PATH": "/usr/bin:/bin"})
    modules, printed, exit_code, more = json.loads(done.stdout.strip().splitlines()[-1])
    return set(modules), printed, exit_code, more


# -- the tokenizer's two patterns -----------------------------------------------------------------

_POOL = ("abcxyzAĐđạơư019_-/ .,;:\t\n" "\u0301\u0300\u0323\u1ab0\u1dc0\u20d0\ufe20"
         "中山谅あアが한\u1100\u3005\u3007\uac00\ud7a3\uff66\uf900" "\U00020000\U0003134f\U00031350"
         "αβЖ\u00b2\u2160\u0660\u00aa\u02b0\u10ff\u1e00\u1eff\u3006\u30fb\u4dbf")


def _matches(pattern: re.Pattern, text: str) -> list[tuple]:
    return [(m.group(), m.start(), m.lastgroup) for m in pattern.finditer(text)]


def test_the_short_pattern_finds_the_same_tokens_as_the_page_pattern():
    """GIVEN every BMP character alone, after a letter, before a mark and between CJK, and
    random mixes of letters, marks, CJK, separators and astral characters
    THEN both patterns give the same matches, groups and offsets."""
    long, short = re.compile(analyzers._TOKEN_PATTERN), re.compile(analyzers._SHORT_PATTERN)
    texts = [ctx.format(chr(cp)) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF
             for ctx in ("{}", "a{}", "a-{}b", "{}\u0301a", "中{}")]
    rnd = random.Random(17)
    texts += ["".join(rnd.choice(_POOL) for _ in range(rnd.randint(1, 16))) for _ in range(30000)]
    assert [t for t in texts if _matches(long, t) != _matches(short, t)] == []


def test_short_and_long_texts_tokenize_alike():
    """GIVEN the same words as a short text and repeated past the short-text limit
    THEN the long text's tokens are the short one's, repeated at shifted positions."""
    words = "Kế hoạch 51/KH-UBND 谅山 Lạng Sơn ca\u0301c đa\u0300 244/2026/NĐ-CP 友谊关 "
    short = analyzers._scan(words, False, True, 0, 0)
    times = analyzers._SHORT_TEXT // len(words) + 2
    long = analyzers._scan(words * times, False, True, 0, 0)
    width, chars = short[-1][1] + 1, len(words)
    shifted = [(w, p + k * width, s + k * chars, e + k * chars)
               for k in range(times) for w, p, s, e in short]
    assert long == shifted


def test_a_one_shot_search_compiles_no_page_pattern(tmp_path):
    """WHEN `ttdn search` runs once THEN only the short token pattern was compiled (the page
    pattern costs ~20 ms of sre compiling), and neither English stemmer nor tempfile loaded."""
    home = tmp_path / "home"
    modules, printed, code, compiled = _fresh(
        ["--home", str(home), "search", "lạng sơn 谅山", "--json"],
        extra="[sys.modules['search.analyzers']._token_re.cache_info().currsize, "
              "sys.modules['search.analyzers']._short_re.cache_info().currsize]")
    assert code == 0 and json.loads(printed)["total"] == 0
    assert compiled == [0, 1]
    assert not {"whoosh.lang.porter", "tempfile"} & modules


def test_the_page_pattern_is_still_there_for_whoever_reads_it():
    assert analyzers._TOKEN_RE.pattern == analyzers._TOKEN_PATTERN
    assert analyzers._TOKEN_RE.findall("Lạng Sơn 谅山") == [("", "Lạng"), ("", "Sơn"), ("谅山", "")]


# -- what lean imports defer still works ----------------------------------------------------------

def test_deferred_stdlib_modules_work_when_used():
    """GIVEN Whoosh imported the lean way in a fresh interpreter
    THEN Whoosh's stemmer, temporary storage and random names work."""
    code = ("import sys\n"
            "import archive.cli\n"
            "from search.lean_import import lean_whoosh; lean_whoosh()\n"
            "assert not {'tempfile', 'random', 'whoosh.lang.porter'} & set(sys.modules)\n"
            "from whoosh.analysis import StemFilter\n"
            "from whoosh.filedb.filestore import RamStorage\n"
            "from whoosh.util import random_name\n"
            "temp = RamStorage().temp_storage()\n"
            "from whoosh.lang.porter import stem\n"
            "print(StemFilter().stemfn('cats') == stem('cats') == 'cat', len(random_name(8)),\n"
            "      temp.folder[:5])\n"
            "temp.destroy()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["True", "8", "/tmp/"]


# -- an unchanged re-ingest ------------------------------------------------------------------------

def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    names = sorted(p.name for p in (FIXTURES / "documents").glob("*.pdf"))[:2]
    for name in names:
        shutil.copy(FIXTURES / "documents" / name, folder / name)
    (folder / "manifest.csv").write_text(
        "file,languages\n" + "".join(f"{name},vi\n" for name in names), encoding="utf-8")
    time.sleep(0.25)  # older than ingest/seen.py's racy-stat margin, as files before a cron run
    return folder


_HEAVY = ("concurrent.futures.process", "multiprocessing", "ingest.ocr_pool", "ingest.extraction",
          "pymupdf", "fitz", "PIL", "whoosh", "search.engine", "difflib", "tarfile", "tempfile",
          "shutil", "archive.rules", "archive.oai")  # the last three: only when something is saved


def test_an_unchanged_reingest_loads_no_pool_reader_or_index(tmp_path):
    """GIVEN a folder of two PDFs ingested once
    WHEN `ttdn ingest` runs again as its own process
    THEN it skips both with the same summary as ever, records no event, and never imports the
    process pool, PyMuPDF, Whoosh, difflib or tarfile, nor what only a save or a refusal needs."""
    home, folder = tmp_path / "home", _folder(tmp_path)
    first = run_json(home, "ingest", str(folder))
    assert first["added"] == 2 and first["indexed"] == 2
    with Catalog(home / "catalog.sqlite3") as catalog:
        events = catalog.db.execute("SELECT count(*) FROM events").fetchone()[0]
    modules, printed, code, _ = _fresh(["--home", str(home), "ingest", str(folder), "--json"])
    again = json.loads(printed)
    assert code == 0
    assert {k: v for k, v in again.items() if k != "seconds"} == {
        "added": 0, "unchanged": 2, "updated": 0, "failed": 0, "skipped": 2,
        "internal_errors": 0, "pages": 0, "ocr_pages": 0, "indexed": 0, "failures": [],
        "warnings": [], "internal": []}
    assert [m for m in _HEAVY if m in modules] == []
    with Catalog(home / "catalog.sqlite3") as catalog:
        assert catalog.db.execute("SELECT count(*) FROM events").fetchone()[0] == events


def test_a_reingest_still_indexes_what_a_killed_run_left_unindexed(tmp_path):
    """GIVEN an item archived whose index write never happened (as when a run is killed)
    WHEN the unchanged folder is ingested again THEN that run indexes it."""
    home, folder = tmp_path / "home", _folder(tmp_path)
    run_json(home, "ingest", str(folder))
    with Catalog(home / "catalog.sqlite3") as catalog:
        item_id = catalog.db.execute("SELECT id FROM items LIMIT 1").fetchone()[0]
        catalog.db.execute("UPDATE items SET indexed_version = 0 WHERE id = ?", (item_id,))
        catalog.db.commit()
        assert catalog.dirty_items(5)
    modules, printed, code, _ = _fresh(["--home", str(home), "ingest", str(folder), "--json"])
    again = json.loads(printed)
    assert code == 0 and again["indexed"] == 1 and again["skipped"] == 2
    assert "search.engine" in modules
    with Catalog(home / "catalog.sqlite3") as catalog:
        assert catalog.dirty_items(5) == []
