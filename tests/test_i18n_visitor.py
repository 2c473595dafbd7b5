"""What a visitor reads in zh and en: the parser's messages, placeholders, controlled values,
history keys, quarantine reasons, exhibition fallbacks and the language tags of text.

Every page is rendered by the real app on the sample corpus; the catalogs are the real ones.
"""
from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import exhibits
from archive.catalog import Catalog
from archive.settings import load_settings
from ingest.language import main_language
from tests.conftest import run_cli
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import login, make_app
from web.i18n import text_language

TRANSLATIONS = Path(__file__).resolve().parents[1] / "web" / "translations"
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


class _Texts(HTMLParser):
    """Text nodes of a page with the language they are tagged with (script and style left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not any(t in ("script", "style") for t, _ in self.stack):
            lang = next((lang for _, lang in reversed(self.stack) if lang), "")
            self.texts.append((data.strip(), lang))


def _texts(page: str) -> list[tuple[str, str]]:
    parser = _Texts()
    parser.feed(page)
    return parser.texts


def _catalog(code: str):
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=code)


def _page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


# -- the search layer's messages ---------------------------------------------------------------

@pytest.mark.parametrize("msgid", [
    "The query has no words to search for",
    'Unbalanced quote: close the phrase with a second "',
    "A quote was not closed: the phrase was read to the end of the query",
    "%(name)s must be a whole number from %(low)s to %(high)s",
    'Unknown value "%(text)s" for %(field)s: use one of %(choices)s',
])
def test_the_search_layers_messages_are_in_every_catalog(msgid):
    for code in ("vi", "en", "zh"):
        message = _catalog(code).get(msgid)
        assert message is not None and message.string and not message.fuzzy, (code, msgid)


@pytest.mark.parametrize("url, english, chinese", [
    ("/?q=)", "The query has no words to search for", "检索式中没有可检索的词"),
    ("/?q=-", "The query has no words to search for", "检索式中没有可检索的词"),
    ("/?page=0", "must be a whole number", "必须是 1 至 10000 之间的整数"),
    ("/?from=x", "must be a whole number", "必须是 1 至 9999 之间的整数"),
    ("/?q=a*", "A prefix search needs", "前缀检索在 * 之前至少需要两个字母"),
    ("/?q=loai:xx", "Unknown value", "不是 loai 的有效值"),
    ('/?q="lang+son', "A quote was not closed", "有一个引号未闭合"),
], ids=["nothing", "only-minus", "page", "from", "prefix", "value", "quote-notice"])
def test_parser_messages_are_chinese_after_a_chinese_prefix(client, url, english, chinese):
    response = client.get(f"{url}&lang=zh" if "?" in url else f"{url}?lang=zh")
    page = response.get_data(as_text=True)
    assert chinese in page and english not in page


def test_placeholders_show_the_interface_languages_syntax(client):
    assert "loai:bando" in _page(client, "/?lang=vi")
    for code in ("en", "zh"):
        page = _page(client, f"/?lang={code}")
        placeholder = page.split('id="q"', 1)[1].split('placeholder="', 1)[1].split('"', 1)[0]
        assert "loai:" not in placeholder and "kind:map" in placeholder, placeholder
    # ... and the parser reads the example it gives.
    assert 'class="hit' in _page(client, "/?q=kind:map&lang=en")


# -- controlled values, history keys, quarantine ---------------------------------------------

def test_document_types_show_in_the_interface_language(client, ids):
    facets = _page(client, "/?q=*&lang=zh").split('class="facets"', 1)[1].split("</aside>", 1)[0]
    assert "报告" in facets and "Báo cáo" not in facets
    item = _page(client, f"/items/{ids['report']}?lang=zh")
    assert "<dd>报告" in item and "<dd>Báo cáo" not in item
    assert "<dd>Báo cáo" in _page(client, f"/items/{ids['report']}?lang=vi")


def test_history_keys_are_named_in_the_interface_language(web_app, ids):
    client = web_app.test_client()
    login(client, "sam")
    page = _page(client, f"/items/{ids['public']}?lang=zh")
    history = page.split('class="events"', 1)[1]
    for raw in ("source:", "pages:", "mime:"):
        assert f"<div>{raw}" not in history
    assert "<div>来源:" in history and "<div>页数:" in history and "<div>文件类型:" in history


def test_quarantine_codes_and_reasons_are_translated(web_app):
    client = web_app.test_client()
    login(client, "adam")
    page = _page(client, "/staff/quarantine?lang=zh")
    assert "文件损坏" in page  # the code "corrupt"
    assert "无法打开 PDF：其结构无法读取" in page  # hong.pdf's reason
    assert "PDF could not be opened" not in page
    assert '<span class="badge">corrupt</span>' not in page


@pytest.mark.parametrize("lang, reason, said_as", [
    ("vi", "trong.pdf: empty file (0 bytes)", "trong.pdf: tệp rỗng (0 byte)"),
    ("zh", "phim.mp4: truncated: its header states 4096 bytes, the file has 512",
     "phim.mp4: 文件不完整：文件头标明 4096 字节，实际只有 512"),
    ("vi", "anh.png: damaged image: its pixels could not be decoded (broken data stream)",
     "anh.png: ảnh bị hỏng: không giải mã được các điểm ảnh (broken data stream)"),
    ("en", "trong.pdf: empty file (0 bytes)", "trong.pdf: empty file (0 bytes)"),
])
def test_a_known_reason_is_said_in_the_readers_language(web_app, lang, reason, said_as):
    from web.staff_quarantine import said
    with web_app.test_request_context(f"/staff/quarantine?lang={lang}"):
        assert said(reason) == (said_as, lang)
        assert said("x.bin: something no clerk has met before") == (
            "x.bin: something no clerk has met before", "en")


def test_the_reasons_the_quarantine_page_translates_are_still_what_ingest_writes():
    # The page matches ingest's English messages; a reworded one would silently stay English.
    import re

    from web.staff_quarantine import _SAID
    ingest = Path(__file__).resolve().parents[1] / "ingest"
    source = "\n".join(p.read_text(encoding="utf-8") for p in ingest.rglob("*.py"))
    for _, msgid in _SAID:
        for piece in re.split(r"%\(\w+\)s", msgid):
            assert len(piece) < 6 or piece in source, piece


# -- exhibitions that fall back to Vietnamese -------------------------------------------------

@pytest.fixture(scope="module")
def exhibition_app(web_home, tmp_path_factory):  # noqa: F811
    """A published exhibition titled in vi and en, one caption in vi and zh, one in vi only."""
    home = tmp_path_factory.mktemp("fallback") / "home"
    shutil.copytree(web_home, home)
    with Catalog(load_settings(home).catalog_path) as catalog:
        first = catalog.resolve("media/txu-oclc-6594628.jpg")
        second = catalog.resolve("scans/kh-51-ubnd-2017-lang-son.pdf")
        exhibits.create(catalog, "du-phong", {"vi": "Bản đồ và tư liệu", "en": "Maps and records"},
                        intros={"vi": "Lời giới thiệu bằng tiếng Việt"}, actor="cora")
        exhibits.add_item(catalog, "du-phong", first, actor="cora",
                          captions={"vi": "Bản đồ thành phố", "zh": "城市地图"})
        exhibits.add_item(catalog, "du-phong", second, actor="cora",
                          captions={"vi": "Kế hoạch năm 2017"})
        exhibits.publish(catalog, "du-phong", actor="cora")
    return make_app(home)


def test_a_chinese_page_marks_the_vietnamese_it_falls_back_to(exhibition_app):
    page = _page(exhibition_app.test_client(), "/exhibitions/du-phong?lang=zh")
    assert '<p class="caption-text" lang="zh">城市地图</p>' in page
    assert '<p class="caption-text" lang="vi">Kế hoạch năm 2017</p>' in page
    marks = [t for t, lang in _texts(page) if t == "（越南语）"]
    assert len(marks) == 3  # the title, the introduction, the second caption
    assert ('<h1 lang="vi">Bản đồ và tư liệu <span class="text-fallback" lang="zh">（越南语）'
            '</span></h1>') in page
    listed = _page(exhibition_app.test_client(), "/exhibitions/?lang=zh")
    assert 'lang="vi">Bản đồ và tư liệu</a> <span class="text-fallback" lang="zh">（越南语）' in listed


def test_no_mark_where_the_text_is_in_the_asked_language(exhibition_app):
    page = _page(exhibition_app.test_client(), "/exhibitions/du-phong?lang=vi")
    assert "text-fallback" not in page
    english = _page(exhibition_app.test_client(), "/exhibitions/du-phong?lang=en")
    assert '<h1 lang="en">Maps and records</h1>' in english
    assert "(in Vietnamese)" in english  # the captions and the introduction have no English


# -- the language a page's text is tagged with -------------------------------------------------

def test_english_lettering_with_a_few_han_names_is_english():
    text = ("CITY PLAN SHEET, ARMY MAP SERVICE 1944. Lang Son railway station, the citadel "
            "and the river 谅山 同登")
    assert main_language(text) == "en"
    assert main_language("谅山市是越南北部的一个城市，靠近中国边境 Lang Son") == "zh"
    assert main_language("Lạng Sơn, Đồng Đăng 谅山 and the border") == "vi"


def test_an_english_page_with_han_place_names_is_tagged_english(tmp_path):
    folder = tmp_path / "input"
    folder.mkdir()
    (folder / "sheet.txt").write_text(
        "City plan sheet of the town and the railway station, drawn by the Army Map Service "
        "in 1944; the place names are printed in English and in Chinese: 谅山 同登 凭祥\n",
        encoding="utf-8")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(folder)).exit_code == 0
    with Catalog(load_settings(home).catalog_path) as catalog:
        item = catalog.get_item(catalog.resolve("sheet.txt"))
        pages = catalog.pages(item.id)
    assert [p.language for p in pages] == ["en"]
    assert set(item.languages) == {"en", "zh"}


@pytest.mark.parametrize("text, languages, expected", [
    ("City plan sheet, U.S. Army Map Service 1:10,000 (1944–45)", ["en", "zh"], "en"),
    ("The province of Lạng Sơn lies on the border with China", ["en", "vi"], "en"),
    ("Hoạt động thông tin đối ngoại năm 2017", ["vi"], "vi"),
    ("bản đồ", ["en", "zh"], "vi"),  # a clerk's subject on an English-Chinese map
    ("谅山市地图", ["vi"], "zh"),
    ("51/2017", ["vi"], None),
])
def test_the_language_of_a_text_comes_from_its_letters(text, languages, expected):
    assert text_language(text, languages) == expected


def test_the_maps_english_title_is_not_tagged_chinese(client, ids):
    page = _page(client, f"/items/{ids['map']}?lang=zh")
    assert '<header class="item-head" lang="en">' in page  # "City plan sheet, …"
    assert '<p class="item-kind" lang="zh">' in page  # its badges are the interface's
    assert '<span lang="en">U.S. Army Map Service</span>' in page
    assert '<span lang="vi">bản đồ</span>' in page  # its subject, as the clerk wrote it
    hits = _page(client, "/?q=markup+test+page&lang=zh")
    assert f'href="/items/{ids["translation"]}" lang="en">Markup test page (English)</a>' in hits
    results = _page(client, "/?q=lang+son&lang=zh")
    assert '<span lang="vi">' in results.split('class="snippet"', 1)[1]


def test_page_text_is_tagged_with_its_own_language_even_when_stored_wrong(private_home, ids):
    # An archive ingested before main_language: the English page was stored as Chinese.
    import sqlite3
    with sqlite3.connect(load_settings(private_home).catalog_path) as db:
        db.execute("UPDATE pages SET language = 'zh' WHERE item_id = ?", (ids["translation"],))
    page = _page(make_app(private_home).test_client(), f"/items/{ids['translation']}?lang=zh")
    text = page.split('class="page-text"', 1)[1].split(">", 1)[0]
    assert 'lang="en"' in text and 'lang="zh"' not in text


# -- no Vietnamese or English interface text on a Chinese page ---------------------------------

def _interface_strings() -> tuple[set[str], set[str]]:
    """(Vietnamese, English) texts of the interface that differ from their Chinese."""
    vi, zh = _catalog("vi"), _catalog("zh")
    vietnamese, english = set(), set()
    for message in vi:
        if not message.id or isinstance(message.id, tuple) or "%" in message.id:
            continue
        chinese = zh.get(message.id)
        if chinese is None or chinese.string in (message.id, message.string):
            continue
        if len(message.string) >= 4:
            vietnamese.add(message.string)
        if len(message.id) >= 4:
            english.add(message.id)
    return vietnamese, english


@pytest.mark.parametrize("path", ["/", "/?q=lang+son", "/?q=*", "/items/{public}",
                                  "/items/{map}", "/items/{map}/view", "/items/{report}",
                                  "/exhibitions/", '/?q="lang', "/?q=)"])
def test_a_chinese_page_shows_no_vietnamese_or_english_interface_text(client, ids, path):
    url = path.format(**ids)
    response = client.get(url + ("&" if "?" in url else "?") + "lang=zh")
    vietnamese, english = _interface_strings()
    # Text tagged with another language is content (titles, captions), not the interface.
    shown = [text for text, lang in _texts(response.get_data(as_text=True))
             if lang in ("", "zh")]
    assert not [t for t in shown if t in vietnamese], url
    assert not [t for t in shown if t in english], url
