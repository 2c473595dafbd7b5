"""Per-request work of the portal's pages cut (issue 17), with the same output as before.

Translations found once a request (templates, labels, language names) and still following the
reader's language, ``force_locale`` included; Jinja's gettext in one call with Jinja's escaping;
hit links built without ``url_for`` per hit; facet rows made in Python; a hit's JSON without
``dataclasses.asdict``; the gazetteer's longest name counted once.
"""
from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import flask_babel
import jinja2
import pytest
from flask import url_for
from flask_babel import force_locale

from search.gazetteer import default_gazetteer
from search.query import Hit
from web import create_app
from web.i18n import translations
from web.labels import KIND_LABELS, label, language_name
from web.search_views import FACET_VALUES_SHOWN, _facet_rows, facet_url

TEMPLATE = ('{{ _("Search") }}|{{ _("Page %(n)s", n="<b>7</b>") }}|'
            '{{ ngettext("%(num)s item", "%(num)s items", 1) }}|'
            '{{ ngettext("%(num)s item found", "%(num)s items found", 3, num="<3>") }}|'
            '{{ gettext("Refine") }}|{{ _("no such message <i>") }}|'
            '{% autoescape false %}{{ _("Page %(n)s", n="<b>") }}{% endautoescape %}')


@pytest.fixture
def app(tmp_path: Path):
    return create_app({"TESTING": True, "TTDN_HOME": str(tmp_path / "home"),
                       "SECRET_KEY": "test-only", "THROTTLE_DB": ":memory:"})


def _jinja_own(catalog) -> str:
    """TEMPLATE rendered by Jinja's own new-style gettext over the same catalog."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_gettext_callables(catalog.ugettext, catalog.ungettext, newstyle=True)
    return env.from_string(TEMPLATE).render()


@pytest.mark.parametrize("lang", ["vi", "en", "zh"])
def test_template_gettext_is_jinjas_new_style(app, lang: str) -> None:
    with app.test_request_context(f"/?lang={lang}"):
        ours = app.jinja_env.from_string(TEMPLATE).render()
        assert ours == _jinja_own(flask_babel.get_translations())
    assert "&lt;b&gt;7&lt;/b&gt;" in ours and "<b>" in ours.rsplit("|", 1)[1]  # escaped unless off


def test_labels_follow_the_language_of_each_request(app) -> None:
    for lang in ["zh", "en", "vi", "zh", "en"]:
        with app.test_request_context(f"/?lang={lang}"):
            assert label("kind", "map") == flask_babel.gettext("Map")
            name = flask_babel.get_locale().languages["zh"]
            assert language_name("zh") == name[:1].upper() + name[1:]
            assert label("kind", "no-such-kind") == "no-such-kind"
    with app.test_request_context("/?lang=en"):
        assert (label("kind", "map"), language_name("vi")) == ("Map", "Vietnamese")


def test_force_locale_switches_labels_and_templates_and_back(app) -> None:
    with app.test_request_context("/?lang=en"):
        assert label("kind", "map") == "Map"
        english = app.jinja_env.from_string('{{ _("Search") }}').render()
        with force_locale("zh"):
            assert label("kind", "map") == str(KIND_LABELS["map"]) != "Map"
            assert language_name("vi") != "Vietnamese"
            chinese = app.jinja_env.from_string('{{ _("Search") }}').render()
            assert chinese == flask_babel.gettext("Search") != english
        assert label("kind", "map") == "Map"
        assert app.jinja_env.from_string('{{ _("Search") }}').render() == english


def test_a_page_looks_its_translations_up_once(app, monkeypatch) -> None:
    calls = []
    lookup = flask_babel.Domain.get_translations

    def counted(self):
        calls.append(1)
        return lookup(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counted)
    page = app.test_client().get("/no-such-page?lang=zh")
    assert page.status_code == 404 and "对外信息档案库" in page.get_data(as_text=True)
    assert len(calls) <= 2, len(calls)  # one string each before: a dozen on this page


def test_translations_outside_a_request_are_empty() -> None:
    assert translations().ugettext("Search") == "Search"


@pytest.mark.parametrize("item_id", ["3d37a7704885b651", "0", "a b/ç?", "ITEM-7"])
def test_hit_links_are_url_for(app, item_id: str) -> None:
    with app.test_request_context("/?q=lang+son"):
        show, thumb = (app.jinja_env.globals[name] for name in ("item_url", "thumbnail_url"))
        for _ in range(2):  # the second time from the routes kept on the request
            assert show(item_id) == url_for("items.show", item_id=item_id)
            assert thumb(item_id) == url_for("items.thumbnail", item_id=item_id)


def test_facet_rows_are_what_the_template_made(app) -> None:
    facets = {"kind": {"map": 3, "document": 2}, "languages": {"vi": 4, "zh": 1},
              "issuer": {f"Sở {n}": 100 - n for n in range(30)}, "year": {},
              "doc_type": {"Kế hoạch": 1234}}
    with app.test_request_context("/?q=lang+son&kind=map&lang=en"):
        rows = _facet_rows(facets)
        assert [f.name for f in rows] == ["Kind", "Language", "Issuing body", "Document type"]
        kind, languages, issuer, doc_type = (f.rows for f in rows)
        assert [(r.shown, r.count, r.active) for r in kind] == [("Map", "3", True),
                                                               ("Document", "2", False)]
        assert kind[0].link == facet_url("kind", "map")[0]
        assert [r.shown for r in languages] == ["Vietnamese", "Chinese"]
        assert len(issuer) == FACET_VALUES_SHOWN and issuer[0].link == facet_url("issuer",
                                                                                  "Sở 0")[0]
        assert (doc_type[0].shown, doc_type[0].count) == ("Plan", "1,234")


def test_hit_json_is_asdict() -> None:
    hit = Hit(id="abc", title="Lạng Sơn <b>", kind="map", languages=["vi", "zh"], date=None,
              access="public", source="scans/x.pdf", score=1.5, snippet="<mark>x</mark>",
              pages=[1, 3], snippets=[{"page": 1, "text": "<mark>x</mark>"}])
    out = hit.to_dict()
    assert out == dataclasses.asdict(hit)
    assert list(out) == list(dataclasses.asdict(hit))  # the JSON keeps the keys' order
    out["languages"].append("en")
    out["snippets"][0]["text"] = "changed"
    assert hit.languages == ["vi", "zh"] and hit.snippets[0]["text"] == "<mark>x</mark>"


def test_gazetteer_longest_is_counted_once() -> None:
    gazetteer = default_gazetteer()
    counted = max(len(t) for entries in gazetteer._by_first.values() for t, _ in entries)
    assert gazetteer.longest == counted
    assert "longest" in vars(gazetteer)  # kept: asked for at every word of every query


def test_dates_are_shown_in_each_request_language(app) -> None:
    from flask_babel import format_date

    from web.markup import local_date
    shown = {}
    for lang in ["vi", "en", "zh", "en", "vi"]:
        with app.test_request_context(f"/?lang={lang}"):
            day = local_date("2017-03-22")
            assert day == format_date(date(2017, 3, 22), "medium")
            assert shown.setdefault(lang, day) == day
            assert local_date("2017") == "2017" and local_date("about 1945") == "about 1945"
            with force_locale("zh" if lang != "zh" else "en"):
                assert local_date("2017-03-22") == format_date(date(2017, 3, 22), "medium")
    assert len(set(shown.values())) == 3
