"""Security headers on every response, same-site redirects, and the login throttle's home."""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from .throttle import LoginThrottle, ThrottlePolicy

__all__ = ["init_security", "safe_next", "login_throttle", "client_address", "CSP"]

# Everything from this origin only: no inline script or style anywhere (templates carry no
# <script>/<style>/style=), images also from blob: for the zoom viewer's canvas.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def safe_next(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site, else `fallback`; every `next` goes through here."""
    if not target:
        return fallback
    candidate = target.strip()
    # Browsers drop tabs and newlines inside a URL and read "\\" as "/": "/\t/evil" and
    # "/\\evil" would lead off the site, and a newline would break the Location header.
    if any(c == "\\" or c.isspace() or unicodedata.category(c)[0] == "C" for c in candidate):
        return fallback
    if not candidate.startswith("/") or candidate.startswith("//"):
        return fallback
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return fallback
    return candidate


def login_throttle() -> LoginThrottle:
    """The app's login throttle."""
    return current_app.extensions["ttdn_login_throttle"]


def client_address() -> str:
    """The client's address: the socket peer, or the proxy's X-Forwarded-For with --trust-proxy."""
    return request.remote_addr or "-"


def _add_headers(response: Response) -> Response:
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS: browsers keep to it
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # A page made for a logged-in reader must never sit in a shared cache.
    if current_user and current_user.is_authenticated:
        response.headers["Cache-Control"] = "private, no-store"
        response.vary.add("Cookie")
    return response


def init_security(app: Flask) -> None:
    """Install the login throttle, the headers hook and, when configured, the proxy's headers."""
    config = app.config
    app.extensions["ttdn_login_throttle"] = LoginThrottle(ThrottlePolicy(
        free_failures=config["LOGIN_MAX_FAILURES"], base_delay=config["LOGIN_DELAY"],
        max_delay=config["LOGIN_MAX_DELAY"], forget_after=config["LOGIN_WINDOW"],
        address_failures=config["LOGIN_ADDRESS_FAILURES"],
        address_window=config["LOGIN_ADDRESS_WINDOW"]), path=config.get("THROTTLE_DB"))
    app.after_request(_add_headers)
    if config["TTDN_TRUST_PROXY"]:
        # Only behind our own proxy: anyone else could claim any address in X-Forwarded-For.
        # One proxy hop: its last X-Forwarded-For entry is the client it saw.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
