"""Fixtures for the web tests: a data home with the sample corpus, items with markup, accounts.

Test modules import what they use: `from tests.web_fixtures import *  # noqa: F401,F403`.
"""
from __future__ import annotations

import csv
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archive.catalog import Catalog
from archive.settings import load_settings
from archive.users import Users
from web import create_app

from .conftest import engine_config, run_cli

__all__ = ["PASSWORD", "ACCOUNTS", "XSS_TITLE", "XSS_TEXT", "HIDDEN_WORD", "web_home", "ids",
           "web_app", "client", "private_home", "private_app", "login", "form_fields",
           "make_app"]

PASSWORD = "correct horse battery staple"
ACCOUNTS = {"sam": "staff", "cora": "curator", "adam": "admin"}
XSS_TITLE = '<script>alert("title")</script> Tờ trình <b onmouseover="x()">xsstitle</b>'
XSS_TEXT = ('Trang có mã độc <script>alert(1)</script> và <img src=x onerror=alert(2)> '
            'cùng từ khóa quartzmarkup & "ngoặc"')
HIDDEN_WORD = "quartzinternal"  # only in an internal item: must never reach the public

# Known items of the sample corpus and of the fixture's own input, by source.
_SOURCES = {
    "public": "scans/kh-51-ubnd-2017-lang-son.pdf",
    "internal": "media/anh-cua-khau-huu-nghi-2017.jpg",
    "restricted": "documents/234-2026-nd-cp.pdf",
    "map": "media/txu-oclc-6594628.jpg",
    "tiff": "scans/phototest.tif",
    "dvd": "DVD-2017-004",
    "leaflet": "media/to-gap-lang-son-viet-trung.pdf",
    "long": "documents/244-2026-nd-cp.pdf",  # 11 pages
    "xss": "xss.txt",
    "secret": "secret.txt",
    "translation": "ban-dich.txt",
    "plan": "ke-hoach.txt",
    "report": "bao-cao.txt",
}


# An internal plan and a public report citing it by number (as in tests/test_relations.py).
PLAN = """ỦY BAN NHÂN DÂN
TỈNH LẠNG SƠN
Số: 12/KH-UBND
Lạng Sơn, ngày 5 tháng 1 năm 2018
KẾ HOẠCH
Tổ chức triển lãm tư liệu Hoàng Sa, Trường Sa năm 2018
UBND tỉnh ban hành kế hoạch như sau.
"""
REPORT = """ỦY BAN NHÂN DÂN
TỈNH LẠNG SƠN
Số: 30/BC-UBND
Lạng Sơn, ngày 20 tháng 12 năm 2018
BÁO CÁO
Kết quả triển lãm tư liệu Hoàng Sa, Trường Sa năm 2018
Thực hiện Kế hoạch số 12/KH-UBND ngày 05/01/2018 của UBND tỉnh Lạng Sơn, triển lãm đã được tổ
chức tại thành phố Lạng Sơn.
"""


def _write_input(folder: Path) -> None:
    """Markup-laden, internal, translated and citing text files, and a broken PDF."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ban-dich.txt").write_text("English version of the markup test page.\n",
                                         encoding="utf-8")
    (folder / "ke-hoach.txt").write_text(PLAN, encoding="utf-8")
    (folder / "bao-cao.txt").write_text(REPORT, encoding="utf-8")
    (folder / "xss.txt").write_text(XSS_TEXT + "\n", encoding="utf-8")
    (folder / "secret.txt").write_text(f"Báo cáo nội bộ về {HIDDEN_WORD} chỉ cán bộ được xem.\n",
                                       encoding="utf-8")
    (folder / "hong.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")  # truncated
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "title", "kind", "languages", "access", "collection", "lead_unit",
                      "translation_of"])
        out.writerow(["xss.txt", XSS_TITLE, "document", "vi", "public", "<i>Bộ sưu tập</i>",
                      "<b>Sở</b> Ngoại vụ", ""])
        out.writerow(["secret.txt", f"Hồ sơ {HIDDEN_WORD}", "document", "vi", "internal", "", "",
                      ""])
        out.writerow(["ban-dich.txt", "Markup test page (English)", "document", "en", "public",
                      "", "", "xss.txt"])
        out.writerow(["ke-hoach.txt", "", "document", "vi", "internal", "", "", ""])
        out.writerow(["bao-cao.txt", "", "document", "vi", "public", "", "", ""])


def _ingest_extras(home: Path, folder: Path) -> None:
    _write_input(folder)
    result = run_cli(home, "ingest", str(folder))
    assert result.exit_code == 1, result.output  # 1: the broken PDF went to quarantine
    with Catalog(load_settings(home).catalog_path) as catalog:
        users = Users(catalog)
        for name, role in ACCOUNTS.items():
            users.add(name, role, PASSWORD)


@pytest.fixture(scope="session")
def web_home(corpus_home: Path, tmp_path_factory) -> Path:
    """The ingested corpus plus the markup items and three accounts; tests must not change it."""
    home = tmp_path_factory.mktemp("web") / "home"
    shutil.copytree(corpus_home, home)
    _ingest_extras(home, tmp_path_factory.mktemp("web-input"))
    return home


@pytest.fixture(scope="session")
def ids(web_home: Path) -> dict[str, str]:
    """Item ids by role in the tests: public, internal, restricted, map, xss, secret, ..."""
    with Catalog(load_settings(web_home).catalog_path) as catalog:
        found = {name: catalog.resolve(source) for name, source in _SOURCES.items()}
    assert all(found.values()), found
    return found


def make_app(home: Path, **config):
    """A test app on `home` (CSRF stays on: tests send the token as a browser would)."""
    return create_app({"TESTING": True, "TTDN_HOME": str(home), "SECRET_KEY": "test-only-key",
                       "THROTTLE_DB": ":memory:", **engine_config(home),
                       **config})  # no lockouts shared across tests


@pytest.fixture(scope="session")
def web_app(web_home: Path):
    """One app for the read-only tests (its Searcher is opened once, as in production)."""
    return make_app(web_home)


@pytest.fixture
def client(web_app):
    """A fresh browser-like client (own cookies) on the shared app."""
    return web_app.test_client()


@pytest.fixture
def private_home(web_home: Path, tmp_path: Path) -> Path:
    """A private copy of the web home that a test may change."""
    target = tmp_path / "home"
    shutil.copytree(web_home, target)
    return target


@pytest.fixture
def private_app(private_home: Path):
    """An app on a private copy, for tests that edit."""
    return make_app(private_home)


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _Form(HTMLParser):
    """Collects the values a browser would submit from the first <form method=post>."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and ("selected" in a or self._select not in
                                                    self.fields):
            self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data.lstrip("\n") if not self.fields[
                self._textarea] else data


def form_fields(page: str) -> dict[str, str]:
    """The fields of the page's POST form, as the browser would send them unchanged."""
    start = page.index('<form method="post"', page.index("<main"))
    parser = _Form()
    parser.feed(page[start:page.index("</form>", start)])
    return parser.fields


def login(client, name: str, password: str = PASSWORD, *, follow: bool = False):
    """Log in through the form, with its CSRF token; returns the POST's response."""
    page = client.get("/login").get_data(as_text=True)
    token = _TOKEN.search(page)
    assert token, page
    return client.post("/login", data={"csrf_token": token.group(1), "name": name,
                                       "password": password}, follow_redirects=follow)
