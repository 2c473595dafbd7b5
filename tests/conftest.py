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


@pytest.fixture
def runner() -> CliRunner:
    """click's CliRunner; stderr is kept apart from stdout so --json output stays parseable."""
    return CliRunner()


def run_cli(home: Path, *args: str):
    """Invoke `ttdn --home HOME ARGS…` in-process and return click's Result."""
    return CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)


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
