"""An original ingested under a name with CR/LF, quotes or accents downloads with safe headers."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest

from archive.catalog import Catalog
from archive.settings import load_settings
from tests.conftest import run_cli
from tests.web_fixtures import make_app
from web.downloads import content_disposition

NAMES = {"crlf": "bad\r\nname.txt", "quoted": 'Kế hoạch "mật"; số 5\\6.txt'}


@pytest.fixture
def named_home(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """GIVEN text files whose names hold CR/LF, quotes, a semicolon, a backslash and accents,
    ingested and then made public."""
    folder, home = tmp_path / "in", tmp_path / "home"
    folder.mkdir()
    for key, name in NAMES.items():
        (folder / name).write_text(f"Nội dung tệp {key} zephyr{key}.\n", encoding="utf-8")
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    with Catalog(load_settings(home).catalog_path) as catalog:
        ids = {key: catalog.resolve(name) for key, name in NAMES.items()}
        for item_id in ids.values():
            item = catalog.get_item(item_id)
            catalog.update_item(replace(item, access="public"), actor="test",
                                action="access-changed", detail={"from": item.access,
                                                                 "to": "public"})
    return home, ids


def test_download_of_an_original_named_with_crlf(named_home):
    home, ids = named_home
    client = make_app(home).test_client()
    for key, item_id in ids.items():
        response = client.get(f"/items/{item_id}/original")
        assert response.status_code == 200, key
        header = response.headers["Content-Disposition"]
        assert "\r" not in header and "\n" not in header
        fallback = header.split('filename="', 1)[1].split('"', 1)[0]
        assert fallback.isascii() and not set('"\\;') & set(fallback), fallback
        encoded = header.split("filename*=UTF-8''", 1)[1]
        assert unquote(encoded) == NAMES[key].replace("\r", "_").replace("\n", "_")
        assert f"zephyr{key}".encode() in response.data


def test_content_disposition_fallback_keeps_the_name_readable():
    assert content_disposition("Kế hoạch 2017.pdf").startswith(
        'attachment; filename="Ke hoach 2017.pdf"; ')
