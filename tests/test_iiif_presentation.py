"""IIIF Presentation API 3.0 manifests: loaded by iiif-prezi3 and checked against our schema.

GIVEN the IIIF test archive (pattern, map, PDF public; a photo internal) and a published
exhibition holding the map cropped and the pattern, seen through the Flask test client.
"""
from __future__ import annotations

import json

import jsonschema
import pytest
from iiif_prezi3 import Manifest

import exhibits
from archive.catalog import Catalog
from archive.settings import load_settings
from tests.conftest import FIXTURES
from tests.iiif_fixtures import PATTERN_NAME, item_ids, make_iiif_archive
from web.app import create_app

SCHEMA = json.loads((FIXTURES / "iiif-presentation-3.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    home = make_iiif_archive(tmp_path_factory.mktemp("iiif-p"))
    ids = item_ids(home)
    with Catalog(load_settings(home).catalog_path) as catalog:
        exhibits.create(catalog, "ban-do-lang-son", {"vi": "Bản đồ Lạng Sơn", "en": "Maps"},
                        actor="curator")
        exhibits.add_item(catalog, "ban-do-lang-son", ids["map.tif"], crop=(0.5, 0.5, 1, 1),
                          captions={"vi": "Góc đông nam", "en": "South-east corner"},
                          actor="curator")
        exhibits.add_item(catalog, "ban-do-lang-son", ids[PATTERN_NAME],
                          captions={"vi": "Mẫu"}, actor="curator")
        exhibits.publish(catalog, "ban-do-lang-son", actor="curator")
    app = create_app({"TTDN_HOME": str(home), "TESTING": True})
    return {"client": app.test_client(), "ids": ids}


def _manifest(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


@pytest.mark.parametrize("name", ["map.tif", "plan.pdf", PATTERN_NAME])
def test_item_manifest_loads_in_prezi3_and_fits_the_schema(archive, name):
    found = _manifest(archive["client"], f"/iiif/3/{archive['ids'][name]}/manifest.json")
    jsonschema.validate(found, SCHEMA)
    loaded = Manifest(**found)
    assert loaded.items[0].width == found["items"][0]["width"]


def test_item_manifest_says_rights_provenance_and_languages(archive):
    item = archive["ids"]["map.tif"]
    found = _manifest(archive["client"], f"/iiif/3/{item}/manifest.json")
    assert found["label"] == {"vi": ["Bản đồ thành phố Lạng Sơn"]}
    labels = [row["label"] for row in found["metadata"]]
    assert {"vi": ["Loại"], "en": ["Kind"], "zh": ["类型"]} in labels
    provenance = next(r for r in found["metadata"] if r["label"]["en"] == ["Provenance"])
    assert provenance["value"]["none"][0].startswith("sha256:") and "map.tif" in str(provenance)
    assert set(found["requiredStatement"]["label"]) == {"vi", "en", "zh"}
    assert found["seeAlso"][0]["id"].endswith(f"/api/items/{item}")
    canvas = found["items"][0]
    assert (canvas["width"], canvas["height"]) == (3000, 2000)
    service = canvas["items"][0]["items"][0]["body"]["service"][0]["id"]
    assert service.endswith(f"/iiif/3/{item}/1")


def test_pdf_canvas_has_the_size_of_its_tiles(archive):
    client, item = archive["client"], archive["ids"]["plan.pdf"]
    canvas = _manifest(client, f"/iiif/3/{item}/manifest.json")["items"][0]
    info = client.get(f"/iiif/3/{item}/1/info.json").get_json()
    assert (canvas["width"], canvas["height"]) == (info["width"], info["height"])


def test_exhibition_manifest_has_captions_and_crop_regions(archive):
    found = _manifest(archive["client"], "/iiif/3/exhibitions/ban-do-lang-son/manifest.json")
    jsonschema.validate(found, SCHEMA)
    Manifest(**found)
    assert found["label"] == {"vi": ["Bản đồ Lạng Sơn"], "en": ["Maps"]}
    cropped, whole = found["items"]
    assert cropped["label"] == {"vi": ["Góc đông nam"], "en": ["South-east corner"]}
    target = cropped["annotations"][0]["items"][0]["target"]
    assert target == f"{cropped['id']}#xywh=1500,1000,1500,1000"
    assert "annotations" not in whole


def test_hidden_item_has_no_manifest_for_anonymous(archive):
    client = archive["client"]
    hidden = client.get(f"/iiif/3/{archive['ids']['secret.png']}/manifest.json")
    missing = client.get("/iiif/3/0000000000000000/manifest.json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.data == missing.data
    assert client.get("/iiif/3/exhibitions/khong-co/manifest.json").status_code == 404
