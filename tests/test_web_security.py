"""Headers, cookies, CSRF, the login rate limit, redirects, and templates free of inline code."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web_fixtures import *  # noqa: F401,F403
from tests.web_fixtures import PASSWORD, login, make_app
from web.throttle import LoginThrottle, ThrottlePolicy

TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"


@pytest.mark.parametrize("route", ["/", "/items/ffff", "/api/search?q=x", "/login",
                                   "/static/css/portal.css"])
def test_security_headers_on_every_response(client, route):
    headers = client.get(route).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_templates_hold_no_inline_script_or_style():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert "<style" not in text and not re.search(r"\sstyle=", text), template
        assert not re.search(r"\son[a-z]+=", text), template
        assert "|safe" not in text.replace(" ", ""), template


def test_session_cookie_flags(client):
    response = login(client, "sam")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_when_configured(web_home):
    app = make_app(web_home, SESSION_COOKIE_SECURE=True)
    response = login(app.test_client(), "sam")
    assert "Secure" in response.headers["Set-Cookie"]


def test_login_and_logout(client):
    assert client.get("/staff/stats").status_code == 302
    response = login(client, "sam")
    assert response.status_code == 302
    page = client.get("/staff/stats?lang=en").get_data(as_text=True)
    assert "sam · Staff" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/stats").status_code == 302


def test_wrong_password_and_unknown_user_answer_alike(client):
    wrong = login(client, "sam", "not the password")
    unknown = login(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401


def test_forms_without_csrf_token_are_refused(client, ids):
    response = client.post("/login?lang=en", data={"name": "sam", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    login(client, "cora")
    edit = client.post(f"/staff/items/{ids['public']}/edit", data={"title": "x"})
    assert edit.status_code == 400
    assert client.post("/logout").status_code == 400


def test_logout_is_post_only(client):
    assert client.get("/logout").status_code == 405


def test_login_rate_limit(web_home):
    app = make_app(web_home)  # its own limiter
    client = app.test_client()
    for _ in range(5):
        assert login(client, "sam", "wrong password").status_code == 401
    # The sixth try is refused even with the right password, for this name and address ...
    assert login(client, "sam").status_code == 429
    # ... but another name from the same address is not locked out.
    assert login(app.test_client(), "cora").status_code == 302


def test_limiter_window_and_reset():
    # Issue 18.13: keyed on the account alone (any address), with a delay that ends.
    now = [0.0]
    limiter = LoginThrottle(ThrottlePolicy(free_failures=2, base_delay=10, forget_after=60),
                            clock=lambda: now[0])
    limiter.failed("Sam", "1.2.3.4")
    limiter.failed("sam ", "1.2.3.4")
    assert limiter.admit("sam", "1.2.3.4") and limiter.admit("sam", "5.6.7.8")
    now[0] = 61
    assert limiter.admit("sam", "1.2.3.4") is None
    limiter.failed("sam", "1.2.3.4")
    limiter.succeeded("sam")
    assert limiter.admit("sam", "1.2.3.4") is None


def test_limiter_memory_is_bounded():
    limiter = LoginThrottle(ThrottlePolicy(max_keys=10, address_failures=1000))
    for i in range(50):
        limiter.failed(f"user{i}", "1.1.1.1")
    with limiter._transaction() as db:
        remembered = db.execute("SELECT count(*) FROM throttle_accounts").fetchone()[0]
    assert remembered <= 10


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(client, target):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login?next=" + target, data={
        "csrf_token": token, "name": "sam", "password": PASSWORD})
    assert response.headers["Location"] == "/staff/"  # the staff home, never off the site


def test_login_returns_to_the_page_asked_for(client):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login?next=/staff/quarantine", data={
        "csrf_token": token, "name": "sam", "password": PASSWORD})
    assert response.headers["Location"] == "/staff/quarantine"


def test_changing_the_password_ends_open_sessions(private_app, private_home):
    from archive.catalog import Catalog
    from archive.settings import load_settings
    from archive.users import Users

    client = private_app.test_client()
    login(client, "sam")
    assert client.get("/staff/stats").status_code == 200
    with Catalog(load_settings(private_home).catalog_path) as catalog:
        Users(catalog).set_password("sam", "another long password")
    assert client.get("/staff/stats").status_code == 302


def test_no_secret_in_the_repo():
    repo = Path(__file__).resolve().parents[1]
    for path in (repo / "web").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"SECRET_KEY\"?\]?\s*=\s*['\"]", text), path


def test_hsts_only_when_served_over_https(client, web_home):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = make_app(web_home, SESSION_COOKIE_SECURE=True).test_client()
    assert secure.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_unknown_api_routes_answer_json(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and response.get_json() == {"error": "not found"}
    assert client.post("/api/search?q=x").status_code in (400, 405)


@pytest.mark.parametrize("snippet, html", [
    ("a <mark>b</mark> c", "a <mark>b</mark> c"),
    ("&lt;script&gt;x", "&lt;script&gt;x"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("<mark>open", "<mark>open</mark>"),
    ("close</mark> <mark><mark>twice</mark>", "close <mark>twice</mark>"),
    ('<mark onclick="x()">y</mark>', "&lt;mark onclick=&#34;x()&#34;&gt;y"),
    ("AT&amp;T &quot;q&quot;", "AT&amp;T &#34;q&#34;"),
])
def test_snippet_filter_keeps_only_mark_tags(snippet, html):
    from web.markup import highlight

    assert str(highlight(snippet)) == html
