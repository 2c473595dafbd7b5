"""No CSV the project writes hands a spreadsheet a formula: captions.csv and stats.csv alike."""
from __future__ import annotations

import csv
import json

import exhibits
from archive.catalog import Catalog
from archive.csvsafe import csv_safe
from archive.settings import load_settings
from tests.web_fixtures import *  # noqa: F401,F403
from web.staff import stats_csv

# Captions are trimmed when saved, so a leading tab or CR is tested on csv_safe alone.
HOSTILE = {"en": '=HYPERLINK("http://evil.example/x","Bấm vào đây")',
           "vi": "@SUM(1+1)*cmd|' /C calc'!A0", "zh": "+1+2", "fr": "-2+3", "ja": "=1+1",
           "ko": "@A1"}


def test_csv_safe_prefixes_every_formula_start():
    for text in (*HOSTILE.values(), "\t=1+1", "\r=1+1"):
        assert csv_safe(text) == "'" + text
    assert csv_safe("Kế hoạch 51/KH-UBND") == "Kế hoạch 51/KH-UBND"
    assert csv_safe(-3) == -3 and csv_safe(None) is None  # numbers stay numbers


def test_evidence_pack_captions_csv_runs_no_formula(private_home, ids, tmp_path):
    """GIVEN captions and a note that a spreadsheet would run WHEN the evidence pack is written
    THEN captions.csv holds them as text (a leading '), and captions.json holds them unchanged."""
    settings = load_settings(private_home)
    with Catalog(settings.catalog_path) as catalog:
        exhibits.create(catalog, "cong-thuc", {"vi": "Công thức", "en": "Formulas"}, actor="cora")
        exhibits.add_item(catalog, "cong-thuc", ids["public"], captions=HOSTILE,
                          note="=cmd|' /C calc'!A0", section="-Phần", actor="cora")
        exhibits.export(settings, catalog, "cong-thuc", bag=tmp_path / "bag", actor="cora")
    with open(tmp_path / "bag" / "data" / "captions.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = rows[0]
    for lang, text in HOSTILE.items():
        assert row[f"caption_{lang}"] == "'" + text, lang
    assert row["note"] == "'=cmd|' /C calc'!A0" and row["section"] == "'-Phần"
    for cells in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in cells.values())
    document = json.loads((tmp_path / "bag" / "data" / "captions.json").read_text("utf-8"))
    assert document["items"][0]["captions"] == HOSTILE


def test_stats_csv_neutralises_titles_and_keys():
    text = stats_csv({"by_lead_unit": {"@Sở": 2, "-1": 3}, "items": 4,
                      "low_confidence": [{"item_id": "ab", "title": "=1+1", "n": 1,
                                          "confidence": -1}]})
    rows = list(csv.reader(text.splitlines()))
    assert ["by_lead_unit", "'@Sở", "2"] in rows and ["by_lead_unit", "'-1", "3"] in rows
    assert rows[-1][2].startswith("'=1+1")
