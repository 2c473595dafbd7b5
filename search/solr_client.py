"""JSON over HTTP to one SolrCloud collection through several nodes (the Solr engine's client).

A request goes to the next host when one does not answer (or answers 5xx); a host that failed
is tried last for a few seconds. Searches ask the shards for fewer rounds between the nodes
(:func:`_phases`).
"""
from __future__ import annotations

import itertools
import logging
import threading
import time

import requests

from archive.errors import SearchUnavailable, UsageError

__all__ = ["SolrClient"]

log = logging.getLogger("search.solr_engine")  # the bench and the CLI listen to this name

_DOWN_FOR = 5.0  # seconds a host that failed is tried last
_PATIENCE = 15.0  # seconds a search keeps trying the hosts before it fails
_WRITE_PATIENCE = 90.0  # seconds a write does: a shard without a leader elects one first
_MERGE_TIMEOUT = 3600.0  # seconds a merge may take to answer (15 s for 1M pages here)
# A request returning no document (counts only) skips the global term statistics' round.
_NO_STATS = {"distrib.statsCache": "false"}


class SolrClient:
    """JSON over HTTP to one collection through several nodes; the next node when one fails."""

    def __init__(self, base_urls: tuple[str, ...], collection: str, *,
                 timeout: float = 30.0, patience: float = _PATIENCE) -> None:
        self.base_urls, self.collection, self.timeout = tuple(base_urls), collection, timeout
        self.patience = patience
        self._local = threading.local()
        self._down: dict[str, float] = {}
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _order(self) -> list[str]:
        """Every host, starting at the next in turn; hosts that failed lately go last."""
        start = next(self._turn) % len(self.base_urls)
        hosts = list(self.base_urls[start:] + self.base_urls[:start])
        now = time.monotonic()
        return sorted(hosts, key=lambda h: self._down.get(h, 0.0) > now)

    def request(self, path: str, *, params: dict | None = None, json=None,
                patience: float | None = None, timeout: float | None = None) -> dict:
        """POST to ``/COLLECTION/path`` on the first host that answers; the JSON response.

        Every host is tried in turn, again and again for `patience` seconds (a node that
        stopped takes a few seconds to leave the cluster state; a shard whose leader stopped
        needs a leader election before it takes writes). `timeout`: seconds to wait for the
        answer, when a request is known to take longer than a search (a merge).
        """
        wait = self.timeout if timeout is None else timeout
        errors: list[str] = []
        deadline = time.monotonic() + (self.patience if patience is None else patience)
        for attempt in itertools.count(1):
            for host in self._order():
                url = f"{host}/{self.collection}/{path}"
                try:
                    if json is None:
                        reply = self._session().post(url, data=params or {},
                                                     timeout=(2.0, wait))
                    else:  # the body is sent under the connect timeout: a big batch
                        # to a busy node needs longer than a search's quick failover
                        reply = self._session().post(url, params=params or {}, json=json,
                                                     timeout=(self.timeout, wait))
                except requests.RequestException as err:
                    self._down[host] = time.monotonic() + _DOWN_FOR
                    errors.append(f"{host}: {type(err).__name__}")
                    continue
                if reply.status_code >= 500:
                    self._down[host] = time.monotonic() + _DOWN_FOR
                    errors.append(f"{host}: HTTP {reply.status_code} {_solr_message(reply)}")
                    continue
                if reply.status_code >= 400:
                    raise UsageError(f"the search engine refused the request: "
                                     f"{_solr_message(reply)}")
                if attempt > 1 or errors:
                    log.info("Solr answered after %d failure(s): %s", len(errors), errors[-1])
                return reply.json()
            pause = min(0.25 * attempt, 2.0)
            if time.monotonic() + pause > deadline:
                break
            time.sleep(pause)
        raise SearchUnavailable(f"no Solr node of collection {self.collection!r} answered "
                                f"({'; '.join(errors[-len(self.base_urls):])}); check that the "
                                f"cluster in TTDN_SEARCH is running")

    def select(self, params: dict) -> dict:
        """A /select request (params as form fields: long queries fit)."""
        # Each shard from a replica on the node asked when it has one: one hop fewer.
        return self.request("select", params={"wt": "json",
                                              "shards.preference": "replica.location:local",
                                              **_phases(params), **params})

    def update(self, commands, *, commit: bool = False) -> dict:
        """A JSON /update request; with `commit`, visible to searches when it returns."""
        params = {"wt": "json", **({"commit": "true"} if commit else {})}
        return self.request("update", params=params, json=commands, patience=_WRITE_PATIENCE)

    def merge(self, segments: int) -> dict:
        """Merge each shard's index into at most `segments` segments (Solr's optimize); waits
        up to an hour for it, as it rewrites the whole index."""
        return self.request("update", params={"wt": "json", "optimize": "true",
                                              "maxSegments": str(segments)}, json=[],
                            patience=_WRITE_PATIENCE, timeout=_MERGE_TIMEOUT)


def _phases(params: dict) -> dict:
    """Fewer rounds between the nodes: the shards send their best documents' fields with
    their ids (one round, not two; the fields asked are small), and a request that returns
    no document skips the global term statistics' round (its scores are read by nobody)."""
    if str(params.get("rows")) == "0":
        return dict(_NO_STATS)
    return {} if "cursorMark" in params else {"distrib.singlePass": "true"}


def _solr_message(reply: requests.Response) -> str:
    try:
        return str(reply.json().get("error", {}).get("msg", ""))[:300]
    except ValueError:
        return reply.text[:300]
