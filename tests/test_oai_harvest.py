"""A real harvester, Sickle (PyPI), harvests the running portal (`ttdn serve` over loopback).

The page size (TTDN_OAI_PAGE_SIZE=4) forces at least three resumption pages for the 12 public
items; after an item is made internal, an incremental harvest `from` that moment lists it as
deleted. Run with `-s` to see the transcript.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sickle import Sickle
from sickle.iterator import OAIResponseIterator

from archive.editing import save_one
from archive.settings import load_settings
from archive.users import Users
from search.index import open_index, sync_index
from tests.oai_fixtures import *  # noqa: F401,F403
from tests.oai_fixtures import SECRET_WORD, catalog_of, public_ids
from tests.serving import free_port, wait_for

BIN = Path(sys.executable).parent


@pytest.fixture
def portal(oai_copy):
    """GIVEN the small archive served by `ttdn serve` with 4 records per OAI-PMH page."""
    port = free_port()
    env = {**os.environ, "TTDN_SECRET_KEY": "harvest-test-only", "TTDN_OAI_PAGE_SIZE": "4"}
    server = subprocess.Popen([str(BIN / "ttdn"), "--home", str(oai_copy), "serve", "--port",
                               str(port), "--threads", "4"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz", server)
        yield {"oai": f"{base}/oai", "home": oai_copy}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _make_internal(home: Path, item_id: str) -> None:
    """The staff side's edit rule (archive/editing.py): the access change, then re-index."""
    ix = open_index(load_settings(home).index_dir)
    with catalog_of(home) as catalog:
        users = Users(catalog)
        users.add("adam", "admin", "correct horse battery staple")
        item = catalog.get_item(item_id)
        save_one(catalog, lambda: sync_index(ix, catalog), users.get("adam"), item,
                 {"access": {"from": item.access, "to": "internal"}})


def test_sickle_harvests_exactly_the_public_items_then_sees_a_deletion(portal):
    sickle = Sickle(portal["oai"])
    identify = sickle.Identify()
    print(f"\nIdentify: {identify.repositoryName} deletedRecord={identify.deletedRecord} "
          f"granularity={identify.granularity} earliest={identify.earliestDatestamp}")
    pages = list(Sickle(portal["oai"], iterator=OAIResponseIterator).ListRecords(
        metadataPrefix="oai_dc"))
    print(f"ListRecords oai_dc: {len(pages)} responses (resumption pages)")
    assert len(pages) >= 3
    records = list(sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    for record in records:
        print(f"  {record.header.identifier} {record.header.datestamp} "
              f"{record.header.setSpecs} {record.metadata['title'][0]!r}")
    ids = [r.header.identifier.rsplit(":", 1)[1] for r in records]
    assert len(ids) == len(set(ids)) and set(ids) == public_ids(portal["home"])
    assert not any(r.header.deleted for r in records)
    assert not any(SECRET_WORD in str(r.metadata) for r in records)
    sets = [s.setSpec for s in sickle.ListSets()]
    print(f"ListSets: {sets}")
    assert "collection:van-ban-phap-luat" in sets

    # Datestamps are to the second and `from` is inclusive: a harvest from the second the
    # records were written would list them all again, so the change comes a second later.
    latest = max(r.header.datestamp for r in records)
    while (moment := time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())) <= latest:
        time.sleep(0.05)
    target = sorted(ids)[0]
    _make_internal(portal["home"], target)
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=False,
                                          **{"from": moment}))
    for header in headers:
        print(f"incremental from {moment}: {header.identifier} deleted={header.deleted} "
              f"{header.datestamp}")
    assert [(h.identifier.rsplit(":", 1)[1], h.deleted) for h in headers] == [(target, True)]
    record = sickle.GetRecord(identifier=headers[0].identifier, metadataPrefix="ttdn")
    assert record.deleted and not getattr(record, "metadata", None)  # the header alone
    again = list(sickle.ListRecords(metadataPrefix="ttdn", ignore_deleted=True))
    assert {r.header.identifier.rsplit(":", 1)[1] for r in again} == set(ids) - {target}
