"""A small ingested archive for the publishing tests (OAI-PMH, feeds, sitemap): real text files
with a manifest, public items in three collections, four languages and three kinds, plus
internal and restricted items that must never be published.

Test modules import what they use: `from tests.oai_fixtures import *  # noqa: F401,F403`.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from archive.catalog import Catalog
from archive.settings import load_settings

from .conftest import run_cli

__all__ = ["SECRET_WORD", "PUBLIC_SOURCES", "HIDDEN_SOURCES", "BREAKOUT_TITLE", "write_items",
           "ingest", "oai_home", "oai_copy", "catalog_of", "public_ids"]

SECRET_WORD = "zebrasecret"  # only in internal and restricted items
BREAKOUT_TITLE = 'Tờ trình </script><script>alert("x")</script> & <b>đậm</b>'
_HEADER = ["file", "title", "kind", "languages", "access", "collection", "doc_number", "issuer",
           "lead_unit", "partner_units", "places", "period", "description", "date"]


def _rows() -> list[list[str]]:
    rows = []
    for n in range(1, 8):
        rows.append([f"vb-{n}.txt", f"Kế hoạch số {n} về thông tin đối ngoại", "document", "vi",
                     "public", "Văn bản pháp luật", f"{n}/KH-UBND", "UBND tỉnh Lạng Sơn",
                     "Sở Ngoại vụ", "Sở Thông tin và Truyền thông;Công an tỉnh", "Lạng Sơn",
                     "", f"Trích yếu kế hoạch {n}", f"2017-03-{n + 10:02d}"])
    rows.append(["bd-1.txt", "Bản đồ tỉnh Lạng Sơn", "map", "vi;fr", "public", "Bản đồ", "", "",
                 "", "", "Lạng Sơn;Đồng Đăng", "1930-1940", "Carte de la province", ""])
    rows.append(["bd-2.txt", "Carte du Tonkin", "map", "fr", "public", "Bản đồ", "", "", "", "",
                 "Tonkin", "1920", "", ""])
    rows.append(["zh-1.txt", "谅山省对外信息", "publication", "zh", "public", "文献", "", "", "",
                 "", "", "", "", ""])
    rows.append(["en-1.txt", "Foreign information leaflet", "publication", "en", "public", "", "",
                 "", "", "", "", "", "A leaflet in English", ""])
    rows.append(["xss.txt", BREAKOUT_TITLE, "document", "vi", "public", "Văn bản pháp luật", "",
                 "", "", "", "", "", "</script> mô tả", ""])
    for n, access in enumerate(("internal", "internal", "restricted", "restricted"), 1):
        rows.append([f"an-{n}.txt", f"Hồ sơ {SECRET_WORD} {n}", "document", "vi", access,
                     f"Mật {SECRET_WORD}", "", "", "", "", "", "", "", ""])
    return rows


PUBLIC_SOURCES = [r[0] for r in _rows() if r[4] == "public"]
HIDDEN_SOURCES = [r[0] for r in _rows() if r[4] != "public"]


def write_items(folder: Path, rows: list[list[str]] | None = None) -> None:
    """Text files and their manifest in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = rows if rows is not None else _rows()
    for row in rows:
        (folder / row[0]).write_text(f"{row[1]}\nNội dung tài liệu {row[0]} ({row[4]}).\n",
                                     encoding="utf-8")
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(_HEADER)
        out.writerows(rows)


def ingest(home: Path, folder: Path) -> None:
    """Ingest the folder with the real `ttdn ingest`."""
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def oai_home(tmp_path_factory) -> Path:
    """The small archive; tests must not change it (use `oai_copy`)."""
    root = tmp_path_factory.mktemp("oai")
    write_items(root / "in")
    ingest(root / "home", root / "in")
    return root / "home"


@pytest.fixture
def oai_copy(oai_home: Path, tmp_path: Path) -> Path:
    """A private copy of the small archive that a test may change."""
    shutil.copytree(oai_home, tmp_path / "home")
    return tmp_path / "home"


def catalog_of(home: Path) -> Catalog:
    """The home's catalog (close it, or use it as a context manager)."""
    return Catalog(load_settings(home).catalog_path)


def public_ids(home: Path) -> set[str]:
    """Ids of the public items, read from the catalog itself."""
    with catalog_of(home) as catalog:
        return {i for i in catalog.item_ids() if catalog.get_item(i).access == "public"}


# -- reading OAI-PMH responses -------------------------------------------------------------------

OAI_NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/",
          "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
          "t": "urn:ttdn-archive:metadata:ttdn:1.0"}
SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
TTDN_XSD = Path(__file__).resolve().parent.parent / "web" / "static" / "schemas" / "ttdn.xsd"


def oai_validator():
    """One schema set for whole responses: the envelope, oai_dc (strict inside <metadata>), ttdn.

    Built from local files only (`allow="local"`): validation never reaches the network.
    """
    import xmlschema

    base = SCHEMAS / "oai-pmh"
    return xmlschema.XMLSchema(
        [str(base / "OAI-PMH.xsd"), str(base / "oai_dc.xsd"), str(TTDN_XSD)],
        locations=[("http://www.w3.org/XML/1998/namespace", str(base / "xml.xsd"))],
        allow="local")


__all__ += ["OAI_NS", "SCHEMAS", "TTDN_XSD", "oai_validator"]
