"""The review rules page (administrators): the rule set applied at ingest, as JSON."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from archive.errors import UsageError
from archive.rules import EXAMPLE, RULE_FIELDS, load_rules, save_rules

from .resources import get_catalog
from .staff import require_staff

__all__ = ["bp"]

bp = Blueprint("staff_rules", __name__, url_prefix="/staff/rules")
bp.before_request(require_staff)


class RulesForm(FlaskForm):
    """The whole rule set as one JSON text."""

    body = TextAreaField(_l("Rules"), validators=[Optional(), Length(max=200_000)])


@bp.route("/", methods=["GET", "POST"])
def rules():
    """Show the rules (staff may read them); administrators change them."""
    catalog = get_catalog()
    try:
        text, current = load_rules(catalog)
    except UsageError as err:  # kept but broken (an older release's): show it to be fixed
        text, current = "", []
        flash(err.message, "error")
    form = RulesForm(data={"body": text})
    page = lambda status=200: (render_template(  # noqa: E731
        "staff/rules.html", form=form, rules=current, example=EXAMPLE, fields=RULE_FIELDS),
        status)
    if not form.is_submitted():
        return page()
    if not current_user.may_restrict:
        abort(403)
    if not form.validate():
        return page(400)
    try:
        save_rules(catalog, current_user, form.body.data or "")
    except UsageError as err:
        form.body.errors = [err.message]
        return page(400)
    flash(_("The review rules are saved; they apply to what is ingested from now on."), "success")
    return redirect(url_for("staff_rules.rules"))
