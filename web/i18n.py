"""The interface language: ?lang= (sticky in the session), else Accept-Language, else Vietnamese."""
from __future__ import annotations

from flask import Flask, request, session, url_for
from flask_babel import get_locale

__all__ = ["LANGUAGES", "select_locale", "init_i18n", "language_url"]

# Interface languages, each named in itself for the switcher.
LANGUAGES = {"vi": "Tiếng Việt", "en": "English", "zh": "中文"}
DEFAULT = "vi"


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT


def _remember_language() -> None:
    asked = request.args.get("lang")
    if asked in LANGUAGES and session.get("lang") != asked:
        session["lang"] = asked


def language_url(code: str) -> str:
    """This page's URL with the interface language switched to `code`."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    if request.endpoint is None or request.url_rule is None:
        return url_for("search.index", lang=code)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _context() -> dict:
    return {"interface_languages": LANGUAGES, "current_language": str(get_locale()),
            "language_url": language_url}


def init_i18n(app: Flask) -> None:
    """Remember ?lang= before each request and offer the switcher to templates."""
    app.before_request(_remember_language)
    app.context_processor(_context)
