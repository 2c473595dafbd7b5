"""The Flask application factory; the portal's areas arrive as blueprints."""
from __future__ import annotations

import secrets
from typing import Any

from flask import Flask

from archive.settings import load_settings

__all__ = ["create_app"]

_DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
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

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    return app
