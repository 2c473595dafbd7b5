"""The staff home: recent ingests, quarantine, items awaiting review, weak OCR, clickable bars."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from archive.errors import AccessDenied, NotFound
from archive.review import awaiting_review, clear_review
from archive.statistics import collection_stats
from search.access import visible_levels

from .charts import bar_chart
from .labels import label, language_name
from .resources import audience, get_catalog
from .staff import require_staff

__all__ = ["bp", "dashboard", "RECENT_DAYS"]

bp = Blueprint("staff_review", __name__, url_prefix="/staff/review")
bp.before_request(require_staff)

RECENT_DAYS = 7
_INGEST_ACTIONS = {"ingested": "added", "updated": "updated", "reingested": "updated",
                   "quarantined": "failed"}
# Chart -> (stats key, search argument its bars filter on, how a key is named).
_CHARTS = (("by_kind", "kind", lambda k: label("kind", k)),
           ("by_access", "access", lambda k: label("access", k)),
           ("by_language", "language", language_name),
           ("by_year", "year", lambda k: _unknown(k)),
           ("by_lead_unit", "lead_unit", lambda k: _unknown(k)))


def _unknown(key: str) -> str:
    return _("unknown") if key in ("unknown", "und") else key


def _recent(catalog, levels: tuple[str, ...]) -> tuple[dict[str, int], list[dict]]:
    since = (datetime.now(timezone.utc) - timedelta(days=RECENT_DAYS)).isoformat(
        timespec="seconds")
    counts = {"added": 0, "updated": 0, "failed": 0}
    marks = ",".join("?" * len(_INGEST_ACTIONS))
    rows = catalog.db.execute(
        f"SELECT e.action, e.item_id, e.at, i.title, i.access FROM events e LEFT JOIN items i"
        f" ON i.id = e.item_id WHERE e.at >= ? AND e.action IN ({marks}) ORDER BY e.id DESC",
        (since, *_INGEST_ACTIONS))
    added = []
    for r in rows:
        if r["item_id"] is not None and r["access"] not in levels:
            continue  # an item this reader may not see is not counted either
        counts[_INGEST_ACTIONS[r["action"]]] += 1
        if r["action"] == "ingested" and len(added) < 10:
            added.append(dict(r))
    return counts, added


def _link(arg: str):
    return lambda key: None if key in ("unknown", "und") else url_for(
        "search.index", q="*", **{arg: key})


def dashboard():
    """The staff home page (web/staff.py's `/staff/`)."""
    catalog, levels = get_catalog(), visible_levels(audience())
    counts, added = _recent(catalog, levels)
    waiting_count, waiting = awaiting_review(catalog, levels, limit=20)
    stats = collection_stats(catalog, levels)
    charts = {key: bar_chart(stats[key], title=label("facet", key[3:]) if key != "by_language"
                             else _("Language"), name=name, link=_link(arg))
              for key, arg, name in _CHARTS}
    return render_template("staff/dashboard.html", counts=counts, added=added,
                           days=RECENT_DAYS, quarantined=len(catalog.quarantined()),
                           waiting=waiting, waiting_count=waiting_count, stats=stats,
                           charts=charts, form=FlaskForm())


@bp.post("/<item_id>/clear")
def clear(item_id: str):
    """A curator has reviewed the item: it leaves the awaiting-review list."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        clear_review(get_catalog(), current_user, item_id)
    except AccessDenied:
        abort(403)
    except NotFound:
        abort(404)
    flash(_("Marked as reviewed."), "success")
    return redirect(url_for("staff.home"))
