"""The OAI-PMH 2.0 data provider (/oai) against the specification: verbs, formats, errors,
deleted records, resumption tokens; every response validated against the OAI-PMH schemas."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from archive.settings import load_settings
from archive.editing import save_one
from archive.users import Users
from search.index import open_index, sync_index
from tests.oai_fixtures import *  # noqa: F401,F403
from tests.oai_fixtures import OAI_NS, SECRET_WORD, TTDN_XSD, catalog_of, ingest, oai_validator, \
    public_ids, write_items
from web import create_app

PAGE = 4  # records per response: the 12 public items need 3 pages


@pytest.fixture(scope="module")
def validator():
    return oai_validator()


def _app(home, **config):
    return create_app({"TESTING": True, "TTDN_HOME": str(home), "SECRET_KEY": "oai-test-key",
                       "OAI_PAGE_SIZE": PAGE, **config})


@pytest.fixture(scope="module")
def client(oai_home):
    return _app(oai_home).test_client()


def _get(client, validator, **args) -> ET.Element:
    """One response, checked: 200, text/xml, valid against the schemas."""
    response = client.get("/oai", query_string=args)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    body = response.get_data()
    validator.validate(body)
    return ET.fromstring(body)


def _error(root: ET.Element) -> str | None:
    found = root.find("o:error", OAI_NS)
    return found.get("code") if found is not None else None


def _harvest(client, validator, verb="ListRecords", **args) -> tuple[list[ET.Element], list]:
    """Every page of a list request: (pages, records or headers in order)."""
    pages, found = [], []
    root = _get(client, validator, verb=verb, **args)
    while True:
        assert _error(root) is None, ET.tostring(root)
        pages.append(root)
        tag = "o:record" if verb == "ListRecords" else "o:header"
        found += root.find(f"o:{verb}", OAI_NS).findall(tag, OAI_NS)
        token = root.find(f"o:{verb}/o:resumptionToken", OAI_NS)
        if token is None or not (token.text or "").strip():
            return pages, found
        root = _get(client, validator, verb=verb, resumptionToken=token.text)


def _ids(entries) -> list[str]:
    ids = []
    for entry in entries:
        header = entry if entry.tag.endswith("header") else entry.find("o:header", OAI_NS)
        ids.append(header.findtext("o:identifier", namespaces=OAI_NS).rsplit(":", 1)[1])
    return ids


@pytest.mark.parametrize("prefix", ["oai_dc", "ttdn"])
def test_a_full_harvest_is_valid_and_holds_exactly_the_public_items(client, validator, oai_home,
                                                                    prefix):
    pages, records = _harvest(client, validator, metadataPrefix=prefix)
    assert len(pages) >= 3
    assert sorted(_ids(records)) == sorted(public_ids(oai_home))
    tokens = [p.find("o:ListRecords/o:resumptionToken", OAI_NS) for p in pages]
    assert [int(t.get("cursor")) for t in tokens] == [n * PAGE for n in range(len(pages))]
    assert {t.get("completeListSize") for t in tokens} == {str(len(records))}
    assert all(t.get("expirationDate") for t in tokens[:-1]) and not tokens[-1].text
    for page in pages:
        assert SECRET_WORD not in ET.tostring(page, encoding="unicode")


def test_oai_dc_carries_the_fields_with_languages(client, validator):
    _, records = _harvest(client, validator, metadataPrefix="oai_dc", set="kind:map")
    by_title = {r.findtext(".//dc:title", namespaces=OAI_NS): r for r in records}
    carte = by_title["Bản đồ tỉnh Lạng Sơn"].find(".//oai_dc:dc", OAI_NS)
    assert carte.find("dc:title", OAI_NS).get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    assert [e.text for e in carte.findall("dc:language", OAI_NS)] == ["vi", "fr"]
    assert "StillImage" in [e.text for e in carte.findall("dc:type", OAI_NS)]
    assert {"Lạng Sơn", "Đồng Đăng", "1930-1940"} <= {e.text for e in
                                                      carte.findall("dc:coverage", OAI_NS)}
    assert carte.findtext("dc:identifier", namespaces=OAI_NS).startswith("http://localhost/items/")


def test_ttdn_carries_the_administrative_fields(client, validator):
    _, records = _harvest(client, validator, metadataPrefix="ttdn",
                          set="collection:van-ban-phap-luat")
    plan = next(r.find(".//t:record", OAI_NS) for r in records
                if r.findtext(".//t:docNumber", namespaces=OAI_NS) == "3/KH-UBND")
    assert plan.findtext("t:issuer", namespaces=OAI_NS) == "UBND tỉnh Lạng Sơn"
    assert plan.findtext("t:leadUnit", namespaces=OAI_NS) == "Sở Ngoại vụ"
    assert [e.text for e in plan.findall("t:partnerUnit", OAI_NS)] == [
        "Sở Thông tin và Truyền thông", "Công an tỉnh"]
    assert plan.findtext("t:abstract", namespaces=OAI_NS) == "Kế hoạch số 3 về thông tin đối ngoại"
    assert plan.findtext("t:description", namespaces=OAI_NS) == "Trích yếu kế hoạch 3"
    assert plan.findtext("t:date", namespaces=OAI_NS) == "2017-03-13"


def test_sets_are_listed_and_select(client, validator, oai_home):
    root = _get(client, validator, verb="ListSets")
    specs = [s.findtext("o:setSpec", namespaces=OAI_NS) for s in root.iter(f"{{{OAI_NS['o']}}}set")]
    assert {"collection", "kind", "lang", "collection:van-ban-phap-luat", "collection:ban-do",
            "kind:map", "kind:document", "lang:zh", "lang:fr"} <= set(specs)
    assert not any(SECRET_WORD in s or "mat-" in s for s in specs)
    _, maps = _harvest(client, validator, verb="ListIdentifiers", metadataPrefix="oai_dc",
                       set="kind:map")
    assert len(maps) == 2
    _, chinese = _harvest(client, validator, verb="ListIdentifiers", metadataPrefix="oai_dc",
                          set="lang:zh")
    assert len(chinese) == 1
    _, every = _harvest(client, validator, verb="ListIdentifiers", metadataPrefix="oai_dc",
                        set="kind")
    assert len(every) == len(public_ids(oai_home))


def test_identify_formats_and_get_record(client, validator, oai_home):
    root = _get(client, validator, verb="Identify")
    assert root.findtext(".//o:deletedRecord", namespaces=OAI_NS) == "persistent"
    assert root.findtext(".//o:granularity", namespaces=OAI_NS) == "YYYY-MM-DDThh:mm:ssZ"
    earliest = root.findtext(".//o:earliestDatestamp", namespaces=OAI_NS)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", earliest)
    root = _get(client, validator, verb="ListMetadataFormats")
    assert [e.text for e in root.iter(f"{{{OAI_NS['o']}}}metadataPrefix")] == ["oai_dc", "ttdn"]
    item_id = sorted(public_ids(oai_home))[0]
    identifier = f"oai:ttdn.langson.gov.vn:{item_id}"
    root = _get(client, validator, verb="GetRecord", identifier=identifier, metadataPrefix="ttdn")
    assert root.findtext(".//t:identifier", namespaces=OAI_NS) == item_id
    formats = _get(client, validator, verb="ListMetadataFormats", identifier=identifier)
    assert _error(formats) is None


def test_post_answers_as_get(client, validator):
    response = client.post("/oai", data={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert response.status_code == 200
    validator.validate(response.get_data())
    assert b"<ListIdentifiers>" in response.get_data()


def _hidden_id(home) -> str:
    with catalog_of(home) as catalog:
        return next(i for i in catalog.item_ids() if catalog.get_item(i).access != "public")


@pytest.mark.parametrize("args, code", [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2017-13-45"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2017-01-01",
      "until": "2018-01-01T00:00:00Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2018-01-02",
      "until": "2018-01-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "bad set"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "GetRecord", "identifier": "oai:ttdn.langson.gov.vn:x"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "identifier": "oai:ttdn.langson.gov.vn:nope",
      "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": "nope"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2000-01-01"},
     "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "collection:khong-co"},
     "noRecordsMatch"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
])
def test_every_error_code(client, validator, args, code):
    root = _get(client, validator, **args)
    assert _error(root) == code
    request = root.find("o:request", OAI_NS)
    if code in ("badVerb", "badArgument"):
        assert request.attrib == {}  # the specification: nothing echoed


def test_repeated_arguments_are_bad(client, validator):
    response = client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=ttdn")
    validator.validate(response.get_data())
    assert b'code="badArgument"' in response.get_data()


def test_a_hidden_item_is_no_record_anywhere(client, validator, oai_home):
    identifier = f"oai:ttdn.langson.gov.vn:{_hidden_id(oai_home)}"
    for verb in ("GetRecord", "ListMetadataFormats"):
        args = {"metadataPrefix": "oai_dc"} if verb == "GetRecord" else {}
        assert _error(_get(client, validator, verb=verb, identifier=identifier, **args)) == \
            "idDoesNotExist"


def test_no_sets_in_an_empty_archive_and_empty_lists(tmp_path, validator):
    client = _app(tmp_path / "empty").test_client()
    assert _error(_get(client, validator, verb="ListSets")) == "noSetHierarchy"
    assert _error(_get(client, validator, verb="ListIdentifiers", metadataPrefix="oai_dc")) == \
        "noRecordsMatch"
    _get(client, validator, verb="Identify")


def test_tokens_expire_and_cannot_be_altered(oai_home, validator):
    client = _app(oai_home, OAI_TOKEN_TTL=-1).test_client()
    root = _get(client, validator, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.findtext(".//o:resumptionToken", namespaces=OAI_NS)
    again = _get(client, validator, verb="ListIdentifiers", resumptionToken=token)
    assert _error(again) == "badResumptionToken" and "expired" in again.findtext(
        "o:error", namespaces=OAI_NS)
    client = _app(oai_home).test_client()
    token = _get(client, validator, verb="ListIdentifiers", metadataPrefix="oai_dc").findtext(
        ".//o:resumptionToken", namespaces=OAI_NS)
    body, sig = token.split(".")
    assert _error(_get(client, validator, verb="ListIdentifiers",
                       resumptionToken=f"{body[:-2]}AA.{sig}")) == "badResumptionToken"
    assert _error(_get(client, validator, verb="ListRecords", resumptionToken=token)) == \
        "badResumptionToken"  # a ListIdentifiers token
    other = _app(oai_home, SECRET_KEY="another-key").test_client()
    assert _error(_get(other, validator, verb="ListIdentifiers", resumptionToken=token)) == \
        "badResumptionToken"


def _make_internal(home, item_id: str) -> None:
    """What the staff edit page does (archive/editing.py): the access change, then re-index."""
    ix = open_index(load_settings(home).index_dir)
    with catalog_of(home) as catalog:
        users = Users(catalog)
        if users.get("adam") is None:
            users.add("adam", "admin", "correct horse battery staple")
        item = catalog.get_item(item_id)
        save_one(catalog, lambda: sync_index(ix, catalog), users.get("adam"), item,
                 {"access": {"from": item.access, "to": "internal"}})


def test_an_item_made_internal_is_deleted_for_ever_and_comes_back(oai_copy, validator):
    client = _app(oai_copy).test_client()
    before = _get(client, validator, verb="Identify").findtext("o:responseDate",
                                                               namespaces=OAI_NS)
    target = sorted(public_ids(oai_copy))[0]
    _make_internal(oai_copy, target)
    _, headers = _harvest(client, validator, verb="ListIdentifiers", metadataPrefix="oai_dc",
                          **{"from": before})
    gone = [h for h in headers if _ids([h]) == [target]]
    assert len(gone) == 1 and gone[0].get("status") == "deleted"
    assert gone[0].findtext("o:datestamp", namespaces=OAI_NS) >= before
    record = _get(client, validator, verb="GetRecord", metadataPrefix="ttdn",
                  identifier=f"oai:ttdn.langson.gov.vn:{target}").find(".//o:record", OAI_NS)
    assert record.find("o:header", OAI_NS).get("status") == "deleted"
    assert record.find("o:metadata", OAI_NS) is None
    _, full = _harvest(client, validator, metadataPrefix="oai_dc")
    assert len(full) == 12  # still counted, as a deleted record
    listed = {e.text for e in _get(client, validator, verb="ListSets").iter(
        f"{{{OAI_NS['o']}}}setSpec")}
    assert {e.text for r in full for e in r.iter(f"{{{OAI_NS['o']}}}setSpec")} <= listed
    with catalog_of(oai_copy) as catalog:  # public again: a record again
        item = catalog.get_item(target)
        catalog.update_item(replace(item, access="public"), actor="sam",
                            action="access-changed", detail={"from": "internal", "to": "public"})
    record = _get(client, validator, verb="GetRecord", metadataPrefix="oai_dc",
                  identifier=f"oai:ttdn.langson.gov.vn:{target}").find(".//o:record", OAI_NS)
    assert record.find("o:header", OAI_NS).get("status") is None
    assert record.find("o:metadata", OAI_NS) is not None


def test_items_added_and_changed_mid_harvest_are_neither_skipped_nor_repeated(oai_copy, tmp_path,
                                                                              validator):
    client = _app(oai_copy).test_client()
    expected = public_ids(oai_copy)
    first = _get(client, validator, verb="ListIdentifiers", metadataPrefix="oai_dc")
    started = first.findtext("o:responseDate", namespaces=OAI_NS)
    seen = _ids(first.find("o:ListIdentifiers", OAI_NS).findall("o:header", OAI_NS))
    # Between pages: new public items arrive, and an already delivered one is edited.
    write_items(tmp_path / "more", [[f"new-{n}.txt", f"Tài liệu mới {n}", "document", "vi",
                                     "public", "Văn bản pháp luật", "", "", "", "", "", "", "",
                                     ""] for n in range(6)])
    ingest(oai_copy, tmp_path / "more")
    with catalog_of(oai_copy) as catalog:
        item = catalog.get_item(seen[0])
        catalog.update_item(replace(item, title="Đã sửa"), actor="sam")
    token = first.findtext(".//o:resumptionToken", namespaces=OAI_NS)
    while token:
        page = _get(client, validator, verb="ListIdentifiers", resumptionToken=token)
        seen += _ids(page.find("o:ListIdentifiers", OAI_NS).findall("o:header", OAI_NS))
        token = page.findtext(".//o:resumptionToken", namespaces=OAI_NS)
    assert len(seen) == len(set(seen)) and set(seen) == expected
    # The next incremental harvest, from when this one began, brings the new and the edited.
    _, later = _harvest(client, validator, verb="ListIdentifiers", metadataPrefix="oai_dc",
                        **{"from": started})
    assert len(later) >= 7 and seen[0] in _ids(later)
    assert public_ids(oai_copy) <= set(_ids(later)) | expected


def test_characters_xml_cannot_hold_are_dropped_and_markup_is_escaped(oai_copy, validator):
    target = sorted(public_ids(oai_copy))[0]
    with catalog_of(oai_copy) as catalog:
        item = catalog.get_item(target)
        catalog.update_item(replace(item, title="Bad\x01\x0b\ufffe title <b>&</b>",
                                    description="x\x00y"), actor="sam")
    client = _app(oai_copy).test_client()
    root = _get(client, validator, verb="GetRecord", metadataPrefix="oai_dc",
                identifier=f"oai:ttdn.langson.gov.vn:{target}")
    assert root.findtext(".//dc:title", namespaces=OAI_NS) == "Bad title <b>&</b>"


def test_the_ttdn_schema_is_served_at_a_stable_url(client):
    import xmlschema

    response = client.get("/oai/ttdn.xsd")
    assert response.status_code == 200 and response.get_data() == TTDN_XSD.read_bytes()
    assert "public" in response.headers["Cache-Control"]
    xmlschema.XMLSchema(TTDN_XSD, allow="local")  # a valid schema in itself


def test_ttdn_links_the_iiif_manifest_and_thumbnail_of_an_image(oai_copy, tmp_path, validator):
    from PIL import Image

    folder = tmp_path / "photo"
    folder.mkdir()
    Image.new("RGB", (200, 150), "gray").save(folder / "anh.jpg")
    (folder / "manifest.csv").write_text("file,title,kind,languages,access\n"
                                         "anh.jpg,Ảnh,photo,vi,public\n", encoding="utf-8")
    ingest(oai_copy, folder)
    client = _app(oai_copy).test_client()
    _, records = _harvest(client, validator, metadataPrefix="ttdn", set="kind:photo")
    (photo,) = [r.find(".//t:record", OAI_NS) for r in records]
    for tag in ("iiifManifest", "thumbnail"):
        url = photo.findtext(f"t:{tag}", namespaces=OAI_NS)
        assert url and client.get(url).status_code == 200, tag
