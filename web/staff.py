"""The staff side: editing an item, the quarantine list, statistics with SVG charts and CSV."""
from __future__ import annotations

import csv
import io

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from archive.statistics import collection_stats
from search.access import visible_levels

from .charts import bar_chart
from .editing import LIST_VALUED, changes, form_values, save_changes
from .forms import EDITABLE, LONG_FIELDS, edit_form
from .labels import label, language_name
from .resources import audience, get_catalog, get_searcher, settings, visible_item

__all__ = ["bp", "stats_csv"]

bp = Blueprint("staff", __name__, url_prefix="/staff")

_EDIT_LEVELS = {False: ("public", "internal"), True: ("public", "internal", "restricted")}
_CHARTS = (("by_kind", "kind"), ("by_language", "language"), ("by_year", None),
           ("by_lead_unit", None), ("by_access", "access"))


@bp.before_request
def _staff_only():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


@bp.get("/")
def home():
    """The staff side starts at the statistics."""
    return redirect(url_for("staff.stats"))


@bp.route("/items/<item_id>/edit", methods=["GET", "POST"])
def edit(item_id: str):
    """Edit an item's metadata and access level (curators and admins)."""
    item = visible_item(item_id)
    if not current_user.may_edit:
        abort(403)
    levels = _EDIT_LEVELS[current_user.may_restrict]
    form = edit_form(levels, data=form_values(item, EDITABLE))
    if not form.validate_on_submit():
        return render_template("staff/edit.html", item=item, form=form, fields=EDITABLE,
                               long_fields=LONG_FIELDS, list_fields=LIST_VALUED)
    changed = changes(item, form.data, EDITABLE)
    if not changed:
        flash(_("Nothing was changed."), "info")
        return redirect(url_for("items.show", item_id=item.id))
    catalog, searcher = get_catalog(), get_searcher()
    _new, indexed = save_changes(catalog, searcher.ix, item, changed, actor=current_user.name,
                                 batch=settings().index_batch)
    flash(_("Saved.") if indexed else
          _("Saved. The search index is busy and will show the change a little later."),
          "success" if indexed else "warning")
    return redirect(url_for("items.show", item_id=item.id))


@bp.get("/quarantine")
def quarantine():
    """Inputs ingest refused, with the reason a clerk can act on."""
    return render_template("staff/quarantine.html", entries=get_catalog().quarantined())


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
            out.writerows([section, _cell(str(k)), v] for k, v in value.items())
        elif isinstance(value, list):
            out.writerows([section, row.get("item_id"), _cell(_describe(row))] for row in value)
        else:
            out.writerow([section, "", value])
    return buffer.getvalue()


def _describe(row: dict) -> str:
    parts = [row.get("title") or ""]
    if "n" in row:
        parts.append(f"page {row['n']} confidence {row['confidence']}")
    return " | ".join(p for p in parts if p)


def _cell(text: str) -> str:
    # Spreadsheets run a cell starting with = + - @ as a formula: OCR'd titles must not.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/stats.csv")
def stats_download():
    """The statistics as a CSV file (UTF-8 with BOM, so Excel reads the accents)."""
    data = collection_stats(get_catalog(), visible_levels(audience()))
    body = "\ufeff" + stats_csv(data)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=ttdn-stats.csv"})
