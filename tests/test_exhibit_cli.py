"""`ttdn exhibit …` on the ingested corpus: building, publishing rules, events, exit codes, finding maps."""
from __future__ import annotations

import csv
from pathlib import Path

from PIL import Image, ImageDraw

from .conftest import run_cli, run_json

SLUG = "hoang-sa-2026"
MAP = "media/txu-oclc-6594628.jpg"
LEAFLET = "scans/to-roi-hoang-sa-truong-sa-viet-anh.pdf"
PLAN = "scans/kh-51-ubnd-2017-lang-son.pdf"
PHOTO = "media/anh-cua-khau-huu-nghi-2017.jpg"  # internal
TITLE_VI = "Hoàng Sa, Trường Sa của Việt Nam – Những bằng chứng lịch sử và pháp lý"
TITLE_ZH = "黄沙、长沙属于越南——历史和法律证据"
CAPTIONS = {
    MAP: ("Bản đồ thành phố do Cục Bản đồ Quân đội Hoa Kỳ lập, tỷ lệ 1:10.000 (1944–1945).",
          "City plan sheet of the U.S. Army Map Service, 1:10,000 (1944–45).",
          "美国陆军制图局城市地图，比例尺一比一万（1944–1945年）。"),
    LEAFLET: ("Tờ rơi triển lãm về hai quần đảo Hoàng Sa và Trường Sa, song ngữ Việt – Anh.",
              "Exhibition leaflet on the Hoang Sa and Truong Sa archipelagos.",
              "关于黄沙群岛和长沙群岛的展览传单。"),
    PLAN: ("Kế hoạch 51/KH-UBND năm 2017 về hoạt động thông tin đối ngoại của tỉnh Lạng Sơn.",
           "Plan 51/KH-UBND (2017) on foreign-information work in Lạng Sơn province.",
           "谅山省2017年对外信息工作计划。"),
}


def ok(home: Path, *args: str):
    """Run a command that must succeed."""
    result = run_cli(home, *args)
    assert result.exit_code == 0, result.output
    return result


def build(home: Path, *, slug: str = SLUG) -> None:
    """GIVEN the corpus, WHEN a curator creates a trilingual exhibition of three public items."""
    ok(home, "exhibit", "create", slug, "--title", TITLE_VI,
       "--title-en", "Hoang Sa and Truong Sa belong to Viet Nam – Historical and legal evidence",
       "--title-zh", TITLE_ZH, "--organization", "Sở Thông tin và Truyền thông tỉnh Lạng Sơn",
       "--intro", "Triển lãm giới thiệu bản đồ, tư liệu khẳng định chủ quyền của Việt Nam.",
       "--intro-en", "Maps and documents affirming Viet Nam's sovereignty.",
       "--intro-zh", "展览介绍确认越南主权的地图和资料。")
    for source, (vi, en, zh) in CAPTIONS.items():
        section = "Bản đồ" if source == MAP else "Tư liệu"
        ok(home, "exhibit", "add", slug, source, "--caption", vi, "--caption-en", en,
           "--caption-zh", zh, "--section", section)


def _actions(home: Path, slug: str = SLUG) -> list[str]:
    return [e["action"] for e in run_json(home, "exhibit", "show", slug)["events"]]


def test_create_add_list_show(corpus_copy):
    build(corpus_copy)
    listed = run_json(corpus_copy, "exhibit", "list")["exhibitions"]
    assert [(x["slug"], x["items"], x["access"]) for x in listed] == [(SLUG, 3, "internal")]
    shown = run_json(corpus_copy, "exhibit", "show", SLUG)
    assert shown["titles"]["zh"] == TITLE_ZH
    assert [e["source"] for e in shown["entries"]] == list(CAPTIONS)
    assert shown["entries"][0]["captions"]["en"].startswith("City plan sheet")
    assert shown["entries"][2]["page"] == 1  # a document shows its first page by default
    assert [s["name"] for s in shown["sections"]] == ["Bản đồ", "Tư liệu"]
    events = shown["events"]
    assert [e["action"] for e in events][:2] == ["exhibit-created", "exhibit-section-defined"]
    added = [e for e in events if e["action"] == "exhibit-item-added"]
    assert len(added) == 3 and all(e["actor"].startswith("cli") and e["at"] for e in added)


def test_publish_refuses_non_public_items_naming_each(corpus_copy):
    build(corpus_copy)
    ok(corpus_copy, "exhibit", "add", SLUG, PHOTO, "--caption", "Cửa khẩu quốc tế Hữu Nghị")
    refused = run_cli(corpus_copy, "exhibit", "publish", SLUG)
    assert refused.exit_code == 4, refused.output
    assert PHOTO in refused.output and "internal" in refused.output and MAP not in refused.output
    assert run_json(corpus_copy, "exhibit", "list", "--as", "public")["exhibitions"] == []
    ok(corpus_copy, "exhibit", "remove", SLUG, "4")
    ok(corpus_copy, "exhibit", "publish", SLUG)
    public = run_json(corpus_copy, "exhibit", "list", "--as", "public")["exhibitions"]
    assert [(x["slug"], x["access"], x["items"]) for x in public] == [(SLUG, "public", 3)]
    # A public exhibition takes no non-public item: unpublish first.
    again = run_cli(corpus_copy, "exhibit", "add", SLUG, PHOTO)
    assert again.exit_code == 4 and "unpublish" in again.output
    assert {"exhibit-item-removed", "exhibit-published"} <= set(_actions(corpus_copy))


def test_reorder_and_caption_edit_are_events(corpus_copy):
    build(corpus_copy)
    ok(corpus_copy, "exhibit", "move", SLUG, "3", "1")
    ok(corpus_copy, "exhibit", "caption", SLUG, "1", "--caption-en", "Plan 51/KH-UBND, page 1.",
       "--caption-zh", "")
    ok(corpus_copy, "exhibit", "set", SLUG, "1", "--page", "2", "--crop", "0,0,1,0.5",
       "--note", "Trang 2", "--section", "Văn bản")
    shown = run_json(corpus_copy, "exhibit", "show", SLUG)
    first = shown["entries"][0]
    assert [e["source"] for e in shown["entries"]] == [PLAN, MAP, LEAFLET]
    assert first["captions"]["en"] == "Plan 51/KH-UBND, page 1." and "zh" not in first["captions"]
    assert (first["page"], first["crop"], first["note"], first["section"]) == (2, [0, 0, 1, 0.5],
                                                                               "Trang 2", "Văn bản")
    reorder = next(e for e in shown["events"] if e["action"] == "exhibit-reordered")
    assert reorder["detail"]["from"] == 3 and reorder["detail"]["to"] == 1
    edit = next(e for e in shown["events"] if e["action"] == "exhibit-caption-edited")
    assert edit["detail"]["captions"] == {"en": "Plan 51/KH-UBND, page 1.", "zh": ""}
    assert {"exhibit-item-edited", "exhibit-section-set"} <= set(_actions(corpus_copy))


def test_usage_and_not_found_exit_codes(corpus_copy):
    build(corpus_copy)
    cases = [
        (4, ("exhibit", "add", "no-such-show", MAP)),
        (4, ("exhibit", "add", SLUG, "no/such/file.pdf")),
        (4, ("exhibit", "show", "no-such-show")),
        (2, ("exhibit", "create", "Bad Slug!", "--title", "x")),
        (2, ("exhibit", "create", SLUG, "--title", "again")),
        (2, ("exhibit", "create", "no-title", "--title-en", "English only")),
        (2, ("exhibit", "add", SLUG, PLAN, "--page", "99")),
        (2, ("exhibit", "add", SLUG, MAP, "--crop", "0.5,0,0.2,1")),
        (2, ("exhibit", "move", SLUG, "1", "9")),
        (2, ("exhibit", "export", SLUG)),
        (2, ("exhibit", "export", SLUG, "--pdf", "x.pdf", "--paper", "a5")),
        (2, ("exhibit", "find", "--period", "long ago")),
    ]
    for code, args in cases:
        result = run_cli(corpus_copy, *args)
        assert result.exit_code == code, (args, result.output)
        assert "Traceback" not in result.output


def test_find_maps_by_period_place_and_creator(corpus_copy):
    found = run_json(corpus_copy, "exhibit", "find", "--period", "c. 1940")
    assert [h["source"] for h in found["hits"]] == [MAP]
    assert found["hits"][0]["period"] == "1944/1945"
    by_creator = run_json(corpus_copy, "exhibit", "find", "--creator", "army map service")
    assert [h["source"] for h in by_creator["hits"]] == [MAP]
    assert run_json(corpus_copy, "exhibit", "find", "--period", "1800-1900")["hits"] == []
    places = run_json(corpus_copy, "exhibit", "find", "--kind", "any", "--place", "Hoang Sa")
    assert LEAFLET in {h["source"] for h in places["hits"]}
    public = run_json(corpus_copy, "exhibit", "find", "--kind", "any", "--place", "Hữu Nghị",
                      "--as", "public")
    assert PHOTO not in {h["source"] for h in public["hits"]}


def test_map_scale_period_recorded_and_searchable(tmp_path):
    """GIVEN a redrawn c. 1838 map with a manifest row giving its scale, places and creator,
    WHEN it is ingested, THEN it is archived (its OCR never blocks it) and found by each field."""
    folder = tmp_path / "maps"
    folder.mkdir()
    image = Image.new("RGB", (900, 600), "#f4ecd8")
    draw = ImageDraw.Draw(image)
    draw.polygon([(80, 80), (300, 60), (420, 300), (200, 520)], outline="#333", width=3)
    draw.text((520, 200), "HOANG SA", fill="#222")
    draw.text((560, 420), "VAN LY TRUONG SA", fill="#222")
    image.save(folder / "dai-nam-nhat-thong-toan-do.png", dpi=(150, 150))
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "title", "kind", "languages", "access", "period", "places",
                         "scale", "creator"])
        writer.writerow(["dai-nam-nhat-thong-toan-do.png", "Đại Nam nhất thống toàn đồ (vẽ lại)",
                         "map", "vi", "public", "c. 1838", "Hoàng Sa;Vạn Lý Trường Sa",
                         "1:3.000.000", "Quốc sử quán triều Nguyễn"])
    home = tmp_path / "home"
    ingest = run_cli(home, "ingest", str(folder))
    assert ingest.exit_code == 0, ingest.output
    shown = run_json(home, "show", "dai-nam-nhat-thong-toan-do.png")
    assert (shown["kind"], shown["period"], shown["scale"]) == ("map", "c. 1838", "1:3.000.000")
    for args in (("--period", "1830-1840"), ("--period", "c. 1845"), ("--place", "hoang sa"),
                 ("--scale", "3.000.000"), ("--creator", "quoc su quan")):
        found = run_json(home, "exhibit", "find", *args)
        assert [h["source"] for h in found["hits"]] == ["dai-nam-nhat-thong-toan-do.png"], args
        assert found["hits"][0]["scale"] == "1:3.000.000"
    assert run_json(home, "exhibit", "find", "--period", "1900..")["hits"] == []
