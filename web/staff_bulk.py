"""Bulk edit of a search result or a selection: form, preview (count, who becomes public), apply.

The rules are archive/editing.py's: each item is judged as if edited alone, so the preview and
the edit refuse whatever its user could not do to that item by itself.
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from archive.editing import Change, edit_items, editable_levels
from archive.errors import AccessDenied, UsageError
from search.edit_commands import result_ids

from .editing import index_syncer
from .labels import ACCESS_LABELS
from .params import search_request
from .resources import audience, get_catalog, get_engine, settings
from .staff import require_staff

__all__ = ["bp", "MAX_BULK"]

bp = Blueprint("staff_bulk", __name__, url_prefix="/staff/bulk")
bp.before_request(require_staff)

MAX_BULK = 5000  # items in one bulk edit from the web; larger ones are `ttdn edit`'s
_ID = re.compile(r"[0-9a-f]{16}")
_SEARCH_ARGS = ("q", "kind", "language", "from", "to", "collection", "lead_unit", "issuer",
                "doc_type", "year", "access")


class BulkEditForm(FlaskForm):
    """What to change; empty fields leave the items as they are."""

    access = SelectField(_l("Access"), validators=[Optional()])
    collection = StringField(_l("Set the collection to"), validators=[Optional(), Length(max=400)])
    lead_unit = StringField(_l("Set the lead unit to"), validators=[Optional(), Length(max=400)])
    add_place = StringField(_l("Add a place"), validators=[Optional(), Length(max=200)])
    remove_place = StringField(_l("Remove a place"), validators=[Optional(), Length(max=200)])
    add_subject = StringField(_l("Add a subject"), validators=[Optional(), Length(max=200)])
    remove_subject = StringField(_l("Remove a subject"), validators=[Optional(), Length(max=200)])


def _form() -> BulkEditForm:
    form = BulkEditForm(prefix="bulk")  # its names never meet the search's (access=...)
    form.access.choices = [("", _("(leave as it is)"))] + [
        (level, ACCESS_LABELS[level]) for level in editable_levels(current_user)]
    return form


def _changes(form: BulkEditForm) -> list[Change]:
    pairs = (("access", "set", form.access.data), ("collection", "set", form.collection.data),
             ("lead_unit", "set", form.lead_unit.data), ("places", "add", form.add_place.data),
             ("places", "remove", form.remove_place.data),
             ("subject", "add", form.add_subject.data),
             ("subject", "remove", form.remove_subject.data))
    return [Change(name, op, value.strip()) for name, op, value in pairs
            if value and value.strip()]


def _search_ids() -> list[str]:
    """The ids of every item the search in the query string finds for this reader."""
    req = search_request(request.args, audience=audience(), browse=True, limit=1,
                         max_limit=MAX_BULK)
    return result_ids(get_engine(), get_catalog(), req)[:MAX_BULK]


def _posted_ids() -> list[str]:
    return [i for i in dict.fromkeys(request.form.getlist("ids")) if _ID.fullmatch(i)][:MAX_BULK]


def _titles(ids: list[str]) -> list[tuple[str, str, str]]:
    """(id, title, access) of the items this reader may see; others are left out, never named."""
    catalog, levels = get_catalog(), editable_levels(current_user)
    shown = []
    for item_id in ids:
        item = catalog.get_item(item_id)
        if item is not None and item.access in levels:
            shown.append((item.id, item.title or item.id, item.access))
    return shown


def _shown(value) -> str:
    """A field's value as one line (lists joined; nothing as a dash)."""
    if isinstance(value, list):
        return ", ".join(value) or "—"
    return value or "—"


@bp.app_context_processor
def _helpers() -> dict:
    return {"shown": _shown}


@bp.route("/", methods=["GET", "POST"])
def bulk():
    """Choose the changes for a search's items (GET) or a selection; preview, then apply."""
    if not current_user.may_edit:
        abort(403)
    form = _form()
    search_args = {k: request.values.get(k) for k in _SEARCH_ARGS if request.values.get(k)}
    if request.method == "GET":
        try:  # a selection (?ids=…, e.g. from a refused publication) or a search's items
            ids = [i for i in request.args.getlist("ids") if _ID.fullmatch(i)][:MAX_BULK] \
                or _search_ids()
        except UsageError as err:
            flash(err.message, "error")
            ids = []
        return render_template("staff/bulk.html", form=form, items=_titles(ids), preview=None,
                               search_args=search_args, limit=MAX_BULK)
    ids = _posted_ids()
    if not form.validate_on_submit():
        return render_template("staff/bulk.html", form=form, items=_titles(ids), preview=None,
                               search_args=search_args, limit=MAX_BULK), 400
    changes = _changes(form)
    if not changes:
        flash(_("Choose at least one change."), "error")
        return render_template("staff/bulk.html", form=form, items=_titles(ids), preview=None,
                               search_args=search_args, limit=MAX_BULK), 400
    apply = request.form.get("step") == "apply"
    catalog = get_catalog()
    sync = index_syncer(get_engine(), catalog, batch=settings().index_batch)
    try:
        result = edit_items(catalog, sync, current_user, ids, changes, dry_run=not apply)
    except AccessDenied:
        abort(403)
    if not apply:
        return render_template("staff/bulk.html", form=form, items=_titles(ids), preview=result,
                               search_args=search_args, limit=MAX_BULK)
    count = len(result.changing)
    flash(_("%(num)s items changed.", num=count) if result.indexed or not count else
          _("%(num)s items changed. The search index is busy and will show the change a little "
            "later.", num=count), "success" if result.indexed else "warning")
    return redirect(url_for("search.index", **search_args))
