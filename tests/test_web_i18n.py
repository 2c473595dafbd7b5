"""Interface languages: choosing one, keeping it, formats per locale, complete catalogs."""
from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from tests.web_fixtures import *  # noqa: F401,F403

WEB = Path(__file__).resolve().parents[1] / "web"
TRANSLATIONS = WEB / "translations"


def _lang(response) -> str:
    page = response.get_data(as_text=True)
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_vietnamese_by_default(client):
    assert _lang(client.get("/")) == "vi"


@pytest.mark.parametrize("code, title", [("en", "Foreign Information Archive"),
                                         ("zh", "对外信息档案库"),
                                         ("vi", "Kho tư liệu Thông tin đối ngoại")])
def test_lang_parameter_picks_and_sticks(client, code, title):
    assert title in client.get(f"/?lang={code}").get_data(as_text=True)
    assert _lang(client.get("/items/ffff")) == code  # later pages, without ?lang=


def test_accept_language(client):
    assert _lang(client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})) == "zh"
    assert _lang(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})) == "en"
    assert _lang(client.get("/", headers={"Accept-Language": "fr"})) == "vi"


def test_chosen_language_wins_over_the_browser(client):
    client.get("/?lang=vi")
    assert _lang(client.get("/", headers={"Accept-Language": "zh-CN"})) == "vi"


def test_unknown_language_is_ignored(client):
    assert _lang(client.get("/?lang=xx")) == "vi"


def test_switcher_keeps_the_page_and_query(client):
    page = client.get("/?q=lang+son").get_data(as_text=True)
    assert 'href="/?q=lang+son&amp;lang=zh"' in page


@pytest.mark.parametrize("code, date, size", [("vi", "22 thg 3, 2017", "4,8 MB"),
                                               ("en", "Mar 22, 2017", "4.8 MB"),
                                               ("zh", "2017年3月22日", "4.8 MB")])
def test_dates_and_numbers_per_locale(client, ids, code, date, size):
    page = client.get(f"/items/{ids['public']}?lang={code}").get_data(as_text=True)
    assert date in page and size in page


def test_metadata_values_keep_their_language(client, ids):
    page = client.get(f"/items/{ids['public']}?lang=zh").get_data(as_text=True)
    assert "Hoạt động thông tin đối ngoại năm 2017" in page and "文号" in page


def _catalog(code: str):
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=code)


def _extracted_folders() -> list[Path]:
    """The folders `make i18n` extracts from (its I18N_SOURCES): the web, search and archive."""
    makefile = (WEB.parent / "Makefile").read_text(encoding="utf-8")
    line = next(x for x in makefile.splitlines() if x.startswith("I18N_SOURCES"))
    return [WEB.parent / name for name in line.split("=", 1)[1].split()]


def test_extraction_covers_the_search_and_archive_messages():
    # The parser's and the archive's messages (N_) reach visitors through the portal.
    assert {"web", "search", "archive"} <= {p.name for p in _extracted_folders()}


def test_template_is_up_to_date_with_the_code(tmp_path):
    pot = tmp_path / "fresh.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(WEB / "babel.cfg"),
                                "-k", "_l", "-o", str(pot),
                                *map(str, _extracted_folders())])
    with open(pot, "rb") as fh:
        fresh = {m.id for m in read_po(fh) if m.id}
    with open(TRANSLATIONS / "messages.pot", "rb") as fh:
        committed = {m.id for m in read_po(fh) if m.id}
    assert fresh == committed, "run pybabel extract and update (see web/babel.cfg)"


@pytest.mark.parametrize("code", ["vi", "en", "zh"])
def test_every_string_is_translated(code):
    with open(TRANSLATIONS / "messages.pot", "rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    catalog = _catalog(code)
    missing = [m for m in wanted if not _translated(catalog.get(m))]
    assert not missing, f"translate these in {code}/LC_MESSAGES/messages.po: {missing}"


def _translated(message) -> bool:
    """Present, not fuzzy, and every form non-empty (a singular's string is a str: all("") is
    True, so each form is tested as a whole)."""
    if message is None or message.fuzzy:
        return False
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(form and form.strip() for form in forms)


@pytest.mark.parametrize("code", ["vi", "zh", "en"])
def test_compiled_catalogs_match_the_po_files(code):
    compiled = gettext.GNUTranslations(open(TRANSLATIONS / code / "LC_MESSAGES" /
                                            "messages.mo", "rb"))
    for message in _catalog(code):
        if not message.id or not message.string or not all(message.string):
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(*message.id, 1) == message.string[0], message.id
        else:
            assert compiled.gettext(message.id) == message.string, message.id
