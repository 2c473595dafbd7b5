"""The interface language: ?lang= (sticky in the session), else Accept-Language, else Vietnamese."""
from __future__ import annotations

import re

from flask import Flask, g, request, session, url_for
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

__all__ = ["LANGUAGES", "select_locale", "init_i18n", "language_url", "text_language",
           "lang_attr", "translations", "interface_locale"]

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


def _babel_state() -> tuple:
    """(locale, domain, catalog) of this request, found once while the locale stays the same.

    Flask-Babel looks the catalog up again for every string (the request's context, its domain,
    its locale, a cache key: ~30 µs), and a results page translates dozens. The state is kept
    beside Flask-Babel's own on `g` and checked against it: ``force_locale`` (IIIF manifests)
    and ``refresh`` change the locale object, which makes it looked up again.
    """
    try:
        ctx = g._flask_babel  # noqa: SLF001 - Flask-Babel's per-request namespace
    except (AttributeError, RuntimeError):  # not made yet, or outside a request
        return get_locale(), None, get_translations()
    kept = getattr(ctx, "ttdn_state", None)
    if kept is not None and kept[0] is getattr(ctx, "babel_locale", None) \
            and kept[1] is getattr(ctx, "babel_domain", None):
        return kept
    catalog = get_translations()  # sets babel_locale and babel_domain when not yet set
    kept = (getattr(ctx, "babel_locale", None), getattr(ctx, "babel_domain", None), catalog)
    if kept[0] is not None:
        ctx.ttdn_state = kept
    return kept


def translations():
    """The reader's gettext catalog (what Flask-Babel's gettext uses), found once a request."""
    return _babel_state()[2]


def interface_locale():
    """The reader's interface locale (Flask-Babel's ``get_locale()``), found once a request."""
    return _babel_state()[0] or get_locale()


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


# What tells a text's language from its letters (as ingest/language.py, which the web may not
# import): Vietnamese-only letters, Han with kana, Hangul, Han alone, and Latin words.
_VIET = re.compile(r"[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]{2,}")
_LATIN_SCRIPT = ("vi", "en", "fr")


def text_language(text: str | None, languages: list[str] | tuple[str, ...] = ()) -> str | None:
    """The language a piece of metadata or page text is written in, from its letters; the item's
    `languages` settle which Latin-script one. None when the letters say nothing (a number)."""
    text = str(text or "")
    east = len(_HAN.findall(text)) + len(_KANA.findall(text)) + len(_HANGUL.findall(text))
    words = _LATIN.findall(text)
    latin = len(words)
    if east and east / 2 >= latin:  # a Chinese word is about two characters
        return "ko" if _HANGUL.search(text) else "ja" if _KANA.search(text) else "zh"
    if not latin:
        return None
    # Vietnamese when a fifth of its words carry letters only Vietnamese has (a good half do in
    # Vietnamese; an English sentence naming Lạng Sơn has one or two).
    if sum(1 for w in words if _VIET.search(w)) * 5 >= latin:
        return "vi"
    # Latin letters without Vietnamese ones: the item's first Latin-script language other than
    # Vietnamese (an English title of a Vietnamese-English item), else Vietnamese written bare;
    # with no languages to go by, unknown.
    others = [code for code in languages if code in _LATIN_SCRIPT and code != "vi"]
    if others:
        return others[0]
    return "vi" if "vi" in languages else None


def lang_attr(text: str | None, languages: list[str] | tuple[str, ...] = (),
              default: str | None = None) -> Markup:
    """` lang="en"` for an element holding this text when its language is known (else `default`'s,
    else nothing): content keeps its own language inside a page in another interface language."""
    code = text_language(text, languages) or default
    return Markup(' lang="%s"') % code if code else Markup("")


def _context() -> dict:
    return {"interface_languages": LANGUAGES, "current_language": str(interface_locale()),
            "language_url": language_url, "lang_attr": lang_attr}


@pass_context
def _template_gettext(__context, __string: str, **variables) -> str:
    """Jinja's new-style ``_()``/``gettext()`` (``jinja2.ext``): the same result in one call
    where Jinja's alias, wrapper and callable were three (a page says ~40 strings)."""
    # Dunder names, as Jinja's: `num` or `string` may be a variable of the message.
    text = translations().ugettext(__string)
    if __context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables  # always a format string, as Jinja's new style has it


@pass_context
def _template_ngettext(__context, __singular: str, __plural: str, __num: int,
                       **variables) -> str:
    """Jinja's new-style ``ngettext()``, in one call (see ``_template_gettext``)."""
    variables.setdefault("num", __num)
    text = translations().ungettext(__singular, __plural, __num)
    if __context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def init_i18n(app: Flask) -> None:
    """Remember ?lang= before each request, offer the switcher to templates, and give them
    gettext through the catalog found once a request (after ``Babel(app)``, which installs
    its own: the same strings, looked up again each time)."""
    app.before_request(_remember_language)
    app.context_processor(_context)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n))
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext,
                                 ngettext=_template_ngettext)
