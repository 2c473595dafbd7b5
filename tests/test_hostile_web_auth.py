"""Issue 18, points 11-13 and 15: redirects, ended sessions, the login throttle, slow clients.

Every test goes through the real app (Flask's test client) or a real `ttdn serve` on loopback.
"""
from __future__ import annotations

import os
import re
import resource
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import waitress
from click.testing import CliRunner

from archive.catalog import Catalog
from archive.cli import cli
from archive.settings import load_settings
from archive.users import Users
from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import PASSWORD, login, make_app
from web.security import safe_next
from web.throttle import LoginThrottle, ThrottlePolicy


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Raw query values as an attacker would type them into the address bar.
HOSTILE_NEXT = ["/%09/evil.example", "/%0a/evil.example", "/%0d/evil.example",
                "%09//evil.example", "/%09%09/evil.example", "/%5Cevil.example",
                "/%5C%5Cevil.example", quote("/\\evil.example"), "https://evil.example/",
                "https:/evil.example", "//evil.example", "/%E2%80%8B/evil.example",
                "javascript:alert(1)", "%20//evil.example", "/%00/evil.example"]


def _token(client, url: str = "/login") -> str:
    return _TOKEN.search(client.get(url).get_data(as_text=True)).group(1)


def _post_login(client, name: str, password: str, *, address: str = "127.0.0.1",
                query: str = "", headers: dict | None = None):
    """One login POST from `address` (the socket peer as waitress would report it)."""
    return client.post("/login" + query, data={"csrf_token": _token(client), "name": name,
                                               "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers or {})


def _assert_same_site(response) -> None:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith("//"), location
    assert not re.search(r"[\s\\]", location), location


# -- 11: open redirect -----------------------------------------------------------------------

@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_next_never_leaves_the_site(client, target):
    """GIVEN a hostile `next` WHEN logging in and again once logged in THEN a same-site path."""
    _assert_same_site(_post_login(client, "sam", PASSWORD, query="?next=" + target))
    _assert_same_site(client.get("/login?next=" + target))


def test_login_next_keeps_a_real_path(client):
    response = _post_login(client, "sam", PASSWORD, query="?next=" + quote("/staff/stats?x=1"))
    assert response.headers["Location"] == "/staff/stats?x=1"
    assert client.get("/login?next=/staff/quarantine").headers["Location"] == "/staff/quarantine"


@pytest.mark.parametrize("target", ["/\t/evil", "/\n/x", "\\\\evil", "/\\evil", "//evil",
                                    "http://evil", "evil", "/x\u2028y", "", None])
def test_safe_next_falls_back(target):
    assert safe_next(target, "/home") == "/home"


def test_exhibition_add_next_never_leaves_the_site(private_app, ids):
    curator = private_app.test_client()
    assert login(curator, "cora").status_code == 302
    page = curator.get("/staff/exhibitions/new").get_data(as_text=True)
    made = curator.post("/staff/exhibitions/new", data={
        "csrf_token": _TOKEN.search(page).group(1), "slug": "hostile", "title_vi": "Thử",
        "title_en": "Test", "title_zh": "测试", "intro_vi": "x", "intro_en": "x"})
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    token = _token(curator, "/staff/exhibitions/new")
    response = curator.post("/staff/exhibitions/hostile/add", data={
        "csrf_token": token, "item": ids["public"], "next": "/\t/evil.example"})
    _assert_same_site(response)
    assert response.headers["Location"].startswith("/staff/exhibitions/hostile")


# -- 12: logout and password changes end the session on the server ---------------------------

def _replay(app, cookie: str):
    """A fresh client carrying only a copied session cookie."""
    thief = app.test_client()
    thief.set_cookie("ttdn_session", cookie)
    return thief.get("/staff/stats")


def _logged_in_cookie(app, name: str = "sam") -> tuple:
    client = app.test_client()
    assert login(client, name).status_code == 302
    assert client.get("/staff/stats").status_code == 200
    return client, client.get_cookie("ttdn_session").value


def test_a_copied_cookie_stops_working_after_logout(private_app):
    client, cookie = _logged_in_cookie(private_app)
    assert _replay(private_app, cookie).status_code == 200  # the copy works while logged in
    token = _token(client, "/staff/stats")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replayed = _replay(private_app, cookie)
    assert replayed.status_code == 302 and "/login" in replayed.headers["Location"]
    # ... and the account can log in again afresh.
    assert _logged_in_cookie(private_app)[1] != cookie


def test_a_copied_cookie_stops_working_after_ttdn_user_passwd(private_app, private_home):
    _client, cookie = _logged_in_cookie(private_app)
    result = CliRunner().invoke(cli, ["--home", str(private_home), "user", "passwd", "sam",
                                      "--password-stdin"], input="a brand new password\n")
    assert result.exit_code == 0, result.output
    replayed = _replay(private_app, cookie)
    assert replayed.status_code == 302 and "/login" in replayed.headers["Location"]


def test_old_users_table_gains_the_session_version(tmp_path):
    """GIVEN a catalog whose users table predates session versions WHEN opened THEN it works."""
    path = load_settings(tmp_path / "home").catalog_path
    Catalog(path).close()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash"
               " TEXT NOT NULL, created_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1)")
    db.execute("INSERT INTO users VALUES ('old', 'staff', 'x', '2020-01-01T00:00:00+00:00', 1)")
    db.commit()
    db.close()
    for _ in range(2):  # idempotent
        with Catalog(path) as catalog:
            users = Users(catalog)
            assert users.get("old").session_version == 0
    with Catalog(path) as catalog:
        Users(catalog).end_sessions("old")
        assert Users(catalog).get("old").session_version == 1


# -- 13: the login throttle ------------------------------------------------------------------

def _fast_app(home: Path, **config):
    """An app whose delays are milliseconds long, so the tests wait for real but briefly."""
    return make_app(home, LOGIN_DELAY=0.05, LOGIN_MAX_DELAY=0.5, **config)


def _fail(client, name: str, address: str) -> None:
    """One wrong password that is really checked: wait out a delay that refuses it."""
    for _ in range(100):
        response = _post_login(client, name, "wrong password", address=address)
        if response.status_code == 401:
            return
        assert response.status_code == 429, response.status_code
        time.sleep(0.05)
    raise AssertionError("the delay never ended")


def test_failures_behind_one_proxy_address_do_not_lock_the_admin_out(web_home):
    """GIVEN 8 wrong passwords for adam from the proxy's address THEN after the short delay the
    right password passes from that same address (the old limit locked it for 5 minutes)."""
    app = _fast_app(web_home)
    client = app.test_client()
    for _ in range(8):
        _fail(client, "adam", "10.0.0.1")
    assert _post_login(client, "adam", PASSWORD, address="10.0.0.1").status_code == 429
    time.sleep(0.6)
    assert _post_login(client, "adam", PASSWORD, address="10.0.0.1").status_code == 302


def test_failures_from_many_addresses_delay_but_never_lock(web_home):
    app = _fast_app(web_home)
    client = app.test_client()
    for n in range(8):
        _fail(client, "adam", f"203.0.113.{n}")
    refused = _post_login(app.test_client(), "adam", PASSWORD, address="198.51.100.7",
                          query="?lang=en")
    assert refused.status_code == 429  # the delay holds for the account, from any address
    assert "Wait 1 s" in refused.get_data(as_text=True) and refused.headers["Retry-After"] == "1"
    time.sleep(0.6)
    assert _post_login(app.test_client(), "adam", PASSWORD,
                       address="198.51.100.7").status_code == 302


def test_delays_grow_and_are_capped():
    now = [0.0]
    throttle = LoginThrottle(ThrottlePolicy(free_failures=3, base_delay=1, max_delay=60),
                             clock=lambda: now[0])
    waits = []
    for n in range(12):
        throttle.failed("adam", f"192.0.2.{n}")
        refusal = throttle.admit("adam", "192.0.2.200")  # admitted, it is the next attempt
        waits.append(refusal.wait if refusal else 0)
        now[0] += waits[-1]
        if refusal:  # once the delay has passed, the next attempt is checked
            assert throttle.admit("adam", f"192.0.2.{n}") is None
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60]


def test_parallel_guesses_at_the_end_of_a_delay_get_one_try():
    now = [0.0]
    throttle = LoginThrottle(ThrottlePolicy(free_failures=1, base_delay=5), clock=lambda: now[0])
    throttle.failed("adam", "192.0.2.1")
    now[0] = 5
    assert throttle.admit("adam", "192.0.2.2") is None
    assert throttle.admit("adam", "192.0.2.3").reason == "account"


def test_spraying_many_names_from_one_address_is_slowed(web_home):
    app = _fast_app(web_home)
    client = app.test_client()
    codes = [_post_login(client, f"user{n}", "wrong password", address="192.0.2.9").status_code
             for n in range(40)]
    assert codes[:30] == [401] * 30 and set(codes[30:]) == {429}, codes
    refused = _post_login(client, "sam", PASSWORD, address="192.0.2.9", query="?lang=en")
    assert refused.status_code == 429 and "your address" in refused.get_data(as_text=True)
    # Other addresses are not slowed.
    assert _post_login(client, "sam", PASSWORD, address="192.0.2.10").status_code == 302


def test_x_forwarded_for_is_ignored_without_trust_proxy(web_home):
    app = _fast_app(web_home, LOGIN_ADDRESS_FAILURES=5)
    client = app.test_client()
    codes = [_post_login(client, f"user{n}", "wrong password", address="192.0.2.20",
                         headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
             for n in range(6)]
    assert codes[-1] == 429, codes  # one address however many it claims to forward for


def test_x_forwarded_for_names_the_client_with_trust_proxy(web_home):
    app = _fast_app(web_home, TTDN_TRUST_PROXY=True, LOGIN_ADDRESS_FAILURES=5)
    client = app.test_client()
    codes = [_post_login(client, f"user{n}", "wrong password", address="10.0.0.1",
                         headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
             for n in range(8)]
    assert set(codes) == {401}, codes  # each client has its own budget behind the proxy
    codes = [_post_login(client, f"user{n}", "wrong password", address="10.0.0.1",
                         headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.99"}).status_code
             for n in range(6)]
    assert codes[-1] == 429, codes  # the proxy's own entry counts, not one the client forged


def test_serve_passes_trust_proxy_and_connection_limits(monkeypatch, web_home):
    seen = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: seen.update(app=app, **kw))
    result = CliRunner().invoke(cli, ["--home", str(web_home), "serve", "--trust-proxy",
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert seen["app"].config["TTDN_TRUST_PROXY"] is True
    assert seen["connection_limit"] >= 500 and seen["channel_timeout"] <= 30
    assert seen["asyncore_use_poll"] is True and seen["cleanup_interval"] <= 5


# -- 15: slow clients against a real `ttdn serve` ----------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthz(port: int, timeout: float = 10.0) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as reply:
        return reply.status


@pytest.fixture
def served(tmp_path: Path):
    """Start `ttdn serve` on a free loopback port over an empty home; yields a starter."""
    started: list[subprocess.Popen] = []

    def start(*options: str, open_files: int | None = None) -> int:
        port = _free_port()
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))
                 ) if open_files else None  # as `ulimit -n` would set it
        ttdn = Path(sys.executable).with_name("ttdn")
        env = {**os.environ, "TTDN_SECRET_KEY": "test-only-key"}
        log = tmp_path / f"serve-{port}.log"  # a file, not a pipe nobody drains
        with open(log, "wb") as err:
            proc = subprocess.Popen([str(ttdn), "--home", str(tmp_path / "home"), "serve",
                                     "--port", str(port), *options], env=env,
                                    stdout=subprocess.DEVNULL, stderr=err, preexec_fn=limit)
        started.append(proc)
        deadline = time.monotonic() + 30
        while True:
            try:
                assert _healthz(port, 2) == 200
            except OSError:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "ttdn serve did not start"
                time.sleep(0.2)
                continue
            start.log = log.read_text()  # type: ignore[attr-defined]
            return port

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=10)


def _half_open(port: int, n: int) -> list[socket.socket]:
    """`n` clients that send half a request line and then nothing."""
    socks = []
    for _ in range(n):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: loc")
        socks.append(sock)
    return socks


def test_healthz_answers_while_110_clients_hang(served):
    port = served()
    socks = _half_open(port, 110)
    try:
        started = time.monotonic()
        assert _healthz(port, timeout=10) == 200
        print(f"healthz with 110 half-open clients: {time.monotonic() - started:.3f} s")
    finally:
        for sock in socks:
            sock.close()


def test_idle_clients_are_closed_after_the_channel_timeout(served):
    port = served("--channel-timeout", "2")
    socks = _half_open(port, 5)
    try:
        started = time.monotonic()
        for sock in socks:
            sock.settimeout(15)
            while sock.recv(4096):  # waitress may answer 400 first; then it closes
                pass
        elapsed = time.monotonic() - started
        print(f"half-open clients closed after {elapsed:.1f} s (channel timeout 2 s)")
        assert elapsed < 10
    finally:
        for sock in socks:
            sock.close()



def test_connection_limit_keeps_within_the_open_file_limit(served):
    """GIVEN `ulimit -n 300` WHEN 250 clients hang THEN serve warns of the lower limit at start
    and /healthz answers within the channel timeout instead of failing on a lack of files."""
    port = served("--channel-timeout", "2", open_files=300)
    assert "the open-file limit allows 236 connections, not 1000" in served.log
    socks = _half_open(port, 250)
    try:
        assert _healthz(port, timeout=10) == 200
    finally:
        for sock in socks:
            sock.close()
