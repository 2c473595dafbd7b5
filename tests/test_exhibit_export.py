"""`ttdn exhibit export`: the printable catalogue (PDF) and the evidence pack (BagIt), opened and checked."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import bagit
import pymupdf

from archive.store import sha256_file

from .conftest import run_cli, run_json
from .test_exhibit_cli import CAPTIONS, LEAFLET, MAP, PLAN, SLUG, TITLE_VI, TITLE_ZH, build, ok

A4_LANDSCAPE, A3_LANDSCAPE = (842, 595), (1191, 842)
_PLAIN = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_LIGATURES  # "fi", not the ligature


def _items(home: Path) -> dict[str, dict]:
    return {source: run_json(home, "show", source) for source in CAPTIONS}


def _dpi(page: pymupdf.Page) -> list[float]:
    """The resolution of each picture on the page at its printed size."""
    return [info["width"] / (pymupdf.Rect(info["bbox"]).width / 72)
            for info in page.get_image_info()]


def test_catalogue_and_evidence_pack(corpus_copy, tmp_path):
    build(corpus_copy)
    pdf, bag_dir = tmp_path / "catalogue.pdf", tmp_path / "pack"
    result = run_json(corpus_copy, "exhibit", "export", SLUG, "--pdf", str(pdf),
                      "--bag", str(bag_dir))
    assert (result["items"], result["pages"], result["paper"]) == (3, 5, "a4")
    items = _items(corpus_copy)

    doc = pymupdf.open(pdf)
    assert doc.page_count == 2 + len(CAPTIONS)  # cover, introduction, one page per item
    assert all(tuple(round(v) for v in page.rect[2:]) == A4_LANDSCAPE for page in doc)
    cover = doc[0].get_text(flags=_PLAIN)
    assert "Hoàng Sa, Trường Sa" in cover and TITLE_ZH in cover and "LẠNG SƠN" in cover
    assert "展览介绍确认越南主权的地图和资料" in doc[1].get_text(flags=_PLAIN)
    for page, (source, (vi, en, zh)) in zip(list(doc)[2:], CAPTIONS.items()):
        text = " ".join(page.get_text(flags=_PLAIN).split())
        assert vi in text and en in text, source
        assert zh in text.replace(" ", ""), source  # a Chinese line may break anywhere
        item = items[source]
        assert f"SHA-256: {item['sha256']}" in text and item["id"] in text and source in text
        assert _dpi(page) and min(_dpi(page)) >= 150, (source, _dpi(page))
    assert len(doc.get_toc()) == 2 + len(CAPTIONS)

    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # raises BagValidationError on any wrong checksum or missing file
    assert "sha256" in bag.algorithms
    info = bag.info
    assert info["Exhibition-Title"] == TITLE_VI and info["Exhibition-Title-zh"] == TITLE_ZH
    assert info["Source-Organization"].startswith("Sở Thông tin") and info["Bagging-Date"]
    data = bag_dir / "data"
    for source, item in items.items():
        original = data / "originals" / Path(source).name
        assert sha256_file(original) == item["sha256"]
    assert (data / "catalogue.pdf").read_bytes() == pdf.read_bytes()
    with open(data / "captions.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["source"], r["caption_vi"], r["caption_zh"]) for r in rows] == [
        (s, vi, zh) for s, (vi, _en, zh) in CAPTIONS.items()]
    assert rows[0]["file"] == "originals/txu-oclc-6594628.jpg" and rows[2]["page"] == "1"
    captions = json.loads((data / "captions.json").read_text(encoding="utf-8"))
    assert captions["exhibition"]["titles"]["vi"] == TITLE_VI
    assert [i["sha256"] for i in captions["items"]] == [items[s]["sha256"] for s in CAPTIONS]
    exported = [e for e in run_json(corpus_copy, "exhibit", "show", SLUG)["events"]
                if e["action"] == "exhibit-exported"]
    assert exported and exported[0]["detail"]["pdf_sha256"] == sha256_file(pdf)


def test_a3_catalogue_with_crop_and_page(corpus_copy, tmp_path):
    build(corpus_copy)
    ok(corpus_copy, "exhibit", "set", SLUG, "1", "--crop", "0.1,0.1,0.6,0.5")
    ok(corpus_copy, "exhibit", "set", SLUG, "3", "--page", "2")
    pdf = tmp_path / "a3.pdf"
    ok(corpus_copy, "exhibit", "export", SLUG, "--pdf", str(pdf), "--paper", "a3")
    doc = pymupdf.open(pdf)
    assert all(tuple(round(v) for v in page.rect[2:]) == A3_LANDSCAPE for page in doc)
    map_page, plan_page = doc[2], doc[4]
    box = pymupdf.Rect(map_page.get_image_info()[0]["bbox"])
    assert 1.2 < box.width / box.height < 1.5  # the crop's shape (0.5 × 3966 by 0.4 × 3578 px)
    assert min(_dpi(map_page) + _dpi(plan_page)) >= 150
    assert "Trang / Page 2" in plan_page.get_text(flags=_PLAIN)


def test_public_exhibition_export_and_refused_targets(corpus_copy, tmp_path):
    build(corpus_copy)
    ok(corpus_copy, "exhibit", "publish", SLUG)
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("not ours")
    refused = run_cli(corpus_copy, "exhibit", "export", SLUG, "--bag", str(taken))
    assert refused.exit_code == 2 and "already exists" in refused.output
    assert (taken / "keep.txt").read_text() == "not ours"
    pdf = tmp_path / "public.pdf"
    ok(corpus_copy, "exhibit", "export", SLUG, "--pdf", str(pdf))
    cover = pymupdf.open(pdf)[0].get_text(flags=_PLAIN)
    assert "INTERNAL DRAFT" not in cover  # only unpublished exhibitions are marked as drafts
    assert not list(tmp_path.glob(".*partial*"))
    assert {LEAFLET, MAP, PLAN} == {e["source"] for e in
                                    run_json(corpus_copy, "exhibit", "show", SLUG,
                                             "--as", "public")["entries"]}
