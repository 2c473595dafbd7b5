"""Logging in and out (Flask-Login); accounts live in archive.users, made with `ttdn user add`."""
from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from archive.users import User

from .forms import LoginForm
from .resources import get_users
from .security import login_limiter

__all__ = ["bp", "init_login", "PortalUser"]

bp = Blueprint("auth", __name__)


class PortalUser(UserMixin):
    """A logged-in account as Flask-Login sees it."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.name, self.role, self.audience = user.name, user.role, user.audience
        self.may_edit, self.may_restrict = user.may_edit, user.may_restrict

    def get_id(self) -> str:
        """Name and password stamp: changing the password ends older sessions."""
        return f"{self.user.name}|{self.user.stamp}"


def _load_user(user_id: str) -> PortalUser | None:
    name, _sep, stamp = user_id.partition("|")
    user = get_users().get(name)
    if user is None or not user.active or user.stamp != stamp:
        return None
    return PortalUser(user)


def init_login(app: Flask) -> None:
    """Set Flask-Login up: who is logged in is read from the catalog on every request."""
    manager = LoginManager(app)
    manager.user_loader(_load_user)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute or scheme-relative URL."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("search.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; 5 failures per name and address in 5 minutes lock that pair out."""
    form = LoginForm()
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    name, address = form.name.data, request.remote_addr or "-"
    limiter = login_limiter()
    if limiter.blocked(name, address):
        flash(_("Too many failed attempts. Wait a few minutes and try again."), "error")
        return render_template("auth/login.html", form=form), 429
    user = get_users().authenticate(name, form.password.data)
    if user is None:
        limiter.failed(name, address)
        flash(_("Wrong user name or password."), "error")
        return render_template("auth/login.html", form=form), 401
    limiter.succeeded(name, address)
    language = session.get("lang")
    session.clear()  # a fresh session at the change of privilege
    if language:
        session["lang"] = language
    login_user(PortalUser(user))
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
def logout():
    """Log out (a POST with a CSRF token, so no other site can log anyone out)."""
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("search.index"))
