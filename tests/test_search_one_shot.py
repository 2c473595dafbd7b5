"""What one search builds on a fresh searcher: facet values of its matches only (columns.py)."""
from __future__ import annotations

import pytest

from archive.catalog import Catalog
from archive.models import Item, Page
from archive.settings import load_settings
from search.columns import LazyColumn, LazyColumns
from search.facets import FACETS, FacetColumns
from search.index import rebuild_index
from search.query import Searcher, SearchRequest

pytestmark = pytest.mark.whoosh_only("Whoosh's facet columns")

COLLECTIONS = ("Văn bản pháp luật", "Ấn phẩm", "Bản đồ")


@pytest.fixture
def forty(tmp_path):
    """GIVEN 40 items (4 of them about "zebraquartz"), in a real catalog and index."""
    settings = load_settings(tmp_path / "home")
    with Catalog(settings.catalog_path) as catalog:
        for n in range(40):
            word = "zebraquartz" if n % 10 == 0 else "thương mại"
            item = Item(id=f"i{n:02d}", access=("public", "internal")[n % 2], kind="document",
                        title=f"Báo cáo {word} {n}", languages=["vi"], issued=f"{2000 + n}-01-02",
                        collection=COLLECTIONS[n % 3], issuer=f"Sở {n % 5}",
                        places=["Lạng Sơn"] if n % 4 == 0 else [])
            catalog.save_item(item, pages=[Page(1, f"Nội dung {word} biên giới. " * 3)],
                              sources=[f"t/{n}.txt"])
        rebuild_index(settings, catalog, procs=1)
    return settings


def test_a_first_search_reads_the_facet_values_of_its_matches_only(forty):
    """WHEN a fresh searcher runs one search matching 4 of 40 items
    THEN its facet counts are those of the 4, and no single-valued facet column was read
    whole: each read at most the 4 values it counted."""
    with Searcher(forty.index_dir) as searcher, Catalog(forty.catalog_path) as catalog:
        result = searcher.search(SearchRequest("zebraquartz"), catalog)
        assert result.total == 4
        assert result.facets["collection"] == {COLLECTIONS[0]: 2, COLLECTIONS[1]: 1,
                                               COLLECTIONS[2]: 1}
        assert sum(result.facets["year"].values()) == 4
        columns = searcher._pool.peek().columns  # noqa: SLF001 - what the search built
        assert isinstance(columns, LazyColumns)
        whole = set(columns._columns)  # noqa: SLF001
        assert whole <= {"languages", "places", "subjects"}, whole
        assert all(lazy.read <= 4 for lazy in columns._lazy.values())  # noqa: SLF001


def test_a_long_lived_searcher_ends_with_whole_columns_equal_to_facetcolumns(forty):
    """GIVEN searches that keep asking for most documents
    THEN a lazy column answers as FacetColumns does, and is read whole once it pays."""
    with Searcher(forty.index_dir) as searcher:
        s = searcher.current()
        full, lazy = FacetColumns(s), LazyColumns(s)
        for name in (*FACETS, "date", "sort_title"):
            first = lazy.column(name)
            expected = full.column(name)
            assert [first[d] for d in range(len(first))] == expected, name
            assert lazy.column(name) == expected and type(lazy.column(name)) is list, name
        half = LazyColumns(s).column("issuer")
        assert isinstance(half, LazyColumn)
        assert [half[d] for d in range(0, 40, 5)] == full.column("issuer")[0:40:5]
