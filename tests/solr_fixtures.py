"""A real SolrCloud for the Solr engine's tests: started once per session, stopped at its end.

``scripts/solr-cluster.sh start`` builds the Java module in ``solr/`` when needed (Maven) and
starts 2 Solr nodes with an embedded ZooKeeper on loopback, the collection of 2 shards x 2
replicas with the project's configset. Without Java or Maven the tests fail (never skip) and
say what to install. Test modules import what they use:
``from tests.solr_fixtures import *  # noqa: F401,F403`` (and web_fixtures', whose
``web_home`` the engine is built from).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.catalog import Catalog
from archive.settings import load_settings
from search.solr_engine import SolrEngine

__all__ = ["SolrCluster", "ClusterFailed", "start_cluster", "stop_cluster", "solr_cluster", "solr_home", "solr_engine", "solr_catalog"]

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "solr-cluster.sh"


@dataclass
class SolrCluster:
    """The running cluster as its state file tells it."""

    search: str  # the TTDN_SEARCH value
    nodes: list[str]  # base URLs, http://127.0.0.1:PORT/solr
    control: str  # the launcher's control port: POST /nodes/N/stop|start
    startup_seconds: float  # the JVM's own count, ZooKeeper to every replica active
    wall_seconds: float  # what the session paid, build check included

    def node(self, n: int, action: str) -> str:
        """Stop or start node `n` (0-based) through the launcher; its answer."""
        request = urllib.request.Request(f"{self.control}/nodes/{n}/{action}", data=b"",
                                         method="POST")
        with urllib.request.urlopen(request, timeout=120) as reply:
            return reply.read().decode()


def _missing_tools(path: str | None = None) -> list[str]:
    """Java and Maven, when not on PATH, each with the Debian package that brings it."""
    return [f"{tool} (apt-get install -y {package})"
            for tool, package in (("java", "openjdk-17-jdk-headless"), ("mvn", "maven"))
            if shutil.which(tool, path=path) is None]


class ClusterFailed(RuntimeError):
    """``scripts/solr-cluster.sh start`` did not bring the cluster up (its message says why)."""


def _env(state_dir: Path, watch_pid: int | None) -> dict:
    env = {**os.environ, "TTDN_SOLR_STATE": str(state_dir)}
    if watch_pid is not None:
        # The cluster stops by itself if that process dies without stop_cluster.
        env["TTDN_SOLR_WATCH_PID"] = str(watch_pid)
    return env


def start_cluster(state_dir: Path, watch_pid: int | None = None) -> SolrCluster:
    """Start the loopback cluster with its state in `state_dir` (or find it running there)."""
    missing = _missing_tools()
    if missing:
        raise ClusterFailed("the Solr cluster needs Java and Maven; missing: "
                            + ", ".join(missing))
    started = time.monotonic()
    run = subprocess.run(["bash", str(SCRIPT), "start"], env=_env(state_dir, watch_pid),
                         capture_output=True, text=True, timeout=900)
    if run.returncode != 0:
        raise ClusterFailed(f"scripts/solr-cluster.sh start failed:\n{run.stderr[-3000:]}")
    wall = time.monotonic() - started
    state = dict(line.split("=", 1) for line in
                 (state_dir / "state").read_text().splitlines() if "=" in line)
    return SolrCluster(state["search"], state["nodes"].split(","), state["control"],
                       float(state["startup_seconds"]), wall)


def stop_cluster(state_dir: Path) -> None:
    """Stop the cluster whose state is in `state_dir` (nothing when none runs)."""
    subprocess.run(["bash", str(SCRIPT), "stop"], env=_env(state_dir, None),
                   capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def solr_cluster(tmp_path_factory) -> SolrCluster:
    """A 2-node SolrCloud on loopback for the whole session."""
    # One state folder per session: a second module importing this fixture finds the cluster
    # running (the script's start answers with it) instead of starting another.
    state_dir = tmp_path_factory.getbasetemp() / "solr-cluster"
    try:
        cluster = start_cluster(state_dir, os.getpid())
    except ClusterFailed as err:  # fail, never skip: the cluster tests must run
        pytest.fail(str(err), pytrace=False)
    print(f"\nSolr cluster up in {cluster.wall_seconds:.1f}s (JVM: "
          f"{cluster.startup_seconds}s): {cluster.search}")
    yield cluster
    stop_cluster(state_dir)


@pytest.fixture(scope="session")
def solr_home(web_home: Path, tmp_path_factory) -> Path:
    """A private copy of the web home (a rebuild marks its catalog's items dirty, then indexed)."""
    home = tmp_path_factory.mktemp("solr-home") / "home"
    shutil.copytree(web_home, home)
    return home


@pytest.fixture(scope="session")
def solr_engine(solr_cluster: SolrCluster, solr_home: Path) -> SolrEngine:
    """The Solr engine on the cluster, rebuilt once from the test home's catalog."""
    engine = SolrEngine(url=solr_cluster.search)
    with Catalog(load_settings(solr_home).catalog_path) as catalog:
        started = time.monotonic()
        count = engine.rebuild(catalog)
        print(f"\nSolr rebuild: {count} items in {time.monotonic() - started:.1f}s")
    yield engine
    engine.close()


@pytest.fixture
def solr_catalog(solr_home: Path):
    """The test home's catalog (read it only)."""
    with Catalog(load_settings(solr_home).catalog_path) as catalog:
        yield catalog
