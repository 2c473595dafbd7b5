"""Logging in and out (Flask-Login); accounts live in archive.users, made with `ttdn user add`."""
from __future__ import annotations

import math

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from archive.users import User

from .forms import LoginForm
from .resources import get_users
from .security import client_address, login_throttle, safe_next
from .throttle import Refusal

__all__ = ["bp", "init_login", "PortalUser"]

bp = Blueprint("auth", __name__)


class PortalUser(UserMixin):
    """A logged-in account as Flask-Login sees it."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.name, self.role, self.audience = user.name, user.role, user.audience
        self.may_edit, self.may_restrict = user.may_edit, user.may_restrict

    def get_id(self) -> str:
        """Name, session version and password stamp: logout or a new password ends the session."""
        return f"{self.user.name}|{self.user.session_version}|{self.user.stamp}"


def _load_user(user_id: str) -> PortalUser | None:
    # Checked on every request against the catalog, so a replayed cookie of an ended session
    # (logout bumps the version, a password change too) is anonymous again.
    name, version, stamp = (user_id.split("|") + ["", ""])[:3]
    user = get_users().get(name)
    if user is None or not user.active or str(user.session_version) != version \
            or user.stamp != stamp:
        return None
    return PortalUser(user)


def init_login(app: Flask) -> None:
    """Set Flask-Login up: who is logged in is read from the catalog on every request."""
    manager = LoginManager(app)
    manager.user_loader(_load_user)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"


def _next_page() -> str:
    # Everyone who logs in is staff: without a page asked for, they start at the staff home.
    return safe_next(request.args.get("next"), url_for("staff.home"))


def _refused(form: LoginForm, refusal: Refusal):
    seconds = max(1, math.ceil(refusal.wait))
    if refusal.reason == "address":
        flash(_("Too many failed logins from your address. Wait %(seconds)d s and try again.",
                seconds=seconds), "error")
    else:
        flash(_("Too many failed attempts for this name. Wait %(seconds)d s and try again.",
                seconds=seconds), "error")
    return render_template("auth/login.html", form=form), 429, {"Retry-After": str(seconds)}


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; failures slow down the account (growing delays) and the address."""
    form = LoginForm()
    if current_user.is_authenticated:
        return redirect(_next_page())
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    name, address = form.name.data, client_address()
    throttle = login_throttle()
    refusal = throttle.admit(name, address)
    if refusal:
        return _refused(form, refusal)
    user = get_users().authenticate(name, form.password.data)
    if user is None:
        throttle.failed(name, address)
        flash(_("Wrong user name or password."), "error")
        return render_template("auth/login.html", form=form), 401
    throttle.succeeded(name)
    language = session.get("lang")
    session.clear()  # a fresh session at the change of privilege
    if language:
        session["lang"] = language
    login_user(PortalUser(user))
    return redirect(_next_page())


@bp.post("/logout")
def logout():
    """Log out (a POST with a CSRF token); the account's sessions end on the server too."""
    if current_user.is_authenticated:
        get_users().end_sessions(current_user.name)
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You are logged out."), "info")
    return redirect(url_for("search.index"))
