"""The exhibitions API on a small catalog: ordering, captions, sections, access rules, periods."""
from __future__ import annotations

import unicodedata

import pytest

import exhibits
from archive.catalog import Catalog
from archive.errors import NotFound, UsageError
from archive.models import Item


@pytest.fixture
def catalog(tmp_path):
    """A catalog with three public records and an internal one (no files needed)."""
    with Catalog(tmp_path / "catalog.sqlite3") as cat:
        for item_id, access in (("a", "public"), ("b", "public"), ("c", "public"),
                                ("secret", "internal")):
            cat.save_item(Item(id=item_id, kind="map", access=access, title=f"Bản đồ {item_id}"),
                          sources=[f"maps/{item_id}.jpg"])
        exhibits.create(cat, "show", {"vi": "Triển lãm", "en": "Exhibition"}, actor="tester")
        yield cat


def _order(catalog) -> list[str]:
    return [e.item_id for e in exhibits.get(catalog, "show").entries]


def test_add_by_source_and_move(catalog):
    for ref in ("maps/a.jpg", "b", "c"):
        exhibits.add_item(catalog, "show", ref, actor="tester")
    exhibits.add_item(catalog, "show", "a", position=1, actor="tester")  # the same map twice
    assert _order(catalog) == ["a", "a", "b", "c"]
    exhibits.move_item(catalog, "show", 4, 1, actor="tester")
    assert _order(catalog) == ["c", "a", "a", "b"]
    exhibits.move_item(catalog, "show", 1, 4, actor="tester")
    assert _order(catalog) == ["a", "a", "b", "c"]
    exhibits.remove_item(catalog, "show", 2, actor="tester")
    assert _order(catalog) == ["a", "b", "c"]
    assert [e.position for e in exhibits.get(catalog, "show").entries] == [1, 2, 3]


def test_captions_merge_normalize_and_refuse_unknown_languages(catalog):
    decomposed = unicodedata.normalize("NFD", "Trường Sa")
    exhibits.add_item(catalog, "show", "a", captions={"vi": decomposed, "en": "Truong Sa"},
                      actor="tester")
    entry = exhibits.set_caption(catalog, "show", 1, {"ja": "長沙", "en": ""}, actor="ed")
    assert entry.captions == {"vi": "Trường Sa", "ja": "長沙"}  # NFC, English removed
    with pytest.raises(UsageError, match="unknown language"):
        exhibits.set_caption(catalog, "show", 1, {"de": "Spratly"}, actor="ed")
    edits = [e for e in exhibits.events(catalog, "show") if e.action == "exhibit-caption-edited"]
    assert [(e.actor, e.item_id, e.detail["captions"]) for e in edits] == [
        ("ed", "a", {"ja": "長沙", "en": ""})]


def test_sections_and_languages(catalog):
    exhibits.add_item(catalog, "show", "a", section="Bản đồ cổ", captions={"zh": "古地图"},
                      actor="tester")
    exhibits.define_section(catalog, "show", "Bản đồ cổ", {"en": "Old maps"}, actor="tester")
    exhibition = exhibits.get(catalog, "show")
    assert [(s.name, s.titles) for s in exhibition.sections] == [("Bản đồ cổ", {"en": "Old maps"})]
    assert exhibits.languages_of(exhibition) == ["vi", "en", "zh"]
    exhibits.set_section(catalog, "show", 1, None, actor="tester")
    assert exhibits.get(catalog, "show").entries[0].section is None


def test_public_audience_and_publish_refusal(catalog):
    exhibits.add_item(catalog, "show", "a", actor="tester")
    exhibits.add_item(catalog, "show", "secret", actor="tester")
    with pytest.raises(NotFound):
        exhibits.get(catalog, "show", audience="public")  # not published: looks missing
    with pytest.raises(exhibits.PublishRefused) as refused:
        exhibits.publish(catalog, "show", actor="tester")
    assert [x.entry.item_id for x in refused.value.exhibits] == ["secret"]
    assert "maps/secret.jpg" in refused.value.message and refused.value.exit_code == 4
    exhibits.remove_item(catalog, "show", 2, actor="tester")
    exhibits.publish(catalog, "show", actor="tester")
    # An item made internal after publishing disappears from the public view, not the staff one.
    item = catalog.get_item("a")
    item.access = "internal"
    catalog.update_item(item, actor="tester", action="access-changed")
    assert exhibits.get(catalog, "show", audience="public").entries == []
    assert len(exhibits.get(catalog, "show").entries) == 1


def test_edit_keeps_vietnamese_title_and_checks_crop(catalog):
    exhibits.edit(catalog, "show", titles={"en": "", "fr": "Exposition"},
                  intros={"vi": "Lời giới thiệu"}, actor="tester")
    exhibition = exhibits.get(catalog, "show")
    assert exhibition.titles == {"vi": "Triển lãm", "fr": "Exposition"}
    with pytest.raises(UsageError):
        exhibits.edit(catalog, "show", titles={"vi": ""}, actor="tester")
    exhibits.add_item(catalog, "show", "a", crop=("0.25", "0", "0.75", "1"), actor="tester")
    assert exhibits.get(catalog, "show").entries[0].crop == (0.25, 0.0, 0.75, 1.0)
    entry = exhibits.edit_item(catalog, "show", 1, crop=None, note="ghi chú", actor="tester")
    assert (entry.crop, entry.note) == (None, "ghi chú")
    with pytest.raises(UsageError):
        exhibits.edit_item(catalog, "show", 1, crop=(0, 0, 2, 1), actor="tester")


@pytest.mark.parametrize("text, years", [
    ("1838", (1838, 1838)), ("c. 1838", (1828, 1848)), ("khoảng 1838", (1828, 1848)),
    ("1800-1900", (1800, 1900)), ("1800–1900", (1800, 1900)), ("1944/1945", (1944, 1945)),
    ("1940..", (1940, None)), ("..1950", (None, 1950)), ("", (None, None)),
])
def test_parse_period(text, years):
    assert exhibits.parse_period(text) == years


def test_parse_period_refuses_nonsense():
    for text in ("long ago", "1900-1800"):
        with pytest.raises(UsageError):
            exhibits.parse_period(text)
