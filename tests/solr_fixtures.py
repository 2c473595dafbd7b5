"""A real SolrCloud for the Solr engine's tests: started once per session, stopped at its end.

``scripts/solr-cluster.sh start`` builds the Java module in ``solr/`` when needed (Maven) and
starts 2 Solr nodes with an embedded ZooKeeper on loopback, the collection of 2 shards x 2
replicas with the project's configset. Without Java or Maven the tests fail (never skip) and
say what to install. Test modules import what they use:
``from tests.solr_fixtures import *  # noqa: F401,F403`` (and web_fixtures', whose
``web_home`` the engine is built from).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.catalog import Catalog
from archive.settings import load_settings
from search.solr_engine import SolrEngine

__all__ = ["SolrCluster", "ClusterFailed", "start_cluster", "stop_cluster", "solr_cluster",
           "solr_home", "solr_engine", "solr_catalog", "engine_for_home", "url_for_home",
           "create_collection", "drop_collection", "upload_configset"]

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
    # TTDN_SOLR_STATE: a cluster already running there (make solr-cluster) is used, and left up.
    own = not os.environ.get("TTDN_SOLR_STATE")
    state_dir = state_dir if own else Path(os.environ["TTDN_SOLR_STATE"])
    try:
        cluster = start_cluster(state_dir, os.getpid() if own else None)
    except ClusterFailed as err:  # fail, never skip: the cluster tests must run
        pytest.fail(str(err), pytrace=False)
    print(f"\nSolr cluster up in {cluster.wall_seconds:.1f}s (JVM: "
          f"{cluster.startup_seconds}s): {cluster.search}")
    yield cluster
    if own:
        stop_cluster(state_dir)


def upload_configset(cluster: SolrCluster, name: str, conf: Path) -> None:
    """A configset (a folder holding ``conf/``'s files) uploaded to the cluster as `name`."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for path in sorted(conf.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(conf).as_posix())
    params = urllib.parse.urlencode({"action": "UPLOAD", "name": name, "wt": "json"})
    request = urllib.request.Request(f"{cluster.nodes[0]}/admin/configs?{params}",
                                     data=packed.getvalue(), method="POST",
                                     headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(request, timeout=120) as reply:
        status = json.load(reply)["responseHeader"]["status"]
    if status != 0:
        raise ClusterFailed(f"uploading configset {name} answered status {status}")


def create_collection(cluster: SolrCluster, name: str, *, shards: int = 2,
                      replicas: int = 1, config: str = "ttdn") -> str:
    """A new collection of the project's configset on the cluster; its TTDN_SEARCH value.

    Two shards, so global statistics and merging are exercised as on the real collection;
    one replica each: a test home's collection needs no fail-over and starts in half the time.
    """
    params = urllib.parse.urlencode({"action": "CREATE", "name": name, "numShards": shards,
                                     "replicationFactor": replicas,
                                     "collection.configName": config, "wt": "json"})
    with urllib.request.urlopen(f"{cluster.nodes[0]}/admin/collections?{params}",
                                timeout=180) as reply:
        status = json.load(reply)["responseHeader"]["status"]
    if status != 0:
        raise ClusterFailed(f"creating collection {name} answered status {status}")
    return cluster.search.rsplit("/", 1)[0] + "/" + name


def drop_collection(cluster: SolrCluster, name: str) -> None:
    """Delete a collection (a failure is left: the cluster stops at the session's end)."""
    params = urllib.parse.urlencode({"action": "DELETE", "name": name, "wt": "json"})
    try:
        urllib.request.urlopen(f"{cluster.nodes[0]}/admin/collections?{params}",
                               timeout=120).close()
    except OSError:
        pass  # the cluster stops at the session's end anyway


_HOMES: dict[Path, str] = {}  # test home -> the TTDN_SEARCH of its collection
_SESSION: dict[str, SolrCluster] = {}


@pytest.fixture(scope="session", autouse=True)
def _solr_for_homes(solr_cluster: SolrCluster):
    """With --engine solr (this module registered as a plugin): homes get collections."""
    _SESSION["cluster"] = solr_cluster
    yield
    for url in _HOMES.values():
        drop_collection(solr_cluster, url.rsplit("/", 1)[1])
    _HOMES.clear()


def url_for_home(home: Path) -> str:
    """The TTDN_SEARCH of a collection of this home's own, made from its catalog at first use.

    What ``--engine solr`` gives the search tests instead of the home's Whoosh index
    (``tests.conftest``: ``open_searcher``, ``run_cli``, ``engine_config``); a home without a
    catalog yet gets an empty collection, which its ingest then fills. Collections go at the
    session's end.
    """
    home = Path(home).resolve()
    if home not in _HOMES:
        name = "home_" + hashlib.sha1(str(home).encode()).hexdigest()[:12]
        url = create_collection(_SESSION["cluster"], name)
        settings = load_settings(home)
        if settings.catalog_path.exists():
            with SolrEngine(url=url) as engine, Catalog(settings.catalog_path) as catalog:
                engine.rebuild(catalog)
        _HOMES[home] = url
    return _HOMES[home]


def engine_for_home(home: Path) -> SolrEngine:
    """A SolrEngine on the home's own collection (:func:`url_for_home`)."""
    return SolrEngine(url=url_for_home(home))


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
