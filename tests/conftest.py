"""Shared fixtures: data homes under tmp_path, the CLI runner, the ingested sample corpus."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
# The few real files of the evaluation set that the suite needs and corpus/
# lacks, copied here so that a clone alone passes; tests/fixtures/README.md says where each is
# from. Measurements over the whole evaluation set live in bench/, not here.
FIXTURES = REPO / "tests" / "fixtures"
BAD = FIXTURES / "bad"
TRUTH = FIXTURES / "truth"
SEED = FIXTURES / "seed"


_RUN: dict[str, str] = {}  # the --engine of this run


def pytest_addoption(parser) -> None:
    """``--engine solr``: the search tests run on a loopback SolrCloud (make test-solr)."""
    parser.addoption("--engine", choices=("whoosh", "solr"), default="whoosh",
                     help="search engine of the search tests (solr: tests/solr_fixtures.py)")


def pytest_configure(config) -> None:
    """With --engine solr, the cluster fixtures are everyone's; whoosh_only tests are left out."""
    config.addinivalue_line("markers", "whoosh_only(reason): about Whoosh internals, not "
                            "run with --engine solr")
    _RUN["engine"] = config.getoption("--engine")
    if _RUN["engine"] == "solr":
        import tests.solr_fixtures
        config.pluginmanager.register(tests.solr_fixtures, "solr_fixtures")


def pytest_collection_modifyitems(config, items) -> None:
    """With --engine solr, deselect the tests marked whoosh_only (make test runs them)."""
    if config.getoption("--engine") != "solr":
        return
    kept = [item for item in items if item.get_closest_marker("whoosh_only") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def open_searcher(home: Path):
    """The home's searcher on the engine this run tests (``Searcher(index_dir)`` by default).

    With ``--engine solr``: the Solr engine on a collection of the home's own, indexed from
    its catalog at the first call (tests/solr_fixtures.py ``engine_for_home``).
    """
    if _RUN.get("engine") == "solr":
        from tests.solr_fixtures import engine_for_home
        return engine_for_home(home)
    from search.query import Searcher
    return Searcher(load_settings(home).index_dir)


@pytest.fixture
def runner() -> CliRunner:
    """click's CliRunner; stderr is kept apart from stdout so --json output stays parseable."""
    return CliRunner()


def engine_env(home: Path) -> dict[str, str]:
    """The environment that points the archive at the engine under test for this home:
    nothing for Whoosh; with ``--engine solr``, TTDN_SEARCH of the home's own collection."""
    if _RUN.get("engine") != "solr":
        return {}
    from tests.solr_fixtures import url_for_home
    return {"TTDN_SEARCH": url_for_home(home)}


def engine_config(home: Path) -> dict:
    """A test app's config for the engine under test (the settings, with TTDN_SEARCH)."""
    env = engine_env(home)
    if not env:
        return {}
    from dataclasses import replace
    return {"TTDN_SETTINGS": replace(load_settings(home), search_url=env["TTDN_SEARCH"])}


def run_cli(home: Path, *args: str):
    """Invoke `ttdn --home HOME ARGS…` in-process (on the engine under test); click's Result."""
    return CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False,
                              env=engine_env(home) or None)


def run_json(home: Path, *args: str):
    """Invoke a command with --json, assert it exited 0, and return the parsed output."""
    result = run_cli(home, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty data home."""
    return tmp_path / "home"


@pytest.fixture
def settings(home: Path):
    """Settings pointing at the empty data home."""
    return load_settings(home)


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory) -> Path:
    """The sample corpus ingested once for the whole session; tests must not change it."""
    home = tmp_path_factory.mktemp("corpus") / "home"
    result = run_cli(home, "ingest", str(CORPUS))
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture
def corpus_copy(corpus_home: Path, tmp_path: Path) -> Path:
    """A private copy of the ingested corpus that a test may change."""
    target = tmp_path / "home"
    shutil.copytree(corpus_home, target)
    return target
