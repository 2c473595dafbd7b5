"""The Flask application factory: configuration, extensions, blueprints, error pages."""
from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, render_template, request, url_for
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect

from archive.settings import load_settings

from . import (api, auth, exhibits, exhibits_public, items, resources, search_views, security,
               staff)
from .i18n import init_i18n, select_locale
from .markup import init_filters

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
    "LOGIN_MAX_FAILURES": 5,  # per user name and IP address ...
    "LOGIN_WINDOW": 300,  # ... within this many seconds; then 429 until the window passes
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
                      exhibits_public.bp, api.bp):
        app.register_blueprint(blueprint)
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


_REASONS = {400: "bad request", 403: "forbidden", 404: "not found", 405: "method not allowed",
            413: "too large", 429: "too many requests", 500: "server error"}
