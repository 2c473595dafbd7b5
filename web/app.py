"""The Flask application factory: configuration, extensions, blueprints, error pages."""
from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, render_template, request, url_for
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect

from archive.errors import SearchUnavailable
from archive.settings import load_settings

from . import (api, auth, exhibits, exhibits_public, items, media, resources, search_views,
               security, staff)
from . import feeds, oai, sitemap  # publishing: OAI-PMH, Atom feeds, sitemap
from . import iiif  # IIIF Image and Presentation APIs
from . import browse  # browse pages, the home page's content, the results grid
from .i18n import init_i18n, select_locale
from .markup import init_filters
from .throttle import STATE_FILE

__all__ = ["create_app"]

_DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # `ttdn serve --secure-cookies` behind HTTPS
    "SESSION_COOKIE_NAME": "ttdn_session",
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,  # seconds: one working day
    "MAX_CONTENT_LENGTH": 1 << 20,  # bytes: forms only, nothing is uploaded through the web
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,  # seconds: an edit form may stay open a working day
    # Login throttle (web/throttle.py): after LOGIN_MAX_FAILURES failures of one account, from
    # any address, it waits LOGIN_DELAY seconds, doubling with each further failure up to
    # LOGIN_MAX_DELAY; LOGIN_WINDOW seconds without a failure forget them. One address may fail
    # LOGIN_ADDRESS_FAILURES times in LOGIN_ADDRESS_WINDOW seconds, whatever names it tries.
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_DELAY": 1.0,
    "LOGIN_MAX_DELAY": 60.0,
    "LOGIN_WINDOW": 900,
    "LOGIN_ADDRESS_FAILURES": 30,
    "LOGIN_ADDRESS_WINDOW": 60,
    # Read the client's address from X-Forwarded-For (`ttdn serve --trust-proxy`): only behind
    # a reverse proxy that sets it, never when clients reach waitress directly.
    "TTDN_TRUST_PROXY": False,
    "SEARCH_PAGE_SIZE": 20,
    "API_MAX_LIMIT": 100,
}


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from defaults, the TTDN_* environment and `test_config` (which wins)."""
    app = Flask(__name__)
    settings = load_settings((test_config or {}).get("TTDN_HOME"))
    app.config.update(_DEFAULTS)
    app.config["TTDN_SETTINGS"] = settings
    # No secret lives in the repo: without TTDN_SECRET_KEY each start gets a fresh random key.
    app.config["SECRET_KEY"] = settings.secret_key or secrets.token_hex(32)
    # The login throttle's state, shared by `ttdn serve --workers` (":memory:": this app alone).
    app.config["THROTTLE_DB"] = str(settings.home / STATE_FILE)
    if test_config:
        app.config.update(test_config)
    # The API prints what `ttdn search --json` prints: keys in their order, text as UTF-8.
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    Babel(app, locale_selector=select_locale)
    CSRFProtect(app)
    resources.init_resources(app)
    security.init_security(app)
    auth.init_login(app)
    init_i18n(app)
    init_filters(app)
    for blueprint in (search_views.bp, items.bp, auth.bp, staff.bp, exhibits.bp,
                      exhibits_public.bp, api.bp, oai.bp, feeds.bp, sitemap.bp, media.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(iiif.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(browse.api_bp)
    staff.register_staff_pages(app)  # bulk edit, quarantine actions, audit export, dashboard
    _error_pages(app)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    return app


def _error_pages(app: Flask) -> None:
    """One page per error status; the API answers JSON instead."""

    def page(status: int, message: str | None = None):
        if request.blueprint == "api" or request.path.startswith("/api/"):
            return {"error": _REASONS.get(status, "error")}, status
        # The language links point at the home page, not back at the asked path: a missing and a
        # forbidden item must answer with byte-identical pages.
        home = lambda code: url_for("search.index", lang=code)  # noqa: E731
        return render_template("errors/error.html", status=status, message=message,
                               language_url=home), status

    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, lambda e, s=status: page(s))
    app.register_error_handler(CSRFError, lambda e: page(400, "csrf"))
    # The search cluster down is not the portal's bug: say so, and when to come back.
    app.register_error_handler(SearchUnavailable, lambda e: (*page(503), {"Retry-After": "30"}))
    # A 405 names the methods the path takes (RFC 9110, 15.5.6), as Werkzeug's own page does.
    app.register_error_handler(405, lambda e: (*page(405), {"Allow": ", ".join(
        e.valid_methods or ())}))


_REASONS = {400: "bad request", 403: "forbidden", 404: "not found", 405: "method not allowed",
            413: "too large", 429: "too many requests", 500: "server error",
            503: "search unavailable"}
