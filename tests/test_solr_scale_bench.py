"""The scale bench's own parts (bench/solr_scale.py): client-side routing and the copied catalog.

Cheap: the routing test uses the session's cluster (tests/solr_fixtures.py) for a scratch
collection of a few documents; nothing here builds a large collection.
"""
from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest

from archive.catalog import Catalog
from archive.models import Item, Page
from bench import solr_scale
from tests.solr_fixtures import *  # noqa: F401,F403


def test_murmur3_matches_the_reference_vectors():
    """The hash Solr's compositeId router uses (MurmurHash3 x86 32, seed 0), signed."""
    for data, expected in ((b"", 0), (b"hello", 0x248BFA47), (b"abc", 0xB3DD93FA),
                           (b"The quick brown fox jumps over the lazy dog", 0x2E4FF723)):
        assert solr_scale.murmur3_32(data) & 0xFFFFFFFF == expected


@pytest.mark.solr
def test_routing_sends_each_document_to_the_shard_solr_puts_it_on(solr_cluster):
    """Ids land on the shard route() names (else the bench's batches would be forwarded).

    A scratch collection of 2 shards on the session's cluster (the project's configset), a few
    item and page ids as the bench makes them, deleted again at the end.
    """
    node = solr_cluster.nodes[0]
    config = solr_cluster.search.rsplit("/", 1)[1]
    name = "routing_check"
    solr_scale.admin(node, {"action": "CREATE", "name": name, "numShards": 2,
                            "replicationFactor": 1, "collection.configName": config})
    try:
        leaders = solr_scale.shard_leaders(node, name)
        ids = [f"b{n:06d}" + suffix for n in range(0, 400, 37) for suffix in ("", "x3", "#2")]
        docs = [{"id": i, "item_id": i.split("#")[0], "doctype": "page" if "#" in i else "item"}
                for i in ids]
        body = json.dumps(docs).encode()
        request = urllib.request.Request(f"{node}/{name}/update?commit=true", data=body,
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=120).read()
        status = solr_scale.admin(node, {"action": "CLUSTERSTATUS", "collection": name})
        shards = status["cluster"]["collections"][name]["shards"]
        found = {}
        for i, shard in enumerate(shards):
            query = urllib.parse.urlencode({"q": "*:*", "fl": "id", "rows": 1000, "wt": "json",
                                            "shards": shard})
            with urllib.request.urlopen(f"{node}/{name}/select?{query}", timeout=60) as r:
                found.update({d["id"]: i for d in json.load(r)["response"]["docs"]})
        assert sorted(found) == sorted(ids)
        assert {i: solr_scale.route(i, leaders) for i in ids} == found
        assert set(found.values()) == {0, 1}
    finally:
        solr_scale.admin(node, {"action": "DELETE", "name": name})


def test_copied_catalog_holds_each_copy_under_its_own_ids(tmp_path):
    """build_catalog: the first `count` items of the copies, pages and sources included."""
    items = [(Item(id=f"b{n:06d}", access="public", title=f"Tờ {n}"),
              [Page(1, f"trang một {n}"), Page(2, f"trang hai {n}")]) for n in range(3)]
    solr_scale.build_catalog(tmp_path / "catalog.sqlite3", items, 7)  # 2 copies and 1 item
    with Catalog(tmp_path / "catalog.sqlite3", readonly=True) as catalog:
        for item_id in ("b000000", "b000002", "b000000x1", "b000002x1", "b000000x2"):
            item = catalog.get_item(item_id)
            assert item is not None and item.title.startswith("Tờ ")
            assert [p.n for p in catalog.pages(item_id)] == [1, 2]
            assert catalog.sources(item_id) == [f"bench/{item_id}.pdf"]
        assert catalog.get_item("b000001x2") is None
    assert [i.id for i, _ in solr_scale.copied_items(items, 3)][3:5] == ["b000000x1",
                                                                          "b000001x1"]
