"""The staff side: the home page, editing an item, the quarantine list, statistics with SVG
charts and CSV; the other staff pages live in web/staff_*.py (bulk edit, quarantine actions,
audit export, review rules, saved searches) and are registered by `register_staff_pages`."""
from __future__ import annotations

import csv
import io

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from archive.csvsafe import csv_row
from archive.dates import DateError
from archive.editing import editable_levels, may_edit
from archive.errors import AccessDenied
from archive.statistics import collection_stats
from search.access import visible_levels

from .charts import bar_chart
from .editing import LIST_VALUED, changes, form_values, save_changes
from .forms import LONG_FIELDS, date_message, edit_form, fields_for
from .labels import label, language_name
from .resources import audience, get_catalog, get_engine, settings, visible_item

__all__ = ["bp", "stats_csv", "require_staff"]

bp = Blueprint("staff", __name__, url_prefix="/staff")

_CHARTS = (("by_kind", "kind"), ("by_language", "language"), ("by_year", None),
           ("by_lead_unit", None), ("by_access", "access"))


def require_staff():
    """Before every staff page: signed-in staff only (others go to the login page)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


bp.before_request(require_staff)


def register_staff_pages(app) -> None:
    """Register the staff side's other blueprints (kept in web/staff_*.py modules)."""
    from . import (staff_audit, staff_bulk, staff_dashboard, staff_quarantine,  # they import
                   staff_rules, staff_saved)  # this module's require_staff

    for blueprint in (staff_bulk.bp, staff_quarantine.bp, staff_audit.bp, staff_dashboard.bp,
                      staff_rules.bp, staff_saved.bp):
        app.register_blueprint(blueprint)


@bp.get("/")
def home():
    """The staff home: what came in, what waits for a person, where the collection stands."""
    from .staff_dashboard import dashboard

    return dashboard()


@bp.route("/items/<item_id>/edit", methods=["GET", "POST"])
def edit(item_id: str):
    """Edit an item's metadata and access level (curators and admins)."""
    item = visible_item(item_id)
    if not may_edit(current_user, item):
        abort(403)
    fields = fields_for(item)
    form = edit_form(editable_levels(current_user), data=form_values(item, fields))
    page = lambda: render_template(  # noqa: E731
        "staff/edit.html", item=item, form=form, fields=fields, long_fields=LONG_FIELDS,
        list_fields=LIST_VALUED)
    if not form.validate_on_submit():
        return page()
    changed = changes(item, form.data, fields)
    if not changed:
        flash(_("Nothing was changed."), "info")
        return redirect(url_for("items.show", item_id=item.id))
    try:
        _new, indexed = save_changes(get_catalog(), get_engine(), current_user, item, changed,
                                     batch=settings().index_batch)
    except DateError as err:  # the form checks dates too; this is the archive's own check
        form[err.field].errors = [date_message(err)] if err.field in form else []
        return page()
    except AccessDenied:
        abort(403)
    flash(_("Saved.") if indexed else
          _("Saved. The search index is busy and will show the change a little later."),
          "success" if indexed else "warning")
    return redirect(url_for("items.show", item_id=item.id))


@bp.get("/quarantine")
def quarantine():
    """Inputs ingest refused, with the reason a clerk can act on, and the actions to take."""
    from .staff_quarantine import quarantine_page

    return quarantine_page()


def _name_for(kind: str | None):
    if kind == "language":
        return language_name
    if kind in ("kind", "access"):
        return lambda key: label(kind, key)
    return lambda key: _("unknown") if key in ("unknown", "und") else key


@bp.get("/stats")
def stats():
    """Counts, coverage and work lists of what this reader may see, with charts."""
    data = collection_stats(get_catalog(), visible_levels(audience()))
    charts = {key: bar_chart(data[key], title=label("facet", key[3:]) if key != "by_language"
                             else _("Language"), name=_name_for(kind))
              for key, kind in _CHARTS}
    return render_template("staff/stats.html", stats=data, charts=charts)


def stats_csv(data: dict) -> str:
    """The statistics as CSV rows (section, key, value); formula-like cells are quoted."""
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(["section", "key", "value"])
    for section, value in data.items():
        if isinstance(value, dict):
            out.writerows(csv_row([section, str(k), v]) for k, v in value.items())
        elif isinstance(value, list):
            out.writerows(csv_row([section, row.get("item_id"), _describe(row)]) for row in value)
        else:
            out.writerow(csv_row([section, "", value]))
    return buffer.getvalue()


def _describe(row: dict) -> str:
    parts = [row.get("title") or ""]
    if "n" in row:
        parts.append(f"page {row['n']} confidence {row['confidence']}")
    return " | ".join(p for p in parts if p)


@bp.get("/stats.csv")
def stats_download():
    """The statistics as a CSV file (UTF-8 with BOM, so Excel reads the accents)."""
    data = collection_stats(get_catalog(), visible_levels(audience()))
    body = "\ufeff" + stats_csv(data)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=ttdn-stats.csv"})
