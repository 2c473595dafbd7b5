"""The search interface (search/engine.py): Whoosh behind it, chosen by TTDN_SEARCH, used alone."""
from __future__ import annotations

import ast
import subprocess
import sys
import threading
from contextlib import closing

import pytest
from click.testing import CliRunner

from archive.catalog import Catalog
from archive.cli import cli
from archive.errors import NotFound, SettingsError
from archive.models import Item, Page
from archive.settings import SolrTarget, load_settings, solr_target
from search.engine import SearchEngine, WhooshEngine, open_engine
from search.query import SearchRequest
from search.verify import verify_archive

from .conftest import REPO

BORDER = ("Cửa khẩu Hữu Nghị Lạng Sơn: thương mại biên giới, hàng hóa xuất khẩu qua cửa khẩu, "
          "xe container chờ thông quan, kiểm dịch hàng hóa nông sản biên giới. ")
ITEMS = {
    "pub1": ("public", "Thương mại biên giới Lạng Sơn", BORDER * 3),
    "pub2": ("public", "Lễ hội hoa đào", "Lễ hội hoa đào xứ Lạng mùa xuân, du lịch văn hóa. " * 3),
    "int1": ("internal", "Báo cáo thông quan nội bộ", BORDER * 2 + "báo cáo nội bộ"),
    "res1": ("restricted", "Zebraquartz mật", BORDER * 2 + "zebraquartz mật"),
}


def _save(catalog: Catalog, item_id: str, access: str, title: str, text: str) -> None:
    catalog.save_item(Item(id=item_id, access=access, title=title, languages=["vi"]),
                      pages=[Page(1, text)], sources=[f"test/{item_id}.txt"])


@pytest.fixture
def filled(home):
    """A data home whose catalog holds ITEMS (one per access level), none indexed yet."""
    home.mkdir(parents=True)
    with Catalog(home / "catalog.sqlite3") as catalog:
        for item_id, values in ITEMS.items():
            _save(catalog, item_id, *values)
    return load_settings(home)


def _ids(engine: SearchEngine, catalog: Catalog, query: str, audience: str) -> set[str]:
    result = engine.search(SearchRequest(query=query, audience=audience), catalog)
    return {hit.id for hit in result.hits}


# -- the interface on Whoosh ---------------------------------------------------------------------

def test_unset_ttdn_search_gives_whoosh_in_the_data_home(filled, monkeypatch):
    monkeypatch.delenv("TTDN_SEARCH", raising=False)
    settings = load_settings(filled.home)
    assert settings.search_url is None
    with closing(open_engine(settings)) as engine:
        assert isinstance(engine, WhooshEngine) and isinstance(engine, SearchEngine)
        assert engine.name == "whoosh"
        with Catalog(settings.catalog_path) as catalog:
            assert engine.sync(catalog) == len(ITEMS)
    assert any(settings.index_dir.glob("*.toc"))  # Whoosh's files, in the data home


def test_sync_indexes_every_dirty_item_and_marks_the_catalog(filled):
    with closing(open_engine(filled)) as engine, Catalog(filled.catalog_path) as catalog:
        assert engine.indexed_item_ids() == set()
        assert engine.sync(catalog, batch=3) == 4
        assert catalog.dirty_items() == [] and engine.sync(catalog) == 0
        assert engine.indexed_item_ids() == set(ITEMS)


def test_each_audience_finds_only_the_levels_it_may_see(filled):
    with closing(open_engine(filled)) as engine, Catalog(filled.catalog_path) as catalog:
        engine.sync(catalog)
        assert _ids(engine, catalog, "biên giới", "public") == {"pub1"}
        assert _ids(engine, catalog, "biên giới", "staff") == {"pub1", "int1"}
        assert _ids(engine, catalog, "biên giới", "admin") == {"pub1", "int1", "res1"}
        assert _ids(engine, catalog, "zebraquartz", "staff") == set()
        total = engine.search(SearchRequest(query="biên giới", audience="public"), catalog)
        assert total.total == 1 and set(total.facets["kind"]) == {"document"}


def test_a_write_is_seen_by_the_long_lived_reader_without_reopening(filled):
    """GIVEN a reading engine that has searched (its searchers open), as a portal process has
    WHEN another engine (ingest, an edit) indexes a new item THEN the reader finds it, and after
    refresh() at the latest; its own writes too."""
    with closing(open_engine(filled)) as reader, closing(open_engine(filled)) as writer, \
            Catalog(filled.catalog_path) as catalog:
        writer.sync(catalog)
        assert _ids(reader, catalog, "novaquartz", "public") == set()
        _save(catalog, "pub3", "public", "Novaquartz mới", "Tài liệu mới novaquartz biên giới.")
        assert writer.index_items(catalog, catalog.dirty_items()) == 1
        reader.refresh()
        assert _ids(reader, catalog, "novaquartz", "public") == {"pub3"}
        _save(catalog, "pub4", "public", "Novaquartz hai", "Tài liệu thứ hai novaquartz.")
        reader.index_items(catalog, catalog.dirty_items())
        assert _ids(reader, catalog, "novaquartz", "public") == {"pub3", "pub4"}
        assert catalog.dirty_items() == []


def test_remove_then_rebuild_and_verify_compares_catalog_and_engine(filled):
    with closing(open_engine(filled)) as engine, Catalog(filled.catalog_path) as catalog:
        engine.sync(catalog)
        assert _ids(engine, catalog, "biên giới", "admin") == {"pub1", "int1", "res1"}
        assert engine.remove_items(["int1", "res1"]) == 2 and engine.remove_items([]) == 0
        assert engine.indexed_item_ids() == {"pub1", "pub2"}
        assert _ids(engine, catalog, "biên giới", "admin") == {"pub1"}
        report = verify_archive(filled, engine)
        assert not report.ok and any("int1" in p and "not in the index" in p
                                     for p in report.problems)
        assert engine.rebuild(catalog, procs=1) == len(ITEMS)
        assert engine.indexed_item_ids() == set(ITEMS)
        assert _ids(engine, catalog, "biên giới", "admin") == {"pub1", "int1", "res1"}
        assert verify_archive(filled, engine).ok
        assert verify_archive(filled).ok  # the engine settings name, opened by verify itself


def test_autocomplete_and_more_like_this_keep_to_the_audience(filled):
    with closing(open_engine(filled)) as engine, Catalog(filled.catalog_path) as catalog:
        engine.sync(catalog)
        public = engine.autocomplete("zebraq", audience="public")
        assert not public["titles"] and not any("zebra" in t for t in public["terms"])
        admin = engine.autocomplete("zebraq", audience="admin")
        assert [t["id"] for t in admin["titles"]] == ["res1"]
        similar = engine.more_like_this("pub1", catalog, audience="public")
        assert {h.id for h in similar.hits} <= {"pub2"}
        staff = engine.more_like_this("pub1", catalog, audience="staff")
        assert "int1" in {h.id for h in staff.hits} and "res1" not in {h.id for h in staff.hits}
        with pytest.raises(NotFound):
            engine.more_like_this("res1", catalog, audience="staff")


def test_writes_from_several_threads_of_one_process_all_land(filled):
    """GIVEN one engine shared by server threads WHEN four threads sync at once THEN each item
    is indexed and no thread fails on the index's lock."""
    errors: list[BaseException] = []
    with closing(open_engine(filled)) as engine:
        def sync() -> None:
            try:
                with Catalog(filled.catalog_path) as catalog:
                    engine.sync(catalog, batch=1)
            except BaseException as err:  # collected: the assertion below names it
                errors.append(err)

        threads = [threading.Thread(target=sync) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [] and engine.indexed_item_ids() == set(ITEMS)


# -- TTDN_SEARCH picks the engine ----------------------------------------------------------------

def test_a_bad_ttdn_search_is_a_clear_error_with_exit_code_2(home, monkeypatch):
    monkeypatch.setenv("TTDN_SEARCH", "elasticsearch://localhost:9200/ttdn")
    with pytest.raises(SettingsError, match="TTDN_SEARCH"):
        load_settings(home)
    result = CliRunner().invoke(cli, ["--home", str(home), "search", "biên giới"])
    assert result.exit_code == 2, result.output
    assert "TTDN_SEARCH='elasticsearch://localhost:9200/ttdn'" in result.output
    assert "solr+http://host:port/solr/COLLECTION" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("value", ["solr://h:8983/solr/c", "solr+http://h/solr/c",
                                   "solr+http://h:8983/c", "solr+http://h:8983/solr/"])
def test_solr_values_without_host_port_or_collection_are_refused(home, monkeypatch, value):
    monkeypatch.setenv("TTDN_SEARCH", value)
    with pytest.raises(SettingsError, match="solr\\+http://host:port"):
        load_settings(home)


def test_a_solr_url_names_the_nodes_and_the_collection(home, monkeypatch):
    value = "solr+http://127.0.0.1:8983,127.0.0.1:7574/solr/ttdn"
    monkeypatch.setenv("TTDN_SEARCH", f"  {value} ")
    settings = load_settings(home)
    assert settings.search_url == value
    assert solr_target(value) == SolrTarget(
        ("http://127.0.0.1:8983/solr", "http://127.0.0.1:7574/solr"), "ttdn")


def test_a_solr_url_opens_the_solr_engine_without_contacting_it(home, monkeypatch):
    """GIVEN TTDN_SEARCH naming a Solr collection on a port nothing listens on WHEN the engine
    is opened THEN it is the Solr engine (loaded only now), and opening contacts no server."""
    pytest.importorskip("search.solr_engine")
    monkeypatch.setenv("TTDN_SEARCH", "solr+http://127.0.0.1:9/solr/ttdn")
    engine = open_engine(load_settings(home))
    try:
        assert type(engine).__name__ == "SolrEngine" and engine.name == "solr"
        assert isinstance(engine, SearchEngine)
    finally:
        engine.close()


# -- nothing outside search/ reaches past the interface -------------------------------------------

_LAYERS = ("archive", "ingest", "web", "exhibits")
_INSIDE_MODULES = ("search.index", "search.snapshot", "search.solr_engine", "search.bulk",
                   "search.plan", "search.similar", "search.suggest")
_INSIDE_NAMES = {"open_index", "writer", "sync_index", "index_items", "rebuild_index",
                 "indexed_item_ids", "write_documents", "remove_items", "Searcher",
                 "WhooshEngine", "SolrEngine"}


def _violations(source: str, name: str) -> list[str]:
    """What a module outside search/ imports or touches of an engine's insides."""
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        where = f"{name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("whoosh", "pysolr") \
                        or alias.name.startswith(_INSIDE_MODULES):
                    found.append(f"{where} import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top = node.module.split(".")[0]
            if top in ("whoosh", "pysolr") or node.module.startswith(_INSIDE_MODULES):
                found.append(f"{where} from {node.module} import …")
            elif top == "search":
                found += [f"{where} from {node.module} import {a.name}" for a in node.names
                          if a.name in _INSIDE_NAMES]
        elif isinstance(node, ast.Attribute) and node.attr == "ix":
            found.append(f"{where} .ix (a raw Whoosh index)")
    return found


def test_nothing_outside_search_imports_whoosh_or_the_engines_insides():
    """GIVEN every module of ingest, web, exhibits and archive (the CLI) THEN none imports
    Whoosh, a Solr client or search/'s engine internals, nor holds a raw index: they use
    search.engine.open_engine and the SearchEngine methods only."""
    files = [p for layer in _LAYERS for p in sorted((REPO / layer).rglob("*.py"))]
    assert len(files) > 50
    problems = [v for path in files
                for v in _violations(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))]
    assert problems == []


def test_the_scan_catches_what_it_forbids():
    sample = ("from whoosh import index\nfrom search.index import sync_index\n"
              "import search.snapshot\nfrom search.query import Searcher, SearchRequest\n"
              "from search.engine import open_engine\nimport whoosh.query\n"
              "def f(s):\n    return s.ix\n")
    assert len(_violations(sample, "sample.py")) == 6


def test_the_cli_loads_no_whoosh_until_a_command_needs_it():
    """`ttdn --help` (issue 17: start-up time) imports the interface, not the engine."""
    code = ("import sys, archive.cli\n"
            "print(sorted(m for m in sys.modules if m.startswith('whoosh')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout


# -- ingest when the engine cannot take writes ---------------------------------------------------

def test_ingest_archives_everything_while_the_index_is_locked_then_catches_up(tmp_path, home,
                                                                              monkeypatch):
    """GIVEN another writer holding the index's lock for the whole run (its wait cut to 0.2 s)
    WHEN three files are ingested, indexed one by one THEN all three are archived (exit 0), the
    summary says the index was busy and who catches up; the next run indexes them (verify 0).
    Before, the first locked write stopped the run (exit 8) with two files unread."""
    import search.index
    monkeypatch.setenv("TTDN_INDEX_BATCH", "1")
    monkeypatch.setattr(search.index, "_LOCK_WAIT", 0.2)
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"d{n}.txt").write_text(f"Công văn số {n} về cửa khẩu novaquartz{n}.\n",
                                          encoding="utf-8")
    held = search.index.open_index(load_settings(home).index_dir).writer()
    try:
        result = CliRunner().invoke(cli, ["--home", str(home), "ingest", str(folder)])
    finally:
        held.cancel()
    assert result.exit_code == 0, result.output
    assert "added: 3" in result.stdout and "warning (search index)" in result.stdout
    assert "being written by another process" in result.stdout
    with Catalog(home / "catalog.sqlite3") as catalog:
        assert len(catalog.dirty_items()) == 3
    again = CliRunner().invoke(cli, ["--home", str(home), "ingest", str(folder)])
    assert again.exit_code == 0 and "(search index)" not in again.stdout, again.output
    assert CliRunner().invoke(cli, ["--home", str(home), "verify"]).exit_code == 0
    with closing(open_engine(load_settings(home))) as engine, \
            Catalog(home / "catalog.sqlite3") as catalog:
        assert engine.search(SearchRequest(query="cửa khẩu"), catalog).total == 3


def test_an_edit_is_saved_when_the_search_cluster_is_down(filled):
    """GIVEN the engine's sync failing as a Solr engine's does with no node answering WHEN an
    admin edits an item THEN the edit is saved, reported as not indexed yet, and stays marked
    for the next sync (which indexes it)."""
    from archive.editing import save_one
    from archive.errors import SearchUnavailable
    from archive.users import Users

    def down() -> int:
        raise SearchUnavailable("no Solr node of collection 'ttdn' answered (127.0.0.1:9)")

    with Catalog(filled.catalog_path) as catalog, closing(open_engine(filled)) as engine:
        engine.sync(catalog)
        admin = Users(catalog).add("ada", "admin", "a long enough passphrase")
        item = catalog.get_item("pub2")
        new, indexed = save_one(catalog, down, admin, item,
                                {"title": {"from": item.title, "to": "Hội hoa đào Novaquartz"}})
        assert not indexed and catalog.get_item("pub2").title == "Hội hoa đào Novaquartz"
        assert [i for i, _ in catalog.dirty_items()] == ["pub2"]
        assert engine.sync(catalog) == 1
        assert _ids(engine, catalog, "novaquartz", "public") == {"pub2"}
