"""The CLI imports only what a command needs: `--help` no layer, `search` no PyMuPDF or Flask."""
from __future__ import annotations

import json
import subprocess
import sys

import click
import click.testing
import pytest

from archive.cli import COMMANDS, cli, load_command

HEAVY = ("pymupdf", "flask", "PIL", "pyvips", "whoosh", "ingest.pipeline", "archive.catalog")


def _imported_after(args: list[str], env: dict | None = None) -> tuple[set[str], str]:
    """The modules a fresh interpreter holds after running `ttdn ARGS`, and what it printed."""
    code = ("import sys, json, io, contextlib\n"
            "from archive.cli import cli\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            f"    try: cli.main({args!r}, standalone_mode=False)\n"
            "    except SystemExit: pass\n"
            "print(json.dumps([sorted(sys.modules), out.getvalue()]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env)
    modules, printed = json.loads(done.stdout.strip().splitlines()[-1])
    return set(modules), printed


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_listed_command_is_the_command_its_module_defines(name):
    command = load_command(name)
    assert isinstance(command, click.Command)
    assert command.name == name
    assert command.get_short_help_str(limit=500) == COMMANDS[name][1]


def test_help_lists_every_command_without_importing_any_layer():
    modules, printed = _imported_after(["--help"])
    for name in COMMANDS:
        assert f"  {name} " in printed
    assert not [m for m in HEAVY if m in modules]
    assert not [m for m in modules if m.split(".")[0] in ("search", "ingest", "web", "exhibits")]


def test_search_imports_neither_pymupdf_nor_flask_nor_ingest(tmp_path):
    env = {"TTDN_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    modules, _ = _imported_after(["search", "lạng sơn", "--json"], env=env)
    assert "whoosh" in modules  # it did search
    for heavy in ("pymupdf", "flask", "PIL", "pyvips", "ingest.pipeline", "web"):
        assert heavy not in modules, heavy


def test_an_unknown_command_is_refused_as_before():
    result = click.testing.CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output


# -- a one-shot search on a real index -------------------------------------------------------------

BORDER = ("Cửa khẩu Hữu Nghị Lạng Sơn: thương mại biên giới, hàng hóa xuất khẩu qua cửa khẩu, "
          "kiểm dịch hàng hóa nông sản biên giới. ")

# Run `ttdn ARGS` in a fresh interpreter, then report the modules loaded, what was printed and
# how the segment files were read: (files read in place, of them copied into a BytesIO).
_ONE_SHOT = """\
import io, json, sys, contextlib
from archive.cli import cli
from search.lean_import import lean_whoosh
lean_whoosh()  # as `ttdn search` does first, so that ViewFile can be watched from the start
from search.segment_files import ViewFile
views, init = [], ViewFile.__init__
ViewFile.__init__ = lambda self, *a, **k: (init(self, *a, **k), views.append(self))[0]
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try: cli.main({args!r}, standalone_mode=False)
    except SystemExit: pass
copied = [view._name for view in views if view._io is not None]
print(json.dumps([sorted(sys.modules), out.getvalue(), len(views), copied]))
"""


def _small_home(tmp_path):
    """GIVEN a data home of 6 items in two index segments, one with a deleted document."""
    from whoosh import index as whoosh_index

    from archive.catalog import Catalog
    from archive.models import Item, Page
    from archive.settings import load_settings
    from search.index import item_documents, rebuild_index

    home = tmp_path / "home"
    settings = load_settings(home)
    with Catalog(settings.catalog_path) as catalog:
        for n in range(6):
            item = Item(id=f"i{n}", access="public" if n % 2 else "internal",
                        title=f"Thương mại biên giới Lạng Sơn {n}", languages=["vi"])
            catalog.save_item(item, pages=[Page(1, BORDER * (n + 1))], sources=[f"t/{n}.txt"])
        rebuild_index(settings, catalog, procs=1)
        # Rewrite one item without merging: the first segment keeps a deleted document.
        item, pages = catalog.get_item("i0"), catalog.pages("i0")
        w = whoosh_index.open_dir(settings.index_dir).writer()
        w.delete_by_term("item_id", "i0")
        for doc in item_documents(item, pages):
            w.add_document(**doc)
        w.commit(merge=False)
    ix = whoosh_index.open_dir(settings.index_dir)
    with ix.reader() as reader:
        assert ix.doc_count() == 6 and reader.has_deletions() and not reader.is_atomic()
    return home


def test_a_one_shot_search_defers_whoosh_extras_and_copies_no_segment(tmp_path):
    """WHEN `ttdn search Q --json` runs once on a real index
    THEN it prints every match, never imports what Whoosh loads for features a search does not
    use (asyncio, urllib.request, English stemming tables), nor the index's writing side, and
    reads the segments in place: no segment file was copied into memory."""
    from search.lean_import import DEFERRED

    home = _small_home(tmp_path)
    code = _ONE_SHOT.format(args=["--home", str(home), "search", "lạng sơn", "--json"])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={"PATH": "/usr/bin:/bin"})
    modules, printed, views, copied = json.loads(done.stdout.strip().splitlines()[-1])
    result = json.loads(printed)
    assert result["total"] == 6 and {h["id"] for h in result["hits"]} == {f"i{n}" for n in range(6)}
    assert set(result) >= {"total", "hits", "facets"}
    assert [m for m in DEFERRED if m in modules] == []
    writing = ("search.segments", "search.tokens", "whoosh.writing", "pymupdf", "flask")
    assert [m for m in writing if m in modules] == []
    assert views > 0  # the segment files were ViewFiles (segment_files.install() took effect)
    assert copied == []


def test_deferred_modules_still_work_when_used(tmp_path):
    """GIVEN Whoosh imported the lean way
    THEN what was deferred loads when used: cached_property's coroutine test on a segment with
    deletions, Variations (English morphology), urllib.request; and they are the real modules."""
    home = _small_home(tmp_path)
    code = f"""\
import sys
from search.lean_import import lean_whoosh
lean_whoosh()
assert "asyncio" not in sys.modules and "whoosh.lang.morph_en" not in sys.modules
from archive.settings import load_settings
from search.index import open_index
from whoosh import query as Q
ix = open_index(load_settings({str(home)!r}).index_dir, upgrade=False)
with ix.searcher() as s:
    # i0's old document is deleted: postings leave it out (SegmentReader.deleted_docs_set)
    assert len(list(s.reader().postings("item_id", "i0").all_ids())) == 1
    assert "asyncio" not in sys.modules  # the stand-in answered cached_property's question
    assert len(list(s.documents())) == 6
    list(Q.Variations("title", "fish")._btexts(s.reader()))  # the English forms, loaded now
from whoosh.lang.morph_en import variations
assert "fishes" in variations("fish")
import whoosh.compat, urllib.request, asyncio, cached_property
assert whoosh.compat.urlretrieve.__module__ == "search.lean_import"
assert urllib.request.Request and asyncio.get_event_loop_policy()
assert cached_property.asyncio.iscoroutinefunction(asyncio.sleep)
assert not cached_property.asyncio.iscoroutinefunction(len)
assert sys.modules["asyncio"] is asyncio and asyncio.__file__
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
