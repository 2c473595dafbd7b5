"""Security headers on every response and the in-memory login rate limit."""
from __future__ import annotations

import threading
import time
from collections import deque

from flask import Flask, Response, current_app
from flask_login import current_user

__all__ = ["init_security", "LoginLimiter", "login_limiter", "CSP"]

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


class LoginLimiter:
    """At most `max_failures` failed logins per key within `window` seconds; thread-safe."""

    def __init__(self, max_failures: int = 5, window: float = 300.0, *, clock=time.monotonic,
                 max_keys: int = 100_000) -> None:
        self.max_failures, self.window, self.clock = max_failures, window, clock
        self.max_keys = max_keys
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        stamps = self._failures.get(key, deque())
        while stamps and now - stamps[0] >= self.window:
            stamps.popleft()
        return stamps

    def blocked(self, name: str, ip: str) -> bool:
        """True when this name from this address has used up its failures."""
        key = (name.strip().lower(), ip)
        with self._lock:
            return len(self._recent(key, self.clock())) >= self.max_failures

    def failed(self, name: str, ip: str) -> None:
        """Count one failed attempt."""
        key, now = (name.strip().lower(), ip), self.clock()
        with self._lock:
            if len(self._failures) >= self.max_keys:
                self._prune(now)
            stamps = self._recent(key, now)
            stamps.append(now)
            self._failures[key] = stamps

    def succeeded(self, name: str, ip: str) -> None:
        """Forget the failures of a name and address that just logged in."""
        with self._lock:
            self._failures.pop((name.strip().lower(), ip), None)

    def _prune(self, now: float) -> None:
        # Bounded memory under a flood of made-up names: drop every expired key first.
        for key in [k for k, v in self._failures.items() if not v or now - v[-1] >= self.window]:
            del self._failures[key]
        if len(self._failures) >= self.max_keys:
            self._failures.clear()


def login_limiter() -> LoginLimiter:
    """The app's limiter."""
    return current_app.extensions["ttdn_login_limiter"]


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
    """Install the limiter and the headers hook."""
    app.extensions["ttdn_login_limiter"] = LoginLimiter(app.config["LOGIN_MAX_FAILURES"],
                                                        app.config["LOGIN_WINDOW"])
    app.after_request(_add_headers)
